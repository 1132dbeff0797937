"""Duration, title and date of ffmpeg-made media of every container the archive meets.

Each file is made by ffmpeg in the test (skipped with its reason without ffmpeg, failed under
``CI=true``) and read by the one media probe, as the archive's scanner reads it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from player.core.media.probe import MediaInfo, probe_media
from tests.core.media_files import make_with_ffmpeg

SINE = ["-f", "lavfi", "-i", "sine=d=3.5"]
# name -> (ffmpeg arguments, duration ms, title tag, container, has video)
CASES = {
    "a.wav": ([*SINE], 3500, None, "wav", False),
    "a.ogg": ([*SINE, "-c:a", "libvorbis"], 3500, "Vorbis title", "ogg", False),
    "a.opus": ([*SINE, "-c:a", "libopus"], 3500, "Opus title", "ogg", False),
    "a.flac": ([*SINE], 3500, "Flac title", "flac", False),
    "a.m4a": ([*SINE, "-c:a", "aac"], 3500, "M4a title", "mp4", False),
    "a.mp3": ([*SINE, "-c:a", "libmp3lame"], 3526, "Mp3 title", "mp3", False),  # Xing header
    "cbr.mp3": (
        [*SINE, "-c:a", "libmp3lame", "-b:a", "64k", "-write_xing", "0"],
        3526,
        None,
        "mp3",
        False,
    ),
    "v.mp4": (
        ["-f", "lavfi", "-i", "testsrc=d=3.5:s=64x48", *SINE, "-shortest", "-pix_fmt", "yuv420p"],
        3500,
        "Mp4 title",
        "mp4",
        True,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_duration_and_title_from_headers(tmp_path: Path, name: str) -> None:
    args, duration_ms, title, container, video = CASES[name]
    meta = ["-metadata", f"title={title}", "-metadata", "date=2024-05-01"] if title else []
    path = make_with_ffmpeg(tmp_path / name, *args, *meta)
    info = probe_media(str(path))
    assert info.duration_ms is not None and abs(info.duration_ms - duration_ms) <= 60
    assert info.title == title
    assert info.date == ("2024-05-01" if title else None)
    assert info.container == container and not info.damaged
    assert info.has_video is video
    assert info.has_audio is True


def test_mpeg2_layer3_mp3_duration(tmp_path: Path) -> None:
    """MPEG-2 layer III (22.05 kHz, 576 samples a frame): the fake said 60,000 ms and the
    archive 1,040 ms; both now read what ffmpeg wrote."""
    path = make_with_ffmpeg(
        tmp_path / "low.mp3",
        *["-f", "lavfi", "-i", "sine=d=1", "-ar", "22050", "-c:a", "libmp3lame"],
    )
    assert path.read_bytes().find(b"\xff\xf3") >= 0  # MPEG-2 layer III frame header: no guess
    info = probe_media(path)
    assert info.container == "mp3"
    assert info.duration_ms is not None and 1000 <= info.duration_ms <= 1110


def test_unknown_garbage_truncated_and_missing_files_give_nothing(tmp_path: Path) -> None:
    webm = tmp_path / "v.webm"
    webm.write_bytes(b"\x1aE\xdf\xa3" + bytes(100))
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"ID3\x04\x00\x00\x7f\x7f\x7f\x7f" + b"\xff" * 20)
    truncated = tmp_path / "t.m4a"
    truncated.write_bytes(b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 8 + b"\x00\x00\x10\x00moov")
    empty = tmp_path / "empty.ogg"
    empty.touch()
    riff = tmp_path / "bad.wav"
    riff.write_bytes(b"RIFF\x00\x00\x00\x00WAVEdata\xff\xff\xff\xff")
    for path in (webm, junk, truncated, empty, riff, tmp_path / "missing.mp3", tmp_path):
        info = probe_media(str(path))
        assert (info.duration_ms, info.title, info.date) == (None, None, None), path
    # What is known: the containers by their magic bytes (no reader for Matroska here; the
    # others are recognised but damaged), and nothing at all for what is not media.
    assert probe_media(webm) == MediaInfo(container="matroska")
    assert probe_media(junk) == MediaInfo(container="mp3", damaged=True)
    assert probe_media(truncated) == MediaInfo(container="mp4", damaged=True)
    assert probe_media(riff) == MediaInfo(container="wav", damaged=True)
    for path in (empty, tmp_path / "missing.mp3", tmp_path):
        assert probe_media(path) == MediaInfo()
