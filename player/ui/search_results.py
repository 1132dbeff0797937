"""What a search in the window produces and how its hits are listed.

The searches themselves (:func:`run_search` over the open briefing's index,
:func:`run_archive_search` over the library) run on a worker thread and return a
:class:`SearchOutcome` / :class:`ArchiveOutcome`; :class:`SearchResultsModel` pages the hits into
the list, and :class:`SnippetDelegate` draws each hit with the match emphasised (never as HTML).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextLayout,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from player.core.model import Cue
from player.core.text.search import SearchIndex, SearchOptions, SearchResult, snippet
from player.core.timeline.timecode import format_clock
from player.ui.cue_delegate import MARK, MARK_TEXT
from player.ui.eliding_label import elide_words

if TYPE_CHECKING:
    from player.core.archive.library import Archive, ArchiveHit

_Index = QModelIndex | QPersistentModelIndex

MAX_HITS = 50_000
ARCHIVE_LIMIT = 500


class HitMatches(Mapping[int, list[tuple[int, int]]]):
    """Cue index -> match ranges ``(start, end)`` in that cue's text, worked out on demand.

    A common word over a long briefing has tens of thousands of hits; resolving every one up
    front (to highlight rows the user may never scroll to) took longer than the search itself.
    Keys are the cues with hits; a row's ranges are found by bisecting the (transcript-ordered)
    hits, so a lookup resolves O(log n + hits in the row) hits, and is cached.
    """

    def __init__(self, result: SearchResult) -> None:
        self._result = result
        self._rows = result.cue_indices
        self._cache: dict[int, list[tuple[int, int]]] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[int]:
        return iter(self._rows)

    def __contains__(self, row: object) -> bool:
        if not isinstance(row, int):
            return False
        i = bisect_left(self._rows, row)
        return i < len(self._rows) and self._rows[i] == row

    def __getitem__(self, row: int) -> list[tuple[int, int]]:
        cached = self._cache.get(row)
        if cached is not None:
            return cached
        if row not in self:
            raise KeyError(row)
        result = self._result
        lo, hi = 0, len(result)
        while lo < hi:  # first hit in this row
            mid = (lo + hi) // 2
            if result.hit(mid).cue_index < row:
                lo = mid + 1
            else:
                hi = mid
        ranges: list[tuple[int, int]] = []
        while lo < len(result):
            hit = result.hit(lo)
            if hit.cue_index != row:
                break
            ranges.append((hit.start, hit.end))
            lo += 1
        self._cache[row] = ranges
        return ranges


@dataclass(frozen=True)
class SearchOutcome:
    """What a worker-thread search hands back: the result plus what the views need."""

    query: str
    options: SearchOptions
    result: SearchResult
    matches: Mapping[int, list[tuple[int, int]]]  # cue index -> match ranges (highlighting)
    tick_ms: list[int]  # cue start of every cue with a hit (timeline ticks)


@dataclass(frozen=True)
class ArchiveOutcome:
    """Hits from the whole archive (grouped by briefing for display), plus the total count."""

    query: str
    hits: list[ArchiveHit]
    total: int


def run_archive_search(archive: Archive, query: str, options: SearchOptions) -> ArchiveOutcome:
    """Search every indexed briefing (runs on a worker thread)."""
    if options.regex:
        hits = archive.search_regex(
            query,
            speaker=options.speaker,
            case_sensitive=options.case_sensitive,
            limit=ARCHIVE_LIMIT,
        )
        return ArchiveOutcome(query, hits, len(hits))
    if not options.whole_word:  # part of words: the same rule as one transcript's search
        hits = archive.search_part(
            query,
            speaker=options.speaker,
            case_sensitive=options.case_sensitive,
            limit=ARCHIVE_LIMIT,
        )
        return ArchiveOutcome(query, hits, len(hits))
    hits = archive.search(
        query, speaker=options.speaker, case_sensitive=options.case_sensitive, limit=ARCHIVE_LIMIT
    )
    total = len(hits)
    if total >= ARCHIVE_LIMIT:
        total = archive.count(query, speaker=options.speaker)
    return ArchiveOutcome(query, hits, total)


def run_search(index: SearchIndex, query: str, options: SearchOptions) -> SearchOutcome:
    """Search and prepare highlights and ticks (runs on a worker thread)."""
    result = index.search(query, options, max_hits=MAX_HITS)
    cues = index.cues
    ticks = [cues[i].start_ms for i in result.cue_indices]
    return SearchOutcome(query, options, result, HitMatches(result), ticks)


class SearchResultsModel(QAbstractListModel):
    """One row per hit: timestamp, speaker and the text around the match (plain strings).

    Rows are handed to the view a page at a time (``canFetchMore``/``fetchMore``, which the
    view calls when the user scrolls to the end): laying out a list of 50,000 hits at once
    cost the GUI thread about 90 ms, mostly in calls back into this model.
    ``ensure_row`` loads up to a given hit (stepping with F3 past the loaded rows).
    """

    HIT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
    SNIPPET_ROLE = HIT_ROLE + 1
    PAGE = 500

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cues: tuple[Cue, ...] = ()
        self._result = SearchResult()
        self._loaded = 0

    def set_result(self, cues: tuple[Cue, ...], result: SearchResult) -> None:
        """Show a new result (its first page of rows)."""
        self.beginResetModel()
        self._cues = cues
        self._result = result
        self._loaded = min(len(result), self.PAGE)
        self.endResetModel()

    @property
    def result(self) -> SearchResult:
        """The result shown."""
        return self._result

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Number of hits loaded into the list so far."""
        return 0 if parent.isValid() else self._loaded

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        """More hits than rows loaded."""
        return not parent.isValid() and self._loaded < len(self._result)

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        """Load the next page of hits."""
        if not parent.isValid():
            self.ensure_row(self._loaded + self.PAGE - 1)

    def ensure_row(self, row: int) -> None:
        """Make sure hit ``row`` (0-based) has a row in the list."""
        target = min(len(self._result), row + 1)
        if target > self._loaded:
            self.beginInsertRows(QModelIndex(), self._loaded, target - 1)
            self._loaded = target
            self.endInsertRows()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Plain text for display and screen readers; structured parts for the delegate."""
        if not index.isValid() or not 0 <= index.row() < len(self._result):
            return None
        hit = self._result.hit(index.row())
        cue = self._cues[hit.cue_index]
        if role == self.HIT_ROLE:
            return hit
        # A paragraph of a text without timings (start and end 0) shows no time.
        clock = format_clock(cue.start_ms) if cue.end_ms > 0 else ""
        if role == self.SNIPPET_ROLE:
            return (clock, cue.speaker or "", *snippet(prose(cue.text), hit))
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole line, as the row may cut it
            return (
                f"{clock} {cue.speaker + ': ' if cue.speaker else ''}{' '.join(cue.text.split())}"
            )
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            before, match, after = snippet(prose(cue.text), hit)
            speaker = f"{cue.speaker}: " if cue.speaker else ""
            return f"{clock} {speaker}{before}{match}{after}".lstrip()
        return None


def prose(text: str) -> str:
    """A line's text as the transcript shows it by default: its breaks as spaces (one
    character for one, so a hit's offsets still hold)."""
    return text.replace("\n", " ")


class SnippetDelegate(QStyledItemDelegate):
    """Draws ``time  Speaker: before MATCH after`` with the match emphasised (not as HTML)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        """One line per hit."""
        return QSize(option.rect.width(), option.fontMetrics.height() + 8)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        """Paint one hit row."""
        parts = index.data(SearchResultsModel.SNIPPET_ROLE)
        if parts is None:  # e.g. a briefing header in the "All briefings" tree
            super().paint(painter, option, index)
            return
        time_text, speaker, before, match, after = parts
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        if selected:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.Highlight))
        color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        fm = QFontMetrics(option.font)
        x = option.rect.left() + 4
        y = option.rect.top() + 4
        painter.setPen(color)
        time_w = fm.horizontalAdvance("00:00:00") + 6
        painter.drawText(QRect(x, y, time_w, fm.height()), 0, time_text)
        prefix = f"{speaker}: " if speaker else ""
        # Keep the match in view: shorten the text before it from the left when the row is narrow.
        room = option.rect.width() - time_w - 8 - fm.horizontalAdvance(prefix + match) - 40
        before = elide_words(before, room, fm, left=True)  # at a word, never mid-word
        room_after = (
            option.rect.width() - time_w - 8 - fm.horizontalAdvance(prefix + before + match)
        )
        after = elide_words(after, room_after, fm)
        text = f"{prefix}{before}{match}{after}"
        layout = QTextLayout(text, option.font)
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        speaker_range = QTextLayout.FormatRange()
        speaker_range.start, speaker_range.length, speaker_range.format = 0, len(prefix), bold
        hl = QTextCharFormat()
        hl.setFontWeight(QFont.Weight.Bold)
        hl.setFontUnderline(True)  # the hit is marked by more than colour
        hl.setBackground(QColor(MARK))
        hl.setForeground(QColor(MARK_TEXT))
        match_range = QTextLayout.FormatRange()
        match_range.start = len(prefix) + len(before)
        match_range.length = len(match)
        match_range.format = hl
        layout.setFormats([speaker_range, match_range])
        layout.beginLayout()
        line = layout.createLine()
        line.setLineWidth(max(10, option.rect.width() - time_w - 8))
        layout.endLayout()
        painter.setClipRect(option.rect)
        layout.draw(painter, QPoint(x + time_w, y).toPointF())
        painter.restore()
