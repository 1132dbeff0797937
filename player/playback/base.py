"""The playback backend protocol shared by the libVLC adapter and the fake backend.

Backends report what happens through *events* delivered to subscribed listeners. A listener may
be called on any thread (libVLC calls from its own threads): it must only hand the event on (the
Qt controller does so with a queued signal) and never call back into the backend.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

MIN_RATE = 0.5
MAX_RATE = 2.5


class PlaybackError(Exception):
    """Media cannot be played: missing, empty, unreadable, or no audio/video tracks."""


class PlaybackState(enum.Enum):
    """Where a backend is in its life cycle."""

    IDLE = "idle"  # nothing loaded
    LOADED = "loaded"  # media loaded, not started
    PLAYING = "playing"
    PAUSED = "paused"
    STOPPED = "stopped"
    ENDED = "ended"  # reached the end of the media
    ERROR = "error"  # the loaded media failed; see the ErrorOccurred event


@dataclass(frozen=True, slots=True)
class TimeChanged:
    """The backend reported a new playback position (milliseconds, raw, step-wise)."""

    t_ms: int


@dataclass(frozen=True, slots=True)
class StateChanged:
    """The backend's state changed."""

    state: PlaybackState


@dataclass(frozen=True, slots=True)
class LengthChanged:
    """The media's duration became known (milliseconds)."""

    length_ms: int


@dataclass(frozen=True, slots=True)
class MediaEnded:
    """Playback reached the end of the media."""


@dataclass(frozen=True, slots=True)
class ErrorOccurred:
    """The media failed while loading or playing; ``message`` is for the user."""

    message: str


BackendEvent = TimeChanged | StateChanged | LengthChanged | MediaEnded | ErrorOccurred
Listener = Callable[[BackendEvent], None]


@runtime_checkable
class PlaybackBackend(Protocol):
    """What the rest of the program may ask of a media player. Times are int milliseconds."""

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(event)`` for every event from now on (possibly on another thread)."""

    def load(self, path: str | Path) -> None:
        """Load media, replacing what was loaded. Raises PlaybackError (within 2 s) when the file
        is missing, empty, unreadable or has no audio/video track. Leaves state LOADED."""

    def prepare(self, path: str | Path) -> None:
        """A hint that ``path`` is about to be loaded: read what can be read ahead (may be
        called from another thread, e.g. the one that created the backend, while this thread goes
        on; :meth:`load` and :meth:`release` wait for it). Never raises for a bad file:
        :meth:`load` reports it. A file changed in between is read again. After
        :meth:`release` it does nothing."""

    def play(self) -> None:
        """Start or resume playback."""

    def pause(self) -> None:
        """Pause (no-op unless playing)."""

    def stop(self) -> None:
        """Stop playback; position returns to 0."""

    def seek(self, t_ms: int) -> None:
        """Jump to ``t_ms`` (clamped to the media), playing or paused."""

    def time_ms(self) -> int:
        """The last position the player reported (step-wise; interpolate with MediaClock)."""

    def length_ms(self) -> int:
        """Duration of the loaded media, 0 when unknown."""

    def state(self) -> PlaybackState:
        """Current state."""

    def set_rate(self, rate: float) -> None:
        """Playback speed, MIN_RATE..MAX_RATE (others raise ValueError); pitch is preserved."""

    def rate(self) -> float:
        """Current playback speed."""

    def set_volume(self, volume: int) -> None:
        """Volume 0..100 (clamped)."""

    def volume(self) -> int:
        """Current volume 0..100."""

    def set_muted(self, muted: bool) -> None:
        """Mute or unmute without changing the volume."""

    def is_muted(self) -> bool:
        """Whether audio is muted."""

    def has_video(self) -> bool:
        """Whether the loaded media has a video track."""

    def set_video_window(self, win_id: int | None) -> None:
        """Draw video into this native window id (X11 window / HWND / NSView), or None."""

    def release(self) -> None:
        """Free everything; the backend must not be used afterwards."""
