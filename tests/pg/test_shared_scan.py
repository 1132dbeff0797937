"""Regular expressions and part-of-words searches over a shared archive: the PostgreSQL server
streams its cues and they are matched as the personal SQLite archive matches them. One folder
of transcripts is indexed three ways (the personal archive, the embedded shared store, the
server) and every search gives the same cues with the same marks; the limits, the time budget
and the error messages are the local search's; ``briefing-player search --regex/--part --db
postgresql://...`` answers from the server, and the window's archive asks the server first."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from player.cli.dispatch import run_subcommand
from player.core.archive.library import Archive
from player.core.archive.records import ArchiveError, ArchiveHit
from player.core.archive.roots import RootMap
from player.core.archive.scan_match import part_matcher, regex_matcher, scan_store
from player.core.archive.shared_index import index_root
from player.core.archive.shared_search import SharedSearch
from player.core.archive.sqlite_store import SqliteStore
from player.core.archive.store import ArchiveStore, StoreHit, StoreUnavailable
from tests.pg.server import PgServer

pytestmark = pytest.mark.usefixtures("pg_server")


def vtt(*cues: tuple[str | None, str]) -> str:
    out = "WEBVTT\n\n"
    for i, (speaker, text) in enumerate(cues):
        voice = f"<v {speaker}>" if speaker else ""
        out += f"00:00:{i:02d}.000 --> 00:00:{i:02d}.900\n{voice}{text}\n\n"
    return out


FILES = {
    "2024/budget.vtt": vtt(
        ("Anna Müller", "Good morning, the Café opens at nine."),
        ("Bob", "The budget for COVID-19 testing is ready."),
        ("Anna Müller", "Don't forget the naïve questions about taxes."),
        (None, "Taxation and the tax office: a Budget item, 2024 and 1999."),
    ),
    "2024/zurich.vtt": vtt(
        ("Bob", "ZÜRICH council: the cafe budget grows."),
        ("Chloé", "Water supply in Zürich; water rates. Straße und Strasse."),
        ("Chloé", "Привет мир, budget day"),
    ),
    "old/slow.vtt": vtt(*[(None, "a" * 30 + "!") for _ in range(10)]),
}

REGEXES = [
    (r"bud\w+", False),
    (r"Budget", True),
    (r"\bcaf[eé]\b", False),
    (r"z[uü]rich", False),
    (r"\d{4}", False),
    (r"^(the|water)", False),
    (r"tax(es|ation)?", False),
    (r"привет", False),
    (r"a{30}!", False),
    (r"stra(ss|ß)e", False),
]
PARTS = [
    ("tax", False),
    ("cafe", False),
    ("zur", False),
    ("budget day", False),
    ("Budget", True),
    ("strasse", False),
    ("ready.", False),
]
SPEAKERS = ["bob", "anna  MÜLLER", "chloe", "nobody"]

Found = list[tuple[str, int, tuple[tuple[int, int], ...]]]


@pytest.fixture(scope="module")
def indexed(
    pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Archive, Path, dict[str, ArchiveStore]]]:
    """The folder indexed by the personal archive, the embedded shared store and the server."""
    from player.engines.postgres_store import PostgresStore

    base = tmp_path_factory.mktemp("scan")
    share = base / "news"
    for rel, text in FILES.items():
        (share / rel).parent.mkdir(parents=True, exist_ok=True)
        (share / rel).write_text(text, encoding="utf-8")
    archive = Archive.open(base / "personal.sqlite")
    archive.add_folder(share)
    archive.scan()
    stores: dict[str, ArchiveStore] = {
        "sqlite": SqliteStore(base / "shared.sqlite"),
        "postgresql": PostgresStore(pg_server.new_database("scan")),
    }
    for store in stores.values():
        assert index_root(store, "news", share).written == len(FILES)
    yield archive, share, stores
    archive.close()
    for store in stores.values():
        store.close()


def personal(hits: list[ArchiveHit], share: Path) -> Found:
    return sorted(
        (Path(h.briefing.path).relative_to(share).as_posix(), h.cue_idx, h.matches) for h in hits
    )


def shared(hits: list[StoreHit]) -> Found:
    return sorted((h.relpath, h.cue_idx, h.matches) for h in hits)


def run_scan(store: ArchiveStore, regex: bool, query: str, case: bool, **kw: object) -> Found:
    make = regex_matcher if regex else part_matcher
    matcher = make(query, case_sensitive=case, deadline_s=5.0)
    options = {"speaker": None, "limit": None, "offset": 0, **kw}
    return shared(scan_store(store, matcher, deadline=time.monotonic() + 5.0, **options))  # type: ignore[arg-type]


@pytest.mark.parametrize(("pattern", "case"), REGEXES, ids=[r[0] for r in REGEXES])
def test_a_regular_expression_finds_the_same_cues_everywhere(indexed, pattern, case) -> None:  # type: ignore[no-untyped-def]
    archive, share, stores = indexed
    expected = personal(
        archive.search_regex(pattern, case_sensitive=case, limit=None, deadline_s=5.0), share
    )
    assert expected, "the case must find something"
    for name, store in stores.items():
        assert run_scan(store, True, pattern, case) == expected, name


@pytest.mark.parametrize(("query", "case"), PARTS, ids=[p[0] for p in PARTS])
def test_part_of_words_finds_the_same_cues_everywhere(indexed, query, case) -> None:  # type: ignore[no-untyped-def]
    archive, share, stores = indexed
    expected = personal(
        archive.search_part(query, case_sensitive=case, limit=None, deadline_s=5.0), share
    )
    assert expected
    for name, store in stores.items():
        assert run_scan(store, False, query, case) == expected, name


@pytest.mark.parametrize("speaker", SPEAKERS)
def test_the_speaker_filter_is_the_same_everywhere(indexed, speaker: str) -> None:  # type: ignore[no-untyped-def]
    archive, share, stores = indexed
    expected = personal(archive.search_regex(r"\w+", speaker=speaker, limit=None), share)
    for name, store in stores.items():
        assert run_scan(store, True, r"\w+", False, speaker=speaker) == expected, name


def test_pages_follow_write_order(indexed) -> None:  # type: ignore[no-untyped-def]
    _, _, stores = indexed
    for store in stores.values():
        matcher = regex_matcher(r"\w", case_sensitive=False, deadline_s=5.0)
        every = scan_store(
            store, matcher, speaker=None, limit=None, offset=0, deadline=time.monotonic() + 5
        )
        page = scan_store(
            store, matcher, speaker=None, limit=3, offset=2, deadline=time.monotonic() + 5
        )
        assert page == every[2:5] and len(every) == 17


@pytest.mark.parametrize(
    ("regex", "query", "message"),
    [
        (True, "(", "missing )"),
        (True, "x" * 501, "at most 500"),
        (True, r"(?R)", "recursive patterns"),
        (False, "x" * 1001, "at most 1,000"),
        (False, "   ", "nothing to search"),
    ],
)
def test_the_limits_and_messages_are_the_local_searchs(
    indexed, regex: bool, query: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    archive, _, stores = indexed
    search = archive.search_regex if regex else archive.search_part
    with pytest.raises(ArchiveError) as local:
        search(query)
    assert message in str(local.value)
    for store in stores.values():
        with pytest.raises(ArchiveError) as remote:
            run_scan(store, regex, query, False)
        assert str(remote.value) == str(local.value)


def test_a_pattern_past_its_time_is_stopped(indexed) -> None:  # type: ignore[no-untyped-def]
    _, _, stores = indexed
    for store in stores.values():
        matcher = regex_matcher(r"(a|a)+$", case_sensitive=False, deadline_s=0.3)
        started = time.monotonic()
        with pytest.raises(ArchiveError, match=r"took longer than 0\.3 s"):
            scan_store(store, matcher, speaker=None, limit=None, offset=0, deadline=started + 0.3)
        assert time.monotonic() - started < 3


def test_the_command_line_searches_the_server_with_regex_and_part(
    indexed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    archive, share, stores = indexed
    url = stores["postgresql"]._server._url  # type: ignore[attr-defined]
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("BRIEFING_PLAYER_ROOTS", f"news={share}")
    monkeypatch.delenv("BRIEFING_PLAYER_DB", raising=False)
    assert run_subcommand(["search", "--db", url, "--regex", r"z[uü]rich\b"]) == 0
    lines = capsys.readouterr().out.splitlines()
    zurich = str(share / "2024/zurich.vtt")
    assert len(lines) == 2 and all(line.startswith(zurich) for line in lines)
    assert run_subcommand(["search", "--db", url, "--part", "taxat", "--json"]) == 0
    out, _ = capsys.readouterr()
    assert '"text": "Taxation and the tax office' in out
    assert run_subcommand(["search", "--db", url, "--part", "tax", "--limit", "1"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    assert run_subcommand(["search", "--db", url, "--regex", "("]) == 2
    assert "missing )" in capsys.readouterr().err
    assert run_subcommand(["search", "--db", url, "--regex", "nowhere+"]) == 1
    assert run_subcommand(["search", "--db", url, "Budget", "--case-sensitive"]) == 0
    lines = capsys.readouterr().out.splitlines()  # whole words, the case kept: one cue of five
    assert len(lines) == 1 and "a Budget item" in lines[0]
    assert run_subcommand(["search", "--db", url, "budget", "--case-sensitive", "--json"]) == 0
    local = archive.search("budget", case_sensitive=True, limit=None)  # as the laptop's
    assert len(capsys.readouterr().out.splitlines()) == len(local) == 3


def test_the_windows_archive_asks_the_server_first(indexed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from player.engines.postgres_store import PostgresStore

    _, share, stores = indexed
    target = {"url": stores["postgresql"]._server._url}  # type: ignore[attr-defined]
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "local.vtt").write_text(vtt((None, "The local cafeteria.")), encoding="utf-8")
    with Archive.open(tmp_path / "own.sqlite") as archive:
        archive.add_folder(lib)
        archive.scan()
        archive.shared = SharedSearch(
            lambda: PostgresStore(target["url"]), RootMap.parse(f"news={share}"), "server"
        )
        hits = archive.search_part("cafe", limit=None)
        assert sorted(Path(h.briefing.path).name for h in hits) == ["budget.vtt", "zurich.vtt"]
        assert all(h.briefing.id < 0 for h in hits)
        assert len(archive.search_regex(r"caf[eé]", speaker="bob", limit=None)) == 1
        archive.shared.close()
        target["url"] = f"postgresql://bp_test@/nowhere?host={tmp_path}/no-server"
        local = archive.search_part("cafe", limit=None)
        assert [Path(h.briefing.path).name for h in local] == ["local.vtt"]
        assert isinstance(archive.shared_problem, StoreUnavailable)


def test_the_server_stopped_mid_scan_is_said_and_the_next_scan_reconnects(
    tmp_path: Path,
) -> None:
    from player.core.archive.scan_match import Matcher
    from player.core.archive.store import SharedBriefing
    from player.core.model import Cue
    from player.engines.postgres_store import PostgresStore

    server = PgServer()
    try:
        server.start()
        store = PostgresStore(server.new_database("away"))
        cues = [Cue(None, i, i + 1, f"line {i}") for i in range(6000)]
        store.write(SharedBriefing("news", "long.vtt", "Long", cues=cues))
        seen: list[str] = []

        def stop_on_first(text: str, _left: float) -> tuple[tuple[int, int], ...]:
            if not seen:
                server.stop("fast")  # the cursor is open: the next batch never comes
            seen.append(text)
            return ((0, 4),)

        matcher = Matcher(stop_on_first, "too slow", "too big")
        with pytest.raises(StoreUnavailable, match="not answering"):
            scan_store(
                store, matcher, speaker=None, limit=None, offset=0, deadline=time.monotonic() + 60
            )
        assert 0 < len(seen) < 6000
        server.start()
        again = regex_matcher(r"line 59\d\d", case_sensitive=False, deadline_s=30)
        hits = scan_store(
            store, again, speaker=None, limit=None, offset=0, deadline=time.monotonic() + 30
        )
        assert len(hits) == 100
        store.close()
    finally:
        server.destroy()
