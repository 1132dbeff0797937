"""Timestamps: formatting for display and quotes, parsing what users type."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from player.core.timeline.timecode import format_clock, format_timestamp, parse_user_time


@pytest.mark.parametrize(
    ("t_ms", "text"),
    [
        (0, "00:00:00.000"),
        (1, "00:00:00.001"),
        (83_500, "00:01:23.500"),
        (3_600_000 * 26 + 5, "26:00:00.005"),
        (-40, "00:00:00.000"),
    ],
)
def test_format_timestamp(t_ms: int, text: str) -> None:
    assert format_timestamp(t_ms) == text


@pytest.mark.parametrize(
    ("t_ms", "text"), [(0, "0:00"), (59_999, "0:59"), (83_500, "1:23"), (3_723_000, "1:02:03")]
)
def test_format_clock(t_ms: int, text: str) -> None:
    assert format_clock(t_ms) == text


@pytest.mark.parametrize(
    ("text", "t_ms"),
    [
        ("83.5", 83_500),
        ("1:23.5", 83_500),
        ("1:23,5", 83_500),
        ("01:02:03", 3_723_000),
        (" 7 ", 7000),
        ("0:00.001", 1),
    ],
)
def test_parse_user_time(text: str, t_ms: int) -> None:
    assert parse_user_time(text) == t_ms


@pytest.mark.parametrize("text", ["", "soon", "1:2:3:4", "-5", "1::2", "1:23.5s"])
def test_parse_user_time_rejects_with_a_readable_message(text: str) -> None:
    with pytest.raises(ValueError, match="not a time"):
        parse_user_time(text)


@given(st.integers(min_value=0, max_value=10**9))
def test_format_then_parse_round_trips(t_ms: int) -> None:
    assert parse_user_time(format_timestamp(t_ms)) == t_ms
