"""The user-data store: the one place for what the user keeps per file and per library.

``UserStore`` owns ``archive.user.sqlite`` (see ``schema``): the library's folders, the resume
position of each media file and its bookmarks. It stands on its own, given the file's path, so
the player can keep resume positions and bookmarks while the library index is switched off,
missing or damaged; the ``Archive`` uses the same class for its user data.

Files are named by ``records.media_key`` (absolute, normalised path), so ``a/../b.mp3`` and
``b.mp3`` share their position. Every call is serialised by the store's own lock, so one store
may be shared between threads (the connection is used by one thread at a time) and is never
held up by a scan, which locks only the index.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from player.core.archive import files
from player.core.archive.records import (
    ArchiveError,
    Bookmark,
    explain,
    from_db,
    media_key,
    now_iso,
    to_db,
)
from player.core.archive.schema import USER_DATA, memory_database, open_database

__all__ = ["UserStore"]

PathLike = str | os.PathLike[str]


class UserStore:
    """Folders, resume positions and bookmarks in the user-data file.

    Open with ``UserStore.open(path)`` (created or migrated as needed; ArchiveError if the file
    is damaged or not ours: it is never overwritten); close with ``close()`` or ``with``.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn
        self._lock = threading.RLock()

    @classmethod
    def open(cls, path: PathLike, *, read_only: bool = False) -> UserStore:
        """Open or create the user-data file at ``path`` (parent folders are created).

        ``read_only`` writes nothing: an existing file is opened for reading (changes raise
        ArchiveError), a missing one is not created (the store starts empty, in memory)."""
        where = Path(path)
        if read_only:
            if files.inspect(where, USER_DATA.what).kind == "missing":
                return cls.empty(where)
            return cls(where, open_database(where, USER_DATA, read_only=True))
        return cls(where, open_database(where, USER_DATA))

    @classmethod
    def empty(cls, path: PathLike) -> UserStore:
        """A store with nothing in it that writes nothing (in memory, read-only), standing in
        for the user-data file at ``path`` when it cannot be read."""
        return cls(Path(path), memory_database(USER_DATA))

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> UserStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _guard(self) -> Iterator[sqlite3.Connection]:
        """Serialise calls and turn SQLite failures into ArchiveError."""
        with self._lock:
            try:
                yield self._conn
            except (sqlite3.ProgrammingError, sqlite3.InterfaceError):
                raise
            except sqlite3.OperationalError as err:  # locked, disk full, read-only...
                raise ArchiveError(
                    f"cannot use the user-data file {self.path}: {explain(err)}",
                    path=str(self.path),
                ) from None
            except sqlite3.DatabaseError as err:
                raise ArchiveError(
                    f"the user-data file {self.path} is damaged ({err}); it holds "
                    "your positions and bookmarks: move it away to start a new one",
                    path=str(self.path),
                ) from None

    # -- folders ---------------------------------------------------------------------------------

    def folders(self) -> list[str]:
        """The library's folders, sorted."""
        with self._guard() as conn:
            rows = conn.execute("SELECT path FROM folders ORDER BY path").fetchall()
        return sorted(from_db(str(r[0])) for r in rows)

    def add_folder(self, path: PathLike) -> str:
        """Add a folder to the list (idempotent); returns its normalised path."""
        folder = media_key(path)
        with self._guard() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO folders(path, added) VALUES (?, ?)",
                (to_db(folder), now_iso()),
            )
        return folder

    def remove_folder(self, path: PathLike) -> None:
        """Take a folder off the list (its files' positions and bookmarks are kept)."""
        with self._guard() as conn:
            conn.execute("DELETE FROM folders WHERE path = ?", (_key(path),))

    # -- resume positions ------------------------------------------------------------------------

    def get_position(self, path: PathLike) -> int | None:
        """The resume position saved for a media file, in ms, or None."""
        with self._guard() as conn:
            row = conn.execute(
                "SELECT position_ms FROM positions WHERE media_key = ?", (_key(path),)
            ).fetchone()
        return None if row is None else int(row[0])

    def set_position(self, path: PathLike, position_ms: int) -> None:
        """Save the resume position for a media file (ms, clamped at 0)."""
        with self._guard() as conn:
            conn.execute(
                "INSERT INTO positions(media_key, position_ms, updated) VALUES (?, ?, ?) "
                "ON CONFLICT(media_key) DO UPDATE SET position_ms = excluded.position_ms, "
                "updated = excluded.updated",
                (_key(path), max(0, int(position_ms)), now_iso()),
            )

    def clear_position(self, path: PathLike) -> None:
        """Forget the resume position of a media file (``get_position`` then gives None)."""
        with self._guard() as conn:
            conn.execute("DELETE FROM positions WHERE media_key = ?", (_key(path),))

    def positions(self) -> dict[str, int]:
        """Every saved resume position: media key -> ms."""
        with self._guard() as conn:
            return {
                from_db(str(k)): int(v)
                for k, v in conn.execute("SELECT media_key, position_ms FROM positions")
            }

    # -- bookmarks -------------------------------------------------------------------------------

    def add_bookmark(
        self, path: PathLike, position_ms: int, label: str = "", note: str = ""
    ) -> int:
        """Add a bookmark; returns its id."""
        with self._guard() as conn:
            cur = conn.execute(
                "INSERT INTO bookmarks(media_key, position_ms, label, note, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (_key(path), max(0, int(position_ms)), label, note, now_iso()),
            )
            return int(cur.lastrowid or 0)

    def bookmarks(self, path: PathLike) -> list[Bookmark]:
        """The bookmarks of a media file, by position."""
        with self._guard() as conn:
            rows = conn.execute(
                "SELECT id, media_key, position_ms, label, note, created FROM bookmarks "
                "WHERE media_key = ? ORDER BY position_ms, id",
                (_key(path),),
            ).fetchall()
        return [Bookmark(r[0], from_db(r[1]), *r[2:]) for r in rows]

    def all_bookmarks(self) -> list[Bookmark]:
        """Every bookmark, by media key then position."""
        with self._guard() as conn:
            rows = conn.execute(
                "SELECT id, media_key, position_ms, label, note, created FROM bookmarks "
                "ORDER BY media_key, position_ms, id"
            ).fetchall()
        return [Bookmark(r[0], from_db(r[1]), *r[2:]) for r in rows]

    def set_bookmark_note(self, bookmark_id: int, note: str) -> None:
        """Replace a bookmark's note."""
        with self._guard() as conn:
            conn.execute("UPDATE bookmarks SET note = ? WHERE id = ?", (note, bookmark_id))

    def remove_bookmark(self, bookmark_id: int) -> None:
        """Delete a bookmark by id."""
        with self._guard() as conn:
            conn.execute("DELETE FROM bookmarks WHERE id = ?", (bookmark_id,))


def _key(path: PathLike) -> str:
    """How a file is named in the user-data file (``media_key``, stored with ``to_db``)."""
    return to_db(media_key(path))
