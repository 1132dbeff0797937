"""A deterministic playback backend for tests: no threads, no libVLC, time moves by ``advance()``.

It decides whether a file is playable the way the real backend does, from the real file: a
missing or empty file, or bytes that are not a known container (checked by magic bytes), raise
:class:`~player.playback.base.PlaybackError`. The duration comes from the ``durations`` mapping or
is read cheaply from the container (Ogg, MP4, WAV, FLAC, CBR MP3), else 60 s.

Like libVLC it reports the position in steps (``step_ms``, default 250 ms of media time), so the
interpolating clock and the UI can be tested against realistic input.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from pathlib import Path

from player.playback.base import (
    MAX_RATE,
    MIN_RATE,
    BackendEvent,
    ErrorOccurred,
    LengthChanged,
    Listener,
    MediaEnded,
    PlaybackBackend,
    PlaybackError,
    PlaybackState,
    StateChanged,
    TimeChanged,
)

DEFAULT_DURATION_MS = 60_000
_HEAD_BYTES = 64 * 1024
_TAIL_BYTES = 64 * 1024


class MediaInfo:
    """What the fake learned from a file: container kind, duration (ms, 0 unknown), video."""

    __slots__ = ("duration_ms", "has_video", "kind")

    def __init__(self, kind: str, duration_ms: int, has_video: bool) -> None:
        self.kind = kind
        self.duration_ms = duration_ms
        self.has_video = has_video


def _ogg_duration_ms(head: bytes, tail: bytes) -> int | None:
    """Last page's granule position over the stream's sample rate (Vorbis/Opus); 0 when no
    audio page survived (a truncated file), None when the codec is not known here."""
    if b"OpusHead" in head[:200]:
        i = head.index(b"OpusHead")
        pre_skip = struct.unpack_from("<H", head, i + 10)[0]
        rate, offset = 48_000, pre_skip
    elif b"\x01vorbis" in head[:200]:
        i = head.index(b"\x01vorbis")
        rate, offset = struct.unpack_from("<I", head, i + 12)[0], 0
    else:
        return None
    pos = tail.rfind(b"OggS")
    while pos >= 0:
        if pos + 14 <= len(tail):
            granule = struct.unpack_from("<q", tail, pos + 6)[0]
            if granule > 0 and rate > 0:
                return max(0, int(granule - offset) * 1000 // int(rate))
        pos = tail.rfind(b"OggS", 0, pos)
    return 0


def _mp4_present_fraction(head: bytes, size: int) -> float:
    """Which fraction of the top-level boxes' declared bytes the file really holds (<1 when
    truncated); only boxes whose headers lie in ``head`` can be walked."""
    pos, declared = 0, 0
    while pos + 8 <= len(head):
        box_size = struct.unpack_from(">I", head, pos)[0]
        if box_size == 1 and pos + 16 <= len(head):
            box_size = struct.unpack_from(">Q", head, pos + 8)[0]
        if box_size < 8:
            break
        declared = pos + box_size
        pos += box_size
    if declared <= size or declared == 0:
        return 1.0
    return size / declared


def _mp4_info(data: bytes) -> tuple[int, bool, bool]:
    """(duration_ms from mvhd, has a 'vide' handler, has a 'moov' box)."""
    has_moov = b"moov" in data
    duration_ms = 0
    i = data.find(b"mvhd")
    if i >= 0 and i + 32 <= len(data):
        version = data[i + 4]
        if version == 1:
            timescale, duration = struct.unpack_from(">IQ", data, i + 4 + 4 + 16)
        else:
            timescale, duration = struct.unpack_from(">II", data, i + 4 + 4 + 8)
        if timescale:
            duration_ms = duration * 1000 // timescale
    has_video = b"hdlrvide" in data or b"vide" in _hdlr_types(data)
    return duration_ms, has_video, has_moov


def _hdlr_types(data: bytes) -> bytes:
    types = b""
    i = data.find(b"hdlr")
    while i >= 0:
        types += data[i + 12 : i + 16]
        i = data.find(b"hdlr", i + 4)
    return types


_MP3_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0)


def _mp3_info(data: bytes, size: int) -> tuple[bool, int]:
    """(looks like MP3, CBR duration estimate in ms or 0)."""
    start = 0
    if data[:3] == b"ID3" and len(data) >= 10:
        s = data[6:10]
        start = 10 + ((s[0] & 0x7F) << 21 | (s[1] & 0x7F) << 14 | (s[2] & 0x7F) << 7 | s[3] & 0x7F)
        if start + 4 > len(data):
            return True, 0
    header = data[start : start + 4]
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return data[:3] == b"ID3", 0
    bitrate_index = header[2] >> 4
    if (header[2] >> 2) & 3 == 3 or bitrate_index in (0, 15):
        return data[:3] == b"ID3", 0
    is_mpeg1_layer3 = (header[1] >> 3) & 3 == 3 and (header[1] >> 1) & 3 == 1
    if not is_mpeg1_layer3:
        return True, 0
    sample_rate = (44_100, 48_000, 32_000)[(header[2] >> 2) & 3]
    for tag in (b"Xing", b"Info"):  # LAME/Xing header: exact frame count (1152 samples each)
        i = data.find(tag, start, start + 64)
        if i >= 0 and i + 12 <= len(data) and data[i + 7] & 1:
            frames = int.from_bytes(data[i + 8 : i + 12], "big")
            ms = frames * 1152 * 1000 // sample_rate
            if data[i + 7] & 2 and i + 16 <= len(data):  # stream bytes: truncated files end early
                total = int.from_bytes(data[i + 12 : i + 16], "big")
                if total > size - start > 0:
                    ms = ms * (size - start) // total
            return True, ms
    kbps = _MP3_BITRATES_KBPS[bitrate_index]
    return True, (size - start) * 8 // kbps


def probe(path: Path, durations: Mapping[str, int] | None = None) -> MediaInfo:
    """Recognise a media file by its magic bytes; PlaybackError (with the path) when unplayable."""
    if not path.exists():
        raise PlaybackError(f"{path}: file not found")
    if not path.is_file():
        raise PlaybackError(f"{path}: not a file")
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(_HEAD_BYTES)
            f.seek(max(0, size - _TAIL_BYTES))
            tail = f.read()
    except OSError as exc:
        raise PlaybackError(f"{path}: cannot read the file ({exc.strerror})") from None
    if size == 0:
        raise PlaybackError(f"{path}: the file is empty")

    kind, duration_ms, has_video = "", 0, False
    if head[:4] == b"OggS":
        kind = "ogg"
        ogg_ms = _ogg_duration_ms(head, tail)
        if ogg_ms == 0:
            return MediaInfo(kind, 0, False)  # headers only: plays and ends at once, as libVLC
        duration_ms = ogg_ms or 0
        has_video = b"\x80theora" in head[:4096]
    elif head[4:8] == b"ftyp":
        whole = head if size <= _HEAD_BYTES else head + tail
        duration_ms, has_video, has_moov = _mp4_info(whole)
        duration_ms = int(duration_ms * _mp4_present_fraction(head, size))
        if has_moov:
            kind = "mp4"
    elif head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        kind = "wav"
        byte_rate = struct.unpack_from("<I", head, 28)[0] if len(head) >= 32 else 0
        i = head.find(b"data")
        if byte_rate and i >= 0:
            duration_ms = struct.unpack_from("<I", head, i + 4)[0] * 1000 // byte_rate
    elif head[:4] == b"\x1a\x45\xdf\xa3":
        kind = "mkv"
        has_video = any(codec in head for codec in (b"V_VP8", b"V_VP9", b"V_AV1", b"V_MPEG"))
    elif head[:4] == b"fLaC":
        kind = "flac"
        if len(head) >= 26:
            packed = int.from_bytes(head[18:26], "big")
            rate, samples = packed >> 44, packed & ((1 << 36) - 1)
            duration_ms = samples * 1000 // rate if rate else 0
    else:
        is_mp3, duration_ms = _mp3_info(head, size)
        kind = "mp3" if is_mp3 else ""
    if not kind:
        raise PlaybackError(f"{path}: no audio or video track (not a media file?)")

    if durations is not None:
        override = durations.get(str(path), durations.get(path.name))
        if override is not None:
            duration_ms = override
    return MediaInfo(kind, duration_ms or DEFAULT_DURATION_MS, has_video)


class FakeBackend(PlaybackBackend):
    """Deterministic :class:`~player.playback.base.PlaybackBackend`: events are delivered
    synchronously on the caller's thread, and time moves only when a test calls :meth:`advance`.
    """

    def __init__(
        self,
        *,
        durations: Mapping[str, int] | None = None,
        step_ms: int = 250,
    ) -> None:
        if step_ms <= 0:
            raise ValueError("step_ms must be positive")
        self._durations = durations
        self.step_ms = step_ms
        self._listeners: list[Listener] = []
        self._state = PlaybackState.IDLE
        self._path: Path | None = None
        self._info: MediaInfo | None = None
        self._exact_ms = 0.0  # true media position
        self._reported_ms = 0  # what the "player" last reported (step-wise)
        self._next_report_ms = step_ms
        self._rate = 1.0
        self._volume = 100
        self._muted = False
        self._released = False
        self.video_window: int | None = None
        self.loaded_paths: list[Path] = []
        self.prepared_paths: list[Path] = []

    def _emit(self, event: BackendEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    def _set_state(self, state: PlaybackState) -> None:
        if state is not self._state:
            self._state = state
            self._emit(StateChanged(state))

    def _check_alive(self) -> None:
        if self._released:
            raise RuntimeError("FakeBackend used after release()")

    def _report(self, t_ms: int) -> None:
        self._reported_ms = t_ms
        self._next_report_ms = t_ms + self.step_ms
        self._emit(TimeChanged(t_ms))

    # -- test controls -------------------------------------------------------------------------

    def advance(self, ms: int) -> None:
        """Let ``ms`` of wall time pass: while playing, media time moves ``ms * rate``."""
        self._check_alive()
        if ms < 0:
            raise ValueError("cannot advance by a negative time")
        if self._state is not PlaybackState.PLAYING or self._info is None:
            return
        length_ms = self._info.duration_ms
        self._exact_ms = min(float(length_ms), self._exact_ms + ms * self._rate)
        while self._next_report_ms <= self._exact_ms and self._next_report_ms < length_ms:
            self._report(self._next_report_ms)
        if self._exact_ms >= length_ms:
            self._report(length_ms)
            self._emit(MediaEnded())
            self._set_state(PlaybackState.ENDED)

    def exact_ms(self) -> int:
        """The true position (what the audio would be playing now), for tests of the clock."""
        return int(self._exact_ms)

    def inject_error(self, message: str) -> None:
        """Make the loaded media fail as libVLC's EncounteredError would."""
        self._emit(ErrorOccurred(message))
        self._set_state(PlaybackState.ERROR)

    def _set_test_rate(self, rate: float) -> None:
        """Tests only: any positive rate (mirrors VlcBackend's hook)."""
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._rate = float(rate)

    # -- PlaybackBackend -----------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(event)`` for every event from now on (synchronously)."""
        self._listeners.append(listener)

    def prepare(self, path: str | Path) -> None:
        """Record the hint (the fake reads files in :meth:`load`, which is instant anyway);
        nothing after :meth:`release`."""
        if not self._released:
            self.prepared_paths.append(Path(path))

    def load(self, path: str | Path) -> None:
        """Load media, replacing the current one; PlaybackError at once when unplayable."""
        self._check_alive()
        path = Path(path)
        info = probe(path, self._durations)
        self._path, self._info = path, info
        self.loaded_paths.append(path)
        self._exact_ms = 0.0
        self._reported_ms = 0
        self._next_report_ms = self.step_ms
        self._state = PlaybackState.IDLE  # so LOADED is always announced
        self._set_state(PlaybackState.LOADED)
        self._emit(LengthChanged(info.duration_ms))

    def play(self) -> None:
        """Start or resume playback (replays from the start after the end)."""
        self._check_alive()
        if self._info is None:
            raise PlaybackError("nothing loaded")
        if self._state in (PlaybackState.ENDED, PlaybackState.ERROR):
            self._exact_ms = 0.0
            self._report(0)
        self._set_state(PlaybackState.PLAYING)

    def pause(self) -> None:
        """Pause (no-op unless playing)."""
        self._check_alive()
        if self._state is PlaybackState.PLAYING:
            self._set_state(PlaybackState.PAUSED)

    def stop(self) -> None:
        """Stop playback; the position returns to 0."""
        self._check_alive()
        if self._info is None:
            return
        self._exact_ms = 0.0
        self._reported_ms = 0
        self._next_report_ms = self.step_ms
        self._set_state(PlaybackState.STOPPED)

    def seek(self, t_ms: int) -> None:
        """Jump to ``t_ms`` (clamped to the media), playing or paused."""
        self._check_alive()
        length_ms = self.length_ms()
        t_ms = max(0, int(t_ms))
        if length_ms > 0:
            t_ms = min(t_ms, length_ms)
        self._exact_ms = float(t_ms)
        self._report(t_ms)

    def time_ms(self) -> int:
        """The last reported position (step-wise, like libVLC)."""
        self._check_alive()
        return self._reported_ms

    def length_ms(self) -> int:
        """Duration of the loaded media, 0 when nothing is loaded."""
        return self._info.duration_ms if self._info is not None else 0

    def state(self) -> PlaybackState:
        """Current state."""
        return self._state

    def set_rate(self, rate: float) -> None:
        """Playback speed MIN_RATE..MAX_RATE (ValueError otherwise)."""
        if not MIN_RATE <= rate <= MAX_RATE:
            raise ValueError(f"rate {rate} outside {MIN_RATE}..{MAX_RATE}")
        self._check_alive()
        self._rate = float(rate)

    def rate(self) -> float:
        """Current playback speed."""
        return self._rate

    def set_volume(self, volume: int) -> None:
        """Volume 0..100 (clamped)."""
        self._check_alive()
        self._volume = max(0, min(100, int(volume)))

    def volume(self) -> int:
        """Current volume 0..100."""
        return self._volume

    def set_muted(self, muted: bool) -> None:
        """Mute or unmute without changing the volume."""
        self._check_alive()
        self._muted = bool(muted)

    def is_muted(self) -> bool:
        """Whether audio is muted."""
        return self._muted

    def has_video(self) -> bool:
        """Whether the loaded media has a video track."""
        return self._info is not None and self._info.has_video

    def set_video_window(self, win_id: int | None) -> None:
        """Remember the window id (see ``video_window``)."""
        self._check_alive()
        self.video_window = win_id

    def release(self) -> None:
        """Forget everything (idempotent)."""
        self._released = True
        self._listeners.clear()
