"""The program's composition (player.app.compose.build_app), run in this process over the fake
backend: what the command line asks for is what the window gets."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from player.app import resources
from player.app.compose import App, AppPaths, BackendUnavailable, build_app
from player.app.options import first_media
from player.app.startup_tweaks import StartupTweaks
from player.cli.dispatch import window_parser
from player.playback.base import PlaybackBackend, PlaybackError, PlaybackState
from player.playback.fake import FakeBackend
from tests.conftest import SAMPLE_DIR


def _args(tmp_path: Path, *extra: str) -> argparse.Namespace:
    private = ["--config-dir", str(tmp_path / "config"), "--db", str(tmp_path / "archive.sqlite")]
    return window_parser().parse_args([*extra, *private])


class _Fakes:
    """A backend factory that makes fakes and remembers what it was asked."""

    def __init__(self) -> None:
        self.video: list[bool] = []
        self.made: list[FakeBackend] = []

    def __call__(self, video: bool) -> PlaybackBackend:
        self.video.append(video)
        self.made.append(FakeBackend())
        return self.made[-1]


@pytest.fixture
def built(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[App, _Fakes]]:
    fakes = _Fakes()
    app = build_app(_args(tmp_path), fakes, log_file=tmp_path / "log" / "briefing-player.log")
    qtbot.addWidget(app.window)
    yield app, fakes
    app.window.close()
    app.shut_down()


def test_build_app_wires_the_window_to_the_backend_and_paths(
    built: tuple[App, _Fakes], tmp_path: Path
) -> None:
    app, fakes = built
    assert app.qt is QApplication.instance()
    assert app.qt.applicationName() == "Briefing Player"
    assert fakes.video == [False]  # offscreen: no video is embedded
    assert app.controller.backend is fakes.made[0]
    assert app.window.controller is app.controller
    assert app.paths == AppPaths(
        config_dir=tmp_path / "config",
        archive_db=tmp_path / "archive.sqlite",
        log_file=tmp_path / "log" / "briefing-player.log",
    )
    assert Path(app.settings.path) == tmp_path / "config" / "settings.ini"
    assert app.runner.log_file == app.paths.log_file  # failures shown in the window name it


def test_start_opens_the_bundled_sample_and_plays_it(
    built: tuple[App, _Fakes], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, fakes = built
    jobs: list[object] = []
    start_job = app.runner.start

    def spy(*args: Any, **kwargs: Any) -> object:
        jobs.append(kwargs.get("name"))
        return start_job(*args, **kwargs)

    monkeypatch.setattr(app.runner, "start", spy)
    app.start()
    assert app.window.isVisible()
    assert app.controller.media_path == str(resources.sample_media().resolve())
    qtbot.waitUntil(lambda: app.window.model.rowCount() > 0, timeout=10_000)
    assert jobs  # the transcript was parsed on the composition's runner
    fakes.made[0].advance(1500)
    qtbot.waitUntil(lambda: app.controller.position_ms() >= 1500, timeout=10_000)
    assert app.controller.state() is PlaybackState.PLAYING


def test_the_command_line_options_reach_the_window(qtbot: QtBot, tmp_path: Path) -> None:
    media = SAMPLE_DIR / "briefing.opus"
    args = _args(tmp_path, str(media), "--paused", "--at", "0:20", "--rate", "1.5")
    app = build_app(args, _Fakes())
    qtbot.addWidget(app.window)
    app.start()
    assert app.controller.media_path == str(media.resolve())
    assert app.controller.state() is not PlaybackState.PLAYING
    assert app.controller.position_ms() == 20_000
    assert app.controller.rate() == 1.5
    app.window.close()
    app.shut_down()


def test_the_icon_is_set_after_the_first_frame(built: tuple[App, _Fakes], qtbot: QtBot) -> None:
    app, _ = built
    app.qt.setWindowIcon(QIcon())  # none yet
    app.start(StartupTweaks(enabled=True))
    assert app.qt.windowIcon().isNull()
    qtbot.waitUntil(lambda: not app.qt.windowIcon().isNull(), timeout=10_000)


def test_bad_options_and_a_failing_backend_are_reported(qtbot: QtBot, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="--rate"):
        build_app(_args(tmp_path, "--rate", "9"), _Fakes())

    def no_backend(video: bool) -> PlaybackBackend:
        raise PlaybackError("libVLC is not installed")

    with pytest.raises(BackendUnavailable, match="libVLC is not installed"):
        build_app(_args(tmp_path), no_backend)


def test_exit_after_playing_closes_the_window_once_playback_got_there(
    qtbot: QtBot, tmp_path: Path
) -> None:
    fakes = _Fakes()
    app = build_app(_args(tmp_path, "--exit-after-playing", "1000"), fakes)
    qtbot.addWidget(app.window)
    app.start()
    assert app.window.isVisible()
    fakes.made[0].advance(500)
    qtbot.waitUntil(lambda: app.controller.position_ms() >= 500, timeout=10_000)
    assert app.window.isVisible()  # not there yet
    fakes.made[0].advance(600)
    qtbot.waitUntil(lambda: not app.window.isVisible(), timeout=10_000)
    assert app.exit_status == 0
    app.shut_down()


def test_the_first_media_is_the_argument_or_the_sample() -> None:
    assert first_media(window_parser().parse_args([])) == resources.sample_media()
    assert first_media(window_parser().parse_args(["~/x.mp4"])) == Path.home() / "x.mp4"
