"""Pauses in 16 kHz mono speech, found from frame levels in pure Python.

Used to cut long audio into windows at pauses (one recognition grammar over a long text scales
badly) and to tell silent media. Levels are mean absolute sample values of 20 ms frames,
sub-sampled (every 4th sample) so an hour of audio takes a second or two.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable

from player.core.align.types import SAMPLE_RATE_HZ, AlignCancelled, Audio

__all__ = ["FRAME_MS", "chunk_bounds", "find_pauses", "frame_levels"]

FRAME_MS = 20
_FRAME = SAMPLE_RATE_HZ * FRAME_MS // 1000


def _never() -> bool:
    return False


def frame_levels(
    audio: Audio,
    *,
    progress: Callable[[float], None] | None = None,
    should_stop: Callable[[], bool] = _never,
) -> list[int]:
    """Mean absolute level of each 20 ms frame (0 to 32768).

    Works through the audio a minute at a time, reporting the fraction done to ``progress`` and
    raising ``AlignCancelled`` when ``should_stop`` says so (an hour takes a few seconds).
    """
    step = 4
    count = _FRAME // step
    levels: list[int] = []
    block = 60 * SAMPLE_RATE_HZ * 2
    total = len(audio.samples) // 2 * 2
    for offset in range(0, total, block):
        if should_stop():
            raise AlignCancelled
        samples = array("h")
        samples.frombytes(audio.samples[offset : min(total, offset + block)])
        if sys.byteorder == "big":
            samples.byteswap()
        levels.extend(
            sum(map(abs, samples[at : at + _FRAME : step])) // count
            for at in range(0, len(samples) - _FRAME + 1, _FRAME)
        )
        if progress is not None:
            progress(min(1.0, (offset + block) / max(1, total)))
    return levels


def speech_threshold(levels: list[int]) -> int:
    """A level between the noise floor and speech: a tenth of the loud frames' level."""
    if not levels:
        return 0
    ordered = sorted(levels)
    floor = ordered[len(ordered) // 10]
    loud = ordered[min(len(ordered) - 1, len(ordered) * 9 // 10)]
    return max(floor + (loud - floor) // 10, floor * 2, 30)


def find_pauses(
    audio: Audio, *, min_pause_ms: int = 200, levels: list[int] | None = None
) -> list[tuple[int, int]]:
    """Stretches of at least ``min_pause_ms`` below the speech level, as media times.

    ``levels`` are the audio's ``frame_levels`` when the caller has them already.
    """
    if levels is None:
        levels = frame_levels(audio)
    threshold = speech_threshold(levels)
    pauses: list[tuple[int, int]] = []
    run_start: int | None = None
    for index, level in enumerate([*levels, threshold + 1]):
        if level < threshold:
            if run_start is None:
                run_start = index
        elif run_start is not None:
            if (index - run_start) * FRAME_MS >= min_pause_ms:
                pauses.append(
                    (audio.offset_ms + run_start * FRAME_MS, audio.offset_ms + index * FRAME_MS)
                )
            run_start = None
    return pauses


def chunk_bounds(
    audio: Audio, pauses: list[tuple[int, int]], *, max_ms: int = 25_000, min_ms: int = 8_000
) -> list[tuple[int, int]]:
    """Windows covering ``audio``, each at most ``max_ms``, cut in the longest pause available."""
    start = audio.offset_ms
    end = audio.offset_ms + audio.duration_ms
    bounds: list[tuple[int, int]] = []
    while end - start > max_ms:
        candidates = [p for p in pauses if start + min_ms <= (p[0] + p[1]) // 2 <= start + max_ms]
        if candidates:
            best = max(candidates, key=lambda p: (min(p[1] - p[0], 1000), p[0]))
            cut = (best[0] + best[1]) // 2
        else:
            cut = start + max_ms
        bounds.append((start, cut))
        start = cut
    bounds.append((start, end))
    return bounds
