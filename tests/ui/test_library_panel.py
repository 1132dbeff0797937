"""The library panel over a real archive given by its owner (the ArchiveHolder): add a folder,
scan off the GUI thread with progress, sort and filter, open a briefing, and a damaged database
offered for rebuilding."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from player.core.archive.library import Archive, ArchiveError, BriefingRow
from player.core.archive.user_store import UserStore
from player.ui.docks import ArchiveHolder
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


class _Libraries:
    """Makes panels over an archive holder, wired as the window's docks wire them, and closes
    them as the docks do at the end of the test (the panel's jobs first, then the archive)."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.made: list[tuple[LibraryPanel, ArchiveHolder]] = []

    def __call__(
        self,
        db: Path | Callable[[], Path],
        user_store: Callable[[], UserStore | None] | None = None,
    ) -> tuple[LibraryPanel, ArchiveHolder]:
        holder = ArchiveHolder(db, user_store=user_store)
        panel = LibraryPanel()
        self.qtbot.addWidget(panel)
        holder.archive_changed.connect(panel.set_archive)
        panel.rebuild_requested.connect(holder.rebuild)
        panel.show()
        self.made.append((panel, holder))
        return panel, holder

    def close(self) -> None:
        for panel, holder in self.made:
            panel.stop_jobs()
            holder.close()


@pytest.fixture
def libraries(qtbot: QtBot) -> Iterator[_Libraries]:
    made = _Libraries(qtbot)
    yield made
    made.close()


def _panel(libraries: _Libraries, tmp_path: Path) -> LibraryPanel:
    panel, holder = libraries(tmp_path / "db" / "archive.sqlite")
    assert holder.open() is not None
    assert panel.archive is holder.archive
    return panel


def test_add_folder_scans_in_background_and_lists(
    qtbot: QtBot, libraries: _Libraries, tmp_path: Path
) -> None:
    panel = _panel(libraries, tmp_path)
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


def test_enter_and_double_click_open_a_briefing(
    qtbot: QtBot, libraries: _Libraries, tmp_path: Path
) -> None:
    panel = _panel(libraries, tmp_path)
    with qtbot.waitSignal(panel.scan_finished, timeout=20000):
        panel.add_folder(str(_folder(tmp_path)))
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.proxy.index(0, 0))
    with qtbot.waitSignal(panel.open_requested) as blocker:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    row = blocker.args[0]
    assert isinstance(row, BriefingRow)
    assert Path(row.path).exists()


def test_rescan_picks_up_changes_and_remove_folder(
    qtbot: QtBot, libraries: _Libraries, tmp_path: Path
) -> None:
    panel = _panel(libraries, tmp_path)
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


def test_damaged_database_offers_rebuild_and_keeps_folders(
    qtbot: QtBot, libraries: _Libraries, tmp_path: Path
) -> None:
    db = tmp_path / "db" / "archive.sqlite"
    db.parent.mkdir()
    folder = _folder(tmp_path)
    with Archive.open(db) as archive:
        archive.add_folder(folder)
        archive.set_position(folder / "2024-04-09 coast briefing.opus", 42000)
    db.write_bytes(b"this is not a database" * 100)
    panel, holder = libraries(db)
    assert holder.open() is None
    assert holder.problem is not None and holder.problem.rebuildable
    assert panel.archive is None and not panel.add_button.isEnabled()
    assert panel.rebuild_button.isVisible()
    assert "cannot be used" in panel.status.text()
    with qtbot.waitSignal(panel.scan_finished, timeout=20000):
        panel.rebuild_button.click()
    assert panel.proxy.rowCount() == 3  # the folder list survived the rebuild
    positions = {panel.proxy.index(r, 4).data() for r in range(3)}
    assert "0:42" in positions
    assert list(db.parent.glob("archive.sqlite.corrupt-*"))
    assert panel.archive is holder.archive and holder.problem is None


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


def _scanned_panel(
    qtbot: QtBot, libraries: _Libraries, tmp_path: Path
) -> tuple[LibraryPanel, Path, _SlowRemoval]:
    panel = _panel(libraries, tmp_path)
    folder = _folder(tmp_path)
    with qtbot.waitSignal(panel.scan_finished, timeout=20000):
        panel.add_folder(str(folder))
    assert panel.archive is not None
    slow = _SlowRemoval(panel.archive)
    panel.archive.remove_folder = slow  # type: ignore[method-assign]
    return panel, folder, slow


def test_removing_a_folder_runs_off_the_gui_thread_with_progress(
    qtbot: QtBot, libraries: _Libraries, tmp_path: Path
) -> None:
    panel, folder, slow = _scanned_panel(qtbot, libraries, tmp_path)
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


def test_cancelling_a_removal_keeps_the_folder(
    qtbot: QtBot, libraries: _Libraries, tmp_path: Path
) -> None:
    panel, folder, slow = _scanned_panel(qtbot, libraries, tmp_path)
    panel.remove_folder(str(folder))
    assert slow.started.wait(20)
    with qtbot.waitSignal(panel.folder_removed, timeout=20000) as removed:
        panel.cancel_button.click()
    assert removed.args == [str(folder), 0]
    assert "cancelled" in panel.status.text()
    assert panel.archive is not None and panel.archive.folders() == [str(folder)]
    assert panel.proxy.rowCount() == 3


def test_closing_waits_for_a_running_removal(
    qtbot: QtBot, libraries: _Libraries, tmp_path: Path
) -> None:
    panel, folder, slow = _scanned_panel(qtbot, libraries, tmp_path)
    panel.remove_folder(str(folder))
    assert slow.started.wait(20)
    holder = libraries.made[-1][1]
    assert panel.stop_jobs()  # what the owner does first: cancel, then wait for the worker
    assert slow.ended.is_set()
    holder.close()  # then it closes the database, and the panel lets go of it
    assert panel.archive is None
    assert panel.proxy.rowCount() == 0 and not panel.add_button.isEnabled()


def test_the_archive_shares_the_windows_user_store(
    qtbot: QtBot, libraries: _Libraries, tmp_path: Path
) -> None:
    db = tmp_path / "db" / "archive.sqlite"
    resume = ResumeStore.for_archive(db)
    media = tmp_path / "talk.opus"
    resume.set_resume_position(str(media), 42_000)
    panel, holder = libraries(db, user_store=resume.user_store)
    assert holder.open() is not None
    assert panel.archive is not None and panel.archive.user_store is resume.user_store()
    assert panel.archive.get_position(media) == 42_000
    holder.close()
    resume.set_resume_position(str(media), 43_000)  # still open: the store is the window's
    assert resume.resume_position(str(media)) == 43_000
    resume.close()


def test_a_problem_a_rebuild_would_not_solve_offers_no_rebuild(
    libraries: _Libraries, tmp_path: Path
) -> None:
    panel, _holder = libraries(tmp_path / "archive.sqlite")
    panel.set_archive(None, ArchiveError("the folder cannot be written", rebuildable=False))
    assert not panel.rebuild_button.isVisible()
    assert panel.status.text().startswith("The library database cannot be used: the folder")
    assert not panel.add_button.isEnabled() and not panel.rescan_button.isEnabled()


def test_a_failed_rebuild_says_why_and_still_offers_it(
    qtbot: QtBot, libraries: _Libraries, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "archive.sqlite"
    Archive.open(db).close()  # our archive (a rebuild renames only our own index), then damaged
    db.write_bytes(b"this is not a database" * 100)
    panel, holder = libraries(db)
    assert holder.open() is None
    assert panel.rebuild_button.isVisible()

    def cannot_rebuild(*_args: object, **_kwargs: object) -> Archive:
        raise ArchiveError("cannot move the damaged index aside: Permission denied")

    monkeypatch.setattr(Archive, "rebuild", cannot_rebuild)
    with qtbot.waitSignal(holder.archive_changed) as changed:
        panel.rebuild_button.click()
    assert changed.args[0] is None and changed.args[1] is holder.problem
    assert panel.status.text() == (
        "Could not rebuild the index: cannot move the damaged index aside: Permission denied"
    )
    assert panel.rebuild_button.isVisible() and panel.archive is None
    assert not panel.is_scanning()


def test_the_holder_opens_once_and_never_after_closing(
    qtbot: QtBot, libraries: _Libraries, tmp_path: Path
) -> None:
    db = tmp_path / "db" / "archive.sqlite"
    asked: list[Path] = []

    def where() -> Path:
        asked.append(db)
        return db

    panel, holder = libraries(where)
    assert holder.has_database and asked == []  # not asked before it is needed
    changes: list[tuple[object, object]] = []
    holder.archive_changed.connect(lambda a, p: changes.append((a, p)))
    archive = holder.open()
    assert archive is not None and holder.open() is archive  # opened once
    assert changes == [(archive, None)] and asked == [db]
    assert panel.archive is archive
    holder.close()
    assert changes[-1] == (None, None) and panel.archive is None
    assert holder.open() is None and holder.archive is None  # closed for good
    holder.rebuild()
    assert holder.archive is None and len(changes) == 2
