"""One contract suite for every PlaybackBackend: the fake and the real libVLC backend.

Each test runs twice (``backend`` fixture params ``fake`` and ``vlc``); for the fake "waiting"
means advancing its simulated clock.
"""

from __future__ import annotations

import random
import shutil
import threading
import time
from pathlib import Path

import pytest

from player.playback.base import (
    MediaEnded,
    PlaybackBackend,
    PlaybackError,
    PlaybackState,
    StateChanged,
    TimeChanged,
)
from tests.playback.helpers import MEDIA, SAMPLE, Recorder, pass_time, wait_until

TONE_OGG = MEDIA / "tone.ogg"  # 3 s sine, audio only
TONE_MP3 = MEDIA / "tone.mp3"
TINY_MP4 = MEDIA / "tiny.mp4"  # audio + video
VIDEO_ONLY_MP4 = MEDIA / "tiny_video_only.mp4"
LONG_AUDIO = SAMPLE / "briefing.opus"  # 60..120 s, for seeks


def _set_test_rate(backend: PlaybackBackend, rate: float) -> None:
    backend._set_test_rate(rate)  # type: ignore[attr-defined]


def _playing(backend: PlaybackBackend) -> None:
    backend.play()
    assert wait_until(backend, lambda: backend.state() is PlaybackState.PLAYING)


# -- loading -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "length_ms", "video"),
    # libVLC estimates an MP3's length from its first frame's bitrate (LAME's Info frame may have
    # another bitrate), so only "known" is required there.
    [(TONE_OGG, 3000, False), (TONE_MP3, None, False), (TINY_MP4, 3000, True)],
)
def test_load_reports_length_and_tracks(
    backend: PlaybackBackend, path: Path, length_ms: int | None, video: bool
) -> None:
    rec = Recorder()
    backend.subscribe(rec)
    assert backend.state() is PlaybackState.IDLE
    backend.load(path)
    assert backend.state() is PlaybackState.LOADED
    assert StateChanged(PlaybackState.LOADED) in rec.events()
    if length_ms is None:
        assert backend.length_ms() > 0
    else:
        assert abs(backend.length_ms() - length_ms) <= 100
    assert backend.has_video() is video
    assert backend.time_ms() == 0


def test_video_only_file_has_video(backend: PlaybackBackend) -> None:
    backend.load(VIDEO_ONLY_MP4)
    assert backend.has_video()
    assert backend.length_ms() > 0


def test_play_without_media_is_an_error(backend: PlaybackBackend) -> None:
    with pytest.raises(PlaybackError):
        backend.play()


# -- transport -----------------------------------------------------------------------------------


def test_play_moves_time_in_reports(backend: PlaybackBackend) -> None:
    rec = Recorder()
    backend.subscribe(rec)
    backend.load(LONG_AUDIO)
    _playing(backend)
    assert wait_until(backend, lambda: backend.time_ms() >= 500, timeout_s=3)
    times = [e.t_ms for e in rec.of(TimeChanged)]  # type: ignore[attr-defined]
    assert times and max(times) >= 500
    assert StateChanged(PlaybackState.PLAYING) in rec.events()


def test_pause_holds_position_and_resume_continues(backend: PlaybackBackend) -> None:
    backend.load(LONG_AUDIO)
    _playing(backend)
    assert wait_until(backend, lambda: backend.time_ms() >= 300, timeout_s=3)
    backend.pause()
    assert wait_until(backend, lambda: backend.state() is PlaybackState.PAUSED)
    held = backend.time_ms()
    pass_time(backend, 0.5)
    assert backend.time_ms() == held
    backend.pause()  # no-op when not playing
    assert backend.state() is PlaybackState.PAUSED
    backend.play()
    assert wait_until(backend, lambda: backend.time_ms() > held + 200, timeout_s=3)
    assert backend.state() is PlaybackState.PLAYING


def test_stop_returns_to_zero(backend: PlaybackBackend) -> None:
    backend.load(LONG_AUDIO)
    _playing(backend)
    assert wait_until(backend, lambda: backend.time_ms() >= 300, timeout_s=3)
    backend.stop()
    assert wait_until(backend, lambda: backend.state() is PlaybackState.STOPPED)
    assert backend.time_ms() == 0


def test_seek_while_playing(backend: PlaybackBackend) -> None:
    backend.load(LONG_AUDIO)
    _playing(backend)
    backend.seek(40_000)
    assert wait_until(backend, lambda: 40_000 <= backend.time_ms() <= 41_500)
    assert wait_until(backend, lambda: backend.time_ms() >= 40_300, timeout_s=3)
    assert backend.state() is PlaybackState.PLAYING


def test_seek_while_paused_then_resume(backend: PlaybackBackend) -> None:
    backend.load(LONG_AUDIO)
    _playing(backend)
    backend.pause()
    assert wait_until(backend, lambda: backend.state() is PlaybackState.PAUSED)
    backend.seek(30_000)
    assert wait_until(backend, lambda: abs(backend.time_ms() - 30_000) <= 300)
    pass_time(backend, 0.3)
    assert abs(backend.time_ms() - 30_000) <= 300
    assert backend.state() is PlaybackState.PAUSED
    backend.play()
    assert wait_until(backend, lambda: backend.time_ms() >= 30_300, timeout_s=3)


def test_seek_before_play_starts_there(backend: PlaybackBackend) -> None:
    backend.load(LONG_AUDIO)
    backend.seek(20_000)
    assert backend.time_ms() == 20_000
    _playing(backend)
    assert wait_until(backend, lambda: backend.time_ms() >= 20_200, timeout_s=3)
    assert backend.time_ms() < 23_000


def test_seek_is_clamped(backend: PlaybackBackend) -> None:
    backend.load(LONG_AUDIO)
    backend.seek(-500)
    assert backend.time_ms() == 0
    backend.seek(10**9)
    assert backend.time_ms() == backend.length_ms()


@pytest.mark.parametrize("rate", [0.5, 1.0, 1.25, 2.5])
def test_rate_range(backend: PlaybackBackend, rate: float) -> None:
    backend.load(TONE_OGG)
    backend.set_rate(rate)
    assert backend.rate() == rate


@pytest.mark.parametrize("rate", [0.49, 2.51, 0.0, -1.0])
def test_rate_outside_range_is_refused(backend: PlaybackBackend, rate: float) -> None:
    backend.load(TONE_OGG)
    with pytest.raises(ValueError):
        backend.set_rate(rate)
    assert backend.rate() == 1.0


def test_fast_rate_is_honoured(backend: PlaybackBackend) -> None:
    backend.load(LONG_AUDIO)
    backend.set_rate(2.5)
    _playing(backend)
    # 2.5x reaches 2.5 s of media in ~1 s; at 1x this could not happen within 1.6 s.
    assert wait_until(backend, lambda: backend.time_ms() >= 2500, timeout_s=1.6)
    assert backend.rate() == 2.5


def test_volume_and_mute(backend: PlaybackBackend) -> None:
    backend.load(TONE_OGG)
    backend.set_volume(40)
    assert backend.volume() == 40
    backend.set_volume(150)
    assert backend.volume() == 100
    backend.set_volume(-3)
    assert backend.volume() == 0
    backend.set_volume(70)
    _playing(backend)
    backend.set_muted(True)
    assert backend.is_muted()
    assert backend.volume() == 70
    backend.set_muted(False)
    assert not backend.is_muted()
    assert backend.volume() == 70


def test_end_of_media_then_replay(backend: PlaybackBackend) -> None:
    rec = Recorder()
    backend.subscribe(rec)
    backend.load(TONE_OGG)
    _set_test_rate(backend, 8.0)
    backend.play()
    assert wait_until(backend, lambda: backend.state() is PlaybackState.ENDED, timeout_s=3)
    assert wait_until(backend, lambda: bool(rec.of(MediaEnded)))
    pass_time(backend, 0.2)  # libVLC's trailing Stopped must not hide ENDED
    assert backend.state() is PlaybackState.ENDED
    backend.set_rate(1.0)
    backend.play()
    assert wait_until(backend, lambda: backend.state() is PlaybackState.PLAYING)
    assert wait_until(backend, lambda: 0 < backend.time_ms() < 2500)


def test_seek_after_the_end_then_play_starts_there(backend: PlaybackBackend) -> None:
    """Clicking a line after the end: the seek made while ENDED is where playback resumes."""
    backend.load(TONE_OGG)
    _set_test_rate(backend, 8.0)
    backend.play()
    assert wait_until(backend, lambda: backend.state() is PlaybackState.ENDED, timeout_s=3)
    backend.set_rate(1.0)
    target_ms = backend.length_ms() // 2
    backend.seek(target_ms)
    backend.play()
    assert wait_until(backend, lambda: backend.state() is PlaybackState.PLAYING)
    seen: list[int] = []
    assert wait_until(backend, lambda: seen.append(backend.time_ms()) or seen[-1] > target_ms)
    assert min(seen) >= target_ms - 100, f"restarted from the start: {seen[:5]}"


def test_load_second_file_while_playing(backend: PlaybackBackend) -> None:
    backend.load(LONG_AUDIO)
    _playing(backend)
    assert wait_until(backend, lambda: backend.time_ms() >= 300, timeout_s=3)
    backend.load(TINY_MP4)
    assert backend.state() is PlaybackState.LOADED
    assert abs(backend.length_ms() - 3000) <= 100
    assert backend.has_video()
    assert backend.time_ms() == 0
    _set_test_rate(backend, 8.0)
    backend.play()
    assert wait_until(backend, lambda: backend.state() is PlaybackState.ENDED, timeout_s=3)


def test_prepare_on_another_thread_then_load(backend: PlaybackBackend) -> None:
    """Start-up parses the first file on the thread that made the backend; load takes it."""
    worker = threading.Thread(target=backend.prepare, args=(TINY_MP4,))
    worker.start()
    worker.join()
    backend.load(TINY_MP4)
    assert backend.state() is PlaybackState.LOADED
    assert backend.has_video()
    assert abs(backend.length_ms() - 3000) <= 100
    _playing(backend)


def test_load_while_prepare_is_still_running(backend: PlaybackBackend) -> None:
    """load() right after prepare() started elsewhere waits for it and gets a working file."""
    worker = threading.Thread(target=backend.prepare, args=(TINY_MP4,))
    worker.start()
    backend.load(TINY_MP4)
    worker.join()
    assert backend.state() is PlaybackState.LOADED
    assert backend.has_video()
    _playing(backend)


def test_release_while_prepare_is_running(backend: PlaybackBackend) -> None:
    worker = threading.Thread(target=backend.prepare, args=(LONG_AUDIO,))
    worker.start()
    backend.release()
    worker.join(timeout=5)
    assert not worker.is_alive()
    backend.prepare(TONE_OGG)  # a hint after release does nothing


def test_prepare_then_load_of_another_file(backend: PlaybackBackend) -> None:
    backend.prepare(TINY_MP4)
    backend.load(TONE_OGG)
    assert not backend.has_video()
    assert abs(backend.length_ms() - 3000) <= 100


def test_a_file_changed_after_prepare_is_read_again(
    backend: PlaybackBackend, tmp_path: Path
) -> None:
    path = tmp_path / "clip.ogg"
    shutil.copy(TONE_OGG, path)
    backend.prepare(path)
    shutil.copy(TINY_MP4, path)  # (an MP4 named .ogg: both backends look at the content)
    backend.load(path)
    assert backend.has_video()  # what is on disk now, not what was parsed before
    _playing(backend)


@pytest.mark.parametrize("kind", ["missing", "empty", "garbage"])
def test_prepare_never_raises_and_load_still_refuses(
    backend: PlaybackBackend, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "bad.mp3"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "garbage":
        path.write_bytes(b"\x00" * 4096)
    backend.prepare(path)
    words = {"missing": "not found", "empty": "empty", "garbage": "no audio or video track"}
    _assert_refused(backend, path, words[kind])


def test_a_prepared_file_deleted_before_load_is_refused(
    backend: PlaybackBackend, tmp_path: Path
) -> None:
    path = tmp_path / "gone.ogg"
    shutil.copy(TONE_OGG, path)
    backend.prepare(path)
    path.unlink()
    _assert_refused(backend, path, "not found")


def test_release_after_prepare(backend: PlaybackBackend) -> None:
    backend.prepare(TONE_OGG)
    backend.release()


def test_release_twice(backend: PlaybackBackend) -> None:
    backend.load(TONE_OGG)
    _playing(backend)
    backend.release()
    backend.release()


def test_video_window_detach(backend: PlaybackBackend) -> None:
    backend.load(TONE_OGG)
    backend.set_video_window(None)  # detaching is always safe, even without a window


# -- bad input -----------------------------------------------------------------------------------


def _assert_refused(backend: PlaybackBackend, path: Path, words: str) -> None:
    start = time.monotonic()
    with pytest.raises(PlaybackError) as info:
        backend.load(path)
    assert time.monotonic() - start < 2.0
    message = str(info.value)
    assert str(path) in message
    assert words in message
    assert backend.state() is not PlaybackState.PLAYING


def test_missing_file(backend: PlaybackBackend, tmp_path: Path) -> None:
    _assert_refused(backend, tmp_path / "nope.mp3", "not found")


def test_empty_file(backend: PlaybackBackend, tmp_path: Path) -> None:
    path = tmp_path / "empty.mp3"
    path.write_bytes(b"")
    _assert_refused(backend, path, "empty")


def test_random_bytes_named_mp3(backend: PlaybackBackend, tmp_path: Path) -> None:
    path = tmp_path / "garbage.mp3"
    data = bytearray(random.Random(20_241).randbytes(8192))
    data[0] = 0x00  # never an accidental MPEG frame sync or ID3 tag
    path.write_bytes(bytes(data))
    _assert_refused(backend, path, "no audio or video track")


def test_directory_is_refused(backend: PlaybackBackend, tmp_path: Path) -> None:
    _assert_refused(backend, tmp_path, "not a file")


def test_bad_file_then_good_file(backend: PlaybackBackend, tmp_path: Path) -> None:
    path = tmp_path / "garbage.mp3"
    path.write_bytes(b"\x00" * 4096)
    with pytest.raises(PlaybackError):
        backend.load(path)
    backend.load(TONE_OGG)
    _playing(backend)


@pytest.mark.parametrize("source", [TONE_OGG, TONE_MP3, TINY_MP4])
def test_truncated_file(backend: PlaybackBackend, tmp_path: Path, source: Path) -> None:
    """Refused at load, or plays and then ends/fails within 2 s; never hangs or crashes."""
    data = source.read_bytes()
    path = tmp_path / f"truncated{source.suffix}"
    path.write_bytes(data[: len(data) * 2 // 5])
    start = time.monotonic()
    try:
        backend.load(path)
    except PlaybackError as exc:
        assert str(path) in str(exc)
        assert time.monotonic() - start < 2.0
        return
    backend.play()
    finished = (PlaybackState.ENDED, PlaybackState.ERROR)
    assert wait_until(backend, lambda: backend.state() in finished, timeout_s=2.0)
