"""Colour contrast as WCAG 2.x defines it (relative luminance, contrast ratio), and blends.

Pure functions on ``#rrggbb`` strings: the reading-style preferences warn when the chosen text
and background colours are below the 4.5:1 that WCAG 1.4.3 asks for, and the window's colours
(selection, timestamps, focus ring, marks) are moved to the nearest shade that reaches AA
(:func:`readable`, :func:`readable_on_all`).
"""

from __future__ import annotations

import re

AA_NORMAL_TEXT = 4.5
"""WCAG 2.x success criterion 1.4.3 (level AA): minimum contrast for normal-size text."""

_HEX = re.compile(r"#([0-9a-fA-F]{6})")


def parse_hex(color: str) -> tuple[int, int, int]:
    """``#rrggbb`` -> (r, g, b) in 0..255; ValueError for anything else."""
    match = _HEX.fullmatch(color.strip())
    if match is None:
        raise ValueError(f"not a #rrggbb colour: {color!r}")
    value = int(match.group(1), 16)
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF


def valid_hex(color: str) -> str | None:
    """``color`` as lower-case ``#rrggbb`` if it is one (e.g. from a settings file), else None."""
    try:
        parse_hex(color)
    except ValueError:
        return None
    return color.strip().lower()


def to_hex(rgb: tuple[float, float, float]) -> str:
    """(r, g, b) -> ``#rrggbb``."""
    r, g, b = (max(0, min(255, round(c))) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def relative_luminance(color: str) -> float:
    """WCAG relative luminance of an sRGB colour, 0 (black) .. 1 (white)."""

    def channel(c8: int) -> float:
        c = c8 / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in parse_hex(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio, 1.0 (none) .. 21.0 (black on white); symmetric."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def blend(foreground: str, background: str, amount: float) -> str:
    """``amount`` (0..1) of ``foreground`` over ``background``, as ``#rrggbb``."""
    amount = max(0.0, min(1.0, amount))
    fg, bg = parse_hex(foreground), parse_hex(background)
    mixed = tuple(f * amount + b * (1 - amount) for f, b in zip(fg, bg, strict=True))
    return to_hex((mixed[0], mixed[1], mixed[2]))


AA_NON_TEXT = 3.0
"""WCAG 2.x 1.4.11 and 2.4.11/2.4.13: minimum contrast of UI components, focus indicators and
the graphics needed to understand them (against what is next to them or their other state)."""

AAA_TEXT = 7.0
"""WCAG 2.x 1.4.6 (level AAA): the contrast this program takes as "already high contrast"."""


def readable(foreground: str, background: str, minimum: float = AA_NORMAL_TEXT) -> str:
    """``foreground``, or the nearest shade of it toward black or white (whichever ``background``
    contrasts with more) that reaches ``minimum`` against ``background`` (or the extreme)."""
    if contrast_ratio(foreground, background) >= minimum:
        return foreground.lower()
    extreme = (
        "#000000"
        if contrast_ratio("#000000", background) >= contrast_ratio("#ffffff", background)
        else "#ffffff"
    )
    for step in range(1, 21):  # 5 % steps: the first shade that is enough
        shade = blend(extreme, foreground, step / 20)
        if contrast_ratio(shade, background) >= minimum:
            return shade
    return extreme


def readable_on_all(foreground: str, backgrounds: list[str], minimum: float) -> str:
    """The nearest shade of ``foreground`` that reaches ``minimum`` against every background
    (backgrounds all light or all dark; otherwise the best it can)."""
    color = foreground.lower()
    for _ in range(len(backgrounds) + 1):
        worst = min(backgrounds, key=lambda bg: contrast_ratio(color, bg))
        if contrast_ratio(color, worst) >= minimum:
            return color
        color = readable(color, worst, minimum)
    return color


def darken_under(background: str, text: str, minimum: float = AA_NORMAL_TEXT) -> str:
    """``background`` (a selection colour) moved away from ``text`` (the text drawn on it) until
    ``text`` on it reaches ``minimum``."""
    return readable(background, text, minimum)
