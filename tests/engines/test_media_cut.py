"""Clips cut by PyAV from real files: durations read back by the media probe and by ffprobe
(when installed), stream copy where the container allows, tags written, bad requests refused."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from player.core.clip import ClipError
from player.core.media.probe import probe_media
from player.engines.media_cut import cut_clip
from tests.engines.test_media_cut_contract import tone_wav

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "sample"
MEDIA = REPO / "tests" / "data" / "media"

AUDIO_MS = 50  # how close an audio clip's length must be to the range
FRAME_MS = 100  # the sample video runs at 10 frames a second


def ffprobe(path: Path) -> dict[str, object] | None:
    """ffprobe's view of ``path`` (format and streams), or None without ffprobe."""
    exe = shutil.which("ffprobe")
    if exe is None:
        return None
    out = subprocess.run(
        [exe, "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _ffprobe_ms(path: Path) -> float | None:
    info = ffprobe(path)
    if info is None:
        return None
    return float(info["format"]["duration"]) * 1000  # type: ignore[index]


@pytest.mark.parametrize(
    ("source", "suffix", "copied", "tolerance_ms"),
    [
        (MEDIA / "tone.mp3", ".mp3", True, AUDIO_MS),
        (SAMPLE / "briefing.opus", ".opus", True, AUDIO_MS),
        (SAMPLE / "briefing.opus", ".mp3", False, AUDIO_MS),
        (SAMPLE / "briefing.opus", ".wav", False, AUDIO_MS),
        (MEDIA / "tone.ogg", ".ogg", True, AUDIO_MS),
        (SAMPLE / "briefing.mp4", ".mp4", False, FRAME_MS),
        (SAMPLE / "briefing.mp4", ".m4a", True, AUDIO_MS),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else str(v),
)
def test_clip_lengths_and_tags(
    tmp_path: Path, source: Path, suffix: str, copied: bool, tolerance_ms: int
) -> None:
    start_ms, end_ms = (1_234, 2_789) if source.parent == MEDIA else (21_500, 27_250)
    target = tmp_path / f"clip{suffix}"
    tags = {"title": "Briefing (0:21–0:27)", "comment": "Clip of briefing from 0:21.5"}
    result = cut_clip(source, target, start_ms, end_ms, tags=tags)
    wanted = end_ms - start_ms
    assert result.copied is copied
    assert abs(result.duration_ms - wanted) <= tolerance_ms, result
    info = probe_media(target)
    assert info.duration_ms is not None
    # the probe reads containers' own lengths (an MP4's longest track, AAC's priming included)
    assert abs(info.duration_ms - wanted) <= tolerance_ms, info
    if suffix != ".wav":  # mutagen does not read WAV's INFO chunk
        assert info.title == tags["title"]
    measured = _ffprobe_ms(target)
    if measured is not None:
        assert abs(measured - wanted) <= tolerance_ms
        probe = ffprobe(target)
        assert probe is not None
        assert probe["format"].get("tags", {}).get("title", "") in ("", tags["title"])  # type: ignore[union-attr]


def test_a_video_clip_is_cut_to_the_frame_with_sound_in_step(tmp_path: Path) -> None:
    target = tmp_path / "clip.mp4"
    cut_clip(SAMPLE / "briefing.mp4", target, 10_050, 13_000)
    probe = ffprobe(target)
    if probe is None:
        pytest.skip("ffprobe is not installed: the stream layout is checked with it")
    streams = {s["codec_type"]: s for s in probe["streams"]}  # type: ignore[union-attr,index]
    video, audio = streams["video"], streams["audio"]
    # The first frame at or after 10.05 s is the one at 10.1 s: shown 50 ms into the clip.
    assert abs(float(video["start_time"]) * 1000 - 50) <= 1
    assert int(video["nb_frames"]) == 29  # 10.1 .. 12.9
    assert abs(float(audio["duration"]) * 1000 - 2_950) <= AUDIO_MS


def test_the_sound_of_a_video_as_an_audio_clip(tmp_path: Path) -> None:
    target = tmp_path / "clip.wav"
    result = cut_clip(SAMPLE / "briefing.mp4", target, 5_000, 8_000)
    assert abs(result.duration_ms - 3_000) <= AUDIO_MS
    assert probe_media(target).has_video is not True


@pytest.mark.parametrize(
    ("source", "target", "words"),
    [
        (SAMPLE / "briefing.opus", "clip.mp4", "no video"),
        (SAMPLE / "briefing.opus", "clip.txt", "cannot write a clip as .txt"),
        (MEDIA / "tiny_video_only.mp4", "clip.mp3", "without sound"),
        (SAMPLE / "briefing.vtt", "clip.mp3", "no audio or video track"),
    ],
)
def test_requests_that_cannot_be_met(tmp_path: Path, source: Path, target: str, words: str) -> None:
    with pytest.raises(ClipError, match=words):
        cut_clip(source, tmp_path / target, 0, 1_000)
    assert list(tmp_path.iterdir()) == []


def test_a_clip_never_replaces_its_source(tmp_path: Path) -> None:
    source = tone_wav(tmp_path / "tone.wav", 2.0)
    before = source.read_bytes()
    with pytest.raises(ClipError, match="its own source"):
        cut_clip(source, source, 0, 1_000)
    assert source.read_bytes() == before


def test_random_bytes_are_not_media(tmp_path: Path) -> None:
    source = tmp_path / "noise.mp3"
    source.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(ClipError, match=r"not a media file|no audio"):
        cut_clip(source, tmp_path / "clip.mp3", 0, 1_000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["noise.mp3"]


def test_cover_art_is_not_a_video_and_odd_sizes_are_evened(tmp_path: Path) -> None:
    exe = shutil.which("ffmpeg")
    if exe is None:
        pytest.skip("ffmpeg is not installed: it makes the test files")
    cover, odd = tmp_path / "cover.mp3", tmp_path / "odd.mkv"
    lavfi = [exe, "-v", "error", "-y", "-f", "lavfi", "-i"]
    subprocess.run([*lavfi, "color=c=red:s=64x64:d=1", "-frames:v", "1", str(tmp_path / "c.png")],
                   check=True, timeout=60)  # fmt: skip
    subprocess.run([exe, "-v", "error", "-y", "-i", str(MEDIA / "tone.mp3"), "-i",
                    str(tmp_path / "c.png"), "-map", "0", "-map", "1", "-c:a", "copy", "-c:v",
                    "mjpeg", "-disposition:v", "attached_pic", str(cover)],
                   check=True, timeout=60)  # fmt: skip
    subprocess.run([*lavfi, "testsrc2=size=161x121:rate=10:duration=3", "-c:v", "libx264",
                    "-pix_fmt", "yuv444p", str(odd)], check=True, timeout=60)  # fmt: skip
    result = cut_clip(cover, tmp_path / "clip.mp3", 500, 2_500)
    assert result.copied and abs(result.duration_ms - 2_000) <= AUDIO_MS
    with pytest.raises(ClipError, match="no video"):
        cut_clip(cover, tmp_path / "clip.mp4", 500, 2_500)
    video = cut_clip(odd, tmp_path / "clip.mp4", 500, 2_500)
    assert abs(video.duration_ms - 2_000) <= FRAME_MS
    assert probe_media(tmp_path / "clip.mp4").has_video
