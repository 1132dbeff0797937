"""How a cue row is drawn: ``CueDelegate`` paints the timestamp, the speaker name where the
speaker changes, and the cue text laid out with explicit character formats (italic/bold/underline
spans, search matches, the spoken word). Text is never parsed as HTML.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QTextLayout
from PySide6.QtWidgets import QAbstractItemView, QStyledItemDelegate, QStyleOptionViewItem

from player.core.contrast import (
    AA_NON_TEXT,
    AA_NORMAL_TEXT,
    blend,
    contrast_ratio,
    readable_on_all,
)
from player.core.model import Cue
from player.core.timeline.timecode import format_clock
from player.ui.models import Role

if TYPE_CHECKING:
    # Only annotations: importing a PySide6 class builds its Python type (and all its enums)
    # at once, a few ms each at start-up.
    from PySide6.QtGui import QTextCharFormat, QTextOption

_Index = QModelIndex | QPersistentModelIndex

PAD = 6
MARKER_W = 22
BAR_W = 6  # the playing row's bar
MIN_TEXT_CHARS = 18  # narrower than this beside the time: the time goes above the text
OUTLINE_W = 2  # the selected row's frame, and the focused row's
LINE_SEPARATOR = "\u2028"
MARK, MARK_ACTIVE, MARK_TEXT = "#ffd23f", "#f08c00", "#000000"  # search hits (text 14:1, 8:1)


class RowColors(NamedTuple):
    """The colours of a transcript row, worked out from the palette (``#rrggbb``).

    ``band`` and ``bar``: the playing row's background and its bar on the left; ``selected``
    and ``outline``: a selected row's background and frame; ``time`` and ``time_on_band``:
    timestamps (4.5:1 on the base, the band and the selection); ``focus``: the frame of the
    focused row when the list has the focus (3:1)."""

    text: str
    base: str
    band: str
    bar: str
    selected: str
    outline: str
    time: str
    focus: str


@functools.lru_cache(maxsize=16)
def _row_colors(
    text: str, base: str, alternate: str, highlight: str, placeholder: str
) -> RowColors:
    band = alternate  # high contrast's olive band
    if contrast_ratio(alternate, base) < 1.5:  # a theme's grey, near the selection's grey
        band = blend(highlight, base, 0.25)
    bar = readable_on_all(highlight, [base, band], AA_NON_TEXT + 0.5)
    selected = blend(text, base, 0.07)
    outline = readable_on_all(highlight, [base, selected], AA_NON_TEXT + 0.5)
    time = readable_on_all(placeholder, [base, band, selected], AA_NORMAL_TEXT + 0.2)
    focus = readable_on_all(highlight, [base, band, selected], AA_NON_TEXT + 0.5)
    return RowColors(text, base, band, bar, selected, outline, time, focus)


def row_colors(palette: QPalette) -> RowColors:
    """The row colours for ``palette`` (cached: painting asks for every row)."""
    role = QPalette.ColorRole
    return _row_colors(
        palette.color(role.Text).name(),
        palette.color(role.Base).name(),
        palette.color(role.AlternateBase).name(),
        palette.color(role.Highlight).name(),
        palette.color(role.PlaceholderText).name(),
    )


@functools.cache
def _char_format_class() -> type[QTextCharFormat]:
    # Imported on first use: most rows need no character format, and the class (with the
    # enums of QTextFormat) costs about 3 ms to load, which the first frame need not pay.
    from PySide6.QtGui import QTextCharFormat

    return QTextCharFormat


@functools.cache
def _wrap_anywhere() -> QTextOption:
    from PySide6.QtGui import QTextOption

    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    return option


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
        # Hits are marked by more than colour: underlined, and the one stepped to is bold.
        fmt = _char_format()
        is_active = active is not None and (start, end) == tuple(active)
        fmt.setBackground(QColor(MARK_ACTIVE if is_active else MARK))
        fmt.setForeground(QColor(MARK_TEXT))
        fmt.setFontUnderline(True)
        if is_active:
            fmt.setFontWeight(QFont.Weight.Bold)
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
        # A file's line break inside a cue: a space (the cue reads as prose, re-wrapped to the
        # row) or LINE_SEPARATOR (kept). One character for one: offsets stay valid.
        self.line_break = " "

    def _is_selected(self, index: _Index) -> bool:
        selection = self._view.selectionModel()
        return selection is not None and selection.isSelected(index)

    def _has_focus_at(self, index: _Index) -> bool:
        view = self._view
        return view.hasFocus() and view.currentIndex() == index

    @staticmethod
    def _frame(
        painter: QPainter, rect: QRect, color: str, inset: int, *, dashed: bool = False
    ) -> None:
        """A frame ``OUTLINE_W`` wide just inside ``rect`` (``inset`` further in)."""
        from PySide6.QtGui import QPen  # a pen type only for selected or focused rows

        pen = QPen(QColor(color), OUTLINE_W)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = OUTLINE_W // 2 + inset
        painter.drawRect(rect.adjusted(half, half, -half - 1, -half - 1))

    def clear_cache(self) -> None:
        """Forget measured row heights (after a font, width or model change)."""
        self._height_cache.clear()

    @staticmethod
    def _time_width(fm: QFontMetrics) -> int:
        return fm.horizontalAdvance("00:00:00") + PAD

    @staticmethod
    def _marker_width(fm: QFontMetrics) -> int:
        """The bar and the triangle (wider with larger text: it never runs into the time)."""
        return max(MARKER_W, BAR_W + fm.horizontalAdvance("▶") * 5 // 4 + 4)

    def _columns(self, row_width: int, fm: QFontMetrics) -> tuple[int, int, bool]:
        """Where the text starts (from the row's left), how wide it is, and whether the time
        sits on its own line above it: with large text in a narrow list the time column would
        leave the text a few letters a line (WCAG 1.4.4, 1.4.10)."""
        marker = self._marker_width(fm)
        beside = row_width - marker - self._time_width(fm) - PAD - 1
        if beside >= fm.averageCharWidth() * MIN_TEXT_CHARS:
            return marker + self._time_width(fm), beside, False
        return marker, row_width - marker - PAD - 1, True

    def shown(self, text: str) -> str:
        """A cue's text as laid out: its line breaks as ``line_break``."""
        return text.replace("\n", self.line_break)

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
        layout.setTextOption(_wrap_anywhere())  # a word wider than the row breaks, not spills
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
            # Measured in bold, as the playing row is drawn: it must fit whichever row plays.
            font = QFont(option.font)
            font.setWeight(QFont.Weight.Bold)
            fm = QFontMetrics(option.font)
            _, text_w, stacked = self._columns(width, fm)
            layout = self._layout(self.shown(cue.text), font, text_w, [], self.line_spacing)
            lines = layout.lineCount()
            last = layout.lineAt(lines - 1) if lines else None
            text_h = last.y() + last.height() if last is not None else fm.height()
            height = int(text_h + 0.999) + 2 * PAD
            if index.data(Role.SHOW_SPEAKER):
                height += fm.height() + 2
            if stacked:
                height += fm.height() + 2
            cached = self._height_cache[key] = max(height, fm.height() + 2 * PAD)
        return QSize(width, cached)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        """Draw the row with the current cue marked by weight, a marker and a background."""
        cue: Cue = index.data(Role.CUE)
        if cue is None:
            return
        palette = option.palette
        colors = row_colors(palette)
        is_current = bool(index.data(Role.IS_CURRENT))
        # The selection model rather than ``option.state``: reading the state builds QStyle's
        # Python type (its dozen enums, 5-10 ms) during the first frame.
        selected = self._is_selected(index)
        painter.save()
        rect = option.rect
        # Playing: a tinted band, a thick bar, bold text and a triangle. Selected: a neutral
        # background in a frame. The two never look alike, in any theme.
        if is_current:
            painter.fillRect(rect, QColor(colors.band))
        elif selected:
            painter.fillRect(rect, QColor(colors.selected))
        if selected:
            self._frame(painter, rect, colors.outline, 0)
        if self._has_focus_at(index):
            self._frame(painter, rect, colors.focus, OUTLINE_W + 1 if selected else 0, dashed=True)
        text_color = QColor(colors.text)
        font = QFont(option.font)
        if is_current:
            font.setWeight(QFont.Weight.Bold)
            painter.fillRect(
                QRect(rect.left(), rect.top(), BAR_W, rect.height()), QColor(colors.bar)
            )
        fm = QFontMetrics(option.font)
        marker_w = self._marker_width(fm)
        top = rect.top() + PAD
        painter.setPen(text_color)
        if is_current:
            painter.setFont(font)
            painter.drawText(
                QRect(rect.left() + BAR_W, top, marker_w - BAR_W, fm.height()),
                Qt.AlignmentFlag.AlignCenter,
                "▶",
            )
        time_font = QFont(option.font)
        painter.setFont(time_font)
        painter.setPen(QColor(colors.time))
        painter.drawText(
            QRect(rect.left() + marker_w, top, self._time_width(fm), fm.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            format_clock(cue.start_ms) if index.data(Role.START_MS) is not None else "",
        )
        offset, width, stacked = self._columns(rect.width(), fm)
        left = rect.left() + offset
        if stacked:
            top += fm.height() + 2
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
        layout = self._layout(self.shown(cue.text), font, width, formats, self.line_spacing)
        painter.setPen(text_color)
        layout.draw(painter, QPoint(left, top).toPointF())
        painter.restore()
