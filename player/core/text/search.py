"""Transcript search: matching rules, hits and snippets (folding: :mod:`player.core.text.fold`).

Matching rules (the same in the window and in ``briefing-player search``):

* **Case and accents.** By default matching ignores case (``str.casefold``, so "STRASSE" also
  finds "Straße") and accents (Unicode NFKD with combining marks removed, so "Bogota" finds
  "Bogotá" and "Bogotá" finds "BOGOTA"). Typographic apostrophes and quotes (’ ‘ ʼ “ ”) match
  their ASCII forms, because transcripts use the curly ones and people type the straight ones.
  ``case_sensitive`` makes case matter; accents are still ignored (there is no "match accents"
  option).
* **Phrases.** The query is "find this text": a query of several words matches those words in
  that order with any run of whitespace between them, including the line break inside a cue.
  Surrounding double quotes (``"climate report"``) are accepted and removed; they change nothing
  else. Matches never cross from one cue into the next.
* **Whole word.** The match must not be preceded or followed by a Unicode word character
  (``\\w``); this also works for queries that start or end with punctuation ("U.S.").
* **Regular expressions.** With ``regex`` the query is a pattern for the third-party ``regex``
  module (Python ``re`` syntax), applied to each cue separately (``^``/``$`` are the cue's
  start/end; ``.`` does not match a line break, ``\\s`` does). Accents are ignored as above
  (accents in the pattern's literal text are stripped too); case is ignored unless
  ``case_sensitive``. Empty matches are dropped.
* **Speaker.** ``speaker`` keeps only cues whose speakers include that name (compared
  ignoring case and accents).
* An empty or all-whitespace query gives no hits.

Speed: ``SearchIndex`` folds every cue once and joins the results into one long string with a
``\\0`` between cues (neither whitespace nor a word character, so no plain match crosses it). A
plain search is one ``re.finditer`` over that string collecting match spans at C speed; the cue
of a hit (a ``bisect``) and its offsets in the original ``Cue.text`` (through per-cue tables,
kept only for the few cues whose folding changes their length) are worked out when the hit is
asked for, so even 100,000 hits come back in about 20 ms on 50,000 cues. A regular expression
is matched cue by cue, after a whole-text pre-scan that finds the candidate cues quickly.

Safety against catastrophic backtracking: user patterns run in the ``regex`` module with its
``timeout=`` argument, because the standard ``re`` engine can neither be interrupted nor bounded
(a thread running it cannot be stopped, and a process per keystroke is too slow for search as you
type). ``regex`` also releases the GIL while matching (``concurrent=True``), so a search running
on a worker thread never stalls the GUI thread.

Every search is bounded as a whole (see :mod:`player.core.text.pattern` for the query limits
and why): the deadline runs from the call, so it covers preparing the pattern too. A regular
expression gets ``DEFAULT_REGEX_DEADLINE_S`` (0.75 s) and a plain query
``DEFAULT_PLAIN_DEADLINE_S`` (2 s) unless the caller gives ``deadline_s``. A plain query is
matched by ``re`` over pieces of at most 64 KB (or 4,096 cues), with the clock checked between
pieces; a piece costs at most its length times the query's words, which the query limits keep
small. A single cue longer than that is matched by ``regex`` with the remaining time as its
timeout. A search that runs out of time returns the hits found so far with ``timed_out=True``;
a query over the limits, a bad pattern or one needing too much memory raises ``SearchError``.
The clock between cues and chunks is the wall clock; within one cue ``regex`` counts its
``timeout=`` in processor time, so on a machine busy with other programs a search cut short
takes its full budget of processor time and may take longer on the wall clock.

A ``SearchIndex`` is immutable once built; ``search`` may be called from any thread.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import regex

from player.core.model import Cue
from player.core.text.fold import SEPARATOR, fold, fold_with_offsets
from player.core.text.pattern import (
    SearchError,
    compile_regex,
    plain_source,
    prepare_regex,
)
from player.core.text.snippet import next_hit_index, snippet
from player.core.text.whole_words import whole_word_spans, word_bounded

__all__ = [
    "DEFAULT_PLAIN_DEADLINE_S",
    "DEFAULT_REGEX_DEADLINE_S",
    "HIT_LIMIT",
    "Hit",
    "SearchError",
    "SearchIndex",
    "SearchOptions",
    "SearchResult",
    "check_query",
    "next_hit_index",
    "snippet",
]

#: Time limit for a regular-expression search when the caller gives no ``deadline_s``.
DEFAULT_REGEX_DEADLINE_S = 0.75
#: Time limit for a plain search when the caller gives no ``deadline_s``.
DEFAULT_PLAIN_DEADLINE_S = 2.0
#: The most hits one search collects (``max_hits`` above it is lowered to it): memory stays
#: under about 100 MB however many times a word occurs in a 64 MB transcript.
HIT_LIMIT = 1_000_000

_SEP = SEPARATOR  # between cues in the joined text: neither whitespace nor a word character
# Plain searches check the clock and max_hits after each chunk: at most this many cues and
# characters (a single longer cue is matched alone by ``regex``, with a timeout).
_CUES_PER_CHUNK = 4096
_CHUNK_CHARS = 65_536


@dataclass(frozen=True, slots=True)
class SearchOptions:
    """How a query matches; see the module docstring for the exact rules."""

    case_sensitive: bool = False
    whole_word: bool = False
    regex: bool = False
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """One match: ``[start, end)`` are character offsets into ``cues[cue_index].text``."""

    cue_index: int
    start: int
    end: int


class SearchResult:
    """Hits in transcript order, plus whether the search stopped early.

    ``truncated``: more hits exist beyond ``max_hits``. ``timed_out``: the time limit ran out,
    so only the hits found before it are here.

    Built for list views: ``len(result)`` and ``result.hit(i)`` cost nothing up front, so a
    search for a very common word (100,000 hits) returns at once and a model creates ``Hit``
    objects only for the rows it shows; ``hits`` builds (and keeps) them all. Immutable, and
    safe to read from any thread.
    """

    __slots__ = (
        "_count",
        "_cue_indices",
        "_find_cue_indices",
        "_hits",
        "_resolve",
        "timed_out",
        "truncated",
    )

    def __init__(
        self, hits: Sequence[Hit] = (), *, truncated: bool = False, timed_out: bool = False
    ) -> None:
        self._hits: tuple[Hit, ...] | None = tuple(hits)
        self._count = len(self._hits)
        self._resolve: Callable[[int], Hit] | None = None
        self._cue_indices: tuple[int, ...] | None = None
        self._find_cue_indices: Callable[[], tuple[int, ...]] | None = None
        self.truncated = truncated
        self.timed_out = timed_out

    @classmethod
    def _lazy(
        cls,
        count: int,
        resolve: Callable[[int], Hit],
        find_cue_indices: Callable[[], tuple[int, ...]],
        *,
        truncated: bool,
        timed_out: bool,
    ) -> SearchResult:
        result = cls(truncated=truncated, timed_out=timed_out)
        result._hits = None
        result._count = count
        result._resolve = resolve
        result._find_cue_indices = find_cue_indices
        return result

    def __len__(self) -> int:
        return self._count

    def __repr__(self) -> str:
        flags = " truncated" if self.truncated else ""
        flags += " timed_out" if self.timed_out else ""
        return f"<SearchResult {self._count} hits{flags}>"

    def hit(self, i: int) -> Hit:
        """The ``i``-th hit (0-based; negative counts from the end). Raises IndexError."""
        if self._hits is not None:
            return self._hits[i]
        if i < 0:
            i += self._count
        if not 0 <= i < self._count or self._resolve is None:
            raise IndexError(f"hit index out of range: {i}")
        return self._resolve(i)

    @property
    def hits(self) -> tuple[Hit, ...]:
        """All hits (built on first access, then kept)."""
        if self._hits is None:
            resolve = self._resolve
            assert resolve is not None
            self._hits = tuple(resolve(i) for i in range(self._count))
        return self._hits

    @property
    def cue_indices(self) -> tuple[int, ...]:
        """Distinct cue indices that have hits, ascending (one timeline tick each)."""
        if self._cue_indices is None and self._find_cue_indices is not None:
            self._cue_indices = self._find_cue_indices()
        if self._cue_indices is None:
            seen: dict[int, None] = {}
            for hit in self.hits:
                seen[hit.cue_index] = None
            self._cue_indices = tuple(seen)
        return self._cue_indices


# --- the joined, folded text ------------------------------------------------------------------


class _Haystack:
    """All cues folded one way, joined by ``_SEP``, with cue offsets and offset maps."""

    __slots__ = ("maps", "starts", "text")

    def __init__(self, texts: Sequence[str], *, casefold: bool) -> None:
        parts: list[str] = []
        self.starts: list[int] = []
        self.maps: dict[int, tuple[int, ...]] = {}
        pos = 0
        for i, text in enumerate(texts):
            folded, offsets = fold_with_offsets(text, casefold=casefold)
            if offsets is not None:
                self.maps[i] = offsets
            parts.append(folded)
            self.starts.append(pos)
            pos += len(folded) + 1
        self.starts.append(pos)  # sentinel: one past the end
        self.text = _SEP.join(parts)

    def to_original(self, cue_index: int, start: int, end: int) -> tuple[int, int]:
        """Map folded offsets within one cue back to offsets into the original cue text."""
        offsets = self.maps.get(cue_index)
        if offsets is None:
            return start, end
        # The end extends over trailing combining marks, and past a split character (ß -> ss).
        return offsets[start], max(offsets[end], offsets[end - 1] + 1)


# --- queries ------------------------------------------------------------------------------------


def _plain_pattern(query: str, options: SearchOptions) -> tuple[re.Pattern[str], str] | None:
    """The compiled plain query and its source (None: nothing to search for)."""
    source = plain_source(query, casefold=not options.case_sensitive)
    if source is None:
        return None
    return re.compile(source), source  # whole words: checked by whole_words.whole_word_spans


# Constructs whose meaning depends on where the string ends or starts (anchors, word boundaries,
# lookarounds, possessive and atomic parts): with them a match inside one cue need not be a match
# in the joined text, so the fast whole-text pre-scan is not used. Deliberately over-cautious.
_SCAN_UNSAFE = re.compile(r"\$|(?<!\[)\^|\\[AZzbBGmMK]|\(\?[=!<>|]|[*+?}]\+")


def _regex_pattern(
    query: str, options: SearchOptions
) -> tuple[regex.Pattern[str], regex.Pattern[str] | None] | None:
    """The compiled pattern and, when safe, the pattern for the whole-text pre-scan."""
    if not query.strip():
        return None
    source = prepare_regex(query, fold_text=True)  # bounded, literals folded and escaped
    flags = regex.V0 | (0 if options.case_sensitive else regex.IGNORECASE)
    inner = compile_regex(source, flags, typed=query)
    pattern = (
        compile_regex(word_bounded(source), flags, typed=query) if options.whole_word else inner
    )
    # The inner pattern finds a superset of the whole-word matches, so it can pre-scan for both.
    scan = None if _SCAN_UNSAFE.search(source) else inner
    return pattern, scan


def check_query(query: str, options: SearchOptions) -> None:
    """Raise ``SearchError`` if ``query`` cannot be run with ``options`` (for inline errors):
    a bad or too complex pattern, or a query over the limits of :mod:`player.core.text.pattern`."""
    if options.regex:
        _regex_pattern(query, options)
    else:
        plain_source(query, casefold=not options.case_sensitive)


def _long_cue_spans(
    source: str,
    whole_word: bool,
    text: str,
    lo: int,
    hi: int,
    deadline: float,
    room: int | None,
) -> tuple[list[tuple[int, int]], bool]:
    """Spans of a plain query in ``text[lo:hi]`` (one long cue) found before ``deadline`` (at
    most ``room`` of them), and whether the time ran out first. ``regex`` (with a timeout)
    instead of the unbounded ``re``."""
    pattern = regex.compile(word_bounded(source) if whole_word else source, regex.V0)
    found: list[tuple[int, int]] = []
    try:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return found, True
        for m in pattern.finditer(text, lo, hi, concurrent=True, timeout=remaining):
            found.append(m.span())
            if room is not None and len(found) >= room:
                break
    except TimeoutError:
        return found, True
    return found, False


# --- the index ----------------------------------------------------------------------------------


class SearchIndex:
    """Cues prepared for fast repeated searching (build once per transcript, off the GUI thread
    for big ones: about 0.1 s per 50,000 cues).

    ``search`` returns hits whose offsets point into the original ``Cue.text``.
    """

    def __init__(self, cues: Iterable[Cue]) -> None:
        self._cues: tuple[Cue, ...] = tuple(cues)
        texts = [cue.text for cue in self._cues]
        self._folded = _Haystack(texts, casefold=True)
        self._accent_folded = _Haystack(texts, casefold=False)
        by_speaker: dict[str, list[int]] = {}
        names: dict[str, str] = {}
        for i, cue in enumerate(self._cues):
            for name in cue.speakers:
                key = fold(name).strip()
                names.setdefault(key, name)
                entries = by_speaker.setdefault(key, [])
                if not entries or entries[-1] != i:
                    entries.append(i)
        self._by_speaker = {key: tuple(ids) for key, ids in by_speaker.items()}
        self._speakers = tuple(names.values())

    @property
    def cues(self) -> tuple[Cue, ...]:
        """The indexed cues; ``Hit.cue_index`` indexes this tuple."""
        return self._cues

    @property
    def speakers(self) -> tuple[str, ...]:
        """Distinct speaker names (as first written) in order of first appearance."""
        return self._speakers

    def __len__(self) -> int:
        return len(self._cues)

    def cue_indices_for_speaker(self, name: str) -> tuple[int, ...]:
        """Indices of the cues whose speakers include ``name`` (ignoring case and accents)."""
        return self._by_speaker.get(fold(name).strip(), ())

    def first_hit_at_or_after(self, result: SearchResult, t_ms: int) -> int | None:
        """Index of the first hit in ``result`` whose cue starts at or after ``t_ms``, or None.

        For "go to the next hit from where playback is"; assumes cues sorted by start (as in a
        ``Transcript``). Resolves only O(log n) hits, so it is cheap on huge results.
        """
        cues = self._cues
        lo, hi = 0, len(result)
        while lo < hi:
            mid = (lo + hi) // 2
            if cues[result.hit(mid).cue_index].start_ms < t_ms:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(result) else None

    def search(
        self,
        query: str,
        options: SearchOptions | None = None,
        *,
        max_hits: int | None = None,
        deadline_s: float | None = None,
    ) -> SearchResult:
        """Find ``query`` in every cue, in transcript order.

        ``max_hits`` stops after that many hits (``truncated`` tells if there were more); it is
        at most ``HIT_LIMIT``, also when not given.
        ``deadline_s`` is a time budget in seconds for this call; when it runs out the hits
        found so far come back with ``timed_out``. It covers preparing the pattern too.
        Without it, plain queries get ``DEFAULT_PLAIN_DEADLINE_S`` and regular expressions
        ``DEFAULT_REGEX_DEADLINE_S``. Raises ``SearchError`` for a bad or too complex regular
        expression and for a query over the limits (:mod:`player.core.text.pattern`).
        """
        opts = options or SearchOptions()
        max_hits = HIT_LIMIT if max_hits is None else max(0, min(max_hits, HIT_LIMIT))
        allowed: frozenset[int] | None = None
        if opts.speaker is not None and opts.speaker.strip():
            allowed = frozenset(self.cue_indices_for_speaker(opts.speaker))
        started = time.perf_counter()
        if opts.regex:
            budget = DEFAULT_REGEX_DEADLINE_S if deadline_s is None else deadline_s
            rx = _regex_pattern(query, opts)
            if rx is None or (allowed is not None and not allowed):
                return SearchResult()
            return self._search_regex(rx, allowed, max_hits, started + budget)
        plain = _plain_pattern(query, opts)
        if plain is None or (allowed is not None and not allowed):
            return SearchResult()
        deadline = started + (DEFAULT_PLAIN_DEADLINE_S if deadline_s is None else deadline_s)
        hay = self._accent_folded if opts.case_sensitive else self._folded
        return self._search_plain(plain, hay, opts.whole_word, allowed, max_hits, deadline)

    def _search_plain(
        self,
        plain: tuple[re.Pattern[str], str],
        hay: _Haystack,
        whole_word: bool,
        allowed: frozenset[int] | None,
        max_hits: int | None,
        deadline: float,
    ) -> SearchResult:
        # Only the spans in the joined text are collected here (C-speed list building); the
        # cue index and original offsets of a hit are worked out when it is asked for.
        pattern, source = plain
        find_words = whole_word_spans(pattern) if whole_word else None
        text = hay.text
        starts = hay.starts
        n_cues = len(self._cues)
        spans: list[tuple[int, int]] = []
        truncated = timed_out = False
        first = 0
        while first < n_cues:
            lo = starts[first]
            top = min(first + _CUES_PER_CHUNK, n_cues)
            last = bisect_right(starts, lo + _CHUNK_CHARS + 1, first + 1, top + 1) - 1
            if last > first:
                hi = starts[last] - 1
                if find_words is not None:
                    found = find_words(text, lo, hi)
                else:
                    found = [m.span() for m in pattern.finditer(text, lo, hi)]
            else:  # one cue longer than a chunk: matched with a timeout
                last = first + 1
                room = max_hits - len(spans) + 1 if max_hits is not None else None
                found, timed_out = _long_cue_spans(
                    source, whole_word, text, lo, starts[last] - 1, deadline, room
                )
            if allowed is not None:
                found = [sp for sp in found if bisect_right(starts, sp[0]) - 1 in allowed]
            spans.extend(found)
            if max_hits is not None and len(spans) > max_hits:
                del spans[max_hits:]
                truncated = True
                timed_out = False
                break
            if timed_out or time.perf_counter() > deadline:
                timed_out = timed_out or last < n_cues
                break
            first = last

        def resolve(i: int) -> Hit:
            g_start, g_end = spans[i]
            ci = bisect_right(starts, g_start) - 1
            base = starts[ci]
            start, end = hay.to_original(ci, g_start - base, g_end - base)
            return Hit(ci, start, end)

        def find_cue_indices() -> tuple[int, ...]:
            found: list[int] = []
            next_cue_start = 0  # a span at or past this offset lies in a new cue
            for g_start, _g_end in spans:
                if g_start >= next_cue_start:
                    ci = bisect_right(starts, g_start) - 1
                    found.append(ci)
                    next_cue_start = starts[ci + 1]
            return tuple(found)

        return SearchResult._lazy(
            len(spans), resolve, find_cue_indices, truncated=truncated, timed_out=timed_out
        )

    def _search_regex(
        self,
        compiled: tuple[regex.Pattern[str], regex.Pattern[str] | None],
        allowed: frozenset[int] | None,
        max_hits: int | None,
        deadline: float,
    ) -> SearchResult:
        pattern, scan = compiled
        hay = self._accent_folded
        text = hay.text
        starts = hay.starts
        n_cues = len(self._cues)
        hits: list[Hit] = []
        if scan is None or (allowed is not None and len(allowed) * 8 < n_cues):
            candidates: Iterable[int] = sorted(allowed) if allowed is not None else range(n_cues)
        else:
            candidates = self._scan(scan, allowed, deadline)
        try:
            for ci in candidates:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    return SearchResult(tuple(hits), timed_out=True)
                # Each cue is matched on its own (a slice), so ^, $, \A, \Z and lookarounds see
                # the cue's edges and nothing runs on into the next cue.
                cue_text = text[starts[ci] : starts[ci + 1] - 1]
                for m in pattern.finditer(cue_text, concurrent=True, timeout=remaining):
                    f_start, f_end = m.span()
                    if f_start == f_end:
                        continue
                    if max_hits is not None and len(hits) >= max_hits:
                        return SearchResult(tuple(hits), truncated=True)
                    start, end = hay.to_original(ci, f_start, f_end)
                    hits.append(Hit(ci, start, end))
        except TimeoutError:
            return SearchResult(tuple(hits), timed_out=True)
        except (MemoryError, RecursionError):
            # A last net: the pattern checks refuse the known memory-hungry constructs.
            raise SearchError("the regular expression needs too much memory; simplify it") from None
        return SearchResult(tuple(hits))

    def _scan(
        self, scan: regex.Pattern[str], allowed: frozenset[int] | None, deadline: float
    ) -> Iterator[int]:
        """Cue indices that may match, found by searching the whole joined text at C speed.

        Only used for patterns where a match inside one cue is also a match in the joined text
        (see ``_SCAN_UNSAFE``), so no matching cue is skipped; false candidates are harmless.
        Raises TimeoutError when the deadline passes.
        """
        hay = self._accent_folded
        text = hay.text
        starts = hay.starts
        pos = 0
        while pos < len(text):
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError
            m = scan.search(text, pos, concurrent=True, timeout=remaining)
            if m is None:
                return
            ci = bisect_right(starts, m.start()) - 1
            if allowed is None or ci in allowed:
                yield ci
            pos = starts[ci + 1]
