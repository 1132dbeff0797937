"""The window's side of transcribing a recording that came with no text: the offer's action,
the progress strip with Cancel, partial results shown as they come, the model download asked
for first, and the transcript saved, shown and indexed.

:class:`Transcription` is built the first time the user asks (the info bar's "No transcript:
Transcribe it on this computer" offer, made by ``player.ui.offers``): none of this is loaded for
the first frame. The work runs as a :class:`~player.ui.background_task.BackgroundTask` on the
background pool while playback goes on; the strip under the info bar (the synchronization's
:class:`~player.ui.sync_offer.SyncStrip`, its own instance) shows progress and Cancel; what is
recognised so far is shown in the transcript panel at once, readable and searchable. When done
the machine transcript is saved as ``NAME.vtt`` beside the media (atomically; an existing file
kept as ``NAME.vtt.bak``), shown (its title says machine-generated), and the library folder that
holds it is rescanned. Cancel or a failure puts the briefing back as it was; nothing is written.

The speech model is the ``transcribe/model`` setting (a model name, or a model folder; empty:
the installed ``tiny.en``). A named model not on the computer is downloaded only when the user
agrees to the question (its size shown), with progress and Cancel.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from player.ui.background_task import BackgroundTask, Cancelled
from player.ui.settings import TRANSCRIBE_MODEL
from player.ui.sync_job import sidecar_path
from player.ui.sync_offer import SyncStrip
from player.ui.transcribe_job import TranscribeOutcome, transcribe_to_sidecar

if TYPE_CHECKING:
    from collections.abc import Callable

    from player.core.align.types import SpeechAligner
    from player.core.model import Transcript
    from player.core.transcribe.models import ModelInfo
    from player.core.transcribe.types import Transcriber
    from player.engines.whisper_models import ModelSource
    from player.ui.controller import PlaybackController
    from player.ui.docks import Docks
    from player.ui.jobs import JobRunner
    from player.ui.settings import Settings
    from player.ui.transcript_session import TranscriptSession
    from player.ui.widgets import InfoBar

OFFER_TEXT = "No transcript: Transcribe it on this computer"
OFFER_BUTTON = "Transcribe"


class Transcription(QObject):
    """Runs and finishes the transcription of the open briefing (see the module docstring).

    Tests replace ``transcriber``, ``aligner``, ``model_source`` and ``confirm_download``.

    Signals:
      transcribed(str): the transcript was written (its path) and is shown.
      message(str): a one-line status for the user.
    """

    transcribed = Signal(str)
    message = Signal(str)

    def __init__(
        self,
        *,
        window: QWidget,
        session: TranscriptSession,
        controller: PlaybackController,
        info_bar: InfoBar,
        docks: Docks,
        runner: JobRunner,
        settings: Settings | None,
        place: Callable[[QWidget], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._window, self._session, self._controller = window, session, controller
        self._info_bar, self._docks, self._runner = info_bar, docks, runner
        self._settings = settings
        self.strip = SyncStrip(window)
        self.strip.bar.setAccessibleName("Transcription progress")
        self.strip.cancel_button.setAccessibleName("Cancel the transcription")
        place(self.strip)
        self.strip.cancel_button.clicked.connect(self.cancel)
        self.transcriber: Transcriber | None = None
        self.aligner: SpeechAligner | None = None
        self.model_source: ModelSource | None = None
        self.confirm_download: Callable[[ModelInfo], bool] = self._ask_download
        self.task: BackgroundTask | None = None
        self._media: str | None = None
        self._partial_shown = False

    # ----- starting -------------------------------------------------------------------------

    def is_running(self) -> bool:
        """Whether a transcription or a model download runs now."""
        return self.task is not None and not self.task.done

    def _model_request(self) -> tuple[str | None, str | None]:
        """``(model name or folder, Preferences folder)`` from the setting."""
        value = self._settings.get(TRANSCRIBE_MODEL).strip() if self._settings else ""
        if not value:
            return None, None
        if os.sep in value or value.startswith(("~", ".")):
            return None, value
        return value, None

    @Slot()
    def start(self, model: str | None = None) -> bool:
        """Transcribe the media open now; False (with a message) when it cannot start."""
        media = self._controller.media_path
        if media is None:
            self._say("Open a recording first (File ▸ Open Media…), then transcribe it.")
            return False
        if self.is_running():
            self._say("A transcription is already running; cancel it first.")
            return False
        out = sidecar_path(media)
        if not os.access(out.parent, os.W_OK):
            self._say(f"Cannot transcribe: the folder {out.parent} cannot be written to.")
            return False
        name, configured = self._model_request()
        model = model or name
        transcriber, aligner = self.transcriber, self.aligner

        def work(progress: Any, should_stop: Any, partial: Any) -> object:
            return transcribe_to_sidecar(
                media,
                out,
                model=model,
                configured=configured,
                transcriber=transcriber,
                aligner=aligner,
                progress=progress,
                should_stop=should_stop,
                partial=partial,
            )

        self._media = media
        self._partial_shown = False
        task = BackgroundTask(self._runner, work, name="transcribe", parent=self)
        task.progressed.connect(self._on_progress)
        task.partial.connect(self._on_partial)
        task.finished.connect(self._on_finished)
        task.failed.connect(self._on_failed)
        self.task = task
        self._info_bar.hide()
        self.strip.begin(f"Transcribing {Path(media).name} on this computer…")
        self.message.emit(f"Transcribing {Path(media).name} on this computer…")
        task.start()
        return True

    @Slot()
    def cancel(self) -> None:
        """Stop the transcription or download running (nothing is written)."""
        task = self.task
        if task is not None and not task.done:
            self.strip.cancelling()
            task.cancel()

    # ----- while it runs --------------------------------------------------------------------

    def _same_media(self) -> bool:
        now = self._controller.media_path
        return now is not None and self._media is not None and Path(now) == Path(self._media)

    @Slot(int)
    def _on_progress(self, percent: int) -> None:
        if self.task is not None and not self.task.cancelled and self._media:
            verb = "Downloading the speech model for" if self._downloading else "Transcribing"
            self.strip.set_progress(f"{verb} {Path(self._media).name}…", percent)

    @property
    def _downloading(self) -> bool:
        return self.task is not None and self.task.objectName() == "download"

    @Slot(object)
    def _on_partial(self, transcript: Transcript) -> None:
        if self.task is None or self.task.cancelled or not self._same_media() or not self._media:
            return
        self._session.set_transcript(transcript, str(sidecar_path(self._media)))
        self._partial_shown = True

    # ----- the end --------------------------------------------------------------------------

    @Slot(object)
    def _on_finished(self, result: object) -> None:
        self.strip.hide()
        if not isinstance(result, TranscribeOutcome):  # a model download: now transcribe
            self._say("The speech model is downloaded.")
            self.start(model=getattr(result, "path", None))
            return
        loaded = result.loaded
        if self._same_media():
            self._session.set_transcript(
                loaded.transcript, result.path, loaded.cue_index, loaded.search_index
            )
        kept = f"; the old one is kept as {Path(result.backup).name}" if result.backup else ""
        self._say(
            f"Transcribed: {Path(result.path).name} saved beside the media (machine transcript, "
            f"model {result.model}, {len(loaded.transcript.cues)} lines){kept}."
        )
        self.transcribed.emit(result.path)
        self._index(result.path)

    @Slot(object)
    def _on_failed(self, err: object) -> None:
        from player.core.align.types import AlignError
        from player.core.transcribe.models import ModelMissing

        self.strip.hide()
        if self._partial_shown and self._same_media() and self._media:
            self._session.open_for_media(Path(self._media))  # back as it was: no transcript
        self._partial_shown = False
        if isinstance(err, Cancelled):
            self._say("Transcription cancelled; nothing was written.", bar=True)
        elif isinstance(err, ModelMissing):
            self._offer_download(err.info)
        elif isinstance(err, AlignError):
            where = f"{Path(err.path).name}: " if err.path else ""
            self._say(f"Could not transcribe: {where}{err.message}", bar=True)
        else:
            self._say("Could not transcribe: " + self._runner.failure_message(err), bar=True)

    # ----- downloading a model (asked first) ---------------------------------------------------

    def _offer_download(self, info: ModelInfo) -> None:
        if not self.confirm_download(info):
            self._say(
                f"Not transcribed: the speech model {info.name} was not downloaded.", bar=True
            )
            return
        source = self.model_source
        if source is None:
            from player.engines.whisper_models import HubModelSource

            source = HubModelSource()
        chosen: ModelSource = source

        def work(progress: Any, should_stop: Any, _partial: Any) -> object:
            return chosen.download(info.name, progress=progress, should_stop=should_stop)

        task = BackgroundTask(self._runner, work, name="download model", parent=self)
        task.setObjectName("download")
        task.progressed.connect(self._on_progress)
        task.finished.connect(self._on_finished)
        task.failed.connect(self._on_failed)
        self.task = task
        self.strip.begin(f"Downloading the speech model {info.name} (about {info.size_mb} MB)…")
        task.start()

    def _ask_download(self, info: ModelInfo) -> bool:
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self._window,
            "Download the speech model?",
            f"The speech model {info.name} is not on this computer. Download it once "
            f"(about {info.size_mb} MB, from Hugging Face: {info.repo})?\n"
            "Nothing of your recordings is sent; transcription runs on this computer.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # ----- the library and messages -------------------------------------------------------

    def _index(self, path: str) -> None:
        """The library indexes the new transcript (when its folder is in the library)."""
        library = self._docks.library
        if library is not None:
            library.index_written(path)

    def _say(self, text: str, *, bar: bool = False) -> None:
        if bar:
            self._info_bar.show_message(text)
        self.message.emit(text)
