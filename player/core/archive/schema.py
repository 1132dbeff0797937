"""The archive's two SQLite files: their schemas, migrations, and how they are opened.

* ``archive.sqlite`` (the *index*): briefings, their cues and the FTS5 full-text index. Everything
  in it is derived from files on disk, so it can always be thrown away and rebuilt.
* ``archive.user.sqlite`` (the *user data*, beside the index, name from ``user_db_path_for``):
  the folders the user added, resume positions and bookmarks. A rebuild of the index never opens
  it for writing, so a corrupt index can never cost the user anything they wrote by hand.

Both use WAL, ``PRAGMA application_id`` to recognise our own files, and ``PRAGMA user_version``
with a list of migrations (``INDEX_MIGRATIONS``, ``USER_MIGRATIONS``): migration ``i`` brings a
database from version ``i`` to ``i + 1``. A file that is not ours, is damaged, or was written by
a newer version raises ``ArchiveError``; ``move_aside`` puts a bad index away as
``NAME.corrupt-YYYYmmdd-HHMMSS`` (never deleting it) so a fresh one can be created.

Connections are made with ``check_same_thread=False``: the stores that own them serialise every
use with a lock, so a connection is used by one thread at a time, whichever thread that is.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from player.core.archive.records import ArchiveError

__all__ = [
    "INDEX",
    "INDEX_APP_ID",
    "INDEX_MIGRATIONS",
    "USER_APP_ID",
    "USER_DATA",
    "USER_MIGRATIONS",
    "DatabaseKind",
    "move_aside",
    "open_database",
    "split_sql",
    "transaction",
    "user_db_path_for",
]

logger = logging.getLogger(__name__)

INDEX_APP_ID = 0x42504C41  # "BPLA": Briefing Player Library Archive
USER_APP_ID = 0x42504C55  # "BPLU": Briefing Player Library User data

_TOKENIZE = "unicode61 remove_diacritics 2"

INDEX_MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: the initial schema.
    f"""
    CREATE TABLE briefings(
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        folder TEXT NOT NULL,
        has_media INTEGER NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        transcript_path TEXT,
        transcript_size INTEGER,
        transcript_mtime_ns INTEGER,
        content_hash TEXT NOT NULL,
        title TEXT NOT NULL,
        date TEXT NOT NULL,
        date_from_name INTEGER NOT NULL,
        duration_ms INTEGER,
        language TEXT,
        transcript_format TEXT,
        first_cue_id INTEGER,
        cue_count INTEGER NOT NULL DEFAULT 0,
        warning_count INTEGER NOT NULL DEFAULT 0,
        warnings TEXT NOT NULL DEFAULT '[]',
        error TEXT,
        indexed_at TEXT NOT NULL
    );
    CREATE INDEX briefings_folder ON briefings(folder);
    CREATE TABLE cues(
        id INTEGER PRIMARY KEY,
        briefing_id INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        speaker TEXT,
        text TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE cues_fts USING fts5(
        text, speaker, content='cues', content_rowid='id',
        tokenize='{_TOKENIZE}', prefix='2 3'
    );
    INSERT INTO cues_fts(cues_fts, rank) VALUES('automerge', 8);
    """,
    # 1 -> 2: mark machine-made transcripts (USERS.md, complaint 10).
    """
    ALTER TABLE briefings ADD COLUMN machine_generated INTEGER NOT NULL DEFAULT 0;
    """,
)

USER_MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1
    """
    CREATE TABLE folders(path TEXT PRIMARY KEY, added TEXT NOT NULL);
    CREATE TABLE positions(
        media_key TEXT PRIMARY KEY, position_ms INTEGER NOT NULL, updated TEXT NOT NULL
    );
    CREATE TABLE bookmarks(
        id INTEGER PRIMARY KEY,
        media_key TEXT NOT NULL,
        position_ms INTEGER NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL
    );
    CREATE INDEX bookmarks_media ON bookmarks(media_key, position_ms);
    """,
)


@dataclass(frozen=True, slots=True)
class DatabaseKind:
    """One of our two files: how to recognise it, migrate it, and speak of it to the user.

    ``rebuildable`` says whether the file can be thrown away and made again (the index) or
    holds what the user wrote by hand (the user data); ``hint`` ends every error message."""

    app_id: int
    migrations: tuple[str, ...]
    what: str
    rebuildable: bool
    hint: str


INDEX = DatabaseKind(
    INDEX_APP_ID,
    INDEX_MIGRATIONS,
    "archive index",
    True,
    " Rebuild the index to start afresh (the file is moved aside, not deleted).",
)
USER_DATA = DatabaseKind(
    USER_APP_ID,
    USER_MIGRATIONS,
    "user-data file",
    False,
    " Move it away or choose another --db path; it holds your positions and bookmarks.",
)


def user_db_path_for(db_path: str | os.PathLike[str]) -> Path:
    """The user-data file that goes with an index: ``archive.sqlite`` -> ``archive.user.sqlite``."""
    path = Path(db_path)
    suffix = path.suffix or ".sqlite"
    return path.with_name(f"{path.stem if path.suffix else path.name}.user{suffix}")


def split_sql(script: str) -> list[str]:
    """Split a migration script into statements (ours contain no ';' inside literals)."""
    return [s.strip() for s in script.split(";") if s.strip()]


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction (taking the write lock at once); rolled back on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def open_database(path: Path, kind: DatabaseKind) -> sqlite3.Connection:
    """Open (creating or migrating) one of our databases, or raise ArchiveError."""
    _prepare_folder(path, kind)
    try:
        conn = _connect(path)
    except sqlite3.Error as err:
        raise ArchiveError(f"cannot open the {kind.what} {path}: {err}", path=str(path)) from None
    try:
        version = _check_identity(conn, path, kind)
        _tune(conn)
        _migrate(conn, path, kind, version)
    except ArchiveError:
        conn.close()
        raise
    except sqlite3.OperationalError as err:  # locked, unreadable...: not the file's fault
        conn.close()
        raise ArchiveError(f"cannot use the {kind.what} {path}: {err}", path=str(path)) from None
    except sqlite3.DatabaseError as err:
        conn.close()
        reason = "is not a database file" if "not a database" in str(err) else f"is damaged ({err})"
        raise _refusal(path, kind, reason) from None
    return conn


def move_aside(db: Path) -> Path:
    """Move a damaged index (with its -wal and -shm files) to ``NAME.corrupt-<timestamp>``;
    returns where it went. Nothing is deleted."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = db.with_name(f"{db.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = db.with_name(f"{db.name}.corrupt-{stamp}-{n}")
    try:
        if db.exists():
            os.replace(db, target)
        for extra in ("-wal", "-shm"):
            side = db.with_name(db.name + extra)
            if side.exists():
                os.replace(side, target.with_name(target.name + extra))
    except OSError as err:
        raise ArchiveError(
            f"cannot move the damaged index {db} aside: {err.strerror or err}", path=str(db)
        ) from None
    logger.warning("archive index %s moved aside to %s for a rebuild", db, target)
    return target


# --- the steps of open_database -----------------------------------------------------------------


def _prepare_folder(path: Path, kind: DatabaseKind) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ArchiveError(
            f"cannot create the folder for the {kind.what} {path}: {err.strerror or err}",
            path=str(path),
        ) from None
    if path.is_dir():
        raise ArchiveError(
            f"the {kind.what} {path} is a folder, not a database file", path=str(path)
        )


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        os.fspath(path), isolation_level=None, check_same_thread=False, timeout=10.0
    )
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def _refusal(path: Path, kind: DatabaseKind, reason: str) -> ArchiveError:
    return ArchiveError(
        f"the {kind.what} {path} {reason}.{kind.hint}", path=str(path), rebuildable=kind.rebuildable
    )


def _check_identity(conn: sqlite3.Connection, path: Path, kind: DatabaseKind) -> int:
    """Claim a new, empty file as ours, or check that an existing one is ours and not too new;
    returns its schema version."""
    found_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    n_objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if found_id == 0 and version == 0 and n_objects == 0:
        conn.execute(f"PRAGMA application_id = {kind.app_id}")
    elif found_id != kind.app_id:
        raise _refusal(path, kind, "belongs to another program (it is not a Briefing Player file)")
    if version > len(kind.migrations):
        raise _refusal(
            path,
            kind,
            "was written by a newer version of Briefing Player "
            f"(schema {version}, this version knows up to {len(kind.migrations)})",
        )
    return version


def _tune(conn: sqlite3.Connection) -> None:
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA cache_size = -32768")  # 32 MiB: FTS5 merges and big queries


def _migrate(conn: sqlite3.Connection, path: Path, kind: DatabaseKind, version: int) -> None:
    for target in range(version + 1, len(kind.migrations) + 1):
        with transaction(conn):
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current < target:  # another process may have migrated meanwhile
                if current > 0:
                    logger.info(
                        "migrating the %s %s from schema %d to %d", kind.what, path, current, target
                    )
                else:
                    logger.debug("creating the %s %s", kind.what, path)
                for statement in split_sql(kind.migrations[target - 1]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target}")
