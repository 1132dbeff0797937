"""The library panel over a real archive: add a folder, scan off the GUI thread with progress,
sort and filter, open a briefing, and a damaged database offered for rebuilding."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from player.core.archive.library import Archive, BriefingRow
from player.ui.library_panel import LibraryPanel
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
    panel.remove_folder(str(folder))
    assert panel.proxy.rowCount() == 0


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
