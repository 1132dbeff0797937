"""The embedded shared-archive store: SQLite + FTS5 behind ``store.ArchiveStore``.

The reference implementation of the store interface (the PostgreSQL store is held to it by one
contract suite) and the stand-in that needs no server: briefings by library root name and
relative path, cues, an FTS5 index (``unicode61 remove_diacritics 2``: case and accents folded,
tokens are runs of letters and digits), a ``bp_schema`` version table and forward migrations.

The file is created private (0600). Every call takes the store's lock (one connection, any
thread); each briefing is written in one ``BEGIN IMMEDIATE`` transaction, so a writer killed
mid-briefing leaves nothing of it. Each full-text statement is stopped after ``DEADLINE_S``
seconds.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from player.core.archive import folder_locks
from player.core.archive.query import QueryError, compile_query
from player.core.archive.records import ArchiveError
from player.core.archive.store import (
    SharedBriefing,
    StoredBriefing,
    StoreHit,
    parse_checked,
    positive_terms,
    speaker_filter,
    speakers_column,
    store_hit,
)

__all__ = ["DEADLINE_S", "MIGRATIONS", "SqliteStore"]

DEADLINE_S = 5.0
"""Time budget of one full-text statement (seconds), as the personal archive's."""

MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: the initial schema.
    """
    CREATE TABLE briefings(
        id INTEGER PRIMARY KEY,
        root TEXT NOT NULL,
        relpath TEXT NOT NULL,
        title TEXT NOT NULL,
        date TEXT NOT NULL DEFAULT '',
        duration_ms INTEGER,
        language TEXT,
        content_hash TEXT NOT NULL DEFAULT '',
        cue_count INTEGER NOT NULL DEFAULT 0,
        indexed_at TEXT NOT NULL,
        UNIQUE(root, relpath)
    );
    CREATE TABLE cues(
        id INTEGER PRIMARY KEY,
        briefing_id INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        speaker TEXT,
        speakers TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL
    );
    CREATE INDEX cues_briefing ON cues(briefing_id);
    CREATE VIRTUAL TABLE cues_fts USING fts5(
        text, content='cues', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    );
    CREATE TRIGGER cues_ai AFTER INSERT ON cues BEGIN
        INSERT INTO cues_fts(rowid, text) VALUES (new.id, new.text);
    END;
    CREATE TRIGGER cues_ad AFTER DELETE ON cues BEGIN
        INSERT INTO cues_fts(cues_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END;
    """,
    # 1 -> 2: listing a root without a full scan.
    """
    CREATE INDEX briefings_root ON briefings(root, relpath);
    """,
)

_HIT_SELECT = (
    "SELECT b.root, b.relpath, b.title, c.idx, c.start_ms, c.end_ms, c.speaker, c.text "
    "FROM cues_fts JOIN cues c ON c.id = cues_fts.rowid JOIN briefings b ON b.id = c.briefing_id"
)


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class SqliteStore:
    """The shared-archive store in one SQLite file (or ``":memory:"``)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:" and not os.path.exists(self.path):
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            self._conn = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, timeout=30.0
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
        except (sqlite3.Error, OSError) as err:
            raise ArchiveError(f"cannot open the archive {self.path}: {err}") from None
        self._lock = threading.RLock()
        self._folders = folder_locks.for_file(self.path)
        self._migrate()

    # -- schema ------------------------------------------------------------------------------------

    def _migrate(self) -> None:
        with self._lock, self._transaction() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS bp_schema(version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM bp_schema").fetchone()
            version = int(row[0]) if row else 0
            if row is None:
                conn.execute("INSERT INTO bp_schema(version) VALUES (0)")
            if version > len(MIGRATIONS):
                raise ArchiveError(
                    f"the archive {self.path} was made by a newer Briefing Player "
                    f"(schema {version}, this one knows {len(MIGRATIONS)})"
                )
            for step in MIGRATIONS[version:]:
                for statement in _statements(step):
                    conn.execute(statement)
            conn.execute("UPDATE bp_schema SET version = ?", (len(MIGRATIONS),))

    def schema_version(self) -> int:
        """The schema's version (``len(MIGRATIONS)`` once opened)."""
        with self._lock:
            return int(self._conn.execute("SELECT version FROM bp_schema").fetchone()[0])

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def _bounded(self, until: float | None = None) -> Iterator[sqlite3.Connection]:
        deadline = time.monotonic() + DEADLINE_S if until is None else until
        with self._lock:
            self._conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 1_000)
            try:
                yield self._conn
            except sqlite3.OperationalError as err:
                if "interrupt" not in str(err):
                    raise ArchiveError(f"the archive could not be read: {err}") from None
                raise ArchiveError(
                    f"the search took longer than {DEADLINE_S:g} s and was stopped; "
                    "try longer words or fewer prefixes (word*)"
                ) from None
            finally:
                self._conn.set_progress_handler(None, 0)

    # -- writing -----------------------------------------------------------------------------------

    def write(self, briefing: SharedBriefing) -> int:
        """Insert or replace one briefing and its cues in one transaction; how many cues."""
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT id FROM briefings WHERE root = ? AND relpath = ?",
                (briefing.root, briefing.relpath),
            ).fetchone()
            values = (
                briefing.title,
                briefing.date,
                briefing.duration_ms,
                briefing.language,
                briefing.content_hash,
                now_iso(),
            )
            if row is not None:
                bid = int(row[0])
                conn.execute("DELETE FROM cues WHERE briefing_id = ?", (bid,))
                conn.execute(
                    "UPDATE briefings SET title = ?, date = ?, duration_ms = ?, language = ?, "
                    "content_hash = ?, indexed_at = ? WHERE id = ?",
                    (*values, bid),
                )
            else:
                cur = conn.execute(
                    "INSERT INTO briefings(root, relpath, title, date, duration_ms, language, "
                    "content_hash, indexed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (briefing.root, briefing.relpath, *values),
                )
                bid = int(cur.lastrowid or 0)
            counter = [0]

            def rows() -> Iterator[tuple[Any, ...]]:
                for i, cue in enumerate(briefing.cues):
                    counter[0] = i + 1
                    speaker = cue.speaker
                    yield (
                        bid,
                        i,
                        cue.start_ms,
                        cue.end_ms,
                        speaker,
                        speakers_column(speaker),
                        cue.text,
                    )

            conn.executemany(
                "INSERT INTO cues(briefing_id, idx, start_ms, end_ms, speaker, speakers, text) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows(),
            )
            count = counter[0]
            conn.execute("UPDATE briefings SET cue_count = ? WHERE id = ?", (count, bid))
        return count

    def refresh_statistics(self) -> None:
        """Let SQLite refresh what its planner knows (``PRAGMA optimize``)."""
        with self._lock:
            self._conn.execute("PRAGMA optimize")

    def delete(self, root: str, relpath: str) -> bool:
        """Drop one briefing and its cues (one transaction); whether it was there."""
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT id FROM briefings WHERE root = ? AND relpath = ?", (root, relpath)
            ).fetchone()
            if row is None:
                return False
            conn.execute("DELETE FROM cues WHERE briefing_id = ?", (int(row[0]),))
            conn.execute("DELETE FROM briefings WHERE id = ?", (int(row[0]),))
            return True

    @contextmanager
    def folder_lock(self, root: str, folder: str) -> Iterator[bool]:
        """Held while this store's indexer writes ``folder`` (its ancestors shared, the folder
        itself exclusive: ``folder_locks``); False at once when another store of this process
        holds a conflicting folder (SQLite serialises writers across processes by itself)."""
        got = self._folders.try_acquire(self, root, folder)
        try:
            yield got
        finally:
            if got:
                self._folders.release(self, root, folder)

    # -- reading -----------------------------------------------------------------------------------

    def briefings(self, root: str | None = None) -> list[StoredBriefing]:
        """Every briefing (of ``root``), by root then relative path."""
        sql = (
            "SELECT root, relpath, title, date, duration_ms, language, content_hash, cue_count "
            "FROM briefings"
        )
        params: tuple[Any, ...] = ()
        if root is not None:
            sql += " WHERE root = ?"
            params = (root,)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY root, relpath", params).fetchall()
        return [StoredBriefing(r[0], r[1], r[2], r[3], r[4], r[5], r[6], int(r[7])) for r in rows]

    def _where(self, query: str, speaker: str | None) -> tuple[str, list[Any]]:
        parse_checked(query)
        try:
            expression = compile_query(query).expression
        except QueryError as err:
            raise ArchiveError(str(err)) from None
        where, params = "cues_fts MATCH ?", [expression]
        wanted = speaker_filter(speaker)
        if wanted is not None:
            where += " AND instr(c.speakers, ?) > 0"
            params.append(wanted)
        return where, params

    def search(
        self, query: str, *, speaker: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[StoreHit]:
        """One page of hits, in write order."""
        terms = positive_terms(parse_checked(query))
        where, params = self._where(query, speaker)
        sql = f"{_HIT_SELECT} WHERE {where} ORDER BY cues_fts.rowid LIMIT ? OFFSET ?"
        # FTS5's own order (rowid = cue id): the first page never sorts every match
        with self._bounded() as conn:
            rows = conn.execute(sql, [*params, max(0, limit), max(0, offset)]).fetchall()
        return [store_hit(r[0], r[1], r[2], (r[3], r[4], r[5], r[6], r[7]), terms) for r in rows]

    def count(self, query: str, *, speaker: str | None = None) -> int:
        """How many cues match."""
        where, params = self._where(query, speaker)
        sql = f"SELECT count(*) FROM cues_fts JOIN cues c ON c.id = cues_fts.rowid WHERE {where}"
        with self._bounded() as conn:
            return int(conn.execute(sql, params).fetchone()[0])

    @contextmanager
    def cue_rows(self, speaker: str | None, deadline: float) -> Iterator[Iterator[tuple[Any, ...]]]:
        """Every cue in write order, ``(root, relpath, title, idx, start_ms, end_ms, speaker,
        text)``, from one read snapshot (one statement), stopped at ``deadline``."""
        sql = (
            "SELECT b.root, b.relpath, b.title, c.idx, c.start_ms, c.end_ms, c.speaker, c.text "
            "FROM cues c JOIN briefings b ON b.id = c.briefing_id"
        )
        params: list[Any] = []
        wanted = speaker_filter(speaker)
        if wanted is not None:
            sql += " WHERE instr(c.speakers, ?) > 0"
            params.append(wanted)
        with self._bounded(deadline) as conn:
            cur = conn.execute(sql + " ORDER BY c.id", params)
            try:
                yield iter(cur)
            finally:
                cur.close()

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()


def _statements(script: str) -> list[str]:
    """The statements of a migration (triggers kept whole)."""
    out: list[str] = []
    current = ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    return [s for s in out if s.strip(" ;\n")]
