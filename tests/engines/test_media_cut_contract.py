"""One contract for cutting a clip, run against PyAV (``media_cut``) and its fake (``fake_cut``).

Both cut a WAV between two times to the sample, write the clip privately and atomically, report
progress up to 1, and refuse a missing file, a bad range or a Cancel with a ``ClipError``,
leaving nothing behind.
"""

from __future__ import annotations

import math
import stat
import struct
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from player.core.clip import ClipCancelled, ClipError, ClipResult
from player.engines.fake_cut import fake_cut_clip
from player.engines.media_cut import cut_clip

Cutter = Callable[..., ClipResult]


@pytest.fixture(params=["pyav", "fake"])
def cut(request: pytest.FixtureRequest) -> Cutter:
    return cut_clip if request.param == "pyav" else fake_cut_clip


def tone_wav(path: Path, seconds: float, rate: int = 16_000, channels: int = 1) -> Path:
    """A 440 Hz tone as 16-bit PCM WAV."""
    frames = bytearray()
    for n in range(int(seconds * rate)):
        frames += struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate))) * channels
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return path


def _wav_ms(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() * 1000 / w.getframerate()


def test_cuts_to_the_sample_privately(cut: Cutter, tmp_path: Path) -> None:
    source = tone_wav(tmp_path / "tone.wav", 3.0)
    target = tmp_path / "clip.wav"
    seen: list[float] = []
    result = cut(source, target, 500, 2_250, progress=seen.append)
    assert result.target == str(target)
    assert abs(_wav_ms(target) - 1_750) <= 1
    assert abs(result.duration_ms - 1_750) <= 5
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert seen and seen[-1] == pytest.approx(1.0)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_end_past_the_media_is_the_media_end(cut: Cutter, tmp_path: Path) -> None:
    source = tone_wav(tmp_path / "tone.wav", 2.0)
    target = tmp_path / "clip.wav"
    cut(source, target, 1_000, 9_000)
    assert abs(_wav_ms(target) - 1_000) <= 1


@pytest.mark.parametrize(
    ("start_ms", "end_ms", "words"),
    [(2_000, 1_000, "after the start"), (5_000, 6_000, "past the end"), (0, 50, "shorter")],
)
def test_bad_ranges_are_refused(
    cut: Cutter, tmp_path: Path, start_ms: int, end_ms: int, words: str
) -> None:
    source = tone_wav(tmp_path / "tone.wav", 2.0)
    target = tmp_path / "clip.wav"
    with pytest.raises(ClipError, match=words):
        cut(source, target, start_ms, end_ms)
    assert not target.exists()


def test_a_missing_source_is_a_clip_error(cut: Cutter, tmp_path: Path) -> None:
    with pytest.raises(ClipError, match="not found") as caught:
        cut(tmp_path / "nothing.wav", tmp_path / "clip.wav", 0, 1_000)
    assert caught.value.path == str(tmp_path / "nothing.wav")


def test_cancel_leaves_nothing_behind(cut: Cutter, tmp_path: Path) -> None:
    source = tone_wav(tmp_path / "tone.wav", 3.0)
    target = tmp_path / "clip.wav"
    kwargs: dict[str, Any] = {"should_stop": lambda: True}
    with pytest.raises(ClipCancelled):
        cut(source, target, 0, 3_000, **kwargs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tone.wav"]
