"""Writing an export to disk: private (0600) and atomic (a temporary file beside it, flushed,
then renamed over the target), so a reader never sees half a file and a failed write leaves
the old one in place."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["ExportWriteError", "write_private"]


class ExportWriteError(OSError):
    """The export could not be written; ``str(err)`` says why, for the user."""


def write_private(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically with mode 0600 (ExportWriteError on failure)."""
    if target.is_dir():
        raise ExportWriteError(f"{target} is a folder")
    if target.exists() and not target.is_file():
        raise ExportWriteError(f"{target} exists and is not a regular file")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise ExportWriteError(f"cannot write in {folder}: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, target)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise ExportWriteError(f"cannot write {target}: {err.strerror or err}") from None
