"""What an export holds (:class:`ExportRequest`, :class:`BookmarkNote`) and the one rule for
the lines of a range (:func:`cues_in_range`: every line overlapping it, cut to it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from player.core.model import Cue

__all__ = ["FORMATS", "BookmarkNote", "ExportRequest", "cues_in_range", "shift_cues"]

FORMATS = ("txt", "md", "srt", "vtt", "docx")
"""Every export format; the first four are text written by :func:`render`."""


@dataclass(frozen=True, slots=True)
class BookmarkNote:
    """A bookmark to export beside the quotes: where it points, its label and its note."""

    position_ms: int
    label: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export and how (see ``player.core.export``)."""

    cues: tuple[Cue, ...]
    title: str = ""
    date: str = ""
    speakers: bool = True
    timestamps: bool = True
    bookmarks: tuple[BookmarkNote, ...] = field(default=())


def cues_in_range(
    cues: Sequence[Cue], from_ms: int | None = None, to_ms: int | None = None
) -> tuple[Cue, ...]:
    """The cues overlapping ``[from_ms, to_ms)`` (None: open on that side), their times cut to
    the range. A cue that merely touches a bound (ends at ``from_ms``) is not in it."""
    lo = 0 if from_ms is None else max(0, int(from_ms))
    out: list[Cue] = []
    for cue in cues:
        if cue.start_ms < lo and cue.end_ms <= lo:
            continue
        if to_ms is not None and cue.start_ms >= to_ms:
            continue
        start = max(cue.start_ms, lo)
        end = cue.end_ms if to_ms is None else min(cue.end_ms, int(to_ms))
        if (start, end) != (cue.start_ms, cue.end_ms):
            cue = replace(cue, start_ms=start, end_ms=max(start, end), word_timings=())
        out.append(cue)
    return tuple(out)


def shift_cues(cues: Sequence[Cue], offset_ms: int) -> tuple[Cue, ...]:
    """The cues moved earlier by ``offset_ms`` (a range exported to start at zero)."""
    if not offset_ms:
        return tuple(cues)
    return tuple(
        replace(
            cue,
            start_ms=max(0, cue.start_ms - offset_ms),
            end_ms=max(0, cue.end_ms - offset_ms),
            word_timings=(),
        )
        for cue in cues
    )
