"""The one guarded reader for every file the program reads as text (transcripts, text sources).

A file named by a user, found in a library folder or swapped behind our back may be anything: a
named pipe (reading blocks forever), a device (``/dev/zero`` never ends), a folder, a symlink to
one of those, or a regular file of gigabytes (a sparse 2 GB ``.vtt``). Before a single byte is
read, :func:`read_bytes` checks that the path is a regular file of at most ``limit_bytes``; the
file is opened with ``O_NONBLOCK`` (a FIFO opened that way never blocks), checked again on the
open descriptor (the path may have been swapped between the check and the open), and at most
``limit_bytes + 1`` bytes are read (a file growing while read is still refused). Every refusal
is an :class:`InputError` with a one-line message for people, e.g. ``not a regular file (a
named pipe)`` or ``too large: 300 MB (the limit is 64 MB)``.

The limit: :data:`TRANSCRIPT_LIMIT_BYTES` (64 MB). Real transcripts are far smaller: a ten-hour
briefing with a cue every two seconds is about 2 MB of WebVTT, 50,000 cues with word timings
about 5 MB. 64 MB leaves room for ten times the largest real file while keeping the memory of
a parse bounded (see ``benchmarks/bench_hostile.py`` for the figures).

Use::

    from player.core.inputs import InputError, read_bytes

    try:
        data = read_bytes(path)  # or read_bytes(path, limit_bytes=...)
    except InputError as err:
        print(f"error: {path}: {err}")

:func:`check_file` makes the same checks from the path's metadata only, without opening it (for
scanners that want to skip a file early); it is no substitute for :func:`read_bytes`, which
checks again on what it really opened.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import Literal

__all__ = [
    "TRANSCRIPT_LIMIT_BYTES",
    "InputError",
    "InputProblem",
    "check_file",
    "describe_size",
    "read_bytes",
]

TRANSCRIPT_LIMIT_BYTES = 64 * 1024 * 1024
"""The largest file read as a transcript or text source (64 MB): ten times the largest real
transcript, small enough that a parse stays within a few hundred MB of memory."""

_CHUNK_BYTES = 1024 * 1024

InputProblem = Literal["not_found", "not_regular", "too_large", "permission", "unreadable"]


class InputError(Exception):
    """A file was refused or could not be read. ``str(err)`` is a one-line reason.

    ``problem`` names the kind of refusal for callers that react differently (a scanner may skip
    a too-large file silently but report a permission problem).
    """

    def __init__(self, message: str, *, path: str, problem: InputProblem) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.problem = problem


def describe_size(size_bytes: int) -> str:
    """A size for people: ``812 bytes``, ``3.4 KB``, ``300 MB``, ``2.0 GB`` (1 KB = 1024 bytes)."""
    if size_bytes < 1024:
        return f"{size_bytes} bytes"
    value = float(size_bytes)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _check_stat(info: os.stat_result, source: str, limit_bytes: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            f"not a regular file ({_kind_of(info.st_mode)})", path=source, problem="not_regular"
        )
    if info.st_size > limit_bytes:
        raise InputError(
            f"too large: {describe_size(info.st_size)} (the limit is {describe_size(limit_bytes)})",
            path=source,
            problem="too_large",
        )


def _os_error(err: OSError, source: str) -> InputError:
    if isinstance(err, FileNotFoundError):
        return InputError("file not found", path=source, problem="not_found")
    if isinstance(err, PermissionError):
        return InputError("permission denied", path=source, problem="permission")
    if err.errno == errno.ELOOP:
        return InputError("too many levels of symbolic links", path=source, problem="unreadable")
    if err.errno == errno.ENOTDIR:
        message = "file not found (a part of the path is not a folder)"
        return InputError(message, path=source, problem="not_found")
    reason = err.strerror or str(err)
    return InputError(f"cannot read file: {reason}", path=source, problem="unreadable")


def check_file(path: str | os.PathLike[str], *, limit_bytes: int = TRANSCRIPT_LIMIT_BYTES) -> int:
    """Check from metadata alone that ``path`` is a regular file within the limit; its size.

    Follows symlinks (a link to ``/dev/zero`` is refused as a character device). Raises
    InputError. Does not open the file.
    """
    source = os.fspath(path)
    try:
        info = os.stat(source)
    except OSError as err:
        raise _os_error(err, source) from None
    _check_stat(info, source, limit_bytes)
    return info.st_size


def read_bytes(path: str | os.PathLike[str], *, limit_bytes: int = TRANSCRIPT_LIMIT_BYTES) -> bytes:
    """Read a whole regular file of at most ``limit_bytes`` bytes; never blocks.

    Raises InputError (never another exception) for a missing file, a folder, a pipe, a device,
    a socket, a file over the limit (also one that grows past it while read) or a read error.
    """
    source = os.fspath(path)
    check_file(source, limit_bytes=limit_bytes)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(source, flags)
    except OSError as err:
        raise _os_error(err, source) from None
    try:
        info = os.fstat(fd)  # what was opened, which may not be what was checked
        _check_stat(info, source, limit_bytes)
        return _read_at_most(fd, info.st_size, source, limit_bytes)
    except OSError as err:
        raise _os_error(err, source) from None
    finally:
        os.close(fd)


def _read_at_most(fd: int, size_bytes: int, source: str, limit_bytes: int) -> bytes:
    """Read to the end, at most ``limit_bytes + 1`` bytes in all.

    The expected size plus one byte (to see the end) is asked for in one read, so a file that
    keeps its size costs one allocation; a file that grew, or reports no size (``/proc``), is
    read on in chunks until the end or past the limit.
    """
    parts: list[bytes] = []
    total = 0
    want = min(size_bytes, limit_bytes) + 1
    while total <= limit_bytes:
        chunk = os.read(fd, want)
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
        want = min(_CHUNK_BYTES, limit_bytes + 1 - total) if total <= limit_bytes else 1
    if total > limit_bytes:
        raise InputError(
            f"too large: more than {describe_size(limit_bytes)} (the limit; the file grew "
            "while it was read or does not report its size)",
            path=source,
            problem="too_large",
        )
    return parts[0] if len(parts) == 1 else b"".join(parts)
