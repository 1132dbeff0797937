"""Logging for the window and the subcommands: one rotating file, and stderr with ``--verbose``.

Every module logs through ``logging.getLogger(__name__)``; this module only decides where the
records go. The file (``briefing-player.log``, rotated at about 1 MB, three old files kept) is
in the user's log folder (``platformdirs.user_log_dir``: ``~/.local/state/briefing-player/log``
on Linux) unless ``--log-dir`` names another one. The folder is made private (0700) and the
files are created private (0600): a log names the files the user opened. Uncaught exceptions,
on the main thread or on any other, are logged with their traceback before Python's own handler
prints them. With ``--verbose`` the file also gets DEBUG records and they are all copied to
stderr.

:func:`logging_to` installs all this for the length of a ``with`` block and then restores what
it found (``main()`` is also called in-process by the tests). The window opens the file once its
first frame is shown (a start-up trick, see ``player.app.startup_tweaks``): until then the
records wait in memory, and they are written first.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from logging.handlers import RotatingFileHandler

LOG_FILE_NAME = "briefing-player.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
FILE_FORMAT = "%(asctime)s %(levelname)-8s %(threadName)s %(name)s: %(message)s"
STDERR_FORMAT = "%(relativeCreated)7.0f ms %(levelname)-8s %(name)s: %(message)s"
MAX_WAITING = 10_000
"""Records kept in memory until the file opens; later ones (a runaway loop) are dropped."""

log = logging.getLogger(__name__)


def open_log_file(log_dir: Path) -> RotatingFileHandler:
    """A handler writing to ``log_dir/briefing-player.log``, rotated, private (the folder is
    made, private). Raises ``OSError`` when the folder or the file cannot be made."""
    from logging.handlers import RotatingFileHandler  # imports socket and pickle: 5 ms

    class PrivateRotatingFileHandler(RotatingFileHandler):
        """Its files (the current one and each new one after a rotation) are readable and
        writable by the user only."""

        def _open(self) -> io.TextIOWrapper:
            fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.fchmod(fd, 0o600)  # a file made before, with wider permissions
            return open(fd, "a", encoding=self.encoding, errors=self.errors)

    log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(log_dir, 0o700)
    handler = PrivateRotatingFileHandler(
        log_dir / LOG_FILE_NAME, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(FILE_FORMAT))
    return handler


class _Waiting(logging.Handler):
    """Keeps the records logged before the file opens; while the file's handler takes its place
    among the root's handlers, passes records on to it (other threads log meanwhile: with no
    handler at all for a moment, logging's last resort would print them on stderr)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.successor: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        # Handler.handle holds this handler's lock around emit: hand_over() takes it too.
        if self.successor is not None:
            self.successor.handle(record)
        elif len(self.records) < MAX_WAITING:
            self.records.append(record)

    def hand_over(self, successor: logging.Handler) -> None:
        """Give the records kept so far, and those still to come here, to ``successor`` (which
        gets a filter letting each record through once: a record logged while the two
        handlers swap places may reach it both ways)."""
        successor.addFilter(_once)
        self.acquire()
        try:
            for record in self.records:
                successor.handle(record)
            self.records = []
            self.successor = successor
        finally:
            self.release()


def _once(record: logging.LogRecord) -> bool:
    """A filter passing each record once."""
    if getattr(record, "_briefing_player_written", False):
        return False
    record._briefing_player_written = True
    return True


class Log:
    """Where this run's records go: the log file (opened by :meth:`open_file`) and, with
    ``verbose``, stderr. Made by :func:`logging_to`."""

    def __init__(self, log_dir: Path, *, verbose: bool) -> None:
        self.path = log_dir / LOG_FILE_NAME
        """The log file (it exists once :meth:`open_file` has run and succeeded)."""
        self.verbose = verbose
        self._root = logging.getLogger()
        self._handlers: list[logging.Handler] = []
        self._waiting: _Waiting | None = _Waiting()
        self._add(self._waiting)
        if verbose:
            self._add_stderr(logging.DEBUG)

    def open_file(self) -> None:
        """Open the log file now and write the records that waited; later calls do nothing.
        When it cannot be made, a warning says why on stderr and logging goes on there."""
        waiting, self._waiting = self._waiting, None
        if waiting is None:
            return
        try:
            handler = open_log_file(self.path.parent)
        except OSError as err:
            self._remove(waiting)
            if not self.verbose:
                self._add_stderr(logging.WARNING)
            log.warning("no log file (%s): logging to stderr only", err)
            return
        handler.setLevel(logging.DEBUG if self.verbose else logging.INFO)
        waiting.hand_over(handler)
        self._add(handler)
        self._remove(waiting)

    def close(self) -> None:
        """Open the file if it never was (keeping what waited), then remove every handler."""
        self.open_file()
        for handler in reversed(self._handlers):
            self._remove(handler)
            handler.close()

    def _add(self, handler: logging.Handler) -> None:
        self._handlers.append(handler)
        self._root.addHandler(handler)

    def _remove(self, handler: logging.Handler) -> None:
        self._root.removeHandler(handler)
        if handler in self._handlers:
            self._handlers.remove(handler)

    def _add_stderr(self, level: int) -> None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(level)
        handler.setFormatter(_TerminalSafeFormatter(STDERR_FORMAT))
        self._add(handler)


class _TerminalSafeFormatter(logging.Formatter):
    """Records for a terminal: the file names and texts they quote cannot drive it (control
    characters shown as escapes, ``player.cli.output``); a traceback keeps its lines."""

    def format(self, record: logging.LogRecord) -> str:
        from player.cli.output import escape  # only with --verbose, or without a log file

        return "\n".join(escape(line) for line in super().format(record).split("\n"))


def _log_uncaught(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    if not issubclass(kind, KeyboardInterrupt):
        log.critical("uncaught exception", exc_info=(kind, error, tb))


@contextlib.contextmanager
def logging_to(log_dir: Path, *, verbose: bool = False, open_file: bool = True) -> Iterator[Log]:
    """Log to a file in ``log_dir`` (and to stderr when ``verbose``) inside the block.

    With ``open_file`` False the file opens when the caller calls ``Log.open_file`` (or at the
    end of the block); records wait in memory until then.
    """
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    run_log = Log(log_dir, verbose=verbose)
    excepthook, thread_excepthook = sys.excepthook, threading.excepthook

    def on_uncaught(
        kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        _log_uncaught(kind, error, tb)
        excepthook(kind, error, tb)

    def on_uncaught_in_thread(info: threading.ExceptHookArgs) -> None:
        if info.exc_value is not None:
            _log_uncaught(info.exc_type, info.exc_value, info.exc_traceback)
        thread_excepthook(info)

    sys.excepthook = on_uncaught
    threading.excepthook = on_uncaught_in_thread
    if open_file:
        run_log.open_file()
    try:
        yield run_log
    except Exception:
        log.critical("uncaught exception", exc_info=True)
        raise
    finally:
        sys.excepthook, threading.excepthook = excepthook, thread_excepthook
        run_log.close()
        root.setLevel(level)
