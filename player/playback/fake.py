"""A deterministic playback backend for tests: no threads, no libVLC, time moves by ``advance()``.

It decides whether a file is playable the way the real backend does, from the real file: a
missing or empty file, or bytes that are not a known container, raise
:class:`~player.playback.base.PlaybackError`. The container, duration and tracks come from the
program's one media probe (:func:`player.core.media.probe.probe_media`), so the fake and the
archive agree on every file; the ``durations`` mapping overrides the duration.

Like libVLC it reports the position in steps (``step_ms``, default 250 ms of media time), so the
interpolating clock and the UI can be tested against realistic input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from player.core.media.probe import probe_media
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
"""The length of a recognised file whose duration the probe cannot tell (e.g. Matroska)."""


@dataclass(frozen=True, slots=True)
class LoadedMedia:
    """What the fake plays: the duration in ms (0: ends at once) and whether there is video."""

    duration_ms: int
    has_video: bool


def probe(path: Path, durations: Mapping[str, int] | None = None) -> LoadedMedia:
    """What the fake will play from ``path``; PlaybackError (with the path) when unplayable.

    The duration: ``durations[str(path)]`` or ``durations[path.name]``, else the probe's; 0 for a
    recognised but damaged file (libVLC plays it and ends at once); ``DEFAULT_DURATION_MS`` when
    the probe has no reader for the container.
    """
    if not path.exists():
        raise PlaybackError(f"{path}: file not found")
    if not path.is_file():
        raise PlaybackError(f"{path}: not a file")
    try:
        size = path.stat().st_size
        with path.open("rb"):  # the probe never raises: an unreadable file is found here
            pass
    except OSError as exc:
        raise PlaybackError(f"{path}: cannot read the file ({exc.strerror})") from None
    if size == 0:
        raise PlaybackError(f"{path}: the file is empty")
    info = probe_media(path)
    if info.container is None or (info.has_audio is False and info.has_video is False):
        raise PlaybackError(f"{path}: no audio or video track (not a media file?)")
    override = None
    if durations is not None:
        override = durations.get(str(path), durations.get(path.name))
    if override is not None:
        duration_ms = override
    elif info.duration_ms is not None:
        duration_ms = info.duration_ms
    else:
        duration_ms = 0 if info.damaged else DEFAULT_DURATION_MS
    return LoadedMedia(duration_ms, bool(info.has_video))


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
        self._sought_since_end = False  # a seek after the end: play() starts there
        self._path: Path | None = None
        self._info: LoadedMedia | None = None
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
        """Start or resume playback (after the end: replays from the start, or from where a
        seek made since then points, as libVLC does)."""
        self._check_alive()
        if self._info is None:
            raise PlaybackError("nothing loaded")
        finished = self._state in (PlaybackState.ENDED, PlaybackState.ERROR)
        if finished and not self._sought_since_end:
            self._exact_ms = 0.0
            self._report(0)
        self._sought_since_end = False
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
        self._sought_since_end = self._state in (PlaybackState.ENDED, PlaybackState.ERROR)
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
