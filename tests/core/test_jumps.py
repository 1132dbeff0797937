"""Go to time parsing and the jump history."""

from __future__ import annotations

import pytest

from player.core.timeline.jumps import HISTORY_LIMIT, JumpHistory, parse_go_to


@pytest.mark.parametrize(
    ("text", "expected_ms"),
    [
        ("1:23", 83_000),
        ("83.5", 83_500),
        ("83,5", 83_500),
        ("1:02:03.5", 3_723_500),
        ("  0:05 ", 5_000),
        ("90s", 90_000),
        ("2m", 120_000),
        ("1h2m3s", 3_723_000),
        ("1m 30s", 90_000),
        ("-10s", 40_000),
        ("+1m", 110_000),
        ("- 10", 40_000),
        ("+1:30", 140_000),
        ("-2m", 0),  # clamped to the start
    ],
)
def test_parse_go_to(text: str, expected_ms: int) -> None:
    assert parse_go_to(text, now_ms=50_000) == expected_ms


def test_parse_go_to_clamps_to_the_length() -> None:
    assert parse_go_to("+10m", now_ms=50_000, length_ms=60_000) == 60_000
    assert parse_go_to("2:00:00", now_ms=0, length_ms=60_000) == 60_000


@pytest.mark.parametrize("text", ["", "  ", "abc", "1:2:3:4", "10x", "+", "--5", "1m2h"])
def test_parse_go_to_refuses_with_a_message(text: str) -> None:
    with pytest.raises(ValueError, match="time"):
        parse_go_to(text, now_ms=0)


def test_back_and_forward_like_a_browser() -> None:
    h = JumpHistory()
    assert not h.can_go_back and h.back(0) is None
    assert h.jumped(10_000, 60_000)
    assert h.jumped(65_000, 120_000)
    assert h.back_stack() == (10_000, 65_000)
    assert h.back(121_000) == 65_000
    assert h.back(66_000) == 10_000
    assert not h.can_go_back and h.can_go_forward
    assert h.forward(11_000) == 66_000
    assert h.forward(67_000) == 121_000
    assert not h.can_go_forward
    assert h.back(125_000) == 67_000
    # a new jump forgets the forward side
    assert h.jumped(68_000, 200_000)
    assert not h.can_go_forward
    assert h.forward(0) is None


def test_short_moves_and_repeats_are_not_kept() -> None:
    h = JumpHistory()
    assert not h.jumped(10_000, 10_500)
    assert h.jumped(10_000, 30_000)
    assert h.jumped(10_200, 40_000)  # left from the same place again: one entry
    assert h.back_stack() == (10_000,)


def test_the_history_is_bounded_and_can_be_cleared() -> None:
    h = JumpHistory()
    for i in range(HISTORY_LIMIT + 20):
        h.jumped(i * 10_000, i * 10_000 + 5_000)
    assert len(h.back_stack()) == HISTORY_LIMIT
    assert h.back_stack()[-1] == (HISTORY_LIMIT + 19) * 10_000
    h.clear()
    assert not h.can_go_back and not h.can_go_forward
