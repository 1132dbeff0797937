"""The library in the window: open a briefing from the library, search all briefings, and
choose a hit to land in that briefing at that moment with the match highlighted; one archive
(the docks' ArchiveHolder) for the library, the bookmarks and the search, rebuilt when damaged
and closed in order when the window closes."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from player.core.archive.library import Archive
from player.ui.models import Role
from player.ui.search_panel import SCOPE_ALL
from tests.conftest import SAMPLE_DIR
from tests.ui.conftest import Harness, make_harness

OTHER_VTT = """WEBVTT
Language: en

a1
00:00:02.000 --> 00:00:06.000
<v Lena Ortiz>The harbour dredging starts in spring.

a2
00:00:10.000 --> 00:00:14.000
<v Lena Ortiz>Mangrove planting continues along the estuary.
"""


def _library(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(SAMPLE_DIR / "briefing.opus", folder / "2024-05-01 coasts.opus")
    shutil.copy(SAMPLE_DIR / "briefing.vtt", folder / "2024-05-01 coasts.vtt")
    shutil.copy(SAMPLE_DIR / "briefing.opus", folder / "2024-06-02 harbour.opus")
    (folder / "2024-06-02 harbour.vtt").write_text(OTHER_VTT, encoding="utf-8")
    db = tmp_path / "archive.sqlite"
    with Archive.open(db) as archive:
        archive.add_folder(folder)
        archive.scan()
    return folder, db


def _harness(qtbot: QtBot, tmp_path: Path, db: Path) -> Harness:
    h = make_harness(qtbot, tmp_path / "cfg", archive_db=db)
    assert h.window.docks.library is None  # built just after the window appears, not before
    qtbot.waitUntil(lambda: h.window.docks.library is not None, timeout=5000)
    qtbot.waitUntil(lambda: h.window.docks.library.archive is not None, timeout=5000)  # type: ignore[union-attr]
    return h


def test_library_opens_a_briefing(qtbot: QtBot, tmp_path: Path) -> None:
    folder, db = _library(tmp_path)
    h = _harness(qtbot, tmp_path, db)
    library = h.window.docks.library
    assert library is not None
    assert library.proxy.rowCount() == 2
    library.filter.setText("harbour")
    library.table.setCurrentIndex(library.proxy.index(0, 0))
    library.table.open_current.emit()
    h.wait_transcript()
    assert h.controller.media_path == str(folder / "2024-06-02 harbour.opus")
    assert h.window.model.rowCount() == 2
    h.window.close()


def test_search_all_briefings_and_open_a_hit(qtbot: QtBot, tmp_path: Path) -> None:
    folder, db = _library(tmp_path)
    h = _harness(qtbot, tmp_path, db)
    w = h.window
    h.open(SAMPLE_DIR / "briefing.opus", play=False)
    w.start_search()
    w.search.set_scope(SCOPE_ALL)
    w.search.edit.setText("mangrove")
    w.search.run_now()
    qtbot.waitUntil(lambda: w.search.archive_outcome is not None, timeout=5000)
    outcome = w.search.archive_outcome
    assert outcome is not None and len(outcome.hits) == 2
    assert w.search.status.text() == "2 hits in 2 briefings"
    groups = [
        w.search.archive_results.topLevelItem(i).text(0)
        for i in range(w.search.archive_results.topLevelItemCount())
    ]
    assert len(groups) == 2 and all("(1 hit)" in g for g in groups)
    harbour = next(i for i, hit in enumerate(outcome.hits) if "harbour" in hit.briefing.path)
    w.search.go_to(harbour)
    h.wait_transcript()
    qtbot.waitUntil(lambda: w.model.rowCount() == 2, timeout=5000)
    QApplication.processEvents()
    assert h.controller.media_path == str(folder / "2024-06-02 harbour.opus")
    assert h.controller.position_ms() == 9000  # the cue at 10 s, minus the 1 s lead-in
    matches = w.model.data(w.model.index(1), Role.MATCHES)
    assert matches and w.model.cues[1].text[matches[0][0] : matches[0][1]] == "Mangrove"
    assert w.model.data(w.model.index(1), Role.ACTIVE_MATCH) == matches[0]
    # The archive results stay put, so F3 goes on to the next briefing's hit.
    assert w.search.archive_outcome is outcome
    h.window.close()


def test_positions_show_in_the_library(qtbot: QtBot, tmp_path: Path) -> None:
    folder, db = _library(tmp_path)
    h = _harness(qtbot, tmp_path, db)
    h.open(folder / "2024-05-01 coasts.opus")
    h.advance(20000, step_ms=50)
    h.window.resume.save_position()
    library = h.window.docks.library
    assert library is not None
    library.refresh()
    positions = [library.proxy.index(r, 4).data() for r in range(library.proxy.rowCount())]
    assert "0:20" in positions
    h.window.close()


def test_the_default_archive_path_is_looked_up_when_the_archive_is_first_used(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The window's default archive (platformdirs' data folder) is asked for after the first
    frame, when the library is built, not while the window is made."""
    _folder, db = _library(tmp_path)
    asked: list[Path] = []

    def default_db() -> Path:
        asked.append(db)
        return db

    h = make_harness(qtbot, tmp_path / "cfg", archive_db=default_db)
    assert asked == []
    actions = h.window.menu_actions
    assert actions.act_library.isEnabled() and actions.act_add_bookmark.isEnabled()
    qtbot.waitUntil(lambda: h.window.docks.library is not None, timeout=5000)
    assert asked == [db]
    assert h.window.docks.archive_db == db
    assert asked == [db]  # asked once


def test_a_damaged_archive_is_rebuilt_for_the_library_bookmarks_and_search(
    qtbot: QtBot, tmp_path: Path
) -> None:
    folder, db = _library(tmp_path)
    db.write_bytes(b"this is not a database" * 100)
    h = make_harness(qtbot, tmp_path / "cfg", archive_db=db)
    w = h.window
    qtbot.waitUntil(lambda: w.docks.library is not None, timeout=5000)
    library = w.docks.library
    assert library is not None and w.docks.archive is None
    w.docks.show_library(True)
    assert library.rebuild_button.isVisible() and "cannot be used" in library.status.text()
    h.open(folder / "2024-05-01 coasts.opus", play=False)
    w.docks.add_bookmark()
    assert "which is not open" in w.status.label.text()
    w.start_search()
    assert not w.search.scope_box.isEnabled()  # "All briefings" needs the archive
    with qtbot.waitSignal(library.scan_finished, timeout=20000):
        library.rebuild_button.click()
    archive = w.docks.archive
    assert archive is not None and library.archive is archive
    assert library.proxy.rowCount() == 2  # the folders survived, scanned again
    assert w.search.scope_box.isEnabled()
    w.docks.add_bookmark()
    bookmarks = w.docks.bookmarks
    assert bookmarks is not None and [b.position_ms for b in bookmarks.items] == [0]
    assert archive.bookmarks(folder / "2024-05-01 coasts.opus")[0].position_ms == 0
    w.close()


def test_the_archive_opened_for_a_bookmark_is_the_one_the_library_shows(
    qtbot: QtBot, tmp_path: Path
) -> None:
    _folder, db = _library(tmp_path)
    h = make_harness(qtbot, tmp_path / "cfg", archive_db=db)
    w = h.window
    opened: list[object] = []
    w.docks.archive_changed.connect(opened.append)
    w.docks.ensure_bookmarks()  # before the library is built: the holder opens the archive
    assert w.docks.library is None
    archive = w.docks.archive
    assert archive is not None and opened == [archive]
    assert archive.user_store is w.resume_store.user_store()  # the window's user data
    qtbot.waitUntil(lambda: w.docks.library is not None, timeout=5000)
    assert w.docks.library is not None and w.docks.library.archive is archive
    assert w.docks.library.proxy.rowCount() == 2
    assert opened == [archive]  # opened once
    w.close()
    assert opened == [archive, None] and w.docks.archive is None


def test_closing_the_window_stops_the_library_job_then_closes_the_archive_then_the_store(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Save the position, cancel and wait for the library's job, close the archive, then the
    resume store that shares the archive's user data."""
    folder, db = _library(tmp_path)
    h = _harness(qtbot, tmp_path, db)
    w = h.window
    h.open(folder / "2024-05-01 coasts.opus")
    h.advance(20000, step_ms=50)
    archive, library = w.docks.archive, w.docks.library
    assert archive is not None and library is not None
    events: list[str] = []
    started = threading.Event()

    def slow_removal(
        _path: str,
        *,
        progress: Callable[[int, int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> int:
        assert should_stop is not None
        started.set()
        deadline = time.monotonic() + 20
        while not should_stop() and time.monotonic() < deadline:
            time.sleep(0.005)  # waiting for a condition: Cancel
        events.append("removal ended")
        return 0

    def recorded(event: str, close: Callable[[], None]) -> Callable[[], None]:
        def record() -> None:
            events.append(event)
            close()

        return record

    monkeypatch.setattr(archive, "remove_folder", slow_removal)
    monkeypatch.setattr(archive, "close", recorded("archive closed", archive.close))
    monkeypatch.setattr(w.resume, "close", recorded("position saved", w.resume.close))
    store = w.resume_store
    monkeypatch.setattr(store, "close", recorded("store closed", store.close))
    library.remove_folder(str(folder))
    assert started.wait(20)
    w.close()
    assert events == ["position saved", "removal ended", "archive closed", "store closed"]
    assert library.archive is None and w.docks.archive is None
    with Archive.open(db) as reopened:  # the position was saved before the store closed
        assert reopened.get_position(folder / "2024-05-01 coasts.opus") == 20000
        assert reopened.folders() == [str(folder)]  # the removal was cancelled


def test_a_window_closed_before_its_library_was_built_never_opens_the_archive(
    qtbot: QtBot, tmp_path: Path
) -> None:
    db = tmp_path / "db" / "archive.sqlite"
    h = make_harness(qtbot, tmp_path / "cfg", archive_db=db)
    assert h.window.docks.library is None
    h.window.close()
    assert h.window.docks.ensure_library() is None  # e.g. the delayed build comes now
    assert h.window.docks.library is None and h.window.docks.archive is None
    assert not db.exists()
