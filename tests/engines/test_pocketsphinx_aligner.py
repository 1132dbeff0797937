"""Real pocketsphinx on speech made with espeak-ng at test time: sentence starts where they are
spoken, text the audio lacks reported unaligned, speech the text lacks not pulling the next cue
early, names missing from the dictionary guessed, Cancel honoured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from player.core.align.types import AlignCancelled, AlignError
from player.engines.alignment import align_text
from player.engines.pocketsphinx_aligner import PocketsphinxAligner
from tests.engines.conftest import SpeechCase, load_make_align_set, need_speech_tools

TOLERANCE_MS = 150
"""Generous for a loaded machine; measured errors are 10-40 ms (benchmarks/bench_align.py)."""


def test_sentence_starts_are_found(speech: SpeechCase) -> None:
    result = align_text(speech.media, speech.text)
    assert [c.text for c in result.cues] == speech.sentences
    for cue, truth in zip(result.cues, speech.starts_ms, strict=True):
        assert abs(cue.start_ms - truth) <= TOLERANCE_MS, cue.text
    assert result.aligned_words == result.words
    assert result.unaligned == ()
    assert result.engine.startswith("pocketsphinx 5")


def test_a_differing_text(tmp_path: Path) -> None:
    need_speech_tools()
    maker = load_make_align_set()
    sentences = [
        "Good afternoon, everyone, and thank you for coming.",
        "The Secretary met Ambassador DeLaurentis on Tuesday to discuss the convoy.",
        "More than 2,500 families have now returned to their homes.",
        "The talks in Geneva will resume next week.",
    ]
    items = [maker.Spoken(s) for s in sentences]
    items[2].in_text = False  # spoken, missing from the text
    unspoken = "This sentence appears in the published text but was never read aloud."
    items.insert(3, maker.Spoken(unspoken, spoken=False))
    media = maker.write_case(tmp_path, "differing", items)
    truth = json.loads((tmp_path / "differing.truth.json").read_text("utf-8"))
    result = align_text(media, tmp_path / "differing.txt")
    assert [u.text for u in result.unaligned] == [unspoken]
    assert [c.text for c in result.cues] == [t["text"] for t in truth]
    for cue, item in zip(result.cues, truth, strict=True):
        # The sentence after the unscripted one starts where it is spoken, not seconds early.
        assert abs(cue.start_ms - item["start_ms"]) <= TOLERANCE_MS, cue.text


def test_words_missing_from_the_dictionary_get_a_guess() -> None:
    engine = PocketsphinxAligner()
    unknown = engine.unknown_words(["good", "zelenskyy", "ghebreyesus"])
    assert unknown == ["ghebreyesus", "zelenskyy"]
    engine._ensure_words(["good", "zelenskyy", "ghebreyesus"])  # one batch, no error
    engine.close()


def test_cancel_during_alignment(speech: SpeechCase) -> None:
    calls = 0

    def stop() -> bool:
        nonlocal calls
        calls += 1
        return calls > 2

    with pytest.raises(AlignCancelled):
        align_text(speech.media, speech.text, should_stop=stop)


def test_a_model_folder_that_is_not_a_model(tmp_path: Path) -> None:
    with pytest.raises(AlignError, match="not a pocketsphinx model folder"):
        PocketsphinxAligner(model_dir=str(tmp_path))
    with pytest.raises(AlignError, match="does not exist"):
        PocketsphinxAligner(model_dir=str(tmp_path / "nothing"))


def test_a_user_model_folder(speech: SpeechCase) -> None:
    import pocketsphinx

    engine = PocketsphinxAligner(model_dir=pocketsphinx.get_model_path("en-us"))
    assert engine.name.endswith("(user model)")
    result = align_text(speech.media, speech.text, engine=engine)
    engine.close()
    assert [c.text for c in result.cues] == speech.sentences
    for cue, truth in zip(result.cues, speech.starts_ms, strict=True):
        assert abs(cue.start_ms - truth) <= TOLERANCE_MS, cue.text


def test_retime_words_corrects_loose_recogniser_times(speech: SpeechCase) -> None:
    """Issue 15's use: words a recogniser placed roughly (here 400 ms late) are re-timed."""
    from player.core.align import retime_words

    engine = PocketsphinxAligner()
    audio = engine.load_audio(str(speech.media))
    words = [
        "the",
        "secretary",
        "met",
        "ambassador",
        "delaurentis",
        "on",
        "tuesday",
        "to",
        "discuss",
        "the",
        "convoy",
    ]
    start = speech.starts_ms[1] + 400
    guide = [(start + 350 * k, start + 350 * (k + 1)) for k in range(len(words))]
    times = retime_words(audio, words, guide, engine)
    engine.close()
    assert all(t is not None for t in times)
    first = times[0]
    assert first is not None
    assert abs(first.start_ms - speech.starts_ms[1]) <= TOLERANCE_MS
