"""Correcting a line by hand (pure): unchanged words keep their timings, changed words are
marked for re-timing, and the file written back reads the same."""

from __future__ import annotations

from player.core.formats.load import parse_transcript_text
from player.core.transcribe.editing import render_transcript, retext, with_word_starts

VTT = (
    """WEBVTT
Kind: captions
Language: en

NOTE machine transcript (model tiny.en): machine-transcribed.

00:00:01.000 --> 00:00:04.000
"""
    + (
        "<v Speaker 2>The Secretary met <00:00:02.000>Ambassador <00:00:02.600>Lorenti "
        "<00:00:03.200>Monday.</v>\n"
    )
    + """
00:00:05.000 --> 00:00:06.000
Thank <00:00:05.400>you & goodbye.
"""
)


def test_unchanged_words_keep_their_times_changed_ones_are_marked() -> None:
    transcript = parse_transcript_text(VTT)
    cue = transcript.cues[0]
    assert [t.char_offset for t in cue.word_timings] == [18, 29, 37]
    new, changed = retext(cue, "The Secretary met Ambassador DeLaurentis on Monday.")
    assert new.text == "The Secretary met Ambassador DeLaurentis on Monday."
    assert changed == [4, 5]
    starts = {t.char_offset: t.start_ms for t in new.word_timings}
    assert starts[18] == 2000  # "Ambassador" kept
    assert starts[new.text.index("Monday.")] == 3200  # kept
    assert 2000 < starts[new.text.index("DeLaurentis")] < starts[new.text.index("on")] < 3200
    assert new.speakers == ("Speaker 2",) and new.spans[0].voice == "Speaker 2"
    retimed = with_word_starts(new, {4: 2700, 5: 3050})
    assert {t.char_offset: t.start_ms for t in retimed.word_timings}[29] == 2700


def test_the_file_written_back_reads_the_same() -> None:
    transcript = parse_transcript_text(VTT)
    text = render_transcript(transcript)
    assert text.startswith("WEBVTT\nKind: captions\nLanguage: en\n\nNOTE machine transcript")
    again = parse_transcript_text(text)
    assert [(c.text, c.speakers, c.word_timings, c.start_ms, c.end_ms) for c in again.cues] == [
        (c.text, c.speakers, c.word_timings, c.start_ms, c.end_ms) for c in transcript.cues
    ]
    assert again.notes == transcript.notes and again.machine_generated


def test_a_whole_new_line() -> None:
    cue = parse_transcript_text(VTT).cues[1]
    new, changed = retext(cue, "  Thanks  very much.  ")
    assert new.text == "Thanks very much."
    assert changed == [0, 1, 2]
    starts = [t.start_ms for t in new.word_timings]
    assert starts == sorted(starts) and all(5000 < s < 6000 for s in starts)
