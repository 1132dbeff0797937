"""Normalisation (written words to spoken words), sentence splitting and plain-text sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from player.core.align.normalize import spoken_tokens
from player.core.align.segment import MAX_CUE_CHARS, split_text
from player.core.align.textsource import read_plain_text, strip_markdown
from player.core.align.types import AlignError


@pytest.mark.parametrize(
    ("word", "following", "spoken"),
    [
        ("2,500", "", "two thousand five hundred"),
        ("$2.5", "billion", "two point five"),
        ("$40", "", "forty dollars"),
        ("$1", "", "one dollar"),
        ("€3", "", "three euros"),
        ("8%", "", "eight percent"),
        ("12.5%", "", "twelve point five percent"),
        ("2019", "", "twenty nineteen"),
        ("1990s", "", "nineteen nineties"),
        ("3rd", "", "third"),
        ("21st", "", "twenty first"),
        ("10:30", "", "ten thirty"),
        ("9:05", "", "nine oh five"),
        ("U.N.", "", "u n"),
        ("U.S.", "", "u s"),
        ("UN", "", "u n"),
        ("NATO", "", "nato"),
        ("Dr.", "", "doctor"),
        ("Ms.", "", "miz"),
        ("Mr.", "", "mister"),
        ("No.", "5", "number"),
        ("“Hello,”", "", "hello"),
        ("Da’esh", "", "da'esh"),
        ("president’s", "", "president's"),
        ("well-known", "", "well known"),
        ("—", "", ""),
        ("--", "", ""),
        ("&", "", "and"),
        ("DeLaurentis", "", "delaurentis"),
        ("(Laughter.)", "", "laughter"),
    ],
)
def test_spoken_tokens(word: str, following: str, spoken: str) -> None:
    assert " ".join(spoken_tokens(word, following)) == spoken


def test_currency_unit_comes_after_the_scale_word() -> None:
    (sentence,) = split_text("We pledged $2.5 billion in aid.")
    assert sentence.tokens == [
        "we",
        "pledged",
        "two",
        "point",
        "five",
        "billion",
        "dollars",
        "in",
        "aid",
    ]


def test_capitals_in_a_heading_are_words_not_letters() -> None:
    (sentence,) = split_text("PRESS BRIEFING BY THE SPOKESPERSON")
    assert sentence.tokens == ["press", "briefing", "by", "the", "spokesperson"]


def test_sentences_keep_the_text_exactly_and_map_words_back() -> None:
    text = "Dr. Smith met the U.N. team on Tuesday. They agreed on $2.5 billion — 8% more!"
    first, second = split_text(text)
    assert first.text == "Dr. Smith met the U.N. team on Tuesday."
    assert second.text == "They agreed on $2.5 billion — 8% more!"
    assert [second.text[w.start : w.end] for w in second.words if w.tokens][3:5] == [
        "$2.5",
        "billion",
    ]
    dash = next(w for w in second.words if second.text[w.start : w.end] == "—")
    assert dash.tokens == ()


def test_speaker_labels_become_voices_and_are_not_spoken() -> None:
    text = "MS. KOVAC: Good afternoon.\n\nQ: What about it?\n\nAmbassador DeLaurentis: It left."
    sentences = split_text(text)
    assert [(s.speaker, s.text) for s in sentences] == [
        ("MS. KOVAC", "Good afternoon."),
        ("Q", "What about it?"),
        ("Ambassador DeLaurentis", "It left."),
    ]
    assert sentences[0].tokens == ["good", "afternoon"]
    assert [s.line for s in sentences] == [1, 3, 5]


def test_speaker_labels_can_be_turned_off() -> None:
    (sentence,) = split_text("MS. KOVAC: Good afternoon.", speaker_labels=False)
    assert sentence.speaker is None
    assert sentence.text == "MS. KOVAC: Good afternoon."
    assert sentence.tokens[:3] == ["miz", "kovac", "good"]


def test_a_label_on_a_line_starts_a_paragraph_even_without_blank_lines() -> None:
    sentences = split_text("Q: Is it true?\nMS. KOVAC: It is.\nAnd more.")
    assert [s.speaker for s in sentences] == ["Q", "MS. KOVAC", None]


def test_stage_directions_are_not_speech() -> None:
    sentences = split_text("Thank you.\n\n(Laughter.)\n\n[inaudible]\n\nNext question.")
    assert [s.speech for s in sentences] == [True, False, False, True]


def test_abbreviations_do_not_end_sentences() -> None:
    sentences = split_text("Mr. Lee met Dr. Patel at the U.N. headquarters. Then they left.")
    assert len(sentences) == 2


def test_long_sentence_is_cut_at_a_clause_boundary() -> None:
    text = (
        "The delegations met again on Thursday afternoon in Geneva, and after long talks "
        "they agreed on a ceasefire around the hospital, which both sides had long refused."
    )
    pieces = split_text(text)
    assert len(pieces) >= 2
    assert " ".join(p.text for p in pieces) == text
    assert all(len(p.text) <= MAX_CUE_CHARS + MAX_CUE_CHARS // 4 for p in pieces)
    assert all(p.text.endswith((",", ".")) for p in pieces)


def test_headings_stay_their_own_paragraphs() -> None:
    sentences = split_text("PRESS BRIEFING\nMonday, 3 March 2025\n\nGood afternoon.")
    assert [s.text for s in sentences] == [
        "PRESS BRIEFING",
        "Monday, 3 March 2025",
        "Good afternoon.",
    ]


def test_markdown_is_stripped_to_words() -> None:
    text = (
        "# Briefing\n\n**Good** afternoon, _everyone_. See [the page](http://x.org).\n\n"
        "- first point\n> quoted `code`\n```\nignored()\n```\n"
    )
    assert strip_markdown(text).split() == [
        "Briefing", "Good", "afternoon,", "everyone.", "See", "the", "page.",
        "first", "point", "quoted", "code",
    ]  # fmt: skip


def test_plain_text_sources_decode_like_transcripts(tmp_path: Path) -> None:
    utf16 = tmp_path / "a.txt"
    utf16.write_bytes("Grüße aus Genf.".encode("utf-16"))
    assert read_plain_text(utf16).text == "Grüße aus Genf."
    legacy = tmp_path / "b.txt"
    legacy.write_bytes("Caf\xe9 \x93quoted\x94.".encode("latin-1"))
    source = read_plain_text(legacy)
    assert source.text == "Café “quoted”."
    assert source.warnings


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"  \n\n 12 34 \n", "empty"),
        (bytes(range(256)) * 20, "binary"),
    ],
)
def test_bad_text_sources_are_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(AlignError) as caught:
        read_plain_text(path)
    assert reason in str(caught.value)
    assert caught.value.path == str(path)


def test_a_folder_is_refused_by_the_guarded_reader(tmp_path: Path) -> None:
    with pytest.raises(AlignError, match="not a regular file"):
        read_plain_text(tmp_path)


def test_a_label_with_a_delegation_in_brackets() -> None:
    (sentence,) = split_text("Mr. Smith (United Kingdom): We support the draft.")
    assert sentence.speaker == "Mr. Smith (United Kingdom)"
    assert sentence.tokens == ["we", "support", "the", "draft"]


@pytest.mark.parametrize(
    "content",
    [
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello.\n",
        "1\n00:00:01,000 --> 00:00:02,000\nHi.\n",
    ],
)
def test_a_timed_transcript_is_not_a_text_to_align(tmp_path: Path, content: str) -> None:
    path = tmp_path / "timed.txt"
    path.write_text(content, "utf-8")
    with pytest.raises(AlignError, match="already a timed transcript"):
        read_plain_text(path)
