"""The faster-whisper adapter (CTranslate2 Whisper models): the only module importing
``faster_whisper`` and ``ctranslate2``.

``WhisperTranscriber(choice)`` loads the model of a ``ModelChoice`` (``player.engines.
whisper_models.find_model``) on first use, on the CPU with int8 weights, and implements the
``player.core.transcribe.types.Transcriber`` port: 16 kHz mono audio in, segments of words with
Whisper's (loose) times out, each segment handed on as soon as it is decoded. A folder that is
not a model, a damaged model and too little memory are ``TranscribeError`` with one line.
``should_stop`` is polled between segments (Whisper decodes 30 s windows: one window takes
about a second with ``tiny.en`` on two cores).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from player.core.align.types import (
    SAMPLE_RATE_HZ,
    AlignCancelled,
    Audio,
    ProgressCallback,
    StopCheck,
)
from player.core.transcribe.models import ModelChoice, missing_model_files
from player.core.transcribe.types import Segment, SegmentCallback, TranscribeError, Word

__all__ = ["WhisperTranscriber", "engine_version"]

log = logging.getLogger(__name__)

_MEMORY_WORDS = ("out of memory", "bad_alloc", "cannot allocate", "failed to allocate")


def _never() -> bool:
    return False


def engine_version() -> str:
    """faster-whisper's version (empty when it is not installed)."""
    try:
        import faster_whisper
    except ImportError:
        return ""
    return str(getattr(faster_whisper, "__version__", ""))


def _memory_error(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in _MEMORY_WORDS)


class WhisperTranscriber:
    """faster-whisper on the CPU (int8), loaded lazily; see the module docstring."""

    def __init__(self, choice: ModelChoice, *, cpu_threads: int = 0, beam_size: int = 1) -> None:
        self.choice = choice
        self._threads = cpu_threads or min(4, os.cpu_count() or 1)
        self._beam_size = beam_size
        self._model: Any = None

    @property
    def name(self) -> str:
        """``faster-whisper VERSION`` for the output's header."""
        return f"faster-whisper {engine_version()}".strip()

    @property
    def model_name(self) -> str:
        """The model's short name."""
        return self.choice.name

    def load(self) -> None:
        """Load the model now (``TranscribeError`` when it cannot be)."""
        if self._model is not None:
            return
        path = self.choice.path
        missing = missing_model_files(set(os.listdir(path)) if os.path.isdir(path) else set())
        if missing:
            raise TranscribeError(
                f"not a Whisper model folder (CTranslate2): missing {', '.join(missing)}",
                path=path,
            )
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise TranscribeError(
                "transcription is not installed: pip install 'briefing-player[transcribe]'"
            ) from None
        try:
            self._model = WhisperModel(
                path, device="cpu", compute_type="int8", cpu_threads=self._threads
            )
        except MemoryError:
            raise TranscribeError(
                f"not enough memory to load the speech model {self.choice.name}", path=path
            ) from None
        except Exception as err:  # ctranslate2 and tokenizers raise RuntimeError/ValueError/...
            first = (str(err).strip().splitlines() or [type(err).__name__])[0][:160]
            log.warning("loading the model %s failed: %r", path, err)
            if _memory_error(first):
                raise TranscribeError(
                    f"not enough memory to load the speech model {self.choice.name}", path=path
                ) from None
            raise TranscribeError(
                f"the speech model is damaged or not a Whisper model ({first})", path=path
            ) from None

    def transcribe(
        self,
        audio: Audio,
        *,
        language: str | None = None,
        progress: ProgressCallback | None = None,
        should_stop: StopCheck = _never,
        on_segment: SegmentCallback | None = None,
    ) -> list[Segment]:
        """The segments of speech in ``audio`` (media times), in order."""
        if should_stop():
            raise AlignCancelled
        if language and language != "en" and self.choice.name.endswith(".en"):
            raise TranscribeError(
                f"the speech model {self.choice.name} knows English only: for {language!r} "
                "give --model a multilingual model (base, small, medium, large-v3...)"
            )
        self.load()
        import numpy as np

        samples = np.frombuffer(audio.samples, dtype="<i2").astype(np.float32) / 32768.0
        duration_ms = max(1, audio.duration_ms)
        out: list[Segment] = []
        try:
            pieces, _info = self._model.transcribe(
                samples,
                language=language or "en",
                beam_size=self._beam_size,
                word_timestamps=True,
                condition_on_previous_text=False,
                vad_filter=False,
            )
            for piece in pieces:
                segment = self._segment(piece, audio.offset_ms)
                if segment is not None:
                    out.append(segment)
                    if on_segment is not None:
                        on_segment(segment)
                if progress is not None:
                    progress(
                        min(1.0, (segment.end_ms - audio.offset_ms) / duration_ms)
                        if segment is not None
                        else 0.0
                    )
                if should_stop():
                    raise AlignCancelled
        except (AlignCancelled, TranscribeError):
            raise
        except MemoryError:
            raise TranscribeError("not enough memory to transcribe this recording") from None
        except Exception as err:
            first = (str(err).strip().splitlines() or [type(err).__name__])[0][:160]
            log.warning("transcription failed: %r", err)
            if _memory_error(first):
                raise TranscribeError("not enough memory to transcribe this recording") from None
            raise TranscribeError(f"the speech engine failed ({first})") from None
        if progress is not None:
            progress(1.0)
        return out

    @staticmethod
    def _segment(piece: Any, offset_ms: int) -> Segment | None:
        words: list[Word] = []
        for word in piece.words or ():
            raw = str(word.word)
            text = raw.strip()
            if not text:
                continue
            start = offset_ms + round(float(word.start) * 1000)
            end = max(start + 1, offset_ms + round(float(word.end) * 1000))
            if words and not raw[:1].isspace():
                # Whisper starts each word with a space: without one, this piece ("2" then
                # ",500") continues the word before.
                before = words[-1]
                words[-1] = Word(before.text + text, before.start_ms, max(before.end_ms, end))
                continue
            words.append(Word(text, start, end))
        if not words:
            return None
        start = offset_ms + round(float(piece.start) * 1000)
        end = offset_ms + round(float(piece.end) * 1000)
        return Segment(min(start, words[0].start_ms), max(end, words[-1].end_ms), tuple(words))


assert SAMPLE_RATE_HZ == 16_000  # Whisper's own rate: the samples go in as they are
