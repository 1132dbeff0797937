"""The archive's two SQLite files: their schemas, migrations, and how they are opened.

* ``archive.sqlite`` (the *index*): briefings, their cues and the FTS5 full-text index. Everything
  in it is derived from files on disk, so it can always be thrown away and rebuilt.
* ``archive.user.sqlite`` (the *user data*, beside the index, name from ``user_db_path_for``):
  the folders the user added, resume positions and bookmarks. A rebuild of the index never opens
  it for writing, so a corrupt index can never cost the user anything they wrote by hand.

Both use WAL, ``PRAGMA application_id`` to recognise our own files, and ``PRAGMA user_version``
with a list of migrations (``INDEX_MIGRATIONS``, ``USER_MIGRATIONS``): migration ``i`` brings a
database from version ``i`` to ``i + 1``. A file that is not ours, is empty, is damaged, or was
written by a newer version raises ``ArchiveError``; ``move_aside`` puts a bad index of ours away
as ``NAME.corrupt-YYYYmmdd-HHMMSS`` (never deleting it) so a fresh one can be created. How files
are recognised, created (private, atomically) and moved aside is ``files``' job; ``verify``
runs a bounded ``PRAGMA quick_check`` for commands that should notice damage at once.

Connections are made with ``check_same_thread=False``: the stores that own them serialise every
use with a lock, so a connection is used by one thread at a time, whichever thread that is.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from player.core.archive import files
from player.core.archive.records import ArchiveError, explain

__all__ = [
    "INDEX",
    "INDEX_APP_ID",
    "INDEX_MIGRATIONS",
    "USER_APP_ID",
    "USER_DATA",
    "USER_MIGRATIONS",
    "DatabaseKind",
    "build_replacement",
    "memory_database",
    "move_aside",
    "open_database",
    "split_sql",
    "transaction",
    "user_db_path_for",
    "verify",
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
    """One write transaction (taking the write lock at once); rolled back on any exception.

    SQLite rolls a transaction back by itself after some failures (a full disk, an I/O error):
    the rollback here is then skipped, so the caller sees the real error, never "cannot
    rollback - no transaction is active". A failed COMMIT is rolled back too, so the connection
    is never left inside a transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        _rollback_quietly(conn)
        raise


def _rollback_quietly(conn: sqlite3.Connection) -> None:
    if not conn.in_transaction:
        return
    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error as err:  # the original error matters more
        logger.debug("rollback after a failed transaction: %s", err)


def open_database(
    path: Path, kind: DatabaseKind, *, read_only: bool = False, companion: Path | None = None
) -> sqlite3.Connection:
    """Open (creating or migrating) one of our databases, or raise ArchiveError.

    ``read_only`` opens an existing file without writing anything (not even beside it: a file
    that is not ours is refused before SQLite can create a -wal or -shm); it works in folders
    the user cannot write. ``companion`` is the user-data file that goes with an index: a
    damaged index is offered for a rebuild only when it is recognisably ours (see
    ``files.may_move_aside``)."""
    state = files.inspect(path, kind.what)
    if read_only:
        return _open_read_only(path, kind, state, companion)
    files.prepare_folder(path, kind.what)
    _refuse_unusable(path, kind, state, companion)
    problem = files.writable_problem(path)
    if problem is not None:
        raise ArchiveError(
            f"cannot write the {kind.what} {files.shown(path)}: {problem}. 'briefing-player "
            "library' and 'search' can still read it; choose another --db path to index.",
            path=str(path),
        )
    if state.kind == "missing":
        _create(path, kind)
    try:
        conn = _connect(path)
    except sqlite3.Error as err:
        raise ArchiveError(
            f"cannot open the {kind.what} {files.shown(path)}: {explain(err)}", path=str(path)
        ) from None
    try:
        version = _check_identity(conn, path, kind, companion)
        _tune(conn)
        _migrate(conn, path, kind, version)
    except ArchiveError:
        conn.close()
        raise
    except sqlite3.DatabaseError as err:
        conn.close()
        raise _database_error(path, kind, err, companion) from None
    files.make_private(path)
    return conn


def verify(conn: sqlite3.Connection, path: Path, kind: DatabaseKind, budget_s: float) -> None:
    """``PRAGMA quick_check`` within ``budget_s`` seconds: ArchiveError when it finds damage.
    A check cut short by the budget (a very large file on a slow disk) is logged, not failed.
    It reads every page once: about 0.1 s per 100 MB from the page cache."""
    deadline = time.monotonic() + budget_s
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        rows = conn.execute("PRAGMA quick_check(5)").fetchall()
    except sqlite3.OperationalError as err:
        if "interrupt" in str(err):
            logger.info("quick check of %s cut short after %.1f s", path, budget_s)
            return
        raise ArchiveError(f"cannot check the {kind.what} {files.shown(path)}: {err}") from None
    except sqlite3.DatabaseError as err:
        raise _database_error(path, kind, err, None) from None
    finally:
        conn.set_progress_handler(None, 0)
    problems = [str(r[0]) for r in rows]
    if problems != ["ok"]:
        raise _refusal(path, kind, f"is damaged ({'; '.join(problems)[:300]})", True)


def memory_database(kind: DatabaseKind) -> sqlite3.Connection:
    """An empty database of ``kind`` in memory: what a read-only command uses for a user-data
    file that does not exist (it must not create one)."""
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    _initialise(kind)(conn)
    conn.execute("PRAGMA query_only = 1")  # as read-only as the files it stands in for
    return conn


def move_aside(db: Path) -> Path:
    """Move an index aside (see ``files.move_aside``); kept here for existing callers."""
    return files.move_aside(db)


# --- the steps of open_database -----------------------------------------------------------------


def _initialise(kind: DatabaseKind) -> Callable[[sqlite3.Connection], None]:
    def build(conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA application_id = {kind.app_id}")
        _tune(conn)
        for target, script in enumerate(kind.migrations, start=1):
            with transaction(conn):
                for statement in split_sql(script):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target}")

    return build


def _create(path: Path, kind: DatabaseKind) -> None:
    """A new, complete, private database at ``path`` (atomically; see ``files``)."""
    logger.debug("creating the %s %s", kind.what, files.shown(path))
    try:
        files.create_atomically(path, _initialise(kind))
    except (OSError, sqlite3.Error) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else explain(err)
        raise ArchiveError(
            f"cannot create the {kind.what} {files.shown(path)}: {reason}", path=str(path)
        ) from None


def build_replacement(path: Path, kind: DatabaseKind) -> Path:
    """A complete new database beside ``path`` under a temporary name, for a rebuild to put in
    place; ArchiveError (nothing left behind) when it cannot be made, e.g. on a full disk."""
    try:
        return files.build_temporary(path, _initialise(kind))
    except (OSError, sqlite3.Error) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else explain(err)
        raise ArchiveError(
            f"cannot make a new {kind.what} beside {files.shown(path)}: {reason}; "
            "the current one was left as it is",
            path=str(path),
        ) from None


def _may_rebuild(path: Path, kind: DatabaseKind, companion: Path | None) -> bool:
    return kind.rebuildable and files.may_move_aside(path, kind.app_id, companion, USER_APP_ID)


def _refuse_unusable(
    path: Path, kind: DatabaseKind, state: files.FileState, companion: Path | None
) -> None:
    """ArchiveError for a file that is empty, not a database, or another program's."""
    rebuildable = _may_rebuild(path, kind, companion)
    if state.kind == "empty":
        raise _refusal(
            path,
            kind,
            "is empty (0 bytes): it is damaged or not a Briefing Player file",
            rebuildable,
        )
    if state.kind == "other":
        raise _refusal(path, kind, "is not a database file", rebuildable)
    if state.kind == "sqlite" and state.app_id not in (0, kind.app_id):
        raise _foreign(path, kind)


def _open_read_only(
    path: Path, kind: DatabaseKind, state: files.FileState, companion: Path | None
) -> sqlite3.Connection:
    if state.kind == "missing":
        raise ArchiveError(f"the {kind.what} {files.shown(path)} does not exist", path=str(path))
    _refuse_unusable(path, kind, state, companion)
    if state.app_id != kind.app_id:
        raise _foreign(path, kind)  # an SQLite file without our id: not ours, not touched
    uri = "file:" + urllib.parse.quote(os.fspath(path)) + "?mode=ro"
    try:
        conn, version = _read_only_connection(uri, path, kind, companion)
    except sqlite3.OperationalError:
        # A WAL database in a folder we cannot write, without its -shm file: read the main
        # file as it is (what was committed but not yet checkpointed is not seen).
        try:
            conn, version = _read_only_connection(uri + "&immutable=1", path, kind, companion)
        except sqlite3.DatabaseError as err:
            raise _database_error(path, kind, err, companion) from None
    except sqlite3.DatabaseError as err:
        raise _database_error(path, kind, err, companion) from None
    if version < len(kind.migrations):
        conn.close()
        if files.writable_problem(path) is None:  # ours and writable: bring it up to date
            return open_database(path, kind, companion=companion)
        raise ArchiveError(
            f"the {kind.what} {files.shown(path)} was made by an older version and needs an "
            "upgrade, but it cannot be written here",
            path=str(path),
        )
    return conn


def _read_only_connection(
    uri: str, path: Path, kind: DatabaseKind, companion: Path | None
) -> tuple[sqlite3.Connection, int]:
    conn = _connect(uri, uri=True)
    try:
        return conn, _check_identity(conn, path, kind, companion)
    except BaseException:
        conn.close()
        raise


def _connect(target: str | Path, *, uri: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(
        os.fspath(target), isolation_level=None, check_same_thread=False, timeout=10.0, uri=uri
    )
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def _refusal(path: Path, kind: DatabaseKind, reason: str, rebuildable: bool) -> ArchiveError:
    hint = kind.hint if rebuildable or not kind.rebuildable else _LEFT_ALONE
    return ArchiveError(
        f"the {kind.what} {files.shown(path)} {reason}.{hint}",
        path=str(path),
        rebuildable=rebuildable,
    )


_LEFT_ALONE = " It was left untouched: move it away, or choose another archive file (--db PATH)."


def _foreign(path: Path, kind: DatabaseKind) -> ArchiveError:
    return _refusal(
        path, kind, "belongs to another program (it is not a Briefing Player file)", False
    )


def _database_error(
    path: Path, kind: DatabaseKind, err: sqlite3.DatabaseError, companion: Path | None
) -> ArchiveError:
    """The message for an SQLite failure while opening: busy, full or read-only is not the
    file's fault; anything else means the file is damaged."""
    text = str(err)
    if isinstance(err, sqlite3.OperationalError) and "malformed" not in text:
        return ArchiveError(
            f"cannot use the {kind.what} {files.shown(path)}: {explain(err)}", path=str(path)
        )
    reason = "is not a database file" if "not a database" in text else f"is damaged ({text})"
    return _refusal(path, kind, reason, _may_rebuild(path, kind, companion))


def _check_identity(
    conn: sqlite3.Connection, path: Path, kind: DatabaseKind, companion: Path | None = None
) -> int:
    """Claim a new, empty file as ours, or check that an existing one is ours and not too new;
    returns its schema version."""
    found_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    n_objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if found_id == 0 and version == 0 and n_objects == 0:
        conn.execute(f"PRAGMA application_id = {kind.app_id}")
    elif found_id != kind.app_id:
        raise _foreign(path, kind)
    if version > len(kind.migrations):
        raise _refusal(
            path,
            kind,
            "was written by a newer version of Briefing Player "
            f"(schema {version}, this version knows up to {len(kind.migrations)})",
            _may_rebuild(path, kind, companion),
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
