"""One contract for the speech-aligner port, run against pocketsphinx and the fake.

Both load a media file's audio, recognise words from the given vocabulary with media times
inside the clip, force-align one entry per word in order, honour ``should_stop``, and refuse
missing media. Accuracy on real speech is pocketsphinx's own test
(``test_pocketsphinx_aligner.py``): the fake only spreads words evenly.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from player.core.align.types import AlignCancelled, AlignError, Audio, SpeechAligner
from player.engines.fake_aligner import FakeAligner
from player.engines.pocketsphinx_aligner import PocketsphinxAligner
from tests.engines.conftest import SpeechCase

WORDS = ["good", "afternoon", "everyone", "and", "thank", "you", "for", "coming"]


def _never() -> bool:
    return False


def test_the_two_implementations_are_the_ones_tested() -> None:
    assert isinstance(PocketsphinxAligner().name, str)
    assert FakeAligner().name


def test_load_audio_gives_the_media_length(aligner: SpeechAligner, speech: SpeechCase) -> None:
    audio = aligner.load_audio(str(speech.media))
    assert audio.offset_ms == 0
    assert audio.duration_ms > speech.starts_ms[-1] + 1000


def test_missing_media_is_an_align_error(aligner: SpeechAligner, tmp_path: Path) -> None:
    with pytest.raises(AlignError):
        aligner.load_audio(str(tmp_path / "missing.mp3"))


def test_align_gives_one_ordered_time_per_word_inside_the_clip(
    aligner: SpeechAligner, speech: SpeechCase
) -> None:
    audio = aligner.load_audio(str(speech.media))
    clip = audio.clip(0, speech.starts_ms[1] - 100)
    times = aligner.align(clip, WORDS, should_stop=_never)
    assert len(times) == len(WORDS)
    placed = [t for t in times if t is not None]
    assert len(placed) == len(WORDS)
    for earlier, later in itertools.pairwise(placed):
        assert earlier.start_ms < later.start_ms
    assert all(
        clip.offset_ms <= t.start_ms < t.end_ms <= clip.offset_ms + clip.duration_ms + 20
        for t in placed
    )


def test_align_keeps_media_times_for_a_clip_that_starts_later(
    aligner: SpeechAligner, speech: SpeechCase
) -> None:
    audio = aligner.load_audio(str(speech.media))
    start = speech.starts_ms[1] - 300
    clip = audio.clip(start, speech.starts_ms[2] - 100)
    assert clip.offset_ms == pytest.approx(start, abs=1)
    times = aligner.align(clip, ["the", "secretary"], should_stop=_never)
    assert all(t is not None and t.start_ms >= start for t in times)


def test_recognize_returns_vocabulary_words_inside_the_clip(
    aligner: SpeechAligner, speech: SpeechCase
) -> None:
    audio = aligner.load_audio(str(speech.media))
    vocabulary = " ".join(speech.sentences).lower().replace(",", "").replace(".", "").split()
    clip = audio.clip(0, 4000)
    heard = aligner.recognize(clip, vocabulary, should_stop=_never)
    assert heard
    assert {word.word for word in heard} <= set(vocabulary) | {"two", "thousand", "five", "hundred"}
    assert all(0 <= w.start_ms < w.end_ms <= 4000 + 20 for w in heard)


def test_should_stop_cancels(aligner: SpeechAligner) -> None:
    silence = Audio(b"\x01\x00" * 32_000)
    with pytest.raises(AlignCancelled):
        aligner.align(silence, WORDS, should_stop=lambda: True)
    with pytest.raises(AlignCancelled):
        aligner.recognize(silence, WORDS, should_stop=lambda: True)


def test_too_short_a_clip_places_nothing(aligner: SpeechAligner) -> None:
    tiny = Audio(b"\x01\x00" * 16)
    assert aligner.align(tiny, WORDS, should_stop=_never) == [None] * len(WORDS)
