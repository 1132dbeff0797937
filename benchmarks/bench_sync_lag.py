"""Sync lag (issue 4): how long after a sentence's audio plays does the highlight change?

Real libVLC (VlcBackend, headless: no video output), the sample briefing (Opus and MP4), at 1x and
2x, from the start and after seeks. libVLC's audio callbacks receive every PCM buffer with its
presentation time (``pts``, libVLC clock in us); the wall time a sentence's first sound is played
is ``callback wall time + (pts - libvlc_clock())`` plus the onset's offset inside the buffer. The
onsets are found in the PCM itself (sound after >= 200 ms of silence) and matched to the sample's
measured onsets (resources/sample/briefing.timing.json), so seeks need no bookkeeping.

A "GUI" thread ticks every 10 ms like a Qt timer: TimeChanged events are queued to it (as a queued
signal would) and fed to a MediaClock; the highlight changes at the first tick where the clock
reaches the onset. The baseline is naive polling of ``get_time()`` at the same ticks.

Prints p50/p95/max of |lag| in ms for both, and the ratio baseline/clock.

    .venv/bin/python benchmarks/bench_sync_lag.py [--quick]
"""

from __future__ import annotations

import array
import ctypes
import json
import queue
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import vlc  # noqa: E402  (benchmark drives libVLC's audio callbacks directly)

from player.playback.base import BackendEvent, PlaybackState, TimeChanged  # noqa: E402
from player.playback.clock import MediaClock  # noqa: E402
from player.playback.vlc_backend import VlcBackend  # noqa: E402

SAMPLE = REPO / "resources" / "sample"
RATE_HZ = 48_000
WINDOW = 240  # 5 ms analysis windows
SILENCE_LEVEL = 300  # |sample| below this (about -40 dBFS) counts as silence
MIN_GAP_WINDOWS = 40  # 200 ms of silence before an onset
TICK_S = 0.010
MATCH_MS = 400


def _now_f() -> float:
    return time.monotonic_ns() / 1e6


@dataclass
class Probe:
    """Collects audible onsets (wall ms) from the audio callbacks."""

    onsets_wall: list[float] = field(default_factory=list)
    quiet_windows: int = 10**6
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.quiet_windows = 10**6  # a seek starts "after silence"

    def feed(self, samples: array.array[int], audible_wall_ms: float) -> None:
        for start in range(0, len(samples), WINDOW):
            chunk = samples[start : start + WINDOW]
            loud = max(chunk, default=0) > SILENCE_LEVEL or -min(chunk, default=0) > SILENCE_LEVEL
            if not loud:
                self.quiet_windows += 1
                continue
            if self.quiet_windows >= MIN_GAP_WINDOWS:
                k = next(i for i, v in enumerate(chunk) if abs(v) > SILENCE_LEVEL)
                with self.lock:
                    self.onsets_wall.append(audible_wall_ms + (start + k) * 1000 / RATE_HZ)
            self.quiet_windows = 0


def attach_probe(player: object, probe: Probe) -> list[object]:
    """Install libVLC audio callbacks (mono S16N at 48 kHz) that feed ``probe``."""

    @vlc.CallbackDecorators.AudioPlayCb
    def play(_opaque, samples, count, pts):  # type: ignore[no-untyped-def]
        wall = _now_f()
        ahead_ms = (pts - vlc.libvlc_clock()) / 1000
        buf = array.array("h")
        buf.frombytes(ctypes.string_at(samples, count * 2))
        probe.feed(buf, wall + ahead_ms)

    @vlc.CallbackDecorators.AudioPauseCb
    def pause(_opaque, _pts):  # type: ignore[no-untyped-def]
        return None

    @vlc.CallbackDecorators.AudioResumeCb
    def resume(_opaque, _pts):  # type: ignore[no-untyped-def]
        return None

    @vlc.CallbackDecorators.AudioFlushCb
    def flush(_opaque, _pts):  # type: ignore[no-untyped-def]
        probe.reset()

    @vlc.CallbackDecorators.AudioDrainCb
    def drain(_opaque):  # type: ignore[no-untyped-def]
        return None

    player.audio_set_callbacks(play, pause, resume, flush, drain, None)  # type: ignore[attr-defined]
    player.audio_set_format("S16N", RATE_HZ, 1)  # type: ignore[attr-defined]
    return [play, pause, resume, flush, drain]  # keep the ctypes callbacks alive


@dataclass
class Segment:
    """One run: highlight times (wall ms) at which each onset (media ms) was reached."""

    clock_hits: dict[int, float] = field(default_factory=dict)
    naive_hits: dict[int, float] = field(default_factory=dict)
    clock_at: list[tuple[float, int]] = field(default_factory=list)  # (wall, clock position)


def run_segment(
    backend: VlcBackend,
    probe: Probe,
    onsets_ms: list[int],
    start_ms: int,
    rate: float,
    duration_s: float,
    latency_ms: int,
) -> tuple[Segment, list[float]]:
    events: queue.SimpleQueue[BackendEvent] = queue.SimpleQueue()
    backend._listeners = [events.put]  # only this segment's listener
    clock = MediaClock(latency_ms=latency_ms)
    clock.set_rate(rate)
    backend.set_rate(rate)
    seg = Segment()
    with probe.lock:
        first = len(probe.onsets_wall)
    if backend.state() is PlaybackState.PLAYING:
        backend.seek(start_ms)
        probe.reset()
        clock.seeked(start_ms)
    else:
        backend.seek(start_ms)
        clock.seeked(start_ms)
        backend.play()
        clock.set_playing(True)
    end = time.monotonic() + duration_s
    pending_clock = [o for o in onsets_ms if o > start_ms]
    pending_naive = list(pending_clock)
    while time.monotonic() < end:
        while True:
            try:
                ev = events.get_nowait()
            except queue.Empty:
                break
            if isinstance(ev, TimeChanged):
                clock.report(ev.t_ms)
        wall = _now_f()
        pos = clock.position_ms()
        raw = backend.time_ms()
        seg.clock_at.append((wall, pos))
        while pending_clock and pos >= pending_clock[0]:
            seg.clock_hits[pending_clock.pop(0)] = wall
        while pending_naive and raw >= pending_naive[0]:
            seg.naive_hits[pending_naive.pop(0)] = wall
        time.sleep(TICK_S)
    with probe.lock:
        heard = probe.onsets_wall[first:]
    return seg, heard


def match(
    seg: Segment, heard: list[float], onsets_ms: list[int]
) -> tuple[list[float], list[float]]:
    """Signed lags (highlight - audible) for the clock and the naive poll."""
    clock_lags: list[float] = []
    naive_lags: list[float] = []
    for wall in heard:
        # Which sentence is this? The clock's position then, matched to the nearest onset.
        pos = min(seg.clock_at, key=lambda wp: abs(wp[0] - wall))[1]
        onset = min(onsets_ms, key=lambda o: abs(o - pos))
        if abs(onset - pos) > MATCH_MS * 2:
            continue
        if onset in seg.clock_hits:
            clock_lags.append(seg.clock_hits[onset] - wall)
        if onset in seg.naive_hits:
            naive_lags.append(seg.naive_hits[onset] - wall)
    return clock_lags, naive_lags


def summary(lags: list[float]) -> str:
    if not lags:
        return "no samples"
    a = sorted(abs(x) for x in lags)
    p95 = a[min(len(a) - 1, round(0.95 * (len(a) - 1)))]
    return (
        f"n={len(a):3d} p50={statistics.median(a):6.1f} p95={p95:6.1f} max={a[-1]:6.1f} "
        f"mean(signed)={statistics.fmean(lags):+6.1f}"
    )


def p95(lags: list[float]) -> float:
    a = sorted(abs(x) for x in lags)
    return a[min(len(a) - 1, round(0.95 * (len(a) - 1)))] if a else float("nan")


def main() -> int:
    quick = "--quick" in sys.argv
    latency_ms = 0
    for arg in sys.argv[1:]:
        if arg.startswith("--latency="):
            latency_ms = int(arg.split("=", 1)[1])
    timing = json.loads((SAMPLE / "briefing.timing.json").read_text())
    onsets_ms = [int(s["onset_ms"]) for s in timing["sentences"]]
    seek_targets = [o - 1200 for o in onsets_ms[2::3]]
    if quick:
        seek_targets = seek_targets[:3]
    all_clock: list[float] = []
    all_naive: list[float] = []
    print(f"sync lag, |highlight - audible| in ms; clock latency_ms={latency_ms}")
    for name in ("briefing.opus", "briefing.mp4"):
        for rate in (1.0, 2.0):
            backend = VlcBackend(video=False)
            probe = Probe()
            keep = attach_probe(backend._player, probe)
            backend.load(SAMPLE / name)
            clock_lags: list[float] = []
            naive_lags: list[float] = []
            # From the start, then seeks while playing.
            seg, heard = run_segment(
                backend, probe, onsets_ms, 0, rate, (6 if quick else 15) / rate, latency_ms
            )
            c, n = match(seg, heard, onsets_ms)
            clock_lags += c
            naive_lags += n
            for target in seek_targets:
                seg, heard = run_segment(
                    backend, probe, onsets_ms, target, rate, 3.5 / rate + 0.6, latency_ms
                )
                c, n = match(seg, heard, onsets_ms)
                clock_lags += c
                naive_lags += n
            backend.release()
            del keep
            print(f"  {name:14s} {rate:.0f}x clock: {summary(clock_lags)}")
            print(f"  {'':14s}    naive: {summary(naive_lags)}")
            all_clock += clock_lags
            all_naive += naive_lags
    print(f"ALL clock: {summary(all_clock)}")
    print(f"ALL naive: {summary(all_naive)}")
    ratio = p95(all_naive) / p95(all_clock) if all_clock else float("nan")
    print(f"p95 naive/clock ratio: {ratio:.1f}x (target clock p95 <= 40 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
