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
it found (``main()`` is also called in-process by the tests).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Iterator
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

LOG_FILE_NAME = "briefing-player.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
FILE_FORMAT = "%(asctime)s %(levelname)-8s %(threadName)s %(name)s: %(message)s"
STDERR_FORMAT = "%(relativeCreated)7.0f ms %(levelname)-8s %(name)s: %(message)s"

log = logging.getLogger(__name__)


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A :class:`RotatingFileHandler` whose files (the current one and each new one after a
    rotation) are readable and writable by the user only."""

    def _open(self) -> TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)  # a file made before, with wider permissions
        return open(fd, "a", encoding=self.encoding, errors=self.errors)


def open_log_file(log_dir: Path) -> PrivateRotatingFileHandler:
    """A handler writing to ``log_dir/briefing-player.log`` (the folder is made, private).

    Raises ``OSError`` when the folder or the file cannot be made.
    """
    log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(log_dir, 0o700)
    handler = PrivateRotatingFileHandler(
        log_dir / LOG_FILE_NAME, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(FILE_FORMAT))
    return handler


def _log_uncaught(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    if not issubclass(kind, KeyboardInterrupt):
        log.critical("uncaught exception", exc_info=(kind, error, tb))


@contextlib.contextmanager
def logging_to(log_dir: Path, *, verbose: bool = False) -> Iterator[Path | None]:
    """Log to a file in ``log_dir`` (and to stderr when ``verbose``) inside the block.

    Yields the log file's path, or None when it could not be made (then a warning says why on
    stderr, and the program goes on without a file).
    """
    root = logging.getLogger()
    handlers: list[logging.Handler] = []
    log_file: Path | None = None
    file_error: OSError | None = None
    try:
        file_handler = open_log_file(log_dir)
    except OSError as err:
        file_error = err
    else:
        file_handler.setLevel(logging.DEBUG if verbose else logging.INFO)
        handlers.append(file_handler)
        log_file = Path(file_handler.baseFilename)
    if verbose or file_error is not None:
        stderr_handler = logging.StreamHandler(sys.stderr)
        stderr_handler.setLevel(logging.DEBUG if verbose else logging.WARNING)
        stderr_handler.setFormatter(logging.Formatter(STDERR_FORMAT))
        handlers.append(stderr_handler)

    level = root.level
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in handlers:
        root.addHandler(handler)
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
    if file_error is not None:
        log.warning("no log file (%s): logging to stderr only", file_error)
    try:
        yield log_file
    except Exception:
        log.critical("uncaught exception", exc_info=True)
        raise
    finally:
        sys.excepthook, threading.excepthook = excepthook, thread_excepthook
        for handler in handlers:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
