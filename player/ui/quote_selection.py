"""Quotes from the transcript: the one quote formatter of the window, and selecting words.

:class:`QuoteContext` formats every quote the window copies (selected lines, the line playing
now, selected words, bookmarks) with the template chosen in Preferences
(``player.core.text.quote``) and the open briefing's title and date (the media's tags through
``player.core.media.probe``, else its file name; read when the first quote is made).

:class:`WordSelector` is the transcript's text-selection mode: Shift+Left/Right on a line, or a
mouse drag across its words, opens the line as selectable text in place; the mouse and
Shift+arrows (Shift+Ctrl+arrows by word) choose the words; Ctrl+C or Enter copies exactly those
words as a quote, whose time is the first selected word's (from the word timings when the line
has them, else the line's start); Esc or leaving the line closes the mode. A bookmark made while
words are selected points at the first of them.

:func:`install` wires both to the window's parts (called by ``ui.actions`` after the first
frame); the window itself adds nothing.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence, QTextCursor
from PySide6.QtWidgets import QApplication, QTextEdit

from player.core.text.quote import Quote, QuoteFormatter, QuoteSource
from player.ui import settings as S

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent, QMouseEvent
    from PySide6.QtWidgets import QWidget

    from player.core.model import Cue
    from player.ui.dialogs import Dialogs
    from player.ui.models import TranscriptModel
    from player.ui.transcript_session import TranscriptSession
    from player.ui.transcript_view import TranscriptPanel

log = logging.getLogger(__name__)

__all__ = ["QuoteContext", "WordSelector", "install", "word_start_ms"]

_KEEP = QTextCursor.MoveMode.KeepAnchor


def word_start_ms(cue: Cue, char_offset: int) -> int:
    """When the word at ``char_offset`` of ``cue``'s text starts: the last word timing at or
    before it, else the line's start."""
    start = cue.start_ms
    for timing in cue.word_timings:
        if timing.char_offset <= char_offset:
            start = max(start, timing.start_ms)
        else:
            break
    return start


_MOVES = frozenset(
    {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home}
    | {Qt.Key.Key_End, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape}
)


def _is_text_key(event: QKeyEvent) -> bool:
    """Keys the open line takes before the window's shortcuts: moving and selecting (with
    Shift and Ctrl), Enter, Esc, copy."""
    return event.key() in _MOVES or event.matches(QKeySequence.StandardKey.Copy)


class QuoteContext(QObject):
    """The template (from the settings) and the source (the open media) of every quote."""

    def __init__(
        self, settings: S.Settings, model: TranscriptModel, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("quote_context")
        self._settings = settings
        self._model = model
        self._media: str | None = None
        self._source: QuoteSource | None = None

    @property
    def cues(self) -> tuple[Cue, ...]:
        """The lines shown in the transcript (empty for a text without timings)."""
        return self._model.cues if self._model.timed else ()

    @Slot(object)
    def set_media(self, media: str | None) -> None:
        """The media now open (its title and date are read at the first quote)."""
        self._media = media
        self._source = None

    def source(self) -> QuoteSource:
        """The open briefing's title and date (tags, else the file name)."""
        if self._source is None:
            title = date = None
            if self._media:
                from player.core.media.probe import probe_media

                info = probe_media(self._media)
                title, date = info.title, info.date
            self._source = QuoteSource.from_media(self._media, title, date)
        return self._source

    def formatter(self) -> QuoteFormatter:
        """The formatter with the current template and source."""
        return QuoteFormatter(self._settings.get(S.QUOTE_TEMPLATE), self.source())

    def format(self, quotes: list[Quote]) -> str:
        """Quotes as text, one per line."""
        return self.formatter().format_all(quotes)

    def quote_bookmark(self, position_ms: int, label: str, note: str) -> Quote:
        """A bookmark as a quote: the line starting at its position gives the speaker."""
        for cue in self.cues:
            if cue.start_ms == position_ms and cue.speaker and label.startswith(cue.speaker + ":"):
                return Quote(position_ms, label[len(cue.speaker) + 1 :].strip(), cue.speaker, note)
        return Quote(position_ms, label, None, note)


class WordSelector(QObject):
    """The transcript's text-selection mode (see the module docstring)."""

    def __init__(self, panel: TranscriptPanel, context: QuoteContext) -> None:
        super().__init__(panel)
        self.setObjectName("word_selector")
        self._panel = panel
        self._view = panel.view
        self._context = context
        self._row = -1
        self._editor: QTextEdit | None = None
        self._press: QPoint | None = None
        self._press_row = -1
        self._dragging = False
        self._viewport = self._view.viewport()
        self._view.installEventFilter(self)
        self._viewport.installEventFilter(self)
        self._view.model().modelReset.connect(self.close)
        self._drag_anchor = 0

    # -- the mode ----------------------------------------------------------------------------

    @property
    def row(self) -> int:
        """The row whose words are being selected (-1: the mode is closed)."""
        return self._row if self._editor is not None else -1

    def _cue(self, row: int) -> Cue | None:
        cues = self._context.cues
        return cues[row] if 0 <= row < len(cues) else None

    def open_row(self, row: int, anchor: int | None = None, position: int | None = None) -> bool:
        """Open ``row`` for selecting words; select ``anchor``..``position`` (characters), or
        the first word. Returns False when there is no such line."""
        cue = self._cue(row)
        model = self._view.model()
        if cue is None or model is None:
            return False
        self.close()
        editor = QTextEdit(self._view)
        editor.setReadOnly(True)
        editor.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        editor.setPlainText(cue.text)
        editor.setFont(self._view.font())
        editor.setAccessibleName("Select words to quote")
        editor.setAccessibleDescription(
            "Shift+arrows select words; Ctrl+C or Enter copies them as a quote; Esc closes"
        )
        editor.installEventFilter(self)
        self._editor, self._row = editor, row
        self._view.setIndexWidget(model.index(row, 0), editor)
        editor.setGeometry(self._view.visualRect(model.index(row, 0)))
        editor.show()
        editor.document().setTextWidth(editor.viewport().width())  # laid out now: hit tests
        self._view.scrollTo(model.index(row, 0))
        self._panel.pause_following()
        if anchor is None:
            cursor = editor.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.Start)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfWord, _KEEP)
            editor.setTextCursor(cursor)
        else:
            self.select(anchor, anchor if position is None else position)
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def select(self, anchor: int, position: int) -> None:
        """Select characters ``anchor``..``position`` of the open line."""
        if self._editor is None:
            return
        length = len(self._editor.toPlainText())
        cursor = self._editor.textCursor()
        cursor.setPosition(max(0, min(anchor, length)))
        cursor.setPosition(max(0, min(position, length)), _KEEP)
        self._editor.setTextCursor(cursor)

    @Slot()
    def close(self) -> None:
        """Close the mode (the line is drawn as before)."""
        editor = self._editor
        self._editor, self._row = None, -1
        if editor is None:
            return
        had_focus = editor.hasFocus()
        # The view forgets an index widget when it is destroyed (its editorDestroyed slot).
        editor.removeEventFilter(self)
        editor.hide()
        editor.deleteLater()
        if had_focus:
            self._view.setFocus(Qt.FocusReason.OtherFocusReason)

    def selected_quote(self) -> Quote | None:
        """The selected words as a quote (None when nothing is selected)."""
        cue = self._cue(self._row)
        if self._editor is None or cue is None:
            return None
        cursor = self._editor.textCursor()
        text = cue.text[cursor.selectionStart() : cursor.selectionEnd()]
        if not text.strip():
            return None
        first = cursor.selectionStart() + (len(text) - len(text.lstrip()))
        return Quote(word_start_ms(cue, first), text.strip(), cue.speaker)

    def copy(self) -> str:
        """Copy the selected words as a quote; returns the text ("" for none)."""
        quote = self.selected_quote()
        if quote is None:
            return ""
        text = self._context.format([quote])
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(text)
        self._panel.message.emit("Copied the selected words as a quote")
        return text

    # -- keys and the mouse ----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Shift+Left/Right in the list opens the mode; keys of the open line; drags."""
        kind = event.type()
        if watched is self._editor:
            if kind == QEvent.Type.ShortcutOverride and _is_text_key(event):  # type: ignore[arg-type]
                event.accept()  # Ctrl+Shift+arrows select words here, not resize the panel
                return True
            if kind == QEvent.Type.KeyPress:
                return self._editor_key(event)  # type: ignore[arg-type]
            if kind == QEvent.Type.FocusOut and not self._dragging:
                reason = event.reason()  # type: ignore[attr-defined]
                if reason != Qt.FocusReason.PopupFocusReason:
                    self.close()
            return False
        if watched is self._view and kind == QEvent.Type.KeyPress:
            return self._list_key(event)  # type: ignore[arg-type]
        if watched is self._viewport:
            return self._mouse(event)
        return False

    def _list_key(self, event: QKeyEvent) -> bool:
        shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        if not shift or event.key() not in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            return False
        row = self._view.currentIndex().row()
        return self.open_row(row)

    def _editor_key(self, event: QKeyEvent) -> bool:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return True
        if event.matches(QKeySequence.StandardKey.Copy) or event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            self.copy()
            return True
        return False

    def _char_at(self, row: int, point: QPoint) -> int:
        """The character of ``row``'s text under ``point`` (viewport coordinates), roughly: the
        editor lays the text out as the row does, so its own hit test is used once open."""
        if self._editor is not None and self._row == row:
            local = self._editor.viewport().mapFrom(self._view.viewport(), point)
            document = self._editor.document()
            margin = int(document.documentMargin())
            # Below the last line Qt hits the end of the text: keep the point on the text.
            bottom = int(document.size().height()) - margin - 2
            local.setY(max(margin + 1, min(local.y(), bottom)))
            return int(self._editor.cursorForPosition(local).position())
        return 0

    def _mouse(self, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            mouse: QMouseEvent = event  # type: ignore[assignment]
            if mouse.button() == Qt.MouseButton.LeftButton and not mouse.modifiers():
                self._press = mouse.position().toPoint()
                self._press_row = self._view.indexAt(self._press).row()
            return False
        if kind == QEvent.Type.MouseMove and self._press is not None:
            mouse = event  # type: ignore[assignment]
            point = mouse.position().toPoint()
            if not self._dragging:
                moved = point - self._press
                far = abs(moved.x()) >= QApplication.startDragDistance()
                same_row = self._view.indexAt(point).row() == self._press_row
                if not (far and same_row and abs(moved.x()) > abs(moved.y())):
                    return False
                if not self.open_row(self._press_row):
                    return False
                self._dragging = True
                self._drag_anchor = self._char_at(self._press_row, self._press)
            self.select(self._drag_anchor, self._char_at(self._row, point))
            return True
        if kind == QEvent.Type.MouseButtonRelease:
            dragged = self._dragging
            self._press, self._dragging = None, False
            if dragged and self._editor is not None:
                self._editor.setFocus(Qt.FocusReason.MouseFocusReason)
                return True
        return False


def install(
    window: QWidget,
    settings: S.Settings,
    panel: TranscriptPanel,
    session: TranscriptSession,
    dialogs: Dialogs,
    media: str | None = None,
) -> tuple[QuoteContext, WordSelector]:
    """Wire the quote formatter and the word selection to the window's parts."""
    view = panel.view
    model = view.model()
    context = QuoteContext(settings, model, window)  # type: ignore[arg-type]
    selector = WordSelector(panel, context)

    def rows_as_quotes(rows: list[int]) -> str:
        cues = context.cues
        return context.format([Quote.of_cue(cues[r]) for r in rows if 0 <= r < len(cues)])

    def apply_preferences() -> None:
        view.click_plays = settings.get(S.CLICK_PLAYS)

    view.quote_lines = rows_as_quotes
    session.transcript_loaded.connect(selector.close)
    session.media_changed.connect(context.set_media)
    context.set_media(media)
    apply_preferences()
    dialogs.preferences_applied.connect(apply_preferences)
    return context, selector
