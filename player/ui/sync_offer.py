"""The window's side of synchronizing a text with its recording: the offer, File ▸ Synchronize
Text with Audio…, the progress strip with Cancel, and the synchronized transcript put in place.

:class:`TextSync` is built the first time it is needed (a briefing opened with a text without
timings, or the menu entry): none of this is loaded for the first frame. When the session shows
an untimed text (``LoadPhase.UNTIMED``) it offers, in the window's info bar, to synchronize it
with the audio. A synchronization runs as a :class:`~player.ui.sync_job.SyncJob` on the
background pool while playback goes on; the strip above the transcript shows its progress and
a Cancel button. When it is done the synchronized transcript replaces the untimed text in place
(the paragraph the user was reading stays at the top; following is paused, "Back to now"
returns to the playing line), it is saved as ``NAME.vtt`` beside the media (an existing timed
transcript is replaced only when the user agrees, and kept as ``NAME.vtt.bak``), and the
library rescans when the media is in one of its folders. Every problem is a message in the
window, never a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QPoint, QTimer, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QProgressBar, QWidget

from player.core.media.sidecar import TEXT_EXTENSIONS
from player.ui.announce import announce
from player.ui.sync_job import SyncJob, SyncOutcome, sidecar_path
from player.ui.transcript_session import LoadPhase, TranscriptState, is_machine_aligned
from player.ui.untimed_text import map_row
from player.ui.widgets import plain_label, text_button

if TYPE_CHECKING:
    from collections.abc import Callable

    from player.ui.controller import PlaybackController
    from player.ui.docks import Docks
    from player.ui.jobs import JobRunner
    from player.ui.sync_job import Aligner
    from player.ui.transcript_session import TranscriptSession
    from player.ui.transcript_view import TranscriptPanel
    from player.ui.widgets import InfoBar

OFFER_TEXT = "This briefing has a text without timings: Synchronize it with the audio"
OFFER_BUTTON = "Synchronize with the audio"


def text_file_filter() -> str:
    """The file dialog's filter for texts that can be synchronized."""
    exts = " ".join(f"*{e}" for e in sorted(TEXT_EXTENSIONS))
    return f"Texts ({exts});;All files (*)"


class SyncStrip(QFrame):
    """The strip under the window's info bar (and like it): the offer to synchronize (a
    message, "Synchronize with the audio" and a dismiss button), then the job's progress with
    Cancel. Its own strip, so the info bar stays free for the resume offer and errors."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.AlternateBase))
        self.setPalette(palette)
        self.setProperty("alternate_background", True)  # the reading style keeps it so (H6)
        self.label = plain_label("", self)
        self.label.setMinimumWidth(1)
        self.label.setWordWrap(True)
        self.sync_button = text_button(OFFER_BUTTON, self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 100)
        self.bar.setAccessibleName("Synchronization progress")
        self.bar.setMaximumWidth(160)
        self.cancel_button = text_button("Cancel", self)
        self.cancel_button.setAccessibleName("Cancel the synchronization")
        self.dismiss_button = text_button("✕", self)
        self.dismiss_button.setAccessibleName("Dismiss")
        self.dismiss_button.setFlat(True)
        self.dismiss_button.setFixedWidth(28)
        self.dismiss_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        for widget in (self.sync_button, self.bar, self.cancel_button, self.dismiss_button):
            layout.addWidget(widget)
        self.hide()

    @property
    def offering(self) -> bool:
        """Whether the strip shows the offer now."""
        return self.isVisible() and self.sync_button.isVisible()

    def offer(self, text: str) -> None:
        """Show the offer: ``text`` and the "Synchronize with the audio" button."""
        self._mode(offer=True)
        self.label.setText(text)
        self.setAccessibleDescription(text)
        self.show()
        announce(self, text)  # spoken without moving the focus, as the info bar's messages

    def begin(self, text: str) -> None:
        """Show the progress of a new job."""
        self._mode(offer=False)
        self.label.setText(text)
        self.setAccessibleDescription(text)
        self.bar.setValue(0)
        self.cancel_button.setEnabled(True)
        self.show()

    def _mode(self, *, offer: bool) -> None:
        self.sync_button.setVisible(offer)
        self.dismiss_button.setVisible(offer)
        self.bar.setVisible(not offer)
        self.cancel_button.setVisible(not offer)

    def set_progress(self, text: str, percent: int) -> None:
        """Progress in percent, after what is being done."""
        self.bar.setValue(percent)
        self.label.setText(f"{text} {percent}%")

    def cancelling(self) -> None:
        """The user asked to stop: said until the job has ended (Cancel cannot be pressed twice)."""
        self.label.setText("Cancelling…")
        self.cancel_button.setEnabled(False)


class TextSync(QObject):
    """Offers, runs and finishes the synchronization of the open briefing's text.

    ``place`` puts the progress strip above the transcript; ``aligner`` replaces the engine
    (tests); ``confirm_replace(path)`` asks whether an existing transcript may be replaced and
    ``choose_file()`` asks for a text (both replaceable by tests).

    Signals:
      synchronized(str): the synchronized transcript was written (its path) and is shown.
      message(str): a one-line status for the user.
    """

    synchronized = Signal(str)
    message = Signal(str)

    def __init__(
        self,
        *,
        window: QWidget,
        session: TranscriptSession,
        controller: PlaybackController,
        panel: TranscriptPanel,
        info_bar: InfoBar,
        docks: Docks,
        runner: JobRunner,
        place: Callable[[QWidget], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._session = session
        self._controller = controller
        self._panel = panel
        self._info_bar = info_bar
        self._docks = docks
        self._runner = runner
        self.strip = SyncStrip(window)
        place(self.strip)
        self.strip.cancel_button.clicked.connect(self.cancel)
        self.strip.sync_button.clicked.connect(self._start_offered)
        self._offered: str | None = None  # the text the strip offers to synchronize
        self.aligner: Aligner | None = None
        self.confirm_replace: Callable[[Path], bool] = self._ask_replace
        self.choose_file: Callable[[], str | None] = self._ask_text
        self.job: SyncJob | None = None

    # ----- the offer ------------------------------------------------------------------------

    @Slot(object)
    def on_state(self, state: TranscriptState) -> None:
        """Offer to synchronize an untimed text; the window calls this for each new state once
        this object is built (it is built on the first UNTIMED one)."""
        if self.is_running():
            return  # the strip shows the job's progress
        if state.phase is not LoadPhase.UNTIMED or state.source is None:
            if self.strip.offering:
                self.strip.hide()
            self._offered = None
            return
        self._offered = state.source
        if self._controller.media_path is None:
            self._offered = None
            self.strip.offer(
                f"{Path(state.source).name} has no timings. Open its recording to synchronize it."
            )
            self.strip.sync_button.hide()
            return
        self.strip.offer(OFFER_TEXT)

    @Slot()
    def _start_offered(self) -> None:
        if self._offered is not None:
            self.start(self._offered)

    @Slot()
    def choose_and_start(self) -> None:
        """File ▸ Synchronize Text with Audio…: pick any text, show it and synchronize it."""
        if self._controller.media_path is None:
            self._say("Open the recording first (File ▸ Open Media…), then synchronize its text.")
            return
        path = self.choose_file()
        if path:
            self.open_text(path, synchronize=True)

    def open_text(self, path: str, *, synchronize: bool) -> None:
        """Show ``path`` untimed; synchronize it at once when asked (else the offer shows).
        When the synchronization cannot start (the user keeps the existing transcript), the
        transcript shown stays."""
        if synchronize and not self.start(path):
            return
        self._info_bar.hide()
        self._session.open_untimed(path)

    # ----- running ----------------------------------------------------------------------------

    def start(self, text: str) -> bool:
        """Synchronize ``text`` with the media open now; False (with a message) when it cannot
        start."""
        media = self._controller.media_path
        if media is None:
            self._say("Open the recording first (File ▸ Open Media…), then synchronize its text.")
            return False
        if self.job is not None and not self.job.done:
            self._say("A synchronization is already running; cancel it first.")
            return False
        out = sidecar_path(media)
        if not os.access(out.parent, os.W_OK):
            self._say(f"Cannot synchronize: the folder {out.parent} cannot be written to.")
            return False
        replace = False
        if out.exists():
            if not self.confirm_replace(out):
                self._say(f"Not synchronized: {out.name} was kept.")
                return False
            replace = True
        job = SyncJob(
            self._runner, media, text, out, replace=replace, aligner=self.aligner, parent=self
        )
        job.progressed.connect(self._on_progress)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        self.job = job
        self.strip.begin(f"Synchronizing {Path(text).name} with the audio…")
        self.message.emit(f"Synchronizing {Path(text).name} with the audio…")
        job.start()
        return True

    @Slot()
    def cancel(self) -> None:
        """Stop the synchronization running (nothing is written)."""
        job = self.job
        if job is not None and not job.done:
            self.strip.cancelling()
            job.cancel()

    def is_running(self) -> bool:
        """Whether a synchronization runs now."""
        return self.job is not None and not self.job.done

    @Slot(int)
    def _on_progress(self, percent: int) -> None:
        job = self.job
        if job is not None and not job.cancelled:
            self.strip.set_progress(f"Synchronizing {Path(job.text).name} with the audio…", percent)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.strip.hide()
        self._say(message, bar=True)
        self.on_state(self._session.state)  # the text is still there: offer it again

    @Slot(object)
    def _on_finished(self, outcome: SyncOutcome) -> None:
        self.strip.hide()
        job = self.job
        media_now = self._controller.media_path
        if job is not None and media_now is not None and Path(media_now) == Path(job.media):
            self._replace_in_place(job.text, outcome)
        transcript = outcome.loaded.transcript
        kept = f"; the old one is kept as {Path(outcome.backup).name}" if outcome.backup else ""
        mark = "machine-aligned" if is_machine_aligned(transcript) else "synchronized"
        unaligned = sum(1 for note in transcript.notes if note.startswith("unaligned"))
        missing = (
            f"; {unaligned} passage{'s' if unaligned != 1 else ''} not found in the audio "
            "kept in the file as notes"
            if unaligned
            else ""
        )
        self._say(
            f"Synchronized: {Path(outcome.path).name} saved beside the media "
            f"({mark}, {len(transcript.cues)} cues){missing}{kept}."
        )
        self.synchronized.emit(outcome.path)
        self._index(outcome.path)
        self.on_state(self._session.state)  # another briefing's text opened meanwhile: offer it

    def _replace_in_place(self, text: str, outcome: SyncOutcome) -> None:
        """Show the synchronized transcript where the untimed text was, the paragraph at the
        top of the list still at the top."""
        session, view = self._session, self._panel.view
        showing_text = not session.timed and session.path == text
        old_cues = session.transcript.cues if session.transcript is not None else ()
        top = view.indexAt(QPoint(4, 4)).row() if showing_text else -1
        if showing_text:
            # The reader stays where they were; "Back to now" goes to the playing line.
            self._panel.pause_following()
        loaded = outcome.loaded
        session.set_transcript(
            loaded.transcript, outcome.path, loaded.cue_index, loaded.search_index
        )
        if top > 0:
            row = map_row(old_cues, top, loaded.transcript.cues)
            model = view.model()
            if model is not None and row >= 0:
                index = model.index(row, 0)
                view.keep_at_top(index)
                # The list lays its rows out in batches: place it again once they are.
                QTimer.singleShot(0, self, lambda: self._keep_at_top(index))

    def _keep_at_top(self, index: QModelIndex) -> None:
        if index.isValid():
            self._panel.view.keep_at_top(index)

    # ----- the library ------------------------------------------------------------------------

    def _index(self, path: str) -> None:
        """The library indexes the new transcript (when its folder is in the library)."""
        library = self._docks.library
        if library is not None:
            library.index_written(path)

    # ----- asking the user --------------------------------------------------------------------

    def _say(self, text: str, *, bar: bool = False) -> None:
        if bar:
            self._info_bar.show_message(text)
        self.message.emit(text)

    def _ask_replace(self, path: Path) -> bool:
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self._window,
            "Replace the transcript?",
            f"{path.name} exists already. Replace it with the synchronized text?\n"
            f"The old file is kept as {path.name}.bak.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _ask_text(self) -> str | None:
        from PySide6.QtWidgets import QFileDialog

        media = self._controller.media_path
        folder = str(Path(media).parent) if media else ""
        path, _ = QFileDialog.getOpenFileName(
            self._window, "Synchronize a text with the audio", folder, text_file_filter()
        )
        return path or None
