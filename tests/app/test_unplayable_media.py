"""The program's composition with the real libVLC (silent output): a random-bytes ``.mp3`` that
libVLC's parse accepts is reported as not playable and does not stay in Open Recent."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from player.app.compose import App, build_app
from player.cli.dispatch import window_parser
from player.playback.base import PlaybackBackend, PlaybackState
from player.ui.settings import RECENT_FILES
from tests.conftest import SAMPLE_DIR

pytestmark = pytest.mark.vlc

WAIT_MS = 15_000


def _silent_vlc(video: bool) -> PlaybackBackend:
    from player.playback.vlc_backend import VlcBackend

    return VlcBackend(video=False, audio_output="dummy")


@pytest.fixture
def app(qtbot: QtBot, tmp_path: Path, require_libvlc: None) -> Iterator[App]:
    args = window_parser().parse_args(
        ["--paused", "--config-dir", str(tmp_path / "config"), "--db", str(tmp_path / "db")]
    )
    built = build_app(args, _silent_vlc)
    qtbot.addWidget(built.window)
    yield built
    built.window.close()
    built.shut_down()


def test_a_random_bytes_mp3_is_an_error_and_not_a_recent_file(
    app: App, qtbot: QtBot, tmp_path: Path
) -> None:
    good = SAMPLE_DIR / "briefing.opus"
    assert app.window.open_media(good, play=False)
    rnd = random.Random(4)  # a file libVLC's parse accepts (see tests/playback/test_hostile_media)
    garbage = tmp_path / "song.mp3"
    garbage.write_bytes(rnd.randbytes(rnd.choice([1000, 20000, 200000])))
    assert app.window.open_media(garbage, play=True)  # accepted by the parse...
    controller = app.controller
    qtbot.waitUntil(lambda: controller.state() is PlaybackState.ERROR, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: str(garbage) not in app.settings.get(RECENT_FILES), timeout=WAIT_MS
    )  # ...then refused by playback
    assert app.settings.get(RECENT_FILES) == [str(good.resolve())]
    shown = app.window.media.error.text()
    assert "could not play: no audio or video could be decoded" in shown
    assert "Finished" not in app.window.statusBar().currentMessage()
