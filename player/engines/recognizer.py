"""The speech-engine port for implementers: what an aligner engine must provide.

The protocol itself lives in the pure core (``player.core.align.types.SpeechAligner``) so the
pipeline can name it; it is re-exported here beside its implementations:

* ``load_audio(media_path, *, should_stop, progress) -> Audio`` -- the first audio track,
  16 kHz mono int16 PCM; ``AlignError`` when there is none;
* ``recognize(audio, vocabulary, *, should_stop) -> list[RecognizedWord]`` -- what is said in a
  clip, guided by the text's spoken tokens in order (``vocabulary``);
* ``align(audio, words, *, should_stop) -> list[WordTime | None]`` -- forced alignment of
  ``words`` in a clip, one entry per word, ``None`` where a word could not be placed;
* ``name`` -- engine and version for the output's header.

Times are media times in integer milliseconds (the clip's ``offset_ms`` included). Both calls
poll ``should_stop`` at least every second and raise ``AlignCancelled`` when it returns True.
Implementations: ``player.engines.pocketsphinx_aligner.PocketsphinxAligner`` and
``player.engines.fake_aligner.FakeAligner``; ``tests/engines/test_aligner_contract.py`` runs one
contract suite against both.
"""

from __future__ import annotations

from player.core.align.types import (
    AlignCancelled,
    AlignError,
    Audio,
    RecognizedWord,
    SpeechAligner,
    StopCheck,
    WordTime,
)

__all__ = [
    "AlignCancelled",
    "AlignError",
    "Audio",
    "RecognizedWord",
    "SpeechAligner",
    "StopCheck",
    "WordTime",
]
