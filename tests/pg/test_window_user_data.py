"""Positions, bookmarks and notes on the shared archive's server (the opt-in of Preferences ▸
Shared archive), on real throw-away PostgreSQL servers: opting in copies this computer's
bookmarks of the shared roots there and new ones go there; opting out keeps them here again;
with the server stopped nothing is lost (kept on this computer, said once, done on the server
when it is back)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from player.core.archive.roots import RootMap
from player.core.archive.user_store import UserStore
from player.ui.server_user_data import ServerUserData, available, server_store
from tests.conftest import SAMPLE_DIR
from tests.pg.server import PgServer
from tests.pg.test_window_shared_library import WAIT_MS, _share, _wait_shared, _window

pytestmark = pytest.mark.usefixtures("pg_server")

NEEDS_KEEP_IN = pytest.mark.skipif(
    not available(),
    reason="the window keeps per-user data on the server once its resume positions can follow "
    "(ResumeStore.keep_in: a change of the lead's player/ui/resume_store.py, in H19a's report)",
)


@pytest.fixture(autouse=True)
def _no_server_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRIEFING_PLAYER_DB", raising=False)
    monkeypatch.delenv("BRIEFING_PLAYER_ROOTS", raising=False)


def _server_rows(url: str, sql: str) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return list(conn.execute(sql).fetchall())


@NEEDS_KEEP_IN
def test_opting_in_keeps_bookmarks_on_the_server_and_opting_out_here(
    qtbot: QtBot, tmp_path: Path, pg_server: PgServer
) -> None:
    url = pg_server.new_database("userdata")
    news = _share(tmp_path, url)
    media = news / "2024" / "2024-07-03 zeppelin.opus"
    h = _window(qtbot, tmp_path, url=url, roots=f"news={news}")
    w = h.window
    _wait_shared(h, 2)
    said: list[str] = []
    w.docks.message.connect(said.append)
    archive = w.docks.archive
    assert archive is not None
    archive.add_bookmark(media, 1500, "Before opting in")  # kept on this computer
    assert _server_rows(url, "SELECT label FROM bp_bookmarks") == []

    w.dialogs.show_preferences()
    dialog = w.dialogs.preferences_dialog
    assert dialog is not None and dialog.shared_archive.user_data is not None
    dialog.shared_archive.user_data.setChecked(True)
    dialog.accept()
    qtbot.waitUntil(lambda: any("kept on postgresql://" in s for s in said), timeout=WAIT_MS)
    assert any("1 bookmarks copied there" in s for s in said)
    assert _server_rows(url, "SELECT root, relpath, label FROM bp_bookmarks") == [
        ("news", "2024/2024-07-03 zeppelin.opus", "Before opting in")
    ]
    h.open(media, play=False)
    w.docks.add_bookmark()  # through the window: to the server
    rows = _server_rows(url, "SELECT label FROM bp_bookmarks ORDER BY id")
    assert len(rows) == 2
    bookmarks = w.docks.bookmarks
    assert bookmarks is not None
    assert [b.label for b in bookmarks.items].count("Before opting in") == 1  # listed once
    assert len(bookmarks.items) == 2 and all(b.id < 0 for b in bookmarks.items)
    archive.set_position(media, 42000)
    assert _server_rows(url, "SELECT position_ms FROM bp_positions") == [(42000,)]

    w.dialogs.show_preferences()
    dialog = w.dialogs.preferences_dialog
    assert dialog is not None and dialog.shared_archive.user_data is not None
    assert dialog.shared_archive.user_data.isChecked()
    dialog.shared_archive.user_data.setChecked(False)
    dialog.accept()
    qtbot.waitUntil(lambda: any("kept on this computer" in s for s in said), timeout=WAIT_MS)
    assert [b.label for b in archive.bookmarks(media)] == ["Before opting in"]  # this computer's
    w.close()


def test_with_the_server_away_nothing_is_lost(
    qtbot: QtBot, tmp_path: Path, own_server: PgServer
) -> None:
    """On the GUI thread (this test's): a server found away is tried again by a worker."""
    url = own_server.new_database("away")
    share = tmp_path / "share"
    (share / "2024").mkdir(parents=True)
    media = share / "2024" / "budget.opus"
    shutil.copy(SAMPLE_DIR / "briefing.opus", media)
    elsewhere = tmp_path / "elsewhere.opus"  # off the shared roots: always this computer's
    local = UserStore.open(tmp_path / "user.sqlite")
    data = ServerUserData(local)
    said: list[str] = []
    data.notices.message.connect(said.append)
    data.attach(server_store(url, RootMap.parse(f"news={share}"), local), "the server")
    assert data.connect_now() == "Positions, bookmarks and notes are kept on the server."
    data.set_position(media, 1000)
    kept = data.add_bookmark(media, 2000, "On the server", "first note")
    assert kept < 0 and data.get_position(media) == 1000
    data.set_position(elsewhere, 5000)
    assert local.get_position(elsewhere) == 5000 and local.get_position(media) is None

    own_server.stop()
    data.set_position(media, 3000)  # kept here meanwhile
    assert len(said) == 1 and said[0].startswith("Shared archive unreachable:")
    assert "nothing is lost" in said[0] and data.problem is not None
    data.set_bookmark_note(kept, "changed while away")  # done on the server when it is back
    here = data.add_bookmark(media, 4000, "While away")
    assert here > 0 and data.get_position(media) == 3000
    assert [b.label for b in data.bookmarks(media)] == ["While away"]
    assert len(said) == 1  # said once

    own_server.start()
    data.retry_now()  # the pause after the failure is over
    assert data.get_position(media) == 3000  # this computer's, while a worker tries the server
    qtbot.waitUntil(lambda: data.problem is None, timeout=WAIT_MS)
    assert data.get_position(media) == 3000  # the server's: the waiting change was done there
    qtbot.waitUntil(lambda: said[-1].startswith("Shared archive the server is back"))
    marks = data.bookmarks(media)
    assert [(b.label, b.note) for b in marks] == [
        ("On the server", "changed while away"),
        ("While away", ""),
    ]
    assert _server_rows(url, "SELECT position_ms FROM bp_positions") == [(3000,)]
    data.close()


@NEEDS_KEEP_IN
def test_the_resume_position_goes_to_the_server(
    qtbot: QtBot, tmp_path: Path, pg_server: PgServer
) -> None:
    url = pg_server.new_database("resume")
    news = _share(tmp_path, url)
    media = news / "2024" / "2024-07-03 zeppelin.opus"
    h = _window(qtbot, tmp_path, url=url, roots=f"news={news}", user_data=True)
    said: list[str] = []
    h.window.docks.message.connect(said.append)
    _wait_shared(h, 2)
    data = h.window.docks.archive_holder.user_data
    assert data is not None
    qtbot.waitUntil(lambda: data.connected, timeout=WAIT_MS)
    h.open(media)
    h.advance(20000, step_ms=50)
    h.window.resume.save_position()
    assert _server_rows(url, "SELECT relpath, position_ms FROM bp_positions") == [
        ("2024/2024-07-03 zeppelin.opus", 20000)
    ]
    h.window.close()
