"""Fixtures for window tests: the real window over the deterministic FakeBackend.

The controller's position moves by its real ``QTimer`` (nothing calls ``tick()`` by hand): the
harness only injects the timer with a 0 ms interval, so that a test advancing 30 s of media
does not wait 30 s, and counts its ticks to wait until the timer has run after each step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from player.playback.fake import FakeBackend
from player.ui.controller import PlaybackController
from player.ui.settings import Settings
from player.ui.transcript_session import LoadPhase
from player.ui.window import MainWindow
from tests.conftest import SAMPLE_DIR

TIMER_WAIT_MS = 5000  # generous: a loaded two-core machine


class TickCounter:
    """Counts the ticks of the controller's timer (connected after the controller's own slot,
    so a counted tick has moved the position)."""

    def __init__(self, timer: QTimer) -> None:
        self.timer = timer
        self.ticks = 0
        timer.timeout.connect(self._ticked)

    def _ticked(self) -> None:
        self.ticks += 1


@dataclass
class Harness:
    """A window driven by hand: ``advance(ms)`` moves wall time and media time together, and
    waits until the controller's timer has run (when it runs) before the next step."""

    window: MainWindow
    backend: FakeBackend
    controller: PlaybackController
    settings: Settings
    wall: list[int]
    qtbot: QtBot
    ticks: TickCounter

    def advance(self, ms: int, step_ms: int = 10) -> None:
        done = 0
        while done < ms:
            step = min(step_ms, ms - done)
            before = self.ticks.ticks
            self.wall[0] += step
            self.backend.advance(step)
            QApplication.processEvents()  # the backend's events, then (usually) a tick
            self.wait_tick(before)
            done += step

    def wait_tick(self, before: int | None = None) -> None:
        """Wait until the timer has ticked since the count was ``before`` (default: now),
        unless it is not running: then the position moves only by the backend's reports
        (paused, stopped, ended)."""
        start = self.ticks.ticks if before is None else before
        self.qtbot.waitUntil(
            lambda: self.ticks.ticks > start or not self.controller.is_ticking(),
            timeout=TIMER_WAIT_MS,
        )

    def open(self, path: Path, **kwargs: object) -> bool:
        ok = self.window.open_media(path, **kwargs)  # type: ignore[arg-type]
        self.wait_transcript()
        return ok

    def wait_transcript(self) -> None:
        self.qtbot.waitUntil(
            lambda: (
                self.window.session.state.phase is not LoadPhase.LOADING
                and (self.window.transcript is None or self.window.search_ready)
            ),
            timeout=10000,
        )
        QApplication.processEvents()

    def wait_indexed(self, media: Path, transcript: Path, timeout: int = 20000) -> None:
        """Wait until the library has indexed ``media`` with ``transcript`` (and its scan has
        ended)."""
        docks = self.window.docks

        def indexed() -> bool:
            found = docks.archive.briefing(str(media)) if docks.archive else None
            library = docks.library
            return (
                found is not None
                and found.transcript_path == str(transcript)
                and library is not None
                and not library.is_scanning()
            )

        self.qtbot.waitUntil(indexed, timeout=timeout)


def make_harness(
    qtbot: QtBot,
    config_dir: Path,
    archive_db: Path | Callable[[], Path] | None = None,
    *,
    embed_video: bool = False,
) -> Harness:
    wall = [0]
    backend = FakeBackend()
    timer = QTimer()
    timer.setInterval(0)  # the real timer, without 10 ms of real time per 10 ms of media
    controller = PlaybackController(backend, now_ms=lambda: wall[0], timer=timer)
    timer.setParent(controller)
    ticks = TickCounter(timer)
    settings = Settings(config_dir / "settings.ini")
    window = MainWindow(controller, settings, embed_video=embed_video, archive_db=archive_db)
    qtbot.addWidget(window)
    window.resize(1000, 640)
    window.show()
    return Harness(window, backend, controller, settings, wall, qtbot, ticks)


@pytest.fixture
def harness(qtbot: QtBot, tmp_path: Path) -> Iterator[Harness]:
    h = make_harness(qtbot, tmp_path / "config")
    yield h
    h.window.close()


@pytest.fixture
def sample_audio() -> Path:
    return SAMPLE_DIR / "briefing.opus"


@pytest.fixture
def sample_video() -> Path:
    return SAMPLE_DIR / "briefing.mp4"
