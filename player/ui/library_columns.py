"""The library table's identity columns and their layout: a briefing's media type ("video
(MP4)", "audio (Opus)") and folder beside its title, so that ``briefing.mp4`` and
``briefing.opus`` no longer look alike; column widths from the font, so that no header or
short cell is cut at any text size and nothing wraps onto a second line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QHeaderView

from player.core.archive.listing import media_type, shown_folder
from player.ui.server_library import SharedRow

if TYPE_CHECKING:
    from PySide6.QtWidgets import QTableView

    from player.core.archive.records import BriefingRow

IDENTITY_COLUMNS = ("Type", "Folder")
# Widest usual content per logical column (the header's own text counts too).
_SAMPLES = {
    1: "2024-05-01",
    2: "10:00:00",
    3: "unknown language ⚠ 99",
    4: "10:00:00",
    5: "transcript only (VTT)",
    6: "Press office/2024",
}
_SORT_ARROW_PX = 24  # room for the sort indicator and the header's padding
TITLE_MIN_CHARS = 24  # the title never narrower (the table scrolls sideways instead)


class _TitleRoom(QObject):
    """The title column takes what the others leave, but never less than TITLE_MIN_CHARS
    characters: with large text in a narrow dock the table scrolls sideways instead."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self._table = table
        table.viewport().installEventFilter(self)
        self.fit()

    def fit(self) -> None:
        """Give the title its room for the table's width now."""
        header = self._table.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(1, header.count()))
        least = self._table.fontMetrics().averageCharWidth() * TITLE_MIN_CHARS
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, max(least, self._table.viewport().width() - others))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Fit again when the table's width changes."""
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False


def identity_cell(b: BriefingRow, which: int) -> str:
    """The text of identity column ``which`` (0: type, 1: folder; a shared briefing's folder is
    its library root and the folder inside it)."""
    if which == 1 and isinstance(b, SharedRow):
        return b.folder_cell()
    return media_type(b) if which == 0 else shown_folder(b)


def arrange_columns(table: QTableView, first_identity: int) -> None:
    """Title first and stretching, then type and folder, then the rest; widths from the font
    (cells elide rather than wrap)."""
    header = table.horizontalHeader()
    header.setSectionsMovable(True)
    for offset in range(len(IDENTITY_COLUMNS)):
        header.moveSection(header.visualIndex(first_identity + offset), 1 + offset)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    fit_columns(table)
    _TitleRoom(table)


def fit_columns(table: QTableView) -> None:
    """Each column but the title as wide as its header or its usual content, whichever is wider."""
    header = table.horizontalHeader()
    model = table.model()
    cell = table.fontMetrics()
    head = header.fontMetrics()
    for column in range(1, model.columnCount()):
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        width = max(
            head.horizontalAdvance(title) + _SORT_ARROW_PX,
            cell.horizontalAdvance(_SAMPLES.get(column, "")) + 12,
        )
        header.resizeSection(column, width)
