"""File ▸ Export Clip…: the media between the marks, cut on the background pool, with progress
and Cancel.

:class:`ClipExporter` asks where to write the clip (a name beside the media by default), then
runs the cut (``player.engines.media_cut``, imported only then) on the job runner's background
pool while playback goes on: the media between In and Out (a missing mark is the media's start
or end) with its tags, and the open transcript's lines of the range, shifted to zero, beside it
under the clip's name with ``.vtt`` (an existing file of that name is replaced only when the
user agrees). A progress dialog shows the percent done and its Cancel
stops the cut within a packet, leaving nothing behind.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QObject, Qt, Signal, Slot

from player.core.clip import (
    ClipCancelled,
    ClipError,
    ClipResult,
    clip_file_name,
    clip_tags,
    clip_transcript_vtt,
)
from player.core.timeline.marks import TimeRange
from player.ui.jobs import JobRunner, Pool

if TYPE_CHECKING:
    from PySide6.QtWidgets import QProgressDialog, QWidget

    from player.core.model import Cue
    from player.ui.controller import PlaybackController
    from player.ui.marks import MarksKeeper
    from player.ui.transcript_session import TranscriptSession

log = logging.getLogger(__name__)

Cutter = Callable[..., ClipResult]
"""``(source, target, start_ms, end_ms, *, tags, should_stop, progress) -> ClipResult``."""

_FILTER = (
    "Same as the media (*{suffix});;Audio (*.mp3 *.opus *.ogg *.m4a *.wav *.flac);;"
    "Video (*.mp4 *.m4v *.mov *.mkv)"
)


class ClipOutcome(NamedTuple):
    """A clip written, and its transcript beside it (None: there was no transcript)."""

    result: ClipResult
    transcript: str | None


def cut_with_transcript(
    cutter: Cutter,
    media: Path,
    target: Path,
    span: TimeRange,
    cues: tuple[Cue, ...] | None,
    should_stop: Callable[[], bool],
    progress: Callable[[float], None],
) -> ClipOutcome:
    """The job's body (on a worker): the media's tags read, the clip cut, its transcript written."""
    from player.core.export.files import ExportWriteError, write_private
    from player.core.media.probe import probe_media

    info = probe_media(media)
    tags = clip_tags(media.name, span, info.title, info.date)
    result = cutter(
        media,
        target,
        span.start_ms,
        span.end_ms,
        tags=tags,
        should_stop=should_stop,
        progress=progress,
    )
    if cues is None:
        return ClipOutcome(result, None)
    vtt = target.with_suffix(".vtt")
    text = clip_transcript_vtt(cues, span, title=tags["title"], date=info.date or "")
    try:
        write_private(vtt, text.encode("utf-8"))
    except ExportWriteError as err:
        raise ClipError(f"the clip was written, its transcript was not: {err}") from None
    return ClipOutcome(result, str(vtt))


class ClipExporter(QObject):
    """Exports the marked range of the open media as a clip.

    Signals:
      message(str): what happened, for the status line.
      finished(object): the :class:`ClipOutcome` of a clip written.
      failed(str): why a clip was not written ("cancelled" after Cancel).
    """

    message = Signal(str)
    finished = Signal(object)
    failed = Signal(str)
    _progressed = Signal(int)

    def __init__(
        self,
        window: QWidget,
        controller: PlaybackController,
        session: TranscriptSession,
        marks: MarksKeeper,
        runner: JobRunner,
        cutter: Cutter | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._controller = controller
        self._session = session
        self._marks = marks
        self._runner = runner
        self._cutter = cutter
        self._cancel: threading.Event | None = None
        self._job: Any = None
        self._token = 0
        self._last_percent = -1
        self.dialog: QProgressDialog | None = None

    @property
    def busy(self) -> bool:
        """Whether a clip is being cut."""
        return self._cancel is not None

    def ask_target(self, suggested: Path) -> Path | None:
        """Where to write the clip (a save dialog; None when the user cancels)."""
        from PySide6.QtWidgets import QFileDialog

        name, _filter = QFileDialog.getSaveFileName(
            self._window, "Export Clip", str(suggested), _FILTER.format(suffix=suggested.suffix)
        )
        return Path(name) if name else None

    @Slot()
    def export_between_marks(self) -> None:
        """Ask for a file and export the clip between the marks."""
        media = self._controller.media_path
        if media is None:
            self.message.emit("Open a media file, then set In and Out marks to export a clip")
            return
        if self.busy:
            self.message.emit("A clip is being exported already")
            return
        span = self._marks.range()
        if span is None:
            self.message.emit("Set an In mark (I) and an Out mark (O) to export a clip")
            return
        target = self.ask_target(clip_file_name(Path(media), span))
        if target is None:
            return
        vtt = target.with_suffix(".vtt")
        if self._session.transcript is not None and vtt.exists() and not self.confirm_replace(vtt):
            self.message.emit(f"Clip not exported: {vtt.name} was kept")
            return
        self.start(Path(media), target, span)

    def confirm_replace(self, path: Path) -> bool:
        """Ask whether the transcript written beside the clip may replace ``path``."""
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self._window,
            "Export Clip",
            f"{path.name} exists already. Replace it with the clip's transcript?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def start(self, media: Path, target: Path, span: TimeRange) -> None:
        """Cut ``span`` of ``media`` into ``target`` on the background pool."""
        if target.suffix == "":
            target = target.with_suffix(media.suffix)
        transcript = self._session.transcript
        cues = transcript.cues if transcript is not None and self._session.timed else None
        cutter = self._cutter
        if cutter is None:
            from player.engines.media_cut import cut_clip

            cutter = cut_clip
        self._cancel = cancel = threading.Event()
        self._token += 1
        self._last_percent = -1
        self._show_progress(target)

        def work() -> ClipOutcome:
            return cut_with_transcript(
                cutter, media, target, span, cues, cancel.is_set, self._report_progress
            )

        self._job = self._runner.start(
            work,
            self._on_finished,
            self._on_failed,
            token=self._token,
            pool=Pool.BACKGROUND,
            name="clip export",
            cancel=cancel,
            expected=(ClipError,),
        )

    @Slot()
    def cancel(self) -> None:
        """Stop the cut under way (nothing is left behind)."""
        if self._cancel is not None:
            self._cancel.set()
        if self._job is not None:
            self._job.cancel()

    def _report_progress(self, fraction: float) -> None:
        """On the worker: percent done, sent to the GUI thread at most once per percent."""
        percent = int(fraction * 100)
        if percent != self._last_percent:
            self._last_percent = percent
            # RuntimeError: the window closed meanwhile (the job is being cancelled).
            with contextlib.suppress(RuntimeError):
                self._progressed.emit(percent)

    def _show_progress(self, target: Path) -> None:
        from PySide6.QtWidgets import QProgressDialog

        dialog = QProgressDialog(f"Exporting {target.name}…", "Cancel", 0, 100, self._window)
        dialog.setWindowTitle("Export Clip")
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        self._progressed.connect(dialog.setValue)
        dialog.setValue(0)
        self.dialog = dialog

    def _done(self) -> None:
        self._cancel = None
        self._job = None
        if self.dialog is not None:
            self._progressed.disconnect(self.dialog.setValue)
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    @Slot(int, object)
    def _on_finished(self, token: int, outcome: object) -> None:
        if token != self._token:
            return
        self._done()
        assert isinstance(outcome, ClipOutcome)
        text = f"Clip written: {outcome.result.describe()}"
        if outcome.transcript is not None:
            text += f", with {Path(outcome.transcript).name}"
        self.message.emit(text)
        self.finished.emit(outcome)

    @Slot(int, object)
    def _on_failed(self, token: int, err: object) -> None:
        if token != self._token:
            return
        self._done()
        if isinstance(err, ClipCancelled):
            self.message.emit("Clip export cancelled")
            self.failed.emit("cancelled")
            return
        known = isinstance(err, ClipError)
        reason = str(err) if known else self._runner.failure_message(err)
        self.message.emit(f"Could not export the clip: {reason}")
        self.failed.emit(reason)
