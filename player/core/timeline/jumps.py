"""Where to go: times typed in "Go to time", and the Back/Forward history of jumps (pure).

``parse_go_to`` reads what a user types in the Go to time box: an absolute time (``1:23``,
``83.5``, ``1:02:03.5``, ``90s``, ``2m``, ``1h2m3s``) or a move from the current position
(``-10s``, ``+1m``, ``-1:30``). ``JumpHistory`` is a browser's history for media positions:
each jump pushes the point left; Back returns there (and remembers where it came from for
Forward); a new jump after going Back forgets the Forward side.
"""

from __future__ import annotations

import re

from player.core.timeline.timecode import parse_user_time

__all__ = ["HISTORY_LIMIT", "JumpHistory", "parse_go_to"]

HISTORY_LIMIT = 100
"""Positions kept on each side of the history (the oldest are forgotten)."""

SAME_PLACE_MS = 1_000
"""Two positions closer than this are the same place for the history (no duplicate entries)."""

_UNITS = re.compile(r"^(?:(\d+(?:[.,]\d+)?)h)?(?:(\d+(?:[.,]\d+)?)m)?(?:(\d+(?:[.,]\d+)?)s)?$")


def _parse_amount(text: str) -> int:
    """``1:23``/``83.5`` or ``1h2m3.5s``/``90s``/``2m`` to milliseconds (ValueError if not)."""
    compact = text.replace(" ", "").lower()
    m = _UNITS.match(compact)
    if m is not None and any(m.groups()):
        h, mi, s = (float((g or "0").replace(",", ".")) for g in m.groups())
        return round(((h * 60 + mi) * 60 + s) * 1000)
    return parse_user_time(compact)


def parse_go_to(text: str, now_ms: int, length_ms: int = 0) -> int:
    """The position (ms) ``text`` asks for, clamped to the media when its length is known.

    A leading ``+`` or ``-`` moves from ``now_ms``; anything else is a time from the start.
    Raises ``ValueError`` with a message for the user when the text is not a time.
    """
    stripped = text.strip()
    if not stripped:
        raise ValueError("type a time, e.g. 1:23, 83.5, -10s or +1m")
    sign = 0
    if stripped[0] in "+-":
        sign = 1 if stripped[0] == "+" else -1
        stripped = stripped[1:].strip()
    try:
        amount = _parse_amount(stripped)
    except ValueError:
        raise ValueError(
            f"not a time: {text.strip()!r} (try 1:23, 83.5, 1:02:03.5, -10s or +1m)"
        ) from None
    target = now_ms + sign * amount if sign else amount
    target = max(0, target)
    if length_ms > 0:
        target = min(target, length_ms)
    return target


class JumpHistory:
    """Back and Forward over the positions left by jumps, like a web browser's."""

    def __init__(self, limit: int = HISTORY_LIMIT) -> None:
        self._limit = limit
        self._back: list[int] = []
        self._forward: list[int] = []

    @property
    def can_go_back(self) -> bool:
        """Whether there is a place to go back to."""
        return bool(self._back)

    @property
    def can_go_forward(self) -> bool:
        """Whether there is a place to go forward to (after going back)."""
        return bool(self._forward)

    def back_stack(self) -> tuple[int, ...]:
        """The places Back goes to, most recent last."""
        return tuple(self._back)

    def forward_stack(self) -> tuple[int, ...]:
        """The places Forward goes to, next last."""
        return tuple(self._forward)

    def jumped(self, from_ms: int, to_ms: int) -> bool:
        """Record a jump from ``from_ms`` to ``to_ms``; False when it was too short to keep."""
        if abs(to_ms - from_ms) < SAME_PLACE_MS:
            return False
        if not (self._back and abs(self._back[-1] - from_ms) < SAME_PLACE_MS):
            self._back.append(from_ms)
            del self._back[: -self._limit]
        self._forward.clear()
        return True

    def back(self, now_ms: int) -> int | None:
        """Where Back goes from ``now_ms`` (which Forward will return to), or None."""
        if not self._back:
            return None
        target = self._back.pop()
        self._forward.append(now_ms)
        del self._forward[: -self._limit]
        return target

    def forward(self, now_ms: int) -> int | None:
        """Where Forward goes from ``now_ms`` (which Back will return to), or None."""
        if not self._forward:
            return None
        target = self._forward.pop()
        self._back.append(now_ms)
        del self._back[: -self._limit]
        return target

    def clear(self) -> None:
        """Forget everything (another media was opened)."""
        self._back.clear()
        self._forward.clear()
