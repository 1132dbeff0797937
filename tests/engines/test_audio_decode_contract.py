"""One contract for audio decoding, run against PyAV (``audio_decode``) and its fake.

Both turn a media file into 16 kHz mono int16 PCM of the media's length, and refuse a missing
file or a file without audio with an ``AlignError`` naming the file.
"""

from __future__ import annotations

import math
import struct
import wave
from collections.abc import Callable
from pathlib import Path

import pytest

from player.core.align.types import SAMPLE_RATE_HZ, AlignError, Audio
from player.engines.audio_decode import decode_pcm16
from player.engines.fake_aligner import fake_decode

Decoder = Callable[[str], Audio]


@pytest.fixture(params=["pyav", "fake"])
def decode(request: pytest.FixtureRequest) -> Decoder:
    if request.param == "pyav":
        return decode_pcm16
    return fake_decode


def _tone_wav(path: Path, seconds: float, rate: int = 44_100, channels: int = 2) -> None:
    frames = bytearray()
    for n in range(int(seconds * rate)):
        value = int(8000 * math.sin(2 * math.pi * 440 * n / rate))
        frames += struct.pack("<h", value) * channels
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))


def test_decodes_to_16k_mono_of_the_media_length(decode: Decoder, tmp_path: Path) -> None:
    media = tmp_path / "tone.wav"
    _tone_wav(media, 1.5)
    audio = decode(str(media))
    assert abs(audio.duration_ms - 1500) <= 60
    assert len(audio.samples) % 2 == 0
    assert audio.offset_ms == 0
    assert len(audio.samples) // 2 == pytest.approx(1.5 * SAMPLE_RATE_HZ, rel=0.05)


def test_missing_file_is_an_align_error(decode: Decoder, tmp_path: Path) -> None:
    missing = tmp_path / "nothing.mp3"
    with pytest.raises(AlignError) as caught:
        decode(str(missing))
    assert caught.value.path == str(missing)
    assert "not found" in str(caught.value)


def test_a_file_without_audio_is_an_align_error(decode: Decoder, tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"this is not audio at all\n" * 40)
    with pytest.raises(AlignError) as caught:
        decode(str(junk))
    assert caught.value.path == str(junk)
