"""Work that must stay off the GUI thread (loading big transcripts, indexing) and its hand-back.

A ``Job`` runs a plain function on the global thread pool; its result or error comes back via a
queued signal on the GUI thread. Each job carries a ``token`` so callers can ignore stale results
(e.g. a transcript that finished loading after the user already opened another file).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

GIL_SWITCH_INTERVAL_S = 0.001
"""How long a worker thread may hold the GIL before the GUI thread gets a turn (Python's
default is 5 ms). Every Python call Qt makes on the GUI thread (delegate, model, paint) waits
for the GIL; with a worker busy, 1 ms keeps those waits short (measured while a 50,000-cue
search index is built: the GUI thread gets the GIL every 1.7 ms instead of every 5.7 ms)."""


def share_the_gil_fairly() -> None:
    """Set the interpreter's switch interval for a GUI with worker threads (process-wide)."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)


class JobSignals(QObject):
    """Signals of a Job: ``finished(token, result)`` or ``failed(token, exception)``."""

    finished = Signal(int, object)
    failed = Signal(int, object)


class Job(QRunnable):
    """Run ``fn()`` on a worker thread and report back by signal.

    Callers keep a reference until ``done`` (see :class:`JobList`): the signals object must
    outlive the queued emission.
    """

    def __init__(self, token: int, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.token = token
        self.fn = fn
        self.signals = JobSignals()
        self.done = False
        self.setAutoDelete(True)

    def run(self) -> None:
        """Worker-thread body: never lets an exception escape into Qt."""
        try:
            result = self.fn()
        except Exception as err:  # reported to the GUI thread, which shows a message
            self._emit(self.signals.failed, err)
        else:
            self._emit(self.signals.finished, result)

    def _emit(self, signal: Any, payload: object) -> None:
        self.done = True
        # RuntimeError: the window closed while this ran, and nobody wants the result.
        with contextlib.suppress(RuntimeError):
            signal.emit(self.token, payload)


def start_job(
    token: int,
    fn: Callable[[], Any],
    on_finished: Callable[[int, object], None],
    on_failed: Callable[[int, object], None],
) -> Job:
    """Start ``fn`` on the global pool; callbacks run on the GUI thread."""
    job = Job(token, fn)
    job.signals.finished.connect(on_finished)
    job.signals.failed.connect(on_failed)
    QThreadPool.globalInstance().start(job)
    return job


class JobList:
    """The jobs an owner has started and not yet seen finish (keeps their signals alive)."""

    def __init__(self) -> None:
        self._jobs: list[Job] = []

    def add(self, job: Job) -> None:
        """Keep ``job``; forget the ones that are done."""
        self._jobs = [j for j in self._jobs if not j.done]
        self._jobs.append(job)

    def __len__(self) -> int:
        return sum(1 for j in self._jobs if not j.done)
