"""Whole-word matching (``player.core.text.whole_words``): the fast finders give exactly the
matches of the whole-word regular expression, overlaps and text edges included."""

from __future__ import annotations

import random
import re

import pytest

from player.core.text.whole_words import whole_word_spans, word_bounded

ALPHABET = "ab _-'é1\n"


def _expected(source: str, text: str, pos: int, endpos: int) -> list[tuple[int, int]]:
    bounded = re.compile(word_bounded(source))
    found = []
    # The reference retries one character after every match, like the finders; lookarounds
    # see the whole text (the finders look past pos and endpos too).
    at = pos
    while True:
        m = bounded.search(text, at)
        if m is None or m.end() > endpos:
            return found
        found.append(m.span())
        at = m.end() if m.end() > m.start() else m.end() + 1


@pytest.mark.parametrize("source", ["a", "ab", "aba", "é1", r"a\s+b", "a\\-b", "a'b", "b\\ a"])
def test_spans_equal_the_whole_word_pattern(source: str) -> None:
    rng = random.Random(source)
    find = whole_word_spans(re.compile(source))
    for _ in range(400):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))
        assert find(text, 0, len(text)) == _expected(source, text, 0, len(text)), text


def test_a_range_is_bounded_by_its_neighbours() -> None:
    text = "xab ab abx\nab"
    for source in ("ab", r"ab\s+ab"):
        find = whole_word_spans(re.compile(source))
        for pos in range(len(text)):
            for endpos in range(pos, len(text) + 1):
                got = find(text, pos, endpos)
                assert all(pos <= s and e <= endpos for s, e in got)
                # A span inside the range is whole-word in the whole text.
                for s, e in got:
                    assert (s == 0 or not text[s - 1].isalnum()) and not text[e : e + 1].isalnum()


def test_one_word_finder_is_used_only_for_word_characters() -> None:
    # A query with a non-word character can overlap a rejected candidate: the careful finder.
    text = "ba a a"
    assert whole_word_spans(re.compile("a a"))(text, 0, len(text)) == [(3, 6)]
    assert whole_word_spans(re.compile("the"))("other the there", 0, 15) == [(6, 9)]
