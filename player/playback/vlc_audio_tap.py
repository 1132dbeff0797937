"""A measurement hook on the libVLC adapter: decoded audio handed to Python instead of a device.

``VlcBackend.set_audio_tap`` installs it (``benchmarks/bench_sync_lag.py`` measures what is
heard against what is highlighted). libVLC then delivers signed 16-bit mono PCM at
:data:`AUDIO_TAP_RATE_HZ`, each buffer with the time it is due to be heard (``pts_us``; libVLC
hands buffers over up to ~2 s early, so the pts, not the call, is "when it plays"). Both
callbacks run on libVLC threads and must only record what they get.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

AUDIO_TAP_RATE_HZ = 48_000
"""Sample rate of the PCM handed to an audio tap (signed 16-bit, native endian, mono)."""

AudioTapBuffer = Callable[[bytes, int], None]
"""``(pcm, pts_us)``: a PCM buffer and when it is due to be heard (``time.monotonic_ns() // 1000``
clock: libVLC's clock is the same monotonic clock on Linux)."""

AudioTapFlush = Callable[[], None]
"""Buffered audio was discarded (a seek or a stop): the next buffer starts a new stretch."""


def install_audio_tap(
    vlc: Any, player: Any, on_buffer: AudioTapBuffer, on_flush: AudioTapFlush
) -> tuple[Any, ...]:
    """Have libVLC's ``player`` hand its audio to ``on_buffer``/``on_flush``; returns the
    ctypes callbacks, which the caller keeps alive while they are installed."""
    decorators = vlc.CallbackDecorators

    @decorators.AudioPlayCb  # type: ignore[untyped-decorator]
    def play(_opaque: Any, samples: Any, count: int, pts: int) -> None:
        on_buffer(ctypes.string_at(samples, count * 2), int(pts))

    @decorators.AudioPauseCb  # type: ignore[untyped-decorator]
    def pause(_opaque: Any, _pts: int) -> None:
        return None

    @decorators.AudioResumeCb  # type: ignore[untyped-decorator]
    def resume(_opaque: Any, _pts: int) -> None:
        return None

    @decorators.AudioFlushCb  # type: ignore[untyped-decorator]
    def flush(_opaque: Any, _pts: int) -> None:
        on_flush()

    @decorators.AudioDrainCb  # type: ignore[untyped-decorator]
    def drain(_opaque: Any) -> None:
        return None

    player.audio_set_callbacks(play, pause, resume, flush, drain, None)
    player.audio_set_format("S16N", AUDIO_TAP_RATE_HZ, 1)
    return (play, pause, resume, flush, drain)
