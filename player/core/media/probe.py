"""The one media probe: duration, title, date and tracks from a media file's headers (mutagen).

Used by the archive scan (fast, no libVLC) and by the fake playback backend, so both agree on
every file. Container parsing is mutagen's; this module only bounds it and turns its answer into
a :class:`MediaInfo`. :func:`probe_media` never raises: what cannot be read is ``None``.

Bounded work on hostile files: only regular files are probed (opened without blocking, so a
FIFO or a device swapped in for a media file is refused at once); mutagen reads through
:class:`_BoundedReader`, which never asks the operating system for more bytes than the file
holds (a WAV chunk claiming 4 GB in a 92-byte file reads 92 bytes instead of allocating 4 GB),
refuses any single read over ``MAX_READ_BYTES`` and stops a probe after ``READ_BUDGET_BYTES``
in all, after ``MAX_READS`` reads (a file of millions of empty 8-byte chunks is not walked one
by one: 32 MB of them took 58 s) or after ``DEADLINE_S`` seconds, whichever comes first. A
probe cut short answers what it knows (``damaged`` True).
"""

from __future__ import annotations

import logging
import math
import os
import re
import stat
import time
from dataclasses import dataclass
from typing import Any, BinaryIO

import mutagen
from mutagen.mp4 import Atoms  # type: ignore[attr-defined]  # its box reader, not in __all__

__all__ = [
    "DEADLINE_S",
    "MAX_READS",
    "MAX_READ_BYTES",
    "READ_BUDGET_BYTES",
    "MediaInfo",
    "probe_media",
]

_log = logging.getLogger(__name__)

MAX_READ_BYTES = 32 * 1024 * 1024
"""The largest single read a probe makes (an embedded cover picture fits; a 4 GB claim does not)."""
READ_BUDGET_BYTES = 64 * 1024 * 1024
"""The most one probe reads in all (headers are small; a scan of a damaged file is cut short)."""
MAX_READS = 20_000
"""The most reads and seeks one probe makes (real files need a few dozen to a few hundred)."""
DEADLINE_S = 2.0
"""The longest one probe may take (real files take milliseconds)."""


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What a media file's headers say; each field is None when unknown.

    ``duration_ms`` is how long the file plays: the length its headers declare, shortened in
    proportion when the file holds fewer bytes than they declare (a cut-off download).
    ``container`` names the container ("mp3", "mp4", "ogg", "wav", "flac", "matroska"...) when
    the file is recognised as media at all; ``damaged`` is True when it was recognised but its
    headers could not be read.
    """

    duration_ms: int | None = None
    title: str | None = None
    date: str | None = None
    has_audio: bool | None = None
    has_video: bool | None = None
    container: str | None = None
    damaged: bool = False


# mutagen's reader class -> container name; the audio-only ones are also in _AUDIO_ONLY.
_CONTAINERS = {
    "MP3": "mp3",
    "EasyMP3": "mp3",
    "MP4": "mp4",
    "EasyMP4": "mp4",
    "OggVorbis": "ogg",
    "OggOpus": "ogg",
    "OggFLAC": "ogg",
    "OggSpeex": "ogg",
    "OggTheora": "ogg",
    "FLAC": "flac",
    "WAVE": "wav",
    "AIFF": "aiff",
    "ASF": "asf",
}
_AUDIO_ONLY = frozenset(
    [
        "MP3",
        "EasyMP3",
        "OggVorbis",
        "OggOpus",
        "OggFLAC",
        "OggSpeex",
        "FLAC",
        "WAVE",
        "AIFF",
        "TrueAudio",
        "EasyTrueAudio",
        "WavPack",
        "Musepack",
        "MonkeysAudio",
        "OptimFROG",
        "AAC",
        "AC3",
        "TAK",
        "DSF",
        "DSDIFF",
    ]
)
# Formats whose bit rate is exact (constant, or from the encoder's frame count), so the file's
# size bounds how long it can play.
_EXACT_BITRATE = frozenset({"MP3", "EasyMP3", "WAVE", "AIFF"})
_TITLE_KEYS = ("title", "TIT2", "Title")
_DATE_KEYS = ("date", "TDRC", "TYER", "WM/Year", "year")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def probe_media(path: str | os.PathLike[str]) -> MediaInfo:
    """Read duration, tags and tracks from ``path``'s headers (never raises)."""
    name = os.fspath(path)
    try:
        with open(_open_regular(name), "rb") as raw:
            size = os.fstat(raw.fileno()).st_size
            container = _sniff(raw.read(16))
            raw.seek(0)
            reader = _BoundedReader(raw, size, name)
            try:
                loaded = mutagen.File(reader, easy=True)
                if loaded is None or getattr(loaded.info, "sketchy", False):
                    return MediaInfo(container=container)
                return _describe(loaded, reader, size, container)
            except Exception as err:  # mutagen on hostile bytes: MutagenError and worse
                _log.debug("%s: headers not readable: %s: %s", name, type(err).__name__, err)
                return MediaInfo(container=container, damaged=container is not None)
    except OSError as err:
        _log.debug("%s: cannot open: %s", name, err)
        return MediaInfo()


def _open_regular(name: str) -> int:
    """A descriptor of ``name`` opened without blocking; OSError unless it is a regular file."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(name, flags)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError("not a regular file")
    return fd


def _sniff(head: bytes) -> str | None:
    """The container by its magic bytes, for files mutagen cannot read (or has no reader for)."""
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"fLaC":
        return "flac"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "matroska"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def _describe(loaded: Any, reader: _BoundedReader, size: int, sniffed: str | None) -> MediaInfo:
    kind = type(loaded).__name__
    length = getattr(loaded.info, "length", None)
    duration_ms: int | None = None
    if isinstance(length, int | float) and math.isfinite(length) and length > 0:
        duration_ms = round(length * 1000)
    has_audio: bool | None = None
    has_video: bool | None = None
    if kind in _AUDIO_ONLY:
        has_audio, has_video = True, False
    elif kind == "OggTheora":
        has_video = True
    if kind in _EXACT_BITRATE and duration_ms is not None:
        bitrate = getattr(loaded.info, "bitrate", 0)
        if isinstance(bitrate, int) and bitrate > 0:
            duration_ms = min(duration_ms, size * 8000 // bitrate)
    if kind in ("MP4", "EasyMP4"):
        has_audio, has_video, extent = _mp4_tracks(reader)
        if duration_ms is not None and extent > size:
            duration_ms = duration_ms * size // extent
    tags = loaded.tags
    date = _tag(tags, _DATE_KEYS)
    match = _DATE.match(date) if date else None
    return MediaInfo(
        duration_ms=duration_ms,
        title=_tag(tags, _TITLE_KEYS),
        date=match.group(0) if match else None,
        has_audio=has_audio,
        has_video=has_video,
        container=_CONTAINERS.get(kind, sniffed or kind.lower()),
    )


def _mp4_tracks(reader: _BoundedReader) -> tuple[bool | None, bool | None, int]:
    """(has a sound track, has a video track, bytes the top-level boxes declare), read with
    mutagen's box reader; (None, None, 0) when the boxes cannot be walked."""
    try:
        reader.seek(0)
        atoms = Atoms(reader)
        extent = max((int(a.offset) + int(a.length) for a in atoms.atoms), default=0)
        handlers: set[bytes] = set()
        for trak in atoms[b"moov"].findall(b"trak"):
            try:
                ok, data = trak[b"mdia", b"hdlr"].read(reader)
            except KeyError:
                continue
            if ok:
                handlers.add(bytes(data[8:12]))  # full box header, pre_defined, handler_type
    except Exception as err:  # a damaged box tree: mutagen's AtomError, KeyError and worse
        _log.debug("mp4 tracks not readable: %s: %s", type(err).__name__, err)
        return None, None, 0
    return b"soun" in handlers, b"vide" in handlers, extent


def _tag(tags: Any, keys: tuple[str, ...]) -> str | None:
    """The first non-empty value under any of ``keys`` as one line of text, or None."""
    if tags is None:
        return None
    for key in keys:
        try:
            value = tags[key]
        except (KeyError, ValueError, TypeError):
            continue
        value = getattr(value, "text", value)  # ID3 frames keep their values in .text
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        text = " ".join(str(value).split()) if value is not None else ""
        if text:
            return text
    return None


class _BoundedReader:
    """A read-only file for mutagen whose reads are clamped to the file's size and budgeted."""

    def __init__(self, raw: BinaryIO, size: int, name: str) -> None:
        self._raw = raw
        self._size = size
        self._spent = 0
        self._calls = 0
        self._deadline = time.monotonic() + DEADLINE_S
        self.name = name  # mutagen weighs the extension when guessing the format

    def _count(self) -> None:
        self._calls += 1
        if self._calls > MAX_READS or (self._calls % 64 == 0 and time.monotonic() > self._deadline):
            raise OSError(f"probe limit reached ({self._calls} reads, {self._spent} bytes)")

    def read(self, n: int | None = -1) -> bytes:
        """Up to ``n`` bytes (all that is left when ``n`` is negative); OSError over budget."""
        self._count()
        left = max(0, self._size - self._raw.tell())
        n = left if n is None or n < 0 else min(n, left)
        if n > MAX_READ_BYTES or self._spent + n > READ_BUDGET_BYTES:
            raise OSError(f"probe read limit reached ({n} bytes asked, {self._spent} read)")
        self._spent += n
        return self._raw.read(n)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Move like a file."""
        self._count()
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        """The position like a file."""
        return self._raw.tell()
