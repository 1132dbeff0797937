"""Searches that read every cue: a regular expression, or a query as part of words.

One implementation for every archive: the personal archive (``search.ArchiveSearch``) and the
shared stores (``scan_store``: the embedded SQLite store and the PostgreSQL server, whose rows
are streamed in write order and matched here, in Python). So a pattern means the same thing
everywhere: the ``regex`` module's syntax with the limits of ``player.core.text.pattern`` (500
characters, no recursion, counted repeats up to 10,000 items), and part of words as one
transcript's search matches it (folded case and accents). Matching stops at ``deadline``
(``time.monotonic()``), preparing the pattern included; each failure is an ``ArchiveError``
that says what to do.

Why not the server's own regular expressions (``~*``): PostgreSQL's dialect is not Python's
(``\\b`` is a backspace there, ``\\w`` and ``\\d`` follow the database's locale, no named
groups or possessive repeats, no per-match time limit), and its ``lower``/``unaccent`` fold
differently from ``core.text.fold`` (``ß``, ligatures, some marks). Either would give other hits
than the same search on a laptop.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

import regex as _regex

from player.core.archive.records import ArchiveError
from player.core.archive.store import ArchiveStore, StoreHit, speaker_key, store_hit_with
from player.core.text.fold import fold, fold_with_offsets
from player.core.text.pattern import SearchError, compile_regex, plain_source, prepare_regex

__all__ = [
    "SPANS_PER_CUE",
    "Matcher",
    "part_matcher",
    "regex_matcher",
    "scan",
    "scan_store",
    "speaker_is",
    "wanted_speaker",
]

SPANS_PER_CUE = 1000
"""Matches kept for highlighting one cue (a huge cue may hold millions)."""

Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Matcher:
    """Where a search matches in one cue's text: ``spans_of(text, seconds_left)``; what to say
    when it runs out of time or memory."""

    spans_of: Callable[[str, float], Spans]
    too_slow: str
    too_big: str


def shown(pattern: str) -> str:
    """A pattern quoted for a message, shortened when long."""
    return repr(pattern if len(pattern) <= 60 else pattern[:57] + "...")


def regex_matcher(pattern: str, *, case_sensitive: bool, deadline_s: float) -> Matcher:
    """A regular expression (``regex`` module, V0), checked against the limits (ArchiveError
    for an invalid or too large one)."""
    try:
        source = prepare_regex(pattern, fold_text=False)
        flags = _regex.V0 | (0 if case_sensitive else _regex.IGNORECASE)
        compiled = compile_regex(source, flags, typed=pattern)
    except SearchError as err:
        raise ArchiveError(f"{err} ({shown(pattern)})") from None

    def spans_of(text: str, remaining: float) -> Spans:
        matches = compiled.finditer(text, concurrent=True, timeout=remaining)
        found = ((m.start(), m.end()) for m in matches if m.end() > m.start())
        return tuple(islice(found, SPANS_PER_CUE))

    return Matcher(
        spans_of,
        f"the regular expression {shown(pattern)} took longer than {deadline_s:g} s; "
        "simplify it (nested repeats like (a+)+ are very slow)",
        f"the regular expression {shown(pattern)} needs too much memory; simplify it",
    )


def part_matcher(query: str, *, case_sensitive: bool, deadline_s: float) -> Matcher:
    """``query`` as part of words (``player.core.text.rule``), folded as a transcript's search
    folds it (ArchiveError for a query over the limits or with nothing to look for)."""
    try:
        source = plain_source(query, casefold=not case_sensitive)
    except SearchError as err:
        raise ArchiveError(str(err)) from None
    if source is None:
        raise ArchiveError("nothing to search for: type a word")
    compiled = re.compile(source)

    def spans_of(text: str, _remaining: float) -> Spans:
        folded, offsets = fold_with_offsets(text, casefold=not case_sensitive)
        spans = []
        for m in islice(compiled.finditer(folded), SPANS_PER_CUE):
            start, end = m.span()
            if offsets is not None:
                start, end = offsets[start], max(offsets[end], offsets[end - 1] + 1)
            spans.append((start, end))
        return tuple(spans)

    return Matcher(
        spans_of,
        f"the search for {shown(query)} took longer than {deadline_s:g} s; "
        "try whole words (the part-of-words search reads every line)",
        f"the search for {shown(query)} needs too much memory",
    )


def wanted_speaker(speaker: str | None) -> str | None:
    """A speaker filter as ``speaker_is`` compares it, or None for no filter."""
    return fold(" ".join(speaker.split())) if speaker is not None and speaker.strip() else None


def speaker_is(speaker: str | None, wanted: str) -> bool:
    """Whether one of the cue's speakers (``"A, B"``) is ``wanted`` (folded, spaces collapsed)."""
    if not speaker:
        return False
    return any(" ".join(fold(name).split()) == wanted for name in speaker.split(", "))


def scan(
    rows: Iterable[Sequence[Any]],
    matcher: Matcher,
    *,
    wanted: str | None,
    stop: int | None,
    deadline: float,
    speaker_at: int,
    text_at: int,
) -> list[tuple[Any, ...]]:
    """Every row (in the order given) whose speaker passes ``wanted`` and whose text the
    matcher matches, with its spans appended, up to ``stop`` rows; ArchiveError past
    ``deadline`` or when the pattern needs too much memory."""
    found: list[tuple[Any, ...]] = []
    try:
        for row in rows:
            if wanted is not None and not speaker_is(row[speaker_at], wanted):
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            spans = matcher.spans_of(row[text_at], remaining)
            if spans:
                found.append((*row, spans))
                if stop is not None and len(found) >= stop:
                    break
    except TimeoutError:
        raise ArchiveError(matcher.too_slow) from None
    except (MemoryError, RecursionError):
        raise ArchiveError(matcher.too_big) from None
    return found


def scan_store(
    store: ArchiveStore,
    matcher: Matcher,
    *,
    speaker: str | None,
    limit: int | None,
    offset: int,
    deadline: float,
) -> list[StoreHit]:
    """One page of a shared store's hits for ``matcher``, in write order: the store streams
    its cues (``store.cue_rows``: ``(root, relpath, title, idx, start_ms, end_ms, speaker,
    text)``, narrowed by speaker where that keeps every cue ``speaker_is`` accepts) and they
    are matched here."""
    stop = None if limit is None else max(0, offset) + max(0, limit)
    wanted = wanted_speaker(speaker)
    narrow = speaker if wanted is not None and speaker_key(speaker or "") == wanted else None
    with store.cue_rows(narrow, deadline) as rows:
        found = scan(
            rows, matcher, wanted=wanted, stop=stop, deadline=deadline, speaker_at=6, text_at=7
        )
    return [store_hit_with(r[0], r[1], r[2], r[3:8], r[8]) for r in found[max(0, offset) :]]
