"""In and Out marks, and the time range between them (pure).

A journalist marks the start (In) and end (Out) of a passage to loop it while typing, to export
its transcript or to cut a clip. This module is the one rule for what a valid pair of marks is:
both set, In strictly before Out, at least ``MIN_RANGE_MS`` apart, inside the media when its
duration is known. ``Marks`` is immutable; every change returns a new value.

Setting In after the current Out (or Out before the current In) drops the other mark, as video
editors do, rather than producing an inverted range.
"""

from __future__ import annotations

from dataclasses import dataclass

from player.core.timeline.timecode import format_timestamp

__all__ = ["MIN_RANGE_MS", "Marks", "RangeError", "TimeRange", "check_range"]

MIN_RANGE_MS = 100
"""The shortest range accepted: shorter than this cannot be looped or cut meaningfully."""


class RangeError(ValueError):
    """A time range that cannot be used; the message is written for the user."""


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A half-open media interval ``[start_ms, end_ms)`` in integer milliseconds."""

    start_ms: int
    end_ms: int

    @property
    def duration_ms(self) -> int:
        """Length of the range in milliseconds."""
        return self.end_ms - self.start_ms

    def contains(self, t_ms: int) -> bool:
        """True when ``t_ms`` lies inside the range (start included, end excluded)."""
        return self.start_ms <= t_ms < self.end_ms

    def overlaps(self, start_ms: int, end_ms: int) -> bool:
        """True when ``[start_ms, end_ms)`` shares any time with the range."""
        return start_ms < self.end_ms and end_ms > self.start_ms

    def describe(self) -> str:
        """``HH:MM:SS.mmm – HH:MM:SS.mmm`` for messages and menus."""
        return f"{format_timestamp(self.start_ms)} – {format_timestamp(self.end_ms)}"


def check_range(start_ms: int, end_ms: int, duration_ms: int | None = None) -> TimeRange:
    """Return the range ``[start_ms, end_ms)`` or raise ``RangeError`` saying what is wrong.

    ``duration_ms`` (when known and positive) bounds the range: a start at or past the end of
    the media is refused; an end past it is clamped to the duration.
    """
    if start_ms < 0:
        raise RangeError("the start cannot be before the beginning of the media")
    if end_ms <= start_ms:
        raise RangeError(
            f"the end ({format_timestamp(end_ms)}) must come after the start "
            f"({format_timestamp(start_ms)})"
        )
    if duration_ms is not None and duration_ms > 0:
        if start_ms >= duration_ms:
            raise RangeError(
                f"the start ({format_timestamp(start_ms)}) is past the end of the media "
                f"({format_timestamp(duration_ms)})"
            )
        end_ms = min(end_ms, duration_ms)
    if end_ms - start_ms < MIN_RANGE_MS:
        raise RangeError(f"the range is shorter than {MIN_RANGE_MS} ms")
    return TimeRange(int(start_ms), int(end_ms))


@dataclass(frozen=True, slots=True)
class Marks:
    """The In and Out marks of one briefing (either may be unset)."""

    in_ms: int | None = None
    out_ms: int | None = None

    @property
    def is_empty(self) -> bool:
        """True when neither mark is set."""
        return self.in_ms is None and self.out_ms is None

    def with_in(self, t_ms: int, duration_ms: int | None = None) -> Marks:
        """Marks with In at ``t_ms`` (clamped to the media); an Out not after it is dropped."""
        t_ms = _clamp(t_ms, duration_ms)
        out_ms = self.out_ms
        if out_ms is not None and out_ms - t_ms < MIN_RANGE_MS:
            out_ms = None
        return Marks(t_ms, out_ms)

    def with_out(self, t_ms: int, duration_ms: int | None = None) -> Marks:
        """Marks with Out at ``t_ms`` (clamped to the media); an In not before it is dropped."""
        t_ms = _clamp(t_ms, duration_ms)
        in_ms = self.in_ms
        if in_ms is not None and t_ms - in_ms < MIN_RANGE_MS:
            in_ms = None
        return Marks(in_ms, t_ms)

    def cleared(self) -> Marks:
        """No marks."""
        return Marks()

    def range(self, duration_ms: int | None = None) -> TimeRange | None:
        """The marked range, or None unless both marks make a valid range."""
        if self.in_ms is None or self.out_ms is None:
            return None
        try:
            return check_range(self.in_ms, self.out_ms, duration_ms)
        except RangeError:
            return None

    def effective_range(self, duration_ms: int) -> TimeRange | None:
        """The range with a missing mark standing for the media's start (In) or end (Out).

        None when no mark is set, or when the result is not a valid range.
        """
        if self.is_empty:
            return None
        start = 0 if self.in_ms is None else self.in_ms
        end = duration_ms if self.out_ms is None else self.out_ms
        try:
            return check_range(start, end, duration_ms if duration_ms > 0 else None)
        except RangeError:
            return None

    def describe(self) -> str:
        """A short text for the status line, e.g. ``In 00:01:02.000 · Out —``."""
        in_text = "—" if self.in_ms is None else format_timestamp(self.in_ms)
        out_text = "—" if self.out_ms is None else format_timestamp(self.out_ms)
        return f"In {in_text} · Out {out_text}"


def _clamp(t_ms: int, duration_ms: int | None) -> int:
    t_ms = max(0, int(t_ms))
    if duration_ms is not None and duration_ms > 0:
        t_ms = min(t_ms, duration_ms)
    return t_ms
