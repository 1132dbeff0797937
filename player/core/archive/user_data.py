"""What the program asks of a user-data store: the library's folders, the resume position of
each media file and its bookmarks (with their notes).

Two stores answer it, held to it by one contract suite (``tests/pg/test_user_store_contract.py``):
the local ``user_store.UserStore`` (``archive.user.sqlite``, the default) and, when the user opts
to keep their data on a newsroom's server, ``player.engines.postgres_user_store.
PostgresUserStore`` (files under a shared library root kept on the server under the user's login
role, the rest in the local store). The ``Archive``, the listing and the search take any
``UserData``. Every failure is an ``ArchiveError`` (``store.StoreUnavailable`` when a server is
out of reach), which callers catch and log.

Pure: no database driver is imported here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from player.core.archive.records import Bookmark

__all__ = ["UserData"]

PathLike = str | os.PathLike[str]


class UserData(Protocol):
    """Folders, resume positions and bookmarks, named by a media file's path on this machine
    (``records.media_key``: absolute, normalised)."""

    @property
    def path(self) -> Path:
        """The local user-data file (where the local part is kept)."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...

    def folders(self) -> list[str]:
        """The library's folders, sorted."""
        ...

    def add_folder(self, path: PathLike) -> str:
        """Add a folder to the list (idempotent); returns its normalised path."""
        ...

    def remove_folder(self, path: PathLike) -> None:
        """Take a folder off the list (its files' positions and bookmarks are kept)."""
        ...

    def get_position(self, path: PathLike) -> int | None:
        """The resume position saved for a media file, in ms, or None."""
        ...

    def set_position(self, path: PathLike, position_ms: int) -> None:
        """Save the resume position for a media file (ms, clamped at 0)."""
        ...

    def clear_position(self, path: PathLike) -> None:
        """Forget the resume position of a media file."""
        ...

    def positions(self) -> dict[str, int]:
        """Every saved resume position this machine can name: media key -> ms."""
        ...

    def add_bookmark(
        self, path: PathLike, position_ms: int, label: str = "", note: str = ""
    ) -> int:
        """Add a bookmark; returns its id."""
        ...

    def bookmarks(self, path: PathLike) -> list[Bookmark]:
        """The bookmarks of a media file, by position."""
        ...

    def set_bookmark_note(self, bookmark_id: int, note: str) -> None:
        """Replace a bookmark's note (an unknown id changes nothing)."""
        ...

    def remove_bookmark(self, bookmark_id: int) -> None:
        """Delete a bookmark by id (an unknown id changes nothing)."""
        ...
