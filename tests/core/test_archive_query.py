"""The archive's query language: user text -> safe FTS5 expression."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from player.core.archive.query import QueryError, compile_query


@pytest.mark.parametrize(
    ("query", "expression", "literals"),
    [
        ("hello", '"hello"', ("hello",)),
        ("climate report", '("climate" AND "report")', ("climate", "report")),
        ('"climate report"', '"climate report"', ("climate report",)),
        ('"climate rep"*', '"climate rep"*', ("climate rep",)),
        ("infla*", '"infla"*', ("infla",)),
        ("a OR b NOT c", '("a" OR ("b" NOT "c"))', ("a", "b")),
        ("x -y -z", '("x" NOT ("y" OR "z"))', ("x",)),
        ('-"y z" x', '("x" NOT "y z")', ("x",)),
        ("(a OR b) c", '(("a" OR "b") AND "c")', ("a", "b", "c")),
        ("and or not", '("and" AND "or" AND "not")', ("and", "or", "not")),
        ('"unbalanced phrase', '"unbalanced phrase"', ("unbalanced phrase",)),
        ("NEAR(a b", '("NEAR" AND ("a" AND "b"))', ("NEAR", "a", "b")),
        ("a\x00b", '("a" AND "b")', ("a", "b")),
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
