"""Qt item models over the pure transcript data.

``TranscriptModel`` exposes one row per cue. Cue text only ever leaves this model as plain
``str`` in DisplayRole/AccessibleTextRole or as structured data in custom roles; views draw it
with explicit character formats, never as rich text, so markup in a transcript stays data.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from player.core.model import Cue
from player.core.text.quote import quote_cue, said_line
from player.core.timeline.timecode import format_clock, format_timestamp

_Index = QModelIndex | QPersistentModelIndex


class Role(enum.IntEnum):
    """Custom data roles of :class:`TranscriptModel`."""

    CUE = int(Qt.ItemDataRole.UserRole) + 1  # the Cue
    IS_CURRENT = CUE + 1  # bool: the cue playing now
    SHOW_SPEAKER = CUE + 2  # bool: the speaker differs from the previous cue's
    MATCHES = CUE + 3  # list[tuple[int, int]]: search matches in the cue text
    ACTIVE_MATCH = CUE + 4  # tuple[int, int] | None: the match the user stepped to
    WORD_RANGE = CUE + 5  # tuple[int, int] | None: the word being spoken (current cue)
    START_MS = CUE + 6  # int; None for an untimed text


def quote_for(cue: Cue) -> str:
    """A cue as a quotable line: ``[HH:MM:SS.mmm] Speaker: text`` (lines joined by " / ")."""
    return quote_cue(cue)


class TranscriptModel(QAbstractListModel):
    """One row per cue, with the current cue, search matches and the spoken word as roles.

    Signals:
      repaint_rows(int, int): rows ``first..last`` look different (current cue, spoken word,
        search marks) but keep their text and height. Sent instead of ``dataChanged``: a
        QListView answers any ``dataChanged`` by laying out every row again, which on a
        50,000-cue transcript is 50,000 row-height calls at each cue change.
    """

    repaint_rows = Signal(int, int)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._cues: tuple[Cue, ...] = ()
        self._show_speaker: list[bool] = []
        self._current = -1
        self._word_range: tuple[int, int] | None = None
        self._matches: Mapping[int, list[tuple[int, int]]] = {}
        self._active_match: tuple[int, int, int] | None = None
        self.timed = True  # False: an untimed text (no times shown, choosing a row never seeks)

    # ----- data -----------------------------------------------------------------------------

    @property
    def cues(self) -> tuple[Cue, ...]:
        """The cues shown."""
        return self._cues

    def set_cues(self, cues: tuple[Cue, ...], *, timed: bool = True) -> None:
        """Replace all rows (``timed=False``: paragraphs of a text without timings)."""
        self.beginResetModel()
        self._cues = cues
        self.timed = timed
        previous: tuple[str, ...] | None = None
        flags: list[bool] = []
        for cue in cues:
            flags.append(bool(cue.speakers) and cue.speakers != previous)
            if cue.speakers:
                previous = cue.speakers
        self._show_speaker = flags
        self._current = -1
        self._word_range = None
        self._matches = {}
        self._active_match = None
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Number of cues (0 under a valid parent: this is a flat list)."""
        return 0 if parent.isValid() else len(self._cues)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Plain-text and structured data for a row."""
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._cues):
            return None
        cue = self._cues[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.quote(row)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            prefix = "Now playing. " if row == self._current else ""
            speaker = f"{cue.speaker}: " if cue.speaker else ""
            clock = f"{format_clock(cue.start_ms)}. " if self.timed else ""
            return f"{prefix}{clock}{speaker}{cue.text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            if not self.timed:
                return "No timings yet"
            return f"{format_timestamp(cue.start_ms)} – {format_timestamp(cue.end_ms)}"
        if role == Role.CUE:
            return cue
        if role == Role.START_MS:
            return cue.start_ms if self.timed else None
        if role == Role.IS_CURRENT:
            return row == self._current
        if role == Role.SHOW_SPEAKER:
            return self._show_speaker[row]
        if role == Role.MATCHES:
            return self._matches.get(row, [])
        if role == Role.ACTIVE_MATCH:
            if self._active_match is not None and self._active_match[0] == row:
                return self._active_match[1:]
            return None
        if role == Role.WORD_RANGE:
            return self._word_range if row == self._current else None
        return None

    def quote(self, row: int) -> str:
        """Row ``row`` as a quote: ``[time] Speaker: text``, without the time when untimed."""
        cue = self._cues[row]
        return quote_for(cue) if self.timed else said_line(cue.text, cue.speaker)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Rows are selectable (to copy quotes) but not editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # ----- state that changes while playing -------------------------------------------------

    @property
    def current_row(self) -> int:
        """The row of the cue playing now, -1 for none."""
        return self._current

    def set_current_row(self, row: int) -> None:
        """Mark ``row`` as the cue playing now (-1 for none)."""
        if row == self._current:
            return
        old, self._current = self._current, row
        self._word_range = None
        for r in (old, row):
            self._row_changed(r)

    def set_word_range(self, word_range: tuple[int, int] | None) -> None:
        """Mark the spoken word: ``(start, end)`` characters of the current cue's text, as the
        cue tracker announces it (``CueTracker.word_range_changed``); None for none."""
        if word_range != self._word_range:
            self._word_range = word_range
            if self._current >= 0:
                self._row_changed(self._current)

    def set_matches(self, matches: Mapping[int, list[tuple[int, int]]]) -> None:
        """Search matches per row (character ranges in the cue text); {} clears them.

        ``matches`` may be a lazy mapping (see ``search_panel.HitMatches``): only the rows a
        view paints are looked up.
        """
        old = self._matches
        self._matches = matches
        if len(old) + len(matches) > 200:
            # One signal for the whole list: the view repaints what is visible.
            self.repaint_rows.emit(0, max(0, len(self._cues) - 1))
        else:
            for row in set(old) | set(matches):
                self._row_changed(row)

    def set_active_match(self, row: int, start: int, end: int) -> None:
        """Emphasise one match (the one the user stepped to); row -1 clears it."""
        old = self._active_match[0] if self._active_match else -1
        self._active_match = None if row < 0 else (row, start, end)
        for r in {old, row}:
            self._row_changed(r)

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self._cues):
            self.repaint_rows.emit(row, row)
