"""The window's Library and Preferences over a shared archive on a real throw-away PostgreSQL:
the Library lists the server's briefings (root and relative path, this computer's file when the
root is mapped) and opens one through the mapping; a briefing of an unmapped root says how to map
it; Preferences attach and detach the server without a restart; the server stopped shows this
computer's archive with the reason, and the Library comes back to the server by itself; the
connection test counts the server's briefings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from player.core.archive.shared_index import index_root
from player.core.archive.store import SharedBriefing
from player.core.model import Cue
from player.ui import settings as S
from player.ui.library_panel import LibraryPanel
from player.ui.search_panel import SCOPE_ALL
from player.ui.server_library import SharedRow
from tests.conftest import SAMPLE_DIR
from tests.pg.server import PgServer
from tests.ui.conftest import Harness, make_harness
from tests.ui.test_archive_window import _library

pytestmark = pytest.mark.usefixtures("pg_server")


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """A fresh database for each test."""
    return pg_server.new_database("window")


WAIT_MS = 30000  # generous: a loaded two-core machine
SECRET = "Pa55word"


@pytest.fixture(autouse=True)
def _no_server_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRIEFING_PLAYER_DB", raising=False)
    monkeypatch.delenv("BRIEFING_PLAYER_ROOTS", raising=False)


def _share(tmp_path: Path, url: str) -> Path:
    """A share folder ``news`` with one briefing, indexed on the server under the root "news",
    and a briefing of the root "sport" that this computer does not map."""
    from player.engines.postgres_store import PostgresStore

    news = tmp_path / "share" / "news"
    (news / "2024").mkdir(parents=True)
    shutil.copy(SAMPLE_DIR / "briefing.opus", news / "2024" / "2024-07-03 zeppelin.opus")
    (news / "2024" / "2024-07-03 zeppelin.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nThe zeppelin lands at noon.\n", encoding="utf-8"
    )
    store = PostgresStore(url)
    try:
        assert index_root(store, "news", news).written == 1
        cues = [Cue(None, 0, 900, "A zeppelin over the stadium.")]
        store.write(SharedBriefing("sport", "cup/final.vtt", "Cup final", cues=cues))
    finally:
        store.close()
    return news


def _window(
    qtbot: QtBot, tmp_path: Path, *, url: str = "", roots: str = "", user_data: bool = False
) -> Harness:
    """The window over a local library (2 briefings), with the shared archive settings given."""
    _folder, db = _library(tmp_path)
    settings = S.Settings(tmp_path / "cfg" / "settings.ini")
    settings.set(S.ARCHIVE_SERVER_URL, url)
    settings.set(S.ARCHIVE_ROOTS, roots)
    settings.set(S.ARCHIVE_USER_DATA_ON_SERVER, user_data)
    settings.sync()
    h = make_harness(qtbot, tmp_path / "cfg", archive_db=db)
    qtbot.waitUntil(lambda: h.window.docks.library is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: h.window.docks.library.archive is not None, timeout=WAIT_MS)  # type: ignore[union-attr]
    return h


def _library_panel(h: Harness) -> LibraryPanel:
    library = h.window.docks.library
    assert library is not None
    return library


def _rows(library: LibraryPanel) -> list[object]:
    return [library.model._rows[r] for r in range(library.model.rowCount())]


def _wait_shared(h: Harness, count: int) -> LibraryPanel:
    library = _library_panel(h)
    h.qtbot.waitUntil(
        lambda: (
            library.model.rowCount() == count
            and all(isinstance(r, SharedRow) for r in _rows(library))
        ),
        timeout=WAIT_MS,
    )
    return library


def _wait_local(h: Harness) -> LibraryPanel:
    library = _library_panel(h)
    h.qtbot.waitUntil(
        lambda: (
            library.model.rowCount() == 2
            and not any(isinstance(r, SharedRow) for r in _rows(library))
        ),
        timeout=WAIT_MS,
    )
    return library


def _select(library: LibraryPanel, title: str) -> None:
    library.filter.setText(title)
    library.table.setCurrentIndex(library.proxy.index(0, 0))
    library.table.open_current.emit()


def test_the_library_lists_the_server_and_opens_through_the_root_mapping(
    qtbot: QtBot, tmp_path: Path, pg_url: str
) -> None:
    news = _share(tmp_path, pg_url)
    mine = tmp_path / "mounted-here"
    shutil.copytree(news, mine)  # this computer mounts the share elsewhere
    h = _window(qtbot, tmp_path, url=pg_url, roots=f"news={mine}")
    library = _wait_shared(h, 2)
    assert library.status.text().startswith("Shared archive postgresql://bp_test@/")
    assert "Not mapped on this computer: “sport”" in library.status.text()
    cells = {
        library.model.index(r, 0).data(): library.model.index(r, 6).data()
        for r in range(library.model.rowCount())
    }
    assert cells == {"2024-07-03 zeppelin": "news: 2024", "Cup final": "sport: cup"}
    tips = [library.model.index(r, 0).data(3) for r in range(2)]  # ToolTipRole
    assert any(f"On this computer: {mine}/2024/2024-07-03 zeppelin.opus" in t for t in tips)

    _select(library, "Cup final")  # its root is not mapped here: a message, nothing opened
    assert "“sport”" in library.status.text() and "not mapped" in library.status.text()
    assert "Preferences ▸ Shared archive" in library.status.text()
    assert h.controller.media_path is None

    _select(library, "zeppelin")
    h.wait_transcript()
    assert h.controller.media_path == str(mine / "2024" / "2024-07-03 zeppelin.opus")
    assert h.window.model.rowCount() == 1
    h.window.close()


def test_preferences_attach_and_detach_the_server_without_a_restart(
    qtbot: QtBot, tmp_path: Path, pg_url: str
) -> None:
    news = _share(tmp_path, pg_url)
    h = _window(qtbot, tmp_path)
    w = h.window
    _wait_local(h)
    assert w.docks.archive is not None and w.docks.archive.shared is None

    w.dialogs.show_preferences()
    dialog = w.dialogs.preferences_dialog
    assert dialog is not None
    group = dialog.shared_archive
    group.address.setText(pg_url)
    group.set_root_folder(group.add_root_row(), str(news))
    group.test_connection()
    qtbot.waitUntil(group.test_button.isEnabled, timeout=WAIT_MS)
    assert group.test_result.text() == "Connected: 2 briefings."
    dialog.accept()  # applied: the window attaches the server
    library = _wait_shared(h, 2)
    assert h.settings.get(S.ARCHIVE_ROOTS) == f"news={news}"
    w.start_search()
    w.search.set_scope(SCOPE_ALL)
    w.search.edit.setText("zeppelin")
    w.search.run_now()
    busy = ("", "Searching…", "Searching all briefings…")
    qtbot.waitUntil(lambda: w.search.status.text() not in busy, timeout=WAIT_MS)
    assert w.search.status.text() == "2 hits in 2 briefings"
    assert w.docks.archive is not None
    hits = {h.briefing.title: h for h in w.docks.archive.search("zeppelin")}
    said: list[str] = []
    w.session.message.connect(said.append)
    w.search_coordinator.open_archive_hit(hits["Cup final"])  # its root is not mapped here
    assert said and "“sport”" in said[-1] and "not mapped" in said[-1]
    assert h.controller.media_path is None  # nothing opened, no traceback

    w.dialogs.show_preferences()
    dialog = w.dialogs.preferences_dialog
    assert dialog is not None
    dialog.shared_archive.address.clear()
    dialog.accept()  # detached: this computer's library again
    library = _wait_local(h)
    assert w.docks.archive is not None and w.docks.archive.shared is None
    assert not library.status.text().startswith("Shared archive")
    w.close()


def test_the_server_away_shows_this_computers_archive_then_comes_back(
    qtbot: QtBot, tmp_path: Path, own_server: PgServer
) -> None:
    url = own_server.new_database("window")
    news = _share(tmp_path, url)
    with_password = url.replace("bp_test@", f"bp_test:{SECRET}@")  # trust: any password works
    h = _window(qtbot, tmp_path, url=url, roots=f"news={news}")
    _wait_shared(h, 2)
    said: list[str] = []
    h.window.docks.message.connect(said.append)
    own_server.stop()
    library = _library_panel(h)
    library.refresh()
    _wait_local(h)
    text = library.status.text()
    assert text.startswith("Shared archive unreachable:") and "postgresql://bp_test@/" in text
    assert text.endswith("showing this computer's archive")
    assert SECRET not in text and with_password not in text
    server = h.window.docks.server_library
    assert server is not None
    library.refresh()  # tried again, still away: said once in the status line
    qtbot.waitUntil(lambda: not server.busy, timeout=WAIT_MS)
    assert [s for s in said if "unreachable" in s] == [text]
    own_server.start()
    library.refresh()  # the next refresh connects again by itself
    _wait_shared(h, 2)
    assert said[-1].endswith("answers again")
    h.window.close()


def test_a_server_named_by_the_environment_wins_and_is_never_shown_with_its_password(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = f"postgresql://reporter:{SECRET}@/news?host={tmp_path}/no-server"
    monkeypatch.setenv("BRIEFING_PLAYER_DB", gone)
    h = _window(qtbot, tmp_path, url="postgresql://me@elsewhere/unused")
    library = _wait_local(h)
    h.qtbot.waitUntil(lambda: "unreachable" in library.status.text(), timeout=WAIT_MS)
    text = library.status.text()
    assert "postgresql://reporter@/news" in text and SECRET not in text
    assert "elsewhere" not in text
    h.window.close()
