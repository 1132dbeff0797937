"""Work in the background with progress, partial results and Cancel (synchronizing a text,
transcribing, downloading a model).

:class:`BackgroundTask` runs one piece of :data:`Work` on the job runner's background pool
(playback goes on; the window stays responsive) and brings back, on the GUI thread, its
progress in percent (at most once per percent), its partial results (the newest matters) and
its end. :meth:`BackgroundTask.cancel` sets the event the work watches (the speech engines stop
within about a second); a cancelled task fails with :class:`Cancelled`, whatever the work
raised on its way out.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from player.core.align.types import AlignCancelled
from player.ui.jobs import JobRunner, Pool

if TYPE_CHECKING:
    from player.ui.jobs import Job

__all__ = ["BackgroundTask", "Cancelled", "Work"]

log = logging.getLogger(__name__)

Work = Callable[[Callable[[float], None], Callable[[], bool], Callable[[object], None]], object]
"""``(progress(fraction), should_stop(), partial(result)) -> result`` run on a worker."""


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
        self,
        runner: JobRunner,
        work: Work,
        *,
        name: str,
        expected: tuple[type[Exception], ...] = (Exception,),
        parent: QObject | None = None,
    ) -> None:
        """``expected``: failures logged as warnings (others as errors, with the traceback)."""
        super().__init__(parent)
        self._runner, self._work, self._name = runner, work, name
        self._expected = expected
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
            expected=(Cancelled, *self._expected),
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
