"""The archive's query language: user text -> safe FTS5 expression."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from player.core.archive.library import Archive, ArchiveError
from player.core.archive.query import QueryError, compile_query


@pytest.mark.parametrize(
    ("query", "expression", "literals"),
    [
        ("hello", '"hello"', ("hello",)),
        # Plain words are a phrase (issue 16: the same meaning as a transcript's search)...
        ("climate report", '"climate report"', ("climate report",)),
        # ...the vocabulary keeps its meaning: all words must occur.
        ("climate AND report", '("climate" AND "report")', ("climate", "report")),
        ('"climate report"', '"climate report"', ("climate report",)),
        ('"climate rep"*', '"climate rep"*', ("climate rep",)),
        ("infla*", '"infla"*', ("infla",)),
        ("a OR b NOT c", '("a" OR ("b" NOT "c"))', ("a", "b")),
        ("x -y -z", '("x" NOT ("y" OR "z"))', ("x",)),
        ('-"y z" x', '("x" NOT "y z")', ("x",)),
        ("(a OR b) c", '(("a" OR "b") AND "c")', ("a", "b", "c")),
        ("and or not", '"and or not"', ("and or not",)),
        ('"unbalanced phrase', '"unbalanced phrase"', ("unbalanced phrase",)),
        ("NEAR(a b", '("NEAR" AND ("a" AND "b"))', ("NEAR", "a", "b")),
        ("a\x00b", '"a b"', ("a b",)),
        ('say "hi"', '("say" AND "hi")', ("say", "hi")),
        ("it's", '"it\'s"', ("it's",)),
        ('a"b', '("a" AND "b")', ("a", "b")),
        ("a ) b", '("a" AND "b")', ("a", "b")),
        ("OR a AND", '"a"', ("a",)),
        ("climate _", '"climate"', ("climate",)),  # "_" is no token character for unicode61
    ],
)
def test_compile(query: str, expression: str, literals: tuple[str, ...]) -> None:
    compiled = compile_query(query)
    assert compiled.expression == expression
    assert compiled.literals == literals


@pytest.mark.parametrize(
    "query", ["", "   ", "-", "*", '""', "()", "NOT a", "-a -b", "AND OR", "!!", "_"]
)
def test_nothing_to_search_for(query: str) -> None:
    with pytest.raises(QueryError):
        compile_query(query)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_any_text_compiles_to_valid_fts5_or_query_error(text: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5(text, tokenize='unicode61 remove_diacritics 2')"
    )
    conn.execute("INSERT INTO t VALUES ('some text here')")
    try:
        compiled = compile_query(text)
    except QueryError:
        return
    conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (f"text : ({compiled.expression})",))
    conn.close()


def test_catastrophic_regex_over_the_archive_is_bounded(tmp_path: Path) -> None:
    """A pattern that backtracks catastrophically stops at the deadline with a clear error."""
    import time

    from player.core.archive.library import Archive, ArchiveError

    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "a.mp3").write_bytes(b"")
    cues = "".join(f"00:00:{i:02d}.000 --> 00:00:{i:02d}.500\n{'a' * 30}!\n\n" for i in range(30))
    (folder / "a.vtt").write_text("WEBVTT\n\n" + cues, encoding="utf-8")
    with Archive.open(tmp_path / "db.sqlite") as archive:
        archive.add_folder(folder)
        archive.scan()
        started = time.monotonic()
        with pytest.raises(ArchiveError, match="took longer"):
            archive.search_regex(r"(a|a)+$", deadline_s=0.3)
        assert time.monotonic() - started < 3
        assert len(archive.search_regex(r"a{30}!")) == 30


# --- issue 12: bounded queries -------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["(" * 250 + "a", "(" * 21 + "a" + ")" * 21, "a " + "( b " * 30 + "c"]
)
def test_deep_brackets_are_a_clear_error_not_a_recursion_error(query: str) -> None:
    # Issue 12: 250 '(' raised RecursionError (a traceback on the command line).
    with pytest.raises(QueryError, match="nests brackets too deeply"):
        compile_query(query)


def test_brackets_within_the_limit_still_work() -> None:
    compiled = compile_query("(" * 20 + "a" + ")" * 20)
    assert compiled.expression == '"a"' and compiled.literals == ("a",)


@pytest.mark.parametrize("count", [240, 1000])
def test_long_not_chains_never_exhaust_the_stack(count: int) -> None:
    # Issue 12: 1,000 'NOT ' raised RecursionError. NOT NOT x is NOT x, parsed in a loop.
    query = "budget " + "NOT " * count + "deficit"
    if len(query) > 1000:
        with pytest.raises(QueryError, match="too long"):
            compile_query(query)
    else:
        assert compile_query(query).expression == '("budget" NOT "deficit")'


def test_query_size_is_capped_in_characters_and_words() -> None:
    with pytest.raises(QueryError, match=r"too long: 1,001 characters \(at most 1,000\)"):
        compile_query("a" * 1001)
    with pytest.raises(QueryError, match=r"too long: 101 words \(at most 100\)"):
        compile_query(" OR ".join(["w"] * 101))
    assert len(compile_query(" OR ".join(["w"] * 100)).literals) == 100


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "a.mp3").write_bytes(b"")
    cues = "".join(
        f"00:{i // 60:02d}:{i % 60:02d}.000 --> 00:{i // 60:02d}:{i % 60:02d}.500\n"
        f"budget words {i} {'a' * 30}!\n\n"
        for i in range(600)
    )
    (folder / "a.vtt").write_text("WEBVTT\n\n" + cues, encoding="utf-8")
    with Archive.open(tmp_path / "db.sqlite") as opened:
        opened.add_folder(folder)
        opened.scan()
        yield opened


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("(?R)", "recursive patterns"),
        ("a(?1)(b)", "recursive patterns"),
        ("a" * 5000, "too long: 5,000 characters"),
        ("a{4294967294}", "repeats too much"),
        ("(?:a{1000}){1000}", "repeats too much"),
    ],
)
def test_hostile_archive_regexes_are_refused_at_once(
    archive: Archive, pattern: str, message: str
) -> None:
    # Issue 12: '(?R)' was a MemoryError traceback in the archive search too.
    started = time.monotonic()
    with pytest.raises(ArchiveError, match=re.escape(message)):
        archive.search_regex(pattern)
    assert time.monotonic() - started < 3


def test_archive_regex_within_the_limits_still_matches(archive: Archive) -> None:
    assert len(archive.search_regex(r"words 1\d\d a", limit=None)) == 100


def test_full_text_statements_are_stopped_at_their_deadline(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    import player.core.archive.search as archive_search

    assert len(archive.search("budget", limit=None)) == 600
    monkeypatch.setattr(archive_search, "FTS_DEADLINE_S", -1.0)  # already past: first check stops
    with pytest.raises(ArchiveError, match="took longer than"):
        archive.search("budget OR words OR a*", limit=None)
    with pytest.raises(ArchiveError, match="took longer than"):
        archive.count("budget OR words")
    with pytest.raises(ArchiveError, match="took longer than"):
        list(archive.iter_search("budget OR words", batch=1000))
    monkeypatch.setattr(archive_search, "FTS_DEADLINE_S", 5.0)
    assert archive.count("budget") == 600  # the handler is gone afterwards


def test_archive_regex_keeps_a_bounded_number_of_matches_per_cue(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "a.mp3").write_bytes(b"")
    body = "00:00:01.000 --> 00:00:02.000\n" + "ab " * 5000 + "\n"
    (folder / "a.vtt").write_text("WEBVTT\n\n" + body, encoding="utf-8")
    with Archive.open(tmp_path / "db.sqlite") as opened:
        opened.add_folder(folder)
        opened.scan()
        (hit,) = opened.search_regex("ab")
        assert len(hit.matches) == 1000 and hit.matches[0] == (0, 2)
