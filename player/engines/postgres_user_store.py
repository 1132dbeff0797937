"""Per-user data on the newsroom's PostgreSQL server (opt-in): ``PostgresUserStore``.

The same interface as the local user store (``core.archive.user_data.UserData``, which
``core.archive.user_store.UserStore`` implements too; one contract suite holds both to it), so
the window, the ``Archive`` and the listing take either.

How to construct it::

    from player.core.archive.roots import RootMap
from player.core.archive.store import StoreUnavailable, redact
    from player.core.archive.user_store import UserStore
    from player.engines.postgres_user_store import PostgresUserStore

    local = UserStore.open(user_db_path)            # the user's local store, as today
    roots = RootMap.from_environment()              # or RootMap.parse(setting): NAME=FOLDER;...
    store = PostgresUserStore("postgresql://reporter@db.newsroom/archive", roots, local)
    ...
    store.close()                                   # the local store is its owner's to close

``url`` is the archive server's address (credentials from the URL, ``~/.pgpass`` or the ``PG*``
variables; never shown: ``shown`` is the address without its password). ``roots`` maps library
root names to this machine's folders. Constructing connects once (``StoreUnavailable`` when the
server is out of reach, ``ArchiveError`` when the archive there has no per-user tables yet:
``briefing-player archive init --db URL`` adds them; a role that may create tables migrates
it by itself).

What goes where: a media file under a mapped root is named on the server by the root's name and
its path relative to the root (so two machines that mount the share at different places see the
same position and bookmarks) and by the login role (``current_user``): row-level security keeps
each role to its own rows, and every statement also says ``owner = current_user``. A file
outside every mapped root, and the library's folder list (this machine's paths), stay in the
local store. Bookmarks kept on the server have negative ids (the local store's are positive),
so ``set_bookmark_note`` and ``remove_bookmark`` find the right store by the id alone.

Faults: every change is one statement or one transaction (``upload_local``); a server that goes
away raises ``StoreUnavailable`` (an ``ArchiveError``: the window catches it and logs it),
nothing is half-written, and the next call connects again. Nothing is written to the local
store in its place: the data would then be split between two stores.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from player.core.archive.records import (
    ArchiveError,
    Bookmark,
    from_db,
    media_key,
    to_db,
)
from player.core.archive.roots import RootMap
from player.core.archive.store import StoreUnavailable, redact
from player.core.archive.user_store import UserStore
from player.engines.postgres_schema import USER_DATA_VERSION
from player.engines.postgres_store import PgSession

__all__ = ["PostgresUserStore"]

logger = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]

_CREATED = "to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"


class PostgresUserStore:
    """Positions and bookmarks of files on the shared library roots, kept on the archive server
    under the user's login role; everything else in the local ``UserStore`` (see the module's
    docstring for how to construct it)."""

    def __init__(self, url: str, roots: RootMap, local: UserStore, *, migrate: bool = True) -> None:
        self._server = PgSession(
            url,
            retry="your positions and bookmarks are tried again at the next change",
            slow=f"the archive server {redact(url)} took too long to answer; try again",
        )
        self.shown = self._server.shown
        """The server's address, safe to show or log."""
        self._roots = roots
        self._local = local
        try:
            self._check_schema(migrate)
        except BaseException:
            self._server.drop()
            raise

    def _check_schema(self, migrate: bool) -> None:
        """Make sure the server has the per-user tables (adding them when ``migrate`` and this
        role may); ArchiveError saying what to do otherwise."""
        try:
            version = self._server.schema_version()
        except StoreUnavailable:
            raise
        except ArchiveError:  # no archive there yet
            if not migrate:
                raise
            version = 0
        if version >= USER_DATA_VERSION:
            return
        if migrate:
            try:
                self._server.init_schema()
                return
            except StoreUnavailable:
                raise
            except ArchiveError as err:
                raise ArchiveError(
                    f"the archive on {self.shown} cannot keep positions and bookmarks yet "
                    f"(schema {version}) and this login role may not add them ({err.message}): "
                    "ask its owner to run 'briefing-player archive init --db ...' again"
                ) from None
        raise ArchiveError(
            f"the archive on {self.shown} cannot keep positions and bookmarks yet "
            f"(schema {version}): run 'briefing-player archive init --db ...' again"
        )

    @property
    def path(self) -> Path:
        """The local user-data file (folders and files off the shared roots are kept there)."""
        return self._local.path

    @property
    def local(self) -> UserStore:
        """The local store this one keeps the rest in."""
        return self._local

    def close(self) -> None:
        """Close the server connection (the local store is its owner's to close)."""
        self._server.drop()

    def __enter__(self) -> PostgresUserStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _shared(self, path: PathLike) -> tuple[str, str] | None:
        """``(root, relative path)`` as the server names a file, or None for a local file."""
        located = self._roots.locate(media_key(path))
        if located is None or located[1] == ".":
            return None
        return to_db(located[0]), to_db(located[1])

    # -- folders: this machine's paths, kept locally -----------------------------------------------

    def folders(self) -> list[str]:
        """The library's folders, sorted (the local store's)."""
        return self._local.folders()

    def add_folder(self, path: PathLike) -> str:
        """Add a folder to the list (idempotent); returns its normalised path."""
        return self._local.add_folder(path)

    def remove_folder(self, path: PathLike) -> None:
        """Take a folder off the list (its files' positions and bookmarks are kept)."""
        self._local.remove_folder(path)

    # -- resume positions --------------------------------------------------------------------------

    def get_position(self, path: PathLike) -> int | None:
        """The resume position saved for a media file, in ms, or None."""
        shared = self._shared(path)
        if shared is None:
            return self._local.get_position(path)
        with self._server.session() as conn:
            row = conn.execute(
                "SELECT position_ms FROM bp_positions "
                "WHERE owner = current_user AND root = %s AND relpath = %s",
                shared,
            ).fetchone()
        return None if row is None else int(row[0])

    def set_position(self, path: PathLike, position_ms: int) -> None:
        """Save the resume position for a media file (ms, clamped at 0)."""
        shared = self._shared(path)
        if shared is None:
            self._local.set_position(path, position_ms)
            return
        with self._server.session() as conn:
            conn.execute(
                "INSERT INTO bp_positions(root, relpath, position_ms) VALUES (%s, %s, %s) "
                "ON CONFLICT (owner, root, relpath) DO UPDATE "
                "SET position_ms = EXCLUDED.position_ms, updated = now()",
                (*shared, max(0, int(position_ms))),
            )

    def clear_position(self, path: PathLike) -> None:
        """Forget the resume position of a media file."""
        shared = self._shared(path)
        if shared is None:
            self._local.clear_position(path)
            return
        with self._server.session() as conn:
            conn.execute(
                "DELETE FROM bp_positions "
                "WHERE owner = current_user AND root = %s AND relpath = %s",
                shared,
            )

    def positions(self) -> dict[str, int]:
        """Every position this machine can name: the local store's for files off the shared
        roots, the server's for files under a mapped root (media key -> ms)."""
        out = {k: v for k, v in self._local.positions().items() if self._shared(k) is None}
        with self._server.session() as conn:
            rows = conn.execute(
                "SELECT root, relpath, position_ms FROM bp_positions WHERE owner = current_user"
            ).fetchall()
        for root, relpath, ms in rows:
            local = self._roots.local_path(from_db(root), from_db(relpath))
            if local is not None:
                out[media_key(local)] = int(ms)
        return out

    # -- bookmarks (server ids are negative) -------------------------------------------------------

    def add_bookmark(
        self, path: PathLike, position_ms: int, label: str = "", note: str = ""
    ) -> int:
        """Add a bookmark; returns its id (negative when it is kept on the server)."""
        shared = self._shared(path)
        if shared is None:
            return self._local.add_bookmark(path, position_ms, label, note)
        with self._server.session() as conn:
            row = conn.execute(
                "INSERT INTO bp_bookmarks(root, relpath, position_ms, label, note) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (*shared, max(0, int(position_ms)), _clean(label), _clean(note)),
            ).fetchone()
        assert row is not None
        return -int(row[0])

    def bookmarks(self, path: PathLike) -> list[Bookmark]:
        """The bookmarks of a media file, by position (then by when they were added)."""
        shared = self._shared(path)
        if shared is None:
            return self._local.bookmarks(path)
        with self._server.session() as conn:
            rows = conn.execute(
                f"SELECT id, position_ms, label, note, {_CREATED} FROM bp_bookmarks "
                "WHERE owner = current_user AND root = %s AND relpath = %s "
                "ORDER BY position_ms, id",
                shared,
            ).fetchall()
        key = media_key(path)
        return [Bookmark(-int(r[0]), key, int(r[1]), r[2], r[3], r[4]) for r in rows]

    def set_bookmark_note(self, bookmark_id: int, note: str) -> None:
        """Replace a bookmark's note (an unknown id, or another role's, changes nothing)."""
        if bookmark_id >= 0:
            self._local.set_bookmark_note(bookmark_id, note)
            return
        with self._server.session() as conn:
            conn.execute(
                "UPDATE bp_bookmarks SET note = %s WHERE owner = current_user AND id = %s",
                (_clean(note), -bookmark_id),
            )

    def remove_bookmark(self, bookmark_id: int) -> None:
        """Delete a bookmark by id (an unknown id, or another role's, changes nothing)."""
        if bookmark_id >= 0:
            self._local.remove_bookmark(bookmark_id)
            return
        with self._server.session() as conn:
            conn.execute(
                "DELETE FROM bp_bookmarks WHERE owner = current_user AND id = %s",
                (-bookmark_id,),
            )

    # -- opting in ---------------------------------------------------------------------------------

    def upload_local(self) -> tuple[int, int]:
        """Copy the local store's positions and bookmarks of files under the mapped roots to the
        server, in one transaction (all or nothing): a position replaces the server's, a
        bookmark already there (same place, label and note) is not added twice. The local store
        is left as it was (opting out later finds it again). ``(positions, bookmarks)`` copied."""
        positions = [
            (*shared, max(0, ms))
            for key, ms in self._local.positions().items()
            if (shared := self._shared(key)) is not None
        ]
        marks = [
            (*shared, b.position_ms, _clean(b.label), _clean(b.note))
            for b in self._local.all_bookmarks()
            if (shared := self._shared(b.media_key)) is not None
        ]
        with self._server.session() as conn, conn.transaction(), conn.cursor() as cur:
            conn.execute("SET LOCAL statement_timeout = 0")
            if positions:  # one round trip for all of them (pipelined)
                cur.executemany(
                    "INSERT INTO bp_positions(root, relpath, position_ms) VALUES (%s, %s, %s) "
                    "ON CONFLICT (owner, root, relpath) DO UPDATE "
                    "SET position_ms = EXCLUDED.position_ms, updated = now()",
                    positions,
                )
            added = 0
            if marks:
                cur.executemany(
                    "INSERT INTO bp_bookmarks(root, relpath, position_ms, label, note) "
                    "SELECT %s, %s, %s, %s, %s WHERE NOT EXISTS (SELECT 1 FROM bp_bookmarks "
                    "WHERE owner = current_user AND root = %s AND relpath = %s "
                    "AND position_ms = %s AND label = %s AND note = %s)",
                    [(*mark, *mark) for mark in marks],
                )
                added = max(0, cur.rowcount)  # the sum over every row
        logger.info("copied %d positions and %d bookmarks to %s", len(positions), added, self.shown)
        return len(positions), added


def _clean(text: str) -> str:
    """PostgreSQL text holds no NUL character: it is shown as U+FFFD."""
    return text.replace("\x00", "\ufffd") if "\x00" in text else text
