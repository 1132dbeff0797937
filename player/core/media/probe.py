"""Cheap, pure-Python reading of duration and title from media container headers.

Used by the archive scan, which must stay fast and must not load libVLC. Reads at most a few
hundred KiB per file. Supported: WAV (RIFF), Ogg (Vorbis, Opus), FLAC, MP4/M4A/MOV (``mvhd`` and
the ``©nam`` tag), MP3 (ID3v2 ``TIT2`` title; duration from a Xing/Info/VBRI header or, for
constant bit rate, from the first frame's bit rate). Anything else, or anything unexpected,
gives ``None`` values: this is a best-effort hint, never an error.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

__all__ = ["MediaInfo", "probe_media"]

_TAIL_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What the headers told us; each field is None when unknown."""

    duration_ms: int | None = None
    title: str | None = None


def probe_media(path: str) -> MediaInfo:
    """Read duration and title from ``path``'s container headers (never raises)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
            if len(head) < 12:
                return MediaInfo()
            if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
                return _probe_wav(fh)
            if head[:4] == b"OggS":
                return _probe_ogg(fh)
            if head[:4] == b"fLaC":
                return _probe_flac(fh)
            if head[4:8] == b"ftyp":
                return _probe_mp4(fh)
            if head[:3] == b"ID3" or (head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
                return _probe_mp3(fh)
    except (OSError, ValueError, struct.error, IndexError, ZeroDivisionError):
        return MediaInfo()
    return MediaInfo()


def _size(fh: BinaryIO) -> int:
    return os.fstat(fh.fileno()).st_size


# --- WAV ----------------------------------------------------------------------------------------


def _probe_wav(fh: BinaryIO) -> MediaInfo:
    fh.seek(12)
    byte_rate = 0
    while True:
        header = fh.read(8)
        if len(header) < 8:
            return MediaInfo()
        chunk_id, chunk_size = header[:4], struct.unpack("<I", header[4:])[0]
        if chunk_id == b"fmt ":
            fmt = fh.read(chunk_size)
            byte_rate = struct.unpack("<I", fmt[8:12])[0]
            if chunk_size % 2:
                fh.seek(1, os.SEEK_CUR)
            continue
        if chunk_id == b"data":
            if not byte_rate:
                return MediaInfo()
            data_size = min(chunk_size, _size(fh) - fh.tell())
            return MediaInfo(duration_ms=data_size * 1000 // byte_rate)
        fh.seek(chunk_size + (chunk_size % 2), os.SEEK_CUR)


# --- Ogg ----------------------------------------------------------------------------------------


def _ogg_packets_start(fh: BinaryIO, max_bytes: int = 128 * 1024) -> bytes:
    """Concatenated payload of the first pages (enough for the identification/comment headers)."""
    fh.seek(0)
    data = fh.read(max_bytes)
    out = bytearray()
    pos = 0
    while pos + 27 <= len(data) and data[pos : pos + 4] == b"OggS":
        n_segments = data[pos + 26]
        table = data[pos + 27 : pos + 27 + n_segments]
        body_start = pos + 27 + n_segments
        body_len = sum(table)
        out += data[body_start : body_start + body_len]
        pos = body_start + body_len
    return bytes(out)


def _vorbis_comment_title(block: bytes, offset: int) -> str | None:
    vendor_len = struct.unpack("<I", block[offset : offset + 4])[0]
    pos = offset + 4 + vendor_len
    count = struct.unpack("<I", block[pos : pos + 4])[0]
    pos += 4
    for _ in range(min(count, 1000)):
        length = struct.unpack("<I", block[pos : pos + 4])[0]
        entry = block[pos + 4 : pos + 4 + length].decode("utf-8", "replace")
        pos += 4 + length
        key, _, value = entry.partition("=")
        if key.upper() == "TITLE" and value.strip():
            return value.strip()
    return None


def _probe_ogg(fh: BinaryIO) -> MediaInfo:
    start = _ogg_packets_start(fh)
    title: str | None = None
    if start.startswith(b"OpusHead"):
        rate = 48000
        pre_skip = struct.unpack("<H", start[10:12])[0]
        tags = start.find(b"OpusTags")
        if tags >= 0:
            title = _safe_title(lambda: _vorbis_comment_title(start, tags + 8))
    elif start[1:7] == b"vorbis" and start[0] == 1:
        rate = struct.unpack("<I", start[12:16])[0]
        pre_skip = 0
        comment = start.find(b"\x03vorbis")
        if comment >= 0:
            title = _safe_title(lambda: _vorbis_comment_title(start, comment + 7))
    else:
        return MediaInfo()
    size = _size(fh)
    fh.seek(max(0, size - _TAIL_BYTES))
    tail = fh.read()
    last = tail.rfind(b"OggS")
    while last >= 0:
        granule = struct.unpack("<q", tail[last + 6 : last + 14])[0]
        if granule >= 0 and rate:
            return MediaInfo(duration_ms=max(0, granule - pre_skip) * 1000 // rate, title=title)
        last = tail.rfind(b"OggS", 0, last)
    return MediaInfo(title=title)


# --- FLAC ---------------------------------------------------------------------------------------


def _probe_flac(fh: BinaryIO) -> MediaInfo:
    fh.seek(4)
    duration: int | None = None
    title: str | None = None
    for _ in range(64):
        header = fh.read(4)
        if len(header) < 4:
            break
        last, kind = header[0] & 0x80, header[0] & 0x7F
        length = int.from_bytes(header[1:4], "big")
        block = fh.read(length)
        if kind == 0 and len(block) >= 18:
            packed = int.from_bytes(block[10:18], "big")
            rate = packed >> 44
            total = packed & ((1 << 36) - 1)
            if rate and total:
                duration = total * 1000 // rate
        elif kind == 4:
            title = _safe_title(lambda b=block: _vorbis_comment_title(b, 0))  # type: ignore[misc]
        if last:
            break
    return MediaInfo(duration_ms=duration, title=title)


# --- MP4 ----------------------------------------------------------------------------------------


def _iter_boxes(data: bytes, start: int, end: int) -> list[tuple[bytes, int, int]]:
    boxes = []
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            break
        boxes.append((kind, pos + header, min(pos + size, end)))
        pos += size
    return boxes


def _probe_mp4(fh: BinaryIO) -> MediaInfo:
    size = _size(fh)
    pos = 0
    moov: bytes | None = None
    while pos + 8 <= size:
        fh.seek(pos)
        header = fh.read(16)
        box_size, kind = struct.unpack(">I4s", header[:8])
        if box_size == 1:
            box_size = struct.unpack(">Q", header[8:16])[0]
        elif box_size == 0:
            box_size = size - pos
        if box_size < 8:
            break
        if kind == b"moov":
            if box_size > 64 * 1024 * 1024:
                return MediaInfo()
            fh.seek(pos)
            moov = fh.read(box_size)
            break
        pos += box_size
    if moov is None:
        return MediaInfo()
    duration: int | None = None
    title: str | None = None
    top = _iter_boxes(moov, 8, len(moov))
    for kind, begin, end in top:
        if kind == b"mvhd":
            version = moov[begin]
            if version == 1:
                timescale, dur = struct.unpack(">IQ", moov[begin + 20 : begin + 32])
            else:
                timescale, dur = struct.unpack(">II", moov[begin + 12 : begin + 20])
            if timescale and dur not in (0, 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF):
                duration = dur * 1000 // timescale
        elif kind == b"udta":
            title = _mp4_title(moov, begin, end)
    return MediaInfo(duration_ms=duration, title=title)


def _mp4_title(data: bytes, begin: int, end: int) -> str | None:
    for kind, b, e in _iter_boxes(data, begin, end):
        if kind == b"meta":
            for kind2, b2, e2 in _iter_boxes(data, b + 4, e):  # meta is a full box
                if kind2 == b"ilst":
                    for kind3, b3, e3 in _iter_boxes(data, b2, e2):
                        if kind3 == b"\xa9nam":
                            for kind4, b4, e4 in _iter_boxes(data, b3, e3):
                                if kind4 == b"data":
                                    text = data[b4 + 8 : e4].decode("utf-8", "replace").strip()
                                    return text or None
    return None


# --- MP3 ----------------------------------------------------------------------------------------

_MP3_BITRATES = {
    # (version_is_mpeg1, layer) -> kbit/s table indexed by the 4-bit field
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _id3_title(tag: bytes) -> str | None:
    version = tag[3]
    pos = 10
    end = len(tag)
    while pos + 10 <= end:
        frame_id = tag[pos : pos + 4]
        if frame_id[:1] == b"\x00":
            break
        raw = tag[pos + 4 : pos + 8]
        if version >= 4:
            length = (raw[0] << 21) | (raw[1] << 14) | (raw[2] << 7) | raw[3]
        else:
            length = struct.unpack(">I", raw)[0]
        body = tag[pos + 10 : pos + 10 + length]
        pos += 10 + length
        if frame_id == b"TIT2" and body:
            encoding = {0: "latin-1", 1: "utf-16", 2: "utf-16-be", 3: "utf-8"}.get(body[0])
            if encoding is None:
                return None
            text = body[1:].decode(encoding, "replace").strip("\x00").strip()
            return text or None
    return None


def _probe_mp3(fh: BinaryIO) -> MediaInfo:
    fh.seek(0)
    head = fh.read(10)
    offset = 0
    title: str | None = None
    if head[:3] == b"ID3":
        tag_size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
        fh.seek(0)
        tag = fh.read(10 + min(tag_size, 256 * 1024))
        if head[3] in (3, 4):
            title = _safe_title(lambda: _id3_title(tag))
        offset = 10 + tag_size
    fh.seek(offset)
    block = fh.read(4096)
    sync = 0
    while sync + 4 <= len(block) and not (block[sync] == 0xFF and block[sync + 1] & 0xE0 == 0xE0):
        sync += 1
    if sync + 4 > len(block):
        return MediaInfo(title=title)
    b1, b2, b3 = block[sync + 1], block[sync + 2], block[sync + 3]
    version_bits = (b1 >> 3) & 3
    layer_bits = (b1 >> 1) & 3
    if version_bits == 1 or layer_bits != 1:  # only MPEG audio layer III
        return MediaInfo(title=title)
    mpeg1 = version_bits == 3
    bitrate_index = b2 >> 4
    rate_index = (b2 >> 2) & 3
    if bitrate_index in (0, 15) or rate_index == 3:
        return MediaInfo(title=title)
    bitrate = _MP3_BITRATES[(mpeg1, 3)][bitrate_index] * 1000
    sample_rate = _MP3_RATES[version_bits][rate_index]
    samples_per_frame = 1152 if mpeg1 else 576
    mono = (b3 >> 6) == 3
    side_info = (17 if mono else 32) if mpeg1 else (9 if mono else 17)
    xing = sync + 4 + side_info
    tag_id = block[xing : xing + 4]
    if tag_id in (b"Xing", b"Info"):
        flags = struct.unpack(">I", block[xing + 4 : xing + 8])[0]
        if flags & 1:
            frames = struct.unpack(">I", block[xing + 8 : xing + 12])[0]
            return MediaInfo(frames * samples_per_frame * 1000 // sample_rate, title)
    vbri = sync + 4 + 32
    if block[vbri : vbri + 4] == b"VBRI":
        frames = struct.unpack(">I", block[vbri + 14 : vbri + 18])[0]
        return MediaInfo(frames * samples_per_frame * 1000 // sample_rate, title)
    audio_bytes = _size(fh) - offset - sync
    return MediaInfo(max(0, audio_bytes) * 8 * 1000 // bitrate, title)


def _safe_title(read: Callable[[], str | None]) -> str | None:
    try:
        return read()
    except (ValueError, struct.error, IndexError, UnicodeError):
        return None
