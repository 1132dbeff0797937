"""Synchronizing a text with its recording in the background: the job, its progress and Cancel,
and the sidecar it writes.

:class:`SyncJob` runs one synchronization on the job runner's background pool (playback goes on;
the window stays responsive): the alignment (``player.core.align`` with a speech engine from
``player.engines``, both imported only when a job starts), then the WebVTT written beside the
media atomically (a temporary file in the same folder, flushed, ``os.replace``d: never a partial
file; private, 0600), the old transcript kept as ``NAME.vtt.bak`` when the user agreed to
replace it, then the new file parsed as any transcript. Progress comes back at most once per
percent; :meth:`SyncJob.cancel` stops the engine within about a second and nothing is written.

The alignment itself is one call, :data:`Aligner` ``(media, text, progress, should_stop) ->
WebVTT text``: :func:`align_with_engine` by default; tests give a fake.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QObject, Signal, Slot

from player.core.files import WriteError, write_private
from player.core.model import TranscriptError
from player.ui.align_seam import SyncCancelled, SyncError, align_file
from player.ui.jobs import JobRunner, Pool

if TYPE_CHECKING:
    from player.ui.jobs import Job
    from player.ui.transcript_session import LoadedTranscript

log = logging.getLogger(__name__)

Aligner = Callable[[str, str, Callable[[float], None], Callable[[], bool]], str]
"""``(media path, text path, progress(fraction), should_stop()) -> WebVTT text``; raises
:class:`SyncError` (or the engine's own error) with a one-line reason, or
:class:`SyncCancelled` when ``should_stop`` said so."""


class SyncOutcome(NamedTuple):
    """A finished synchronization: the sidecar written (``path``), the transcript read back
    from it, and the old file kept aside (``backup``, or None)."""

    path: str
    loaded: LoadedTranscript
    backup: str | None


def sidecar_path(media: str | Path) -> Path:
    """Where the synchronized transcript of ``media`` goes: ``NAME.vtt`` beside it."""
    media = Path(media)
    return media.with_name(media.stem + ".vtt")


def write_atomically(path: Path, text: str, *, replace: bool) -> str | None:
    """Write ``text`` to ``path`` (UTF-8, private) so that ``path`` is never partial; an
    existing file is replaced only when ``replace`` (kept as ``NAME.vtt.bak``, returned) and
    is otherwise an error. Raises OSError when it cannot be written."""
    if path.exists() and not replace:
        raise SyncError(f"{path.name} exists already and was not replaced")
    backup = write_private(path, text.encode("utf-8"), keep_backup=True)
    return str(backup) if backup is not None else None


def align_with_engine(
    media: str,
    text: str,
    progress: Callable[[float], None],
    should_stop: Callable[[], bool],
) -> str:
    """The default :data:`Aligner`: the shipped speech engine through the alignment pipeline
    (imported now, never before the first frame)."""
    return align_file(media, text, progress=progress, should_stop=should_stop)


class _Signals(QObject):
    progressed = Signal(int)


class SyncJob(QObject):
    """One synchronization of ``text`` with ``media`` into ``out`` on ``runner``'s background
    pool.

    Signals:
      progressed(int): percent done (0-100), at most once per percent.
      finished(object): the :class:`SyncOutcome`.
      failed(str): a one-line message for the user (cancelled included: see ``cancelled``).
    """

    progressed = Signal(int)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        runner: JobRunner,
        media: str,
        text: str,
        out: Path,
        *,
        replace: bool = False,
        aligner: Aligner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.media, self.text, self.out = media, text, out
        self._runner = runner
        self._replace = replace
        self._aligner = aligner or align_with_engine
        self._cancel = threading.Event()
        self._signals = _Signals(self)
        self._signals.progressed.connect(self.progressed)
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
            self._work,
            self._on_finished,
            self._on_failed,
            pool=Pool.BACKGROUND,
            name="synchronize text",
            cancel=self._cancel,
            expected=(SyncError, SyncCancelled, TranscriptError),
        )

    @Slot()
    def cancel(self) -> None:
        """Stop: the engine is told at once and ends within about a second; nothing is
        written. ``failed`` follows (with "cancelled")."""
        self._cancel.set()
        job = self._job
        if job is not None and not self.done:
            job.cancel()
            if not job.started:  # never ran, so it will never report: say it here
                self._on_failed(job.token, SyncCancelled())

    def wait(self, timeout_s: float) -> bool:
        """Wait until the worker has ended (tests, shutdown)."""
        return self._job is None or self._job.wait(timeout_s)

    # ----- on the worker ------------------------------------------------------------------

    def _progress(self, fraction: float) -> None:
        percent = max(0, min(100, int(fraction * 100)))
        if percent != self._percent:
            self._percent = percent
            # RuntimeError: the window closed meanwhile (the job is being cancelled).
            with contextlib.suppress(RuntimeError):
                self._signals.progressed.emit(percent)

    def _stopped(self) -> bool:
        return self._cancel.is_set()

    def _work(self) -> SyncOutcome:
        from player.ui.transcript_session import load_with_index

        try:
            vtt = self._aligner(self.media, self.text, self._progress, self._stopped)
        except (SyncError, SyncCancelled, TranscriptError):
            raise
        except Exception as err:
            if type(err).__name__ == "AlignCancelled" or self._cancel.is_set():
                raise SyncCancelled() from None
            if type(err).__name__ == "AlignError":
                raise SyncError(str(err)) from None
            raise
        if self._cancel.is_set():
            raise SyncCancelled()
        try:
            backup = write_atomically(self.out, vtt, replace=self._replace)
        except WriteError as err:
            raise SyncError(f"{self.out.name}: {err.reason}") from None
        except OSError as err:
            raise SyncError(f"cannot write {self.out.name}: {err.strerror or err}") from None
        return SyncOutcome(str(self.out), load_with_index(str(self.out)), backup)

    # ----- back on the GUI thread ---------------------------------------------------------

    @Slot(int, object)
    def _on_finished(self, _token: int, outcome: object) -> None:
        self.done = True
        log.info("Synchronized %s in %.1f s", self.out, time.monotonic() - self.started_at)
        self.finished.emit(outcome)

    @Slot(int, object)
    def _on_failed(self, _token: int, err: object) -> None:
        self.done = True
        if isinstance(err, SyncCancelled) or self._cancel.is_set():
            self.failed.emit("Synchronization cancelled; nothing was written.")
        elif isinstance(err, (SyncError, TranscriptError)):
            self.failed.emit(f"Could not synchronize {Path(self.text).name}: {err}")
        else:
            self.failed.emit(
                f"Could not synchronize {Path(self.text).name}: "
                + self._runner.failure_message(err)
            )
