"""The libVLC adapter (python-vlc is loaded by :mod:`player.playback.vlc_binding`, the only
module that imports ``vlc``).

libVLC facts this module relies on (libVLC 3.0.x, see ARCHITECTURE.md):

- event callbacks run on libVLC threads; calling libVLC from inside one can deadlock, so the
  callbacks here only update a few fields under a lock and forward events to listeners;
- a garbage file named ``.mp3`` "plays" with length 0: :meth:`VlcBackend.load` parses it locally
  (bounded wait) and refuses media without an audio or video track; random bytes with an "audio
  track" and no duration end at once with nothing timed decoded: that end is an error (a real
  clip of unknown length shows buffering progress, or a time, before its end: _on_buffering);
- ``get_state()`` never reports Error; the ``EncounteredError`` event does;
- after ``EndReached`` libVLC also sends ``Stopped``; the player must be stopped (from our own
  thread, lazily on the next call) before it can play again;
- libVLC's own demuxers get the timing wrong in two measured ways (benchmarks/bench_sync_lag.py,
  against the PCM handed to the audio output): the Ogg one reports time in 1 s steps and puts
  Ogg/Opus audio about 76 ms early on its timeline (the highlight lagged the sound by that much),
  and after a seek at 2x the MP4 one drops about 1.4 s of audio (the first sentence after the
  seek is never heard). libavformat's demuxer reports every 260..320 ms, agrees with the PCM
  within a few ms and seeks cleanly, so Ogg and MP4-family files get ``:demux=avformat,any``
  (``any``: fall back to libVLC's choice if the plugin is missing).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from player.playback.base import (
    MAX_RATE,
    MIN_RATE,
    AudioUnavailable,
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
from player.playback.vlc_binding import import_vlc, instance_args
from player.playback.vlc_log import NO_SOUND, MessageLog, silence_alsa

if TYPE_CHECKING:
    from player.playback.vlc_audio_tap import AudioTapBuffer, AudioTapFlush

PARSE_TIMEOUT_MS = 2000
"""Upper bound for the local parse done by :meth:`VlcBackend.load`."""

AVFORMAT_SUFFIXES = frozenset(
    {".ogg", ".oga", ".ogv", ".ogx", ".opus", ".spx", ".mp4", ".m4a", ".m4v", ".mov"}
)
"""File name suffixes demuxed with libavformat (see the module docstring)."""


def _file_key(path: Path) -> tuple[str, int, int]:
    """What must not change between :meth:`VlcBackend.prepare` and :meth:`VlcBackend.load`."""
    st = path.stat()
    return (str(path.resolve()), st.st_size, st.st_mtime_ns)


class _Opened:
    """A parsed ``Media`` that is known to have an audio or video track."""

    __slots__ = ("duration_ms", "has_video", "key", "media")

    def __init__(
        self, media: Any, key: tuple[str, int, int], has_video: bool, duration_ms: int
    ) -> None:
        self.media = media
        self.key = key
        self.has_video = has_video
        self.duration_ms = duration_ms


class VlcBackend(PlaybackBackend):
    """:class:`~player.playback.base.PlaybackBackend` on top of one libVLC instance and player.

    One ``MediaPlayer`` is reused for every loaded file; the previous ``Media`` is released when a
    new one is loaded. Listeners are called on libVLC threads.
    """

    def __init__(
        self,
        *,
        extra_args: Sequence[str] = (),
        audio_output: str | None = None,
        video: bool = True,
    ) -> None:
        vlc = import_vlc()
        self._vlc = vlc
        silence_alsa()  # before libVLC's ALSA output can print on the terminal
        instance = vlc.Instance(instance_args(extra_args, audio_output, video))
        if instance is None:
            raise PlaybackError("libVLC could not start (invalid options or missing plugins)")
        self._instance: Any = instance
        self._player: Any = instance.media_player_new()
        told = partial(self._emit, AudioUnavailable(NO_SOUND))
        self._messages = MessageLog(vlc, instance, self._player, told)
        self._media: Any = None
        self._path: Path | None = None
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []
        self._state = PlaybackState.IDLE
        self._has_video = False
        self._length_ms = 0
        self._pending_seek_ms: int | None = None  # seek asked for before playback started
        self._media_has_start = self._prerolling = False  # Media with :start-time; opening paused
        self._needs_stop = False  # set by EndReached/EncounteredError; acted on lazily
        self._decoded = False  # libVLC showed timed data since the load (see _on_buffering)
        self._rate = 1.0
        self._volume = 100
        self._muted = False
        self._released = False
        self._attached: list[Any] = []
        self._audio_tap: tuple[Any, ...] = ()  # ctypes callbacks, kept alive while installed
        # What prepare() found (parsed media or the error), taken by load(); _idle is clear
        # while a prepare() is running, so load() and release() wait for it.
        self._prepared: tuple[tuple[str, int, int], _Opened | PlaybackError] | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._attach_events()

    # -- events (libVLC threads) -------------------------------------------------------------

    def _attach_events(self) -> None:
        et = self._vlc.EventType
        handlers: dict[Any, Callable[[Any], None]] = {
            et.MediaPlayerTimeChanged: self._on_time,
            et.MediaPlayerLengthChanged: self._on_length,
            et.MediaPlayerPlaying: self._on_playing,
            et.MediaPlayerPaused: self._on_paused,
            et.MediaPlayerStopped: self._on_stopped,
            et.MediaPlayerEndReached: self._on_end,
            et.MediaPlayerEncounteredError: self._on_error,
        }
        manager = self._player.event_manager()
        for event_type, handler in handlers.items():
            manager.event_attach(event_type, handler)
            self._attached.append(event_type)

    def _detach_events(self) -> None:
        manager = self._player.event_manager()
        for event_type in self._attached:
            manager.event_detach(event_type)
        self._attached.clear()

    def _emit(self, event: BackendEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(event)

    def _set_state(
        self, state: PlaybackState, *, only_from: tuple[PlaybackState, ...] = ()
    ) -> None:
        with self._lock:
            if only_from and self._state not in only_from:
                return
            if self._state is state:
                return
            self._state = state
        self._emit(StateChanged(state))

    def _on_time(self, event: Any) -> None:
        t_ms = max(0, int(event.u.new_time))
        with self._lock:
            self._pending_seek_ms = None  # libVLC knows where it is now
            self._decoded = self._decoded or t_ms > 0
        self._emit(TimeChanged(t_ms))

    def _on_length(self, event: Any) -> None:
        length_ms = max(0, int(event.u.new_length))
        with self._lock:
            changed = length_ms > 0 and length_ms != self._length_ms
            if changed:
                self._length_ms = length_ms
        if changed:
            self._emit(LengthChanged(length_ms))

    def _on_buffering(self, event: Any) -> None:
        # Attached for media of unknown duration only (46 events to start a short clip).
        if 0 < event.u.new_cache < 100:  # random bytes jump from 0 to 100 %, or stay at 0
            with self._lock:
                self._decoded = True

    def _watch_buffering(self, on: bool) -> None:
        kind = self._vlc.EventType.MediaPlayerBuffering
        if on != (kind in self._attached):
            manager = self._player.event_manager()
            if on:
                manager.event_attach(kind, self._on_buffering)
                self._attached.append(kind)
            else:
                manager.event_detach(kind)
                self._attached.remove(kind)

    def _on_playing(self, _event: Any) -> None:
        self._set_state(PlaybackState.PLAYING)

    def _on_paused(self, _event: Any) -> None:
        self._set_state(PlaybackState.PAUSED)

    def _on_stopped(self, _event: Any) -> None:
        # libVLC follows EndReached/EncounteredError with Stopped: keep ENDED/ERROR visible.
        self._set_state(
            PlaybackState.STOPPED, only_from=(PlaybackState.PLAYING, PlaybackState.PAUSED)
        )

    def _on_end(self, _event: Any) -> None:
        with self._lock:
            self._needs_stop = True
            undecodable = not self._decoded and self._length_ms == 0
        if undecodable:
            self._fail("could not play: no audio or video could be decoded (not a media file?)")
            return
        self._emit(MediaEnded())
        self._set_state(PlaybackState.ENDED)

    def _on_error(self, _event: Any) -> None:
        with self._lock:
            self._needs_stop = True
        self._fail("libVLC could not play this file")

    def _fail(self, reason: str) -> None:
        with self._lock:
            name = self._path.name if self._path is not None else "media"
        self._emit(ErrorOccurred(f"{name}: {reason}"))
        self._set_state(PlaybackState.ERROR)

    # -- helpers (caller's thread) -------------------------------------------------------------

    def _check_alive(self) -> None:
        if self._released:
            raise RuntimeError("VlcBackend used after release()")

    def _stop_if_needed(self) -> None:
        """After EndReached/EncounteredError libVLC must be stopped before it plays again."""
        with self._lock:
            needs_stop, self._needs_stop = self._needs_stop, False
        if needs_stop:
            self._player.stop()

    def _parse(self, media: Any, path: Path) -> list[Any]:
        vlc = self._vlc
        # Woken by libVLC's "parsed" event rather than polling: a polling thread takes the GIL
        # from the GUI thread every few ms while the window is being built.
        parsed = threading.Event()
        # Not media.event_manager(): python-vlc keeps what that returns for ever (one entry per
        # file opened); this one lives until the detach below.
        events = vlc.libvlc_media_event_manager(media)
        events.event_attach(vlc.EventType.MediaParsedChanged, lambda _event: parsed.set())
        try:
            media.parse_with_options(vlc.MediaParseFlag.local, PARSE_TIMEOUT_MS)
            deadline = time.monotonic() + PARSE_TIMEOUT_MS / 1000 + 0.2
            status = media.get_parsed_status()
            while not status and time.monotonic() < deadline:
                # The event may come before this wait or (on some libVLC versions) not at all
                # for a failure: wait in short slices and look at the status again.
                parsed.wait(0.05)
                parsed.clear()
                status = media.get_parsed_status()
        finally:
            events.event_detach(vlc.EventType.MediaParsedChanged)
        if status == vlc.MediaParsedStatus.timeout or not status:
            raise PlaybackError(f"{path}: timed out reading the media file")
        if status == vlc.MediaParsedStatus.failed:
            raise PlaybackError(f"{path}: not a media file libVLC can read")
        return list(media.tracks_get() or [])

    def _new_media(self, path: Path) -> Any:
        media = self._instance.media_new_path(str(path))
        if media is not None and path.suffix.lower() in AVFORMAT_SUFFIXES:
            media.add_option(":demux=avformat,any")
        return media

    def _swap_media(self, start_ms: int) -> None:
        assert self._path is not None
        media = self._new_media(self._path)
        if start_ms:
            media.add_option(f":start-time={start_ms / 1000:.3f}")
        self._player.set_media(media)
        old, self._media = self._media, media
        old.release()
        self._media_has_start = bool(start_ms)

    # -- PlaybackBackend -----------------------------------------------------------------------

    def watch_messages(self) -> None:
        """Route libVLC's messages to the log and watch for a missing audio output (which
        sends :class:`AudioUnavailable`); after start-up, see ``player.playback.vlc_log``."""
        self._messages.start()

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(event)`` for every event from now on (on libVLC threads)."""
        with self._lock:
            self._listeners.append(listener)

    def _open(self, path: Path) -> _Opened:
        """Check and parse ``path`` (any thread); PlaybackError when it can't be played."""
        if not path.exists():
            raise PlaybackError(f"{path}: file not found")
        if not path.is_file():
            raise PlaybackError(f"{path}: not a file")
        try:
            key = _file_key(path)
        except OSError as exc:
            raise PlaybackError(f"{path}: cannot read the file ({exc.strerror})") from None
        if key[1] == 0:
            raise PlaybackError(f"{path}: the file is empty")
        media = self._new_media(path)
        if media is None:
            raise PlaybackError(f"{path}: libVLC could not open the file")
        try:
            tracks = self._parse(media, path)
        except PlaybackError:
            media.release()
            raise
        track_type = self._vlc.TrackType
        has_audio = any(t.type == track_type.audio for t in tracks)
        has_video = any(t.type == track_type.video for t in tracks)
        if not has_audio and not has_video:
            media.release()
            raise PlaybackError(f"{path}: no audio or video track (not a media file?)")
        return _Opened(media, key, has_video, max(0, int(media.get_duration())))

    def _take_prepared(self, path: Path) -> _Opened | None:
        """What prepare() made of ``path``, if the file has not changed since: its parsed
        media, or (raised) its error; None when there is nothing for this file."""
        self._idle.wait(PARSE_TIMEOUT_MS / 1000 + 1.0)  # a prepare() still running
        with self._lock:
            prepared, self._prepared = self._prepared, None
        if prepared is None:
            return None
        key, result = prepared
        try:
            same = key == _file_key(path)
        except OSError:
            same = False
        if same and isinstance(result, PlaybackError):
            raise result
        if same:
            assert isinstance(result, _Opened)
            return result
        if isinstance(result, _Opened):
            result.media.release()
        return None

    def prepare(self, path: str | Path) -> None:
        """Parse ``path`` ahead of a :meth:`load` of the same file, which then only has to
        hand it to the player (or report the error found here without reading the file again).
        Meant for start-up, on the thread that created the backend, while the window is built;
        one prepare() at a time. :meth:`load` and :meth:`release` wait for a prepare() that is
        still running; after release() it does nothing."""
        path = Path(path)
        with self._lock:
            if self._released:
                return
            self._idle.clear()
        try:
            try:
                key = _file_key(path)
            except OSError:
                return  # missing or unreadable: load() says so at once
            result: _Opened | PlaybackError
            try:
                result = self._open(path)
            except PlaybackError as err:
                result = err
            with self._lock:
                old, self._prepared = self._prepared, (key, result)
            if old is not None and isinstance(old[1], _Opened):
                old[1].media.release()
        finally:
            self._idle.set()

    def load(self, path: str | Path) -> None:
        """Load media, replacing the current one; PlaybackError within ~2 s when unplayable."""
        self._check_alive()
        path = Path(path)
        opened = self._take_prepared(path) or self._open(path)
        media, has_video, duration_ms = opened.media, opened.has_video, opened.duration_ms

        # Replace the old media: stop the player first (from this thread, never a callback).
        self._player.stop()
        with self._lock:
            self._needs_stop = False
        self._player.set_media(media)
        old, self._media = self._media, media
        if old is not None:
            old.release()
        with self._lock:
            self._path = path
            self._has_video = has_video
            self._length_ms = duration_ms
            self._pending_seek_ms = None
            self._decoded = False
            self._state = PlaybackState.LOADED
        self._watch_buffering(duration_ms == 0)
        self._media_has_start = self._prerolling = False
        self._emit(StateChanged(PlaybackState.LOADED))
        if duration_ms > 0:
            self._emit(LengthChanged(duration_ms))

    def play(self) -> None:
        """Start or resume playback (replays from the start after the end)."""
        self._check_alive()
        if self._media is None:
            raise PlaybackError("nothing loaded")
        state, prerolling, self._prerolling = self.state(), self._prerolling, False
        if state is PlaybackState.PAUSED:
            self._player.set_pause(0)
            return
        if state is PlaybackState.PLAYING and not prerolling:
            return
        if prerolling:  # still opening paused (show_first_frame): start again, playing
            self._player.stop()
        self._stop_if_needed()
        with self._lock:
            # Kept until libVLC's first time report: until then the position is the start.
            start_ms = self._pending_seek_ms
        if start_ms or self._media_has_start:
            # The input does not exist before play(), so set_time() now would be ignored: start
            # a fresh Media (already checked by load) with a start-time option instead.
            self._swap_media(start_ms or 0)
        if self._player.play() == -1:
            raise PlaybackError(f"{self._path}: libVLC could not start playback")
        self._player.set_rate(self._rate)
        self._apply_audio()

    def show_first_frame(self) -> None:
        """Opened paused, show the video's frame at the start, silent: call once LOADED (libVLC's
        start-paused; a play() before the frame starts afresh), then once PAUSED (draws it)."""
        state = self.state()
        if self._prerolling and state is PlaybackState.PAUSED:
            self._player.next_frame()  # start-paused stops before a picture is drawn
        if self._media is None or not self.has_video() or state is not PlaybackState.LOADED:
            return
        self._swap_media(self._pending_seek_ms or 0)
        self._media.add_option(":start-paused")
        self._media_has_start = self._prerolling = True  # a later play() from a stop: fresh Media
        self._player.play()

    def pause(self) -> None:
        """Pause (no-op unless playing)."""
        self._check_alive()
        if self.state() is PlaybackState.PLAYING:
            self._player.set_pause(1)

    def stop(self) -> None:
        """Stop playback; the position returns to 0."""
        self._check_alive()
        with self._lock:
            self._needs_stop = False
            self._pending_seek_ms = None
        self._player.stop()
        if self._media is not None:
            self._set_state(PlaybackState.STOPPED)

    def seek(self, t_ms: int) -> None:
        """Jump to ``t_ms`` (clamped to the media), playing or paused."""
        self._check_alive()
        length_ms = self.length_ms()
        t_ms = max(0, int(t_ms))
        if length_ms > 0:
            t_ms = min(t_ms, length_ms)
        state = self.state()
        if state in (PlaybackState.PLAYING, PlaybackState.PAUSED):
            with self._lock:
                self._pending_seek_ms = None
            self._player.set_time(t_ms)
        else:
            with self._lock:
                self._pending_seek_ms = t_ms
        self._emit(TimeChanged(t_ms))

    def time_ms(self) -> int:
        """The position libVLC last reported (step-wise), or the pending seek target."""
        self._check_alive()
        with self._lock:
            pending = self._pending_seek_ms
            state = self._state
        if pending is not None:
            return pending
        if state in (PlaybackState.PLAYING, PlaybackState.PAUSED):
            return max(0, int(self._player.get_time()))
        if state is PlaybackState.ENDED:
            return self._length_ms
        return 0

    def length_ms(self) -> int:
        """Duration of the loaded media, 0 when unknown."""
        with self._lock:
            return self._length_ms

    def state(self) -> PlaybackState:
        """Current state (tracked from libVLC's events: get_state() never reports errors)."""
        with self._lock:
            return self._state

    def set_rate(self, rate: float) -> None:
        """Playback speed MIN_RATE..MAX_RATE (ValueError otherwise); pitch is preserved."""
        if not MIN_RATE <= rate <= MAX_RATE:
            raise ValueError(f"rate {rate} outside {MIN_RATE}..{MAX_RATE}")
        self._set_test_rate(rate)

    def _set_test_rate(self, rate: float) -> None:
        """Tests only: any rate libVLC honours (up to 32x), to reach the end quickly."""
        self._check_alive()
        self._rate = float(rate)
        self._player.set_rate(self._rate)

    def rate(self) -> float:
        """Current playback speed."""
        return self._rate

    def _apply_audio(self) -> None:
        # Without an audio output yet libVLC may refuse; play() re-applies.
        self._player.audio_set_volume(self._volume)
        self._player.audio_set_mute(self._muted)

    def set_volume(self, volume: int) -> None:
        """Volume 0..100 (clamped)."""
        self._check_alive()
        self._volume = max(0, min(100, int(volume)))
        self._apply_audio()

    def volume(self) -> int:
        """Current volume 0..100."""
        return self._volume

    def set_muted(self, muted: bool) -> None:
        """Mute or unmute without changing the volume."""
        self._check_alive()
        self._muted = bool(muted)
        self._apply_audio()

    def is_muted(self) -> bool:
        """Whether audio is muted."""
        return self._muted

    def has_video(self) -> bool:
        """Whether the loaded media has a video track (from the local parse)."""
        with self._lock:
            return self._has_video

    def set_video_window(self, win_id: int | None) -> None:
        """Draw video into this native window (X11 window / HWND / NSView), or detach (None).

        Only call this on a real windowing platform: with no usable window libVLC falls back to
        the ``caca`` output and may crash the process.
        """
        self._check_alive()
        handle = 0 if win_id is None else int(win_id)
        if sys.platform.startswith("win"):
            self._player.set_hwnd(handle or None)
        elif sys.platform == "darwin":
            self._player.set_nsobject(handle or None)
        else:
            self._player.set_xwindow(handle)

    def set_audio_tap(self, on_buffer: AudioTapBuffer, on_flush: AudioTapFlush) -> None:
        """Measurement hook: hand decoded audio to ``on_buffer`` instead of a sound device
        (call before :meth:`play`; see ``player.playback.vlc_audio_tap``)."""
        from player.playback.vlc_audio_tap import install_audio_tap  # a measurement hook

        self._check_alive()
        self._audio_tap = install_audio_tap(self._vlc, self._player, on_buffer, on_flush)

    def release(self) -> None:
        """Detach callbacks, then free the player, the media and the instance (idempotent)."""
        with self._lock:  # so that a prepare() either sees this or is waited for below
            if self._released:
                return
            self._released = True
        self._detach_events()
        self._messages.stop()
        with self._lock:
            self._listeners.clear()
        self._player.stop()
        self._player.release()
        if self._media is not None:
            self._media.release()
            self._media = None
        self._idle.wait(PARSE_TIMEOUT_MS / 1000 + 1.0)  # never free libVLC under a prepare()
        prepared, self._prepared = self._prepared, None
        if prepared is not None and isinstance(prepared[1], _Opened):
            prepared[1].media.release()
        self._instance.release()
