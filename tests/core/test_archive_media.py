"""Cheap duration/title probing of media containers for the archive (no libVLC)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from player.core.media.probe import MediaInfo, probe_media

SINE = ["-f", "lavfi", "-i", "sine=d=3.5"]
CASES = {
    "a.wav": ([*SINE], 3500, None),
    "a.ogg": ([*SINE, "-c:a", "libvorbis"], 3500, "Vorbis title"),
    "a.opus": ([*SINE, "-c:a", "libopus"], 3500, "Opus title"),
    "a.flac": ([*SINE], 3500, "Flac title"),
    "a.m4a": ([*SINE, "-c:a", "aac"], 3500, "M4a title"),
    "a.mp3": ([*SINE, "-c:a", "libmp3lame"], 3526, "Mp3 title"),  # Xing header
    "cbr.mp3": ([*SINE, "-c:a", "libmp3lame", "-b:a", "64k", "-write_xing", "0"], 3526, None),
    "v.mp4": (
        ["-f", "lavfi", "-i", "testsrc=d=3.5:s=64x48", *SINE, "-shortest", "-pix_fmt", "yuv420p"],
        3500,
        "Mp4 title",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_duration_and_title_from_headers(tmp_path: Path, name: str) -> None:
    args, duration_ms, title = CASES[name]
    path = tmp_path / name
    meta = ["-metadata", f"title={title}"] if title else []
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", *args, *meta, str(path)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    info = probe_media(str(path))
    assert info.duration_ms is not None and abs(info.duration_ms - duration_ms) <= 60
    assert info.title == title


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
        assert probe_media(str(path)) == MediaInfo()
