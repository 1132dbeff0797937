"""MediaClock: interpolation between step-wise reports, with an injected wall clock."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from player.playback.clock import MediaClock


class Wall:
    """A hand-driven wall clock (ms)."""

    def __init__(self) -> None:
        self.t = 10_000

    def __call__(self) -> int:
        return self.t


def _started(wall: Wall, at_ms: int = 0, **kw: int) -> MediaClock:
    """A playing clock without libVLC's scaletempo compensation (tested on its own)."""
    kw.setdefault("tempo_latency_ms", 0)
    clock = MediaClock(wall, **kw)
    clock.seeked(at_ms)
    clock.set_playing(True)
    return clock


def test_paused_clock_holds_reports_and_seeks() -> None:
    wall = Wall()
    clock = MediaClock(wall)
    assert clock.position_ms() == 0
    clock.report(1200)
    wall.t += 5000
    assert clock.position_ms() == 1200
    clock.seeked(300)
    assert clock.position_ms() == 300


def test_interpolates_between_steps() -> None:
    wall = Wall()
    clock = _started(wall)
    wall.t += 100
    assert clock.position_ms() == 100
    wall.t += 150
    clock.report(250)
    wall.t += 120
    assert clock.position_ms() == 370


def test_stale_reports_do_not_pull_back() -> None:
    """Ogg-like 1 s steps: a report equal to the last step start is old news."""
    wall = Wall()
    clock = _started(wall)
    wall.t += 1000
    clock.report(1000)  # exact step
    wall.t += 600
    clock.report(1000)  # a poll of the same step, 600 ms later
    assert clock.position_ms() == 1600


def test_rate_scales_progress() -> None:
    wall = Wall()
    clock = _started(wall, 5000)
    clock.set_rate(2.0)
    wall.t += 500
    assert clock.position_ms() == 6000
    clock.set_rate(0.5)
    wall.t += 1000
    assert clock.position_ms() == 6500


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        MediaClock(Wall()).set_rate(0)


def test_pause_freezes_and_resume_continues() -> None:
    wall = Wall()
    clock = _started(wall)
    wall.t += 700
    clock.set_playing(False)
    wall.t += 3000
    assert clock.position_ms() == 700
    clock.set_playing(True)
    wall.t += 100
    assert clock.position_ms() == 800


def test_seek_can_go_backwards() -> None:
    wall = Wall()
    clock = _started(wall, 50_000)
    wall.t += 400
    assert clock.position_ms() == 50_400
    clock.seeked(1000)
    assert clock.position_ms() == 1000
    wall.t += 10
    assert clock.position_ms() == 1010


def test_large_disagreement_snaps() -> None:
    wall = Wall()
    clock = _started(wall)
    wall.t += 250
    clock.report(250)
    wall.t += 750
    clock.report(20_000)  # seeked elsewhere
    assert clock.position_ms() == 20_000
    wall.t += 250
    clock.report(5000)  # far behind: snap back too
    assert clock.position_ms() == 5000


def test_small_backward_correction_holds_instead_of_stepping_back() -> None:
    """Audio runs 10% slow: the output never goes back, it waits for the truth."""
    wall = Wall()
    clock = _started(wall, window_ms=1000)
    outputs = []
    true_ms = 0.0
    for _ in range(80):  # 20 s of 250 ms reports
        wall.t += 250
        true_ms += 225
        clock.report(int(true_ms))
        for _ in range(25):
            wall.t += 0  # several reads at the same instant are stable
            outputs.append(clock.position_ms())
    assert outputs == sorted(outputs)
    assert abs(clock.position_ms() - true_ms) < 300  # drift is corrected, not accumulated


def test_latency_is_subtracted_at_rate() -> None:
    wall = Wall()
    clock = _started(wall, 10_000, latency_ms=40)
    clock.set_rate(2.0)
    wall.t += 1000
    assert clock.position_ms() == 12_000 - 80


@settings(max_examples=60, deadline=None)
@given(
    step_ms=st.sampled_from([250, 1000]),
    rate=st.sampled_from([0.5, 1.0, 1.5, 2.5]),
    polls=st.lists(st.booleans(), min_size=50, max_size=50),
)
def test_tracks_true_time_within_a_tick(step_ms: int, rate: float, polls: list[bool]) -> None:
    """Step-wise reports plus stale polls at 10 ms ticks: monotonic, and close to the truth."""
    wall = Wall()
    clock = _started(wall)
    clock.set_rate(rate)
    start = wall.t
    last = 0
    next_step = step_ms
    for i in range(4000 // 10):
        wall.t += 10
        true_ms = (wall.t - start) * rate
        while true_ms >= next_step:
            clock.report(next_step)
            next_step += step_ms
        if polls[i % len(polls)]:
            clock.report(next_step - step_ms)  # a get_time() poll: the current step's start
        pos = clock.position_ms()
        assert pos >= last
        last = pos
        assert abs(pos - true_ms) <= 10 * rate + 1


def test_first_report_replaces_the_start_guess() -> None:
    """libVLC needs a moment to start the sound: the guess ran ahead, the first report wins."""
    wall = Wall()
    clock = _started(wall)
    wall.t += 330
    assert clock.position_ms() == 330  # the guess: running since play
    clock.report(250)  # the sound actually started 80 ms after play
    assert clock.position_ms() == 330  # held, never stepping back ...
    wall.t += 50
    assert clock.position_ms() == 330
    wall.t += 100
    assert clock.position_ms() == 400  # ... and then on the report's timeline, not the guess's
    wall.t += 2000  # long after: the guess never comes back through the envelope
    clock.report(2400)
    assert clock.position_ms() == 2400


def test_seek_target_echo_is_not_a_report() -> None:
    """libVLC (and the backend) echo the seek target as a time report before the sound moves."""
    wall = Wall()
    clock = _started(wall, 1000)
    wall.t += 500
    clock.seeked(40_000)
    clock.report(40_000)
    wall.t += 20
    clock.report(40_000)
    wall.t += 240
    clock.report(40_250)  # the first real report: 10 ms of start delay
    assert clock.position_ms() == 40_250
    wall.t += 100
    assert clock.position_ms() == 40_350


def test_stale_report_after_a_seek_is_ignored() -> None:
    wall = Wall()
    clock = _started(wall, 60_000)
    wall.t += 250
    clock.report(60_250)
    clock.seeked(20_000)
    clock.report(60_250)  # still in flight from before the seek
    wall.t += 100
    assert clock.position_ms() == 20_100
    clock.report(20_100)
    wall.t += 100
    assert clock.position_ms() == 20_200


def test_start_delay_is_learned_from_seeks() -> None:
    """Each restart measures how long the sound took to move; later guesses wait that long."""
    wall = Wall()
    clock = _started(wall, 0)
    for _ in range(6):
        clock.seeked(10_000)
        wall.t += 300
        clock.report(10_240)  # the sound moved 60 ms after the seek
        wall.t += 1000
    assert 50 <= clock.start_delay_ms <= 60
    clock.seeked(30_000)
    wall.t += 40
    assert clock.position_ms() == 30_000  # still waiting for the sound
    wall.t += 60
    assert 30_000 < clock.position_ms() <= 30_050


def test_start_delay_is_bounded() -> None:
    wall = Wall()
    clock = _started(wall, 0)
    for _ in range(10):
        clock.seeked(0)
        wall.t += 2000
        clock.report(10)  # a pathological stall
    assert 0 <= clock.start_delay_ms <= 250


def test_rate_change_before_the_first_report_keeps_the_guess() -> None:
    wall = Wall()
    clock = _started(wall, 5000)
    wall.t += 100
    clock.set_rate(2.0)
    wall.t += 100
    assert clock.position_ms() == 5300
    clock.report(5000)  # echo: ignored
    clock.report(5290)
    assert clock.position_ms() == 5300  # hold: never back
    wall.t += 10
    assert clock.position_ms() == 5310


def test_scaletempo_latency_applies_off_1x_only() -> None:
    wall = Wall()
    clock = MediaClock(wall, tempo_latency_ms=20)
    clock.seeked(10_000)
    clock.set_playing(True)
    wall.t += 250
    clock.report(10_250)
    wall.t += 100
    assert clock.position_ms() == 10_350  # 1x: what libVLC reports is what is heard
    clock.seeked(20_000)
    clock.set_rate(2.0)
    wall.t += 250
    clock.report(20_500)
    wall.t += 100
    assert clock.position_ms() == 20_700 - 40  # 20 ms of wall time at 2x


def test_output_is_monotonic_through_restarts_and_reports() -> None:
    """Between seeks the output never goes back, whatever order reports arrive in."""
    wall = Wall()
    clock = _started(wall, 0)
    last = 0
    for i, t in enumerate([0, 0, 240, 250, 230, 500, 760, 740, 1000, 990, 1260]):
        wall.t += 25 if i % 2 else 10
        clock.report(t)
        pos = clock.position_ms()
        assert pos >= last
        last = pos


def test_first_report_after_a_rate_change_below_the_guess_is_taken() -> None:
    """The guess ran ahead across a rate change; a true report behind it is still news."""
    wall = Wall()
    clock = _started(wall, 1000)
    wall.t += 300
    clock.set_rate(2.0)  # the guess says 1300 here; the sound started 50 ms late: 1250
    clock.report(1000)  # the echo of the start position: ignored
    clock.report(1250)  # the first real report: behind the guess, after the target
    wall.t += 100
    assert clock.position_ms() == 1450  # on the report's timeline (the guess says 1500)


def test_seek_target_is_not_moved_back_by_the_output_latency() -> None:
    """Right after a seek at 1.5x the position is the target, not the target minus latency."""
    wall = Wall()
    clock = MediaClock(wall, tempo_latency_ms=20)
    clock.set_playing(True)
    clock.set_rate(1.5)
    clock.seeked(62_500)
    assert clock.position_ms() == 62_500
    wall.t += 10  # still before the learned start delay runs out (0 here: moving already)
    assert clock.position_ms() == 62_500  # 62_515 - 30 held at the target
    wall.t += 40
    assert clock.position_ms() == 62_545  # 62_575 - 30: the latency applies once it moves
