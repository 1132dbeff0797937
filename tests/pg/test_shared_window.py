"""The window's "All briefings" search with ``BRIEFING_PLAYER_DB`` naming a PostgreSQL server:
answered by the server (a real throw-away one), and by this computer's library with a clear
status while the server is out of reach (its address shown without the password)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from player.core.archive.store import SharedBriefing
from player.core.model import Cue
from player.ui.search_panel import SCOPE_ALL
from tests.ui.conftest import Harness
from tests.ui.test_archive_window import _harness, _library

pytestmark = pytest.mark.usefixtures("pg_server")


def _search_all(h: Harness, query: str) -> str:
    w = h.window
    w.start_search()
    w.search.set_scope(SCOPE_ALL)
    w.search.edit.setText(query)
    w.search.run_now()
    busy = ("", "Searching…", "Searching all briefings…")
    h.qtbot.waitUntil(lambda: w.search.status.text() not in busy, timeout=15000)
    return w.search.status.text()


def test_all_briefings_from_the_server(
    qtbot: QtBot, tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from player.engines.postgres_store import PostgresStore

    store = PostgresStore(pg_url)
    for n in range(3):
        cues = [Cue(None, 0, 900, "Newsroom zeppelin sighting.")]
        store.write(SharedBriefing("desk", f"z{n}.vtt", f"Zeppelin {n}", cues=cues))
    store.close()
    _folder, db = _library(tmp_path)
    monkeypatch.setenv("BRIEFING_PLAYER_DB", pg_url)
    h = _harness(qtbot, tmp_path, db)
    assert _search_all(h, "zeppelin") == "3 hits in 3 briefings"


def test_all_briefings_from_this_computer_while_the_server_is_away(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _folder, db = _library(tmp_path)
    gone = f"postgresql://reporter:Pa55word@/news?host={tmp_path}/no-server"
    monkeypatch.setenv("BRIEFING_PLAYER_DB", gone)
    h = _harness(qtbot, tmp_path, db)
    status = _search_all(h, "harbour")
    assert "From this computer's library" in status and "not answering" in status
    assert "postgresql://reporter@/news" in status and "Pa55word" not in status
    assert status.startswith("1 hit in 1 briefing. From this computer")
