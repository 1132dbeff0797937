"""Hostile media with the real libVLC: random bytes named ``.mp3`` never "play" as finished.

Some random files pass libVLC's local parse (an "audio track" found, no duration) and then end
at once without a frame decoded. The adapter reports that as an error, not as the end.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from player.playback.base import (
    ErrorOccurred,
    MediaEnded,
    PlaybackError,
    PlaybackState,
)
from tests.playback.helpers import MEDIA, Recorder, wait_until

pytestmark = pytest.mark.vlc

SEEDS = range(12)
"""Seeds 4, 5 and 9 make files libVLC's parse accepts (libVLC 3.0.x); the others are refused."""


def random_mp3(folder: Path, seed: int) -> Path:
    rnd = random.Random(seed)
    path = folder / f"random-{seed}.mp3"
    path.write_bytes(rnd.randbytes(rnd.choice([1000, 20000, 200000])))
    return path


@pytest.fixture
def vlc(require_libvlc: None) -> Iterator[object]:
    from player.playback.vlc_backend import VlcBackend

    backend = VlcBackend(audio_output="dummy", video=False)
    yield backend
    backend.release()


def test_random_bytes_are_refused_or_fail_to_play_never_finished(
    vlc: object, tmp_path: Path
) -> None:
    from player.playback.vlc_backend import VlcBackend

    assert isinstance(vlc, VlcBackend)
    recorder = Recorder()
    vlc.subscribe(recorder)
    accepted = 0
    for seed in SEEDS:
        path = random_mp3(tmp_path, seed)
        try:
            vlc.load(path)
        except PlaybackError:
            continue
        accepted += 1
        before = len(recorder.events())
        vlc.play()
        assert wait_until(
            vlc, lambda: vlc.state() in (PlaybackState.ERROR, PlaybackState.ENDED), 10.0
        ), f"seed {seed}: still {vlc.state()}"
        assert vlc.state() is PlaybackState.ERROR, f"seed {seed} 'finished' without decoding"
        events = recorder.events()[before:]
        assert not [e for e in events if isinstance(e, MediaEnded)]
        errors = [e for e in events if isinstance(e, ErrorOccurred)]
        assert len(errors) == 1
        assert errors[0].message == (
            f"{path.name}: could not play: no audio or video could be decoded (not a media file?)"
        )
        vlc.stop()
    assert accepted > 0, "no random file got past the parse: the case is not exercised"


def test_a_real_file_still_ends_normally(vlc: object) -> None:
    from player.playback.vlc_backend import VlcBackend

    assert isinstance(vlc, VlcBackend)
    recorder = Recorder()
    vlc.subscribe(recorder)
    vlc.load(MEDIA / "tone.mp3")
    vlc._set_test_rate(8.0)
    vlc.play()
    assert wait_until(vlc, lambda: vlc.state() is PlaybackState.ENDED, 30.0), vlc.state()
    assert recorder.of(MediaEnded) and not recorder.of(ErrorOccurred)


@pytest.mark.parametrize("seconds", ["0.3", "1"])
def test_a_short_clip_of_unknown_length_still_ends_normally(
    vlc: object, tmp_path: Path, seconds: str
) -> None:
    """Raw AAC has no duration before it is played, and a short clip ends before libVLC
    reports any time: its buffering progress shows it was decoded."""
    from player.playback.vlc_backend import VlcBackend
    from tests.core.media_files import make_with_ffmpeg

    assert isinstance(vlc, VlcBackend)
    clip = make_with_ffmpeg(
        tmp_path / "clip.aac", "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"
    )
    recorder = Recorder()
    vlc.subscribe(recorder)
    vlc.load(clip)
    assert vlc.length_ms() == 0
    vlc.play()
    assert wait_until(vlc, lambda: vlc.state() in (PlaybackState.ENDED, PlaybackState.ERROR), 20)
    assert vlc.state() is PlaybackState.ENDED
    assert recorder.of(MediaEnded) and not recorder.of(ErrorOccurred)
