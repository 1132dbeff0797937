"""The transcript panel: a list of cues that follows playback without fighting the user.

* ``TranscriptView`` is the ``QListView``; it reports user intent (scrolling, selecting, keyboard
  navigation) and activation (click or Enter on a row). Its rows are drawn by
  :class:`~player.ui.cue_delegate.CueDelegate`.
* ``TranscriptPanel`` adds follow mode: it scrolls to the current cue while following, pauses
  following when the user scrolls/selects/searches, shows a "Back to now" button, and has an
  explicit Follow toggle. It also shows the transcript's title and hides rows for a filter.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QGuiApplication, QKeySequence, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSlider,
    QApplication,
    QHBoxLayout,
    QListView,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from player.ui.cue_delegate import CueDelegate
from player.ui.eliding_label import ElidingLabel
from player.ui.models import TranscriptModel
from player.ui.widgets import text_button

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    # Only annotations: importing a PySide6 class builds its Python type (and all its enums)
    # at once, a few ms each at start-up; these are built when their first event arrives.
    from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent, QWheelEvent

ROW_FILTER_CHUNK = 4000  # rows hidden or shown per turn of the event loop
LAYOUT_BATCH_ROWS = 100  # rows the list lays out per turn of the event loop (a long list: batches)


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
        self.setBatchSize(LAYOUT_BATCH_ROWS)
        # The delegate wraps the text itself, at the width it is given. Qt's own word wrap
        # would only make the list lay out every row again at any resize, a change of height
        # too (the "Back to now" button appearing above it): 50,000 rows measured each time.
        # Width changes are re-measured by the panel (``width_changed``, debounced).
        self.setWordWrap(False)
        self.setUniformItemSizes(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.setAccessibleName("Transcript")
        self.setAccessibleDescription(
            "Lines of the transcript. Enter or a double-click plays from the selected line; "
            "Shift+arrows select words in it; the line playing now is "
            "marked with a triangle."
        )
        self._programmatic = 0
        self._followed_row = -1  # the row playing, to make current when the list gets focus
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
        """Scroll so ``row`` is in view and, while the list has the focus, make it the current
        item (a screen reader then reads each new line). Without the focus the current item
        stays: AT-SPI shows the current item as focused, which would take the screen reader's
        attention from the control that has the focus; the row says "Now playing" instead."""
        model = self.model()
        if model is None or not 0 <= row < model.rowCount():
            return
        index = model.index(row, 0)
        with self._by_program():
            sel = self.selectionModel()
            self._followed_row = -1 if self.hasFocus() else row
            if sel is not None and self.hasFocus():
                # The current item (not the selection) follows playback, so screen readers
                # track the cue being spoken while the user's selection stays theirs.
                sel.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
            rect = self.visualRect(index)
            view_h = self.viewport().height()
            if rect.top() < view_h * 0.15 or rect.bottom() > view_h * 0.75:
                self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def reveal_row(self, row: int) -> None:
        """Make ``row`` the current item in the middle of the view (a search hit, an archive
        hit): not the user's browsing, so following is left as it is."""
        model = self.model()
        if model is None or not 0 <= row < model.rowCount():
            return
        index = model.index(row, 0)
        with self._by_program():
            self.setCurrentIndex(index)
            self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def focusInEvent(self, e: QFocusEvent) -> None:
        """Coming into the list from the keyboard while it follows playback lands on the line
        playing now (a click chooses its own row)."""
        model, row = self.model(), self._followed_row
        self._followed_row = -1
        selection = self.selectionModel()
        by_mouse = e.reason() == Qt.FocusReason.MouseFocusReason
        if by_mouse or model is None or selection is None:
            super().focusInEvent(e)
            return
        if 0 <= row < model.rowCount():
            with self._by_program():
                selection.setCurrentIndex(
                    model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate
                )
        super().focusInEvent(e)

    def keep_at_top(self, index: QModelIndex) -> None:
        """Scroll ``index`` to the top of the view (after row heights changed under it)."""
        with self._by_program():
            self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)

    @contextlib.contextmanager
    def _by_program(self) -> Iterator[None]:
        # Scrolling done here, not by the user: scroll actions meanwhile do not pause following.
        self._programmatic += 1
        try:
            yield
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

    click_plays = False  # the "click plays" preference (ui.quote_selection sets it)
    quote_lines: Callable[[list[int]], str] | None = None  # rows as quotes (ui.quote_selection)

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        """A click selects the row (and pauses following); a double-click or Enter plays it.
        With ``click_plays`` a plain click plays, as before issue 16."""
        index = self.indexAt(e.position().toPoint())
        super().mouseReleaseEvent(e)
        if e.button() != Qt.MouseButton.LeftButton or not index.isValid():
            return
        mods = e.modifiers() & (
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
        )
        if mods or not self.click_plays:
            self.user_browsed.emit()
        else:
            self.cue_activated.emit(index.row())

    def mouseDoubleClickEvent(self, e: QMouseEvent) -> None:
        """A double-click plays from the row."""
        index = self.indexAt(e.position().toPoint())
        super().mouseDoubleClickEvent(e)
        if e.button() == Qt.MouseButton.LeftButton and index.isValid() and not self.click_plays:
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
        rows = self.selected_rows()
        if not rows and self.currentIndex().isValid():
            rows = [self.currentIndex().row()]
        return self.copy_rows(rows)

    def copy_rows(self, rows: list[int]) -> str:
        """Copy these rows' cues as quotes (one line each); returns the text ("" for none)."""
        model = self.model()
        if not isinstance(model, TranscriptModel):
            return ""
        rows = [r for r in rows if 0 <= r < len(model.cues)]
        quote = self.quote_lines
        text = quote(rows) if quote and model.timed else "\n".join(model.quote(r) for r in rows)
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
        words = menu.addAction("Select words to quote")  # ui.quote_selection, once built
        words.setEnabled(index.isValid() and self.quote_lines is not None)
        chosen = menu.exec(self.viewport().mapToGlobal(pos))
        if chosen is play and index.isValid():
            self.cue_activated.emit(index.row())
        elif chosen is copy:
            self.copy_selection()
        elif chosen is words:
            selector = self.window().findChild(QObject, "word_selector")
            getattr(selector, "open_row", lambda _row: None)(index.row())


class TranscriptPanel(QWidget):
    """Transcript list with follow mode, a "Back to now" button and a Follow toggle.

    Signals:
      seek_requested(int): the user chose a cue; payload is its start in ms.
      following_changed(bool): whether the panel is following playback now.
      follow_enabled_changed(bool): the Follow toggle was switched (by the user or a command).
      message(str): a one-line status for the window ("Following paused — …").
    """

    seek_requested = Signal(int)
    following_changed = Signal(bool)
    follow_enabled_changed = Signal(bool)
    message = Signal(str)

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
        self._title = "Transcript"
        self._filter_note = ""
        self._hidden_rows: set[int] = set()
        self._filter_token = 0

        self.header = ElidingLabel(self._title, self)  # the whole title in its tooltip
        font = self.header.font()
        font.setWeight(QFont.Weight.Bold)
        self.header.setFont(font)
        self.follow_button = QToolButton(self)
        self.follow_button.setText("Follow: on")
        self.follow_button.setCheckable(True)
        self.follow_button.setChecked(True)
        self.follow_button.setToolTip("Keep the current line in view (F)")
        self.follow_button.setAccessibleName("Follow playback")
        self.follow_button.toggled.connect(self.set_follow_enabled)
        self.follow_button.toggled.connect(self.follow_enabled_changed)
        self.back_button = text_button("⤓ Back to now", self)
        self.back_button.setToolTip("Scroll back to the line playing now and follow it (Ctrl+J)")
        self.back_button.setAccessibleName("Back to now")
        self.back_button.clicked.connect(self.back_to_now)
        self.back_button.hide()
        self.status = ElidingLabel("", self)
        # Long titles and the "Following paused" note may be clipped rather than widen the
        # panel: a wider panel re-measures every row (seconds of work on a long transcript)
        # and makes the splitter jump each time following pauses.
        self.header.setMinimumWidth(1)
        self.status.setMinimumWidth(1)
        # Nor may "Back to now" change the row's height when it shows: 1 px moved every line
        # and, as following pauses at the first move of a scroll bar drag, undid that move.
        self.follow_button.setMinimumHeight(self.back_button.sizeHint().height())

        top = QHBoxLayout()
        top.setContentsMargins(4, 2, 4, 2)
        top.setSpacing(8)
        top.addWidget(self.header, 1)
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
            self.message.emit(
                "Following playback" if now else "Following paused — Ctrl+J or Esc: back to now"
            )

    # ----- playback → view ------------------------------------------------------------------

    @Slot(int)
    def set_current_row(self, row: int) -> None:
        """Mark the current cue, and scroll to it when following."""
        self._model.set_current_row(row)
        if row >= 0 and self.is_following():
            self.view.follow_to(row)

    @Slot(object)
    def set_word_range(self, word_range: tuple[int, int] | None) -> None:
        """Mark the spoken word inside the current cue (its character range, or None)."""
        self._model.set_word_range(word_range)

    def current_row(self) -> int:
        """The row playing now (-1: none)."""
        return self._model.current_row

    def copy_current_quote(self) -> str:
        """Copy the cue playing now as a quote; returns the text ("" between cues)."""
        row = self._model.current_row
        return self.view.copy_rows([row]) if row >= 0 else ""

    def show_row(self, row: int) -> None:
        """Scroll to a row without changing follow state (used for search hits)."""
        self.view.reveal_row(row)

    # ----- title, filter, look -----------------------------------------------------------------

    def set_title(self, title: str) -> None:
        """The line above the list (what is shown: "Transcript — talk.vtt (en)", "Loading…")."""
        self._title = title
        self._show_header()

    def title(self) -> str:
        """The title set by :meth:`set_title` (without the filter's note)."""
        return self._title

    def set_speaker_filter(self, name: str, hidden_rows: set[int]) -> None:
        """Show only ``name``'s lines: hide ``hidden_rows`` and show every other row ("" and an
        empty set show everyone again).

        Rows are hidden in chunks between events, so a 200,000-cue transcript does not freeze
        the window while its rows are filtered. A new transcript (a model reset) clears it.
        """
        self._filter_note = f" — only {name}" if name else ""
        self._show_header()
        changes = sorted(hidden_rows ^ self._hidden_rows)
        self._hidden_rows = set(hidden_rows)
        self._filter_token += 1
        self._hide_rows(self._filter_token, changes, 0)

    def _hide_rows(self, token: int, rows: list[int], start: int) -> None:
        if token != self._filter_token:
            return  # the filter changed again; a newer pass is running
        end = min(len(rows), start + ROW_FILTER_CHUNK)
        hidden = self._hidden_rows
        for row in rows[start:end]:
            self.view.setRowHidden(row, row in hidden)
        if end < len(rows):
            QTimer.singleShot(0, self, lambda: self._hide_rows(token, rows, end))
        else:
            self.delegate.clear_cache()

    def _show_header(self) -> None:
        self.header.setText(self._title + self._filter_note)

    def set_palette(self, palette: QPalette) -> None:
        """Colours of the list (the reading style)."""
        self.view.setPalette(palette)
        self.view.setAutoFillBackground(True)
        self.view.viewport().update()

    @Slot(int)
    def _on_activated(self, row: int) -> None:
        if not self._model.timed:  # a text without timings: nothing to seek to yet
            self.message.emit("This text has no timings yet: synchronize it with the audio.")
            return
        cue = self._model.cues[row]
        was = self.is_following()
        self._follow_paused = False
        self._update_follow_ui(was)
        self.seek_requested.emit(cue.start_ms)

    @Slot()
    def _on_model_reset(self) -> None:
        # A reset shows every row again: the speaker filter is gone with the old rows.
        self._hidden_rows = set()
        self._filter_token += 1
        self._filter_note = ""
        self._show_header()
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
            self.view.keep_at_top(anchor)

    def relayout_pending(self) -> bool:
        """Whether the rows are to be measured again (after a width change, debounced)."""
        return self._relayout_timer.isActive()

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
