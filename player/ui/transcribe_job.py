"""Transcribing in the background: the work, its progress, partial results and Cancel.

:class:`BackgroundTask` runs one piece of work on the job runner's background pool (playback
goes on) and brings back, on the GUI thread, its progress in percent (at most once per
percent), its partial results (a transcript of what is recognised so far) and its end.
Cancel stops the engines within about a second; nothing is written.

:func:`transcribe_to_sidecar` is the transcription's work: recognise and re-time
(``player.engines.transcription``, imported on the worker, never for the first frame), write
``NAME.vtt`` beside the media atomically (an existing file kept as ``.bak``), read it back as
any transcript. :func:`partial_transcript` turns the cues recognised so far into a transcript
the window can show and search at once.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QObject, Signal, Slot

from player.core.align.types import AlignCancelled
from player.ui.jobs import JobRunner, Pool

if TYPE_CHECKING:
    from player.core.align.types import SpeechAligner
    from player.core.model import Transcript
    from player.core.transcribe.types import TranscribedCue, Transcriber
    from player.ui.jobs import Job
    from player.ui.transcript_session import LoadedTranscript

log = logging.getLogger(__name__)

Work = Callable[[Callable[[float], None], Callable[[], bool], Callable[[object], None]], object]
"""``(progress(fraction), should_stop(), partial(result)) -> result`` run on a worker."""


class TranscribeOutcome(NamedTuple):
    """A finished transcription: the sidecar written, the transcript read back, the old file
    kept aside (or None), and the model used."""

    path: str
    loaded: LoadedTranscript
    backup: str | None
    model: str


class Cancelled(Exception):
    """The user cancelled; nothing was written."""


class _Signals(QObject):
    progressed = Signal(int)
    partial = Signal(object)


class BackgroundTask(QObject):
    """One piece of :data:`Work` on ``runner``'s background pool.

    Signals:
      progressed(int): percent done, at most once per percent.
      partial(object): a partial result (the newest only matters).
      finished(object): the work's result.
      failed(object): the exception (``Cancelled`` when cancelled).
    """

    progressed = Signal(int)
    partial = Signal(object)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(
        self, runner: JobRunner, work: Work, *, name: str, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._runner, self._work, self._name = runner, work, name
        self._cancel = threading.Event()
        self._signals = _Signals(self)
        self._signals.progressed.connect(self.progressed)
        self._signals.partial.connect(self.partial)
        self._job: Job[object] | None = None
        self._percent = -1
        self.started_at = 0.0
        self.done = False

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._cancel.is_set()

    def start(self) -> None:
        """Start on the background pool."""
        self.started_at = time.monotonic()
        self._job = self._runner.start(
            self._run,
            self._on_finished,
            self._on_failed,
            pool=Pool.BACKGROUND,
            name=self._name,
            cancel=self._cancel,
            expected=(Cancelled, Exception),
        )

    @Slot()
    def cancel(self) -> None:
        """Stop; ``failed`` follows with :class:`Cancelled`."""
        self._cancel.set()
        job = self._job
        if job is not None and not self.done:
            job.cancel()
            if not job.started:  # never ran, so it will never report: say it here
                self._on_failed(job.token, Cancelled())

    def wait(self, timeout_s: float) -> bool:
        """Wait until the worker has ended (tests, shutdown)."""
        return self._job is None or self._job.wait(timeout_s)

    # ----- on the worker ------------------------------------------------------------------

    def _progress(self, fraction: float) -> None:
        percent = max(0, min(100, int(fraction * 100)))
        if percent != self._percent:
            self._percent = percent
            with contextlib.suppress(RuntimeError):  # the window closed meanwhile
                self._signals.progressed.emit(percent)

    def _partial(self, result: object) -> None:
        if not self._cancel.is_set():
            with contextlib.suppress(RuntimeError):
                self._signals.partial.emit(result)

    def _run(self) -> object:
        try:
            result = self._work(self._progress, self._cancel.is_set, self._partial)
        except Exception as err:
            if isinstance(err, AlignCancelled) or self._cancel.is_set():
                raise Cancelled() from None
            raise
        if self._cancel.is_set():
            raise Cancelled()
        return result

    # ----- back on the GUI thread ---------------------------------------------------------

    @Slot(int, object)
    def _on_finished(self, _token: int, result: object) -> None:
        self.done = True
        log.info("%s done in %.1f s", self._name, time.monotonic() - self.started_at)
        self.finished.emit(result)

    @Slot(int, object)
    def _on_failed(self, _token: int, err: object) -> None:
        if self.done:
            return
        self.done = True
        self.failed.emit(Cancelled() if self._cancel.is_set() else err)


def partial_transcript(cues: list[TranscribedCue], model: str, media: str) -> Transcript:
    """The cues recognised so far as a transcript to show (parsed as any WebVTT file)."""
    from player.core.formats.load import parse_transcript_text
    from player.core.transcribe.types import TranscriptionResult
    from player.core.transcribe.vtt import render_transcript_vtt

    words = sum(len(cue.words) for cue in cues)
    result = TranscriptionResult(tuple(cues), words, 0, 0, "transcribing…", model)
    return parse_transcript_text(render_transcript_vtt(result), source=media)


def transcribe_to_sidecar(
    media: str,
    out: Path,
    *,
    model: str | None,
    configured: str | None,
    transcriber: Transcriber | None,
    aligner: SpeechAligner | None,
    progress: Callable[[float], None],
    should_stop: Callable[[], bool],
    partial: Callable[[object], None],
) -> TranscribeOutcome:
    """Transcribe ``media`` into ``out`` (see the module docstring); runs on a worker."""
    from player.engines.transcription import make_transcriber, transcribe_media, write_transcript
    from player.ui.transcript_session import load_with_index

    engine = transcriber if transcriber is not None else make_transcriber(model, configured)
    last = [0.0]

    def on_partial(cues: list[Any]) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 and cues:  # at most twice a second
            last[0] = now
            partial(partial_transcript(cues, engine.model_name, media))

    result = transcribe_media(
        media,
        transcriber=engine,
        aligner=aligner,
        progress=progress,
        should_stop=should_stop,
        on_partial=on_partial,
    )
    if should_stop():
        raise Cancelled()
    backup = out.with_name(out.name + ".bak") if out.exists() else None
    write_transcript(result, out, force=True)
    return TranscribeOutcome(
        str(out), load_with_index(str(out)), str(backup) if backup else None, result.model
    )
