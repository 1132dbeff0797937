"""The archive's files on disk: recognising our own, creating them privately and atomically,
moving a damaged index aside, and the lock that lets one scan at a time write an index.

Rules every archive write follows (issue 12):

* **Ours or hands off.** A file is recognised as ours by its SQLite header's application id
  (``PRAGMA application_id``, read from the header bytes, so even a damaged file can be told
  apart). ``may_move_aside`` allows a rebuild to rename only an index whose header carries our
  id, an empty (0-byte) file, or an unreadable file whose user-data companion beside it is ours
  (we created the pair). A database of another program is never renamed, migrated or written.
* **Private.** Folders the archive creates are 0700; our database files (and their -wal, -shm
  and -journal files, which SQLite creates with the main file's mode) are 0600, whatever the
  umask: a new file is made 0600 before its first byte is written, an existing file of ours is
  narrowed when it is opened for writing.
* **Atomic.** A new database is built completely under a hidden temporary name in the same
  folder, then linked into place (``create_atomically``): a crash, a full disk or a second
  process starting at the same moment never leaves a half-made or 0-byte file under the name.
  A rebuild builds the replacement first and moves the old index aside only once it exists.
* **Never blocks on special files.** Headers are read with ``O_NONBLOCK`` from regular files
  only: a ``--db`` that is a FIFO, a device, a folder or a symlink loop gets a clear message.
"""

from __future__ import annotations

import errno
import logging
import os
import secrets
import sqlite3
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from player.core.archive.records import ArchiveError, shown

__all__ = [
    "SIDE_SUFFIXES",
    "FileState",
    "ScanLock",
    "create_atomically",
    "header_app_id",
    "inspect",
    "make_private",
    "may_move_aside",
    "move_aside",
    "prepare_folder",
    "shown",
    "writable_problem",
]

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: scans are kept apart in one process only
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database."""
_SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_BYTES = 100
_APP_ID_OFFSET = 68


@dataclass(frozen=True, slots=True)
class FileState:
    """What is at a database path: ``kind`` is "missing", "empty", "sqlite" (``app_id`` read from
    its header) or "other" (a regular file that is not an SQLite database)."""

    kind: str
    app_id: int = 0
    size: int = 0


def _special(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder, not a database file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe, not a database file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a database file"
    return "is not a regular file"


def inspect(path: Path, what: str) -> FileState:
    """What is at ``path`` (following links), without ever blocking; ArchiveError for a folder,
    a special file, a symlink loop, a broken link or a file that cannot be read."""
    where = os.fspath(path)
    try:
        info = os.stat(where)
    except FileNotFoundError:
        if os.path.islink(where):
            raise ArchiveError(
                f"the {what} {shown(where)} is a broken link (it points to a missing file)",
                path=where,
            ) from None
        return FileState("missing")
    except OSError as err:
        if err.errno == errno.ELOOP:
            reason = "is a symlink loop (too many levels of symbolic links)"
        else:
            reason = f"cannot be read: {err.strerror or err}"
        raise ArchiveError(f"the {what} {shown(where)} {reason}", path=where) from None
    if not stat.S_ISREG(info.st_mode):
        raise ArchiveError(f"the {what} {shown(where)} {_special(info.st_mode)}", path=where)
    if info.st_size == 0:
        return FileState("empty")
    if not os.access(where, os.R_OK):
        raise ArchiveError(
            f"the {what} {shown(where)} cannot be read: permission denied", path=where
        )
    app_id = header_app_id(path)
    if app_id is None:
        return FileState("other", size=info.st_size)
    return FileState("sqlite", app_id, info.st_size)


def header_app_id(path: Path) -> int | None:
    """The application id in an SQLite file's header, or None when the file does not start
    with an SQLite header (or cannot be read). Reads 100 bytes of a regular file, never blocks."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(os.fspath(path), flags)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        head = os.read(fd, _HEADER_BYTES)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(head) < _HEADER_BYTES or not head.startswith(_SQLITE_MAGIC):
        return None
    return int.from_bytes(head[_APP_ID_OFFSET : _APP_ID_OFFSET + 4], "big", signed=True)


def may_move_aside(path: Path, app_id: int, companion: Path | None, companion_id: int) -> bool:
    """Whether a rebuild may rename the file at ``path``: it carries our ``app_id``, is empty,
    or is unreadable as a database while its ``companion`` (the user-data file) is ours."""
    try:
        state = inspect(path, "archive index")
    except ArchiveError:
        return False
    if state.kind in ("missing", "empty"):
        return True
    if state.kind == "sqlite":
        return state.app_id == app_id
    return companion is not None and header_app_id(companion) == companion_id


def writable_problem(path: Path) -> str | None:
    """Why the database at ``path`` (existing or to be made) cannot be written, or None."""
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"its folder {shown(folder)} is read-only"
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    return None


def prepare_folder(path: Path, what: str) -> None:
    """Create the folders above ``path`` that are missing, each private (0700)."""
    missing: list[Path] = []
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for step in reversed(missing):
        try:
            step.mkdir(mode=0o700)
        except FileExistsError:
            continue
        except OSError as err:
            raise ArchiveError(
                f"cannot create the folder for the {what} {shown(path)}: {err.strerror or err}",
                path=os.fspath(path),
            ) from None
        try:
            os.chmod(step, 0o700)  # mkdir's mode is narrowed by the umask, never widened
        except OSError:
            logger.debug("cannot make %s private", step)


def make_private(path: Path) -> None:
    """Narrow our database file and its side files to 0600 (they may predate this rule)."""
    for name in (os.fspath(path), *(os.fspath(path) + s for s in SIDE_SUFFIXES)):
        try:
            mode = stat.S_IMODE(os.stat(name).st_mode)
            if mode & 0o077:
                os.chmod(name, mode & 0o700)
        except OSError:
            continue


def create_atomically(path: Path, build: Callable[[sqlite3.Connection], None]) -> bool:
    """Make a new database at ``path``: ``build`` fills it under a private temporary name in the
    same folder, which is then linked into place. Returns False when another process created
    ``path`` meanwhile (theirs is kept). Raises sqlite3.Error or OSError from the build (the
    temporary file is removed)."""
    temp = build_temporary(path, build)
    try:
        try:
            os.link(temp, path)
        except FileExistsError:
            return False
        except OSError as err:  # a file system without hard links: a plain rename
            if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            if path.exists():
                return False
            os.replace(temp, path)
        return True
    finally:
        _remove_quietly(temp)


def build_temporary(path: Path, build: Callable[[sqlite3.Connection], None]) -> Path:
    """A complete new database beside ``path`` under a hidden temporary name (0600), closed,
    with no -wal or -shm left; the caller renames or removes it."""
    temp = path.with_name(f".{path.name}.new-{os.getpid()}-{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    try:
        conn = sqlite3.connect(os.fspath(temp), isolation_level=None)
        try:
            build(conn)
        finally:
            conn.close()
    except BaseException:
        _remove_quietly(temp)
        raise
    for side in SIDE_SUFFIXES:
        _remove_quietly(Path(os.fspath(temp) + side))
    return temp


def _remove_quietly(path: Path) -> None:
    for name in (os.fspath(path), *(os.fspath(path) + s for s in SIDE_SUFFIXES)):
        try:
            os.unlink(name)
        except OSError:
            continue


def move_aside(db: Path) -> Path:
    """Move an index (with its -wal and -shm files) to ``NAME.corrupt-<timestamp>``; returns
    where it went. Nothing is deleted. The caller has checked that the file is ours."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = db.with_name(f"{db.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = db.with_name(f"{db.name}.corrupt-{stamp}-{n}")
    try:
        if db.exists():
            os.replace(db, target)
        for extra in SIDE_SUFFIXES:
            side = db.with_name(db.name + extra)
            if side.exists():
                os.replace(side, target.with_name(target.name + extra))
    except OSError as err:
        raise ArchiveError(
            f"cannot move the index {shown(db)} aside: {err.strerror or err}", path=str(db)
        ) from None
    logger.warning("archive index %s moved aside to %s for a rebuild", shown(db), shown(target))
    return target


class ScanLock:
    """One writer of an index across processes: an advisory lock (``flock``) on a private
    ``NAME.lock`` file beside our index (never on the database itself: closing another
    descriptor of a database file drops SQLite's own locks).

    ``acquire`` waits, polling ``should_stop`` so a cancelled scan stops waiting; ``on_wait`` is
    called once when the lock is held by someone else (to say so)."""

    def __init__(self, db: Path) -> None:
        self.path = db.with_name(db.name + ".lock")
        self._fd: int | None = None
        self._mutex = threading.Lock()

    def acquire(
        self,
        should_stop: Callable[[], bool] | None = None,
        on_wait: Callable[[], None] | None = None,
    ) -> bool:
        """Take the lock (True), or give up when ``should_stop()`` turns true (False)."""
        self._mutex.acquire()
        if fcntl is None:  # pragma: no cover - not POSIX
            return True
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError as err:  # cannot create it: a read-only folder; SQLite will say so
            logger.debug("no scan lock at %s: %s", self.path, err)
            return True
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._fd = fd
                return True
            except BlockingIOError:
                pass
            except OSError as err:  # no flock on this file system: go on without it
                logger.debug("no scan lock at %s: %s", self.path, err)
                os.close(fd)
                return True
            if not told and on_wait is not None:
                on_wait()
                told = True
            if should_stop is not None and should_stop():
                os.close(fd)
                self._mutex.release()
                return False
            time.sleep(0.1)

    def release(self) -> None:
        """Let the next scan (in any process) write."""
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None
        if self._mutex.locked():
            self._mutex.release()
