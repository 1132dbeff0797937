"""After a failed open the clock shows no time: not the previous file's position."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from player.playback.base import PlaybackError, PlaybackState
from player.playback.fake import FakeBackend
from player.ui.controller import PlaybackController
from player.ui.settings import Settings
from player.ui.transport import TransportBar
from tests.conftest import SAMPLE_DIR

WAIT_MS = 5000


def test_a_refused_open_resets_the_position_and_the_time_labels(
    qtbot: QtBot, tmp_path: Path
) -> None:
    backend = FakeBackend()
    controller = PlaybackController(backend)
    transport = TransportBar(controller, Settings(tmp_path / "settings.ini"))
    qtbot.addWidget(transport)
    controller.load(SAMPLE_DIR / "briefing.opus")
    controller.seek(14_000)
    controller.play()
    qtbot.waitUntil(lambda: controller.state() is PlaybackState.PLAYING, timeout=WAIT_MS)
    backend.advance(2000)
    qtbot.waitUntil(lambda: controller.position_ms() >= 16_000, timeout=WAIT_MS)
    assert transport.elapsed.text() != "0:00"
    positions: list[int] = []
    controller.position_changed.connect(positions.append)

    garbage = tmp_path / "garbage.mp3"
    garbage.write_bytes(b"")  # refused: empty
    with pytest.raises(PlaybackError):
        controller.load(garbage)

    assert controller.position_ms() == 0 and positions[-1] == 0
    assert controller.length_ms() == 0
    assert transport.elapsed.text() == "0:00"
    assert transport.remaining.text() == "-0:00"
    qtbot.waitUntil(lambda: controller.state() is backend.state(), timeout=WAIT_MS)
    assert controller.position_ms() == 0  # no late report of the old file brings it back
