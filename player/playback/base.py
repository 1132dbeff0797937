"""The playback backend protocol shared by the libVLC adapter and the fake backend.

Backends report what happens through *events* delivered to subscribed listeners. A listener may
be called on any thread (libVLC calls from its own threads): it must only hand the event on (the
Qt controller does so with a queued signal) and never call back into the backend.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeVar, runtime_checkable

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


_EventT = TypeVar("_EventT", bound=tuple[Any, ...])


def _event(cls: type[_EventT]) -> type[_EventT]:
    """Typed equality for an event (an immutable named tuple): events of different kinds never
    compare equal, as plain tuples would (``TimeChanged(5) == LengthChanged(5)``).

    Named tuples rather than frozen dataclasses: defining a dataclass compiles its methods,
    about 0.4 ms a class, paid by every start before the window can be built.
    """

    def __eq__(self: tuple[Any, ...], other: object) -> bool:
        return type(self) is type(other) and tuple.__eq__(self, other)

    def __ne__(self: tuple[Any, ...], other: object) -> bool:
        return not __eq__(self, other)

    setattr(cls, "__eq__", __eq__)  # noqa: B010
    setattr(cls, "__ne__", __ne__)  # noqa: B010
    setattr(cls, "__hash__", tuple.__hash__)  # noqa: B010
    return cls


@_event
class TimeChanged(NamedTuple):
    """The backend reported a new playback position (milliseconds, raw, step-wise)."""

    t_ms: int


@_event
class StateChanged(NamedTuple):
    """The backend's state changed."""

    state: PlaybackState


@_event
class LengthChanged(NamedTuple):
    """The media's duration became known (milliseconds)."""

    length_ms: int


@_event
class MediaEnded(NamedTuple):
    """Playback reached the end of the media."""


@_event
class ErrorOccurred(NamedTuple):
    """The media failed while loading or playing; ``message`` is for the user."""

    message: str


@_event
class AudioUnavailable(NamedTuple):
    """No audio output could be opened (no sound device): playback goes on without sound;
    ``message`` is for the user."""

    message: str


BackendEvent = (
    TimeChanged | StateChanged | LengthChanged | MediaEnded | ErrorOccurred | AudioUnavailable
)
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
