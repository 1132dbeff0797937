"""PlaybackController with its real timer: it mirrors the backend's state (never forges it), and
the interpolating timer runs whenever the backend says it plays, including after the end.

These tests use the controller's own 10 ms ``QTimer`` (nothing ticks by hand) over the
deterministic FakeBackend; wall time is a counter the test moves together with media time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from player.playback.base import PlaybackError, PlaybackState
from player.playback.fake import FakeBackend
from player.ui.controller import PlaybackController
from tests.conftest import SAMPLE_DIR

AUDIO = SAMPLE_DIR / "briefing.opus"
WAIT_MS = 5000  # generous: a loaded two-core machine


class Rig:
    """A controller over the fake backend; ``play_for(ms)`` moves wall and media time."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.wall = 0
        self.backend = FakeBackend()
        self.controller = PlaybackController(self.backend, now_ms=lambda: self.wall)
        self.states: list[PlaybackState] = []
        self.controller.state_changed.connect(self.states.append)

    def play_for(self, ms: int, step_ms: int = 50) -> None:
        done = 0
        while done < ms:
            step = min(step_ms, ms - done)
            self.wall += step
            self.backend.advance(step)
            QApplication.processEvents()  # the reports arrive at the wall time they were made
            done += step

    def wait_state(self, state: PlaybackState) -> None:
        self.qtbot.waitUntil(lambda: self.controller.state() is state, timeout=WAIT_MS)

    def wait_position_at_least(self, t_ms: int) -> None:
        self.qtbot.waitUntil(lambda: self.controller.position_ms() >= t_ms, timeout=WAIT_MS)

    def play_to_the_end(self) -> None:
        self.controller.play()
        self.wait_state(PlaybackState.PLAYING)
        self.play_for(self.controller.length_ms() + 1000, step_ms=1000)
        self.wait_state(PlaybackState.ENDED)


@pytest.fixture
def rig(qtbot: QtBot) -> Rig:
    r = Rig(qtbot)
    r.controller.load(AUDIO)
    r.states.clear()
    return r


def test_the_timer_moves_the_position_while_playing(rig: Rig) -> None:
    rig.controller.play()
    rig.wait_state(PlaybackState.PLAYING)
    assert rig.controller.is_ticking()
    rig.play_for(1200)
    rig.wait_position_at_least(1200)
    assert rig.controller.position_ms() <= rig.backend.exact_ms()
    rig.controller.pause()
    rig.wait_state(PlaybackState.PAUSED)
    rig.qtbot.waitUntil(lambda: not rig.controller.is_ticking(), timeout=WAIT_MS)


def test_seek_and_play_after_the_end_moves_again(rig: Rig) -> None:
    """Regression: after the end, seek_and_play played the audio but the position, the state
    and everything derived from them froze (the controller forged PLAYING, so the backend's own
    PLAYING was no change and the timer never started)."""
    rig.play_to_the_end()
    assert rig.states[-1] is PlaybackState.ENDED
    rig.controller.seek_and_play(10_000)
    rig.wait_state(PlaybackState.PLAYING)
    assert rig.states[-1] is PlaybackState.PLAYING  # announced, so the button shows Pause
    assert rig.controller.is_ticking()
    rig.play_for(700)
    rig.wait_position_at_least(10_600)  # moved by the timer between the fake's 250 ms reports
    assert rig.controller.position_ms() <= rig.backend.exact_ms() <= 10_800
    assert rig.backend.state() is PlaybackState.PLAYING


def test_play_after_the_end_starts_from_the_beginning(rig: Rig) -> None:
    rig.play_to_the_end()
    assert rig.controller.position_ms() == rig.controller.length_ms()
    rig.controller.play()
    rig.wait_state(PlaybackState.PLAYING)
    rig.play_for(300)
    rig.wait_position_at_least(300)
    assert rig.controller.position_ms() < 1000


def test_the_state_is_the_backends(rig: Rig) -> None:
    """The controller reports what the backend said, when it said it; commands only ask."""
    assert rig.controller.state() is PlaybackState.LOADED
    rig.controller.play()
    assert rig.backend.state() is PlaybackState.PLAYING
    rig.wait_state(PlaybackState.PLAYING)
    rig.controller.toggle_play()
    rig.wait_state(PlaybackState.PAUSED)
    rig.controller.seek_and_play(5000)
    rig.wait_state(PlaybackState.PLAYING)
    assert rig.states == [PlaybackState.PLAYING, PlaybackState.PAUSED, PlaybackState.PLAYING]
    rig.backend.inject_error("boom")
    rig.wait_state(PlaybackState.ERROR)
    rig.qtbot.waitUntil(lambda: not rig.controller.is_ticking(), timeout=WAIT_MS)


def test_seek_and_play_while_playing_stays_playing(rig: Rig) -> None:
    rig.controller.play()
    rig.wait_state(PlaybackState.PLAYING)
    rig.controller.seek_and_play(20_000)
    assert rig.controller.position_ms() == 20_000
    rig.play_for(500)
    rig.wait_position_at_least(20_400)
    assert rig.states == [PlaybackState.PLAYING]


def test_a_refused_load_leaves_nothing_playing(rig: Rig, tmp_path: Path) -> None:
    rig.controller.play()
    rig.wait_state(PlaybackState.PLAYING)
    missing = tmp_path / "gone.opus"
    with pytest.raises(PlaybackError):
        rig.controller.load(missing)
    assert rig.controller.media_path is None
    assert rig.backend.state() is not PlaybackState.PLAYING  # no sound the user cannot stop
    rig.wait_state(rig.backend.state())
    assert not rig.controller.is_playing()
