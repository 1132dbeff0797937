"""PlaybackController: the one object widgets talk to about playback.

It owns a :class:`~player.playback.base.PlaybackBackend`, receives the backend's events (which
may arrive on libVLC threads) and re-emits them as typed Qt signals on the GUI thread. Between
libVLC's step-wise time reports it runs an interpolating :class:`MediaClock`, ticking a precise
timer while playing, so the position (and the current cue derived from it) moves smoothly.

The backend owns the playback state: the controller *mirrors* it (``state()`` is the last state
the backend reported, announced once by ``state_changed``) and never sets it itself; commands
ask the backend and wait for its answer. The timer runs exactly while the mirrored state is
PLAYING.

:class:`CueTracker` turns positions into "current cue changed" signals; the logic is the pure
:class:`~player.core.timeline.tracker.CurrentCueTracker`, the one owner of the current cue.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from player.core.model import Cue
from player.core.timeline.cue_index import CueIndex
from player.core.timeline.tracker import CurrentCueTracker
from player.playback.base import (
    MAX_RATE,
    MIN_RATE,
    AudioUnavailable,
    BackendEvent,
    ErrorOccurred,
    LengthChanged,
    MediaEnded,
    PlaybackBackend,
    PlaybackError,
    PlaybackState,
    StateChanged,
    TimeChanged,
)
from player.playback.clock import MediaClock

TICK_MS = 10
RATE_STEPS: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5)


def _monotonic_ms() -> int:
    return time.monotonic_ns() // 1_000_000


class PlaybackController(QObject):
    """Backend -> Qt signals on the GUI thread, plus the commands widgets may give.

    Signals (all emitted on the GUI thread, only on change):
      position_changed(int): interpolated position in ms.
      state_changed(object): the new PlaybackState, as the backend reported it.
      length_changed(int): media duration in ms (0 = unknown).
      media_loaded(str): path of newly loaded media.
      error_occurred(str): a message for the user (media failed to load or play).
      audio_unavailable(str): a message for the user: no audio output could be opened, playback
        goes on without sound.
      rate_changed(float), volume_changed(int), muted_changed(bool).
      jumped(int, int): a seek the user asked for moved from the first position to the second
        (ms); skips and ``jump=False`` seeks (a loop's wrap, history navigation) are not jumps.
    """

    position_changed = Signal(int)
    state_changed = Signal(object)
    length_changed = Signal(int)
    media_loaded = Signal(str)
    error_occurred = Signal(str)
    audio_unavailable = Signal(str)
    rate_changed = Signal(float)
    volume_changed = Signal(int)
    muted_changed = Signal(bool)
    jumped = Signal(int, int)
    _event_arrived = Signal(object)

    def __init__(
        self,
        backend: PlaybackBackend,
        *,
        now_ms: Callable[[], int] = _monotonic_ms,
        timer: QTimer | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``now_ms`` is the wall clock the interpolation uses; ``timer`` drives it while
        playing (default: a precise 10 ms timer; a test may inject one to run it faster or to
        count its ticks)."""
        super().__init__(parent)
        self._backend = backend
        self._clock = MediaClock(now_ms)
        self._state = PlaybackState.IDLE
        self._length_ms = 0
        self._position_ms = 0
        self._media_path: str | None = None
        self._event_arrived.connect(self._on_event, Qt.ConnectionType.QueuedConnection)
        backend.subscribe(self._event_arrived.emit)
        if timer is None:
            timer = QTimer(self)
            timer.setTimerType(Qt.TimerType.PreciseTimer)
            timer.setInterval(TICK_MS)
        self._timer = timer
        self._timer.timeout.connect(self.tick)

    # ----- queries -------------------------------------------------------------------------

    @property
    def backend(self) -> PlaybackBackend:
        """The backend (for tests and the composition root; widgets use the controller)."""
        return self._backend

    @property
    def media_path(self) -> str | None:
        """The loaded media file, or None."""
        return self._media_path

    def state(self) -> PlaybackState:
        """The last state the backend reported (what ``state_changed`` last announced)."""
        return self._state

    def is_playing(self) -> bool:
        """Whether the backend last reported playing."""
        return self._state is PlaybackState.PLAYING

    def is_ticking(self) -> bool:
        """Whether the timer interpolating the position runs (while playing, and for one last
        tick after)."""
        return self._timer.isActive()

    def position_ms(self) -> int:
        """The interpolated position in ms."""
        return self._position_ms

    def length_ms(self) -> int:
        """Media duration in ms, 0 when unknown."""
        return self._length_ms

    def rate(self) -> float:
        """Playback speed."""
        return self._backend.rate()

    def volume(self) -> int:
        """Volume 0..100."""
        return self._backend.volume()

    def is_muted(self) -> bool:
        """Whether audio is muted."""
        return self._backend.is_muted()

    def has_video(self) -> bool:
        """Whether the loaded media has video."""
        return self._media_path is not None and self._backend.has_video()

    # ----- commands ------------------------------------------------------------------------

    def load(self, path: str | Path) -> None:
        """Load media. Raises PlaybackError with a user-facing message when it can't be played."""
        self._timer.stop()
        self._media_path = None
        self._set_length(0)
        try:
            self._backend.load(path)
        except PlaybackError:
            # A refused file leaves the previous one loaded in the backend: stop it, so nothing
            # plays that the user can no longer pause, and show whatever the backend says now.
            # The clock shows no time: not the previous file's, whose position is gone.
            self._backend.stop()
            self._clock.set_playing(False)
            self._clock.seeked(0)
            self._set_position(0)
            self._set_state(self._backend.state())
            raise
        self._media_path = str(path)
        self._clock.seeked(0)
        self._clock.set_playing(False)
        self._set_position(0)
        self._set_state(self._backend.state())
        self._set_length(self._backend.length_ms())
        self.media_loaded.emit(str(path))

    def play(self) -> None:
        """Start or resume playback (from the start if it had ended)."""
        if self._media_path is None:
            return
        if self._backend.state() is PlaybackState.ENDED:
            self.seek(0)
        # The clock starts when the backend says it is playing (see _set_state), not now:
        # libVLC needs a moment to open the output, and a clock started early runs ahead.
        self._backend.play()

    def show_first_frame(self) -> None:
        """Opened paused: show the video's first frame (at the position), still paused, when
        the backend can (libVLC: start-paused)."""
        show = getattr(self._backend, "show_first_frame", None)
        if self._media_path is not None and show is not None:
            show()

    def pause(self) -> None:
        """Pause playback."""
        if self._media_path is None:
            return
        self._backend.pause()
        self._clock.set_playing(False)

    def toggle_play(self) -> None:
        """Play when paused or stopped, pause when playing (as the backend knows it now: a second
        press before the first one's state came back still toggles)."""
        if self._backend.state() is PlaybackState.PLAYING:
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        """Stop and return to the start."""
        if self._media_path is None:
            return
        self._backend.stop()
        self._clock.set_playing(False)
        self._clock.seeked(0)
        self._timer.stop()
        self._set_position(0)

    def seek(self, t_ms: int, *, jump: bool = True) -> None:
        """Jump to ``t_ms`` (clamped to the media); ``jump``: announce it by ``jumped``."""
        if self._media_path is None:
            return
        t_ms = max(0, int(t_ms))
        if self._length_ms > 0:
            t_ms = min(t_ms, self._length_ms)
        from_ms = self._position_ms
        self._backend.seek(t_ms)
        self._clock.seeked(t_ms)
        self._set_position(t_ms)
        if jump:
            self.jumped.emit(from_ms, t_ms)

    def seek_and_play(self, t_ms: int, *, jump: bool = True) -> None:
        """Jump to ``t_ms`` and play (also after the end, or after an error)."""
        if self._media_path is None:
            return
        state = self._backend.state()
        if state in (PlaybackState.ENDED, PlaybackState.ERROR):
            # A backend replays an ended medium from the start, whatever was sought before;
            # stopped, it starts where it was sought to. The states that follow (STOPPED, then
            # PLAYING) come back as events like any other: the controller never sets them.
            self._backend.stop()
        self.seek(t_ms, jump=jump)
        if state is not PlaybackState.PLAYING:
            self._backend.play()

    def skip(self, delta_ms: int) -> None:
        """Move by ``delta_ms`` (negative = back)."""
        self.seek(self._position_ms + delta_ms, jump=False)

    def set_rate(self, rate: float) -> None:
        """Set the speed (clamped to 0.5..2.5, pitch preserved)."""
        rate = round(min(MAX_RATE, max(MIN_RATE, rate)), 2)
        if abs(rate - self._backend.rate()) < 1e-6:
            return
        self._backend.set_rate(rate)
        self._clock.set_rate(rate)
        self.rate_changed.emit(rate)

    def step_rate(self, direction: int) -> None:
        """Go one speed step up (+1) or down (-1)."""
        current = self.rate()
        if direction > 0:
            bigger = [r for r in RATE_STEPS if r > current + 1e-6]
            if bigger:
                self.set_rate(bigger[0])
        else:
            smaller = [r for r in RATE_STEPS if r < current - 1e-6]
            if smaller:
                self.set_rate(smaller[-1])

    def reset_rate(self) -> None:
        """Back to normal speed."""
        self.set_rate(1.0)

    def set_volume(self, volume: int) -> None:
        """Set the volume 0..100."""
        volume = max(0, min(100, int(volume)))
        if volume != self._backend.volume():
            self._backend.set_volume(volume)
            self.volume_changed.emit(volume)

    def set_muted(self, muted: bool) -> None:
        """Mute or unmute."""
        if muted != self._backend.is_muted():
            self._backend.set_muted(muted)
            self.muted_changed.emit(muted)

    def toggle_mute(self) -> None:
        """Flip mute."""
        self.set_muted(not self.is_muted())

    def set_video_window(self, win_id: int | None) -> None:
        """Tell the backend where to draw video."""
        self._backend.set_video_window(win_id)

    def shutdown(self) -> None:
        """Stop the timer and release the backend."""
        self._timer.stop()
        self._backend.release()

    # ----- internals -----------------------------------------------------------------------

    @Slot()
    def tick(self) -> None:
        """Advance the interpolated position (called by the timer while playing)."""
        if self._state is PlaybackState.PLAYING:
            position = self._clock.position_ms()
            if self._length_ms > 0:
                position = min(position, self._length_ms)
            self._set_position(position)
        elif self._state is not PlaybackState.LOADED:
            self._timer.stop()

    @Slot(object)
    def _on_event(self, event: BackendEvent) -> None:
        if isinstance(event, TimeChanged):
            self._clock.report(event.t_ms)
            if self._state is not PlaybackState.PLAYING:
                self._set_position(event.t_ms)
        elif isinstance(event, StateChanged):
            self._set_state(event.state)
        elif isinstance(event, LengthChanged):
            self._set_length(event.length_ms)
        elif isinstance(event, MediaEnded):
            # The backend's StateChanged(ENDED) follows; the position already holds at the end.
            self._clock.set_playing(False)
            if self._length_ms > 0:
                self._clock.seeked(self._length_ms)
                self._set_position(self._length_ms)
        elif isinstance(event, ErrorOccurred):
            # The backend's StateChanged(ERROR) follows.
            self._clock.set_playing(False)
            self.error_occurred.emit(event.message)
        elif isinstance(event, AudioUnavailable):
            self.audio_unavailable.emit(event.message)

    def _set_state(self, state: PlaybackState) -> None:
        """Mirror a state the backend reported (the only way ``_state`` changes)."""
        if state is self._state:
            return
        self._state = state
        playing = state is PlaybackState.PLAYING
        self._clock.set_playing(playing)
        if playing:
            self._timer.start()
        self.state_changed.emit(state)

    def _set_length(self, length_ms: int) -> None:
        if length_ms != self._length_ms:
            self._length_ms = length_ms
            self.length_changed.emit(length_ms)

    def _set_position(self, t_ms: int) -> None:
        if t_ms != self._position_ms:
            self._position_ms = t_ms
            self.position_changed.emit(t_ms)


class CueTracker(QObject):
    """Follows the playback position and tells which cue (and word) is current.

    A Qt shell over :class:`~player.core.timeline.tracker.CurrentCueTracker`, which owns the
    current cue: views are told by these signals and keep no notion of their own.

    Signals (only on change):
      current_cue_changed(int): index of the current cue in the transcript, -1 for none.
      word_changed(int): index into the current cue's word timings of the word being spoken,
        -1 when the cue has none or before its first timing.
      word_range_changed(object): ``(start, end)`` characters of the current cue's text being
        spoken, or None; sent after ``current_cue_changed``/``word_changed`` when it changed,
        and after every new current cue (the views forget the old cue's range then).
    """

    current_cue_changed = Signal(int)
    word_changed = Signal(int)
    word_range_changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tracker = CurrentCueTracker()
        self._word_range: tuple[int, int] | None = None

    @property
    def current(self) -> int:
        """The current cue index, -1 when none."""
        return self._tracker.current

    @property
    def word(self) -> int:
        """The spoken word's index in the current cue's word timings, -1 when none."""
        return self._tracker.word

    @property
    def word_range(self) -> tuple[int, int] | None:
        """Characters of the current cue's text being spoken, or None."""
        return self._word_range

    @property
    def index(self) -> CueIndex | None:
        """The cue index in use."""
        return self._tracker.index

    def set_cues(self, cues: tuple[Cue, ...], index: CueIndex | None = None) -> None:
        """Use these cues (an index can be passed when it was built off the GUI thread)."""
        self._tracker.set_cues(cues, index)
        self.current_cue_changed.emit(-1)
        self._announce_word_range(cue_changed=True)

    @Slot(int)
    def update_position(self, t_ms: int) -> None:
        """Recompute the current cue (and word) for position ``t_ms``."""
        changed = self._tracker.update(t_ms)
        if changed.cue:
            self.current_cue_changed.emit(self._tracker.current)
        if changed.word:
            self.word_changed.emit(self._tracker.word)
        if changed.cue or changed.word:
            self._announce_word_range(cue_changed=changed.cue)

    def _announce_word_range(self, *, cue_changed: bool) -> None:
        """Send the spoken word's range when it changed, and always after a new cue (whose
        listeners forgot the old cue's range, even when the new one has the same)."""
        word_range = self._tracker.word_range()
        if cue_changed or word_range != self._word_range:
            self._word_range = word_range
            self.word_range_changed.emit(word_range)
