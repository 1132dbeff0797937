"""The alignment pipeline and the WebVTT writer, with the deterministic fake engine.

Real speech is ``tests/engines``; here the engine is the fake (even timings), so what is
checked is the pipeline's own logic: cue order and text, unaligned passages, errors, progress,
Cancel, and that the written file reads back unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from player.core.align import (
    AlignCancelled,
    AlignError,
    Audio,
    RecognizedWord,
    align_sentences,
    render_vtt,
    retime_words,
    split_text,
)
from player.core.formats.load import parse_transcript_text
from player.engines.fake_aligner import FakeAligner, synthetic_audio

TEXT = """PRESS BRIEFING

MS. KOVAC: Good afternoon, everyone. The convoy left at 10:30 with 40 trucks.

(Laughter.)

Q: When will the next one leave?

MS. KOVAC: We expect it on Friday, weather permitting.
"""


def _align(text: str = TEXT, duration_ms: int = 30_000, **kwargs: object):  # type: ignore[no-untyped-def]
    engine = FakeAligner(duration_ms=duration_ms)
    return align_sentences(split_text(text), synthetic_audio(duration_ms), engine, **kwargs)  # type: ignore[arg-type]


def test_every_spoken_sentence_becomes_a_cue_in_order_with_its_text() -> None:
    result = _align()
    texts = [cue.text for cue in result.cues]
    assert "Good afternoon, everyone." in texts
    assert "The convoy left at 10:30 with 40 trucks." in texts
    assert texts[-1] == "We expect it on Friday, weather permitting."
    starts = [cue.start_ms for cue in result.cues]
    assert starts == sorted(starts)
    for cue in result.cues:
        assert cue.start_ms < cue.end_ms
        assert cue.words[0].char_offset == 0
        assert [w.start_ms for w in cue.words] == sorted({w.start_ms for w in cue.words})
    assert result.engine == "fake aligner 1.0"
    assert result.duration_ms == 30_000


def test_stage_directions_are_unaligned_at_their_place() -> None:
    result = _align()
    notes = {u.text: u for u in result.unaligned}
    assert "(Laughter.)" in notes
    laughter = notes["(Laughter.)"]
    assert laughter.line == 5
    before = result.cues[laughter.before_cue - 1]
    assert before.text == "The convoy left at 10:30 with 40 trucks."


def test_speakers_are_kept() -> None:
    result = _align()
    assert [c.speaker for c in result.cues if c.text.startswith("When")] == ["Q"]


class _Deaf(FakeAligner):
    """Hears nothing of sentences containing ``missing``: as if they were never read."""

    def __init__(self, missing: str, **kwargs: int) -> None:
        super().__init__(**kwargs)
        self.missing = missing.split()

    def recognize(self, audio: Audio, vocabulary: Sequence[str], *, should_stop):  # type: ignore[no-untyped-def,override]
        heard = super().recognize(audio, vocabulary, should_stop=should_stop)
        return [w for w in heard if w.word not in self.missing]


def test_text_not_heard_is_reported_never_squeezed() -> None:
    text = "Good afternoon everyone. This paragraph was never read aloud at all. Thank you."
    engine = _Deaf("this paragraph was never read aloud at all", duration_ms=20_000)
    result = align_sentences(split_text(text), synthetic_audio(20_000), engine)
    assert [u.text for u in result.unaligned] == ["This paragraph was never read aloud at all."]
    assert [c.text for c in result.cues] == ["Good afternoon everyone.", "Thank you."]
    assert result.aligned_words < result.words


def test_nothing_found_is_an_error() -> None:
    engine = _Deaf("good afternoon everyone thank you", duration_ms=20_000)
    with pytest.raises(AlignError, match="none of the text"):
        align_sentences(split_text("Good afternoon everyone."), synthetic_audio(20_000), engine)


@pytest.mark.parametrize(
    ("text", "audio", "message"),
    [
        ("(Laughter.)", synthetic_audio(10_000), "no words"),
        ("Good afternoon. " * 200, synthetic_audio(10_000), "far longer than the audio"),
        (
            "Guten Tag, meine Damen und Herren. Wir begrüßen Sie herzlich. Grüße aus Zürich, "
            "Österreich, München und Köln.",
            synthetic_audio(10_000),
            None,
        ),
        ("Good afternoon.", Audio(b"\x00\x00" * 160_000), "silent"),
        ("Good afternoon.", Audio(b""), "no audio"),
    ],
)
def test_bad_input_is_a_clear_error(text: str, audio: Audio, message: str | None) -> None:
    with pytest.raises(AlignError) as caught:
        align_sentences(split_text(text), audio, FakeAligner(duration_ms=10_000))
    assert message is None or message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_cyrillic_text_is_not_english() -> None:
    text = "Добрый день, уважаемые коллеги. Мы начинаем брифинг."
    with pytest.raises(AlignError, match="English"):
        align_sentences(split_text(text), synthetic_audio(10_000), FakeAligner(duration_ms=10_000))


def test_progress_rises_to_one_and_cancel_stops() -> None:
    seen: list[float] = []
    _align(progress=seen.append)
    assert seen[0] == 0.0
    assert seen[-1] == 1.0
    assert seen == sorted(seen)
    calls = 0

    def stop() -> bool:
        nonlocal calls
        calls += 1
        return calls > 3

    with pytest.raises(AlignCancelled):
        _align(should_stop=stop)


def test_retime_words_gives_one_time_per_word_near_its_guide() -> None:
    engine = FakeAligner(duration_ms=10_000)
    words = ["good", "afternoon", "thank", "you"]
    guide = [(1000, 1400), (1400, 2000), (6000, 6300), (6300, 6600)]
    times = retime_words(synthetic_audio(10_000), words, guide, engine)
    assert len(times) == 4
    assert all(t is not None for t in times)
    assert times[0] is not None and 400 <= times[0].start_ms <= 1500
    assert times[2] is not None and 5400 <= times[2].start_ms <= 6500


def test_written_file_reads_back_unchanged_with_notes_and_machine_mark() -> None:
    text = TEXT + "\nR&D <costs> rose.\n"
    result = _align(text)
    vtt = render_vtt(result, tool="briefing-player test", when=datetime(2025, 3, 3, tzinfo=UTC))
    assert vtt.startswith("WEBVTT\n\nNOTE machine-aligned")
    assert "2025-03-03" in vtt
    transcript = parse_transcript_text(vtt, source="out.vtt")
    assert transcript.warnings == ()
    assert transcript.machine_generated
    assert [c.text for c in transcript.cues] == [c.text for c in result.cues]
    assert [c.start_ms for c in transcript.cues] == [c.start_ms for c in result.cues]
    assert [c.speaker for c in transcript.cues] == [c.speaker for c in result.cues]
    for read, written in zip(transcript.cues, result.cues, strict=True):
        timed = [(w.start_ms, w.char_offset) for w in read.word_timings]
        assert timed == [(w.start_ms, w.char_offset) for w in written.words[1:]]
    notes = "\n".join(transcript.notes)
    for passage in result.unaligned:
        assert passage.text in notes
    assert "R&D <costs> rose." in [c.text for c in transcript.cues]


def test_recognized_word_type_is_public() -> None:
    assert RecognizedWord("a", 0, 1).word == "a"


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour à tous et merci d'être venus. Le secrétaire a rencontré l'ambassadeur mardi "
        "pour discuter du convoi humanitaire qui doit partir vendredi. Les négociations "
        "reprendront la semaine prochaine.",
        "Guten Tag, meine Damen und Herren. Der Minister hat heute mit dem Botschafter über den "
        "Konvoi gesprochen, der am Freitag abfahren soll. Die Gespräche werden nächste Woche "
        "fortgesetzt.",
    ],
)
def test_latin_script_texts_in_other_languages_are_not_english(text: str) -> None:
    with pytest.raises(AlignError, match="does not look like English"):
        align_sentences(split_text(text), synthetic_audio(60_000), FakeAligner(duration_ms=60_000))
