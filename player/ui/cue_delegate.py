"""How a cue row is drawn: ``CueDelegate`` paints the timestamp, the speaker name where the
speaker changes, and the cue text laid out with explicit character formats (italic/bold/underline
spans, search matches, the spoken word). Text is never parsed as HTML.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QTextLayout
from PySide6.QtWidgets import QAbstractItemView, QStyledItemDelegate, QStyleOptionViewItem

from player.core.model import Cue
from player.core.timeline.timecode import format_clock
from player.ui.models import Role

if TYPE_CHECKING:
    # Only annotations: importing a PySide6 class builds its Python type (and all its enums)
    # at once, a few ms each at start-up.
    from PySide6.QtGui import QTextCharFormat

_Index = QModelIndex | QPersistentModelIndex

PAD = 6
MARKER_W = 22
LINE_SEPARATOR = "\u2028"


@functools.cache
def _char_format_class() -> type[QTextCharFormat]:
    # Imported on first use: most rows need no character format, and the class (with the
    # enums of QTextFormat) costs about 3 ms to load, which the first frame need not pay.
    from PySide6.QtGui import QTextCharFormat

    return QTextCharFormat


def _char_format() -> QTextCharFormat:
    return _char_format_class()()


def _cue_formats(
    cue: Cue,
    base: QFont,
    matches: list[tuple[int, int]],
    active: tuple[int, int] | None,
    word: tuple[int, int] | None,
    palette: QPalette,
) -> list[QTextLayout.FormatRange]:
    """Character formats for a cue's text: styled spans, the spoken word, search matches."""
    ranges: list[QTextLayout.FormatRange] = []
    text_len = len(cue.text)
    if cue.spans and sum(len(s.text) for s in cue.spans) == text_len:
        offset = 0
        for span in cue.spans:
            length = len(span.text)
            if length and (span.italic or span.bold or span.underline):
                fmt = _char_format()
                if span.italic:
                    fmt.setFontItalic(True)
                if span.bold:
                    fmt.setFontWeight(QFont.Weight.Bold)
                if span.underline:
                    fmt.setFontUnderline(True)
                r = QTextLayout.FormatRange()
                r.start, r.length, r.format = offset, length, fmt
                ranges.append(r)
            offset += length
    if word is not None and word[1] > word[0]:
        fmt = _char_format()
        fmt.setFontUnderline(True)
        fmt.setUnderlineStyle(fmt.UnderlineStyle.SingleUnderline)
        fmt.setBackground(palette.color(QPalette.ColorRole.AlternateBase))
        r = QTextLayout.FormatRange()
        r.start, r.length, r.format = word[0], word[1] - word[0], fmt
        ranges.append(r)
    for start, end in matches:
        fmt = _char_format()
        is_active = active is not None and (start, end) == tuple(active)
        fmt.setBackground(QColor("#ff9f1c") if is_active else QColor("#ffe066"))
        fmt.setForeground(QColor("#000000"))
        if is_active:
            fmt.setFontUnderline(True)
        r = QTextLayout.FormatRange()
        r.start, r.length, r.format = start, max(0, end - start), fmt
        ranges.append(r)
    return ranges


class CueDelegate(QStyledItemDelegate):
    """Paints a cue row: ``▶ 1:23  Speaker`` / text, with formats applied per character range."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        self._height_cache: dict[tuple[int, int], int] = {}
        self.line_spacing = 1.0  # line height factor inside a cue (the user's preference)

    def _is_selected(self, index: _Index) -> bool:
        selection = self._view.selectionModel()
        return selection is not None and selection.isSelected(index)

    def clear_cache(self) -> None:
        """Forget measured row heights (after a font, width or model change)."""
        self._height_cache.clear()

    @staticmethod
    def _time_width(fm: QFontMetrics) -> int:
        return fm.horizontalAdvance("00:00:00") + PAD

    def _text_rect(self, option: QStyleOptionViewItem) -> QRect:
        fm = option.fontMetrics
        left = option.rect.left() + MARKER_W + self._time_width(fm)
        return QRect(left, option.rect.top() + PAD, option.rect.right() - left - PAD, 0)

    @staticmethod
    def _layout(
        text: str,
        font: QFont,
        width: int,
        formats: list[QTextLayout.FormatRange],
        spacing: float = 1.0,
    ) -> QTextLayout:
        layout = QTextLayout(text.replace("\n", LINE_SEPARATOR), font)
        layout.setCacheEnabled(True)
        if formats:
            layout.setFormats(formats)
        layout.beginLayout()
        y = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(20, width))
            line.setPosition(QPoint(0, int(y)).toPointF())
            y += line.height() * spacing
        layout.endLayout()
        return layout

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        """Row height from the laid-out text (cached per row and width)."""
        width = option.rect.width() if option.rect.width() > 0 else 400
        key = (index.row(), width)
        cached = self._height_cache.get(key)
        if cached is None:
            cue: Cue = index.data(Role.CUE)
            font = QFont(option.font)
            fm = QFontMetrics(font)
            text_w = width - MARKER_W - self._time_width(fm) - PAD
            layout = self._layout(cue.text, font, text_w, [], self.line_spacing)
            lines = layout.lineCount()
            last = layout.lineAt(lines - 1) if lines else None
            text_h = last.y() + last.height() if last is not None else fm.height()
            height = int(text_h + 0.999) + 2 * PAD
            if index.data(Role.SHOW_SPEAKER):
                height += fm.height() + 2
            cached = self._height_cache[key] = max(height, fm.height() + 2 * PAD)
        return QSize(width, cached)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        """Draw the row with the current cue marked by weight, a marker and a background."""
        cue: Cue = index.data(Role.CUE)
        if cue is None:
            return
        palette = option.palette
        is_current = bool(index.data(Role.IS_CURRENT))
        # The selection model rather than ``option.state``: reading the state builds QStyle's
        # Python type (its dozen enums, 5-10 ms) during the first frame.
        selected = self._is_selected(index)
        painter.save()
        rect = option.rect
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        elif is_current:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        font = QFont(option.font)
        if is_current:
            font.setWeight(QFont.Weight.Bold)
            # A solid bar and a triangle: the current line is not marked by colour alone.
            painter.fillRect(
                QRect(rect.left(), rect.top(), 4, rect.height()),
                palette.color(
                    QPalette.ColorRole.Highlight
                    if not selected
                    else QPalette.ColorRole.HighlightedText
                ),
            )
        fm = QFontMetrics(option.font)
        top = rect.top() + PAD
        painter.setPen(text_color)
        if is_current:
            painter.setFont(font)
            painter.drawText(
                QRect(rect.left() + 5, top, MARKER_W - 6, fm.height()),
                Qt.AlignmentFlag.AlignCenter,
                "▶",
            )
        time_font = QFont(option.font)
        painter.setFont(time_font)
        dim = QColor(text_color)
        if not selected:
            dim = palette.color(QPalette.ColorRole.PlaceholderText)
        painter.setPen(dim)
        painter.drawText(
            QRect(rect.left() + MARKER_W, top, self._time_width(fm), fm.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            format_clock(cue.start_ms) if index.data(Role.START_MS) is not None else "",
        )
        left = rect.left() + MARKER_W + self._time_width(fm)
        width = rect.right() - left - PAD
        if index.data(Role.SHOW_SPEAKER) and cue.speaker:
            sfont = QFont(option.font)
            sfont.setWeight(QFont.Weight.Bold)
            painter.setFont(sfont)
            painter.setPen(text_color)
            sfm = QFontMetrics(sfont)
            painter.drawText(
                QRect(left, top, width, sfm.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                sfm.elidedText(cue.speaker, Qt.TextElideMode.ElideRight, width),
            )
            top += fm.height() + 2
        formats = _cue_formats(
            cue,
            font,
            index.data(Role.MATCHES) or [],
            index.data(Role.ACTIVE_MATCH),
            index.data(Role.WORD_RANGE),
            palette,
        )
        layout = self._layout(cue.text, font, width, formats, self.line_spacing)
        painter.setPen(text_color)
        layout.draw(painter, QPoint(left, top).toPointF())
        painter.restore()
