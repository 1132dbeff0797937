"""Searching the archive: FTS5 queries and regular expressions over every indexed cue.

Queries take the FTS5 vocabulary compiled by ``query.compile_query``; hits come **grouped by
briefing** (briefings in the order they were indexed) **and in time order within a briefing**:
this is FTS5's natural rowid order, so the first page of a query that matches a million cues is
as fast as one that matches ten. ``snippet`` holds plain ``(before, match, after)`` strings and
``matches`` the character offsets of every match in ``text``; never markup.

Every read holds the index store's lock (one thread at a time on its connection); ``iter_search``
holds it per batch only, so a long listing never blocks a scan or the GUI thread for long.

Bounds (issue 12): queries share the limits of :mod:`player.core.text.pattern` (1,000
characters and 100 words; a regular expression 500 characters, no recursion, counted repeats up
to 10,000 items). A regular-expression search has ``REGEX_DEADLINE_S`` (2 s) in all, compiling
included. Each FTS5 statement (a page, a count, one batch of ``iter_search``) is stopped by
SQLite's progress handler after ``FTS_DEADLINE_S`` (5 s); both end in an ``ArchiveError`` that
says so.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from player.core.archive.index_store import MARK_END, MARK_START, IndexStore
from player.core.archive.listing import briefings_by_id
from player.core.archive.query import QueryError, compile_query
from player.core.archive.records import ArchiveError, ArchiveHit, BriefingRow
from player.core.archive.scan_match import (
    Matcher,
    part_matcher,
    regex_matcher,
    scan,
    speaker_is,
    wanted_speaker,
)
from player.core.archive.user_data import UserData
from player.core.text.fold import fold
from player.core.text.search import Hit, snippet

__all__ = ["FTS_DEADLINE_S", "REGEX_DEADLINE_S", "ArchiveSearch"]

REGEX_DEADLINE_S = 2.0
"""Time budget for one archive-wide regular-expression search (seconds)."""
FTS_DEADLINE_S = 5.0
"""Time budget for one full-text statement: a page of hits, a count, a batch (seconds)."""

_HIT_SELECT = (
    "SELECT c.id, c.briefing_id, c.idx, c.start_ms, c.end_ms, c.speaker, c.text, "
    f"highlight(cues_fts, 0, '{MARK_START}', '{MARK_END}') "
    "FROM cues_fts JOIN cues c ON c.id = cues_fts.rowid"
)


def has_case(text: str, literal: str) -> bool:
    """Whether ``literal`` occurs in ``text`` with the same case (accents and spacing ignored)."""
    haystack = " ".join(fold(text, casefold=False).split())
    return " ".join(fold(literal, casefold=False).split()) in haystack


def marked_spans(marked: str) -> tuple[tuple[int, int], ...]:
    """The ``(start, end)`` offsets of the matches ``highlight()`` marked in a cue's text."""
    spans: list[tuple[int, int]] = []
    pos = 0
    start = -1
    for ch in marked:
        if ch == MARK_START:
            start = pos
        elif ch == MARK_END:
            if start >= 0 and pos > start:
                spans.append((start, pos))
            start = -1
        else:
            pos += 1
    return tuple(spans)


def _hit(
    briefing: BriefingRow, cue: Sequence[Any], matches: tuple[tuple[int, int], ...]
) -> ArchiveHit:
    """An ArchiveHit for ``cue`` = ``(idx, start_ms, end_ms, speaker, text)`` and its matches."""
    idx, start_ms, end_ms, speaker, text = cue
    first = matches[0] if matches else (0, 0)
    return ArchiveHit(
        briefing=briefing,
        cue_idx=int(idx),
        start_ms=int(start_ms),
        end_ms=int(end_ms),
        speaker=speaker,
        text=text,
        snippet=snippet(text, Hit(int(idx), first[0], first[1])),
        matches=matches,
    )


@contextmanager
def _bounded(conn: sqlite3.Connection, deadline_s: float) -> Iterator[None]:
    """Stop the statements run inside after ``deadline_s`` seconds (ArchiveError)."""
    deadline = time.monotonic() + deadline_s
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 1_000)
    try:
        yield
    except sqlite3.OperationalError as err:
        if "interrupt" not in str(err):
            raise
        raise ArchiveError(
            f"the search took longer than {deadline_s:g} s and was stopped; "
            "try longer words or fewer prefixes (word*)"
        ) from None
    finally:
        conn.set_progress_handler(None, 0)


class ArchiveSearch:
    """Search over one index (for hits' briefings and positions it reads both stores)."""

    def __init__(self, index: IndexStore, user: UserData) -> None:
        self._index = index
        self._user = user
        with index.guard() as conn:
            conn.create_function("bp_speaker_is", 2, speaker_is, deterministic=True)
            conn.create_function("bp_has_case", 2, has_case, deterministic=True)

    def search(
        self,
        query: str,
        *,
        speaker: str | None = None,
        limit: int | None = 50,
        offset: int = 0,
        case_sensitive: bool = False,
    ) -> list[ArchiveHit]:
        """One page of hits, in archive order (see the module docstring)."""
        where, params = self._filter(query, speaker, case_sensitive)
        sql = f"{_HIT_SELECT} WHERE {' AND '.join(where)} ORDER BY cues_fts.rowid LIMIT ? OFFSET ?"
        params += [-1 if limit is None else max(0, int(limit)), max(0, int(offset))]
        with self._index.snapshot() as conn:
            with _bounded(conn, FTS_DEADLINE_S):
                rows = conn.execute(sql, params).fetchall()
            return self._hits(rows, {})

    def iter_search(
        self, query: str, *, speaker: str | None, case_sensitive: bool, batch: int
    ) -> Iterator[ArchiveHit]:
        """Every hit of ``search``, in the same order, read lazily ``batch`` rows at a time."""
        where, params = self._filter(query, speaker, case_sensitive)
        sql = (
            f"{_HIT_SELECT} WHERE {' AND '.join(where)} AND cues_fts.rowid > ? "
            "ORDER BY cues_fts.rowid LIMIT ?"
        )
        last = 0
        briefs: dict[int, BriefingRow] = {}
        while True:
            with self._index.snapshot() as conn:
                with _bounded(conn, FTS_DEADLINE_S):
                    rows = conn.execute(sql, [*params, last, batch]).fetchall()
                if not rows:
                    return
                last = int(rows[-1][0])
                hits = self._hits(rows, briefs)
            yield from hits
            if len(rows) < batch:
                return

    def count(self, query: str, *, speaker: str | None = None) -> int:
        """How many cues match (a full pass over the matches)."""
        expression, _ = self._match_expression(query, speaker)
        wanted = wanted_speaker(speaker)
        if wanted is None:
            sql = "SELECT count(*) FROM cues_fts WHERE cues_fts MATCH ?"
            params: list[Any] = [expression]
        else:
            sql = (
                "SELECT count(*) FROM cues_fts JOIN cues c ON c.id = cues_fts.rowid "
                "WHERE cues_fts MATCH ? AND bp_speaker_is(c.speaker, ?)"
            )
            params = [expression, wanted]
        with self._index.guard() as conn, _bounded(conn, FTS_DEADLINE_S):
            return int(conn.execute(sql, params).fetchone()[0])

    def search_regex(
        self,
        pattern: str,
        *,
        speaker: str | None,
        case_sensitive: bool,
        limit: int | None,
        offset: int,
        deadline_s: float,
    ) -> list[ArchiveHit]:
        """Cues whose text matches a regular expression (a full scan; archive order), within
        ``deadline_s`` seconds in all (ArchiveError past it, or for an invalid pattern)."""
        deadline = time.monotonic() + deadline_s  # covers preparing the pattern too
        matcher = regex_matcher(pattern, case_sensitive=case_sensitive, deadline_s=deadline_s)
        return self._scan(matcher, speaker, limit, offset, deadline)

    def search_part(
        self,
        query: str,
        *,
        speaker: str | None,
        case_sensitive: bool,
        limit: int | None,
        offset: int,
        deadline_s: float,
    ) -> list[ArchiveHit]:
        """Cues holding ``query`` as part of words (``player.core.text.rule``): matched as the
        transcript search matches it (folded case and accents, a phrase across any whitespace),
        over every cue (a full scan, archive order), within ``deadline_s`` seconds."""
        deadline = time.monotonic() + deadline_s
        matcher = part_matcher(query, case_sensitive=case_sensitive, deadline_s=deadline_s)
        return self._scan(matcher, speaker, limit, offset, deadline)

    # -- the parts -------------------------------------------------------------------------------

    def _scan(
        self, matcher: Matcher, speaker: str | None, limit: int | None, offset: int, deadline: float
    ) -> list[ArchiveHit]:
        """Every cue (in archive order) the matcher matches, one page of them, as hits."""
        stop = None if limit is None else max(0, offset) + max(0, limit)
        with self._index.snapshot():
            with self._index.guard() as conn:
                cur = conn.execute(
                    "SELECT briefing_id, idx, start_ms, end_ms, speaker, text FROM cues ORDER BY id"
                )
                try:
                    found = scan(
                        cur,
                        matcher,
                        wanted=wanted_speaker(speaker),
                        stop=stop,
                        deadline=deadline,
                        speaker_at=4,
                        text_at=5,
                    )
                finally:
                    cur.close()
            found = found[max(0, offset) :]
            briefs = briefings_by_id(self._index, self._user, (int(r[0]) for r in found), {})
        return [_hit(briefs[int(r[0])], r[1:6], r[6]) for r in found if int(r[0]) in briefs]

    def _match_expression(self, query: str, speaker: str | None) -> tuple[str, tuple[str, ...]]:
        try:
            compiled = compile_query(query)
        except QueryError as err:
            raise ArchiveError(str(err)) from None
        expression = f"text : ({compiled.expression})"
        if speaker is not None and speaker.strip():
            words = " ".join(speaker.split())
            if not re.search(r"\w", words):
                raise ArchiveError(f"the speaker name {speaker!r} has no letters or digits")
            quoted = '"' + words.replace('"', '""') + '"'
            expression = f"({expression}) AND (speaker : {quoted})"
        return expression, compiled.literals

    def _filter(
        self, query: str, speaker: str | None, case_sensitive: bool
    ) -> tuple[list[str], list[Any]]:
        """The WHERE terms and parameters for a query over ``_HIT_SELECT``."""
        expression, literals = self._match_expression(query, speaker)
        where = ["cues_fts MATCH ?"]
        params: list[Any] = [expression]
        wanted = wanted_speaker(speaker)
        if wanted is not None:
            where.append("bp_speaker_is(c.speaker, ?)")
            params.append(wanted)
        if case_sensitive:
            for literal in literals:
                where.append("bp_has_case(c.text, ?)")
                params.append(literal)
        return where, params

    def _hits(
        self, rows: Sequence[Sequence[Any]], briefs: dict[int, BriefingRow]
    ) -> list[ArchiveHit]:
        """ArchiveHits for rows of ``_HIT_SELECT``; ``briefs`` caches BriefingRows by id."""
        briefings_by_id(self._index, self._user, (int(r[1]) for r in rows), briefs)
        # A briefing removed by another process between two batches is skipped, never a KeyError.
        return [
            _hit(briefs[int(r[1])], r[2:7], marked_spans(r[7])) for r in rows if int(r[1]) in briefs
        ]
