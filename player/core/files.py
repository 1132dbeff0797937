"""Writing a file the program makes (a transcript, an export, a clip's transcript): private to
the user (0600) and atomic — a temporary file beside the target, flushed and synced, then
renamed over it — so a reader never sees half a file and a failed write leaves the old one in
place. An existing file can be kept as ``NAME.bak`` (a hard link made before the rename, so the
target never goes missing)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["WriteError", "write_private"]


class WriteError(OSError):
    """The file could not be written; ``str(err)`` says why, for the user, and ``reason``
    says it without the file's name (for messages that name the file already)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason

    def __str__(self) -> str:
        return str(self.args[0])


def write_private(target: Path, data: bytes, *, keep_backup: bool = False) -> Path | None:
    """Write ``data`` to ``target`` atomically with mode 0600; with ``keep_backup`` an existing
    file is kept as ``NAME.bak`` (returned). Raises :class:`WriteError`."""
    if target.is_dir():
        raise WriteError(f"{target} is a folder", "is a folder")
    if target.exists() and not target.is_file():
        raise WriteError(
            f"{target} exists and is not a regular file", "exists and is not a regular file"
        )
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        reason = f"cannot write here: {err.strerror or err}"
        raise WriteError(f"cannot write in {folder}: {err.strerror or err}", reason) from None
    backup: Path | None = None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        if keep_backup and target.exists():
            backup = target.with_name(target.name + ".bak")
            with contextlib.suppress(FileNotFoundError):
                os.unlink(backup)
            try:
                os.link(target, backup)
            except OSError:
                shutil.copy2(target, backup)
        os.replace(temp, target)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        reason = f"cannot write: {err.strerror or err}"
        raise WriteError(f"cannot write {target}: {err.strerror or err}", reason) from None
    return backup
