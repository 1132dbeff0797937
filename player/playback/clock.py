"""An interpolating media clock fed by libVLC's step-wise time reports.

libVLC's ``get_time()`` / TimeChanged moves in steps (about 250 ms for MP4/MP3/WebM, about 1 s for
Ogg/Opus): a report ``t`` received at wall time ``w`` says the position was *at least* ``t``
then, and the true position is ``t`` plus up to one step. So the best estimate of "now" is the
upper envelope of the recent reports projected forward at the playback rate:
``max(t_i + (now - w_i) * rate)`` over a short window. Reports that arrive just as the time steps
are almost exact, and the envelope keeps them; stale reports (early in their step) are ignored.

The clock's output never runs backwards by small amounts while playing: when the estimate drops
a little (the window forgot an optimistic report, or the audio clock runs slow), the output
holds until the estimate catches up. A report more than ``snap_ms`` ahead, or more than
``snap_ms`` plus one 1 s step behind (a seek done elsewhere, a stall), resets the clock at once,
as do :meth:`MediaClock.seeked`, rate changes and pauses.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

MAX_STEP_MS = 1000
"""The coarsest step libVLC reports time in (Ogg/Opus)."""


def monotonic_ms() -> int:
    """Milliseconds from a monotonic clock."""
    return time.monotonic_ns() // 1_000_000


class MediaClock:
    """Interpolated playback position (int ms) between step-wise reports.

    ``now_ms`` is the wall clock (injectable for tests). ``latency_ms`` is subtracted (in wall
    time, scaled by the rate) to account for what the player reports ahead of what is heard;
    ``window_ms`` is how long a report stays in the envelope; ``snap_ms`` the disagreement that
    resets the clock instead of being smoothed.
    """

    def __init__(
        self,
        now_ms: Callable[[], int] = monotonic_ms,
        *,
        latency_ms: int = 0,
        window_ms: int = 2500,
        snap_ms: int = 500,
    ) -> None:
        self._now_ms = now_ms
        self.latency_ms = latency_ms
        self.window_ms = window_ms
        self.snap_ms = snap_ms
        self._rate = 1.0
        self._playing = False
        self._samples: deque[tuple[int, float]] = deque()  # (wall ms, media ms)
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
        estimate = self._estimate(now)
        # A report may be up to one step (1 s for Ogg) behind the truth without being wrong.
        behind_ok_ms = self.snap_ms + MAX_STEP_MS
        if estimate is None or t_ms - estimate > self.snap_ms or estimate - t_ms > behind_ok_ms:
            self._samples.clear()
            self._last_out_ms = None
        self._samples.append((now, float(t_ms)))

    def seeked(self, t_ms: int) -> None:
        """The position was set to ``t_ms`` (reset; the output may go backwards)."""
        self._samples.clear()
        self._last_out_ms = None
        self._frozen_ms = float(t_ms)
        if self._playing:
            self._samples.append((self._now_ms(), float(t_ms)))

    def set_rate(self, rate: float) -> None:
        """The playback rate changed; the estimate so far is kept as the new anchor."""
        if rate <= 0:
            raise ValueError("rate must be positive")
        if rate == self._rate:
            return
        now = self._now_ms()
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
            self._samples.append((now, self._frozen_ms))
        else:
            estimate = self._estimate(now)
            if estimate is not None:
                self._frozen_ms = max(estimate, float(self._last_out_ms or 0))
            self._playing = False
            self._samples.clear()
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

    def position_ms(self) -> int:
        """The interpolated position now (never negative)."""
        if not self._playing:
            return max(0, round(self._frozen_ms))
        now = self._now_ms()
        estimate = self._estimate(now)
        if estimate is None:
            return max(0, round(self._frozen_ms))
        out = max(0, round(estimate - self.latency_ms * self._rate))
        if self._last_out_ms is not None and out < self._last_out_ms:
            out = self._last_out_ms  # hold instead of stepping back; it catches up
        self._last_out_ms = out
        return out

    def _estimate(self, now: int) -> float | None:
        """Upper envelope of recent reports projected to ``now`` (media ms), None if none."""
        samples = self._samples
        while len(samples) > 1 and now - samples[0][0] > self.window_ms:
            samples.popleft()
        if not samples:
            return None
        rate = self._rate
        return max(t + (now - w) * rate for w, t in samples)
