"""The job runner: two pools, failures logged and reported, cancellation, a bounded shutdown."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from player.ui.jobs import JobList, JobRunner, Pool, start_job

WAIT_MS = 10_000  # generous: a loaded two-core machine
WAIT_S = WAIT_MS / 1000


class Results:
    """What came back to the GUI thread."""

    def __init__(self) -> None:
        self.finished: list[tuple[int, object]] = []
        self.failed: list[tuple[int, object]] = []

    def on_finished(self, token: int, result: object) -> None:
        self.finished.append((token, result))

    def on_failed(self, token: int, err: object) -> None:
        self.failed.append((token, err))


@pytest.fixture
def runner() -> Iterator[JobRunner]:
    r = JobRunner(interactive_threads=2, background_threads=1)
    yield r
    r.shutdown(WAIT_S)


def _blocked(release: threading.Event, started: threading.Event | None = None) -> object:
    if started is not None:
        started.set()
    assert release.wait(WAIT_S)
    return "released"


def test_a_busy_background_pool_does_not_hold_up_interactive_work(
    qtbot: QtBot, runner: JobRunner
) -> None:
    release = threading.Event()
    running = threading.Event()
    results = Results()
    # The background pool is full (one running, one queued behind it) ...
    runner.start(
        lambda: _blocked(release, running),
        results.on_finished,
        results.on_failed,
        token=1,
        pool=Pool.BACKGROUND,
    )
    runner.start(
        lambda: _blocked(release),
        results.on_finished,
        results.on_failed,
        token=2,
        pool=Pool.BACKGROUND,
    )
    assert running.wait(WAIT_S)
    # ... and a parse on the interactive pool still comes back at once.
    runner.start(lambda: 6 * 7, results.on_finished, results.on_failed, token=3)
    qtbot.waitUntil(lambda: (3, 42) in results.finished, timeout=WAIT_MS)
    assert not release.is_set() and results.finished == [(3, 42)]
    release.set()
    qtbot.waitUntil(lambda: len(results.finished) == 3, timeout=WAIT_MS)
    assert sorted(results.finished) == [(1, "released"), (2, "released"), (3, 42)]
    assert runner.max_threads(Pool.BACKGROUND) == 1
    assert runner.max_threads(Pool.INTERACTIVE) == 2


def _explode() -> None:
    raise ValueError("the transcript is a teapot")


def test_a_failure_is_logged_with_its_traceback_and_reported(
    qtbot: QtBot, runner: JobRunner, caplog: pytest.LogCaptureFixture
) -> None:
    results = Results()
    with caplog.at_level(logging.WARNING, logger="player.ui.jobs"):
        runner.start(_explode, results.on_finished, results.on_failed, token=7, name="parse")
        qtbot.waitUntil(lambda: bool(results.failed), timeout=WAIT_MS)
        runner.start(
            _explode, results.on_finished, results.on_failed, token=8, expected=(ValueError,)
        )
        qtbot.waitUntil(lambda: len(results.failed) == 2, timeout=WAIT_MS)
    token, err = results.failed[0]
    assert token == 7 and isinstance(err, ValueError)
    assert results.finished == []
    first, second = caplog.records
    assert first.levelno == logging.ERROR and "parse" in first.getMessage()
    assert first.exc_info is not None and first.exc_info[0] is ValueError
    assert "_explode" in caplog.text and "the transcript is a teapot" in caplog.text  # traceback
    assert second.levelno == logging.WARNING  # an expected kind of failure
    assert second.exc_info is not None


def test_the_message_for_an_unexpected_failure_points_to_the_log(tmp_path: Path) -> None:
    err = ValueError("the transcript is a teapot")
    logged = JobRunner(log_file=tmp_path / "briefing-player.log")
    try:
        message = logged.failure_message(err)
    finally:
        logged.shutdown()
    assert "ValueError: the transcript is a teapot" in message
    assert str(tmp_path / "briefing-player.log") in message
    unlogged = JobRunner()
    try:
        assert "--verbose" in unlogged.failure_message(err)
    finally:
        unlogged.shutdown()


def test_shutdown_cancels_and_waits_for_running_jobs(qtbot: QtBot) -> None:
    runner = JobRunner(interactive_threads=1, background_threads=1)
    cancel = threading.Event()
    started = threading.Event()
    ended = threading.Event()
    queued_ran = threading.Event()

    def scan() -> str:
        started.set()
        cancel.wait(WAIT_S)  # a scan that checks its cancel event
        ended.set()
        return "stopped"

    results = Results()
    job = runner.start(
        scan, results.on_finished, results.on_failed, pool=Pool.BACKGROUND, cancel=cancel
    )
    queued = runner.start(
        queued_ran.set, results.on_finished, results.on_failed, pool=Pool.BACKGROUND
    )
    assert started.wait(WAIT_S)
    assert runner.shutdown(WAIT_S)
    assert cancel.is_set() and ended.is_set()  # told to stop, and waited for
    assert job.wait(0) and runner.running() == 0
    assert queued.cancelled and queued.done and not queued_ran.is_set()
    later = runner.start(queued_ran.set, results.on_finished, results.on_failed)
    assert later.cancelled and later.wait(0)  # nothing starts after shutdown
    assert not queued_ran.is_set()
    qtbot.waitUntil(lambda: results.finished == [(0, "stopped")], timeout=WAIT_MS)


def test_shutdown_waits_for_a_job_that_cannot_be_cancelled_up_to_a_bound(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    runner = JobRunner(interactive_threads=1)
    release = threading.Event()
    running = threading.Event()
    job = runner.start(lambda: _blocked(release, running), lambda *_: None, lambda *_: None)
    assert running.wait(WAIT_S)
    with caplog.at_level(logging.WARNING, logger="player.ui.jobs"):
        assert not runner.shutdown(0.05)  # still running: said so, and logged
    assert "still running" in caplog.text
    assert not job.wait(0)
    release.set()
    assert runner.wait(WAIT_S) and job.wait(WAIT_S)


def test_start_job_and_job_list_keep_working(qtbot: QtBot) -> None:
    results = Results()
    jobs = JobList()
    release = threading.Event()
    jobs.add(start_job(1, lambda: "parsed", results.on_finished, results.on_failed))
    jobs.add(
        start_job(
            2,
            lambda: _blocked(release),
            results.on_finished,
            results.on_failed,
            pool=Pool.BACKGROUND,
        )
    )
    qtbot.waitUntil(lambda: (1, "parsed") in results.finished, timeout=WAIT_MS)
    assert len(jobs) == 1  # the background one
    assert not jobs.wait(0.01)
    release.set()
    assert jobs.wait(WAIT_S)
    qtbot.waitUntil(lambda: len(results.finished) == 2, timeout=WAIT_MS)
    assert len(jobs) == 0


def test_a_job_cancelled_while_queued_never_runs_nor_reports(
    qtbot: QtBot, runner: JobRunner
) -> None:
    release = threading.Event()
    running = threading.Event()
    ran = threading.Event()
    results = Results()
    first = runner.start(
        lambda: _blocked(release, running),
        results.on_finished,
        results.on_failed,
        token=1,
        pool=Pool.BACKGROUND,
    )
    second = runner.start(
        ran.set, results.on_finished, results.on_failed, token=2, pool=Pool.BACKGROUND
    )
    assert running.wait(WAIT_S)
    second.cancel()
    assert second.done and second.wait(0)
    release.set()
    assert first.wait(WAIT_S)
    assert runner.wait(WAIT_S)  # the cancelled one was dropped when its turn came
    qtbot.waitUntil(lambda: results.finished == [(1, "released")], timeout=WAIT_MS)
    assert not ran.is_set()
