"""Which folders an indexer holds, and how two indexers of one library root share it.

An indexer of ``root``/``folder`` holds every ancestor of the folder (``""`` is the whole root)
in *shared* mode and the folder itself in *exclusive* mode (``folder_chain``). So two indexers
of two different subfolders run at the same time (they share only ancestors), while two of the
same folder, or of a folder and any folder above or below it, never both write the same
briefing: the second one's try fails at once. The PostgreSQL store takes the chain as advisory
locks on the server (across machines); ``FolderLocks`` is the same rule inside one process, for
the embedded SQLite store (``for_file``: one table per database file, so two stores opened on
one file in one process exclude each other too).

Pure: no I/O besides ``os.path.realpath``.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

from player.core.archive.records import ArchiveError

__all__ = ["FolderLocks", "folder_chain", "for_file", "normal_folder"]


def normal_folder(folder: str) -> str:
    """A folder relative to its library root with ``/``, no ``.`` or empty parts (``""``: the
    root itself); ArchiveError for one that would leave the root."""
    parts = [p for p in folder.replace("\\", "/").split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ArchiveError(f"{folder!r} leaves its library root")
    return "/".join(parts)


def folder_chain(folder: str) -> tuple[str, ...]:
    """The folders an indexer of ``folder`` holds, the root first: every ancestor (shared)
    then the folder itself (last, exclusive). ``"a/b"`` -> ``("", "a", "a/b")``."""
    parts = normal_folder(folder).split("/") if normal_folder(folder) else []
    return tuple("/".join(parts[:i]) for i in range(len(parts) + 1))


@dataclass(slots=True)
class _Held:
    shared: dict[int, int] = field(default_factory=dict)  # holder id -> count
    exclusive: dict[int, int] = field(default_factory=dict)


class FolderLocks:
    """The folder rule inside one process: try-locks, all-or-nothing over a folder's chain. A
    holder never conflicts with itself (as a PostgreSQL session's own advisory locks)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[tuple[str, str], _Held] = {}

    def try_acquire(self, holder: object, root: str, folder: str) -> bool:
        """Take ``folder``'s chain for ``holder``: True, or False (taking nothing) when another
        holder has a conflicting part of it."""
        chain = folder_chain(folder)
        me = id(holder)
        with self._lock:
            for i, name in enumerate(chain):
                held = self._held.get((root, name))
                if held is None:
                    continue
                others_exclusive = any(h != me for h in held.exclusive)
                others_shared = any(h != me for h in held.shared)
                last = i == len(chain) - 1
                if others_exclusive or (last and others_shared):
                    return False
            for i, name in enumerate(chain):
                held = self._held.setdefault((root, name), _Held())
                mode = held.exclusive if i == len(chain) - 1 else held.shared
                mode[me] = mode.get(me, 0) + 1
        return True

    def release(self, holder: object, root: str, folder: str) -> None:
        """Give back what ``try_acquire`` took."""
        chain = folder_chain(folder)
        me = id(holder)
        with self._lock:
            for i, name in enumerate(chain):
                held = self._held.get((root, name))
                if held is None:
                    continue
                mode = held.exclusive if i == len(chain) - 1 else held.shared
                if mode.get(me, 0) > 1:
                    mode[me] -= 1
                else:
                    mode.pop(me, None)
                if not held.shared and not held.exclusive:
                    del self._held[(root, name)]


_FILES: dict[str, FolderLocks] = {}
_FILES_LOCK = threading.Lock()


def for_file(path: str) -> FolderLocks:
    """The process's table for the database file at ``path`` (a fresh one for ``:memory:``)."""
    if path == ":memory:":
        return FolderLocks()
    key = os.path.realpath(path)
    with _FILES_LOCK:
        return _FILES.setdefault(key, FolderLocks())
