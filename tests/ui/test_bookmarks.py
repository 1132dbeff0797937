"""Bookmarks: mark a moment (Ctrl+B / B) labelled with the line being spoken, list them, go
there, add a note, remove, copy as quotes; kept in the library's user data across restarts."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from player.core.archive.library import Archive
from player.playback.base import PlaybackState
from tests.conftest import SAMPLE_DIR
from tests.ui.conftest import Harness, make_harness


@pytest.fixture
def lib_harness(qtbot: QtBot, tmp_path: Path) -> Iterator[Harness]:
    h = make_harness(qtbot, tmp_path / "config", archive_db=tmp_path / "archive.sqlite")
    yield h
    h.window.close()


def _media(tmp_path: Path, name: str = "talk") -> Path:
    media = tmp_path / f"{name}.opus"
    shutil.copy(SAMPLE_DIR / "briefing.opus", media)
    shutil.copy(SAMPLE_DIR / "briefing.vtt", tmp_path / f"{name}.vtt")
    return media


def _at(h: Harness, t_ms: int) -> None:
    h.advance(t_ms - h.backend.exact_ms())


def test_add_bookmarks_with_the_spoken_line_and_go_back(
    lib_harness: Harness, tmp_path: Path
) -> None:
    h = lib_harness
    w = h.window
    h.open(_media(tmp_path))
    cues = w.transcript.cues  # type: ignore[union-attr]
    _at(h, cues[4].start_ms + 200)
    w.panel.view.setFocus()
    h.qtbot.keyClick(w.panel.view, Qt.Key.Key_B)  # single key
    h.controller.seek(cues[1].start_ms + 300)
    h.qtbot.keyClick(w.panel.view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    panel = w.docks.bookmarks
    assert panel is not None and w.docks.bookmarks_dock is not None
    assert w.docks.bookmarks_dock.isVisible()
    assert w.status.label.text() == "Bookmark added at 0:05"
    # Listed by time, at the start of the line being spoken (issue 16: not the moment the key
    # was pressed), labelled with the speaker and the line as prose.
    assert [b.position_ms for b in panel.items] == [cues[1].start_ms, cues[4].start_ms]
    assert panel.items[0].label == f"{cues[1].speaker}: {' '.join(cues[1].text.split())}"
    assert panel.list.item(1).text().startswith(f"0:{cues[4].start_ms // 1000:02d}")
    # Enter on a bookmark goes there and plays.
    h.controller.pause()
    QApplication.processEvents()
    assert h.controller.state() is PlaybackState.PAUSED
    panel.list.setCurrentRow(1)
    h.qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert h.controller.position_ms() == cues[4].start_ms
    assert h.controller.state() is PlaybackState.PLAYING


def test_notes_remove_and_copy_as_quotes(lib_harness: Harness, tmp_path: Path) -> None:
    h = lib_harness
    w = h.window
    h.open(_media(tmp_path), play=False)
    h.controller.seek(21_500)  # just before a line starts: the one before (from 0:16.994)
    w.docks.add_bookmark()
    h.controller.seek(61_000)  # between lines: the one just spoken (from 0:59.xxx)
    w.docks.add_bookmark()
    panel = w.docks.bookmarks
    assert panel is not None
    starts = [b.position_ms for b in panel.items]
    assert starts[0] == 16_994 and starts[1] < 61_000
    panel.set_note(0, "  check the figure\nwith the ministry  ")
    assert panel.items[0].note == "check the figure\nwith the ministry"
    w.menu_actions.quotes()  # built after the first frame; now at once
    quotes = panel.quotes().splitlines()
    # The quote template (default: "…text…" — Speaker, Title, 00:01:23) and the note after it.
    assert quotes[0].startswith('"This week the national reservoirs stand')
    assert quotes[0].endswith(
        '" — Tomás Ferreira, talk, 00:00:16 — check the figure with the ministry'
    )
    assert quotes[1].startswith('"') and ", talk, 00:00:" in quotes[1]
    panel.copy_quotes()
    assert QApplication.clipboard().text() == panel.quotes()
    panel.list.setCurrentRow(0)
    h.qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert [b.position_ms for b in panel.items] == starts[1:]
    assert w.status.label.text() == "Bookmark removed"


def test_bookmarks_belong_to_their_file_and_survive_a_restart(qtbot: QtBot, tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    a, b = _media(tmp_path, "a"), _media(tmp_path, "b")
    h = make_harness(qtbot, tmp_path / "config", archive_db=db)
    h.open(a, play=False)
    h.controller.seek(10_000)  # in the line from 0:08.481: the bookmark takes its start
    h.window.docks.add_bookmark()
    h.open(b, play=False)
    assert h.window.docks.bookmarks is not None and h.window.docks.bookmarks.items == []
    h.window.close()
    with Archive.open(db) as archive:  # the index can be rebuilt: bookmarks are user data
        assert [x.position_ms for x in archive.bookmarks(a)] == [8_481]
    h2 = make_harness(qtbot, tmp_path / "config2", archive_db=db)
    try:
        h2.open(a, play=False)
        h2.window.docks.show_bookmarks(True)
        assert h2.window.docks.bookmarks is not None
        assert [x.position_ms for x in h2.window.docks.bookmarks.items] == [8_481]
    finally:
        h2.window.close()


def test_label_text_is_plain(lib_harness: Harness, tmp_path: Path) -> None:
    media = tmp_path / "x.opus"
    shutil.copy(SAMPLE_DIR / "briefing.opus", media)
    (tmp_path / "x.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:09.000\n<v Eve>&lt;b&gt;bold?&lt;/b&gt; <i>no</i>\n",
        encoding="utf-8",
    )
    h = lib_harness
    h.open(media, play=False)
    h.controller.seek(2000)
    h.window.tracker.update_position(2000)
    h.window.docks.add_bookmark()
    panel = h.window.docks.bookmarks
    assert panel is not None
    assert panel.items[0].label == "Eve: <b>bold?</b> no"
    assert panel.list.item(0).text().endswith("Eve: <b>bold?</b> no")


def test_without_a_library_bookmarks_are_unavailable(harness: Harness, sample_audio: Path) -> None:
    w = harness.window
    assert not w.menu_actions.act_add_bookmark.isEnabled()
    harness.open(sample_audio, play=False)
    w.docks.add_bookmark()  # e.g. from a stray call: says why, never raises
    assert "library database" in w.status.label.text()


def test_after_a_file_that_cannot_play_bookmarks_are_not_added_to_the_previous_one(
    lib_harness: Harness, tmp_path: Path
) -> None:
    h = lib_harness
    w = h.window
    a = _media(tmp_path, "a")
    h.open(a, play=False)
    h.controller.seek(10_000)  # in the line from 0:08.481: the bookmark takes its start
    w.docks.add_bookmark()
    broken = tmp_path / "broken.opus"
    broken.write_bytes(b"")
    assert not h.open(broken)
    assert w.docks.bookmarks is not None and w.docks.bookmarks.items == []
    w.docks.add_bookmark()
    assert "open a media file" in w.status.label.text()
    with Archive.open(tmp_path / "archive.sqlite") as archive:
        assert [b.position_ms for b in archive.bookmarks(a)] == [8_481]
