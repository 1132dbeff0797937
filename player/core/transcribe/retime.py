"""Re-timing recognised words with the aligner: Whisper's text, the aligner's times.

A recogniser's own word times are loose (``tiny.en``: sentence starts off by 259 ms on average,
584 ms at p95, measured on espeak speech). ``retime(words, audio, aligner)`` force-aligns the
recognised text with ``player.core.align.retime_words`` -- each word spoken out as the aligner
reads it ("13" -> "thirteen"), the recogniser's times only guiding the windows -- and returns
the words with the aligner's times. A word the aligner could not place keeps its guided time,
moved so that starts never go backwards.
"""

from __future__ import annotations

from collections.abc import Sequence

from player.core.align.normalize import spoken_tokens
from player.core.align.pipeline import retime_words
from player.core.align.types import Audio, SpeechAligner, StopCheck, WordTime
from player.core.transcribe.types import Word

__all__ = ["retime"]


def _never() -> bool:
    return False


def _tokens_and_guides(
    words: Sequence[Word],
) -> tuple[list[str], list[tuple[int, int]], list[tuple[int, int]]]:
    """Spoken tokens, a guide per token (the word's span cut evenly), and each word's token
    range."""
    tokens: list[str] = []
    guides: list[tuple[int, int]] = []
    ranges: list[tuple[int, int]] = []
    for index, word in enumerate(words):
        following = words[index + 1].text if index + 1 < len(words) else ""
        spoken = spoken_tokens(word.text, following)
        first = len(tokens)
        span = max(1, word.end_ms - word.start_ms)
        for k, token in enumerate(spoken):
            start = word.start_ms + span * k // len(spoken)
            end = word.start_ms + span * (k + 1) // len(spoken)
            tokens.append(token)
            guides.append((start, max(start + 1, end)))
        ranges.append((first, len(tokens)))
    return tokens, guides, ranges


def retime(
    words: Sequence[Word],
    audio: Audio,
    aligner: SpeechAligner,
    *,
    should_stop: StopCheck = _never,
) -> tuple[list[Word], int]:
    """``words`` with the aligner's times, and how many of them it placed."""
    if not words:
        return [], 0
    tokens, guides, ranges = _tokens_and_guides(words)
    times: list[WordTime | None] = (
        retime_words(audio, tokens, guides, aligner, should_stop=should_stop) if tokens else []
    )
    out: list[Word] = []
    placed = 0
    floor = audio.offset_ms
    for word, (first, last) in zip(words, ranges, strict=True):
        got = [t for t in times[first:last] if t is not None]
        if got and got[0].start_ms >= floor:
            start, end = got[0].start_ms, max(t.end_ms for t in got)
            placed += 1
        else:
            start, end = max(floor, word.start_ms), max(floor, word.end_ms)
        end = max(end, start + 1)
        out.append(Word(word.text, start, end))
        floor = start
    return out, placed
