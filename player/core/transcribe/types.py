"""The transcription's data and its engine port: recognised words and segments, results, errors.

A transcriber (``player.engines.whisper_transcriber`` or the fake
``player.engines.fake_transcriber``) turns 16 kHz mono audio (``player.core.align.types.Audio``)
into :class:`Segment` objects, each with its words as the recogniser wrote them (punctuation
and digits included) and rough times. Times are integer milliseconds of the media.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from player.core.align.types import AlignError, Audio, ProgressCallback, StopCheck

__all__ = [
    "Segment",
    "SegmentCallback",
    "TranscribeError",
    "TranscribedCue",
    "Transcriber",
    "TranscriptionResult",
    "Word",
    "count_words",
    "is_silent",
]


class TranscribeError(AlignError):
    """Transcription cannot be done; ``str(err)`` is a one-line reason for the user.

    ``path`` names the file or folder at fault (the media, the model folder) when there is one.
    A subclass of ``AlignError``: the alignment's callers handle both the same way.
    """


@dataclass(frozen=True, slots=True)
class Word:
    """A recognised word as written (``" Secretary,"`` trimmed to ``"Secretary,"``) and when."""

    text: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of recognised speech: its words in order, ``start_ms`` to ``end_ms``."""

    start_ms: int
    end_ms: int
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        """The words joined by spaces."""
        return " ".join(word.text for word in self.words)


SegmentCallback = Callable[[Segment], None]
"""Called with each segment as soon as it is recognised (partial results)."""


class Transcriber(Protocol):
    """A speech recogniser that writes what is said in 16 kHz mono audio.

    ``transcribe`` polls ``should_stop`` (then raises ``AlignCancelled`` within about a
    second), reports the fraction of the audio done through ``progress``, and hands each
    segment to ``on_segment`` as it comes. Silence gives no segments (not an error).
    """

    @property
    def name(self) -> str:
        """Engine and model for the output's header, e.g. ``faster-whisper 1.2.1 (tiny.en)``."""
        ...

    @property
    def model_name(self) -> str:
        """The model's short name (``tiny.en``) or its folder's name."""
        ...

    def transcribe(
        self,
        audio: Audio,
        *,
        language: str | None = None,
        progress: ProgressCallback | None = None,
        should_stop: StopCheck = ...,
        on_segment: SegmentCallback | None = None,
    ) -> list[Segment]:
        """The segments of speech in ``audio`` in time order."""
        ...


@dataclass(frozen=True, slots=True)
class TranscribedCue:
    """One output cue: a sentence as recognised, its word start times and its voice.

    ``words`` are ``(char_offset, start_ms)`` pairs into ``text``; ``voice`` is a generic
    label (``Speaker 2``) where a change of speaker is likely, else None.
    """

    start_ms: int
    end_ms: int
    text: str
    words: tuple[tuple[int, int], ...] = ()
    voice: str | None = None


@dataclass(frozen=True)
class TranscriptionResult:
    """What a transcription produced: the cues in time order and what made them."""

    cues: tuple[TranscribedCue, ...]
    words: int
    retimed_words: int
    duration_ms: int
    engine: str
    model: str
    aligner: str = ""
    language: str = "en"
    warnings: tuple[str, ...] = field(default=())


def count_words(segments: Sequence[Segment]) -> int:
    """How many words ``segments`` hold."""
    return sum(len(segment.words) for segment in segments)


def is_silent(audio: Audio, *, floor: int = 64) -> bool:
    """Whether no sample of ``audio`` rises above ``floor`` (of 32767): nothing to hear."""
    if len(audio.samples) < 2:
        return True
    data = memoryview(audio.samples[: len(audio.samples) // 2 * 2]).cast("h")
    step = max(1, len(data) // 400_000)
    return all(-floor <= data[i] <= floor for i in range(0, len(data), step))
