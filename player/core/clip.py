"""A clip of a briefing: what it is called, what its tags and transcript say (pure).

The cutting itself is the PyAV adapter's (``player.engines.media_cut``); this module holds what
the command line, the window and the adapter share: the errors, the result, the clip's tags
(its title, and where it was cut from), the transcript slice shifted to start at zero (written
beside the clip as ``NAME.vtt``) and a default file name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from player.core.model import Cue
from player.core.timeline.marks import TimeRange
from player.core.timeline.timecode import format_clock, format_timestamp

__all__ = [
    "ClipCancelled",
    "ClipError",
    "ClipResult",
    "clip_file_name",
    "clip_tags",
    "clip_transcript_vtt",
]

ClipProgress = Callable[[float], None]
"""Called with the fraction of the clip written so far (0..1)."""
ClipStop = Callable[[], bool]
"""Polled while cutting: True asks the cut to stop (it raises ``ClipCancelled``)."""


class ClipError(Exception):
    """A clip could not be made; the message is for the user (``path``: the file concerned)."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class ClipCancelled(ClipError):
    """The user cancelled the cut; nothing was left behind."""

    def __init__(self) -> None:
        super().__init__("cancelled")


@dataclass(frozen=True, slots=True)
class ClipResult:
    """A clip written: where, how long it plays (ms, as written) and whether its streams were
    copied as they were (``copied``) or decoded and encoded again."""

    target: str
    duration_ms: int
    copied: bool

    def describe(self) -> str:
        """One line for the user."""
        how = "stream copy" if self.copied else "re-encoded"
        return f"{Path(self.target).name} ({format_clock(self.duration_ms)}, {how})"


def clip_tags(
    source_name: str, span: TimeRange, title: str | None = None, date: str | None = None
) -> dict[str, str]:
    """The clip's tags: its title (the source's title or file name, with the range), the
    source and the range in the comment, and the source's date when known."""
    base = (title or "").strip() or Path(source_name).stem.replace("_", " ")
    tags = {
        "title": f"{base} ({format_clock(span.start_ms)}–{format_clock(span.end_ms)})",
        "comment": (
            f"Clip of {Path(source_name).name} from {format_timestamp(span.start_ms)} "
            f"to {format_timestamp(span.end_ms)}"
        ),
    }
    if date:
        tags["date"] = date
    return tags


def clip_transcript_vtt(
    cues: Sequence[Cue], span: TimeRange, *, title: str = "", date: str = ""
) -> str:
    """The lines of ``span`` (every line overlapping it, cut to it) as WebVTT, times shifted so
    the clip starts at zero."""
    from player.core.export import ExportRequest, cues_in_range, render, shift_cues

    sliced = shift_cues(cues_in_range(cues, span.start_ms, span.end_ms), span.start_ms)
    return render(ExportRequest(sliced, title=title, date=date), "vtt")


def clip_file_name(media: Path, span: TimeRange, suffix: str | None = None) -> Path:
    """A default name beside the media: ``NAME clip 1-02 to 1-30.EXT``."""

    def stamp(t_ms: int) -> str:
        return format_clock(t_ms).replace(":", "-")

    ext = suffix if suffix is not None else media.suffix
    return media.with_name(f"{media.stem} clip {stamp(span.start_ms)} to {stamp(span.end_ms)}{ext}")
