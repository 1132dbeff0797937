"""Fixtures for window tests: the real window over the deterministic FakeBackend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from player.playback.fake import FakeBackend
from player.ui.controller import PlaybackController
from player.ui.settings import Settings
from player.ui.window import MainWindow
from tests.conftest import SAMPLE_DIR


@dataclass
class Harness:
    """A window driven by hand: ``advance(ms)`` moves wall time and media time together."""

    window: MainWindow
    backend: FakeBackend
    controller: PlaybackController
    settings: Settings
    wall: list[int]
    qtbot: QtBot

    def advance(self, ms: int, step_ms: int = 10) -> None:
        done = 0
        while done < ms:
            step = min(step_ms, ms - done)
            self.wall[0] += step
            self.backend.advance(step)
            QApplication.processEvents()
            self.controller.tick()
            done += step

    def open(self, path: Path, **kwargs: object) -> bool:
        ok = self.window.open_media(path, **kwargs)  # type: ignore[arg-type]
        self.wait_transcript()
        return ok

    def wait_transcript(self) -> None:
        self.qtbot.waitUntil(
            lambda: (
                not self.window.panel.header.text().startswith("Loading")
                and (self.window.transcript is None or self.window.search_ready)
            ),
            timeout=10000,
        )
        QApplication.processEvents()


def make_harness(
    qtbot: QtBot,
    config_dir: Path,
    archive_db: Path | Callable[[], Path] | None = None,
    *,
    embed_video: bool = False,
) -> Harness:
    wall = [0]
    backend = FakeBackend()
    controller = PlaybackController(backend, now_ms=lambda: wall[0])
    settings = Settings(config_dir / "settings.ini")
    window = MainWindow(controller, settings, embed_video=embed_video, archive_db=archive_db)
    qtbot.addWidget(window)
    window.resize(1000, 640)
    window.show()
    return Harness(window, backend, controller, settings, wall, qtbot)


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
