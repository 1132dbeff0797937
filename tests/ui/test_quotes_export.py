"""The journalist's desk in the window (issue 16, part A): quotes through one template, words
selected inside a line (keyboard and mouse) with the first word's time, bookmarks at the line's
or the words' start, File ▸ Export… (range between marks shifted to zero, read back), the
click/double-click rule and its preference, and the search bar saying the rule of a hit."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from player.core.formats.load import load_transcript
from player.core.timeline.marks import Marks
from player.ui import settings as S
from player.ui.export_dialog import show_export, write_export
from player.ui.quote_selection import word_start_ms
from tests.ui.conftest import SAMPLE_DIR, Harness, make_harness

WORDS_VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Ana Ruiz>Will <00:00:01.500>households <00:00:02.000>pay <00:00:02.400>more for
<00:00:03.000>water once the desali-
nation plant is running?

00:00:05.000 --> 00:00:08.000
<v Tomás Ferreira>No, prices will not change.
"""


def _words_briefing(tmp_path: Path) -> Path:
    media = tmp_path / "Coasts briefing.opus"
    shutil.copy(SAMPLE_DIR / "briefing.opus", media)
    media.with_suffix(".vtt").write_text(WORDS_VTT, encoding="utf-8")
    return media


def _ready(h: Harness, media: Path) -> None:
    h.open(media, play=False)
    h.window.menu_actions.quotes()  # built after the first frame; at once here


def test_copying_lines_uses_the_quote_template(harness: Harness, tmp_path: Path) -> None:
    h, w = harness, harness.window
    _ready(h, _words_briefing(tmp_path))
    view = w.panel.view
    view.setFocus()
    view.setCurrentIndex(w.model.index(0))
    view.selectionModel().select(w.model.index(0), view.selectionModel().SelectionFlag.Select)
    text = view.copy_selection()
    assert text == (
        '"Will households pay more for water once the desalination plant is running?" '
        "— Ana Ruiz, Coasts briefing, 00:00:01"
    )
    assert QApplication.clipboard().text() == text
    h.settings.set(S.QUOTE_TEMPLATE, "[{timestamp}] {speaker}: {text}")
    assert view.copy_rows([1]) == "[00:00:05.0] Tomás Ferreira: No, prices will not change."


def test_shift_arrows_select_words_copied_with_the_first_words_time(
    harness: Harness, tmp_path: Path
) -> None:
    h, w = harness, harness.window
    _ready(h, _words_briefing(tmp_path))
    view = w.panel.view
    view.setFocus()
    view.setCurrentIndex(w.model.index(0))
    h.qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    _context, selector = w.menu_actions.quotes()
    assert selector.row == 0
    editor = QApplication.focusWidget()
    assert editor is not None and editor.accessibleName() == "Select words to quote"
    assert not w.panel.is_following()
    # Move to "households", then select it and the next two words by keyboard.
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    h.qtbot.keyClick(editor, Qt.Key.Key_Right, ctrl)
    for _ in range(3):
        h.qtbot.keyClick(editor, Qt.Key.Key_Right, ctrl | shift)
    quote = selector.selected_quote()
    assert quote is not None and quote.text == "households pay more"
    assert quote.start_ms == 1500  # the first selected word's timing, not the line's start
    h.qtbot.keyClick(editor, Qt.Key.Key_C, ctrl)
    assert QApplication.clipboard().text() == (
        '"households pay more" — Ana Ruiz, Coasts briefing, 00:00:01'
    )
    # Across the hyphenated line end: joined as prose.
    start = WORDS_VTT.split("\n")[3].find("water")  # offsets in the cue's text
    cue = w.transcript.cues[0]  # type: ignore[union-attr]
    start = cue.text.index("water")
    selector.select(start, cue.text.index("plant") + len("plant"))
    assert selector.copy().startswith('"water once the desalination plant" — Ana Ruiz')
    assert word_start_ms(cue, start) == 3000
    # Esc leaves the mode and gives the focus back to the list.
    h.qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert selector.row == -1 and view.hasFocus()


def test_dragging_across_words_selects_them(harness: Harness, tmp_path: Path) -> None:
    h, w = harness, harness.window
    _ready(h, _words_briefing(tmp_path))
    view = w.panel.view
    _context, selector = w.menu_actions.quotes()
    rect = view.visualRect(w.model.index(1))
    y = rect.center().y()
    start, end = QPoint(rect.left() + 10, y), QPoint(rect.right() - 10, y)
    h.qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for x in range(start.x(), end.x(), 20):
        h.qtbot.mouseMove(view.viewport(), QPoint(x, y))
    h.qtbot.mouseMove(view.viewport(), end)
    h.qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    assert selector.row == 1
    quote = selector.selected_quote()
    assert quote is not None and len(quote.text) > 0
    assert quote.text in "No, prices will not change."
    assert h.controller.position_ms() == 0  # selecting never seeks


def test_bookmark_takes_the_selected_words_start(tmp_path: Path, qtbot: object) -> None:
    h = make_harness(qtbot, tmp_path / "config", archive_db=tmp_path / "archive.sqlite")  # type: ignore[arg-type]
    try:
        w = h.window
        _ready(h, _words_briefing(tmp_path))
        _context, selector = w.menu_actions.quotes()
        cue = w.transcript.cues[0]  # type: ignore[union-attr]
        assert selector.open_row(0, cue.text.index("pay"), cue.text.index("pay") + 3)
        h.controller.seek(3_500)
        w.docks.add_bookmark()
        panel = w.docks.bookmarks
        assert panel is not None
        assert [(b.position_ms, b.label) for b in panel.items] == [(2000, "Ana Ruiz: pay")]
        selector.close()
        h.controller.seek(6_000)  # inside the second line: its start
        w.docks.add_bookmark()
        assert [b.position_ms for b in panel.items] == [2000, 5000]
    finally:
        h.window.close()


def test_export_between_marks_shifted_to_zero_reads_back(harness: Harness, tmp_path: Path) -> None:
    h, w = harness, harness.window
    _ready(h, SAMPLE_DIR / "briefing.opus")
    desk = w.menu_actions.desk()
    desk.marks.set_marks(Marks(60_000, 70_000))
    dialog = show_export(w, w.menu_actions.quotes()[0], desk, *w.menu_actions._quote_parts)
    assert dialog is not None
    assert dialog.scope() == "marks"  # the marks are set: offered first
    assert "1:00–1:10" in dialog.scope_buttons["marks"].text()
    dialog.set_format("vtt")
    dialog.shift.setChecked(True)
    out = tmp_path / "range.vtt"
    write_export(dialog.request(), dialog.fmt(), out)
    back = load_transcript(out).cues
    cues = w.transcript.cues  # type: ignore[union-attr]
    inside = [c for c in cues if c.start_ms < 70_000 and c.end_ms > 60_000]
    assert [c.text for c in back] == [c.text for c in inside]
    assert back[0].start_ms == max(inside[0].start_ms, 60_000) - 60_000
    assert [c.speakers for c in back] == [c.speakers for c in inside]
    assert (out.stat().st_mode & 0o777) == 0o600
    # DOCX of the whole transcript, without timestamps: speakers in bold.
    from docx import Document

    dialog.set_scope("all")
    dialog.set_format("docx")
    dialog.timestamps.setChecked(False)
    docx_out = tmp_path / "all.docx"
    write_export(dialog.request(), "docx", docx_out)
    paragraphs = [p for p in Document(io.BytesIO(docx_out.read_bytes())).paragraphs if p.text]
    assert paragraphs[0].text == "briefing"  # the title: the tag, else the file name
    assert len(paragraphs) == 1 + len(cues)
    assert paragraphs[1].runs[0].bold and paragraphs[1].runs[0].text == f"{cues[0].speaker}:"
    assert dialog.suggested_name() == "briefing.docx"
    dialog.reject()


def test_export_of_search_hits(harness: Harness) -> None:
    h, w = harness, harness.window
    _ready(h, SAMPLE_DIR / "briefing.opus")
    w.start_search("water")
    w.search.run_now()
    h.qtbot.waitUntil(lambda: w.search.outcome is not None, timeout=5000)
    dialog = show_export(
        w, w.menu_actions.quotes()[0], w.menu_actions.desk(), *w.menu_actions._quote_parts
    )
    assert dialog is not None
    dialog.set_scope("hits")
    dialog.set_format("txt")
    request = dialog.request()
    assert len(request.cues) == 5  # whole words: "watering" is not a hit
    assert all(re.search(r"\bwater\b", c.text, re.IGNORECASE) for c in request.cues)
    dialog.reject()


def test_search_bar_says_the_rule_and_counts_match_the_archive_rule(harness: Harness) -> None:
    h, w = harness, harness.window
    _ready(h, SAMPLE_DIR / "briefing.opus")
    w.start_search("water")
    search = w.search
    assert search.word_box.isChecked()  # whole words by default
    assert "whole words" in search.edit.placeholderText()
    search.run_now()
    h.qtbot.waitUntil(lambda: search.status.text().startswith("5 hit"), timeout=5000)
    search.word_box.setChecked(False)
    assert "part of words" in search.edit.placeholderText()
    h.qtbot.waitUntil(lambda: search.status.text().startswith("6 hit"), timeout=5000)


def test_click_plays_preference(harness: Harness) -> None:
    h, w = harness, harness.window
    _ready(h, SAMPLE_DIR / "briefing.opus")
    from player.ui.preferences import PreferencesDialog

    dialog = PreferencesDialog(h.settings, w)
    assert dialog.quote_template.currentText() == S.QUOTE_TEMPLATE.default
    dialog.click_plays.setChecked(True)
    dialog.quote_template.setCurrentText("{bad field}")  # refused: the default is kept
    dialog.apply()
    w.dialogs.preferences_applied.emit()
    assert h.settings.get(S.CLICK_PLAYS) and w.panel.view.click_plays
    assert h.settings.get(S.QUOTE_TEMPLATE) == S.QUOTE_TEMPLATE.default
    view = w.panel.view
    index = w.model.index(3)
    view.scrollTo(index)
    h.qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )
    assert h.controller.position_ms() == w.transcript.cues[3].start_ms  # type: ignore[union-attr]
