"""The PostgreSQL archive store: a newsroom's shared archive behind ``core.archive.store``.

The only module that imports the PostgreSQL driver (psycopg 3, the optional extra
``briefing-player[postgres]``). Full text with a ``tsvector`` column (generated from the cue's
text) and a GIN index; ``unaccent`` folds accents. The words are made as the SQLite store's FTS5
``unicode61 remove_diacritics 2`` tokenizer makes them: ``bp_words`` lower-cases, strips accents
and splits at every character that is not a letter or digit, and the ``simple`` configuration
keeps every word (no stemming, no stop words). A query is parsed in Python
(``query.parse_query``) and turned into a ``tsquery`` of ``bp_term(text, prefix)`` calls joined by
``&&``, ``||`` and ``!!``, with the user's words passed as parameters (never spliced into SQL);
phrases are ``<->`` chains and ``word*`` a ``:*`` prefix. See ``core.archive.store`` for the one
rule of a hit.

Faults: a server that cannot be reached or goes away (mid-search, mid-write) raises
``StoreUnavailable`` with the address shown without its password; the broken connection is
dropped and the next call connects again. Each briefing is one transaction (a killed indexer
leaves nothing of it), each search statement is stopped after ``DEADLINE_S`` seconds, and
several indexers share a server through advisory locks per folder (``folder_lock``: the
folder's ancestors shared, the folder itself exclusive). Regular-expression and part-of-words
searches stream the cues (``cue_rows``) to be matched in Python (``core.archive.scan_match``).
Credentials come from the URL, ``~/.pgpass`` or the ``PG*`` environment (libpq); the URL is
never logged whole (``store.redact``). The connection and the schema's migrations
(``postgres_schema``) are ``PgSession``'s, which the per-user store (``postgres_user_store``)
uses too.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from player.core.archive.folder_locks import folder_chain
from player.core.archive.query import And, Not, Or, QueryNode, Term
from player.core.archive.records import ArchiveError
from player.core.archive.store import (
    SharedBriefing,
    StoredBriefing,
    StoreHit,
    StoreUnavailable,
    parse_checked,
    positive_terms,
    redact,
    scrub,
    speaker_filter,
    speakers_column,
    store_hit,
)
from player.engines.postgres_schema import MIGRATIONS, SCHEMA_LOCK, UNACCENT_MISSING

__all__ = ["DEADLINE_S", "MIGRATIONS", "UNACCENT_MISSING", "PgSession", "PostgresStore"]

logger = logging.getLogger(__name__)

DEADLINE_S = 5.0
"""Time budget of one search statement on the server (seconds)."""
CONNECT_TIMEOUT_S = 5
_SCAN_GRACE_MS = 1000  # the server stops a cue scan this long after the caller's deadline
_SHUTTING_DOWN = frozenset({"57P01", "57P02", "57P03"})  # admin/crash shutdown, starting up

_HIT_SELECT = (
    "SELECT b.root, b.relpath, b.title, c.idx, c.start_ms, c.end_ms, c.speaker, c.text "
    "FROM cues c JOIN briefings b ON b.id = c.briefing_id"
)


def _tsquery(node: QueryNode, params: list[Any]) -> str | None:
    """SQL for the tsquery of ``node`` (parameters appended), or None when it selects nothing
    positive; the same shape as ``query.compile_query``'s FTS5 expression."""
    if isinstance(node, Term):
        params.extend((node.text, node.prefix))
        return "bp_term(%s, %s)"
    if isinstance(node, Not):
        return None
    if isinstance(node, Or):
        parts = [p for p in (_tsquery(c, params) for c in node.children) if p is not None]
        return "(" + " || ".join(parts) + ")" if parts else None
    assert isinstance(node, And)
    positives = [_tsquery(c, params) for c in node.children if not isinstance(c, Not)]
    kept = [p for p in positives if p is not None]
    if not kept:
        return None
    negatives: list[str] = []
    for child in node.children:
        if isinstance(child, Not):
            inner = child.child
            while isinstance(inner, Not):
                inner = inner.child
            rendered = _tsquery(inner, params)
            if rendered is not None:
                negatives.append(rendered)
    expr = "(" + " && ".join(kept) + ")"
    if negatives:
        expr = f"({expr} && !!({' || '.join(negatives)}))"
    return expr


class PgSession:
    """One connection to the archive server, shared by the stores that use it (any thread, one
    at a time): connected on first use and again after a failure, every driver error turned
    into an ArchiveError naming the server without its password (``StoreUnavailable`` when the
    server is out of reach). ``retry`` ends the message of a lost server (when it is tried
    again), ``slow`` is the message of a statement stopped by its time limit. Also used by
    ``postgres_user_store`` (this module is the only one importing the driver)."""

    def __init__(
        self,
        url: str,
        *,
        retry: str = "it will be tried again on the next search",
        slow: str = (
            f"the search took longer than {DEADLINE_S:g} s and was stopped; "
            "try longer words or fewer prefixes (word*)"
        ),
    ) -> None:
        self._url = url
        self._retry = retry
        self._slow = slow
        self.shown = redact(url)
        """The server's address, safe to show or log."""
        self._lock = threading.RLock()
        self._conn: psycopg.Connection[Any] | None = None

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed or self._conn.broken:
            self.drop()
            self._conn = psycopg.connect(
                self._url,
                autocommit=True,
                connect_timeout=CONNECT_TIMEOUT_S,
                application_name="briefing-player",
                # every search statement is bounded; writes lift the bound in their transaction
                options=f"-c statement_timeout={int(DEADLINE_S * 1000)}",
                # planned with the user's words every time: a generic plan of a prepared
                # statement cannot tell a rare word from a common one (130 ms vs 4 ms)
                prepare_threshold=None,
            )
        return self._conn

    def drop(self) -> None:
        """Close the connection (the next ``session`` opens a new one)."""
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                with suppress(psycopg.Error):
                    conn.close()

    @contextmanager
    def session(self) -> Iterator[psycopg.Connection[Any]]:
        """The connection, with every driver error turned into an ArchiveError that names the
        server without its password (StoreUnavailable when the server is out of reach)."""
        with self._lock:
            try:
                yield self._connection()
            except pg_errors.QueryCanceled:
                raise ArchiveError(self._slow) from None
            except psycopg.Error as err:
                reason = scrub(
                    str(err).strip().splitlines()[0] if str(err).strip() else "", self._url
                )
                if not self._gone(err):
                    raise ArchiveError(
                        f"the archive server {self.shown} refused: {reason}"
                    ) from None
                self.drop()
                logger.warning("archive server %s unavailable: %s", self.shown, reason)
                raise StoreUnavailable(
                    f"the archive server {self.shown} is not answering ({reason or 'no reply'}); "
                    + self._retry
                ) from None

    def _gone(self, err: psycopg.Error) -> bool:
        """Whether ``err`` means the server is out of reach (no connection, a lost one, a
        server shutting down), not that it refused one statement."""
        if isinstance(err, psycopg.InterfaceError) or self._conn is None or self._conn.broken:
            return True
        state = err.sqlstate
        return state is None or state.startswith("08") or state in _SHUTTING_DOWN

    def init_schema(self) -> int:
        """Create or migrate the schema (the ``unaccent`` extension first); the version. An
        archive already up to date is only read (a role that may only read it can open it)."""
        with self.session() as conn:
            found = conn.execute("SELECT to_regclass('bp_schema') IS NOT NULL").fetchone()
            if found and found[0]:
                row = conn.execute("SELECT version FROM bp_schema").fetchone()
                if row is not None and int(row[0]) == len(MIGRATIONS):
                    return len(MIGRATIONS)
        with self.session() as conn, conn.transaction():
            conn.execute("SET LOCAL statement_timeout = 0")
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            try:
                with conn.transaction():
                    conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            except (pg_errors.FeatureNotSupported, pg_errors.UndefinedFile) as err:
                logger.warning("unaccent missing on %s: %s", self.shown, err)
                raise ArchiveError(UNACCENT_MISSING) from None
            except pg_errors.InsufficientPrivilege:
                raise ArchiveError(
                    UNACCENT_MISSING + " (this role may not create it: ask the administrator)"
                ) from None
            conn.execute("CREATE TABLE IF NOT EXISTS bp_schema(version integer NOT NULL)")
            row = conn.execute("SELECT version FROM bp_schema").fetchone()
            if row is None:
                conn.execute("INSERT INTO bp_schema(version) VALUES (0)")
            version = int(row[0]) if row else 0
            if version > len(MIGRATIONS):
                raise ArchiveError(
                    f"the archive on {self.shown} was made by a newer Briefing Player "
                    f"(schema {version}, this one knows {len(MIGRATIONS)})"
                )
            for step in MIGRATIONS[version:]:
                conn.execute(step.encode())
            conn.execute("UPDATE bp_schema SET version = %s", (len(MIGRATIONS),))
        return len(MIGRATIONS)

    def schema_version(self) -> int:
        """The schema's version; ArchiveError if the archive was never set up there."""
        with self.session() as conn:
            row = conn.execute("SELECT to_regclass('bp_schema') IS NOT NULL").fetchone()
            if not row or not row[0]:
                raise ArchiveError(
                    f"no archive on {self.shown} yet: run 'briefing-player archive init --db ...'"
                )
            got = conn.execute("SELECT version FROM bp_schema").fetchone()
            return int(got[0]) if got else 0


class PostgresStore:
    """The shared archive on a PostgreSQL server (one connection; any thread, one at a time).

    ``PostgresStore(url)`` connects and brings the schema up to date (``migrate=False`` only
    checks it is there). ``shown`` is the address safe to print.
    """

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self._server = PgSession(url)
        self.shown = self._server.shown
        self._session = self._server.session
        try:
            if migrate:
                self._server.init_schema()
            else:
                self._server.schema_version()
        except BaseException:
            self._server.drop()
            raise

    def init_schema(self) -> int:
        """Create or migrate the schema; the version (see ``PgSession.init_schema``)."""
        return self._server.init_schema()

    def schema_version(self) -> int:
        """The schema's version; ArchiveError if the archive was never set up there."""
        return self._server.schema_version()

    # -- writing -----------------------------------------------------------------------------------

    def write(self, briefing: SharedBriefing) -> int:
        """Insert or replace one briefing and its cues in one transaction; how many cues."""
        with self._session() as conn, conn.transaction():
            conn.execute("SET LOCAL statement_timeout = 0")
            row = conn.execute(
                "INSERT INTO briefings(root, relpath, title, date, duration_ms, language, "
                "content_hash) VALUES (%s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (root, relpath) DO UPDATE SET title = EXCLUDED.title, "
                "date = EXCLUDED.date, duration_ms = EXCLUDED.duration_ms, "
                "language = EXCLUDED.language, content_hash = EXCLUDED.content_hash, "
                "indexed_at = now() RETURNING id",
                (
                    briefing.root,
                    briefing.relpath,
                    _clean(briefing.title),
                    briefing.date,
                    briefing.duration_ms,
                    briefing.language,
                    briefing.content_hash,
                ),
            ).fetchone()
            assert row is not None
            bid = int(row[0])
            conn.execute("DELETE FROM cues WHERE briefing_id = %s", (bid,))
            count = 0
            with (
                conn.cursor() as cur,
                cur.copy(
                    "COPY cues (briefing_id, idx, start_ms, end_ms, speaker, speakers, text) "
                    "FROM STDIN"
                ) as copy,
            ):
                for i, cue in enumerate(briefing.cues):
                    speaker = cue.speaker
                    copy.write_row(
                        (
                            bid,
                            i,
                            cue.start_ms,
                            cue.end_ms,
                            _clean(speaker) if speaker else None,
                            _clean(speakers_column(speaker)),
                            _clean(cue.text),
                        )
                    )
                    count += 1
            conn.execute("UPDATE briefings SET cue_count = %s WHERE id = %s", (count, bid))
        return count

    def refresh_statistics(self) -> None:
        """ANALYZE the tables after indexing: the planner picks the index for a rare word and
        the cue order for a common one only with fresh statistics."""
        with self._session() as conn, conn.transaction():
            conn.execute("SET LOCAL statement_timeout = 0")
            conn.execute("ANALYZE briefings")
            conn.execute("ANALYZE cues")

    def delete(self, root: str, relpath: str) -> bool:
        """Drop one briefing and its cues (one transaction); whether it was there."""
        with self._session() as conn, conn.transaction():
            cur = conn.execute(
                "DELETE FROM briefings WHERE root = %s AND relpath = %s", (root, relpath)
            )
            return cur.rowcount > 0

    @contextmanager
    def folder_lock(self, root: str, folder: str) -> Iterator[bool]:
        """Advisory locks on the server for ``root``/``folder``: every ancestor folder in shared
        mode and the folder itself in exclusive mode (``folder_locks.folder_chain``), so indexers
        of two sibling folders run together while a second indexer of the same folder, or of one
        above or below it, gets False at once. All or nothing; a dead indexer's locks go with
        its connection."""
        keys = [f"{root}\x1f{name}" for name in folder_chain(folder)]
        taken: list[tuple[str, bool]] = []
        got = False
        try:
            with self._session() as conn:
                for i, key in enumerate(keys):
                    exclusive = i == len(keys) - 1
                    take = "pg_try_advisory_lock" if exclusive else "pg_try_advisory_lock_shared"
                    row = conn.execute(f"SELECT {take}(hashtextextended(%s, 0))", (key,)).fetchone()
                    if not (row and row[0]):
                        break
                    taken.append((key, exclusive))
                else:
                    got = True
            if not got:
                self._unlock(taken)
                taken = []
            yield got
        finally:
            self._unlock(taken)

    def _unlock(self, taken: list[tuple[str, bool]]) -> None:
        if not taken:
            return
        try:
            with self._session() as conn:
                for key, exclusive in reversed(taken):
                    give = "pg_advisory_unlock" if exclusive else "pg_advisory_unlock_shared"
                    conn.execute(f"SELECT {give}(hashtextextended(%s, 0))", (key,))
        except ArchiveError:
            pass  # the connection went: the server released the locks with it
        taken.clear()

    # -- reading -----------------------------------------------------------------------------------

    def briefings(self, root: str | None = None) -> list[StoredBriefing]:
        """Every briefing (of ``root``), by root then relative path."""
        sql = (
            "SELECT root, relpath, title, date, duration_ms, language, content_hash, cue_count "
            "FROM briefings"
        )
        params: tuple[Any, ...] = ()
        if root is not None:
            sql += " WHERE root = %s"
            params = (root,)
        with self._session() as conn:
            rows = conn.execute(
                sql + ' ORDER BY root COLLATE "C", relpath COLLATE "C"', params
            ).fetchall()
        return [_stored(r) for r in rows]

    def _where(self, tree: QueryNode, speaker: str | None) -> tuple[str, list[Any]]:
        params: list[Any] = []
        expression = _tsquery(tree, params)
        if expression is None:  # parse_checked refused it already; kept for safety
            raise ArchiveError("the query only excludes words; add a word to look for")
        where = f"c.tsv @@ {expression}"
        wanted = speaker_filter(speaker)
        if wanted is not None:
            where += " AND strpos(c.speakers, %s) > 0"
            params.append(wanted)
        return where, params

    def search(
        self, query: str, *, speaker: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[StoreHit]:
        """One page of hits, in write order."""
        tree = parse_checked(query)
        where, params = self._where(tree, speaker)
        sql = f"{_HIT_SELECT} WHERE {where} ORDER BY c.id LIMIT %s OFFSET %s"
        with self._session() as conn:  # one round trip (the connection bounds its time)
            rows = conn.execute(sql, [*params, max(0, limit), max(0, offset)]).fetchall()
        terms = positive_terms(tree)
        return [store_hit(r[0], r[1], r[2], (r[3], r[4], r[5], r[6], r[7]), terms) for r in rows]

    def count(self, query: str, *, speaker: str | None = None) -> int:
        """How many cues match."""
        where, params = self._where(parse_checked(query), speaker)
        with self._session() as conn:
            row = conn.execute(f"SELECT count(*) FROM cues c WHERE {where}", params).fetchone()
        return int(row[0]) if row else 0

    @contextmanager
    def cue_rows(self, speaker: str | None, deadline: float) -> Iterator[Iterator[tuple[Any, ...]]]:
        """Every cue in write order, ``(root, relpath, title, idx, start_ms, end_ms, speaker,
        text)``, streamed by a server-side cursor from one snapshot (the briefings are read
        once, not sent with every cue); the server stops it a little after ``deadline``."""
        sql = "SELECT briefing_id, idx, start_ms, end_ms, speaker, text FROM cues"
        params: list[Any] = []
        wanted = speaker_filter(speaker)
        if wanted is not None:
            sql += " WHERE strpos(speakers, %s) > 0"
            params.append(wanted)
        with self._session() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            left_ms = max(1, int((deadline - time.monotonic()) * 1000)) + _SCAN_GRACE_MS
            conn.execute(f"SET LOCAL statement_timeout = {left_ms}")
            names = {
                int(r[0]): (r[1], r[2], r[3])
                for r in conn.execute("SELECT id, root, relpath, title FROM briefings")
            }
            with conn.cursor(name="bp_cue_rows") as cur:
                cur.itersize = 2000
                cur.execute(sql + " ORDER BY id", params)
                yield ((*names[int(r[0])], *r[1:]) for r in cur if int(r[0]) in names)

    def close(self) -> None:
        """Close the connection (a later call would open a new one)."""
        self._server.drop()


def _clean(text: str) -> str:
    """PostgreSQL text holds no NUL character: it is shown as U+FFFD."""
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def _stored(r: tuple[Any, ...]) -> StoredBriefing:
    return StoredBriefing(r[0], r[1], r[2], r[3], r[4], r[5], r[6], int(r[7]))
