"""Work that must stay off the GUI thread, on two pools, and its hand-back by signal.

A :class:`JobRunner` has two thread pools (:class:`Pool`): ``INTERACTIVE`` for what the user is
waiting for (parsing a transcript, searching) and ``BACKGROUND`` for long work (indexing a
library, removing a folder, later alignment and transcription), so opening a briefing never
queues behind a multi-minute scan. A :class:`Job` runs a plain function; its result or error
comes back through a queued signal on the GUI thread, with the ``token`` the caller gave it so
stale results can be ignored (a transcript that finished loading after another file was opened).

A job that fails is logged with its traceback (``logging``, this module's logger) and still
reported to the caller by signal. :meth:`JobRunner.shutdown` drops the jobs not started yet,
asks the running ones to stop (their ``cancel`` event, when they were given one) and waits for
them, up to a bound.

``start_job``/``JobList`` keep the older call style, on a runner made on first use
(:func:`default_runner`); new code should be given a runner by the composition root.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")

GIL_SWITCH_INTERVAL_S = 0.001
"""How long a worker thread may hold the GIL before the GUI thread gets a turn (Python's
default is 5 ms). Every Python call Qt makes on the GUI thread (delegate, model, paint) waits
for the GIL; with a worker busy, 1 ms keeps those waits short (measured while a 50,000-cue
search index is built: the GUI thread gets the GIL every 1.7 ms instead of every 5.7 ms)."""

SHUTDOWN_WAIT_S = 5.0
"""How long :meth:`JobRunner.shutdown` waits for running jobs by default."""


def share_the_gil_fairly() -> None:
    """Set the interpreter's switch interval for a GUI with worker threads (process-wide)."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)


class Pool(enum.Enum):
    """Which pool a job runs on."""

    INTERACTIVE = "interactive"  # the user waits for it: parsing, searching
    BACKGROUND = "background"  # long: indexing, removing a folder, alignment, transcription


class JobSignals(QObject):
    """Signals of a Job: ``finished(token, result)`` or ``failed(token, exception)``."""

    finished = Signal(int, object)
    failed = Signal(int, object)


class Job(QRunnable, Generic[T]):
    """Run ``fn()`` on a worker thread and report back by signal.

    Callers keep a reference until ``done`` (see :class:`JobList`): the signals object must
    outlive the queued emission. ``cancel`` is the event the function watches, if it can stop
    early; :meth:`cancel` sets it, and a job cancelled before it started never runs (and never
    reports).
    """

    def __init__(
        self,
        token: int,
        fn: Callable[[], T],
        *,
        name: str = "",
        cancel: threading.Event | None = None,
        expected: tuple[type[Exception], ...] = (),
        runner: JobRunner | None = None,
    ) -> None:
        super().__init__()
        self.token = token
        self.fn = fn
        self.name = name or getattr(fn, "__qualname__", "job")
        self.cancel_event = cancel
        self.expected = expected
        self.signals = JobSignals()
        self.done = False
        self.started = False
        self.cancelled = False
        self._finished = threading.Event()
        self._runner = runner
        self.setAutoDelete(True)

    def cancel(self) -> None:
        """Ask the job to stop: a queued job will not run; a running one is told through its
        ``cancel`` event (a job without one runs to the end)."""
        lock = self._runner.lock if self._runner is not None else contextlib.nullcontext()
        with lock:
            self.cancelled = True
            if not self.started:
                self.done = True
                self._finished.set()
        if self.cancel_event is not None:
            self.cancel_event.set()

    def wait(self, timeout_s: float) -> bool:
        """Wait until the job has finished (or was cancelled before it started)."""
        return self._finished.wait(timeout_s)

    def run(self) -> None:
        """Worker-thread body: never lets an exception escape into Qt."""
        lock = self._runner.lock if self._runner is not None else contextlib.nullcontext()
        with lock:
            skip = self.cancelled  # cancelled while queued: ends without running or reporting
            self.started = not skip
        try:
            if not skip:
                self._call()
        finally:
            self._finished.set()
            if self._runner is not None:
                self._runner._job_ended(self)

    def _call(self) -> None:
        try:
            result = self.fn()
        except Exception as err:  # logged, then reported to the GUI thread
            level = logging.WARNING if isinstance(err, self.expected) else logging.ERROR
            log.log(level, "Job %s (token %d) failed", self.name, self.token, exc_info=True)
            self._emit(self.signals.failed, err)
        else:
            self._emit(self.signals.finished, result)

    def _emit(self, signal: Any, payload: object) -> None:
        if self._runner is not None:
            self._runner._hold(self)  # until the GUI thread has the result
        self.done = True
        # RuntimeError: the window closed while this ran, and nobody wants the result.
        with contextlib.suppress(RuntimeError):
            signal.emit(self.token, payload)


class JobRunner(QObject):
    """Two thread pools (interactive, background) and the jobs started on them.

    ``interactive_threads`` defaults to the machine's cores (at least 2); ``background_threads``
    to 1, which leaves the other cores to the GUI and to interactive work. ``log_file`` is
    where failures are logged with their traceback: :meth:`failure_message` points users to it.
    """

    def __init__(
        self,
        *,
        interactive_threads: int | None = None,
        background_threads: int = 1,
        log_file: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.log_file = log_file
        self.lock = threading.Lock()
        self._idle = threading.Condition(self.lock)
        self._live: set[Job[Any]] = set()
        # Jobs whose result is on its way to the GUI thread: their signals object must live
        # until the queued emission is delivered (keyed by id of the signals object).
        self._delivering: dict[int, Job[Any]] = {}
        self._closed = False
        self._pools: dict[Pool, QThreadPool] = {}
        counts = {
            Pool.INTERACTIVE: interactive_threads or max(2, os.cpu_count() or 2),
            Pool.BACKGROUND: max(1, background_threads),
        }
        for pool, count in counts.items():
            threads = QThreadPool(self)
            threads.setMaxThreadCount(count)
            threads.setObjectName(f"{pool.value} jobs")
            self._pools[pool] = threads

    def failure_message(self, err: object) -> str:
        """One line for the user about a job that failed unexpectedly (a bug: its traceback
        is in the log), saying where the details are."""
        what = f"{type(err).__name__}: {err}" if isinstance(err, BaseException) else repr(err)
        if self.log_file is not None:
            where = f"details are in the log file {self.log_file}"
        else:
            where = "run with --verbose for details"
        return f"unexpected error ({what[:200]}); {where}"

    def max_threads(self, pool: Pool) -> int:
        """How many jobs of ``pool`` may run at once."""
        return self._pools[pool].maxThreadCount()

    def start(
        self,
        fn: Callable[[], T],
        on_finished: Callable[[int, T], None],
        on_failed: Callable[[int, Exception], None],
        *,
        token: int = 0,
        pool: Pool = Pool.INTERACTIVE,
        name: str = "",
        cancel: threading.Event | None = None,
        expected: tuple[type[Exception], ...] = (),
    ) -> Job[T]:
        """Run ``fn`` on ``pool``; ``on_finished(token, result)`` or ``on_failed(token,
        error)`` runs on the GUI thread. ``cancel`` is the event ``fn`` watches, set at
        shutdown; failures of an ``expected`` type are logged as warnings, others as errors.
        After :meth:`shutdown` nothing starts (the job is returned cancelled)."""
        job: Job[T] = Job(token, fn, name=name, cancel=cancel, expected=expected, runner=self)
        job.signals.finished.connect(on_finished)
        job.signals.failed.connect(on_failed)
        job.signals.finished.connect(self._delivered)  # after the caller's: drops the job
        job.signals.failed.connect(self._delivered)
        with self.lock:
            if self._closed:
                job.cancelled = job.done = True
                job._finished.set()
                return job
            self._live.add(job)
        self._pools[pool].start(job)
        return job

    def running(self) -> int:
        """Jobs started and not yet ended (running or queued)."""
        with self.lock:
            return sum(1 for job in self._live if not job.cancelled or job.started)

    def wait(self, timeout_s: float) -> bool:
        """Wait until no job runs (queued ones that were cancelled do not count)."""
        deadline = time.monotonic() + timeout_s
        with self._idle:
            while any(job.started or not job.cancelled for job in self._live):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def shutdown(self, timeout_s: float = SHUTDOWN_WAIT_S) -> bool:
        """Start nothing more, cancel every job (queued ones never run, running ones are told
        through their cancel event) and wait for the running ones up to ``timeout_s``.
        Returns False when some were still running (they are logged)."""
        with self.lock:
            self._closed = True
            jobs = list(self._live)
        for job in jobs:
            job.cancel()
        with self.lock:  # cancelled before they started: they end here
            for job in jobs:
                if not job.started:
                    self._live.discard(job)
        for threads in self._pools.values():
            threads.clear()
        if self.wait(timeout_s):
            return True
        with self.lock:
            names = sorted(job.name for job in self._live)
        log.warning(
            "Shutdown: %d job(s) still running after %.1f s: %s", len(names), timeout_s, names
        )
        return False

    def _hold(self, job: Job[Any]) -> None:
        with self.lock:
            self._delivering[id(job.signals)] = job

    @Slot(int, object)
    def _delivered(self, _token: int, _payload: object) -> None:
        sender = self.sender()
        with self.lock:
            self._delivering.pop(id(sender), None)

    def _job_ended(self, job: Job[Any]) -> None:
        with self._idle:
            self._live.discard(job)
            self._idle.notify_all()


_default: JobRunner | None = None


def default_runner() -> JobRunner:
    """The runner ``start_job`` uses, made on first use; it shuts down when the application
    quits."""
    global _default
    if _default is None:
        _default = JobRunner()
        app = QCoreApplication.instance()
        if app is not None:
            _default.setParent(app)
            app.aboutToQuit.connect(_default.shutdown)
    return _default


def start_job(
    token: int,
    fn: Callable[[], Any],
    on_finished: Callable[[int, object], None],
    on_failed: Callable[[int, object], None],
    *,
    pool: Pool = Pool.INTERACTIVE,
    name: str = "",
    cancel: threading.Event | None = None,
) -> Job[Any]:
    """Start ``fn`` on ``pool`` of the default runner; callbacks run on the GUI thread."""
    return default_runner().start(
        fn, on_finished, on_failed, token=token, pool=pool, name=name, cancel=cancel
    )


class JobList:
    """The jobs an owner has started and not yet seen finish (keeps their signals alive)."""

    def __init__(self) -> None:
        self._jobs: list[Job[Any]] = []

    def add(self, job: Job[Any]) -> None:
        """Keep ``job``; forget the ones that are done."""
        self._jobs = [j for j in self._jobs if not j.done]
        self._jobs.append(job)

    def cancel(self) -> None:
        """Cancel every job kept (see :meth:`Job.cancel`)."""
        for job in self._jobs:
            job.cancel()

    def wait(self, timeout_s: float) -> bool:
        """Wait until every job kept has finished, up to ``timeout_s`` in all."""
        deadline = time.monotonic() + timeout_s
        return all(job.wait(max(0.0, deadline - time.monotonic())) for job in self._jobs)

    def __len__(self) -> int:
        return sum(1 for j in self._jobs if not j.done)
