"""CueIndex: active/current cue lookups and navigation, checked against a brute-force reference."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from player.core.model import Cue
from player.core.timeline.cue_index import CueIndex


def cue(start_ms: int, end_ms: int, text: str = "") -> Cue:
    return Cue(id=None, start_ms=start_ms, end_ms=end_ms, text=text)


def cues_of(*pairs: tuple[int, int]) -> list[Cue]:
    return [cue(s, e) for s, e in pairs]


# --- brute-force O(n) reference -------------------------------------------------------------


def ref_active(cues: list[Cue], t_ms: int) -> tuple[int, ...]:
    return tuple(i for i, c in enumerate(cues) if c.start_ms <= t_ms < c.end_ms)


def ref_current(cues: list[Cue], t_ms: int) -> int | None:
    active = ref_active(cues, t_ms)
    if not active:
        return None
    return max(active, key=lambda i: (cues[i].start_ms, i))


def ref_next_start(cues: list[Cue], t_ms: int) -> int | None:
    return next((i for i, c in enumerate(cues) if c.start_ms > t_ms), None)


def first_at(cues: list[Cue], start_ms: int) -> int:
    return next(i for i, c in enumerate(cues) if c.start_ms == start_ms)


def ref_previous(cues: list[Cue], t_ms: int, grace_ms: int) -> int | None:
    started = [c.start_ms for c in cues if c.start_ms <= t_ms]
    if not started:
        return None
    last = max(started)
    if t_ms - last > grace_ms:
        return first_at(cues, last)
    earlier = [c.start_ms for c in cues if c.start_ms < last]
    return first_at(cues, max(earlier)) if earlier else None


def ref_change_points(cues: list[Cue], times: list[int]) -> list[int]:
    """Times (among the candidate event times) at which ref_current differs from just before."""
    return [t for t in times if ref_current(cues, t) != ref_current(cues, t - 1)]


# --- basics ---------------------------------------------------------------------------------


def test_empty_index_answers_none_everywhere() -> None:
    index = CueIndex([])
    assert len(index) == 0
    assert index.current_at(0) is None
    assert index.active_at(0) == ()
    assert index.next_start_after(-1) is None
    assert index.previous_start_before(10_000) is None
    assert index.next_change_after(0) is None
    assert list(index.change_points) == []


def test_sequential_cues() -> None:
    cues = cues_of((1000, 2000), (2000, 3000), (4000, 5000))
    index = CueIndex(cues)
    assert len(index) == 3
    assert index.current_at(999) is None
    assert index.current_at(1000) == 0
    assert index.current_at(1999) == 0
    assert index.current_at(2000) == 1  # end is exclusive, next start inclusive
    assert index.current_at(3000) is None  # gap
    assert index.current_at(3999) is None
    assert index.current_at(4500) == 2
    assert index.current_at(5000) is None
    assert index.active_at(2000) == (1,)
    assert index.active_at(3500) == ()
    assert list(index.change_points) == [1000, 2000, 3000, 4000, 5000]


def test_overlap_current_is_latest_starting_active_cue() -> None:
    # A long cue with two shorter ones inside it: after the inner ones end, the long one is current.
    cues = cues_of((0, 10_000), (2000, 4000), (3000, 5000))
    index = CueIndex(cues)
    assert index.current_at(1000) == 0
    assert index.current_at(2500) == 1
    assert index.current_at(3500) == 2
    assert index.active_at(3500) == (0, 1, 2)
    assert index.current_at(4500) == 2
    assert index.active_at(4500) == (0, 2)
    assert index.current_at(6000) == 0
    assert index.current_at(10_000) is None
    assert list(index.change_points) == [0, 2000, 3000, 5000, 10_000]


def test_equal_starts_tie_goes_to_later_index() -> None:
    cues = cues_of((1000, 5000), (1000, 3000))
    index = CueIndex(cues)
    assert index.current_at(1000) == 1
    assert index.current_at(3000) == 0
    assert index.active_at(2000) == (0, 1)


def test_zero_length_cue_is_never_active_but_navigable() -> None:
    cues = cues_of((1000, 2000), (3000, 3000), (4000, 5000))
    index = CueIndex(cues)
    assert index.current_at(3000) is None
    assert index.active_at(3000) == ()
    assert index.next_start_after(2500) == 1
    assert index.previous_start_before(4000) == 1


def test_end_before_start_is_treated_as_zero_length() -> None:
    cues = cues_of((1000, 2000), (3000, 2500), (4000, 5000))
    index = CueIndex(cues)
    assert index.current_at(2700) is None
    assert index.current_at(3000) is None
    assert index.active_at(3000) == ()
    assert index.next_start_after(2000) == 1
    assert 2500 not in index.change_points


def test_zero_length_cue_inside_another_does_not_interrupt_it() -> None:
    cues = cues_of((1000, 5000), (2000, 2000))
    index = CueIndex(cues)
    assert index.current_at(2000) == 0
    assert list(index.change_points) == [1000, 5000]


def test_unsorted_cues_are_refused() -> None:
    with pytest.raises(ValueError, match="sorted by start_ms"):
        CueIndex(cues_of((2000, 3000), (1000, 1500)))


def test_times_past_24_hours_and_negative_queries() -> None:
    day_ms = 24 * 3_600_000
    cues = cues_of((day_ms + 5, day_ms + 1000), (3 * day_ms, 3 * day_ms + 1))
    index = CueIndex(cues)
    assert index.current_at(day_ms + 5) == 0
    assert index.current_at(3 * day_ms) == 1
    assert index.current_at(-5) is None
    assert index.next_start_after(-5) == 0


# --- change points --------------------------------------------------------------------------


def test_next_change_after() -> None:
    cues = cues_of((1000, 2000), (1500, 1800))
    index = CueIndex(cues)
    assert index.next_change_after(0) == 1000
    assert index.next_change_after(1000) == 1500
    assert index.next_change_after(1500) == 1800
    assert index.next_change_after(1800) == 2000
    assert index.next_change_after(2000) is None


def test_change_points_is_read_only() -> None:
    index = CueIndex(cues_of((0, 10)))
    points = index.change_points
    with pytest.raises(TypeError):
        points[0] = 5  # type: ignore[index]
    assert list(points) == [0, 10]


def test_back_to_back_cues_with_the_same_current_merge_segments() -> None:
    # cue 1 ends exactly when cue 2 starts; cue 0 runs across, never current after cue 1 starts.
    cues = cues_of((0, 100), (10, 50), (50, 100))
    index = CueIndex(cues)
    assert list(index.change_points) == [0, 10, 50, 100]
    assert index.current_at(50) == 2


# --- navigation -----------------------------------------------------------------------------


def test_next_start_after() -> None:
    cues = cues_of((1000, 2000), (1000, 1500), (3000, 4000))
    index = CueIndex(cues)
    assert index.next_start_after(0) == 0
    assert index.next_start_after(999) == 0
    assert index.next_start_after(1000) == 2  # strictly after
    assert index.next_start_after(3000) is None


def test_previous_with_grace() -> None:
    cues = cues_of((1000, 2000), (3000, 4000), (5000, 6000))
    index = CueIndex(cues)
    # Deep inside cue 1: "previous" restarts it.
    assert index.previous_start_before(3500) == 1
    assert index.previous_start_before(3500, grace_ms=1000) == 0  # within grace: go back a cue
    assert index.previous_start_before(3000) == 0  # exactly at the start: go back a cue
    assert index.previous_start_before(3001) == 1
    assert index.previous_start_before(3001, grace_ms=1) == 0
    # In a gap: restart the last cue that started.
    assert index.previous_start_before(4500) == 1
    # Before / at the first cue there is nothing before.
    assert index.previous_start_before(500) is None
    assert index.previous_start_before(1000) is None
    assert index.previous_start_before(1200, grace_ms=500) is None


def test_previous_skips_groups_of_equal_starts() -> None:
    cues = cues_of((1000, 2000), (1000, 1500), (3000, 4000), (3000, 3500))
    index = CueIndex(cues)
    assert index.previous_start_before(3000) == 0  # not 2: that would seek to the same time
    assert index.previous_start_before(3200) == 2


def test_negative_grace_is_refused() -> None:
    with pytest.raises(ValueError, match="grace_ms"):
        CueIndex(cues_of((0, 1))).previous_start_before(5, grace_ms=-1)


# --- scale ----------------------------------------------------------------------------------


def test_nested_cues_deep_overlap() -> None:
    # 500 nested cues (each inside the previous): worst case for a naive backward scan.
    n = 500
    cues = [cue(i * 10, 100_000 - i * 10) for i in range(n)]
    index = CueIndex(cues)
    for t in (0, 2495, 4990, 5000, 50_000, 95_010, 99_999):
        assert index.active_at(t) == ref_active(cues, t)
        assert index.current_at(t) == ref_current(cues, t)


def test_many_cues_match_reference_at_boundaries() -> None:
    cues = [cue(i * 1000 + (i % 3) * 100, i * 1000 + 1500 - (i % 5) * 200) for i in range(2000)]
    cues.sort(key=lambda c: c.start_ms)
    index = CueIndex(cues)
    for t in range(0, 2_001_000, 331):
        assert index.current_at(t) == ref_current(cues, t), t
        assert index.active_at(t) == ref_active(cues, t), t


# --- property test against the brute-force reference ---------------------------------------

intervals = st.lists(
    st.tuples(st.integers(0, 60), st.integers(-10, 40)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=60,
)


@settings(max_examples=400, deadline=None)
@given(pairs=intervals, grace_ms=st.integers(0, 15))
def test_matches_brute_force_reference(pairs: list[tuple[int, int]], grace_ms: int) -> None:
    cues = sorted((cue(s, e) for s, e in pairs), key=lambda c: c.start_ms)
    index = CueIndex(cues)
    assert len(index) == len(cues)
    times = list(range(-2, 105))
    for t in times:
        assert index.active_at(t) == ref_active(cues, t), t
        assert index.current_at(t) == ref_current(cues, t), t
        assert index.next_start_after(t) == ref_next_start(cues, t), t
        assert index.previous_start_before(t, grace_ms=grace_ms) == ref_previous(
            cues, t, grace_ms
        ), t
    expected_points = ref_change_points(cues, times)
    assert list(index.change_points) == expected_points
    for t in times:
        later = [p for p in expected_points if p > t]
        assert index.next_change_after(t) == (later[0] if later else None)


@settings(max_examples=100, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(st.integers(0, 3000), st.integers(1, 2000)).map(lambda p: (p[0], p[0] + p[1])),
        min_size=20,
        max_size=300,
    ),
    probes=st.lists(st.integers(-10, 5100), min_size=1, max_size=50),
)
def test_large_random_overlaps_match_reference(
    pairs: list[tuple[int, int]], probes: list[int]
) -> None:
    # Enough cues to build a multi-level interval tree (leaves hold at most 16).
    cues = sorted((cue(s, e) for s, e in pairs), key=lambda c: c.start_ms)
    index = CueIndex(cues)
    for t in probes:
        assert index.active_at(t) == ref_active(cues, t), t
        assert index.current_at(t) == ref_current(cues, t), t
