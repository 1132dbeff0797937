"""Shared folders: library roots known by name, mapped to where this machine mounts them.

On a shared archive a briefing is named by a library root name and its path relative to that
root (``news`` + ``2024/budget.mp4``), so two machines that mount the share at different places
(``/mnt/share/news``, ``N:\\news``) open the same briefing. ``RootMap`` holds this machine's
mapping (root name -> local folder), read from the setting or the ``BRIEFING_PLAYER_ROOTS``
variable as ``NAME=FOLDER`` items separated by ``;`` (or newlines). Pure: paths only, no I/O
besides ``os.path`` normalisation.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NamedTuple

__all__ = ["ENV", "RootError", "RootMap", "SharedPlace"]

ENV = "BRIEFING_PLAYER_ROOTS"
"""The environment variable holding ``NAME=FOLDER;NAME=FOLDER``."""


class SharedPlace(NamedTuple):
    """Where a shared briefing (``root`` + ``relpath``) is for this machine."""

    id: int
    """Negative (never a row of the local archive), the same on every machine and every call."""
    path: str
    """This machine's file when the root is mapped, else ``ROOT:RELATIVE/PATH``."""
    folder: str
    """The root's folder here, or the root's name when it is not mapped."""
    mapped: bool


class RootError(ValueError):
    """A root name or mapping that cannot be used; ``str(err)`` says why."""


def check_name(name: str) -> str:
    """``name`` stripped, or RootError: a root name is one non-empty path component."""
    name = name.strip()
    if not name or "/" in name or "\\" in name or name in (".", "..") or "\x00" in name:
        raise RootError(f"{name!r} is not a usable library root name (one word, no slashes)")
    return name


@dataclass(slots=True)
class RootMap:
    """Root name -> this machine's folder for it."""

    folders: dict[str, Path] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str | None) -> RootMap:
        """``NAME=FOLDER`` items separated by ``;`` or newlines (RootError for a bad one)."""
        out = cls()
        for item in (text or "").replace("\n", ";").split(";"):
            if not item.strip():
                continue
            name, sep, folder = item.partition("=")
            if not sep or not folder.strip():
                raise RootError(f"{item.strip()!r} is not NAME=FOLDER")
            out.add(name, folder.strip())
        return out

    @classmethod
    def from_environment(cls) -> RootMap:
        """The mapping in ``BRIEFING_PLAYER_ROOTS`` (empty when unset)."""
        return cls.parse(os.environ.get(ENV))

    def add(self, name: str, folder: str | os.PathLike[str]) -> str:
        """Map ``name`` to ``folder`` (made absolute); the checked name."""
        checked = check_name(name)
        self.folders[checked] = Path(os.path.abspath(os.path.expanduser(os.fspath(folder))))
        return checked

    def text(self) -> str:
        """The mapping as the setting stores it."""
        return ";".join(f"{n}={p}" for n, p in sorted(self.folders.items()))

    def locate(self, path: str | os.PathLike[str]) -> tuple[str, str] | None:
        """``(root name, relative path with /)`` of a local file under a mapped root (the
        deepest root wins), or None."""
        absolute = Path(os.path.abspath(os.fspath(path)))
        best: tuple[str, Path] | None = None
        for name, folder in self.folders.items():
            inside = absolute == folder or folder in absolute.parents
            if inside and (best is None or len(folder.parts) > len(best[1].parts)):
                best = (name, folder)
        if best is None:
            return None
        return best[0], absolute.relative_to(best[1]).as_posix()

    def local_path(self, root: str, relpath: str) -> Path | None:
        """Where this machine has ``relpath`` of ``root``, or None (root not mapped, or a
        relative path that would leave the root)."""
        folder = self.folders.get(root)
        rel = PurePosixPath(relpath)
        if folder is None or rel.is_absolute() or ".." in rel.parts:
            return None
        return folder.joinpath(*rel.parts)

    def place(self, root: str, relpath: str) -> SharedPlace:
        """Where the shared briefing ``relpath`` of ``root`` is for this machine (the library's
        rows and the archive search's hits both name it so)."""
        key = f"{root}\x1f{relpath}".encode("utf-8", "surrogatepass")
        local = self.local_path(root, relpath)
        folder = self.folders.get(root)
        return SharedPlace(
            id=-1 - zlib.crc32(key),
            path=str(local) if local is not None else f"{root}:{relpath}",
            folder=str(folder) if folder is not None else root,
            mapped=local is not None,
        )
