"""The fake backend plays what the one media probe reads: the archive and the fake agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from player.core.media.probe import probe_media
from player.playback.base import PlaybackError
from player.playback.fake import DEFAULT_DURATION_MS, FakeBackend
from tests.core.media_files import make_with_ffmpeg, write_wav
from tests.playback.helpers import MEDIA, SAMPLE


@pytest.fixture
def fake() -> FakeBackend:
    return FakeBackend()


@pytest.mark.parametrize(
    "path",
    [
        MEDIA / "tone.mp3",
        MEDIA / "tone.ogg",
        MEDIA / "tiny.mp4",
        MEDIA / "tiny_video_only.mp4",
        SAMPLE / "briefing.opus",
        SAMPLE / "briefing.mp4",
    ],
    ids=lambda p: p.name,
)
def test_length_and_video_are_the_probes(fake: FakeBackend, path: Path) -> None:
    info = probe_media(path)
    fake.load(path)
    assert info.duration_ms is not None and fake.length_ms() == info.duration_ms
    assert fake.has_video() is info.has_video


def test_wav_with_a_list_chunk_first(fake: FakeBackend, tmp_path: Path) -> None:
    fake.load(write_wav(tmp_path / "list.wav", 2.0, list_chunk_first=True))
    assert fake.length_ms() == 2000  # was 60,000: the fake's own parser missed the fmt chunk


def test_mpeg2_layer3_mp3(fake: FakeBackend, tmp_path: Path) -> None:
    path = make_with_ffmpeg(
        tmp_path / "low.mp3",
        *["-f", "lavfi", "-i", "sine=d=1", "-ar", "22050", "-c:a", "libmp3lame"],
    )
    fake.load(path)
    assert fake.length_ms() == probe_media(path).duration_ms
    assert 1000 <= fake.length_ms() <= 1110  # was 60,000: the fake knew only MPEG-1 frames


def test_a_damaged_file_plays_and_ends_at_once(fake: FakeBackend, tmp_path: Path) -> None:
    cut = tmp_path / "cut.ogg"
    cut.write_bytes((MEDIA / "tone.ogg").read_bytes()[:200])
    fake.load(cut)
    assert fake.length_ms() == 0
    fake.play()
    fake.advance(1)
    assert fake.state().name == "ENDED"


def test_a_container_without_a_reader_gets_the_default_length(
    fake: FakeBackend, tmp_path: Path
) -> None:
    mkv = tmp_path / "v.mkv"
    mkv.write_bytes(b"\x1a\x45\xdf\xa3" + bytes(200))
    fake.load(mkv)
    assert fake.length_ms() == DEFAULT_DURATION_MS


def test_the_durations_mapping_wins(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "a.wav", 1.0)
    by_name = FakeBackend(durations={"a.wav": 5000})
    by_name.load(path)
    assert by_name.length_ms() == 5000
    by_path = FakeBackend(durations={str(path): 7000, "a.wav": 5000})
    by_path.load(path)
    assert by_path.length_ms() == 7000


def test_an_mp4_without_tracks_is_refused(fake: FakeBackend, tmp_path: Path) -> None:
    path = tmp_path / "empty.mp4"
    ftyp = b"\x00\x00\x00\x14ftypisom\x00\x00\x02\x00isom"
    timing = bytes(12) + (1000).to_bytes(4, "big") + (2000).to_bytes(4, "big")  # 2 s, no trak
    mvhd = b"\x00\x00\x00\x6cmvhd" + timing + bytes(80)
    path.write_bytes(ftyp + b"\x00\x00\x00\x74moov" + mvhd)
    with pytest.raises(PlaybackError, match="no audio or video track"):
        fake.load(path)
