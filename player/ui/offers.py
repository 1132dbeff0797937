"""What the window offers the user about the open briefing, in its info bar and the strips under
it: resuming where they stopped, what to do when there is no transcript or it failed to load,
and synchronizing a text without timings with the audio.

:class:`Offers` listens to the transcript session's state and the resume keeper's offer and
decides what is said; the bars themselves (:class:`~player.ui.widgets.InfoBar`, the
synchronization's strip) only show it. The synchronization (:class:`~player.ui.sync_offer.
TextSync`) is built the first time it is needed, so none of it is loaded for the first frame.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QVBoxLayout, QWidget

from player.core.timeline.timecode import format_clock
from player.ui.transcript_session import LoadPhase, TranscriptState

if TYPE_CHECKING:
    from collections.abc import Callable

    from player.ui.controller import PlaybackController
    from player.ui.cue_editing import CueEditing
    from player.ui.docks import Docks
    from player.ui.jobs import JobRunner
    from player.ui.resume import ResumeKeeper
    from player.ui.sync_offer import TextSync
    from player.ui.transcribe_offer import Transcription
    from player.ui.transcript_session import TranscriptSession
    from player.ui.transcript_view import TranscriptPanel
    from player.ui.widgets import InfoBar


class Offers(QObject):
    """The info bar's offers (resume, no transcript, failed transcript) and the text
    synchronization's offer, progress and Cancel.

    Signals:
      message(str): a status line for the window's status bar.
    """

    message = Signal(str)

    def __init__(
        self,
        *,
        window: QWidget,
        session: TranscriptSession,
        controller: PlaybackController,
        resume: ResumeKeeper,
        panel: TranscriptPanel,
        info_bar: InfoBar,
        docks: Docks,
        runner: JobRunner,
        choose_transcript: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self._window, self._session, self._controller = window, session, controller
        self._resume, self._panel, self._info_bar = resume, panel, info_bar
        self._docks, self._runner = docks, runner
        self._choose_transcript = choose_transcript
        self._text_sync: TextSync | None = None
        self._transcription: Transcription | None = None
        self._cue_editing: CueEditing | None = None
        self._media_failed = False  # the open media cannot play: nothing to transcribe
        self._missing_name: str | None = None  # the "no transcript" offer is shown for this
        session.state_changed.connect(self._on_transcript_state)
        session.media_opening.connect(self._on_media_opening)
        session.media_failed.connect(self._on_media_failed)
        controller.error_occurred.connect(self._on_media_failed)
        resume.resume_offered.connect(self._offer_resume)

    @property
    def text_sync(self) -> TextSync:
        """Synchronizing a text with the audio (offer, progress, Cancel), built on first use."""
        if self._text_sync is None:
            from player.ui.sync_offer import TextSync

            self._text_sync = TextSync(
                window=self._window,
                session=self._session,
                controller=self._controller,
                panel=self._panel,
                info_bar=self._info_bar,
                docks=self._docks,
                runner=self._runner,
                place=self._place_under_info_bar,
                parent=self,
            )
            self._text_sync.message.connect(self.message)
        return self._text_sync

    @property
    def text_sync_built(self) -> bool:
        """Whether anything of the synchronization has been loaded yet."""
        return self._text_sync is not None

    def _place_under_info_bar(self, strip: QWidget) -> None:
        holder = self._info_bar.parentWidget()
        layout = holder.layout() if holder is not None else None
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(layout.indexOf(self._info_bar) + 1, strip)

    @Slot()
    def synchronize_text(self) -> None:
        """File ▸ Synchronize Text with Audio…: pick a text and synchronize it."""
        self.text_sync.choose_and_start()

    @property
    def transcription(self) -> Transcription:
        """Transcribing the open recording (progress, Cancel, partial results), built on first
        use (``player.ui.transcribe_offer``)."""
        if self._transcription is None:
            from player.ui.transcribe_offer import Transcription

            self._transcription = Transcription(
                window=self._window,
                session=self._session,
                controller=self._controller,
                info_bar=self._info_bar,
                docks=self._docks,
                runner=self._runner,
                settings=getattr(self._window, "settings", None),
                place=self._place_under_info_bar,
                parent=self,
            )
            self._transcription.message.connect(self.message)
        return self._transcription

    @property
    def cue_editing(self) -> CueEditing:
        """Correcting a machine transcript's lines in place (F2, double-click, undo/redo),
        built when one is first shown (``player.ui.cue_editing``)."""
        if self._cue_editing is None:
            from player.ui.cue_editing import CueEditing

            self._cue_editing = CueEditing(
                session=self._session,
                panel=self._panel,
                controller=self._controller,
                runner=self._runner,
                parent=self,
            )
            self._cue_editing.message.connect(self.message)
        return self._cue_editing

    @Slot()
    def transcribe(self) -> None:
        """The offer "No transcript: Transcribe it on this computer" was taken."""
        self.transcription.start()

    @Slot()
    def transcribe_from_menu(self) -> None:
        """File ▸ Transcribe Recording…: transcribe the open recording; a timed transcript
        shown now is replaced only when the user agrees (it is kept as ``NAME.vtt.bak``)."""
        shown = self._session.transcript
        if shown is not None and self._session.timed and self._controller.media_path:
            from PySide6.QtWidgets import QMessageBox

            answer = QMessageBox.question(
                self._window,
                "Transcribe the recording",
                "This briefing has a transcript. Transcribe the recording anyway? The new "
                "machine transcript is saved beside the media; an existing file of that name "
                "is kept as .vtt.bak.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.transcription.start()

    def close(self) -> None:
        """The window closes: a synchronization or transcription under way is cancelled,
        nothing is written."""
        if self._text_sync is not None:
            self._text_sync.cancel()
        if self._transcription is not None:
            self._transcription.cancel()

    def _offer_missing(self) -> None:
        name = self._missing_name
        if self._media_failed:  # nothing can be heard: only a transcript to read helps
            self._info_bar.show_message(
                f"No transcript for {name}.", [("Open transcript…", self._choose_transcript)]
            )
            return
        self._info_bar.show_message(
            f"No transcript: Transcribe it on this computer ({name} has no transcript or "
            "text beside it).",
            [
                ("Transcribe", self.transcribe),
                ("Open transcript…", self._choose_transcript),
                ("Synchronize a text…", self.synchronize_text),
            ],
        )

    @Slot(str)
    def _on_media_opening(self, _path: str) -> None:
        self._media_failed = False
        self._missing_name = None

    @Slot(str)
    def _on_media_failed(self, _message: str) -> None:
        self._media_failed = True
        if self._missing_name is not None and self._info_bar.isVisible():
            self._offer_missing()  # withdraw "Transcribe" from the offer already shown

    @Slot(str, int)
    def _offer_resume(self, path: str, t_ms: int) -> None:
        self._info_bar.show_message(
            f"You stopped at {format_clock(t_ms)} last time.",
            [
                ("Resume at " + format_clock(t_ms), lambda: self._controller.seek_and_play(t_ms)),
                ("Start from the beginning", lambda: self._resume.forget(path)),
            ],
        )

    @Slot(object)
    def _on_transcript_state(self, state: TranscriptState) -> None:
        self._missing_name = None
        if state.phase is LoadPhase.MISSING:
            self._missing_name = Path(state.source or "").name
            self._offer_missing()
        elif state.phase is LoadPhase.READY and state.transcript is not None:
            if state.transcript.machine_generated or self._cue_editing is not None:
                self.cue_editing.attach()  # machine transcripts can be corrected in place
        elif state.phase is LoadPhase.FAILED:
            open_other = ("Open another transcript…", self._choose_transcript)
            self._info_bar.show_message(state.error, [open_other])
            self.message.emit(state.error)
        if self._text_sync is not None or state.phase is LoadPhase.UNTIMED:
            self.text_sync.on_state(state)  # the offer to synchronize, shown or withdrawn
