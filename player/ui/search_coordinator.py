"""Search wired to the rest of the window: the search panel's hits are highlighted in the
transcript and ticked on the seek bar, choosing one plays from a moment before it, the speaker
filter hides the other speakers' lines, and a hit in another briefing of the library opens that
briefing at the hit.

:class:`SearchCoordinator` owns the search panel (built the first time it is needed) and the
"All briefings" hit waiting for its briefing's transcript; the index searched comes from the
:class:`~player.ui.transcript_session.TranscriptSession`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from player.ui import settings as S

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QWidget

    from player.core.archive.library import Archive, ArchiveHit
    from player.core.text.search import SearchIndex
    from player.ui.controller import PlaybackController
    from player.ui.jobs import JobRunner
    from player.ui.models import TranscriptModel
    from player.ui.search_panel import SearchPanel
    from player.ui.search_results import SearchOutcome
    from player.ui.transcript_session import TranscriptSession
    from player.ui.transcript_view import TranscriptPanel
    from player.ui.transport import TransportBar


class SearchCoordinator(QObject):
    """Connects the search panel to the transcript, the seek bar and the controller."""

    def __init__(
        self,
        *,
        session: TranscriptSession,
        controller: PlaybackController,
        settings: S.Settings,
        model: TranscriptModel,
        panel: TranscriptPanel,
        transport: TransportBar,
        place: Callable[[QWidget], None],
        runner: JobRunner,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._session = session
        self._controller = controller
        self._settings = settings
        self._model = model
        self._panel = panel
        self._transport = transport
        self._place = place  # puts the search panel above the transcript
        self._search: SearchPanel | None = None
        self._archive: Archive | None = None
        self._pending_archive_hit: ArchiveHit | None = None
        session.search_index_changed.connect(self._on_index_changed)
        session.transcript_loaded.connect(self._on_transcript_loaded)
        transport.mark_clicked.connect(self._on_mark_clicked)

    @property
    def search(self) -> SearchPanel:
        """The search panel, built (hidden) on first use."""
        if self._search is None:
            from player.ui.search_panel import SearchPanel

            panel = SearchPanel(runner=self._runner)
            panel.hide()
            self._place(panel)
            panel.hit_chosen.connect(self._go_to_hit)
            panel.archive_hit_chosen.connect(self.open_archive_hit)
            panel.outcome_changed.connect(self._on_outcome)
            panel.focus_changed.connect(lambda f: self._panel.hold_following("search", f))
            panel.closed.connect(self._panel.back_to_now)
            panel.speaker_only_changed.connect(self._show_only_speaker)
            panel.set_archive(self._archive)
            panel.set_index(self._session.search_index)
            self._search = panel
        return self._search

    def start_search(self, text: str | None = None, *, go_to_first: bool = False) -> None:
        """Open the search box (with ``text``; ``go_to_first`` selects the first hit when the
        results arrive, as ``--search`` does)."""
        self.search.open_search(text if isinstance(text, str) else None, go_to_first=go_to_first)

    @Slot()
    def escape(self) -> None:
        """Esc: close the search if it is open, else go back to the current cue."""
        if self._search is not None and self._search.isVisible():
            self._search.close_search()  # emits closed -> back to now
        else:
            self._panel.back_to_now()

    @Slot()
    def next_hit(self) -> None:
        """Go to the next hit (F3)."""
        self.search.next_hit()

    @Slot()
    def previous_hit(self) -> None:
        """Go to the previous hit (Shift+F3)."""
        self.search.previous_hit()

    @Slot(object)
    def set_archive(self, archive: Archive | None) -> None:
        """The library searched by "All briefings" (None: only this briefing)."""
        self._archive = archive
        if self._search is not None:
            self._search.set_archive(archive)

    # ----- this briefing ----------------------------------------------------------------------

    @Slot(object)
    def _on_index_changed(self, index: SearchIndex | None) -> None:
        if self._search is not None:
            self._search.set_index(index)

    @Slot(int)
    def _go_to_hit(self, i: int) -> None:
        outcome = self.search.outcome
        transcript = self._session.transcript
        if outcome is None or transcript is None:
            return
        hit = outcome.result.hit(i)
        cue = transcript.cues[hit.cue_index]
        self._panel.pause_following()
        self._model.set_active_match(hit.cue_index, hit.start, hit.end)
        if self._controller.media_path is not None and self._model.timed:
            lead_in = self._settings.get(S.SEARCH_LEAD_IN_MS)
            self._controller.seek_and_play(max(0, cue.start_ms - lead_in))
        self._panel.show_row(hit.cue_index)

    @Slot(object)
    def _on_outcome(self, outcome: SearchOutcome | None) -> None:
        self._model.set_active_match(-1, 0, 0)
        if outcome is None:
            self._model.set_matches({})
            self._transport.set_marks([])
        else:
            self._model.set_matches(outcome.matches)
            # An untimed text's hits have no place on the seek bar.
            self._transport.set_marks(outcome.tick_ms if self._model.timed else [])

    @Slot(int)
    def _on_mark_clicked(self, mark: int) -> None:
        outcome = self.search.outcome
        index = self.search.index
        if outcome is None or index is None:
            return
        marks = self._transport.marks
        if 0 <= mark < len(marks):
            first = index.first_hit_at_or_after(outcome.result, marks[mark])
            if first is not None:
                self.search.go_to(first)

    @Slot(str)
    def _show_only_speaker(self, name: str) -> None:
        """Hide the other speakers' lines in the transcript ("" shows everyone again)."""
        hidden: set[int] = set()
        if name:
            index = self._session.search_index
            allowed = set(index.cue_indices_for_speaker(name)) if index is not None else set()
            hidden = {row for row in range(self._model.rowCount()) if row not in allowed}
        self._panel.set_speaker_filter(name, hidden)

    # ----- other briefings --------------------------------------------------------------------

    @Slot(object)
    def open_archive_hit(self, hit: ArchiveHit) -> None:
        """Open the hit's briefing at the hit (minus the lead-in) with the match highlighted."""
        b = hit.briefing
        if b.id < 0:  # a shared archive's briefing: its root may not be mapped here
            from player.ui.server_library import open_problem

            if (problem := open_problem(b)) is not None:
                self._session.message.emit(problem)
                return
        lead_in = self._settings.get(S.SEARCH_LEAD_IN_MS)
        at_ms = max(0, hit.start_ms - lead_in)
        media = self._controller.media_path
        same_media = media is not None and Path(media) == Path(b.path)
        if (
            b.transcript_path
            and self._session.path == b.transcript_path
            and (same_media or not b.has_media)
        ):
            if same_media:
                self._controller.seek_and_play(at_ms)
            self._show_archive_hit(hit)
            return
        self._pending_archive_hit = hit
        if b.has_media:
            self._session.open_media(b.path, transcript=b.transcript_path, at_ms=at_ms)
        else:
            self._session.open_briefing(b)

    @Slot(object)
    def _on_transcript_loaded(self, _transcript: object) -> None:
        hit = self._pending_archive_hit
        if hit is not None and self._session.path == hit.briefing.transcript_path:
            self._pending_archive_hit = None
            self._show_archive_hit(hit)

    def _show_archive_hit(self, hit: ArchiveHit) -> None:
        row = hit.cue_idx
        if not 0 <= row < self._model.rowCount():
            return
        self._panel.pause_following()
        self._model.set_matches({row: list(hit.matches)})
        if hit.matches:
            start, end = hit.matches[0]
            self._model.set_active_match(row, start, end)
        self._panel.show_row(row)
