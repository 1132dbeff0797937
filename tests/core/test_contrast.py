"""WCAG contrast arithmetic, checked against published reference values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from player.core.contrast import (
    blend,
    contrast_ratio,
    darken_under,
    parse_hex,
    readable,
    readable_on_all,
    relative_luminance,
    to_hex,
    valid_hex,
)

hex_colors = st.integers(0, 0xFFFFFF).map(lambda v: f"#{v:06x}")


def test_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    # WebAIM's checker: #767676 on white is the lightest grey that passes AA (4.54:1).
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") < 4.5
    assert relative_luminance("#ff0000") == pytest.approx(0.2126)


@given(hex_colors, hex_colors)
def test_ratio_is_symmetric_and_bounded(a: str, b: str) -> None:
    ratio = contrast_ratio(a, b)
    assert 1.0 <= ratio <= 21.0 + 1e-9
    assert ratio == pytest.approx(contrast_ratio(b, a))


@given(hex_colors)
def test_hex_round_trip(color: str) -> None:
    assert to_hex(parse_hex(color)) == color


def test_blend() -> None:
    assert blend("#ffffff", "#000000", 0.0) == "#000000"
    assert blend("#ffffff", "#000000", 1.0) == "#ffffff"
    assert blend("#ffffff", "#000000", 0.5) == "#808080"


@pytest.mark.parametrize("bad", ["", "red", "#fff", "#gggggg", "ffffff", "#1234567"])
def test_bad_colours_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not a #rrggbb colour"):
        parse_hex(bad)


def test_valid_hex_normalises_or_refuses() -> None:
    assert valid_hex(" #ABCDEF ") == "#abcdef"
    assert valid_hex("#abc") is None
    assert valid_hex("") is None


def test_readable_moves_to_the_nearest_shade_that_reaches_aa() -> None:
    # The figures: Fusion's timestamps (#7f7f7f, 4.0:1) and selection (3.69:1).
    assert contrast_ratio("#7f7f7f", "#ffffff") == pytest.approx(4.0, abs=0.01)
    shade = readable("#7f7f7f", "#ffffff")
    assert 4.5 <= contrast_ratio(shade, "#ffffff") < 5.0  # the nearest, not black
    selection = darken_under("#308cc6", "#ffffff")
    assert contrast_ratio("#ffffff", selection) >= 4.5
    assert readable("#000000", "#ffffff") == "#000000"  # already enough: unchanged
    lighter = readable("#777777", "#000000", 7.0)  # on black it goes lighter
    assert relative_luminance(lighter) > relative_luminance("#777777")


@given(hex_colors, hex_colors, st.sampled_from([3.0, 4.5, 7.0]))
def test_readable_reaches_the_minimum_or_the_extreme(fg: str, bg: str, minimum: float) -> None:
    shade = readable(fg, bg, minimum)
    assert contrast_ratio(shade, bg) >= minimum or shade in ("#000000", "#ffffff")


def test_readable_on_all_backgrounds() -> None:
    backgrounds = ["#ffffff", "#dde9f1", "#ebebeb"]  # a row, the playing band, a selection
    shade = readable_on_all("#7f7f7f", backgrounds, 4.5)
    assert all(contrast_ratio(shade, bg) >= 4.5 for bg in backgrounds)
