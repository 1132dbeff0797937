"""First-day polish (issue 17): eliding labels carry their whole text, the search explains an
empty result, the window's docks come back where they were, and the transcript keeps five
lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QHBoxLayout, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from player.core.text.search import SearchOptions
from player.ui import settings as S
from player.ui.eliding_label import ElidingLabel, clipped_widgets, elide_words
from player.ui.search_hints import no_match_hint
from player.ui.window_layout import MIN_TRANSCRIPT_LINES
from tests.conftest import SAMPLE_DIR
from tests.ui.conftest import make_harness

LONG = "Transcript — a very long briefing title that cannot possibly fit (en)"


def test_eliding_label_puts_the_whole_text_in_tooltip_and_name(qtbot: QtBot) -> None:
    label = ElidingLabel(LONG)
    label.setToolTip("own tip")
    qtbot.addWidget(label)
    label.resize(120, 30)
    label.show()
    qtbot.waitUntil(label.is_elided)
    assert label.text() == LONG
    assert label.shown_text().endswith("…") and len(label.shown_text()) < len(LONG)
    assert label.toolTip() == LONG and label.accessibleName() == LONG
    assert clipped_widgets(label) == []  # cut, but with its whole text at hand
    label.resize(label.sizeHint().width() + 10, 30)
    qtbot.waitUntil(lambda: not label.is_elided())
    assert label.shown_text() == LONG and label.toolTip() == "own tip"
    assert label.accessibleName() == ""


def test_the_check_finds_a_cut_button_without_tooltip(qtbot: QtBot) -> None:
    root = QWidget()
    qtbot.addWidget(root)
    row = QHBoxLayout(root)
    button = QPushButton("A button with a long text on it")
    button.setMaximumWidth(60)
    row.addWidget(button)
    root.show()
    QApplication.processEvents()
    assert len(clipped_widgets(root)) == 1
    button.setToolTip(button.text())
    assert clipped_widgets(root) == []


def test_no_match_hint_says_what_to_try() -> None:
    plain = no_match_hint(
        "zebra", SearchOptions(whole_word=True), all_briefings=False, library=True
    )
    assert plain == (
        "No match for ‘zebra’ — try part of words (turn off W) or search All briefings (In:)."
    )
    many = no_match_hint(
        "two words", SearchOptions(case_sensitive=True), all_briefings=True, library=True
    )
    assert "in the library" in many and "fewer words" in many and "Match case" in many
    assert "All briefings (In:)" not in many


def test_window_layout_and_docks_come_back(qtbot: QtBot, tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    h = make_harness(qtbot, tmp_path / "cfg", archive_db=db)
    qtbot.waitUntil(lambda: h.window.docks.library is not None, timeout=10000)
    h.window.docks.show_library(True)
    assert h.window.docks.library_dock is not None
    qtbot.waitUntil(h.window.docks.library_dock.isVisible)
    h.window.close()
    assert h.settings.get(S.WINDOW_STATE)
    again = make_harness(qtbot, tmp_path / "cfg", archive_db=db)
    qtbot.waitUntil(lambda: again.window.docks.library_dock is not None, timeout=10000)
    dock = again.window.docks.library_dock
    assert dock is not None
    qtbot.waitUntil(dock.isVisible, timeout=5000)
    again.window.close()


def test_transcript_keeps_five_lines_with_docks_open(qtbot: QtBot, tmp_path: Path) -> None:
    h = make_harness(qtbot, tmp_path / "cfg", archive_db=tmp_path / "a.sqlite")
    w = h.window
    w.resize(1000, 600)
    h.open(SAMPLE_DIR / "briefing.opus", play=False)
    w.docks.show_library(True)
    w.docks.show_bookmarks(True)
    w.start_search("water")
    qtbot.waitUntil(lambda: w.search.outcome is not None, timeout=10000)
    QApplication.processEvents()
    view = w.panel.view
    assert view.height() >= MIN_TRANSCRIPT_LINES * view.fontMetrics().lineSpacing()
    w.close()


def test_elide_words_cuts_at_a_word(qtbot: QtBot) -> None:
    label = QWidget()
    qtbot.addWidget(label)
    fm = label.fontMetrics()
    text = "households pay more for water once the desalination plant runs"
    room = fm.horizontalAdvance("water once the desalination plant runs")
    left = elide_words(text, room, fm, left=True)
    assert left.startswith("…") and text.endswith(left[1:]) and left[1] != " "
    assert text[len(text) - len(left) + 1 - 1] == " "  # what is kept starts a word
    right = elide_words(text, fm.horizontalAdvance("households pay more fo"), fm)
    assert right == "households pay more…"
    assert elide_words("short", 1000, fm) == "short"


def test_chapter_button_keeps_its_width_and_reset_reads_as_an_action(
    qtbot: QtBot, tmp_path: Path
) -> None:
    h = make_harness(qtbot, tmp_path / "cfg")
    h.open(SAMPLE_DIR / "briefing.opus", play=False)
    transport = h.window.transport
    qtbot.waitUntil(lambda: bool(transport.chapters), timeout=10000)
    widths = set()
    for chapter in transport.chapters:
        h.controller.seek(chapter.start_ms + 100)
        h.advance(50)
        QApplication.processEvents()
        widths.add(transport.chapter_button.width())
    assert len(widths) == 1
    assert transport.rate_reset.accessibleName() == "Normal speed"
    assert transport.rate_reset.text() != transport.rate_box.currentText()
    h.window.close()


def test_a_lines_text_reads_as_prose_unless_breaks_are_kept(qtbot: QtBot, tmp_path: Path) -> None:
    h = make_harness(qtbot, tmp_path / "cfg")
    w = h.window
    w.resize(1600, 700)
    h.open(SAMPLE_DIR / "briefing.opus", play=False)
    row = next(i for i, c in enumerate(w.model.cues) if "\n" in c.text)
    view = w.panel.view

    def height() -> int:
        h.qtbot.waitUntil(lambda: not w.panel.relayout_pending(), timeout=5000)
        QApplication.processEvents()
        return view.visualRect(w.model.index(row, 0)).height()

    prose = height()
    assert w.panel.delegate.shown(w.model.cues[row].text).count("\n") == 0
    h.settings.set(S.TRANSCRIPT_KEEP_LINE_BREAKS, True)
    w.reading_style.apply()
    kept = height()
    assert kept > prose  # the file's break makes a second line in a wide panel
    w.close()


def test_file_dialogs_start_in_the_media_folder_then_the_last_one(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    h = make_harness(qtbot, tmp_path / "cfg")
    asked: list[str] = []
    chosen = tmp_path / "elsewhere" / "other.vtt"
    chosen.parent.mkdir()

    def fake(_parent: object, _title: str, folder: str, _filters: str) -> tuple[str, str]:
        asked.append(folder)
        return str(chosen), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake))
    assert h.window.dialogs.choose_transcript_file() == str(chosen)
    assert asked[-1] == str(Path.home())  # nothing open, nothing used yet: not the cwd
    assert h.window.dialogs.choose_media_file() == str(chosen)
    assert asked[-1] == str(chosen.parent)  # the last folder used
    h.open(SAMPLE_DIR / "briefing.opus", play=False)
    h.window.dialogs.choose_transcript_file()
    assert asked[-1] == str(SAMPLE_DIR)  # the open media's folder comes first
    h.window.close()


def test_library_tells_briefing_mp4_from_briefing_opus(qtbot: QtBot, tmp_path: Path) -> None:
    import shutil

    from player.core.archive.library import Archive
    from player.ui.library_panel import COLUMNS

    folder = tmp_path / "Press office" / "2024"
    folder.mkdir(parents=True)
    for name in ("briefing.mp4", "briefing.opus", "briefing.vtt"):
        shutil.copy(SAMPLE_DIR / name, folder / name)
    db = tmp_path / "archive.sqlite"
    with Archive.open(db) as archive:
        archive.add_folder(tmp_path / "Press office")
        archive.scan()
    h = make_harness(qtbot, tmp_path / "cfg", archive_db=db)
    qtbot.waitUntil(lambda: h.window.docks.library is not None, timeout=10000)
    library = h.window.docks.library
    assert library is not None
    qtbot.waitUntil(lambda: library.proxy.rowCount() == 2, timeout=10000)
    type_col, folder_col = COLUMNS.index("Type"), COLUMNS.index("Folder")
    types = {library.proxy.index(r, type_col).data() for r in range(2)}
    assert types == {"video (MP4)", "audio (Opus)"}
    assert {library.proxy.index(r, folder_col).data() for r in range(2)} == {"2024"}
    header = library.table.horizontalHeader()
    assert [header.logicalIndex(v) for v in range(3)] == [0, type_col, folder_col]
    h.window.close()


def test_the_empty_transcript_says_what_to_do(qtbot: QtBot, tmp_path: Path) -> None:
    import shutil

    h = make_harness(qtbot, tmp_path / "cfg")
    note = h.window.facets[1]
    assert "Open Media" in note.text() and "Library" in note.text()
    lonely = tmp_path / "interview.opus"
    shutil.copy(SAMPLE_DIR / "briefing.opus", lonely)
    h.open(lonely, play=False)
    assert "No transcript for interview.opus" in note.text()
    assert "Open Transcript" in note.text() and "Synchronize" in note.text()
    h.open(SAMPLE_DIR / "briefing.opus", play=False)
    assert note.text() == ""
    h.window.close()


def _vtt(cues: int, step_ms: int = 2000) -> str:
    from player.core.timeline.timecode import format_timestamp

    lines = ["WEBVTT", ""]
    for i in range(cues):
        start, end = i * step_ms, i * step_ms + step_ms - 100
        lines += [f"{format_timestamp(start)} --> {format_timestamp(end)}", f"Line {i} said.", ""]
    return "\n".join(lines)


def test_a_big_transcript_shows_its_first_rows_while_it_loads(qtbot: QtBot, tmp_path: Path) -> None:
    from player.ui.transcript_session import LoadPhase

    big = tmp_path / "huge.vtt"
    big.write_text(_vtt(50_000, step_ms=1000), encoding="utf-8")
    h = make_harness(qtbot, tmp_path / "cfg")
    w = h.window
    seen: list[tuple[LoadPhase, int]] = []
    w.model.modelReset.connect(lambda: seen.append((w.session.state.phase, w.model.rowCount())))
    w.open_transcript(big)
    qtbot.waitUntil(lambda: w.session.state.phase is LoadPhase.READY, timeout=60000)
    assert w.model.rowCount() == 50_000
    early = [rows for phase, rows in seen if phase is LoadPhase.LOADING and rows]
    assert early and 0 < early[0] < 50_000  # the head, shown before the whole
    w.close()


def test_a_big_transcript_is_parsed_whole_once_its_first_rows_are_shown(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The head first, then the whole file: rows laid out while a worker parses wait for the
    interpreter's lock at every row, which blocked the window for 100-200 ms at a time."""
    from player.ui import actions, transcript_preview, transcript_session

    big = tmp_path / "huge.vtt"
    big.write_text(_vtt(20_000, step_ms=1000), encoding="utf-8")
    h = make_harness(qtbot, tmp_path / "cfg")
    w = h.window
    rows_at_parse: list[int] = []
    parse = transcript_session.load_with_index

    def spying(path: str) -> object:
        rows_at_parse.append(w.model.rowCount())  # the model's row count, read once
        return parse(path)

    monkeypatch.setattr(transcript_session, "load_with_index", spying)
    w.open_transcript(big)
    qtbot.wait(actions.KEYBOARD_DELAY_MS + 100)
    if w.session.is_busy():  # the keyboard helpers wait for the transcript (same reason)
        assert w.menu_actions._keyboard is None
    qtbot.waitUntil(lambda: w.model.rowCount() == 20_000, timeout=60000)
    assert rows_at_parse == [transcript_preview.PREVIEW_ROWS]
    qtbot.waitUntil(lambda: w.menu_actions._keyboard is not None, timeout=10000)
    # A head that cannot be read still leads to the whole parse (which says what is wrong).
    rows_at_parse.clear()
    bad = tmp_path / "bad.vtt"
    bad.write_bytes(b"\xff" * (transcript_preview.PREVIEW_FROM_BYTES + 10))
    w.open_transcript(bad)
    qtbot.waitUntil(lambda: not w.session.is_busy(), timeout=60000)
    assert len(rows_at_parse) == 1
    w.close()


def test_a_transcript_far_longer_than_its_media_is_questioned(qtbot: QtBot, tmp_path: Path) -> None:
    import shutil

    media = tmp_path / "short.opus"
    shutil.copy(SAMPLE_DIR / "briefing.opus", media)
    (tmp_path / "short.vtt").write_text(_vtt(60, step_ms=60_000), encoding="utf-8")
    h = make_harness(qtbot, tmp_path / "cfg")
    h.open(media, play=False)
    qtbot.waitUntil(lambda: h.window.info_bar.isVisible(), timeout=10000)
    text = h.window.info_bar.label.text()
    assert "short.vtt runs to 59:59" in text and "1:25" in text and "another" in text
    h.window.close()
    again = make_harness(qtbot, tmp_path / "cfg2")
    again.open(SAMPLE_DIR / "briefing.opus", play=False)
    assert not again.window.info_bar.isVisible()
    again.window.close()


def test_the_whole_video_surface_is_repainted_when_finished(qtbot: QtBot, tmp_path: Path) -> None:
    from player.playback.base import PlaybackState
    from player.ui.video_frames import VideoFrames

    h = make_harness(qtbot, tmp_path / "cfg", embed_video=True)
    frames = next(f for f in h.window.facets if isinstance(f, VideoFrames))
    h.open(SAMPLE_DIR / "briefing.mp4")
    assert h.window.media.showing_video()
    h.controller.seek(84_000)
    h.advance(3_000, step_ms=100)
    qtbot.waitUntil(lambda: h.controller.state() is PlaybackState.ENDED, timeout=10000)
    assert frames.repaints >= 1
    h.window.close()
