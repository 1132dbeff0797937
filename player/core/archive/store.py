"""The interface both archive stores implement: the embedded SQLite/FTS5 store
(``sqlite_store.SqliteStore``) and the PostgreSQL store (``player.engines.postgres_store``).

A store holds the *shared* part of an archive: briefings known by a library root name and a path
relative to that root (so two machines that mount a share at different places name the same
briefing alike, see ``roots``), their cues, and full-text search over them. Per-user data
(positions, bookmarks, notes) never goes here: it stays in the local user store.

One rule of a hit, whichever store answers (one contract suite runs against both,
``tests/pg/test_store_contract.py``): a query is parsed by ``query.parse_query`` (words,
``"phrases"``, ``prefix*``, ``AND``/``OR``/``NOT``/``-word``); a term matches whole words, with
case and accents folded, tokens being runs of letters and digits (``covid-19`` is the phrase
``covid 19``); the speaker filter matches one of a cue's speakers (``"A, B"``) whole, folded.
Match offsets and the snippet are computed here, in Python, from the cue's text, so both stores
mark the same characters. Hits come in the order the cues were written.

This module is pure: no database driver is imported here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from player.core.archive.query import And, Not, Or, QueryError, QueryNode, Term, parse_query
from player.core.archive.records import ArchiveError
from player.core.model import Cue
from player.core.text.fold import fold, fold_with_offsets
from player.core.text.search import Hit, snippet

__all__ = [
    "SPEAKER_SEP",
    "ArchiveStore",
    "SharedBriefing",
    "StoreHit",
    "StoreUnavailable",
    "StoredBriefing",
    "is_server_url",
    "match_spans",
    "parse_checked",
    "positive_terms",
    "redact",
    "speaker_key",
    "speakers_column",
    "store_hit",
    "store_hit_with",
]

SPEAKER_SEP = "\x1f"
"""Separates the folded speaker names in a cue's ``speakers`` column (and brackets them)."""
MAX_SPANS = 1000
"""Matches kept for highlighting one cue."""
_WORD = r"[^\W_]"


class StoreUnavailable(ArchiveError):
    """The archive server could not be reached or went away; the next call tries again."""


@dataclass(frozen=True, slots=True)
class SharedBriefing:
    """One briefing as an indexer writes it: where it is (root name + relative path), what it is,
    and its cues."""

    root: str
    relpath: str
    title: str
    date: str = ""
    duration_ms: int | None = None
    language: str | None = None
    content_hash: str = ""
    cues: Sequence[Cue] | Iterable[Cue] = ()


@dataclass(frozen=True, slots=True)
class StoredBriefing:
    """One briefing as a listing gives it back."""

    root: str
    relpath: str
    title: str
    date: str
    duration_ms: int | None
    language: str | None
    content_hash: str
    cue_count: int


@dataclass(frozen=True, slots=True)
class StoreHit:
    """One cue that matched: its briefing's place, the cue, the snippet and every match's
    ``(start, end)`` character offsets in ``text`` (plain strings, never markup)."""

    root: str
    relpath: str
    title: str
    cue_idx: int
    start_ms: int
    end_ms: int
    speaker: str | None
    text: str
    snippet: tuple[str, str, str]
    matches: tuple[tuple[int, int], ...]


class ArchiveStore(Protocol):
    """What the archive asks of a store (SQLite or PostgreSQL)."""

    def schema_version(self) -> int:
        """The version of the store's schema (after the forward migrations)."""
        ...

    def write(self, briefing: SharedBriefing) -> int:
        """Insert or replace the briefing at ``(root, relpath)`` and its cues in one
        transaction (nothing half-written if the writer dies); returns how many cues."""
        ...

    def delete(self, root: str, relpath: str) -> bool:
        """Drop a briefing and its cues (one transaction); whether it was there."""
        ...

    def refresh_statistics(self) -> None:
        """Bring the query planner's statistics up to date (after indexing)."""
        ...

    def briefings(self, root: str | None = None) -> list[StoredBriefing]:
        """Every briefing (of one root), by root then relative path."""
        ...

    def search(
        self, query: str, *, speaker: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[StoreHit]:
        """One page of hits in write order (ArchiveError for a query with nothing to search)."""
        ...

    def count(self, query: str, *, speaker: str | None = None) -> int:
        """How many cues match."""
        ...

    def cue_rows(
        self, speaker: str | None, deadline: float
    ) -> AbstractContextManager[Iterator[tuple[Any, ...]]]:
        """Every cue, in write order, as ``(root, relpath, title, idx, start_ms, end_ms,
        speaker, text)`` (only cues with that speaker, compared as ``speaker_filter`` does, when
        ``speaker`` is given), read from one snapshot while the context is open; reading stops
        with an ArchiveError at ``deadline`` (``time.monotonic()``). For the searches that
        match every cue in Python (``scan_match``)."""
        ...

    def folder_lock(self, root: str, folder: str) -> AbstractContextManager[bool]:
        """Held while one indexer writes a folder; yields False (without waiting) when another
        indexer holds it."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


# ----- the one rule of a hit ------------------------------------------------------------------


def parse_checked(query: str) -> QueryNode:
    """``parse_query`` with its QueryError as an ArchiveError; refuses a query that only
    excludes words."""
    try:
        tree = parse_query(query)
    except QueryError as err:
        raise ArchiveError(str(err)) from None
    if not positive_terms(tree):
        raise ArchiveError(
            "the query only excludes words (NOT/-word); add at least one word to look for"
        )
    return tree


def positive_terms(node: QueryNode) -> list[Term]:
    """The terms the user wants to find (not under NOT): they are marked in hits."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return []
    out: list[Term] = []
    assert isinstance(node, And | Or)
    for child in node.children:
        out.extend(positive_terms(child))
    return out


def words_of(text: str) -> list[str]:
    """A term's folded tokens (runs of letters and digits), as both stores index them."""
    return re.findall(rf"{_WORD}+", fold(text))


def _term_regex(term: Term) -> re.Pattern[str] | None:
    words = words_of(term.text)
    if not words:
        return None
    body = r"[\W_]+".join(re.escape(w) for w in words)
    tail = rf"{_WORD}*" if term.prefix else rf"(?!{_WORD})"
    return re.compile(rf"(?<!{_WORD}){body}{tail}")


def match_spans(text: str, terms: Sequence[Term]) -> tuple[tuple[int, int], ...]:
    """Where ``terms`` occur in ``text`` (folded case and accents), sorted, at most MAX_SPANS."""
    folded, offsets = fold_with_offsets(text, casefold=True)
    spans: set[tuple[int, int]] = set()
    for term in terms:
        compiled = _term_regex(term)
        if compiled is None:
            continue
        for m in compiled.finditer(folded):
            start, end = m.span()
            if offsets is not None:
                start, end = offsets[start], max(offsets[end], offsets[end - 1] + 1)
            spans.add((start, end))
            if len(spans) >= MAX_SPANS:
                break
    return tuple(sorted(spans))


def store_hit(
    root: str,
    relpath: str,
    title: str,
    cue: tuple[int, int, int, str | None, str],
    terms: Sequence[Term],
) -> StoreHit:
    """A StoreHit for ``cue = (idx, start_ms, end_ms, speaker, text)``, its matches marked."""
    return store_hit_with(root, relpath, title, cue, match_spans(cue[4], terms))


def store_hit_with(
    root: str,
    relpath: str,
    title: str,
    cue: Sequence[Any],
    matches: tuple[tuple[int, int], ...],
) -> StoreHit:
    """A StoreHit for ``cue = (idx, start_ms, end_ms, speaker, text)`` and its matches."""
    idx, start_ms, end_ms, speaker, text = cue
    first = matches[0] if matches else (0, 0)
    return StoreHit(
        root,
        relpath,
        title,
        int(idx),
        int(start_ms),
        int(end_ms),
        speaker,
        text,
        snippet(text, Hit(int(idx), first[0], first[1])),
        matches,
    )


def speaker_key(name: str) -> str:
    """One speaker's name as the filter compares it (folded, spaces collapsed)."""
    return " ".join(fold(name).split())


def speakers_column(speaker: str | None) -> str:
    """The ``speakers`` column of a cue: its folded speaker names, each between SPEAKER_SEP."""
    if not speaker:
        return ""
    names = [speaker_key(n) for n in speaker.split(", ") if n.strip()]
    return SPEAKER_SEP + SPEAKER_SEP.join(names) + SPEAKER_SEP if names else ""


def speaker_filter(speaker: str | None) -> str | None:
    """What to look for in the ``speakers`` column for a speaker filter, or None."""
    if speaker is None or not speaker.strip():
        return None
    key = speaker_key(speaker)
    if not re.search(r"\w", key):
        raise ArchiveError(f"the speaker name {speaker!r} has no letters or digits")
    return SPEAKER_SEP + key + SPEAKER_SEP


# ----- server addresses -----------------------------------------------------------------------


def is_server_url(db: str | None) -> bool:
    """Whether ``--db``/BRIEFING_PLAYER_DB names a PostgreSQL server rather than a file."""
    return bool(db) and str(db).startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """The server address safe to show or log: no password, no query parameters (which may
    carry ``password=``)."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            user, _, host = netloc.rpartition("@")
            netloc = user.split(":", 1)[0] + "@" + host
        return f"{parts.scheme}://{netloc}{parts.path}"
    except ValueError:
        return "postgresql://(address hidden)"


def scrub(message: str, url: str) -> str:
    """``message`` with the password of ``url`` (if any) blanked out."""
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    if password:
        message = message.replace(password, "***")
    return re.sub(r"password=\S+", "password=***", message)


def batched(items: Iterable[Cue], size: int) -> Iterator[list[Cue]]:
    """``items`` in lists of at most ``size``."""
    batch: list[Cue] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
