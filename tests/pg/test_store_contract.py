"""One contract suite for the archive stores: the embedded SQLite store and the PostgreSQL store
(on a real throw-away server, ``conftest.py``) give the same hits, listings and marks for the
same queries, keep each briefing whole, and migrate forward."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from player.core.archive.records import ArchiveError
from player.core.archive.sqlite_store import SqliteStore
from player.core.archive.store import ArchiveStore, SharedBriefing, StoreHit
from player.core.model import Cue
from tests.pg.conftest import require_server
from tests.pg.server import PgServer


def cue(i: int, text: str, speaker: str | None = None) -> Cue:
    return Cue(None, i * 1000, i * 1000 + 900, text, (speaker,) if speaker else ())


BRIEFINGS = (
    SharedBriefing(
        "news",
        "2024/budget.mp4",
        "Budget briefing",
        "2024-03-01",
        60_000,
        "en",
        "h1",
        (
            cue(0, "Good morning, the Café opens at nine.", "Anna Müller"),
            cue(1, "The budget for COVID-19 testing is ready.", "Bob"),
            cue(2, "Don't forget the naïve questions about taxes.", "Anna Müller"),
            cue(3, "Taxation and the tax office: a budget item.", "Anna Müller, Bob"),
            cue(4, "Nothing to see here", None),
        ),
    ),
    SharedBriefing(
        "news",
        "2024/zurich.opus",
        "Zürich",
        "2024-04-02",
        None,
        None,
        "h2",
        (
            cue(0, "ZÜRICH council: the cafe budget grows.", "Bob"),
            cue(1, "Water supply in Zürich; water rates.", "Chloé"),
            cue(2, "Привет мир, budget day", "Chloé"),
        ),
    ),
    SharedBriefing("archive", "old/one.vtt", "Old one", cues=(cue(0, "old budget notes"),)),
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store_factory(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[type]:
    """A callable making an empty store of each kind."""
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("stores")
        counter = iter(range(1000))

        def make_sqlite() -> ArchiveStore:
            return SqliteStore(Path(folder) / f"s{next(counter)}.sqlite")

        yield make_sqlite  # type: ignore[misc]
        return
    require_server()
    from player.engines.postgres_store import PostgresStore

    server: PgServer = request.getfixturevalue("pg_server")

    def make_pg() -> ArchiveStore:
        return PostgresStore(server.new_database("contract"))

    yield make_pg  # type: ignore[misc]


@pytest.fixture(scope="module")
def filled(store_factory) -> Iterator[ArchiveStore]:  # type: ignore[no-untyped-def]
    store = store_factory()
    for b in BRIEFINGS:
        store.write(b)
    yield store
    store.close()


def where(hits: list[StoreHit]) -> list[tuple[str, str, int]]:
    return [(h.root, h.relpath, h.cue_idx) for h in hits]


B, Z, OLD = "2024/budget.mp4", "2024/zurich.opus", "old/one.vtt"

CASES = [
    (
        "budget",
        [("news", B, 1), ("news", B, 3), ("news", Z, 0), ("news", Z, 2), ("archive", OLD, 0)],
    ),
    (
        "BUDGET",
        [("news", B, 1), ("news", B, 3), ("news", Z, 0), ("news", Z, 2), ("archive", OLD, 0)],
    ),
    ("cafe", [("news", B, 0), ("news", Z, 0)]),  # accents folded both ways
    ("café", [("news", B, 0), ("news", Z, 0)]),
    ("zurich", [("news", Z, 0), ("news", Z, 1)]),
    ("naive", [("news", B, 2)]),
    ("tax", [("news", B, 3)]),  # whole words: not "taxes", not "taxation"
    ("tax*", [("news", B, 2), ("news", B, 3)]),
    ('"tax office"', [("news", B, 3)]),
    ('"office tax"', []),
    ("covid-19", [("news", B, 1)]),
    ('"covid 19"', [("news", B, 1)]),
    ("don't", [("news", B, 2)]),
    ("budget -cafe", [("news", B, 1), ("news", B, 3), ("news", Z, 2), ("archive", OLD, 0)]),
    ("budget NOT (cafe OR old)", [("news", B, 1), ("news", B, 3), ("news", Z, 2)]),
    ("water OR morning", [("news", B, 0), ("news", Z, 1)]),
    ("water rates", [("news", Z, 1)]),
    ("budget AND council", [("news", Z, 0)]),
    ("привет", [("news", Z, 2)]),
    ("wat*", [("news", Z, 1)]),
    ("nothing", [("news", B, 4)]),
]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[c[0] for c in CASES])
def test_the_same_query_gives_the_same_hits(
    filled: ArchiveStore, query: str, expected: list[tuple[str, str, int]]
) -> None:
    hits = filled.search(query, limit=100)
    assert where(hits) == expected
    assert filled.count(query) == len(expected)


def test_matches_are_marked_in_the_text_and_the_snippet(filled: ArchiveStore) -> None:
    (hit,) = filled.search('"tax office"')
    assert [hit.text[s:e] for s, e in hit.matches] == ["tax office"]
    assert hit.snippet[1] == "tax office"
    (cafe,) = [h for h in filled.search("cafe") if h.relpath == B]
    assert [cafe.text[s:e] for s, e in cafe.matches] == ["Café"]
    (taxes,) = filled.search("tax*", limit=1)
    assert [taxes.text[s:e] for s, e in taxes.matches] == ["taxes"]
    assert hit.title == "Budget briefing" and hit.speaker == "Anna Müller, Bob"
    assert (hit.start_ms, hit.end_ms) == (3000, 3900)


def test_speaker_filter_matches_one_whole_speaker(filled: ArchiveStore) -> None:
    assert where(filled.search("budget", speaker="bob")) == [
        ("news", B, 1),
        ("news", B, 3),
        ("news", Z, 0),
    ]
    assert where(filled.search("budget", speaker="anna  MULLER")) == [("news", B, 3)]
    assert filled.search("budget", speaker="Anna") == []
    assert filled.count("water", speaker="chloe") == 1


def test_pages_follow_write_order(filled: ArchiveStore) -> None:
    all_hits = where(filled.search("budget", limit=100))
    assert where(filled.search("budget", limit=2)) == all_hits[:2]
    assert where(filled.search("budget", limit=2, offset=2)) == all_hits[2:4]


@pytest.mark.parametrize("query", ["", "   ", "-budget", "NOT cafe", "!!!", "x" * 1001])
def test_nothing_to_search_is_a_clear_error(filled: ArchiveStore, query: str) -> None:
    with pytest.raises(ArchiveError):
        filled.search(query)


def test_listing_by_root_and_path(filled: ArchiveStore) -> None:
    rows = filled.briefings()
    assert [(r.root, r.relpath) for r in rows] == [("archive", OLD), ("news", B), ("news", Z)]
    assert [r.cue_count for r in rows] == [1, 5, 3]
    news = filled.briefings("news")
    assert [r.title for r in news] == ["Budget briefing", "Zürich"]
    assert (news[0].date, news[0].duration_ms, news[0].language) == ("2024-03-01", 60_000, "en")


def test_rewriting_a_briefing_replaces_it_and_delete_removes_it(store_factory) -> None:  # type: ignore[no-untyped-def]
    store = store_factory()
    try:
        store.write(BRIEFINGS[0])
        store.write(SharedBriefing("news", B, "Budget v2", cues=(cue(0, "a new budget"),)))
        assert [(r.title, r.cue_count) for r in store.briefings()] == [("Budget v2", 1)]
        assert where(store.search("budget")) == [("news", B, 0)]
        assert store.search("cafe") == []
        assert store.delete("news", B) is True
        assert store.delete("news", B) is False
        assert store.briefings() == [] and store.count("budget") == 0
    finally:
        store.close()


def test_a_failing_writer_leaves_nothing_of_the_briefing(store_factory) -> None:  # type: ignore[no-untyped-def]
    store = store_factory()

    def cues_then_failure() -> Iterator[Cue]:
        yield cue(0, "half written budget")
        raise OSError("the transcript went away")

    try:
        store.write(BRIEFINGS[2])
        with pytest.raises(OSError):
            store.write(SharedBriefing("news", "half.vtt", "Half", cues=cues_then_failure()))
        assert [r.relpath for r in store.briefings()] == [OLD]
        assert where(store.search("budget")) == [("archive", OLD, 0)]
    finally:
        store.close()


def test_schema_is_versioned_and_reopening_keeps_it(store_factory) -> None:  # type: ignore[no-untyped-def]
    store = store_factory()
    try:
        # each store at its newest schema (the server's third step adds per-user data)
        assert store.schema_version() == (2 if isinstance(store, SqliteStore) else 3)
    finally:
        store.close()


def test_folder_lock_is_held_by_one_indexer(store_factory) -> None:  # type: ignore[no-untyped-def]
    store = store_factory()
    try:
        with store.folder_lock("news", "2024") as got:
            assert got is True
        with store.folder_lock("news", "2024") as again:
            assert again is True
    finally:
        store.close()


def test_the_sqlite_store_file_is_private(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "shared.sqlite")
    store.close()
    assert (tmp_path / "shared.sqlite").stat().st_mode & 0o777 == 0o600
