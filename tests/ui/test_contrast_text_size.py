"""Enlarged text (WCAG 1.4.4 resize text, 1.4.12 text spacing): at every text size and line
spacing the Preferences allow, with the Bookmarks dock narrowing the list, each row's painted
text stays inside its row (the bold playing line never runs over the next one)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from player.ui import settings as S
from player.ui.style import MAX_FONT_PT
from tests.ui.conftest import Harness

ROWS_CHECKED = 12


def _ink_below(h: Harness, row: int) -> int:
    """Paint ``row`` (as the view lays it out) into an image twice its height; the number of
    pixel lines under the row's own rect that got any ink."""
    view = h.window.panel.view
    index = h.window.model.index(row, 0)
    rect = view.visualRect(index)
    assert rect.height() > 0
    base = view.palette().color(view.palette().ColorRole.Base)
    image = QImage(rect.width(), rect.height() * 2 + 40, QImage.Format.Format_RGB32)
    image.fill(base)
    option = QStyleOptionViewItem()
    option.font = view.font()
    option.palette = view.palette()
    option.fontMetrics = view.fontMetrics()
    option.rect = QRect(0, 0, rect.width(), rect.height())
    painter = QPainter(image)
    view.itemDelegate().paint(painter, option, index)
    painter.end()
    inked = 0
    for y in range(rect.height(), image.height()):
        if any(QColor(image.pixel(x, y)) != base for x in range(0, image.width(), 2)):
            inked += 1
    return inked


@pytest.mark.parametrize("spacing", [100, 250])
@pytest.mark.parametrize("points", [0, 24, MAX_FONT_PT])
def test_current_line_never_overlaps_at_max_text_size(
    harness: Harness, sample_audio: Path, points: int, spacing: int
) -> None:
    h = harness
    w = h.window
    h.open(sample_audio, play=False)
    w.docks.show_bookmarks(True)  # narrows the list: rows re-wrap
    h.settings.set(S.TRANSCRIPT_FONT_PT, points)
    h.settings.set(S.TRANSCRIPT_LINE_SPACING, spacing)
    w.reading_style.apply()
    h.qtbot.waitUntil(lambda: not w.panel.relayout_pending(), timeout=5000)
    w.panel.view.doItemsLayout()
    for row in range(min(ROWS_CHECKED, w.model.rowCount())):
        w.panel.set_current_row(row)  # the bold playing look, the widest
        w.panel.view.selectionModel().select(
            w.model.index(row, 0), w.panel.view.selectionModel().SelectionFlag.ClearAndSelect
        )
        assert _ink_below(h, row) == 0, (points, spacing, row)


def test_ctrl_plus_six_times_re_measures_the_rows(harness: Harness, sample_audio: Path) -> None:
    """Larger Text (Ctrl++) six times: the rows grow with the text, none overlaps."""
    h = harness
    w = h.window
    h.open(sample_audio, play=False)
    w.docks.show_bookmarks(True)
    before = w.panel.view.visualRect(w.model.index(4, 0)).height()
    for _ in range(6):
        w.reading_style.change_font_size(1)
    h.qtbot.waitUntil(lambda: not w.panel.relayout_pending(), timeout=5000)
    assert w.panel.view.visualRect(w.model.index(4, 0)).height() > before
    for row in range(min(ROWS_CHECKED, w.model.rowCount())):
        w.panel.set_current_row(row)
        assert _ink_below(h, row) == 0, row


def test_large_text_in_a_narrow_list_puts_the_time_above(
    harness: Harness, sample_audio: Path
) -> None:
    """At the largest size beside the Bookmarks dock the time column would leave the text a
    few letters a line: the time goes above the text, which gets the row's width."""
    h = harness
    w = h.window
    h.open(sample_audio, play=False)
    w.docks.show_bookmarks(True)
    h.settings.set(S.TRANSCRIPT_FONT_PT, MAX_FONT_PT)
    w.reading_style.apply()
    h.qtbot.waitUntil(lambda: not w.panel.relayout_pending(), timeout=5000)
    view = w.panel.view
    fm = view.fontMetrics()
    row_width = view.visualRect(w.model.index(0, 0)).width()
    _, text_width, stacked = w.panel.delegate._columns(row_width, fm)
    assert stacked
    assert text_width > row_width * 0.6
    h.settings.set(S.TRANSCRIPT_FONT_PT, 0)
    w.reading_style.apply()
    h.qtbot.waitUntil(lambda: not w.panel.relayout_pending(), timeout=5000)
    fm = view.fontMetrics()
    row_width = view.visualRect(w.model.index(0, 0)).width()
    assert not w.panel.delegate._columns(row_width, fm)[2]  # default size: side by side
