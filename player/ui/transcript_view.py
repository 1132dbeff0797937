"""The transcript panel: a list of cues that follows playback without fighting the user.

* ``CueDelegate`` paints each row — timestamp, speaker name where the speaker changes, and the
  cue text laid out with explicit character formats (italic/bold/underline spans, search matches,
  the spoken word). Text is never parsed as HTML.
* ``TranscriptView`` is the ``QListView``; it reports user intent (scrolling, selecting, keyboard
  navigation) and activation (click or Enter on a row).
* ``TranscriptPanel`` adds follow mode: it scrolls to the current cue while following, pauses
  following when the user scrolls/selects/searches, shows a "Back to now" button, and has an
  explicit Follow toggle.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeySequence,
    QPainter,
    QPalette,
    QResizeEvent,
    QTextLayout,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSlider,
    QApplication,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from player.core.model import Cue
from player.core.timeline.timecode import format_clock
from player.ui.models import Role, TranscriptModel, quote_for
from player.ui.widgets import text_button

if TYPE_CHECKING:
    # Only annotations: importing a PySide6 class builds its Python type (and all its enums)
    # at once, a few ms each at start-up; these are built when their first event arrives.
    from PySide6.QtGui import QKeyEvent, QMouseEvent, QTextCharFormat, QWheelEvent

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
            format_clock(cue.start_ms),
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


class TranscriptView(QListView):
    """The cue list. Emits user intent so the panel can pause following.

    Signals:
      cue_activated(int): the user clicked a row (no modifiers) or pressed Enter on it.
      user_browsed(): the user scrolled, selected several rows or moved with the keyboard.
    """

    cue_activated = Signal(int)
    user_browsed = Signal()
    width_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A viewport made here, not by Qt: the first viewport() call on Qt's own makes PySide
        # work out its Python type by loading every QWidget subclass (about 10 ms at start-up).
        viewport = QWidget(self)
        viewport.setObjectName("qt_scrollarea_viewport")  # as Qt names its own (style sheets)
        viewport.setBackgroundRole(QPalette.ColorRole.Base)
        viewport.setAutoFillBackground(True)
        self.setViewport(viewport)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always shown: when it appeared with the first rows, the narrower list re-measured every
        # row (all 50,000 of a long transcript) and the text re-wrapped under the reader's eyes.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(100)
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.setAccessibleName("Transcript")
        self.setAccessibleDescription(
            "Cues of the transcript. Enter plays from the selected cue; the cue playing now is "
            "marked with a triangle."
        )
        self._programmatic = 0
        self.verticalScrollBar().actionTriggered.connect(self._on_scroll_action)

    def resizeEvent(self, e: QResizeEvent) -> None:
        """The viewport's resizes (QAbstractScrollArea hands them to this handler): emits
        ``width_changed`` when the width changed, as row heights depend on it.

        An override, not an event filter on the viewport: a filter is a Python call for every
        event of the list (each paint, each mouse move) and builds a Python type for each new
        kind of event, 10-20 ms of the first frame."""
        super().resizeEvent(e)
        if e.size().width() != e.oldSize().width():
            self.width_changed.emit()

    @Slot(int, int)
    def repaint_rows(self, first: int, last: int) -> None:
        """Repaint rows whose look changed (not their size): only what is on screen is drawn."""
        model = self.model()
        if model is None:
            return
        if last - first > 50:
            self.viewport().update()
            return
        for row in range(first, last + 1):
            rect = self.visualRect(model.index(row, 0))
            if rect.isValid():
                self.viewport().update(rect)

    # Programmatic scrolling/current-index changes are wrapped so they don't count as the user's.
    def follow_to(self, row: int) -> None:
        """Scroll so ``row`` is in view and make it the current item (for screen readers)."""
        model = self.model()
        if model is None or not 0 <= row < model.rowCount():
            return
        index = model.index(row, 0)
        self._programmatic += 1
        try:
            sel = self.selectionModel()
            if sel is not None:
                # The current item (not the selection) follows playback, so screen readers
                # track the cue being spoken while the user's selection stays theirs.
                sel.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
            rect = self.visualRect(index)
            view_h = self.viewport().height()
            if rect.top() < view_h * 0.15 or rect.bottom() > view_h * 0.75:
                self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        finally:
            self._programmatic -= 1

    @Slot(int)
    def _on_scroll_action(self, action: int) -> None:
        if not self._programmatic and action != QAbstractSlider.SliderAction.SliderNoAction.value:
            self.user_browsed.emit()

    def wheelEvent(self, e: QWheelEvent) -> None:
        """Scrolling with the wheel pauses following."""
        super().wheelEvent(e)
        self.user_browsed.emit()

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        """A plain click activates the row; Shift/Ctrl-click selects (and pauses following)."""
        index = self.indexAt(e.position().toPoint())
        super().mouseReleaseEvent(e)
        if e.button() != Qt.MouseButton.LeftButton or not index.isValid():
            return
        mods = e.modifiers() & (
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
        )
        if mods:
            self.user_browsed.emit()
        else:
            self.cue_activated.emit(index.row())

    def keyPressEvent(self, e: QKeyEvent) -> None:
        """Enter plays the current row; Ctrl+C copies quotes; arrows browse (pause following)."""
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not e.modifiers():
            index = self.currentIndex()
            if index.isValid():
                self.cue_activated.emit(index.row())
            e.accept()
            return
        if e.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            e.accept()
            return
        before = self.currentIndex()
        super().keyPressEvent(e)
        if self.currentIndex() != before:
            self.user_browsed.emit()

    def selected_rows(self) -> list[int]:
        """Selected rows in order."""
        sel = self.selectionModel()
        return sorted(i.row() for i in sel.selectedRows()) if sel is not None else []

    def copy_selection(self) -> str:
        """Copy the selected cues as quotes with timestamp and speaker; returns the text."""
        model = self.model()
        if not isinstance(model, TranscriptModel):
            return ""
        rows = self.selected_rows()
        if not rows and self.currentIndex().isValid():
            rows = [self.currentIndex().row()]
        text = "\n".join(quote_for(model.cues[r]) for r in rows)
        if text:
            clipboard = QGuiApplication.clipboard()
            if clipboard is not None:
                clipboard.setText(text)
        return text

    @Slot(QPoint)
    def _context_menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        menu = QMenu(self)
        play = menu.addAction("Play from here")
        play.setEnabled(index.isValid())
        copy = menu.addAction("Copy quote with timestamp")
        chosen = menu.exec(self.viewport().mapToGlobal(pos))
        if chosen is play and index.isValid():
            self.cue_activated.emit(index.row())
        elif chosen is copy:
            self.copy_selection()


class TranscriptPanel(QWidget):
    """Transcript list with follow mode, a "Back to now" button and a Follow toggle.

    Signals:
      seek_requested(int): the user chose a cue; payload is its start in ms.
      following_changed(bool): whether the panel is following playback now.
    """

    seek_requested = Signal(int)
    following_changed = Signal(bool)

    def __init__(self, model: TranscriptModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.view = TranscriptView(self)
        self.view.setModel(model)
        model.repaint_rows.connect(self.view.repaint_rows)
        self.delegate = CueDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self._family = ""
        self._follow_enabled = True
        self._follow_paused = False
        self._holds: set[str] = set()

        self.header = QLabel("Transcript", self)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        font = self.header.font()
        font.setWeight(QFont.Weight.Bold)
        self.header.setFont(font)
        self.follow_button = QToolButton(self)
        self.follow_button.setText("Follow: on")
        self.follow_button.setCheckable(True)
        self.follow_button.setChecked(True)
        self.follow_button.setToolTip("Keep the current cue in view (F)")
        self.follow_button.setAccessibleName("Follow playback")
        self.follow_button.toggled.connect(self.set_follow_enabled)
        self.back_button = text_button("⤓ Back to now", self)
        self.back_button.setToolTip("Scroll back to the cue playing now and follow it (Ctrl+J)")
        self.back_button.setAccessibleName("Back to now")
        self.back_button.clicked.connect(self.back_to_now)
        self.back_button.hide()
        self.status = QLabel("", self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        # Long titles and the "Following paused" note may be clipped rather than widen the
        # panel: a wider panel re-measures every row (seconds of work on a long transcript)
        # and makes the splitter jump each time following pauses.
        self.header.setMinimumWidth(1)
        self.status.setMinimumWidth(1)

        top = QHBoxLayout()
        top.setContentsMargins(4, 2, 4, 2)
        top.setSpacing(8)
        top.addWidget(self.header)
        top.addStretch(1)
        top.addWidget(self.status)
        top.addWidget(self.back_button)
        top.addWidget(self.follow_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

        self.view.cue_activated.connect(self._on_activated)
        self.view.user_browsed.connect(self.pause_following)
        model.modelReset.connect(self._on_model_reset)
        self._relayout_timer = QTimer(self)
        self._relayout_timer.setSingleShot(True)
        self._relayout_timer.setInterval(50)
        self._relayout_timer.timeout.connect(self._relayout)
        # Row heights depend on the width: re-measure after width changes (debounced). A
        # height-only change (the search bar opening above the list, a taller window) leaves
        # every row height as it was, so the 50,000-row re-measure is skipped.
        self.view.width_changed.connect(self._relayout_timer.start)

    # ----- follow mode ----------------------------------------------------------------------

    def is_following(self) -> bool:
        """True when the panel scrolls itself to the current cue."""
        return self._follow_enabled and not self._follow_paused and not self._holds

    def follow_enabled(self) -> bool:
        """The user's Follow toggle."""
        return self._follow_enabled

    @Slot(bool)
    def set_follow_enabled(self, enabled: bool) -> None:
        """Turn following on or off for good (the Follow toggle)."""
        was = self.is_following()
        self._follow_enabled = enabled
        if enabled:
            self._follow_paused = False
        if self.follow_button.isChecked() != enabled:
            self.follow_button.setChecked(enabled)
        self.follow_button.setText("Follow: on" if enabled else "Follow: off")
        self._update_follow_ui(was)
        if self.is_following():
            self.view.follow_to(self._model.current_row)

    @Slot()
    def pause_following(self) -> None:
        """The user is reading elsewhere: stop scrolling until "Back to now"."""
        if self._follow_enabled and not self._follow_paused:
            was = self.is_following()
            self._follow_paused = True
            self._update_follow_ui(was)

    def hold_following(self, reason: str, held: bool) -> None:
        """Pause following while something else (e.g. the search box) has the user's attention."""
        was = self.is_following()
        if held:
            self._holds.add(reason)
        else:
            self._holds.discard(reason)
        self._update_follow_ui(was)

    @Slot()
    def back_to_now(self) -> None:
        """Scroll to the current cue and resume following (turns Follow on if it was off)."""
        was = self.is_following()
        self._follow_paused = False
        self._holds.clear()
        if not self._follow_enabled:
            self._follow_enabled = True
            self.follow_button.setChecked(True)
        self._update_follow_ui(was)
        self.view.clearSelection()
        self.view.follow_to(self._model.current_row)

    def _update_follow_ui(self, was_following: bool) -> None:
        now = self.is_following()
        self.back_button.setVisible(not now)
        self.status.setText(
            "" if now else ("Following paused" if self._follow_enabled else "Not following")
        )
        if now != was_following:
            self.following_changed.emit(now)

    # ----- playback → view ------------------------------------------------------------------

    @Slot(int)
    def set_current_row(self, row: int) -> None:
        """Mark the current cue, and scroll to it when following."""
        self._model.set_current_row(row)
        if row >= 0 and self.is_following():
            self.view.follow_to(row)

    @Slot(int)
    def set_current_word(self, word: int) -> None:
        """Mark the spoken word inside the current cue."""
        self._model.set_current_word(word)

    def show_row(self, row: int) -> None:
        """Scroll to a row without changing follow state (used for search hits)."""
        if 0 <= row < self._model.rowCount():
            index = self._model.index(row, 0)
            self.view._programmatic += 1
            try:
                self.view.setCurrentIndex(index)
                self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
            finally:
                self.view._programmatic -= 1

    @Slot(int)
    def _on_activated(self, row: int) -> None:
        cue = self._model.cues[row]
        was = self.is_following()
        self._follow_paused = False
        self._update_follow_ui(was)
        self.seek_requested.emit(cue.start_ms)

    @Slot()
    def _on_model_reset(self) -> None:
        self.delegate.clear_cache()

    @Slot()
    def _relayout(self) -> None:
        # Keep the row the user is reading at the top when heights change under them.
        anchor = self.view.indexAt(QPoint(4, 4))
        self.delegate.clear_cache()
        self.view.doItemsLayout()
        if self.is_following():
            self.view.follow_to(self._model.current_row)
        elif anchor.isValid():
            self.view._programmatic += 1
            try:
                self.view.scrollTo(anchor, QAbstractItemView.ScrollHint.PositionAtTop)
            finally:
                self.view._programmatic -= 1

    def set_font_size(self, points: int) -> None:
        """Transcript text size in points (0 = application default)."""
        self.set_text_style(self._family, points, self.delegate.line_spacing)

    def set_text_style(self, family: str, points: int, line_spacing: float) -> None:
        """Font family ("" = application default), size in points (0 = default) and line
        spacing (1.0 = single) of the transcript text."""
        self._family = family
        font = QFont(QApplication.font())
        if family:
            font.setFamily(family)
        if points > 0:
            font.setPointSize(points)
        self.delegate.line_spacing = max(1.0, min(2.5, line_spacing))
        self.view.setFont(font)
        self._relayout()
