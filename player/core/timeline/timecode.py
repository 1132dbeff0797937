"""Integer milliseconds <-> human-readable timestamps.

Everything inside the program counts time in ``int`` milliseconds; this module is the one place
that turns them into text ("HH:MM:SS.mmm") and back.
"""

from __future__ import annotations

import re

__all__ = ["format_clock", "format_timestamp", "parse_user_time"]

_USER_TS = re.compile(r"^(?:(?:(\d+):)?(\d+):)?(\d+(?:[.,]\d+)?)$")


def format_timestamp(t_ms: int) -> str:
    """Format milliseconds as ``HH:MM:SS.mmm`` (hours may exceed 99; negatives clamp to zero)."""
    t_ms = max(0, int(t_ms))
    hours, rest = divmod(t_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def format_clock(t_ms: int) -> str:
    """Format milliseconds for a display clock: ``M:SS`` or ``H:MM:SS`` (no milliseconds)."""
    t_s = max(0, int(t_ms)) // 1000
    hours, rest = divmod(t_s, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


def parse_user_time(text: str) -> int:
    """Parse a time typed by a user into milliseconds.

    Accepts seconds (``83.5``), ``M:SS(.s)`` (``1:23.5``) and ``H:MM:SS(.s)``. Raises
    ``ValueError`` with a readable message otherwise.
    """
    m = _USER_TS.match(text.strip())
    if m is None:
        raise ValueError(f"not a time: {text!r} (use seconds, M:SS or H:MM:SS, e.g. 1:23.5)")
    hours = int(m.group(1) or 0)
    minutes = int(m.group(2) or 0)
    seconds = float(m.group(3).replace(",", "."))
    return round(((hours * 60 + minutes) * 60 + seconds) * 1000)
