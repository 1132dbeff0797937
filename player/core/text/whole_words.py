r"""Whole-word matching: a hit has no word character (``\w``) just before or just after it.

:func:`word_bounded` makes a pattern whole-word for the ``regex`` engine (regular expressions,
long cues). For plain queries, matched with ``re`` over a whole transcript's joined text,
:func:`whole_word_spans` lists the whole-word matches in a range of that text: a leading
lookbehind there would cost ``re`` its fast scan for the query's literal prefix (8x slower), so
candidates are found by that scan and checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial

SpanFinder = Callable[[str, int, int], list[tuple[int, int]]]
"""``(text, pos, endpos)`` -> the whole-word spans of one query in ``text[pos:endpos]``."""

_WORD_CHAR = re.compile(r"\w")
_NON_WORD = re.compile(r"\W")
_WORD_ONLY = re.compile(r"\w+")


def word_bounded(pattern: str) -> str:
    """``pattern`` matched only as whole words."""
    return rf"(?<!\w)(?:{pattern})(?!\w)"


def whole_word_spans(pattern: re.Pattern[str]) -> SpanFinder:
    """The span finder for the query ``pattern`` (a plain query's pattern, see
    ``player.core.text.pattern.plain_source``)."""
    if _WORD_ONLY.fullmatch(pattern.pattern):
        return partial(_one_word_spans, re.compile(pattern.pattern + r"(?!\w)", pattern.flags))
    return lambda text, pos, endpos: list(_word_spans(pattern, text, pos, endpos))


def _one_word_spans(
    bounded: re.Pattern[str], text: str, pos: int, endpos: int
) -> list[tuple[int, int]]:
    r"""What :func:`_word_spans` finds, for a query of word characters only, twice as fast.

    ``bounded`` is the query followed by ``(?!\w)``: ``re`` checks the end of each candidate
    itself (but sees the end of the range as the end of the text: a match ending there is
    checked here, as is the start of each). No retry is needed after a rejected candidate: it is
    all word characters, so any match starting inside it is preceded by a word character too.
    """
    word = _WORD_CHAR.match
    spans = []
    for m in bounded.finditer(text, pos, endpos):
        start, end = m.span()
        if (start == 0 or word(text, start - 1) is None) and (
            end < endpos or word(text, end) is None
        ):
            spans.append((start, end))
    return spans


def _word_spans(
    pattern: re.Pattern[str], text: str, pos: int, endpos: int
) -> Iterator[tuple[int, int]]:
    r"""Spans of matches of ``pattern`` in ``text`` with no word character on either side.

    Equivalent to ``(?<!\w)(?:pattern)(?!\w)``: after a rejected candidate the search resumes
    one character later, so a whole-word match overlapping a rejected one is still found.
    """
    search = pattern.search
    word = _WORD_CHAR.match
    while True:
        m = search(text, pos, endpos)
        if m is None:
            return
        start, end = m.span()
        if (start == 0 or word(text, start - 1) is None) and word(text, end) is None:
            yield start, end
            pos = end if end > start else end + 1
        else:
            # A match starting inside the word run that begins here is preceded by a word
            # character, so the next candidate starts after the first non-word character (this
            # keeps a long query over a long word linear, not one retry per character).
            gap = _NON_WORD.search(text, start, endpos)
            pos = endpos if gap is None else gap.start() + 1
