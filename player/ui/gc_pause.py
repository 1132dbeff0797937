"""Pausing Python's cycle collector while large, long-lived object graphs are built.

CPython's cycle collector holds the GIL while it scans every tracked object. Building a big
graph that lives on (the program's own start-up: Qt types, enums, modules; a parsed
50,000-cue transcript) triggers collection after collection that find nothing to free, and
each one freezes the GUI thread (50-100 ms for a long transcript, measured by
benchmarks/bench_gui_stalls.py; about 60 small collections, 7-9 ms, in a start-up).

While any pause is held the collector is off; when the last one ends, everything alive is moved
to the permanent generation (``gc.freeze``) so later collections no longer scan it, and the
collector is switched back on. Objects without reference cycles are still freed at once by
reference counting. Thread-safe; pauses nest.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_pauses = 0


def hold() -> None:
    """Pause the collector until the matching :func:`release`."""
    global _pauses
    with _lock:
        _pauses += 1
        gc.disable()


def release() -> None:
    """End one pause; the last one freezes what is alive and re-enables the collector."""
    global _pauses
    with _lock:
        if _pauses == 0:
            return
        _pauses -= 1
        if _pauses == 0:
            gc.freeze()
            gc.enable()


class Pause:
    """One pause of the collector, held from creation until the first :meth:`end`."""

    def __init__(self) -> None:
        self._held = True
        hold()

    def end(self) -> None:
        """Release this pause; later calls do nothing."""
        if self._held:
            self._held = False
            release()


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector is paused inside the ``with`` block (see the module docstring)."""
    pause = Pause()
    try:
        yield
    finally:
        pause.end()


def active_pauses() -> int:
    """How many pauses are held (for tests)."""
    return _pauses
