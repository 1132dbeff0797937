"""A deterministic stand-in for the speech recogniser and the model source, for tests.

``FakeTranscriber(script)`` "recognises" the words of ``script`` spread evenly over the audio,
one segment per sentence, handing each on as it goes; ``delay_s`` makes each segment slow
(polling ``should_stop``) so tests can watch partial results, progress and Cancel. Silent audio
(no sample above a faint floor) gives no segments, as a real recogniser does.
``FakeModelSource`` "downloads" a model by writing a small model folder, with progress and
Cancel, never touching the network.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from player.core.align.types import AlignCancelled, Audio, ProgressCallback, StopCheck
from player.core.transcribe.models import KNOWN_MODELS, ModelChoice, ModelInfo
from player.core.transcribe.types import (
    Segment,
    SegmentCallback,
    TranscribeError,
    Word,
    is_silent,
)

__all__ = ["FakeModelSource", "FakeTranscriber", "is_silent"]

DEFAULT_SCRIPT = (
    "Good afternoon, everyone. The minister met the delegation on Tuesday. "
    "More than 2,500 families have returned home. Any questions?"
)


def _never() -> bool:
    return False


def _wait(delay_s: float, should_stop: StopCheck) -> None:
    if should_stop():
        raise AlignCancelled
    event = threading.Event()
    remaining = delay_s
    while remaining > 0:
        step = min(0.05, remaining)
        event.wait(step)
        remaining -= step
        if should_stop():
            raise AlignCancelled


class FakeTranscriber:
    """Deterministic ``Transcriber``: the script's words, evenly timed, a segment a sentence."""

    def __init__(
        self, script: str = DEFAULT_SCRIPT, *, delay_s: float = 0.0, model: str = "fake.en"
    ) -> None:
        self.script = script
        self._delay_s = delay_s
        self._model = model
        self.segments_made = 0

    @property
    def name(self) -> str:
        """Engine name for the output's header."""
        return "fake transcriber 1.0"

    @property
    def model_name(self) -> str:
        """The model's short name."""
        return self._model

    def transcribe(
        self,
        audio: Audio,
        *,
        language: str | None = None,
        progress: ProgressCallback | None = None,
        should_stop: StopCheck = _never,
        on_segment: SegmentCallback | None = None,
    ) -> list[Segment]:
        """The script over ``audio`` (nothing for silent audio)."""
        if should_stop():
            raise AlignCancelled
        if is_silent(audio) or audio.duration_ms < 100:
            if progress is not None:
                progress(1.0)
            return []
        sentences = [s for s in re.split(r"(?<=[.?!])\s+", self.script.strip()) if s]
        total = sum(len(s.split()) for s in sentences)
        step = audio.duration_ms / max(1, total)
        at = 0
        out: list[Segment] = []
        for sentence in sentences:
            _wait(self._delay_s, should_stop)
            words = []
            for text in sentence.split():
                start = audio.offset_ms + round(at * step)
                words.append(Word(text, start, start + max(1, round(step * 0.8))))
                at += 1
            segment = Segment(words[0].start_ms, words[-1].end_ms, tuple(words))
            out.append(segment)
            self.segments_made += 1
            if on_segment is not None:
                on_segment(segment)
            if progress is not None:
                progress(at / max(1, total))
        return out


class FakeModelSource:
    """Writes a small model folder under ``root`` as a "download"; ``delay_s`` per tenth."""

    def __init__(self, root: str | Path, *, delay_s: float = 0.0, fail: str = "") -> None:
        self.root = Path(root)
        self._delay_s = delay_s
        self._fail = fail
        self.downloads: list[str] = []

    def info(self, name: str) -> ModelInfo:
        """The known model's size and origin."""
        info = KNOWN_MODELS.get(name)
        if info is None:
            raise TranscribeError(f"unknown speech model {name!r}")
        return info

    def download(
        self, name: str, *, progress: ProgressCallback, should_stop: StopCheck
    ) -> ModelChoice:
        """A model folder with the files a model has (contents are not a real model)."""
        self.info(name)
        self.downloads.append(name)
        for tenth in range(1, 11):
            _wait(self._delay_s, should_stop)
            progress(tenth / 10)
        if self._fail:
            raise TranscribeError(f"could not download the speech model {name}: {self._fail}")
        folder = self.root / name
        os.makedirs(folder, exist_ok=True)
        for file in ("model.bin", "config.json", "tokenizer.json"):
            (folder / file).write_text("{}" if file.endswith(".json") else "fake", "utf-8")
        return ModelChoice(str(folder), name, "cache")
