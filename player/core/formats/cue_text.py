"""The WebVTT cue-text algorithm, reduced to what a transcript needs.

Raw cue text (``<v Bob>Hello <i>there</i> &amp; welcome``) becomes plain text with entities
decoded, styled runs (``Span``), every voice name, and inline timestamps (``WordTiming``).
Tags follow the spec's tokenizer and tree rules: only ``c i b u v lang ruby rt`` and timestamps
mean anything; every other tag (``<script>``, ``<img ...>``) is dropped, never kept as markup.
Text between tags is data: ``&lt;script&gt;`` becomes the literal characters ``<script>``.
Tag stripping is linear (one regex split), even on 100,000 unclosed ``<``; the whole algorithm
is linear in the cue (each tag is handled once, runs are joined once at the end: see
``benchmarks/bench_hostile.py``), and one cue keeps at most ``MAX_RUNS`` styled runs,
``MAX_SPEAKERS`` voices and ``MAX_WORD_TIMINGS`` inline timestamps, so its memory stays in
proportion to its size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from player.core.formats.webvtt import timestamp_ms
from player.core.model import Span, WordTiming

__all__ = ["ParsedCueText", "parse_cue_text", "parse_vtt_timestamp"]

# A tag runs from "<" to the next ">" or to the end of the text (spec tokenizer).
_TAG_SPLIT = re.compile(r"<([^>]*)>?")
# start tag: name, ".class.class", then whitespace and the annotation
_START_TAG = re.compile(r"([^ \t\n\f.]*)((?:\.[^ \t\n\f.]*)*)(?:[ \t\n\f](.*))?\Z", re.DOTALL)
_WS_RUN = re.compile(r"[ \t\n\f]+")
# Classes reach the display only as plain identifiers; anything else is dropped.
_SAFE_CLASS = re.compile(r"[\w-]+\Z")
_TIMESTAMP = re.compile(r"(\d+):(\d{2})(?::(\d{2}))?\.(\d{3})\Z", re.ASCII)
# The start tags that mean something (``rt`` only inside ``ruby``); every other tag is dropped.
_BARE = frozenset({"c", "i", "b", "u", "v", "lang", "ruby", "rt"})


def parse_vtt_timestamp(text: str) -> int | None:
    """Parse a complete WebVTT timestamp (``[h+:]mm:ss.ttt``) into ms, or None if invalid."""
    m = _TIMESTAMP.match(text)
    if m is None:
        return None
    first, second, third, millis = m.groups()
    return timestamp_ms(first, second, third, millis)


@dataclass(frozen=True, slots=True)
class ParsedCueText:
    """Result of :func:`parse_cue_text`.

    ``spans`` is empty when the cue has no tags at all (the whole text is one unstyled run).
    ``ignored_timestamps`` counts inline timestamps left out of ``word_timings`` because they
    were outside the cue or went backwards. ``styles_dropped`` is true when the cue had more
    than ``MAX_RUNS`` differently styled runs (the rest of its text continues the last run) or
    more than ``MAX_SPEAKERS`` voices (the rest are not listed), and
    ``timestamps_dropped`` counts inline timestamps past ``MAX_WORD_TIMINGS``: bounds that keep
    the memory of one hostile cue in proportion.
    """

    text: str
    speakers: tuple[str, ...] = ()
    spans: tuple[Span, ...] = ()
    word_timings: tuple[WordTiming, ...] = ()
    ignored_timestamps: int = 0
    styles_dropped: bool = False
    timestamps_dropped: int = 0


_Style = tuple[bool, bool, bool, tuple[str, ...], str | None]
_new_span = tuple.__new__  # Span from a ready tuple of its fields, without keyword handling
_PLAIN: _Style = (False, False, False, (), None)
# Classes kept per span: plenty for real styling, bounded for a file that nests thousands of tags.
_MAX_CLASSES = 32
MAX_RUNS = 1000
"""Differently styled runs (Spans) kept per cue; a real cue has a handful. Each costs about 150
bytes, so ``<i>x</i>y`` repeated through a 4 MB cue would otherwise cost 250 MB."""
MAX_WORD_TIMINGS = 10_000
"""Inline timestamps kept per cue (a karaoke cue has one per word)."""
# Class lists and voice names (a file repeats the same few on every cue) are shared through
# these caches, bounded in entries and in the length of what they keep (a hostile file's
# megabyte-long name is never kept past its parse).
_CLASS_TUPLES: dict[str, tuple[str, ...]] = {}
_CLASS_TUPLES_MAX = 1024
_NAMES: dict[str, str] = {}
_NAMES_MAX = 4096
_CACHED_CHARS_MAX = 100
MAX_SPEAKERS = 100
"""Voices kept per cue (a real cue has one to three)."""


def _inner_style(
    outer: _Style, name: str, node_classes: tuple[str, ...], annotation: str
) -> _Style:
    """The style inside a new ``name`` node: the enclosing style plus the node's own.

    Computed once per start tag from the enclosing node's style, so deeply nested tags stay
    linear (recomputing from the whole stack took 21 s for 16,000 nested tags).
    """
    italic, bold, underline, classes, voice = outer
    if name == "i":
        italic = True
    elif name == "b":
        bold = True
    elif name == "u":
        underline = True
    elif name == "v":
        voice = annotation or None
    if node_classes and not classes:
        classes = node_classes[:_MAX_CLASSES]  # the tuple itself when it is short enough
    elif node_classes and len(classes) < _MAX_CLASSES:
        added = tuple(c for c in dict.fromkeys(node_classes) if c not in classes)
        classes = (classes + added)[:_MAX_CLASSES]
    return (italic, bold, underline, classes, voice)


def unescape(text: str) -> str:
    """Decode HTML character references (``&amp;``, ``&eacute;``, ``&#x2014;``...).

    ``html`` is imported on first use: its table of 2,231 named references takes 1-2 ms to
    build, which transcripts without a single ``&`` (the usual case) need not pay.
    """
    from html import unescape as html_unescape

    return html_unescape(text)


def parse_cue_text(raw: str, start_ms: int = 0, end_ms: int | None = None) -> ParsedCueText:
    """Run the cue-text algorithm on ``raw``; never raises.

    Inline timestamps become word timings only when they lie within ``[start_ms, end_ms]`` and
    do not go backwards (karaoke styling needs a monotonic sequence).
    """
    if "<" not in raw:
        return ParsedCueText(unescape(raw) if "&" in raw else raw)
    parts = _TAG_SPLIT.split(raw)
    pieces: list[str] = []
    # Runs of equal style, as the index of their first piece: their pieces are joined once at
    # the end (adding to a run's string on every piece was quadratic: 39 s for "a<x>" repeated
    # a million times).
    run_firsts: list[int] = []
    run_styles: list[_Style] = []
    styles_dropped = False
    timestamps_dropped = 0
    speakers: dict[str, None] = {}  # a dict: "not in" on a list was quadratic in the voices
    timings: list[WordTiming] = []
    ignored = 0
    stack: list[tuple[str, _Style]] = []  # open nodes: name and the style inside them
    style = _PLAIN
    length = 0
    last_ms = start_ms
    for index, part in enumerate(parts):
        if not index & 1:
            if not part:
                continue
            text = unescape(part) if "&" in part else part
            if not run_styles or run_styles[-1] != style:
                if len(run_styles) < MAX_RUNS:
                    run_firsts.append(len(pieces))
                    run_styles.append(style)
                else:
                    styles_dropped = True
            pieces.append(text)
            length += len(text)
            continue
        if not part:
            continue
        first = part[0]
        if first == "/":
            name = part[1:]
            if stack and stack[-1][0] == name:
                stack.pop()
            elif name == "ruby" and stack and stack[-1][0] == "rt":
                del stack[-2:]
            else:
                continue
            style = stack[-1][1] if stack else _PLAIN
        elif "0" <= first <= "9":
            t_ms = parse_vtt_timestamp(part)
            if t_ms is None:
                continue
            if t_ms < last_ms or (end_ms is not None and t_ms > end_ms):
                ignored += 1
                continue
            if len(timings) >= MAX_WORD_TIMINGS:
                timestamps_dropped += 1
                continue
            last_ms = t_ms
            timings.append(WordTiming(t_ms, length))
        else:
            classes: tuple[str, ...] = ()
            if part in _BARE:  # the usual case: a bare tag, no classes, no annotation
                name, note = part, ""
            else:
                m = _START_TAG.match(part)
                if m is None:  # pragma: no cover - the pattern matches every string
                    continue
                name, class_text, annotation = m.groups()
                if name not in _BARE:
                    continue
                classes = _classes(class_text) if class_text else ()
                note = _annotation(annotation) if annotation else ""
            if name == "rt" and (not stack or stack[-1][0] != "ruby"):
                continue
            style = _inner_style(style, name, classes, note)
            stack.append((name, style))
            if name == "v" and note and note not in speakers:
                if len(speakers) < MAX_SPEAKERS:
                    speakers[note] = None
                else:
                    styles_dropped = True
    # A style is (italic, bold, underline, classes, voice): the fields of a Span after its text.
    ends = [*run_firsts[1:], len(pieces)] if run_firsts else []
    spans = tuple(
        _new_span(Span, (pieces[a] if b == a + 1 else "".join(pieces[a:b]), *s))
        for a, b, s in zip(run_firsts, ends, run_styles, strict=True)
    )
    return ParsedCueText(
        "".join(pieces),
        tuple(speakers),
        spans,
        tuple(timings),
        ignored,
        styles_dropped,
        timestamps_dropped,
    )


def _classes(class_text: str) -> tuple[str, ...]:
    """The safe classes of ``.a.b.a`` (``("a", "b")``), one shared tuple per distinct text."""
    found = _CLASS_TUPLES.get(class_text)
    if found is None:
        names = (c for c in class_text.split(".") if c and _SAFE_CLASS.match(c))
        found = tuple(dict.fromkeys(names))
        if len(_CLASS_TUPLES) < _CLASS_TUPLES_MAX and len(class_text) <= _CACHED_CHARS_MAX:
            _CLASS_TUPLES[class_text] = found
    return found


def _annotation(raw: str) -> str:
    """A tag's annotation (a voice's name): character references decoded, as the spec's
    tokenizer does (``<v Bob &amp; Alice>`` is the speaker "Bob & Alice"), white space
    collapsed."""
    if "&" in raw:
        raw = unescape(raw)
    name = _WS_RUN.sub(" ", raw).strip(" ")
    shared = _NAMES.get(name)  # one copy of each voice name a file repeats on every cue
    if shared is None:
        if len(_NAMES) < _NAMES_MAX and len(name) <= _CACHED_CHARS_MAX:
            _NAMES[name] = name
        return name
    return shared
