"""Tests for the pure export writers (player.core.export) and the DOCX adapter: round trips
through load_transcript, ranges, shifting, options, escaping, and the DOCX's paragraphs."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest

from player.core.export import (
    BookmarkNote,
    ExportRequest,
    cues_in_range,
    render,
    shift_cues,
)
from player.core.export.files import ExportWriteError, write_private
from player.core.export.plain import escape_md
from player.core.formats.load import load_transcript
from player.core.model import Cue
from player.engines.docx_writer import render_docx

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample" / "briefing.vtt"


def _cue(start: int, end: int, text: str, speaker: str | None = None) -> Cue:
    return Cue(None, start, end, text, (speaker,) if speaker else ())


def _key(cue: Cue) -> tuple[int, int, str]:
    return cue.start_ms, cue.end_ms, cue.text


@pytest.fixture(scope="module")
def sample_cues() -> tuple[Cue, ...]:
    return load_transcript(SAMPLE).cues


@pytest.mark.parametrize("fmt", ["vtt", "srt"])
def test_subtitles_round_trip_give_the_same_cues(
    tmp_path: Path, sample_cues: tuple[Cue, ...], fmt: str
) -> None:
    speakers = fmt == "vtt"  # SubRip has no voices: the name would become part of the text
    out = tmp_path / f"out.{fmt}"
    out.write_text(render(ExportRequest(sample_cues, title="T", speakers=speakers), fmt))
    back = load_transcript(out)
    assert not back.warnings
    assert [_key(c) for c in back.cues] == [_key(c) for c in sample_cues]
    if speakers:
        assert [c.speakers for c in back.cues] == [c.speakers for c in sample_cues]


def test_srt_with_speakers_writes_the_name_before_the_text(tmp_path: Path) -> None:
    out = tmp_path / "x.srt"
    out.write_text(render(ExportRequest((_cue(0, 1000, "Hello", "Ana"),)), "srt"))
    assert load_transcript(out).cues[0].text == "Ana: Hello"


def test_vtt_escapes_markup_and_arrows(tmp_path: Path) -> None:
    cues = (_cue(0, 1000, "a <b> & c --> d", "X<y>"), _cue(1000, 2000, "ok"))
    out = tmp_path / "x.vtt"
    out.write_text(render(ExportRequest(cues), "vtt"))
    back = load_transcript(out).cues
    assert [c.text for c in back] == ["a <b> & c --> d", "ok"]
    assert back[0].speakers == ("X<y>",)


def test_range_keeps_overlapping_lines_cut_to_it_and_shift_starts_at_zero(
    tmp_path: Path, sample_cues: tuple[Cue, ...]
) -> None:
    picked = cues_in_range(sample_cues, 60_000, 70_000)
    assert picked and picked[0].start_ms >= 60_000 and picked[-1].end_ms <= 70_000
    inside = [c for c in sample_cues if c.start_ms < 70_000 and c.end_ms > 60_000]
    assert len(picked) == len(inside)
    shifted = shift_cues(picked, 60_000)
    assert shifted[0].start_ms == picked[0].start_ms - 60_000
    out = tmp_path / "r.vtt"
    out.write_text(render(ExportRequest(shifted), "vtt"))
    assert [_key(c) for c in load_transcript(out).cues] == [_key(c) for c in shifted]
    # A line ending exactly at the start is not in the range.
    assert cues_in_range((_cue(0, 1000, "a"), _cue(1000, 2000, "b")), 1000, None)[0].text == "b"


def test_txt_is_prose_with_optional_speakers_and_timestamps() -> None:
    cues = (
        _cue(
            83_456,
            90_000,
            "Will households pay more for water once\nthe desali-\nnation plant?",
            "Ana",
        ),
    )
    full = render(ExportRequest(cues, title="Briefing", date="2024-05-01"), "txt")
    assert full.splitlines()[0] == "Briefing, 2024-05-01"
    assert "[00:01:23] Ana: Will households pay more for water once the desalination plant?" in full
    bare = render(ExportRequest(cues, speakers=False, timestamps=False), "txt")
    assert bare == "Will households pay more for water once the desalination plant?\n"


def test_markdown_bolds_speakers_and_escapes_the_text() -> None:
    cues = (_cue(0, 1000, "a *not bold* [link](x) <b>", "Ana_B"),)
    md = render(ExportRequest(cues, title="# Title"), "md")
    assert md.startswith("# \\# Title\n")
    assert "`00:00:00` **Ana\\_B:** a \\*not bold\\* \\[link\\](x) \\<b\\>" in md
    assert escape_md("1. item") == "1\\. item"


def test_bookmark_notes_are_exported() -> None:
    cues = (_cue(0, 1000, "one"), _cue(5000, 6000, "two"))
    notes = (BookmarkNote(5000, "two", "check this figure"),)
    txt = render(ExportRequest(cues, bookmarks=notes), "txt")
    assert "Bookmarks" in txt and "[00:00:05] two — check this figure" in txt
    vtt = render(ExportRequest(cues, bookmarks=notes), "vtt")
    assert "NOTE Bookmark 00:00:05: two — check this figure" in vtt


def test_render_refuses_an_unknown_format() -> None:
    with pytest.raises(ValueError):
        render(ExportRequest(()), "docx")


def test_docx_has_heading_bold_speakers_and_timestamps(sample_cues: tuple[Cue, ...]) -> None:
    from docx import Document

    notes = (BookmarkNote(34_559, "Second", "plant date"),)
    data = render_docx(ExportRequest(sample_cues, title="Briefing", bookmarks=notes))
    document = Document(io.BytesIO(data))
    paragraphs = [p for p in document.paragraphs if p.text]
    assert paragraphs[0].text == "Briefing"
    body = paragraphs[1 : 1 + len(sample_cues)]
    for paragraph, cue in zip(body, sample_cues, strict=True):
        assert paragraph.text.startswith("[00:")
        assert " ".join(cue.text.split()) in paragraph.text
        if cue.speaker:
            bold = [run.text for run in paragraph.runs if run.bold]
            assert bold == [f"{cue.speaker}:"]
    assert paragraphs[-1].text == "[00:00:34] Second — plant date"


def test_docx_drops_characters_xml_cannot_hold() -> None:
    from docx import Document

    data = render_docx(ExportRequest((_cue(0, 1000, "bell\x07 ok"),), timestamps=False))
    assert [p.text for p in Document(io.BytesIO(data)).paragraphs] == ["bell ok"]


def test_write_private_is_atomic_and_private(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    write_private(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary left
    with pytest.raises(ExportWriteError):
        write_private(tmp_path, b"x")
    with pytest.raises(ExportWriteError):
        write_private(tmp_path / "missing" / "x.txt", b"x")
