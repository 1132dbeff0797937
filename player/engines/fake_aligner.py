"""A deterministic stand-in for the speech engine, for tests and the window flow.

``FakeAligner`` pretends the text is read evenly over the whole audio: the ``i``-th of ``N``
tokens of the vocabulary starts at ``i * duration / N``. ``recognize`` returns the tokens whose
time falls in the clip; ``align`` spreads the words evenly over the clip. ``load_audio`` makes
synthetic audio (bursts of "speech" with short pauses) as long as the media's probed duration,
or ``duration_ms`` when given, without decoding anything. ``delay_s`` makes each call slow
(polling ``should_stop``) so tests can watch progress and Cancel.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

from player.core.align.types import (
    SAMPLE_RATE_HZ,
    AlignCancelled,
    AlignError,
    Audio,
    ProgressCallback,
    RecognizedWord,
    StopCheck,
    WordTime,
)
from player.core.media.probe import probe_media

__all__ = ["FakeAligner", "fake_decode", "synthetic_audio"]


def _never() -> bool:
    return False


def synthetic_audio(duration_ms: int, *, burst_ms: int = 2000, pause_ms: int = 400) -> Audio:
    """Loud bursts separated by quiet pauses: audio the pipeline takes for speech."""
    period = burst_ms + pause_ms
    loud = b"\x00\x10\x00\xf0"  # +4096, -4096
    quiet = b"\x03\x00\xfd\xff"  # +3, -3
    parts: list[bytes] = []
    for start in range(0, duration_ms, period):
        burst = min(burst_ms, duration_ms - start)
        pause = min(pause_ms, duration_ms - start - burst)
        parts.append(loud * (burst * SAMPLE_RATE_HZ // 2000))
        if pause > 0:
            parts.append(quiet * (pause * SAMPLE_RATE_HZ // 2000))
    return Audio(b"".join(parts))


def fake_decode(media_path: str, *, duration_ms: int | None = None) -> Audio:
    """The fake of ``player.engines.audio_decode.decode_pcm16``: synthetic audio of the
    media's probed duration (or ``duration_ms``); ``AlignError`` as the real decoder's."""
    if not os.path.isfile(media_path):
        reason = "file not found" if not os.path.exists(media_path) else "not a regular file"
        raise AlignError(reason, path=media_path)
    duration = duration_ms if duration_ms is not None else probe_media(media_path).duration_ms
    if not duration:
        raise AlignError("the media has no audio track", path=media_path)
    return synthetic_audio(duration)


class FakeAligner:
    """Deterministic ``SpeechAligner``: even timings, no decoding, optional slowness."""

    def __init__(self, *, duration_ms: int | None = None, delay_s: float = 0.0) -> None:
        self._duration_ms = duration_ms
        self._delay_s = delay_s
        self.calls: list[str] = []
        """The calls made, in order (``"load_audio"``, ``"recognize"``, ``"align"``)."""

    @property
    def name(self) -> str:
        """Engine name for the output's header."""
        return "fake aligner 1.0"

    def _wait(self, should_stop: StopCheck) -> None:
        if should_stop():
            raise AlignCancelled
        waited = threading.Event()
        remaining = self._delay_s
        while remaining > 0:
            step = min(0.05, remaining)
            waited.wait(step)
            remaining -= step
            if should_stop():
                raise AlignCancelled

    def load_audio(
        self,
        media_path: str,
        *,
        should_stop: StopCheck = _never,
        progress: ProgressCallback | None = None,
    ) -> Audio:
        """Synthetic audio as long as the media (``AlignError`` if missing or without length)."""
        self.calls.append("load_audio")
        self._wait(should_stop)
        if progress is not None:
            progress(1.0)
        audio = fake_decode(media_path, duration_ms=self._duration_ms)
        self._duration_ms = audio.duration_ms
        return audio

    def recognize(
        self, audio: Audio, vocabulary: Sequence[str], *, should_stop: StopCheck
    ) -> list[RecognizedWord]:
        """The vocabulary's tokens timed evenly over the whole audio, those inside the clip."""
        self.calls.append("recognize")
        self._wait(should_stop)
        total = self._duration_ms or (audio.offset_ms + audio.duration_ms)
        count = max(1, len(vocabulary))
        step = total / count
        start, end = audio.offset_ms, audio.offset_ms + audio.duration_ms
        heard: list[RecognizedWord] = []
        for index, token in enumerate(vocabulary):
            at = round(index * step)
            if start <= at < end:
                heard.append(RecognizedWord(token, at, min(end, round(at + step * 0.8) + 1)))
        return heard

    def align(
        self, audio: Audio, words: Sequence[str], *, should_stop: StopCheck
    ) -> list[WordTime | None]:
        """``words`` spread evenly over the clip."""
        self.calls.append("align")
        self._wait(should_stop)
        if not words or audio.duration_ms < len(words):
            return [None] * len(words)
        step = audio.duration_ms / len(words)
        return [
            WordTime(
                audio.offset_ms + round(k * step), audio.offset_ms + round((k + 0.8) * step) + 1
            )
            for k in range(len(words))
        ]
