"""Bookmarks of the open briefing: moments a user marked, with a note each.

They are kept in the library's user-data file (beside resume positions), which rebuilding the
index never touches. The panel lists them by time; Enter or a double-click goes there and
plays, Delete removes one, "Edit note…" changes its note and "Copy as quotes" puts them all on
the clipboard as quotes (the window's quote template) with their notes. A bookmark points at the
start of the line being spoken when it was made (``ui.docks``). Text is always plain text.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from player.core.archive.library import Archive, ArchiveError, Bookmark
from player.core.text.quote import format_quote
from player.core.timeline.timecode import format_clock


class _List(QListWidget):
    """The bookmark list: Enter plays the bookmark, Delete removes it."""

    activated_row = Signal(int)
    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter/Return and Delete/Backspace act on the current bookmark."""
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.activated_row.emit(self.currentRow())
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)


class BookmarksPanel(QWidget):
    """The open briefing's bookmarks.

    Signals:
      seek_requested(int): go to this position (ms) and play.
      message(str): a one-line status for the window's status bar.
    """

    seek_requested = Signal(int)
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._archive: Archive | None = None
        self._media: str | None = None
        self.items: list[Bookmark] = []
        self.list = _List(self)
        self.list.setAccessibleName("Bookmarks")
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setSpacing(2)
        self.list.itemDoubleClicked.connect(lambda item: self._go(self.list.row(item)))
        self.list.activated_row.connect(self._go)
        self.list.delete_pressed.connect(self.remove_current)
        self.edit_button = QPushButton("Edit &note…", self)
        self.edit_button.clicked.connect(self.edit_note)
        self.remove_button = QPushButton("Re&move", self)
        self.remove_button.clicked.connect(self.remove_current)
        self.copy_button = QPushButton("Copy as &quotes", self)
        self.copy_button.clicked.connect(self.copy_quotes)
        buttons = QHBoxLayout()
        for button in (self.edit_button, self.remove_button, self.copy_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.reload()

    def set_context(self, archive: Archive | None, media_path: str | None) -> None:
        """The library (None: bookmarks unavailable) and the media file now open."""
        self._archive = archive
        self._media = media_path
        self.reload()

    @property
    def available(self) -> bool:
        """Whether bookmarks can be kept (a library database and an open media file)."""
        return self._archive is not None and self._media is not None

    def reload(self) -> None:
        """Read the media file's bookmarks again."""
        self.items = []
        if self.available:
            assert self._archive is not None and self._media is not None
            try:
                self.items = self._archive.bookmarks(self._media)
            except ArchiveError as err:
                self.message.emit(f"Bookmarks could not be read: {err}")
        self.list.clear()
        for b in self.items:
            text = f"{format_clock(b.position_ms)}   {b.label or '(no text)'}"
            if b.note:
                text += f"\n      {b.note}"
            item = QListWidgetItem(text)  # QListWidget shows item text as plain text
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text.replace("\n", " — "))
            self.list.addItem(item)
        for button in (self.edit_button, self.remove_button, self.copy_button):
            button.setEnabled(bool(self.items))
        if not self.available:
            why = (
                "Open a briefing to see its bookmarks."
                if self._archive is not None
                else "Bookmarks are kept in the library database: none is open."
            )
            self.list.addItem(why)
            self.list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)

    def add(self, position_ms: int, label: str, note: str = "") -> int | None:
        """Bookmark ``position_ms``; returns the new bookmark's row, None when unavailable."""
        if not self.available:
            return None
        assert self._archive is not None and self._media is not None
        try:
            new_id = self._archive.add_bookmark(self._media, position_ms, label, note)
        except ArchiveError as err:
            self.message.emit(f"Bookmark not saved: {err}")
            return None
        self.reload()
        row = next((i for i, b in enumerate(self.items) if b.id == new_id), None)
        if row is not None:
            self.list.setCurrentRow(row)
        return row

    def set_note(self, row: int, note: str) -> None:
        """Replace the note of the bookmark in ``row``."""
        if not 0 <= row < len(self.items) or self._archive is None:
            return
        try:
            self._archive.set_bookmark_note(self.items[row].id, note.strip())
        except ArchiveError as err:
            self.message.emit(f"Note not saved: {err}")
            return
        self.reload()
        self.list.setCurrentRow(row)

    @Slot()
    def edit_note(self) -> None:
        """Ask for the current bookmark's note."""
        row = self.list.currentRow()
        if not 0 <= row < len(self.items):
            return
        note, ok = QInputDialog.getMultiLineText(
            self, "Bookmark note", "Note:", self.items[row].note
        )
        if ok:
            self.set_note(row, note)

    @Slot()
    def remove_current(self) -> None:
        """Delete the current bookmark."""
        row = self.list.currentRow()
        if not 0 <= row < len(self.items) or self._archive is None:
            return
        try:
            self._archive.remove_bookmark(self.items[row].id)
        except ArchiveError as err:
            self.message.emit(f"Bookmark not removed: {err}")
            return
        self.reload()
        if self.items:
            self.list.setCurrentRow(min(row, len(self.items) - 1))
        self.message.emit("Bookmark removed")

    def quotes(self) -> str:
        """Every bookmark as a quote with its note, in time order: through the window's quote
        template (``ui.quote_selection.QuoteContext``) when there is one, else
        ``[HH:MM:SS.mmm] label — note`` lines under the file's name."""
        from player.ui.quote_selection import QuoteContext

        context = self.window().findChild(QuoteContext, "quote_context")
        if isinstance(context, QuoteContext) and self.items:
            quote = context.quote_bookmark
            return context.format([quote(b.position_ms, b.label, b.note) for b in self.items])
        name = Path(self._media).name if self._media else ""
        lines = [f"{name}:"] if name else []
        for b in self.items:
            lines.append(format_quote(b.position_ms, b.label, note=b.note))
        return "\n".join(lines)

    @Slot()
    def copy_quotes(self) -> None:
        """Put :meth:`quotes` on the clipboard."""
        if self.items:
            QGuiApplication.clipboard().setText(self.quotes())
            count = len(self.items)
            self.message.emit(f"Copied {count} bookmark{'s' if count != 1 else ''} as quotes")

    @Slot(int)
    def _go(self, row: int) -> None:
        if 0 <= row < len(self.items):
            self.seek_requested.emit(self.items[row].position_ms)
