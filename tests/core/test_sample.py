"""The bundled sample briefing (resources/sample/) and the tiny test media (tests/data/media/).

Durations are read from the containers in pure Python (Ogg granule position, MP4 ``mvhd``), so
these tests need neither ffmpeg nor libVLC. Only the check that decodes the audio and looks for
the first sound after every cue start needs ffmpeg, and is skipped (saying why) without it,
except under CI=true, where it fails.
"""

from __future__ import annotations

import array
import importlib.util
import itertools
import json
import math
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import webvtt

from player.core.formats.cue_text import parse_vtt_timestamp
from tests.conftest import REPO, SAMPLE_DIR, in_ci

TEST_MEDIA_DIR = REPO / "tests" / "data" / "media"
OPUS = SAMPLE_DIR / "briefing.opus"
MP4 = SAMPLE_DIR / "briefing.mp4"
VTT = SAMPLE_DIR / "briefing.vtt"
TIMING = SAMPLE_DIR / "briefing.timing.json"

# ---------------------------------------------------------------------------------------------
# Container readers (pure Python)


def _ogg_pages(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(granule position, body) of every Ogg page, in file order."""
    pos = 0
    while pos < len(data):
        if data[pos : pos + 4] != b"OggS":
            raise ValueError(f"no Ogg page at byte {pos}")
        granule = struct.unpack_from("<q", data, pos + 6)[0]
        segments = data[pos + 26]
        table = data[pos + 27 : pos + 27 + segments]
        body_start = pos + 27 + segments
        body_end = body_start + sum(table)
        yield granule, data[body_start:body_end]
        pos = body_end


def ogg_duration_ms(path: Path) -> int:
    """Duration of an Ogg Opus or Ogg Vorbis file from the last page's granule position."""
    pages = list(_ogg_pages(path.read_bytes()))
    head = pages[0][1]
    last_granule: int = max(g for g, _ in pages if g >= 0)
    if head.startswith(b"OpusHead"):
        pre_skip: int = struct.unpack_from("<H", head, 10)[0]
        return round((last_granule - pre_skip) * 1000 / 48000)
    if head.startswith(b"\x01vorbis"):
        rate: int = struct.unpack_from("<I", head, 12)[0]
        return round(last_granule * 1000 / rate)
    raise ValueError(f"{path}: neither Opus nor Vorbis")


def _mp4_boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of the boxes between ``start`` and ``end``."""
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            raise ValueError(f"bad MP4 box size at byte {pos}")
        yield kind, pos + header, pos + size
        pos += size


def _mp4_find(data: bytes, path: list[bytes], start: int = 0, end: int | None = None) -> list[int]:
    """Payload starts of all boxes along ``path`` (e.g. moov/trak/mdia/hdlr)."""
    end = len(data) if end is None else end
    found: list[int] = []
    for kind, payload, box_end in _mp4_boxes(data, start, end):
        if kind == path[0]:
            if len(path) == 1:
                found.append(payload)
            else:
                found += _mp4_find(data, path[1:], payload, box_end)
    return found


def mp4_duration_ms(path: Path) -> int:
    """Duration of an MP4 from the movie header (``moov/mvhd``)."""
    data = path.read_bytes()
    (mvhd,) = _mp4_find(data, [b"moov", b"mvhd"])
    timescale: int
    duration: int
    if data[mvhd] == 1:
        timescale, duration = struct.unpack_from(">IQ", data, mvhd + 20)
    else:
        timescale, duration = struct.unpack_from(">II", data, mvhd + 12)
    return round(duration * 1000 / timescale)


def mp4_track_kinds(path: Path) -> list[str]:
    """Handler types of the tracks (``vide``, ``soun``, ...)."""
    data = path.read_bytes()
    return [
        data[p + 8 : p + 12].decode("ascii")
        for p in _mp4_find(data, [b"moov", b"trak", b"mdia", b"hdlr"])
    ]


# ---------------------------------------------------------------------------------------------
# Fixtures


def _load_make_sample() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_sample", REPO / "packaging" / "make_sample.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_sample", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def make_sample() -> ModuleType:
    return _load_make_sample()


@pytest.fixture(scope="module")
def captions() -> list[webvtt.Caption]:
    return list(webvtt.read(str(VTT)).captions)


@pytest.fixture(scope="module")
def timing() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(TIMING.read_text(encoding="utf-8"))
    return doc


def _ms(caption: webvtt.Caption) -> tuple[int, int]:
    # webvtt-py's *_in_seconds truncate to whole seconds: parse the text form instead.
    start, end = parse_vtt_timestamp(caption.start), parse_vtt_timestamp(caption.end)
    assert start is not None and end is not None
    return start, end


def _voice(caption: webvtt.Caption) -> str:
    match = re.match(r"<v(?:\.[\w.-]+)?\s+([^>]+)>", caption.raw_text)
    assert match, f"cue {caption.identifier} has no leading <v Name> span"
    return match.group(1).strip()


# ---------------------------------------------------------------------------------------------
# The sample briefing


def test_sample_files_exist_and_total_at_most_2_mb() -> None:
    for name in ("briefing.opus", "briefing.mp4", "briefing.vtt", "briefing.timing.json"):
        assert (SAMPLE_DIR / name).is_file(), name
    assert (SAMPLE_DIR / "README.md").read_text(encoding="utf-8").count("make_sample.py") >= 1
    total = sum(p.stat().st_size for p in SAMPLE_DIR.rglob("*") if p.is_file())
    assert total <= 2 * 1024 * 1024, f"resources/sample is {total} bytes"
    # Both media files are real: a few hundred KB each, not placeholders.
    assert OPUS.stat().st_size > 50_000
    assert MP4.stat().st_size > 50_000


def test_vtt_header_and_note() -> None:
    text = VTT.read_text(encoding="utf-8")
    header = text.split("\n\n", 1)[0].splitlines()
    assert header == ["WEBVTT", "Kind: captions", "Language: en"]
    assert "\nNOTE\nGenerated by packaging/make_sample.py" in text


def test_vtt_parses_with_ids_and_two_speakers(captions: list[webvtt.Caption]) -> None:
    assert len(captions) >= 10
    ids = [c.identifier for c in captions]
    assert ids == [f"c{i:02d}" for i in range(1, len(captions) + 1)]
    voices = [_voice(c) for c in captions]
    assert set(voices) == {"Ana Ruiz", "Tomás Ferreira"}
    # The moderator opens and closes; the official speaks in between.
    assert voices[0] == voices[-1] == "Ana Ruiz"
    assert "Tomás Ferreira" in voices[1:-1]
    words = " ".join(c.text for c in captions)
    for distinctive in ("Bogotá", "café", "desalination", "mangrove", "Punta Salinas"):
        assert distinctive in words


def test_cue_times_increase_without_overlap(captions: list[webvtt.Caption]) -> None:
    times = [_ms(c) for c in captions]
    for (start, end), (next_start, _) in itertools.pairwise(times):
        assert start < end <= next_start
    assert times[-1][0] < times[-1][1]


@pytest.mark.parametrize(("path", "reader"), [(OPUS, ogg_duration_ms), (MP4, mp4_duration_ms)])
def test_media_duration_and_last_cue(
    path: Path, reader: Any, captions: list[webvtt.Caption], timing: dict[str, Any]
) -> None:
    duration_ms = reader(path)
    assert 60_000 <= duration_ms <= 120_000
    assert _ms(captions[-1])[1] <= duration_ms
    # Both files carry the same audio as the measured PCM (video rounds up to a 100 ms frame).
    assert abs(duration_ms - timing["duration_ms"]) <= 150


def test_mp4_has_video_and_audio_tracks() -> None:
    assert sorted(mp4_track_kinds(MP4)) == ["soun", "vide"]


def test_cues_start_within_100_ms_of_measured_onset(
    captions: list[webvtt.Caption], timing: dict[str, Any]
) -> None:
    sentences = timing["sentences"]
    assert [s["id"] for s in sentences] == [c.identifier for c in captions]
    for caption, sentence in zip(captions, sentences, strict=True):
        start_ms, end_ms = _ms(caption)
        assert (start_ms, end_ms) == (sentence["start_ms"], sentence["end_ms"])
        assert 0 <= sentence["onset_ms"] - start_ms <= 100, caption.identifier
        assert sentence["onset_ms"] < sentence["sound_end_ms"] <= end_ms
        assert " ".join(caption.text.split()) == sentence["text"]
        assert _voice(caption) == sentence["speaker"]


def test_vtt_matches_the_script(make_sample: ModuleType, captions: list[webvtt.Caption]) -> None:
    """The committed transcript was regenerated after the last edit of the script."""
    script = make_sample.parse_script(make_sample.SCRIPT_PATH)
    assert [(s.speaker, s.text) for s in script.sentences] == [
        (_voice(c), " ".join(c.text.split())) for c in captions
    ]


def _ffmpeg() -> str:
    """The ffmpeg executable; without it skip (locally) or fail (under CI=true)."""
    exe = shutil.which("ffmpeg")
    if exe is not None:
        return exe
    reason = (
        "ffmpeg not installed: cannot decode the sample to check the sound after each cue "
        "start (the measured onsets in briefing.timing.json are still checked)"
    )
    if in_ci():
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def _decode_pcm(path: Path, rate: int) -> array.array[int]:
    raw = subprocess.run(
        [_ffmpeg(), "-nostdin", "-loglevel", "error", "-i", str(path), "-vn",
         "-f", "s16le", "-ac", "1", "-ar", str(rate), "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    samples = array.array("h", raw)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def _dbfs(samples: array.array[int], first: int, last: int) -> float:
    chunk = samples[max(0, first) : max(first + 1, last)]
    power = sum(s * s for s in chunk) / max(1, len(chunk))
    return 20 * math.log10(max(math.sqrt(power), 1e-3) / 32768)


@pytest.mark.parametrize("path", [OPUS, MP4], ids=["opus", "mp4"])
def test_decoded_audio_rises_within_100_ms_after_each_cue_start(
    path: Path, captions: list[webvtt.Caption]
) -> None:
    rate = 16_000
    per_ms = rate // 1000
    window = 5 * per_ms
    pcm = _decode_pcm(path, rate)
    for caption in captions:
        start = _ms(caption)[0] * per_ms
        quiet = _dbfs(pcm, start - 150 * per_ms, start)
        assert quiet < -60, f"{caption.identifier}: sound before the cue starts ({quiet:.1f} dBFS)"
        loud = [
            offset // per_ms
            for offset in range(0, 100 * per_ms, window)
            if _dbfs(pcm, start + offset, start + offset + window) > -50
        ]
        assert loud, f"{caption.identifier}: no sound within 100 ms after the cue start"


# ---------------------------------------------------------------------------------------------
# The generator's own measuring and wrapping


def test_sound_bounds_finds_onset_to_the_sample(make_sample: ModuleType) -> None:
    rate = 22050
    burst = [int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(rate // 10)]
    samples = [0] * 1234 + burst + [0] * 500
    first, last = make_sample.sound_bounds(samples, rate)
    assert 1234 <= first <= 1236  # sin(0) == 0: the first audible sample is one or two later
    assert 1234 + len(burst) - 10 <= last <= 1234 + len(burst) + rate * 5 // 1000
    assert make_sample.sound_bounds([0] * 1000, rate) is None


def test_wrap_is_balanced_and_keeps_every_word(make_sample: ModuleType) -> None:
    text = "Good morning, and welcome to the weekly briefing of the Ministry of Water and Coasts."
    lines = make_sample.wrap(text, 42)
    assert " ".join(lines) == text
    assert all(len(line) <= 42 for line in lines)
    assert max(map(len, lines)) - min(map(len, lines)) <= 10
    assert make_sample.wrap("Short.", 42) == ["Short."]


# ---------------------------------------------------------------------------------------------
# Tiny test media


def test_tiny_test_media_exist_and_are_small() -> None:
    names = ["tone.ogg", "tone.mp3", "tiny.mp4", "tiny_video_only.mp4"]
    for name in names:
        size = (TEST_MEDIA_DIR / name).stat().st_size
        assert 1000 < size < 60 * 1024, f"{name}: {size} bytes"
    assert (TEST_MEDIA_DIR / "README.md").is_file()


def test_tiny_test_media_durations_and_tracks() -> None:
    assert abs(ogg_duration_ms(TEST_MEDIA_DIR / "tone.ogg") - 3000) <= 50
    assert abs(mp4_duration_ms(TEST_MEDIA_DIR / "tiny.mp4") - 3000) <= 100
    assert abs(mp4_duration_ms(TEST_MEDIA_DIR / "tiny_video_only.mp4") - 2000) <= 100
    assert sorted(mp4_track_kinds(TEST_MEDIA_DIR / "tiny.mp4")) == ["soun", "vide"]
    assert mp4_track_kinds(TEST_MEDIA_DIR / "tiny_video_only.mp4") == ["vide"]
    head = (TEST_MEDIA_DIR / "tone.mp3").read_bytes()[:4]
    assert head[:3] == b"ID3" or (head[0] == 0xFF and head[1] & 0xE0 == 0xE0)
