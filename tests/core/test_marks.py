"""In/Out marks and the range between them."""

from __future__ import annotations

import pytest

from player.core.timeline.marks import MIN_RANGE_MS, Marks, RangeError, TimeRange, check_range


def test_both_marks_make_a_range() -> None:
    marks = Marks().with_in(1_000).with_out(5_000)
    assert marks.range() == TimeRange(1_000, 5_000)
    assert marks.range().duration_ms == 4_000  # type: ignore[union-attr]


def test_one_mark_is_not_a_range_but_has_an_effective_range() -> None:
    only_in = Marks().with_in(2_000)
    assert only_in.range() is None
    assert only_in.effective_range(10_000) == TimeRange(2_000, 10_000)
    only_out = Marks().with_out(3_000)
    assert only_out.effective_range(10_000) == TimeRange(0, 3_000)
    assert Marks().effective_range(10_000) is None


def test_in_after_out_drops_out_and_out_before_in_drops_in() -> None:
    marks = Marks().with_in(1_000).with_out(5_000)
    assert marks.with_in(6_000) == Marks(6_000, None)
    assert marks.with_out(500) == Marks(None, 500)
    # closer than the minimum counts as not after
    assert marks.with_in(5_000 - MIN_RANGE_MS + 1).out_ms is None


def test_marks_clamp_to_the_media() -> None:
    marks = Marks().with_in(-50).with_out(99_000, duration_ms=60_000)
    assert marks == Marks(0, 60_000)


def test_cleared() -> None:
    assert Marks(1, 2_000).cleared().is_empty


def test_check_range_messages() -> None:
    with pytest.raises(RangeError, match="after the start"):
        check_range(5_000, 5_000)
    with pytest.raises(RangeError, match="after the start"):
        check_range(5_000, 1_000)
    with pytest.raises(RangeError, match="before the beginning"):
        check_range(-1, 1_000)
    with pytest.raises(RangeError, match="past the end"):
        check_range(70_000, 80_000, duration_ms=60_000)
    with pytest.raises(RangeError, match="shorter"):
        check_range(1_000, 1_050)


def test_check_range_clamps_the_end_to_the_duration() -> None:
    assert check_range(50_000, 90_000, duration_ms=60_000) == TimeRange(50_000, 60_000)
    # unknown duration: no clamp
    assert check_range(50_000, 90_000, duration_ms=None) == TimeRange(50_000, 90_000)


def test_range_contains_and_overlaps() -> None:
    r = TimeRange(1_000, 2_000)
    assert r.contains(1_000) and not r.contains(2_000)
    assert r.overlaps(1_500, 3_000) and not r.overlaps(2_000, 3_000)
    assert "00:00:01.000" in r.describe()
    assert "Out —" in Marks(1_000, None).describe()
