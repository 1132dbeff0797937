"""Writing an export to disk: private (0600) and atomic, through the program's one writer
(:mod:`player.core.files`); ``ExportWriteError`` is its error."""

from __future__ import annotations

from player.core.files import WriteError as ExportWriteError
from player.core.files import write_private

__all__ = ["ExportWriteError", "write_private"]
