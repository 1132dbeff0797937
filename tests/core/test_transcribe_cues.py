"""Recognised words to cues, the re-timing, and the WebVTT written (pure)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from player.core.align.types import Audio
from player.core.formats.load import load_transcript
from player.core.transcribe.cues import make_cues, snap_to_onsets
from player.core.transcribe.retime import retime
from player.core.transcribe.types import TranscribedCue, TranscriptionResult, Word, is_silent
from player.core.transcribe.vtt import render_transcript_vtt
from player.engines.fake_aligner import FakeAligner, synthetic_audio


def words(text: str, start_ms: int = 0, step_ms: int = 300) -> list[Word]:
    return [
        Word(w, start_ms + k * step_ms, start_ms + k * step_ms + 250)
        for k, w in enumerate(text.split())
    ]


def test_one_cue_per_sentence_with_word_offsets() -> None:
    cues = make_cues(words("Good afternoon, everyone. Mr. Smith met us. Thanks!"))
    assert [c.text for c in cues] == ["Good afternoon, everyone.", "Mr. Smith met us.", "Thanks!"]
    assert cues[1].words[1] == (4, 1200)  # "Smith" at offset 4, the 5th word
    assert cues[0].start_ms == 0 and cues[0].end_ms <= cues[1].start_ms


def test_a_long_sentence_is_split_at_a_comma() -> None:
    text = "When the convoy reached the crossing at dawn, " * 2 + "the officials counted them all."
    cues = make_cues(words(text))
    assert len(cues) >= 2
    assert cues[0].text.endswith(",")
    assert all(len(c.text) <= 130 for c in cues)


def test_no_voice_without_a_long_pause() -> None:
    cues = make_cues(words("Are there questions? Yes. Thank you."))
    assert all(c.voice is None for c in cues)


def test_a_new_voice_after_a_question_and_a_long_pause() -> None:
    spoken = words("Any questions?") + words("Yes, about the convoy.", start_ms=2500)
    spoken += words("It left at dawn.", start_ms=4000)
    cues = make_cues(spoken)
    assert [c.voice for c in cues] == ["Speaker 1", "Speaker 2", "Speaker 2"]


def test_a_very_long_pause_starts_a_new_voice() -> None:
    cues = make_cues(words("We begin.") + words("Next item.", start_ms=9000))
    assert [c.voice for c in cues] == ["Speaker 1", "Speaker 2"]


def test_the_aligner_retimes_words_and_numbers_are_spoken_out() -> None:
    audio = synthetic_audio(6000)
    heard = words("More than 2,500 families returned.", start_ms=700, step_ms=600)
    out, placed = retime(heard, audio, FakeAligner(duration_ms=6000))
    assert placed == len(heard)
    assert [w.text for w in out] == [w.text for w in heard]
    starts = [w.start_ms for w in out]
    assert starts == sorted(starts) and starts != [w.start_ms for w in heard]


def test_silence() -> None:
    assert is_silent(Audio(b"\0\0" * 16000))
    assert not is_silent(synthetic_audio(1000))


def test_the_file_is_captions_marked_machine_made_and_reads_back(tmp_path: Path) -> None:
    cues = make_cues(words("Any questions?") + words("Yes & no <b>.", start_ms=5000))
    result = TranscriptionResult(tuple(cues), 5, 5, 8000, "fake 1.0", "tiny.en", "aligner 1")
    text = render_transcript_vtt(result, when=datetime(2026, 1, 2, tzinfo=UTC))
    assert text.startswith("WEBVTT\nKind: captions\n")
    assert "NOTE machine transcript (model tiny.en)" in text
    assert "<v Speaker 2>Yes <00:00:05.300>&amp; <00:00:05.600>no" in text
    path = tmp_path / "t.vtt"
    path.write_text(text, "utf-8")
    transcript = load_transcript(str(path))
    assert transcript.machine_generated
    assert transcript.cues[1].text == "Yes & no <b>."
    assert transcript.cues[1].speaker == "Speaker 2"


def _cue(start: int, offsets: tuple[tuple[int, int], ...], end: int) -> TranscribedCue:
    return TranscribedCue(start, end, "Word one two.", offsets)


def test_cue_starts_snap_to_the_speech_onset() -> None:
    pauses = [(900, 1500), (3900, 4500)]
    inside = _cue(1200, ((0, 1200), (5, 1800)), 2500)
    late = _cue(4900, ((0, 4900), (5, 5200)), 6000)
    cues = snap_to_onsets([inside, late], pauses)
    assert [c.start_ms for c in cues] == [1500, 4500]
    assert cues[1].words[0] == (0, 4500) and cues[1].words[1] == (5, 5200)


def test_a_first_word_put_in_the_speech_before_a_pause_moves_after_it() -> None:
    first = _cue(0, ((0, 0), (5, 400)), 1000)
    early = _cue(1100, ((0, 1100), (5, 2100)), 3000)  # no pause before it; one after it
    cues = snap_to_onsets([first, early], [(1300, 1800)])
    assert cues[1].start_ms == 1800
    assert cues[0].end_ms <= 1800


def test_a_start_right_after_a_pause_stays() -> None:
    cue = _cue(1530, ((0, 1530), (5, 1900)), 2500)
    assert snap_to_onsets([cue], [(900, 1500), (1600, 1700)])[0].start_ms == 1530
