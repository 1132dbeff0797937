"""Aligning a published text with its recording (pure; the speech engine is injected).

The public API, used by ``briefing-player align`` and the window:

* ``split_text(text, speaker_labels=True) -> list[Sentence]`` -- the text's future cues.
* ``align_sentences(sentences, audio, engine, *, progress, should_stop, source_name)
  -> AlignmentResult`` -- anchor, then force-align (``pipeline``).
* ``render_vtt(result) -> str`` -- the WebVTT file's text (header NOTE, voices, inline word
  timestamps, NOTE blocks for unaligned text).
* ``retime_words(audio, words, guide, engine)`` -- re-time words a recogniser already placed
  roughly (transcription).
* Types: ``Audio`` (16 kHz mono int16 PCM), ``AlignmentResult`` (``cues``, ``unaligned``,
  ``words``, ``aligned_words``, ``duration_ms``, ``engine``), ``AlignedCue``, ``UnalignedText``,
  ``SpeechAligner`` (the engine port), ``AlignError``, ``AlignCancelled``.

The one-call entry that reads the files and picks the engine is
``player.engines.alignment.align_text(media_path, text_path, *, engine=None, progress=None,
should_stop=None) -> AlignmentResult`` and ``write_aligned_vtt(result, out_path, force=False)``
(they use foreign readers and decoders, so they live beside the engines, not in this pure core).
"""

from __future__ import annotations

from player.core.align.pipeline import align_sentences, retime_words
from player.core.align.segment import Sentence, split_text
from player.core.align.types import (
    SAMPLE_RATE_HZ,
    AlignCancelled,
    AlignedCue,
    AlignError,
    AlignmentResult,
    Audio,
    CueWord,
    ProgressCallback,
    RecognizedWord,
    SpeechAligner,
    StopCheck,
    UnalignedText,
    WordTime,
)
from player.core.align.vtt_writer import render_vtt

__all__ = [
    "SAMPLE_RATE_HZ",
    "AlignCancelled",
    "AlignError",
    "AlignedCue",
    "AlignmentResult",
    "Audio",
    "CueWord",
    "ProgressCallback",
    "RecognizedWord",
    "Sentence",
    "SpeechAligner",
    "StopCheck",
    "UnalignedText",
    "WordTime",
    "align_sentences",
    "render_vtt",
    "retime_words",
    "split_text",
]
