"""Synchronizing a text with its recording in the background: the job, its progress and Cancel,
and the sidecar it writes.

:class:`SyncJob` runs one synchronization as a
:class:`~player.ui.background_task.BackgroundTask` (playback goes on; the window stays
responsive): the alignment (``player.core.align`` with a speech engine from ``player.engines``,
both imported only when a job starts), then the WebVTT written beside the
media atomically (a temporary file in the same folder, flushed, ``os.replace``d: never a partial
file; private, 0600), the old transcript kept as ``NAME.vtt.bak`` when the user agreed to
replace it, then the new file parsed as any transcript. Progress comes back at most once per
percent; :meth:`SyncJob.cancel` stops the engine within about a second and nothing is written.

The alignment itself is one call, :data:`Aligner` ``(media, text, progress, should_stop) ->
WebVTT text``: :func:`align_with_engine` by default; tests give a fake.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QObject, Signal, Slot

from player.core.align.types import AlignError
from player.core.files import WriteError, write_private
from player.core.model import TranscriptError
from player.ui.align_seam import SyncCancelled, SyncError, align_file
from player.ui.background_task import BackgroundTask, Cancelled

if TYPE_CHECKING:
    from player.ui.jobs import JobRunner
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


class SyncJob(QObject):
    """One synchronization of ``text`` with ``media`` into ``out`` on ``runner``'s background
    pool (a :class:`~player.ui.background_task.BackgroundTask` runs it).

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
        self._task = BackgroundTask(
            runner,
            self._work,
            name="synchronize text",
            expected=(SyncError, SyncCancelled, TranscriptError),
            parent=self,
        )
        self._task.progressed.connect(self.progressed)
        self._task.finished.connect(self._on_finished)
        self._task.failed.connect(self._on_failed)

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._task.cancelled

    @property
    def done(self) -> bool:
        """Whether the job has ended (finished, failed or cancelled)."""
        return self._task.done

    @property
    def started_at(self) -> float:
        """``time.monotonic()`` when it started (0.0 before)."""
        return self._task.started_at

    def start(self) -> None:
        """Start on the background pool."""
        self._task.start()

    @Slot()
    def cancel(self) -> None:
        """Stop: the engine is told at once and ends within about a second; nothing is
        written. ``failed`` follows (with "cancelled")."""
        self._task.cancel()

    def wait(self, timeout_s: float) -> bool:
        """Wait until the worker has ended (tests, shutdown)."""
        return self._task.wait(timeout_s)

    # ----- on the worker ------------------------------------------------------------------

    def _work(
        self,
        progress: Callable[[float], None],
        should_stop: Callable[[], bool],
        _partial: Callable[[object], None],
    ) -> SyncOutcome:
        from player.ui.transcript_session import load_with_index

        try:
            vtt = self._aligner(self.media, self.text, progress, should_stop)
        except AlignError as err:
            raise SyncError(str(err)) from None
        if should_stop():
            raise SyncCancelled()
        try:
            backup = write_atomically(self.out, vtt, replace=self._replace)
        except WriteError as err:
            raise SyncError(f"{self.out.name}: {err.reason}") from None
        except OSError as err:
            raise SyncError(f"cannot write {self.out.name}: {err.strerror or err}") from None
        return SyncOutcome(str(self.out), load_with_index(str(self.out)), backup)

    # ----- back on the GUI thread ---------------------------------------------------------

    @Slot(object)
    def _on_finished(self, outcome: object) -> None:
        log.info("Synchronized %s in %.1f s", self.out, time.monotonic() - self.started_at)
        self.finished.emit(outcome)

    @Slot(object)
    def _on_failed(self, err: object) -> None:
        name = Path(self.text).name
        if isinstance(err, (Cancelled, SyncCancelled)) or self.cancelled:
            self.failed.emit("Synchronization cancelled; nothing was written.")
        elif isinstance(err, (SyncError, TranscriptError)):
            self.failed.emit(f"Could not synchronize {name}: {err}")
        else:
            self.failed.emit(f"Could not synchronize {name}: {self._runner.failure_message(err)}")
