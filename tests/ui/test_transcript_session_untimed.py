"""The pieces of an untimed text (no Qt needed): paragraphs as written, untimed cues, the row a
reader was on found again in the synchronized transcript, the machine-aligned mark and the
panel's titles."""

from __future__ import annotations

from pathlib import Path

import pytest

from player.core.formats.load import parse_transcript_text
from player.core.model import Cue, Transcript, TranscriptError
from player.ui.transcript_session import LoadPhase, TranscriptState, is_machine_aligned
from player.ui.untimed_text import map_row, paragraphs_of, read_untimed


def test_paragraphs_between_blank_lines_lines_joined() -> None:
    text = "Title\n\nMS. KOVAC: Good afternoon.\nThank you all\n  for coming.\n\n\n(Laughter.)\n"
    assert paragraphs_of(text) == [
        (1, "Title"),
        (3, "MS. KOVAC: Good afternoon. Thank you all for coming."),
        (8, "(Laughter.)"),
    ]


def test_without_blank_lines_each_line_is_a_paragraph() -> None:
    assert paragraphs_of("\nOne.\nTwo.\n") == [(2, "One."), (3, "Two.")]
    assert paragraphs_of("") == []


def test_a_huge_paragraph_is_cut_at_sentences() -> None:
    sentence = "The harbour opens in May and the dredging starts in spring. "
    pieces = paragraphs_of(sentence * 200)
    assert len(pieces) > 1
    assert all(len(text) <= 1100 for _line, text in pieces)
    assert " ".join(text for _line, text in pieces) == (sentence * 200).strip()


def test_read_untimed_text_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Caf\xe9 opens.\r\n\r\nSecond \u2014 paragraph.\r\n".encode("cp1252"))
    transcript = read_untimed(path)
    assert [c.text for c in transcript.cues] == ["Café opens.", "Second — paragraph."]
    assert all(c.start_ms == c.end_ms == 0 for c in transcript.cues)
    assert transcript.source == str(path)


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty"), (b"\x00\x01\x02\x03" * 500, "binary"), (b"12 34\n\n", "empty")],
)
def test_read_untimed_refuses(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(TranscriptError, match=reason):
        read_untimed(path)


def _cues(*texts: str) -> tuple[Cue, ...]:
    return tuple(Cue(None, i * 1000, i * 1000 + 900, t) for i, t in enumerate(texts))


def test_map_row_finds_the_paragraphs_first_sentence() -> None:
    old = _cues("Header", "A one. A two.", "B one. B two. B three.", "C one.")
    new = _cues("Header", "A one.", "A two.", "B one.", "B two.", "B three.", "C one.")
    assert map_row(old, 2, new) == 3
    assert map_row(old, 3, new) == 6
    assert map_row(old, 0, new) == 0
    assert map_row(old, 2, ()) == -1


def test_machine_aligned_mark_and_titles() -> None:
    aligned = parse_transcript_text(
        "WEBVTT\n\nNOTE machine-aligned: timings are machine-made by briefing-player 1.0\n\n"
        "00:00:01.000 --> 00:00:02.000\nHello.\n",
        source="/x/talk.vtt",
    )
    assert is_machine_aligned(aligned)
    title = TranscriptState(LoadPhase.READY, "/x/talk.vtt", aligned).title()
    assert title == "Transcript (machine-aligned) — talk.vtt"
    plain = parse_transcript_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello.\n")
    assert not is_machine_aligned(plain)
    assert TranscriptState(LoadPhase.READY, "/x/t.vtt", plain).title() == "Transcript — t.vtt"
    untimed = Transcript(cues=())
    state = TranscriptState(LoadPhase.UNTIMED, "/x/talk.txt", untimed)
    assert state.title() == "Text without timings — talk.txt"
