"""Search inside the open briefing: search-as-you-type box, options, hit list and "N of M".

The panel owns no playback logic: it runs :class:`~player.core.text.search.SearchIndex`
searches on a worker thread (so a slow regular expression or a very common word never freezes
the window), shows the hits, and tells the window which hit the user chose. The window seeks,
highlights the match in the transcript and draws ticks on the timeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from player.core.text.search import (
    SearchError,
    SearchIndex,
    SearchOptions,
    SearchResult,
    next_hit_index,
)
from player.core.timeline.timecode import format_clock
from player.ui.announce import announce as say
from player.ui.eliding_label import ElidingLabel
from player.ui.jobs import JobRunner, default_runner
from player.ui.search_hints import SearchNotice
from player.ui.search_results import (
    ArchiveOutcome,
    SearchOutcome,
    SearchResultsModel,
    SnippetDelegate,
    run_archive_search,
    run_search,
)

if TYPE_CHECKING:
    from player.core.archive.library import Archive

DEBOUNCE_MS = 150
SCOPE_HERE = "here"
SCOPE_ALL = "all"


class _QueryEdit(QLineEdit):
    """The search box: Enter = next hit, Shift+Enter = previous, Down = into the hit list."""

    next_requested = Signal()
    previous_requested = Signal()
    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Route navigation keys."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.previous_requested.emit()
            else:
                self.next_requested.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class SearchPanel(QWidget):
    """Search box, options, status ("3 of 17") and the list of hits.

    Signals:
      hit_chosen(int): the user went to hit number ``i`` of ``result`` (0-based).
      archive_hit_chosen(object): the user chose an ArchiveHit from "All briefings".
      outcome_changed(object): a new SearchOutcome, or None when the search was cleared.
      focus_changed(bool): the search box gained (True) or lost (False) keyboard focus.
      closed(): the user closed the search (Esc or the close button).
      speaker_only_changed(str): transcript view restricted to this speaker ("" = everyone).
    """

    hit_chosen = Signal(int)
    archive_hit_chosen = Signal(object)
    outcome_changed = Signal(object)
    focus_changed = Signal(bool)
    closed = Signal()
    speaker_only_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, runner: JobRunner | None = None) -> None:
        """``runner`` runs the searches (default: the shared one)."""
        super().__init__(parent)
        self._index: SearchIndex | None = None
        self._outcome: SearchOutcome | None = None
        self._current: int | None = None
        self._token = 0
        self._runner = runner or default_runner()
        self._pending = 0  # searches started whose result has not come back (stale ones too)
        self._go_to_first = False
        self._archive: Archive | None = None
        self._archive_outcome: ArchiveOutcome | None = None
        self._archive_items: list[QTreeWidgetItem] = []

        self.edit = _QueryEdit(self)
        self.edit.setPlaceholderText("Search the transcript (Ctrl+F)")
        self.edit.setAccessibleName("Search the transcript")
        self.edit.setClearButtonEnabled(True)
        self.case_box = self._toggle("Aa", "Match case (Alt+C)", "Match case")
        self.word_box = self._toggle("W", "Whole word (Alt+W)", "Whole word")
        self.regex_box = self._toggle(".*", "Regular expression (Alt+R)", "Regular expression")
        self.case_box.setShortcut("Alt+C")
        self.word_box.setShortcut("Alt+W")
        self.regex_box.setShortcut("Alt+R")
        self.prev_button = QToolButton(self)
        self.prev_button.setText("▲")
        self.prev_button.setToolTip("Previous hit (Shift+F3)")
        self.prev_button.setAccessibleName("Previous hit")
        self.next_button = QToolButton(self)
        self.next_button.setText("▼")
        self.next_button.setToolTip("Next hit (F3, Enter)")
        self.next_button.setAccessibleName("Next hit")
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setToolTip("Close search (Esc)")
        self.close_button.setAccessibleName("Close search")
        self.speaker_box = QComboBox(self)
        self.speaker_box.setAccessibleName("Speaker filter")
        self.speaker_box.setToolTip("Search only one speaker's lines")
        self.speaker_box.addItem("All speakers", "")
        self.speaker_box.setEditable(True)
        self.speaker_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.scope_box = QComboBox(self)
        self.scope_box.setAccessibleName("Search in")
        self.scope_box.setToolTip("Search this briefing or every briefing in the library")
        self.scope_box.addItem("This briefing", SCOPE_HERE)
        self.scope_box.addItem("All briefings", SCOPE_ALL)
        self.scope_box.setEnabled(False)
        self.archive_results = QTreeWidget(self)
        self.archive_results.setHeaderHidden(True)
        self.archive_results.setItemDelegate(SnippetDelegate(self.archive_results))
        self.archive_results.setAccessibleName("Hits in all briefings")
        self.archive_results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.archive_results.setMaximumHeight(260)
        self.archive_results.hide()
        self.speaker_only = QCheckBox("Only their lines", self)
        self.speaker_only.setToolTip("Show only this speaker's lines in the transcript")
        self.speaker_only.setAccessibleDescription("Only this speaker's lines in the transcript")
        self.speaker_only.setEnabled(False)
        self.status = ElidingLabel("", self)  # cut: the whole text in its tooltip
        self.status.setAccessibleName("Search status")
        self.notice = SearchNotice(self)  # no match, nothing to search, a bad pattern: in full
        # A long status ("… — wrapped to the first hit") may be clipped, never widen the pane:
        # a wider transcript panel re-measures every row.
        self.status.setMinimumWidth(self.status.fontMetrics().horizontalAdvance("88888 of 88888"))
        self.results = QListView(self)
        self.results_model = SearchResultsModel(self)
        self.results.setModel(self.results_model)
        self.results.setItemDelegate(SnippetDelegate(self.results))
        self.results.setUniformItemSizes(True)
        self.results.setAccessibleName("Search hits")
        self.results.setMaximumHeight(180)

        row1 = QHBoxLayout()
        row1.setContentsMargins(0, 0, 0, 0)
        row1.addWidget(self.edit, 1)
        toggles = (self.case_box, self.word_box, self.regex_box)
        for w in (*toggles, self.prev_button, self.next_button, self.close_button):
            row1.addWidget(w)
        # Three short rows: two needed ~540 px and widened the transcript (every row re-wrapped).
        row2, row3 = QHBoxLayout(), QHBoxLayout()
        row2.setContentsMargins(0, 0, 0, 0)
        row3.setContentsMargins(0, 0, 0, 0)
        # Qt names a combo box by its value: screen readers name it by its visible label (buddy).
        for text, box in (("In:", self.scope_box), ("Speaker:", self.speaker_box)):
            label = QLabel(text, self)
            label.setBuddy(box)
            row2.addWidget(label)
            row2.addWidget(box)
        row2.addStretch(1)
        row3.addWidget(self.speaker_only)
        row3.addStretch(1)
        row3.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addLayout(row3)
        layout.addWidget(self.notice)
        layout.addWidget(self.results)
        layout.addWidget(self.archive_results)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_now)
        self.edit.textChanged.connect(self._debounce.start)
        for toggle in (self.case_box, self.word_box, self.regex_box):
            toggle.toggled.connect(self.run_now)
        self.speaker_box.currentIndexChanged.connect(self._on_speaker_changed)
        line = self.speaker_box.lineEdit()
        if line is not None:
            line.editingFinished.connect(self.run_now)
        self.scope_box.currentIndexChanged.connect(self._on_scope_changed)
        self.archive_results.itemActivated.connect(self._on_archive_item)
        self.archive_results.itemClicked.connect(self._on_archive_item)
        self.speaker_only.toggled.connect(self._emit_speaker_only)
        self.edit.next_requested.connect(self.next_hit)
        self.edit.previous_requested.connect(self.previous_hit)
        self.edit.down_pressed.connect(self.results.setFocus)
        self.next_button.clicked.connect(self.next_hit)
        self.prev_button.clicked.connect(self.previous_hit)
        self.close_button.clicked.connect(self.close_search)
        self.results.clicked.connect(lambda i: self.go_to(i.row()))
        self.results.activated.connect(lambda i: self.go_to(i.row()))
        self.edit.installEventFilter(self)
        from player.ui.search_rule import show_rule  # whole words by default; says the rule

        show_rule(self)

    def _toggle(self, text: str, tip: str, name: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setCheckable(True)
        button.setToolTip(tip)
        button.setAccessibleName(name)
        return button

    # ----- inputs -----------------------------------------------------------------------------

    def set_index(self, index: SearchIndex | None) -> None:
        """Search these cues from now on (None: no transcript); re-runs the current query."""
        self._index = index
        self.speaker_box.blockSignals(True)
        self.speaker_box.clear()
        self.speaker_box.addItem("All speakers", "")
        for name in index.speakers if index is not None else ():
            self.speaker_box.addItem(name, name)
        self.speaker_box.blockSignals(False)
        self.speaker_only.setChecked(False)
        self.speaker_only.setEnabled(False)
        if self.scope() == SCOPE_HERE:  # archive results don't depend on the open briefing
            self.run_now()

    def set_archive(self, archive: Archive | None) -> None:
        """Offer "All briefings" over this archive (None: only this briefing)."""
        self._archive = archive
        self.scope_box.setEnabled(archive is not None)
        if archive is None and self.scope() == SCOPE_ALL:
            self.scope_box.setCurrentIndex(0)

    def scope(self) -> str:
        """SCOPE_HERE or SCOPE_ALL."""
        return str(self.scope_box.currentData())

    def set_scope(self, scope: str) -> None:
        """Choose where to search."""
        self.scope_box.setCurrentIndex(max(0, self.scope_box.findData(scope)))

    def speaker_name(self) -> str | None:
        """The speaker filter (chosen or typed), None for everyone."""
        text = self.speaker_box.currentText().strip()
        if not text or text == "All speakers":
            return None
        return text

    def options(self) -> SearchOptions:
        """The options chosen in the panel."""
        speaker = self.speaker_name()
        return SearchOptions(
            case_sensitive=self.case_box.isChecked(),
            whole_word=self.word_box.isChecked(),
            regex=self.regex_box.isChecked(),
            speaker=speaker,
        )

    @property
    def index(self) -> SearchIndex | None:
        """The index searched."""
        return self._index

    @property
    def outcome(self) -> SearchOutcome | None:
        """The last search outcome shown."""
        return self._outcome

    def is_searching(self) -> bool:
        """Whether a search has been started whose result has not come back yet (including
        one that will be dropped because a newer search replaced it)."""
        return self._pending > 0

    @property
    def current_hit(self) -> int | None:
        """The hit the user is on (0-based), or None."""
        return self._current

    @Slot()
    def run_now(self) -> None:
        """Run the search for the box's text now (the debounce timer calls this)."""
        self._debounce.stop()
        self._token += 1
        query = self.edit.text()
        index = self._index
        if self.scope() == SCOPE_ALL:
            self._run_archive(query)
            return
        if not query.strip() or index is None:
            self._show(None)
            self._set_status("" if not query.strip() else "No transcript to search")
            return
        options = self.options()
        token = self._token
        self._set_status("Searching…")
        self._runner.start(
            lambda: run_search(index, query, options),
            self._on_done,
            self._on_failed,
            token=token,
            name="search",
            expected=(SearchError,),
        )
        self._pending += 1

    @Slot(int, object)
    def _on_done(self, token: int, outcome: object) -> None:
        self._pending -= 1
        if token != self._token or not isinstance(outcome, SearchOutcome):
            return
        self._show(outcome)
        count = len(outcome.result)
        if count == 0:
            status = "No matches"
        else:
            more = "+" if outcome.result.truncated else ""
            status = f"{count:,}{more} hit{'s' if count != 1 else ''}"
        if outcome.result.timed_out:
            what = "pattern" if outcome.options.regex else "search"
            status += f" (stopped: the {what} took too long)"
        self._set_status(status, announce=True)
        if self._go_to_first and count:
            self._go_to_first = False
            self.go_to(0)

    def _run_archive(self, query: str) -> None:
        archive = self._archive
        self._show_archive(None)
        if not query.strip() or archive is None:
            self._set_status("" if not query.strip() else "No library to search")
            return
        options = self.options()
        token = self._token
        self._set_status("Searching all briefings…")
        from player.core.archive.library import ArchiveError

        self._runner.start(
            lambda: run_archive_search(archive, query, options),
            self._on_archive_done,
            self._on_failed,
            token=token,
            name="library search",
            expected=(SearchError, ArchiveError),
        )
        self._pending += 1

    @Slot(int, object)
    def _on_archive_done(self, token: int, outcome: object) -> None:
        self._pending -= 1
        if token != self._token or not isinstance(outcome, ArchiveOutcome):
            return
        self._show_archive(outcome)
        briefings = len({h.briefing.id for h in outcome.hits})
        if not outcome.hits:
            status = "No matches in the library"
        else:
            status = f"{outcome.total:,} hit{'s' if outcome.total != 1 else ''} in "
            status += f"{briefings} briefing{'s' if briefings != 1 else ''}"
            if outcome.total > len(outcome.hits):
                status += f" (first {len(outcome.hits)} shown)"
        shared = getattr(self._archive, "shared_problem", None)  # issue 19: the server is away
        if shared is not None:
            status += f". From this computer's library: {shared.message}"
        self._set_status(status, announce=True)
        if self._go_to_first and outcome.hits:
            self._go_to_first = False
            self.go_to(0)

    def _show_archive(self, outcome: ArchiveOutcome | None) -> None:
        self._archive_outcome = outcome
        self._archive_items = []
        self._current = None
        tree = self.archive_results
        tree.clear()
        if outcome is None:
            return
        counts: dict[int, int] = {}
        for hit in outcome.hits:
            counts[hit.briefing.id] = counts.get(hit.briefing.id, 0) + 1
        groups: dict[int, QTreeWidgetItem] = {}
        for hit in outcome.hits:
            b = hit.briefing
            group = groups.get(b.id)
            if group is None:
                n = counts[b.id]
                group = QTreeWidgetItem([f"{b.title} — {b.date} ({n} hit{'s' if n != 1 else ''})"])
                group.setToolTip(0, b.path)
                tree.addTopLevelItem(group)
                group.setExpanded(True)
                groups[b.id] = group
            item = QTreeWidgetItem(group)
            before, match, after = hit.snippet
            item.setData(
                0,
                SearchResultsModel.SNIPPET_ROLE,
                (format_clock(hit.start_ms), hit.speaker or "", before, match, after),
            )
            speaker = f"{hit.speaker}: " if hit.speaker else ""
            item.setText(0, f"{format_clock(hit.start_ms)} {speaker}{before}{match}{after}")
            item.setData(0, SearchResultsModel.HIT_ROLE, len(self._archive_items))
            self._archive_items.append(item)

    @property
    def archive_outcome(self) -> ArchiveOutcome | None:
        """The last "All briefings" result shown."""
        return self._archive_outcome

    @Slot(QTreeWidgetItem, int)
    def _on_archive_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        number = item.data(0, SearchResultsModel.HIT_ROLE)
        if isinstance(number, int):
            self.go_to(number)

    @Slot(int)
    def _on_scope_changed(self, _i: int) -> None:
        all_briefings = self.scope() == SCOPE_ALL
        self.results.setVisible(not all_briefings)
        self.archive_results.setVisible(all_briefings)
        self.speaker_only.setVisible(not all_briefings)
        self.edit.setPlaceholderText(
            'Search all briefings: words, "phrases", prefix*, AND/OR/NOT'
            if all_briefings
            else "Search the transcript (Ctrl+F)"
        )
        self._show(None)
        self._show_archive(None)
        self.run_now()

    @Slot(int, object)
    def _on_failed(self, token: int, err: object) -> None:
        self._pending -= 1
        if token != self._token:
            return
        self._show(None)
        self._show_archive(None)
        from player.core.archive.library import ArchiveError

        if isinstance(err, (SearchError, ArchiveError)):
            message = str(err)
        else:
            message = f"search failed: {self._runner.failure_message(err)}"
        self._set_status(message[:1].upper() + message[1:], announce=True)

    def _show(self, outcome: SearchOutcome | None) -> None:
        self._outcome = outcome
        self._current = None
        cues = self._index.cues if self._index is not None else ()
        self.results_model.set_result(cues, outcome.result if outcome else SearchResult())
        self.outcome_changed.emit(outcome)

    def _set_status(self, text: str, *, announce: bool = False) -> None:
        self.status.setText(text)
        self.status.setAccessibleDescription(text)
        here = self.scope() == SCOPE_HERE
        found = self._outcome.result if here and self._outcome else None
        archive = None if here else self._archive_outcome
        self.notice.update_for(
            text,
            query=self.edit.text(),
            options=self.options(),
            all_briefings=not here,
            library=self._archive is not None,
            hits=len(found) if found is not None else len(archive.hits) if archive else None,
        )
        self.results.setVisible(here and not self.notice.text())  # no empty box under a notice
        if announce and text:
            say(self, text)  # spoken by Orca 43 too (player/ui/announce.py)

    # ----- navigation -------------------------------------------------------------------------

    @Slot()
    def next_hit(self) -> None:
        """Go to the next hit (wrapping to the first, with a notice)."""
        self._step(backward=False)

    @Slot()
    def previous_hit(self) -> None:
        """Go to the previous hit (wrapping to the last, with a notice)."""
        self._step(backward=True)

    def _step(self, *, backward: bool) -> None:
        if self._debounce.isActive():
            self.run_now()
        count = self._hit_count()
        if count == 0:
            return
        index, wrapped = next_hit_index(self._current, count, backward=backward)
        self.go_to(index, wrapped=wrapped, backward=backward)

    def _hit_count(self) -> int:
        if self.scope() == SCOPE_ALL:
            return len(self._archive_items)
        return 0 if self._outcome is None else len(self._outcome.result)

    def go_to(self, i: int, *, wrapped: bool = False, backward: bool = False) -> None:
        """Select hit ``i`` and tell the window to go there."""
        if not 0 <= i < self._hit_count():
            return
        self._current = i
        if self.scope() == SCOPE_ALL and self._archive_outcome is not None:
            self.archive_results.setCurrentItem(self._archive_items[i])
            status = f"{i + 1:,} of {len(self._archive_items):,}"
            if wrapped:
                status += " — wrapped to the " + ("last hit" if backward else "first hit")
            self._set_status(status, announce=True)
            self.archive_hit_chosen.emit(self._archive_outcome.hits[i])
            return
        assert self._outcome is not None
        self.results_model.ensure_row(i)
        self.results.setCurrentIndex(self.results_model.index(i))
        total = len(self._outcome.result)
        status = f"{i + 1:,} of {total:,}{'+' if self._outcome.result.truncated else ''}"
        if wrapped:
            status += " — wrapped to the " + ("last hit" if backward else "first hit")
        self._set_status(status, announce=True)
        self.hit_chosen.emit(i)

    # ----- open / close -----------------------------------------------------------------------

    def open_search(self, text: str | None = None, *, go_to_first: bool = False) -> None:
        """Show the panel and focus the box (optionally with ``text``; ``go_to_first`` goes to
        the first hit as soon as results arrive)."""
        self.show()
        self._go_to_first = go_to_first
        if text is not None:
            self.edit.setText(text)
            self.run_now()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    @Slot()
    def close_search(self) -> None:
        """Hide the panel and clear the search (marks go away)."""
        self._token += 1
        self._debounce.stop()
        self.edit.clear()
        self._show(None)
        self._show_archive(None)
        self._set_status("")
        if self.speaker_only.isChecked():
            self.speaker_only.setChecked(False)
        self.hide()
        self.closed.emit()

    @Slot(int)
    def _on_speaker_changed(self, _i: int) -> None:
        has_speaker = bool(self.speaker_box.currentData())
        self.speaker_only.setEnabled(has_speaker)
        if not has_speaker and self.speaker_only.isChecked():
            self.speaker_only.setChecked(False)
        self._emit_speaker_only()
        self.run_now()

    @Slot()
    def _emit_speaker_only(self) -> None:
        name = self.speaker_box.currentData() or ""
        self.speaker_only_changed.emit(name if self.speaker_only.isChecked() else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Report focus changes of the search box (following pauses while it has focus)."""
        if watched is self.edit:
            if event.type() == QEvent.Type.FocusIn:
                self.focus_changed.emit(True)
            elif event.type() == QEvent.Type.FocusOut:
                self.focus_changed.emit(False)
        return super().eventFilter(watched, event)
