"""SIGTERM (logout, ``kill``, a service manager), SIGINT (Ctrl+C in the terminal) and SIGHUP (the
terminal went away) close the window as the user would, so that what closing saves is saved:
the resume position, the layout.

Python runs a signal handler only between bytecodes of the main thread, and under Qt's event
loop the main thread sits in C++ until an event arrives: a handler alone would run late (or,
for SIGINT's default ``KeyboardInterrupt``, inside some unrelated slot). So the C-level handler
writes the signal number into a pipe (``signal.set_wakeup_fd``), a ``QSocketNotifier`` on the
other end wakes the loop at once, and its slot closes every window and ends the loop. After
the first signal a second one ends the program at once (the system's default action), should
closing hang. Not on Windows (no SIGTERM there; its console Ctrl+C keeps Python's default).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence

from PySide6.QtCore import QObject, QSocketNotifier, Slot

log = logging.getLogger(__name__)

HANDLED: tuple[int, ...] = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)
"""The signals that close the window (SIGHUP: the terminal it was started from went away)."""


class SignalCloser(QObject):
    """While installed, the signals in ``signums`` call ``close()`` on the GUI thread (once)."""

    def __init__(self, close: Callable[[], None], signums: Sequence[int] = HANDLED) -> None:
        super().__init__()
        self._close = close
        self._signums = tuple(signums)
        self.received: int | None = None
        """The first signal received, or None."""
        self._read_fd, self._write_fd = os.pipe()
        os.set_blocking(self._read_fd, False)
        os.set_blocking(self._write_fd, False)
        self._notifier = QSocketNotifier(self._read_fd, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_wakeup)
        self._old_wakeup_fd = signal.set_wakeup_fd(self._write_fd, warn_on_full_buffer=False)
        self._old_handlers = {s: signal.signal(s, _note) for s in self._signums}

    @Slot()
    def _on_wakeup(self) -> None:
        try:
            data = os.read(self._read_fd, 64)
        except BlockingIOError:
            return
        signums = [s for s in data if s in self._signums]
        if not signums or self.received is not None:
            return
        self.received = signums[0]
        for signum in self._signums:  # a second signal ends the program at once
            signal.signal(signum, signal.SIG_DFL)
        log.info("%s received: closing the window", signal.Signals(self.received).name)
        self._close()

    def _restore_handlers(self) -> None:
        for signum, handler in self._old_handlers.items():
            signal.signal(signum, handler)
        self._old_handlers = {}

    def uninstall(self) -> None:
        """Give the signals back to the handlers found at installation."""
        self._restore_handlers()
        signal.set_wakeup_fd(self._old_wakeup_fd)
        self._notifier.setEnabled(False)
        os.close(self._read_fd)
        os.close(self._write_fd)


def _note(_signum: int, _frame: object) -> None:
    """The Python-level handler: nothing to do, the wake-up pipe carries the signal."""


def close_on_signals(close: Callable[[], None]) -> SignalCloser | None:
    """From now on SIGTERM and SIGINT call ``close()`` (on the main thread, under Qt's event
    loop) until the closer's :meth:`~SignalCloser.uninstall`; None where this is not done
    (Windows, or not called on the main thread)."""
    if sys.platform.startswith("win") or threading.current_thread() is not threading.main_thread():
        return None
    return SignalCloser(close)


@contextlib.contextmanager
def closing_on_signals(close: Callable[[], None]) -> Iterator[SignalCloser | None]:
    """:func:`close_on_signals` for the length of a ``with`` block."""
    closer = close_on_signals(close)
    try:
        yield closer
    finally:
        if closer is not None:
            closer.uninstall()
