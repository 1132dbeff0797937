"""Fuzz target for queries (issue 12): arbitrary plain queries, regular expressions and archive
full-text syntax against small transcripts and a small archive.

Every query must end in a result or the search's own documented error (``SearchError`` for a
transcript, ``ArchiveError`` for the archive, ``QueryError`` from the query compiler), never any
other exception, and within the shared per-example deadline (``conftest.FUZZ_SETTINGS``). The
queries are drawn from pieces of regular-expression and FTS5 syntax mixed with arbitrary text,
full-width look-alikes of syntax and ligatures, so the pattern checks (recursion, repeats,
sizes) and the literal folding are exercised, not only the parsers' error paths.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from player.core.archive.library import Archive, ArchiveError
from player.core.archive.query import QueryError, compile_query
from player.core.model import Cue
from player.core.text.fold import fold
from player.core.text.search import SearchError, SearchIndex, SearchOptions
from tests.fuzz.conftest import FUZZ_SETTINGS

PIECES = [
    *"()[]{}^$\\*+?|.#-\"'",
    "(?",
    "(?R)",
    "(?0)",
    "(?1)",
    "(?-1)",
    "(?&x)",
    "(?P<x>",
    "(?P>x)",
    "(?P=x)",
    "(?#",
    "(?x)",
    "(?i)",
    "(?:",
    "(?=",
    "(?<!",
    "(?(1)",
    "{2}",
    "{3,}",
    "{,4}",
    "{1000}",
    "{99999}",
    "{e<=1}",
    "\\w",
    "\\d",
    "\\b",
    "\\p{L}",
    "\\N{BULLET}",
    "\\x41",
    "\\g<1>",
    "[^",
    "[[:alpha:]]",
    *"（）［］｛｝＊＋？｜＾＄．＼",
    "ﬁ",
    "\ufdfa",
    "é",
    "ß",
    "a",
    "aa",
    "b",
    "budget",
    "rate",
    " ",
    "\n",
    "\x00",
    "NOT ",
    "OR ",
    "AND ",
    "NEAR(",
    "*",
    "-",
]

queries = st.one_of(
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=40).map("".join),
    st.text(max_size=80),
    st.lists(st.sampled_from(["(", ")", "NOT ", "a ", "OR ", "-b "]), max_size=400).map("".join),
)
options = st.builds(
    SearchOptions,
    case_sensitive=st.booleans(),
    whole_word=st.booleans(),
    regex=st.booleans(),
    speaker=st.sampled_from([None, "", "Ann", "nobody"]),
)

CUES = [
    Cue(None, i * 1000, i * 1000 + 900, text, speakers)
    for i, (text, speakers) in enumerate(
        [
            ("The budget rate (a) was raised.", ("Ann",)),
            ("Straße café ﬁnal — “quoted” text\nsecond line", ("Bob",)),
            ("（full-width） ＊ｓｔａｒ＊ and a\\b", ()),
            ("a" * 40 + "!", ()),
            ("", ()),
            # Longer than a search chunk: matched on its own with a timeout.
            ("the budget rate is " * 3500 + "final", ("Ann",)),
        ]
    )
]
INDEX = SearchIndex(CUES)
QUERY_DEADLINE_S = 0.1


@FUZZ_SETTINGS
@given(query=queries, opts=options)
def test_any_query_over_a_transcript_gives_hits_or_a_search_error(
    query: str, opts: SearchOptions
) -> None:
    try:
        result = INDEX.search(query, opts, max_hits=500, deadline_s=QUERY_DEADLINE_S)
    except SearchError as err:
        assert str(err)  # a message for people
        return
    for i in range(len(result)):
        hit = result.hit(i)
        assert 0 <= hit.start < hit.end <= len(CUES[hit.cue_index].text)


FULL_WIDTH = "（）［］｛｝＊＋？｜＾＄．＼ａｂ"


@FUZZ_SETTINGS
@given(text=st.text(alphabet=FULL_WIDTH, min_size=1, max_size=30))
def test_full_width_syntax_look_alikes_are_matched_literally(text: str) -> None:
    # Folded, these are ASCII syntax; as a pattern they must stay the literal text they are.
    index = SearchIndex([Cue(None, 0, 1000, "x " + text + " y")])
    result = index.search(text, SearchOptions(regex=True), deadline_s=1.0)
    assert [(h.start, h.end) for h in result.hits] == [(2, 2 + len(text))]


@FUZZ_SETTINGS
@given(query=queries)
def test_any_query_compiles_to_valid_fts5_or_a_query_error(query: str) -> None:
    try:
        compiled = compile_query(query)
    except QueryError as err:
        assert str(err)
        return
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='unicode61')")
        conn.execute("INSERT INTO t VALUES ('the budget rate')")
        conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (f"text : ({compiled.expression})",))
    finally:
        conn.close()


@pytest.fixture(scope="module")
def archive() -> Iterator[Archive]:
    with tempfile.TemporaryDirectory(prefix="fuzz-archive-") as tmp:
        folder = Path(tmp) / "lib"
        folder.mkdir()
        for n, cue in enumerate(CUES[:4]):
            (folder / f"b{n}.mp3").write_bytes(b"")
            body = f"00:00:01.000 --> 00:00:02.000\n<v Ann>{cue.text or 'empty'}\n"
            (folder / f"b{n}.vtt").write_text("WEBVTT\n\n" + body, encoding="utf-8")
        with Archive.open(Path(tmp) / "archive.sqlite") as opened:
            opened.add_folder(folder)
            opened.scan()
            yield opened


@settings(FUZZ_SETTINGS, max_examples=max(1, FUZZ_SETTINGS.max_examples // 2))
@given(query=queries, regex=st.booleans(), case_sensitive=st.booleans())
def test_any_query_over_the_archive_gives_hits_or_an_archive_error(
    archive: Archive, query: str, regex: bool, case_sensitive: bool
) -> None:
    started = time.monotonic()
    try:
        if regex:
            hits = archive.search_regex(
                query, case_sensitive=case_sensitive, limit=20, deadline_s=QUERY_DEADLINE_S
            )
        else:
            hits = archive.search(query, case_sensitive=case_sensitive, limit=20)
            archive.count(query, speaker="ann")
    except ArchiveError as err:
        assert str(err)
        return
    assert time.monotonic() - started < 2
    for hit in hits:
        for start, end in hit.matches:
            assert 0 <= start <= end <= len(hit.text)
        assert fold(hit.text)  # a real cue came back
