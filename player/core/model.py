"""The transcript model: cues, styled spans, word timings and whole transcripts.

Frozen dataclasses with integer milliseconds; nothing here reads files or parses text (that is
``player.core.formats``). Every other module speaks in these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

TranscriptFormat = Literal["vtt", "srt", "sbv"]


MAX_TIME_MS = 3_600_000 * 1_000_000
"""Times beyond a million hours are clamped to this (and reported): downstream code, Qt and JSON
need numbers of a sane size."""


class TranscriptError(Exception):
    """Nothing usable could be read from a transcript. ``str(err)`` is a one-line reason."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        where = f" (line {line})" if line is not None else ""
        super().__init__(f"{message}{where}")


@dataclass(frozen=True, slots=True)
class TranscriptWarning:
    """A block that was skipped or repaired while loading; ``line`` is 1-based or None."""

    line: int | None
    message: str


class Span(NamedTuple):
    """A run of cue text with uniform styling; safe structured form, never markup.

    A named tuple rather than a frozen dataclass: a tag-heavy cue makes hundreds of thousands
    of spans, and a frozen dataclass's constructor took half of the parse time.
    """

    text: str
    italic: bool = False
    bold: bool = False
    underline: bool = False
    classes: tuple[str, ...] = ()
    voice: str | None = None


@dataclass(frozen=True, slots=True)
class WordTiming:
    """An inline timestamp: from ``start_ms`` on, the text from ``char_offset`` of Cue.text."""

    start_ms: int
    char_offset: int


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue. ``text`` is plain (tags stripped, entities decoded, ``\\n`` between lines)."""

    id: str | None
    start_ms: int
    end_ms: int
    text: str
    speakers: tuple[str, ...] = ()
    spans: tuple[Span, ...] = ()
    word_timings: tuple[WordTiming, ...] = ()
    settings: str = ""
    line: int | None = None

    @property
    def speaker(self) -> str | None:
        """All voices of the cue joined with ", ", or None."""
        return ", ".join(self.speakers) if self.speakers else None


@dataclass(frozen=True, slots=True)
class Transcript:
    """A loaded transcript: cues sorted by start (stable), plus metadata and load warnings."""

    cues: tuple[Cue, ...]
    format: TranscriptFormat = "vtt"
    warnings: tuple[TranscriptWarning, ...] = ()
    header: str = ""
    language: str | None = None
    notes: tuple[str, ...] = ()
    styles: tuple[str, ...] = ()
    source: str | None = None
    encoding: str = "utf-8"
    kind: Literal["transcript", "chapters"] = "transcript"
    machine_generated: bool = False
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def speakers(self) -> tuple[str, ...]:
        """Distinct speakers in order of first appearance."""
        seen: dict[str, None] = {}
        for cue in self.cues:
            for name in cue.speakers:
                seen.setdefault(name, None)
        return tuple(seen)
