"""The one media probe on real files, files made here with ``wave``, and hostile headers."""

from __future__ import annotations

import os
import struct
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from player.core.media import probe as probe_module
from player.core.media.probe import MAX_READ_BYTES, MediaInfo, probe_media
from tests.core.media_files import wav_bytes, write_wav

MEDIA = Path(__file__).resolve().parents[1] / "data" / "media"


@pytest.mark.parametrize(
    ("name", "duration_ms", "container", "audio", "video"),
    [
        ("tone.mp3", 3030, "mp3", True, False),  # 3 s of LAME frames (encoder delay included)
        ("tone.ogg", 3000, "ogg", True, False),
        ("tiny.mp4", 3023, "mp4", True, True),
        ("tiny_video_only.mp4", 2000, "mp4", False, True),
    ],
)
def test_real_media_files(
    name: str, duration_ms: int, container: str, audio: bool, video: bool
) -> None:
    info = probe_media(MEDIA / name)
    assert info.duration_ms is not None and abs(info.duration_ms - duration_ms) <= 5
    assert (info.container, info.has_audio, info.has_video, info.damaged) == (
        container,
        audio,
        video,
        False,
    )
    assert info.title is None and info.date is None  # made with -fflags +bitexact, no tags


def test_wav_made_with_the_wave_module(tmp_path: Path) -> None:
    info = probe_media(write_wav(tmp_path / "tone.wav", 2.5))
    assert info == MediaInfo(duration_ms=2500, has_audio=True, has_video=False, container="wav")
    stereo = probe_media(write_wav(tmp_path / "s.wav", 1.25, rate=44_100, channels=2))
    assert stereo.duration_ms == 1250


def test_wav_with_a_list_chunk_before_fmt(tmp_path: Path) -> None:
    """The fake read 60,000 ms here (it looked for ``fmt `` at a fixed offset): now 2,000."""
    path = write_wav(tmp_path / "list.wav", 2.0, list_chunk_first=True)
    assert path.read_bytes()[12:16] == b"LIST"
    assert probe_media(path).duration_ms == 2000


def test_a_path_object_and_a_string_give_the_same(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "a.wav", 1.0)
    assert probe_media(path) == probe_media(str(path))


def _peak_bytes_while_probing(path: Path) -> tuple[MediaInfo, int]:
    tracemalloc.start()
    try:
        info = probe_media(path)
        return info, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_wav_claiming_a_4_gb_chunk_allocates_nothing_of_the_sort(tmp_path: Path) -> None:
    """mutagen reads a chunk with one ``read(size)``: unbounded, that asks for 4 GB at once."""
    fmt_claim = tmp_path / "fmt.wav"
    fmt_claim.write_bytes(
        b"RIFF" + struct.pack("<I", 0xFFFFFFF0) + b"WAVEfmt " + struct.pack("<I", 0xFFFFFFF0)
    )
    id3_claim = tmp_path / "id3.wav"
    id3_claim.write_bytes(
        b"RIFF\xf0\xff\xff\xffWAVEid3 \xf0\xff\xff\xffID3\x04\x00\x00\x7f\x7f\x7f\x7f" + bytes(64)
    )
    for path in (fmt_claim, id3_claim):
        info, peak = _peak_bytes_while_probing(path)
        assert info.duration_ms is None and info.container == "wav"
        assert peak < 4 * 1024 * 1024, f"{path.name}: {peak} bytes at the peak"


def test_wav_data_chunk_claiming_4_gb_plays_what_the_file_holds(tmp_path: Path) -> None:
    header = wav_bytes(0)[:36]  # RIFF, WAVE and a 16-byte fmt chunk: 8 kHz mono 16-bit
    path = tmp_path / "claim.wav"
    path.write_bytes(header + b"data" + struct.pack("<I", 0xFFFFFFF0) + bytes(16_000))
    assert probe_media(path).duration_ms == (len(header) + 8 + 16_000) * 1000 // 16_000


def test_a_claim_within_a_large_file_is_cut_at_the_read_limit(tmp_path: Path) -> None:
    """A sparse file larger than the single-read limit, whose first chunk claims all of it."""
    path = tmp_path / "sparse.wav"
    claim = MAX_READ_BYTES + 1024 * 1024
    with path.open("wb") as fh:
        fh.write(b"RIFF" + struct.pack("<I", claim + 12) + b"WAVEfmt " + struct.pack("<I", claim))
        fh.truncate(claim + 20)
    info, peak = _peak_bytes_while_probing(path)
    assert info == MediaInfo(container="wav", damaged=True)
    assert peak < 4 * 1024 * 1024


def test_the_read_budget_ends_a_long_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(probe_module, "READ_BUDGET_BYTES", 4096)
    assert probe_media(MEDIA / "tone.ogg") == MediaInfo(container="ogg", damaged=True)


@pytest.mark.parametrize(("name", "expected_ms"), [("tone.mp3", 3030), ("tiny.mp4", 3023)])
def test_a_cut_off_file_plays_only_what_it_holds(
    tmp_path: Path, name: str, expected_ms: int
) -> None:
    data = (MEDIA / name).read_bytes()
    cut = tmp_path / name
    cut.write_bytes(data[: len(data) * 2 // 5])
    info = probe_media(cut)
    assert info.duration_ms is not None
    assert abs(info.duration_ms - expected_ms * 2 // 5) <= expected_ms // 10


def test_a_cut_off_ogg_without_its_headers_is_damaged(tmp_path: Path) -> None:
    data = (MEDIA / "tone.ogg").read_bytes()
    cut = tmp_path / "cut.ogg"
    cut.write_bytes(data[:200])
    assert probe_media(cut) == MediaInfo(container="ogg", damaged=True)


def test_not_media(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp3"
    text.write_text("just some text that is long enough to be looked at\n" * 20, encoding="utf-8")
    zeros = tmp_path / "zeros.opus"
    zeros.write_bytes(bytes(4096))
    pattern = tmp_path / "pattern.opus"
    pattern.write_bytes(bytes(range(256)) * 40)
    for path in (text, zeros, pattern):
        assert probe_media(path) == MediaInfo(), path.name


_PREFIXES = [
    b"RIFF\xff\xff\xff\xffWAVE",
    b"OggS\x00\x02",
    b"fLaC",
    b"\x00\x00\x00\x18ftypisom",
    b"ID3\x03\x00\x00",
    b"\xff\xfb\x90\x64",
    b"\xff\xf3",
    b"\x1a\x45\xdf\xa3",
    b"",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from(_PREFIXES),
    body=st.binary(max_size=4096),
    suffix=st.sampled_from([".mp3", ".ogg", ".wav", ".m4a", ".flac", ".webm", ".bin"]),
)
def test_any_bytes_give_an_answer_quickly(
    tmp_path_factory: pytest.TempPathFactory, prefix: bytes, body: bytes, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"f{suffix}"
    path.write_bytes(prefix + body)
    start = time.monotonic()
    info = probe_media(path)
    assert time.monotonic() - start < 2.0
    assert isinstance(info, MediaInfo)
    assert info.duration_ms is None or info.duration_ms >= 0


def test_a_92_byte_wav_claiming_4_gb_in_fmt(tmp_path: Path) -> None:
    """Issue 12: the exact shape reported (92 bytes, ``fmt `` claims 4 GB): no MemoryError."""
    path = tmp_path / "claim92.wav"
    head = b"RIFF" + struct.pack("<I", 84) + b"WAVEfmt " + struct.pack("<I", 0xFFFFFFF0)
    path.write_bytes(head + struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16) + bytes(56))
    assert path.stat().st_size == 92
    info, peak = _peak_bytes_while_probing(path)
    assert info.container == "wav" and peak < 4 * 1024 * 1024


def test_millions_of_empty_chunks_are_not_walked_one_by_one(tmp_path: Path) -> None:
    """32 MB of valid 8-byte chunks took 58 s (one mutagen step each); the read count and the
    deadline end the probe long before."""
    path = tmp_path / "chunks.wav"
    with path.open("wb") as fh:
        fh.write(b"RIFF" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE")
        fh.write(b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16))
        fh.write(b"JUNK\0\0\0\0" * (4 * 1024 * 1024))
    started = time.perf_counter()
    info = probe_media(path)
    assert time.perf_counter() - started < probe_module.DEADLINE_S + 3.0
    assert info.container == "wav"


def test_the_deadline_ends_a_slow_probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(probe_module, "DEADLINE_S", 0.0)
    monkeypatch.setattr(probe_module, "MAX_READS", 10**9)
    path = tmp_path / "chunks.wav"
    path.write_bytes(b"RIFF\xff\xff\xff\xffWAVE" + b"JUNK\0\0\0\0" * 100_000)
    assert probe_media(path).damaged


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_special_files_are_refused_without_blocking(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "swapped.mp3"
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading the usual way blocks until a writer comes
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to("/dev/zero")
    started = time.perf_counter()
    assert probe_media(path) == MediaInfo()
    assert time.perf_counter() - started < 5.0


@pytest.mark.parametrize("data_chunk", [True, False])
def test_a_gigabyte_of_zeros_is_not_walked(tmp_path: Path, data_chunk: bool) -> None:
    """Issue 12: zero-filled WAV data (sparse, 1 GiB) after the headers, with or without a
    ``data`` chunk header; the RIFF size claims all of it."""
    path = tmp_path / "zeros.wav"
    with path.open("wb") as fh:
        fh.write(b"RIFF" + struct.pack("<I", 0xFFFFFFF0) + b"WAVE")
        fh.write(b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16))
        if data_chunk:
            fh.write(b"data" + struct.pack("<I", 0))
        fh.truncate(1024**3)
    started = time.perf_counter()
    info, peak = _peak_bytes_while_probing(path)
    assert time.perf_counter() - started < probe_module.DEADLINE_S + 3.0
    assert info.container == "wav" and peak < 4 * 1024 * 1024
