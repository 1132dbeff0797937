"""The pocketsphinx speech engine (the only module importing ``pocketsphinx``).

``PocketsphinxAligner`` implements the aligner port (``player.engines.recognizer``) with
pocketsphinx 5 and the en-us acoustic model and dictionary its wheel ships (nothing is
downloaded); ``PocketsphinxAligner(model_dir=DIR)`` uses a user-supplied model folder (an
acoustic model folder with ``mdef`` plus a ``*.dict`` pronunciation dictionary).

Facts measured on this machine that shape it:

* exact digital silence gives no result at all: the decoder runs with ``dither`` (a faint noise
  floor added to every frame);
* alignment can return only a prefix of the words, silently: every word is checked, and the
  missing ones come back as ``None``;
* ``silprob`` 1.0 stops sentence starts being placed ~300 ms early;
* the full dictionary makes adding words slow (~1.3 s each): the decoder gets a small
  dictionary written once per vocabulary with just the words needed, the missing ones guessed
  by ``player.engines.letter_to_sound`` in one batch;
* recognition uses an n-gram model built from the text itself (``pocketsphinx.lm``), a few
  hundred words: fast, and it hears what the text says.

Clips are processed as one utterance each (the pipeline keeps them under ~25 s, about a
second of work), and ``should_stop`` is checked before and after.
"""

from __future__ import annotations

import io
import logging
import os
import random
import re
import shutil
import struct
import tempfile
import weakref
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import pocketsphinx
from pocketsphinx.lm import ArpaBoLM

from player.core.align.types import (
    AlignCancelled,
    AlignError,
    Audio,
    ProgressCallback,
    RecognizedWord,
    StopCheck,
    WordTime,
)
from player.engines.audio_decode import decode_pcm16
from player.engines.letter_to_sound import guess_phones

__all__ = ["PocketsphinxAligner"]

log = logging.getLogger(__name__)

FRAME_MS = 10
"""pocketsphinx's frame rate: 100 frames a second."""
MAX_UNKNOWN_SHARE = 0.4
"""Above this share of distinct words missing from the English dictionary: not English."""
_PAD = struct.pack("<4800h", *random.Random(3).choices(range(-4, 5), k=4800))
"""300 ms of a faint noise floor after every clip: with it, a last word that ends near the clip's
end is returned (with exact silence, or none, it was dropped about one time in three)."""
_FILLERS = re.compile(r"^(<s>|</s>|<sil>|\[.*\]|\(NULL\)|\+\+.*\+\+)$")


def _never() -> bool:
    return False


def _version() -> str:
    try:
        return metadata.version("pocketsphinx")
    except metadata.PackageNotFoundError:  # pragma: no cover - an unusual installation
        return "5"


def _find_model(model_dir: str | None) -> tuple[str, str, bool]:
    """(acoustic model folder, dictionary file, is the shipped English model)."""
    if model_dir is None:
        return (
            pocketsphinx.get_model_path("en-us/en-us"),
            pocketsphinx.get_model_path("en-us/cmudict-en-us.dict"),
            True,
        )
    root = Path(model_dir)
    if not root.is_dir():
        raise AlignError("the model folder does not exist", path=model_dir)
    acoustic = next((p.parent for p in sorted(root.rglob("mdef")) if p.is_file()), None)
    dictionary = next((p for p in sorted(root.rglob("*.dict")) if p.is_file()), None)
    if acoustic is None or dictionary is None:
        raise AlignError(
            "not a pocketsphinx model folder (it needs an acoustic model with 'mdef' and a "
            "'.dict' pronunciation dictionary)",
            path=model_dir,
        )
    return str(acoustic), str(dictionary), False


def _base(word: str) -> str:
    """A dictionary entry's word without its alternate marker: ``read(2)`` -> ``read``."""
    return re.sub(r"\(\d+\)$", "", word)


class PocketsphinxAligner:
    """``SpeechAligner`` on pocketsphinx 5 (see the module docstring)."""

    def __init__(self, model_dir: str | None = None) -> None:
        self._acoustic, self._dictionary_path, self.english = _find_model(model_dir)
        self._lexicon: dict[str, list[str]] | None = None
        self._folder_path = ""
        self._dict_words: frozenset[str] = frozenset()
        self._dict_file = ""
        self._aligner: Any = None
        self._recognizer: Any = None
        self._lm_key: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """``pocketsphinx VERSION`` (and ``(user model)`` for ``model_dir``)."""
        return f"pocketsphinx {_version()}" + ("" if self.english else " (user model)")

    def close(self) -> None:
        """Remove the temporary dictionary and language model files."""
        self._aligner = self._recognizer = None
        if self._folder_path:
            shutil.rmtree(self._folder_path, ignore_errors=True)
            self._folder_path = ""

    def _folder(self) -> str:
        """A private temporary folder for the dictionary and the language model, removed by
        ``close`` or when the object is collected."""
        if not self._folder_path:
            self._folder_path = tempfile.mkdtemp(prefix="briefing-align-")
            weakref.finalize(self, shutil.rmtree, self._folder_path, ignore_errors=True)
        return self._folder_path

    # -- dictionary and models ------------------------------------------------------------

    def _load_lexicon(self) -> dict[str, list[str]]:
        if self._lexicon is None:
            lexicon: dict[str, list[str]] = {}
            with open(self._dictionary_path, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    word, _, phones = line.strip().partition(" ")
                    if word and phones:
                        key = _base(word) if word.endswith(")") else word
                        lexicon.setdefault(key, []).append(phones.strip())
            self._lexicon = lexicon
        return self._lexicon

    def unknown_words(self, words: Iterable[str]) -> list[str]:
        """The distinct words of ``words`` the dictionary lacks, sorted."""
        lexicon = self._load_lexicon()
        return sorted({w for w in words if w not in lexicon})

    def _config(self, **extra: Any) -> Any:
        config = pocketsphinx.Config()
        config["hmm"] = self._acoustic
        config["dict"] = self._dict_file
        config["samprate"] = 16_000
        config["dither"] = True
        config["seed"] = 1  # the same dither noise every run: reproducible results
        config["loglevel"] = "FATAL"
        for key, value in extra.items():
            config[key] = value
        return config

    def _ensure_words(self, words: Iterable[str]) -> None:
        """Write a small dictionary holding every word needed so far (unknown ones guessed)."""
        needed = frozenset(words) | self._dict_words
        if needed == self._dict_words and self._dict_file:
            return
        lexicon = self._load_lexicon()
        lines: list[str] = []
        guessed = 0
        for word in sorted(needed):
            prons = lexicon.get(word)
            if not prons:
                prons = [guess_phones(word)]
                guessed += 1
            for index, phones in enumerate(prons[:3]):
                entry = word if index == 0 else f"{word}({index + 1})"
                lines.append(f"{entry} {phones}\n")
        path = os.path.join(self._folder(), f"words{len(needed)}.dict")
        with open(path, "w", encoding="utf-8") as handle:
            handle.writelines(lines)
        log.debug("dictionary of %d words (%d guessed)", len(needed), guessed)
        self._dict_words = needed
        self._dict_file = path
        self._aligner = None
        self._recognizer = None
        self._lm_key = ()

    def _check_language(self, vocabulary: Sequence[str]) -> None:
        if not self.english:
            return
        distinct = set(vocabulary)
        unknown = self.unknown_words(distinct)
        if distinct and len(unknown) > MAX_UNKNOWN_SHARE * len(distinct):
            raise AlignError(
                "the text does not look like English; the shipped speech model is English "
                "(use --model DIR with a pocketsphinx model for its language)"
            )

    def _recognizer_for(self, vocabulary: Sequence[str]) -> Any:
        key = tuple(vocabulary)
        if self._recognizer is not None and key == self._lm_key:
            return self._recognizer
        self._check_language(vocabulary)
        self._ensure_words(vocabulary)
        lines = "\n".join(" ".join(key[at : at + 12]) for at in range(0, len(key), 6))
        model = ArpaBoLM(text=lines, add_start=True)
        model.compute()
        buffer = io.StringIO()
        model.write(buffer)
        lm_path = os.path.join(self._folder(), "text.arpa")
        with open(lm_path, "w", encoding="utf-8") as handle:
            handle.write(buffer.getvalue())
        # One forward pass: the flat-lexicon and best-path passes cost a fifth more time and
        # changed no word on the benchmark set (the words only anchor; alignment times them).
        self._recognizer = pocketsphinx.Decoder(
            self._config(lm=lm_path, fwdflat=False, bestpath=False)
        )
        self._lm_key = key
        return self._recognizer

    # -- the port ------------------------------------------------------------------------

    def load_audio(
        self,
        media_path: str,
        *,
        should_stop: StopCheck = _never,
        progress: ProgressCallback | None = None,
    ) -> Audio:
        """The media's first audio track as 16 kHz mono PCM (PyAV)."""
        return decode_pcm16(media_path, should_stop=should_stop, progress=progress)

    def _decode(self, decoder: Any, audio: Audio, should_stop: StopCheck) -> list[Any]:
        if should_stop():
            raise AlignCancelled
        decoder.start_utt()
        # Trailing silence lets a word cut at the clip's end finish (else it is dropped).
        decoder.process_raw(audio.samples + _PAD, full_utt=True)
        decoder.end_utt()
        if should_stop():
            raise AlignCancelled
        return list(decoder.seg() or [])

    @staticmethod
    def _times(audio: Audio, segment: Any) -> tuple[int, int]:
        """A segment's media times, clamped to the clip (the padding is not the media)."""
        clip_end = audio.offset_ms + audio.duration_ms
        start = min(clip_end, audio.offset_ms + segment.start_frame * FRAME_MS)
        end = min(clip_end, audio.offset_ms + (segment.end_frame + 1) * FRAME_MS)
        return start, end

    def recognize(
        self, audio: Audio, vocabulary: Sequence[str], *, should_stop: StopCheck
    ) -> list[RecognizedWord]:
        """Words heard in ``audio`` with a language model built from ``vocabulary``."""
        if not vocabulary or audio.duration_ms < 100:
            return []
        decoder = self._recognizer_for(vocabulary)
        heard: list[RecognizedWord] = []
        for segment in self._decode(decoder, audio, should_stop):
            word = _base(segment.word)
            if _FILLERS.match(word):
                continue
            start, end = self._times(audio, segment)
            if start < end:
                heard.append(RecognizedWord(word, start, end))
        return heard

    def align(
        self, audio: Audio, words: Sequence[str], *, should_stop: StopCheck
    ) -> list[WordTime | None]:
        """Forced alignment of ``words``; ``None`` for each word the decoder did not return.

        The decoder sometimes returns only a prefix of the words: the rest are aligned again in
        the audio after the last word placed (twice at most) before giving up on them.
        """
        times: list[WordTime | None] = [None] * len(words)
        done = 0
        clip = audio
        for _attempt in range(3):
            placed = self._align_once(clip, words[done:], should_stop)
            times[done : done + len(placed)] = placed
            count = next((k for k, t in enumerate(placed) if t is None), len(placed))
            if count == 0 or done + count >= len(words):
                break
            done += count
            last = times[done - 1]
            assert last is not None
            clip = audio.clip(last.end_ms, audio.offset_ms + audio.duration_ms)
            log.debug("alignment returned a prefix: %d of %d words", done, len(words))
        return times

    def _align_once(
        self, audio: Audio, words: Sequence[str], should_stop: StopCheck
    ) -> list[WordTime | None]:
        if not words:
            return []
        if audio.duration_ms < 50 * len(words):
            return [None] * len(words)
        self._ensure_words(words)
        if self._aligner is None:
            self._aligner = pocketsphinx.Decoder(self._config(silprob=1.0, lm=None))
        decoder = self._aligner
        try:
            decoder.set_align_text(" ".join(words))
        except RuntimeError as err:
            log.info("alignment grammar refused: %s", err)
            return [None] * len(words)
        times: list[WordTime | None] = [None] * len(words)
        at = 0
        for segment in self._decode(decoder, audio, should_stop):
            word = _base(segment.word)
            if _FILLERS.match(word) or at >= len(words):
                continue
            if word != words[at]:
                log.debug("alignment returned %r for %r", word, words[at])
                continue
            start, end = self._times(audio, segment)
            if start >= end:
                break
            times[at] = WordTime(start, end)
            at += 1
        return times
