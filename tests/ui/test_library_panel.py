"""The library panel over a real archive: add a folder, scan off the GUI thread with progress,
sort and filter, open a briefing, and a damaged database offered for rebuilding."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from player.core.archive.library import Archive, BriefingRow
from player.ui.library_panel import LibraryPanel
from player.ui.resume_store import ResumeStore
from tests.conftest import SAMPLE_DIR


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "briefings"
    folder.mkdir()
    for name in ("2024-03-05 water briefing", "2024-04-09 coast briefing"):
        shutil.copy(SAMPLE_DIR / "briefing.opus", folder / f"{name}.opus")
        shutil.copy(SAMPLE_DIR / "briefing.vtt", folder / f"{name}.vtt")
    (folder / "2023-12-01 no transcript.opus").write_bytes(
        (SAMPLE_DIR / "briefing.opus").read_bytes()
    )
    return folder


def _panel(qtbot: QtBot, tmp_path: Path) -> LibraryPanel:
    panel = LibraryPanel(tmp_path / "db" / "archive.sqlite")
    qtbot.addWidget(panel)
    panel.show()
    assert panel.open_archive() is not None
    return panel


def test_add_folder_scans_in_background_and_lists(qtbot: QtBot, tmp_path: Path) -> None:
    panel = _panel(qtbot, tmp_path)
    with qtbot.waitSignal(panel.scan_finished, timeout=20000) as blocker:
        panel.add_folder(str(_folder(tmp_path)))
        assert panel.is_scanning()
        assert panel.progress.isVisible()
    summary = blocker.args[0]
    assert summary.added == 3 and summary.failed == 0
    assert not panel.is_scanning()
    assert panel.proxy.rowCount() == 3
    # Newest first by default; the briefing without a transcript says "none".
    titles = [panel.proxy.index(r, 0).data() for r in range(3)]
    assert titles[0].startswith("2024-04-09") or "coast" in titles[0].lower()
    languages = {panel.proxy.index(r, 3).data() for r in range(3)}
    assert "none" in languages and "en" in languages
    assert "Scan seen 3, added 3" in panel.status.text()
    # Filter box.
    panel.filter.setText("coast")
    assert panel.proxy.rowCount() == 1
    panel.filter.clear()
    # Sorting by title.
    panel.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    sorted_titles = [panel.proxy.index(r, 0).data() for r in range(3)]
    assert sorted_titles == sorted(sorted_titles, key=str.casefold)


def test_enter_and_double_click_open_a_briefing(qtbot: QtBot, tmp_path: Path) -> None:
    panel = _panel(qtbot, tmp_path)
    with qtbot.waitSignal(panel.scan_finished, timeout=20000):
        panel.add_folder(str(_folder(tmp_path)))
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.proxy.index(0, 0))
    with qtbot.waitSignal(panel.open_requested) as blocker:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    row = blocker.args[0]
    assert isinstance(row, BriefingRow)
    assert Path(row.path).exists()


def test_rescan_picks_up_changes_and_remove_folder(qtbot: QtBot, tmp_path: Path) -> None:
    panel = _panel(qtbot, tmp_path)
    folder = _folder(tmp_path)
    with qtbot.waitSignal(panel.scan_finished, timeout=20000):
        panel.add_folder(str(folder))
    (folder / "2024-03-05 water briefing.opus").unlink()
    (folder / "2024-03-05 water briefing.vtt").unlink()
    with qtbot.waitSignal(panel.scan_finished, timeout=20000) as blocker:
        panel.rescan_button.click()
    assert blocker.args[0].removed == 1
    assert panel.proxy.rowCount() == 2
    with qtbot.waitSignal(panel.folder_removed, timeout=20000) as removed:
        panel.remove_folder(str(folder))
    assert removed.args == [str(folder), 2]
    assert panel.proxy.rowCount() == 0
    assert panel.archive is not None and panel.archive.folders() == []
    assert "Removed" in panel.status.text() and not panel.is_scanning()


def test_damaged_database_offers_rebuild_and_keeps_folders(qtbot: QtBot, tmp_path: Path) -> None:
    db = tmp_path / "db" / "archive.sqlite"
    db.parent.mkdir()
    folder = _folder(tmp_path)
    with Archive.open(db) as archive:
        archive.add_folder(folder)
        archive.set_position(folder / "2024-04-09 coast briefing.opus", 42000)
    db.write_bytes(b"this is not a database" * 100)
    panel = LibraryPanel(db)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.open_archive() is None
    assert panel.rebuild_button.isVisible()
    assert "cannot be used" in panel.status.text()
    with qtbot.waitSignal(panel.scan_finished, timeout=20000):
        panel.rebuild_button.click()
    assert panel.proxy.rowCount() == 3  # the folder list survived the rebuild
    positions = {panel.proxy.index(r, 4).data() for r in range(3)}
    assert "0:42" in positions
    assert list(db.parent.glob("archive.sqlite.corrupt-*"))


class _SlowRemoval:
    """Stands in for Archive.remove_folder on the worker: reports progress, then waits for the
    test (``go``) or for Cancel, then does the real removal (stopped if cancelled)."""

    def __init__(self, archive: Archive) -> None:
        self.real = archive.remove_folder
        self.go = threading.Event()
        self.started = threading.Event()
        self.thread: int | None = None
        self.ended = threading.Event()

    def __call__(
        self,
        path: str,
        *,
        progress: Callable[[int, int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> int:
        self.thread = threading.get_ident()
        assert progress is not None and should_stop is not None
        progress(1, 4)
        self.started.set()
        deadline = time.monotonic() + 20
        while not (self.go.is_set() or should_stop()) and time.monotonic() < deadline:
            self.go.wait(0.005)  # waiting for a condition: the test's go, or Cancel
        try:
            return self.real(path, progress=progress, should_stop=should_stop)
        finally:
            self.ended.set()


def _scanned_panel(qtbot: QtBot, tmp_path: Path) -> tuple[LibraryPanel, Path, _SlowRemoval]:
    panel = _panel(qtbot, tmp_path)
    folder = _folder(tmp_path)
    with qtbot.waitSignal(panel.scan_finished, timeout=20000):
        panel.add_folder(str(folder))
    assert panel.archive is not None
    slow = _SlowRemoval(panel.archive)
    panel.archive.remove_folder = slow  # type: ignore[method-assign]
    return panel, folder, slow


def test_removing_a_folder_runs_off_the_gui_thread_with_progress(
    qtbot: QtBot, tmp_path: Path
) -> None:
    panel, folder, slow = _scanned_panel(qtbot, tmp_path)
    panel.remove_folder(str(folder))
    assert slow.started.wait(20)
    assert slow.thread != threading.get_ident()  # the GUI thread goes on meanwhile
    qtbot.waitUntil(lambda: panel.progress.maximum() == 4, timeout=10000)
    assert panel.progress.isVisible() and panel.progress.value() == 1
    assert "Removing" in panel.status.text()
    assert panel.cancel_button.isVisible() and not panel.remove_button.isEnabled()
    panel.remove_folder(str(folder))  # one job at a time: ignored while busy
    panel.scan()
    with qtbot.waitSignal(panel.folder_removed, timeout=20000) as removed:
        slow.go.set()
    assert removed.args == [str(folder), 3]
    assert panel.proxy.rowCount() == 0 and not panel.progress.isVisible()
    assert panel.remove_button.isEnabled() and not panel.cancel_button.isVisible()


def test_cancelling_a_removal_keeps_the_folder(qtbot: QtBot, tmp_path: Path) -> None:
    panel, folder, slow = _scanned_panel(qtbot, tmp_path)
    panel.remove_folder(str(folder))
    assert slow.started.wait(20)
    with qtbot.waitSignal(panel.folder_removed, timeout=20000) as removed:
        panel.cancel_button.click()
    assert removed.args == [str(folder), 0]
    assert "cancelled" in panel.status.text()
    assert panel.archive is not None and panel.archive.folders() == [str(folder)]
    assert panel.proxy.rowCount() == 3


def test_closing_waits_for_a_running_removal(qtbot: QtBot, tmp_path: Path) -> None:
    panel, folder, slow = _scanned_panel(qtbot, tmp_path)
    panel.remove_folder(str(folder))
    assert slow.started.wait(20)
    panel.close_archive()  # cancels, then waits for the worker before closing the database
    assert slow.ended.is_set()
    assert panel.archive is None


def test_the_panel_shares_the_windows_user_store(qtbot: QtBot, tmp_path: Path) -> None:
    db = tmp_path / "db" / "archive.sqlite"
    resume = ResumeStore.for_archive(db)
    media = tmp_path / "talk.opus"
    resume.set_resume_position(str(media), 42_000)
    panel = LibraryPanel(db, user_store=resume.user_store())
    qtbot.addWidget(panel)
    assert panel.open_archive() is not None
    assert panel.archive is not None and panel.archive.user_store is resume.user_store()
    assert panel.archive.get_position(media) == 42_000
    panel.close_archive()
    resume.set_resume_position(str(media), 43_000)  # still open: the store is the window's
    assert resume.resume_position(str(media)) == 43_000
    resume.close()
