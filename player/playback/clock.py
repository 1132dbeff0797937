"""An interpolating media clock fed by libVLC's step-wise time reports.

libVLC's TimeChanged moves in steps (about 250 ms for MP4/MP3/WebM and, with the libavformat
demuxer the backend uses for Ogg, about 260 ms for Ogg/Opus; 1 s with libVLC's own Ogg demuxer).
Measured against the PCM libVLC hands to the audio output (benchmarks/bench_sync_lag.py), a
report ``t`` arriving at wall time ``w`` means the sound at ``t`` is due at ``w`` within a few
ms: libVLC subtracts its own buffering (file caching) before reporting, and plays each buffer at
its pts. So between reports the position is ``t + (now - w) * rate``. The estimate is the upper
envelope of the recent reports projected forward (``max(t_i + (now - w_i) * rate)`` over a short
window): a report delivered late by the GUI thread, or a stale ``get_time()`` poll, falls below
the envelope and is ignored.

After a seek, a start or a resume the clock holds a *guess* (the target, starting to move after
the delay the last restarts took) until the first real report arrives, which replaces it
outright: the guess must not stay in the envelope, or the clock would run ahead by the time
libVLC needs to refill its buffers. The seek target echoed back as a report is not news.

At rates other than 1 libVLC's pitch-preserving time stretcher (scaletempo) delays the sound
behind the reported time by about :data:`TEMPO_LATENCY_MS`; the clock subtracts that too.

The output never runs backwards by small amounts while playing: when the estimate drops a little
(the window forgot an optimistic report, the guess ran ahead, the audio clock runs slow), the
output holds until the estimate catches up. A report more than ``snap_ms`` ahead, or more than
``snap_ms`` plus one 1 s step behind (a seek done elsewhere, a stall), resets the clock at once,
as do :meth:`MediaClock.seeked`, rate changes and pauses.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

MAX_STEP_MS = 1000
"""The coarsest step libVLC reports time in (Ogg with libVLC's own demuxer)."""

TEMPO_LATENCY_MS = 20
"""Wall ms by which libVLC 3.0's scaletempo filter (rates other than 1) delays the sound behind
the time libVLC reports; measured with benchmarks/bench_sync_lag.py at 1.5x, 2x and 2.5x."""

MAX_START_DELAY_MS = 250
"""Upper bound for the learned delay between a seek/start and the sound moving again."""


def monotonic_ms() -> int:
    """Milliseconds from a monotonic clock."""
    return time.monotonic_ns() // 1_000_000


class MediaClock:
    """Interpolated playback position (int ms) between step-wise reports.

    ``now_ms`` is the wall clock (injectable for tests). ``latency_ms`` is subtracted (in wall
    time, scaled by the rate) to account for what the player reports ahead of what is heard,
    and ``tempo_latency_ms`` in addition at rates other than 1; ``window_ms`` is how long a
    report stays in the envelope; ``snap_ms`` the disagreement that resets the clock instead of
    being smoothed.
    """

    def __init__(
        self,
        now_ms: Callable[[], int] = monotonic_ms,
        *,
        latency_ms: int = 0,
        tempo_latency_ms: int = TEMPO_LATENCY_MS,
        window_ms: int = 2500,
        snap_ms: int = 500,
    ) -> None:
        self._now_ms = now_ms
        self.latency_ms = latency_ms
        self.tempo_latency_ms = tempo_latency_ms
        self.window_ms = window_ms
        self.snap_ms = snap_ms
        self._rate = 1.0
        self._playing = False
        self._samples: deque[tuple[int, float]] = deque()  # real reports: (wall ms, media ms)
        # Until the first real report after a (re)start: (wall ms it starts moving, media ms).
        self._guess: tuple[int, float] | None = None
        self._guess_cmd_ms: int | None = None  # when the (re)start was commanded
        self._guess_target_ms = 0.0  # where it was commanded to (echoes of it are no news)
        self._start_delay_ms = 0.0  # learned: how long a (re)start takes to move the sound
        self._frozen_ms = 0.0  # position while not playing
        self._last_out_ms: int | None = None

    # -- inputs ------------------------------------------------------------------------------

    def report(self, t_ms: int) -> None:
        """A raw position report from the player (a TimeChanged event or a get_time() poll)."""
        now = self._now_ms()
        if not self._playing:
            self._frozen_ms = float(t_ms)
            self._last_out_ms = None
            return
        if self._guess is not None:
            self._first_report(now, float(t_ms))
            return
        estimate = self._estimate(now)
        # A report may be up to one step (1 s for Ogg) behind the truth without being wrong.
        behind_ok_ms = self.snap_ms + MAX_STEP_MS
        if estimate is None or t_ms - estimate > self.snap_ms or estimate - t_ms > behind_ok_ms:
            self._samples.clear()
            self._last_out_ms = None
        self._samples.append((now, float(t_ms)))

    def _first_report(self, now: int, t: float) -> None:
        """The first report since the guess: learn the start delay, then trust the report."""
        assert self._guess is not None
        start_wall, guessed_t = self._guess
        target = self._guess_target_ms
        if t <= target:
            return  # the seek target echoed back (or a report from before the seek): no news
        far = abs(t - self._project(start_wall, guessed_t, now)) > self.snap_ms + MAX_STEP_MS
        if far and now - start_wall < 2 * MAX_STEP_MS:
            return  # far from where the seek went: a stale report still in flight
        if self._guess_cmd_ms is not None:
            observed = (now - self._guess_cmd_ms) - (t - target) / self._rate
            if 0 <= observed <= 2 * MAX_START_DELAY_MS:
                learned = 0.5 * self._start_delay_ms + 0.5 * observed
                self._start_delay_ms = min(float(MAX_START_DELAY_MS), learned)
        self._guess = None
        self._samples.clear()
        self._samples.append((now, t))

    def _set_guess(self, now: int, t_ms: float) -> None:
        """Hold ``t_ms`` until the sound is expected to move, then run; a report replaces it."""
        self._guess = (now + round(self._start_delay_ms), t_ms)
        self._guess_cmd_ms = now
        self._guess_target_ms = t_ms

    def seeked(self, t_ms: int) -> None:
        """The position was set to ``t_ms`` (reset; the output may go backwards)."""
        self._samples.clear()
        self._last_out_ms = None
        self._frozen_ms = float(t_ms)
        self._guess = None
        if self._playing:
            self._set_guess(self._now_ms(), float(t_ms))

    def set_rate(self, rate: float) -> None:
        """The playback rate changed; the estimate so far is kept as the new anchor."""
        if rate <= 0:
            raise ValueError("rate must be positive")
        if rate == self._rate:
            return
        now = self._now_ms()
        if self._playing and self._guess is not None:
            start_wall, target = self._guess
            if now > start_wall:  # already moving: continue from here at the new rate
                self._guess = (now, self._project(start_wall, target, now))
            self._guess_cmd_ms = None  # the start delay can't be measured across a rate change
            self._rate = float(rate)
            return
        estimate = self._estimate(now)
        self._rate = float(rate)
        if self._playing and estimate is not None:
            self._samples.clear()
            self._samples.append((now, estimate))

    def set_playing(self, playing: bool) -> None:
        """Playback started (True) or paused/stopped (False): freeze or restart the clock."""
        if playing == self._playing:
            return
        now = self._now_ms()
        if playing:
            self._playing = True
            self._samples.clear()
            self._set_guess(now, self._frozen_ms)
        else:
            estimate = self._estimate(now)
            if estimate is not None:
                self._frozen_ms = max(estimate, float(self._last_out_ms or 0))
            self._playing = False
            self._samples.clear()
            self._guess = None
        self._last_out_ms = None

    # -- output ------------------------------------------------------------------------------

    @property
    def rate(self) -> float:
        """The playback rate the clock assumes."""
        return self._rate

    @property
    def playing(self) -> bool:
        """Whether the clock is running."""
        return self._playing

    @property
    def start_delay_ms(self) -> int:
        """The learned delay between a seek/start and the sound moving (wall ms)."""
        return round(self._start_delay_ms)

    def position_ms(self) -> int:
        """The interpolated position now (never negative)."""
        if not self._playing:
            return max(0, round(self._frozen_ms))
        now = self._now_ms()
        estimate = self._estimate(now)
        if estimate is None:
            return max(0, round(self._frozen_ms))
        latency_ms = self.latency_ms + (self.tempo_latency_ms if self._rate != 1.0 else 0)
        out = max(0, round(estimate - latency_ms * self._rate))
        if self._guess is not None:
            # Straight after a seek or start the sound is still at the target: the output
            # latency delays what comes next, it does not move the target back.
            out = max(out, round(self._guess[1]))
        if self._last_out_ms is not None and out < self._last_out_ms:
            out = self._last_out_ms  # hold instead of stepping back; it catches up
        self._last_out_ms = out
        return out

    def _project(self, wall: float, t: float, now: int) -> float:
        """Media ms at ``now`` of a position ``t`` that starts moving at ``wall``."""
        return t + max(0.0, now - wall) * self._rate

    def _estimate(self, now: int) -> float | None:
        """Upper envelope of recent reports projected to ``now`` (media ms), None if none."""
        if self._guess is not None:
            start_wall, target = self._guess
            return self._project(start_wall, target, now)
        samples = self._samples
        while len(samples) > 1 and now - samples[0][0] > self.window_ms:
            samples.popleft()
        if not samples:
            return None
        rate = self._rate
        return max(t + (now - w) * rate for w, t in samples)
