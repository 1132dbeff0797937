"""Colour contrast as WCAG 2.x defines it (relative luminance, contrast ratio), and blends.

Pure functions on ``#rrggbb`` strings, used by the reading-style preferences to warn when the
chosen text and background colours are below the 4.5:1 that WCAG 1.4.3 asks for.
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
