"""The archive-wide search of the window (``Archive.search``/``count``) answered by a shared
archive on a real throw-away server, and by the local index while the server is out of reach
(``shared_problem`` says why; the next search tries the server again); a case-sensitive search
answered by the server too."""

from __future__ import annotations

from pathlib import Path

import pytest

from player.core.archive.library import Archive
from player.core.archive.roots import RootMap
from player.core.archive.shared_search import SharedSearch
from player.core.archive.store import SharedBriefing, StoreUnavailable
from player.core.model import Cue
from player.ui.shared_archive import attach_shared
from tests.pg.server import PgServer

pytestmark = pytest.mark.usefixtures("pg_server")

VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nThe local harbour only.\n"


def test_library_search_from_the_server_then_the_local_index_then_the_server(
    pg_url: str, tmp_path: Path
) -> None:
    from player.engines.postgres_store import PostgresStore

    seed = PostgresStore(pg_url)
    for name in ("a.mp4", "b.vtt"):
        seed.write(
            SharedBriefing(
                "news", f"2024/{name}", name, cues=[Cue(None, 0, 900, "The shared harbour.")]
            )
        )
    seed.close()
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "local.vtt").write_text(VTT, encoding="utf-8")
    gone = f"postgresql://bp_test@/nowhere?host={tmp_path}/no-server"
    target = {"url": pg_url}
    roots = RootMap.parse(f"news={tmp_path}/mnt/news")
    with Archive.open(tmp_path / "db" / "archive.sqlite") as archive:
        archive.add_folder(lib)
        archive.scan()
        archive.shared = SharedSearch(lambda: PostgresStore(target["url"]), roots, "the server")
        hits = archive.search("harbour")
        assert [h.briefing.path for h in hits] == [
            str(tmp_path / "mnt/news/2024/a.mp4"),
            str(tmp_path / "mnt/news/2024/b.vtt"),
        ]
        assert hits[0].briefing.has_media and not hits[1].briefing.has_media
        assert len({h.briefing.id for h in hits}) == 2 and all(h.briefing.id < 0 for h in hits)
        assert [hits[0].text[s:e] for s, e in hits[0].matches] == ["harbour"]
        assert archive.count("harbour") == 2 and archive.shared_problem is None
        archive.shared.close()  # the server goes away
        target["url"] = gone
        local = archive.search("harbour")
        assert [Path(h.briefing.path).name for h in local] == ["local.vtt"]
        assert isinstance(archive.shared_problem, StoreUnavailable)
        assert "not answering" in archive.shared_problem.message
        assert archive.count("harbour") == 1
        target["url"] = pg_url  # back: the next search reconnects by itself
        assert len(archive.search("harbour")) == 2 and archive.shared_problem is None


def test_the_window_attaches_the_server_named_by_the_environment(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Archive.open(tmp_path / "archive.sqlite") as archive:
        monkeypatch.delenv("BRIEFING_PLAYER_DB", raising=False)
        attach_shared(archive)
        assert archive.shared is None
        monkeypatch.setenv("BRIEFING_PLAYER_DB", pg_url)
        attach_shared(archive)
        assert archive.shared is not None and archive.shared.shown.startswith("postgresql://")
        assert archive.search("anything") == []


def test_a_case_sensitive_search_is_answered_by_the_server_too(
    pg_server: PgServer, tmp_path: Path
) -> None:
    from player.engines.postgres_store import PostgresStore

    url = pg_server.new_database("cased")
    seed = PostgresStore(url)
    texts = ["Ask the Harbour Board.", "The harbour is calm.", "HARBOUR works resume."]
    for n, text in enumerate(texts * 3):
        seed.write(SharedBriefing("news", f"2024/{n}.vtt", f"B{n}", cues=[Cue(None, 0, 900, text)]))
    seed.close()
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "local.vtt").write_text(VTT, encoding="utf-8")  # "harbour" here, not on the server
    with Archive.open(tmp_path / "db" / "archive.sqlite") as archive:
        archive.add_folder(lib)
        archive.scan()
        archive.shared = SharedSearch(lambda: PostgresStore(url), RootMap(), "the server")
        assert len(archive.search("harbour")) == 9
        cased = archive.search("Harbour", case_sensitive=True)
        assert [h.text for h in cased] == ["Ask the Harbour Board."] * 3
        assert archive.shared_problem is None  # the server answered, not the local index
        page = archive.search("Harbour", case_sensitive=True, limit=2, offset=1)
        assert [h.briefing.id for h in page] == [h.briefing.id for h in cased[1:3]]
        assert [h.text for h in archive.search('"harbour is"', case_sensitive=True)] == [
            "The harbour is calm."
        ] * 3
