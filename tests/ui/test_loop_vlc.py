"""The A-B loop over the real libVLC backend: ten loops (four at half speed), each boundary
within 100 ms.

A generated WAV tone plays between In = 1.0 s and Out = 2.0 s. For every wrap the test
records how far past Out playback had gone when the loop went back (the controller's position,
what the user hears within a tick), and where libVLC's clock stands at the first position after
the wrap, less the time that passed since: both within 100 ms.
"""

from __future__ import annotations

import math
import struct
import time
import wave
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from player.core.timeline.marks import Marks
from player.playback.base import PlaybackState
from player.ui.controller import PlaybackController
from player.ui.marks import MarksKeeper

pytestmark = [pytest.mark.vlc, pytest.mark.slow]

IN_MS, OUT_MS = 1_000, 2_000
TOLERANCE_MS = 100


def _tone_wav(path: Path, seconds: float, rate: int = 22_050) -> None:
    frames = bytearray()
    for n in range(int(seconds * rate)):
        frames += struct.pack("<h", int(6000 * math.sin(2 * math.pi * 440 * n / rate)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))


class WrapProbe:
    """Watches the controller's positions: before each wrap (a drop back to In) the last
    position, and at the first position after it libVLC's clock and the time since the wrap."""

    def __init__(self, controller: PlaybackController) -> None:
        self.controller = controller
        self.before: list[int] = []
        self.after: list[tuple[int, float]] = []
        self._last = -1
        self._wrapped_at: float | None = None
        controller.position_changed.connect(self._on_position)

    def _on_position(self, t_ms: int) -> None:
        now = time.monotonic()
        if self._wrapped_at is not None and t_ms > IN_MS:
            elapsed_ms = (now - self._wrapped_at) * 1000
            self.after.append((self.controller.backend.time_ms(), elapsed_ms))
            self._wrapped_at = None
        if t_ms == IN_MS and self._last > IN_MS + 500:
            self.before.append(self._last)
            self._wrapped_at = now
        self._last = t_ms


@pytest.fixture
def vlc_controller(qtbot: QtBot, require_libvlc: None) -> PlaybackController:
    from player.playback.vlc_backend import VlcBackend

    controller = PlaybackController(VlcBackend(audio_output="dummy", video=False))
    yield controller  # type: ignore[misc]
    controller.shutdown()


@pytest.mark.parametrize(("rate", "loops"), [(1.0, 10), (0.5, 4)])
def test_ten_loops_with_boundaries_within_100_ms(
    vlc_controller: PlaybackController, qtbot: QtBot, tmp_path: Path, rate: float, loops: int
) -> None:
    media = tmp_path / "tone.wav"
    _tone_wav(media, 4.0)
    c = vlc_controller
    c.load(media)
    probe = WrapProbe(c)  # before the keeper: it sees the position past Out, then the wrap
    keeper = MarksKeeper(c)
    keeper.set_marks(Marks(IN_MS, OUT_MS))
    c.set_rate(rate)
    keeper.set_looping(True)  # from In, playing
    qtbot.waitUntil(lambda: c.state() is PlaybackState.PLAYING, timeout=10_000)
    loop_s = (OUT_MS - IN_MS) / 1000 / rate
    qtbot.waitUntil(lambda: len(probe.after) >= loops, timeout=int((loops + 4) * loop_s * 3000))
    keeper.set_looping(False)
    assert keeper.wraps >= loops
    overshoots = [t - OUT_MS for t in probe.before[:loops]]
    assert all(0 <= o <= TOLERANCE_MS for o in overshoots), overshoots
    # libVLC's clock after the wrap: at In plus what was played since (its clock moves in steps)
    landings = [vlc_ms - IN_MS - elapsed * rate for vlc_ms, elapsed in probe.after[:loops]]
    assert all(abs(d) <= TOLERANCE_MS for d in landings), landings
    print(f"rate {rate}: past Out by {overshoots} ms; landed {[round(d) for d in landings]} ms")
