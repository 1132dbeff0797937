"""The alignment's data and its engine port: audio clips, word timings, cues, results, errors.

Everything the alignment pipeline (``player.core.align``) and the speech engines
(``player.engines``) exchange. Times are integer milliseconds; audio is 16 kHz mono signed
16-bit little-endian PCM in a ``bytes`` object.

The engine port, :class:`SpeechAligner`, has two primitives the pure pipeline builds on:

* ``recognize(audio, vocabulary)`` -- free recognition of a clip, guided by the text's spoken
  tokens in order (``vocabulary``): used to find anchors where the speech and the text agree;
* ``align(audio, words)`` -- forced alignment of a known word sequence in a clip: one
  :class:`WordTime` or ``None`` per word (``None``: the engine could not place that word; it is
  never invented).

Both take ``should_stop`` (a callable polled often; when it returns True the call raises
:class:`AlignCancelled` within about a second). Implementations: the pocketsphinx adapter
``player.engines.pocketsphinx_aligner`` and the deterministic fake
``player.engines.fake_aligner``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

SAMPLE_RATE_HZ = 16_000
"""The one sample rate of :class:`Audio` (what the shipped pocketsphinx model expects)."""

ProgressCallback = Callable[[float], None]
"""Called with the fraction done, 0.0 to 1.0, at least once a second while working."""

StopCheck = Callable[[], bool]
"""Polled while working; returning True cancels (``AlignCancelled`` is raised)."""


class AlignError(Exception):
    """Alignment cannot be done; ``str(err)`` is a one-line reason for the user.

    ``path`` names the file at fault (the media or the text) when there is one.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.message = message
        self.path = path
        super().__init__(message)


class AlignCancelled(Exception):
    """The caller's ``should_stop`` returned True; nothing was produced."""


@dataclass(frozen=True, slots=True)
class Audio:
    """A clip of 16 kHz mono int16 little-endian PCM, starting at ``offset_ms`` in the media."""

    samples: bytes
    offset_ms: int = 0

    @property
    def duration_ms(self) -> int:
        """Length of the clip in milliseconds."""
        return len(self.samples) * 1000 // (2 * SAMPLE_RATE_HZ)

    def clip(self, start_ms: int, end_ms: int) -> Audio:
        """The part from ``start_ms`` to ``end_ms`` (media times), clamped to this clip."""
        first = max(0, (start_ms - self.offset_ms) * SAMPLE_RATE_HZ // 1000)
        last = max(first, (end_ms - self.offset_ms) * SAMPLE_RATE_HZ // 1000)
        start = self.offset_ms + first * 1000 // SAMPLE_RATE_HZ
        return Audio(self.samples[2 * first : 2 * last], start)


@dataclass(frozen=True, slots=True)
class WordTime:
    """Where one word was heard: media times in milliseconds, ``start_ms < end_ms``."""

    start_ms: int
    end_ms: int


@dataclass(frozen=True, slots=True)
class RecognizedWord:
    """A word the engine heard, lower-case spoken form, with media times."""

    word: str
    start_ms: int
    end_ms: int


class SpeechAligner(Protocol):
    """A speech engine that recognises and force-aligns words in 16 kHz mono clips.

    Words given and returned are the normalised spoken forms of
    ``player.core.align.normalize`` (lower-case, digits and symbols spoken out). Returned times
    are media times (the clip's ``offset_ms`` added).
    """

    @property
    def name(self) -> str:
        """Engine and version for the output's header, e.g. ``pocketsphinx 5.1.1``."""
        ...

    def load_audio(
        self,
        media_path: str,
        *,
        should_stop: StopCheck = ...,
        progress: ProgressCallback | None = None,
    ) -> Audio:
        """The media's first audio track as 16 kHz mono PCM; ``AlignError`` if it has none.

        ``progress`` gets the fraction decoded; ``should_stop`` cancels (``AlignCancelled``).
        """
        ...

    def recognize(
        self, audio: Audio, vocabulary: Sequence[str], *, should_stop: StopCheck
    ) -> list[RecognizedWord]:
        """What is said in ``audio``, guided by ``vocabulary`` (the text's tokens in order)."""
        ...

    def align(
        self, audio: Audio, words: Sequence[str], *, should_stop: StopCheck
    ) -> list[WordTime | None]:
        """Forced alignment of ``words`` in ``audio``: one entry per word, ``None`` if unplaced."""
        ...


@dataclass(frozen=True, slots=True)
class CueWord:
    """A word of a cue's text: ``char_offset`` in ``AlignedCue.text`` and when it starts."""

    char_offset: int
    start_ms: int


@dataclass(frozen=True, slots=True)
class AlignedCue:
    """One output cue: a sentence (or clause) exactly as the source wrote it, with its timing."""

    start_ms: int
    end_ms: int
    text: str
    speaker: str | None = None
    words: tuple[CueWord, ...] = ()
    line: int = 0
    """1-based line of the source text where the sentence starts."""


@dataclass(frozen=True, slots=True)
class UnalignedText:
    """Source text found nowhere in the audio: kept as a ``NOTE`` at its place, never timed."""

    line: int
    text: str
    before_cue: int = 0
    """How many cues come before it in the file (its place among the cues)."""


@dataclass(frozen=True)
class AlignmentResult:
    """What an alignment produced.

    ``cues`` in time order; ``unaligned`` in source order; ``words`` counts the words of the
    text meant as speech (speaker labels and stage directions excluded), ``aligned_words`` those
    that got a time. ``duration_ms`` is the audio's length.
    """

    cues: tuple[AlignedCue, ...]
    unaligned: tuple[UnalignedText, ...]
    words: int
    aligned_words: int
    duration_ms: int
    engine: str
    source_name: str = ""
    warnings: tuple[str, ...] = field(default=())
