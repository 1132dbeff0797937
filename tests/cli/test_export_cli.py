"""Tests for ``briefing-player export``: formats, ranges, bookmarks, private atomic output and
exit codes."""

from __future__ import annotations

import io
import shutil
import stat
from pathlib import Path

import pytest

from player.app.main import main
from player.core.formats.load import load_transcript

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample"


@pytest.fixture
def briefing(tmp_path: Path) -> Path:
    for name in ("briefing.vtt", "briefing.opus"):
        shutil.copy(SAMPLE / name, tmp_path / name)
    return tmp_path


def test_text_goes_to_stdout_with_title(briefing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["export", str(briefing / "briefing.opus"), "--format", "txt"])
    out = capsys.readouterr().out
    assert status == 0
    assert "Ana Ruiz: Will households pay more for water once the desalination plant" in out
    assert " / " not in out


def test_vtt_range_shifted_round_trips(briefing: Path) -> None:
    out = briefing / "range.vtt"
    status = main(
        [
            "export",
            str(briefing / "briefing.vtt"),
            "-f",
            "vtt",
            "--from",
            "1:00",
            "--to",
            "1:10",
            "--shift",
            "-o",
            str(out),
        ]
    )
    assert status == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    original = load_transcript(briefing / "briefing.vtt").cues
    inside = [c for c in original if c.start_ms < 70_000 and c.end_ms > 60_000]
    back = load_transcript(out).cues
    assert len(inside) >= 3
    assert [c.text for c in back] == [c.text for c in inside]
    assert [c.start_ms for c in back] == [max(c.start_ms, 60_000) - 60_000 for c in inside]
    assert [c.end_ms for c in back] == [min(c.end_ms, 70_000) - 60_000 for c in inside]
    assert [c.speakers for c in back] == [c.speakers for c in inside]


def test_docx_needs_an_output_and_is_written(
    briefing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from docx import Document

    assert main(["export", str(briefing / "briefing.vtt"), "-f", "docx"]) == 2
    assert "needs -o" in capsys.readouterr().err
    out = briefing / "b.docx"
    assert main(["export", str(briefing / "briefing.vtt"), "-f", "docx", "-o", str(out)]) == 0
    texts = [p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs if p.text]
    assert len(texts) == 1 + len(load_transcript(briefing / "briefing.vtt").cues)


def test_existing_output_needs_force(briefing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = briefing / "x.txt"
    out.write_text("keep")
    assert main(["export", str(briefing / "briefing.vtt"), "-f", "txt", "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err and out.read_text() == "keep"
    args = ["export", str(briefing / "briefing.vtt"), "-f", "txt", "-o", str(out), "--force"]
    assert main(args) == 0 and out.read_text() != "keep"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--from", "1:10", "--to", "1:00"], "must come after"),
        (["--from", "soon"], "not a time"),
    ],
)
def test_bad_ranges_exit_2(
    briefing: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert main(["export", str(briefing / "briefing.vtt"), "-f", "txt", *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_missing_file_and_media_without_transcript(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(tmp_path / "none.vtt"), "-f", "txt"]) == 2
    shutil.copy(SAMPLE / "briefing.opus", tmp_path / "alone.opus")
    assert main(["export", str(tmp_path / "alone.opus"), "-f", "txt"]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and "no transcript found" in err


def test_with_bookmarks_adds_notes(briefing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from player.core.archive.library import Archive

    db = briefing / "archive.db"
    media = briefing / "briefing.opus"
    with Archive.open(db) as archive:
        archive.add_bookmark(media, 34_559, "Second, the desalination plant", "opening date?")
    args = [
        "export",
        str(briefing / "briefing.vtt"),
        "-f",
        "md",
        "--with-bookmarks",
        "--db",
        str(db),
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "## Bookmarks" in out and "opening date?" in out


def test_control_characters_are_not_printed_raw(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x.vtt").write_text("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nbad \x1b]0;t\x07\n")
    assert main(["export", str(tmp_path / "x.vtt"), "-f", "txt"]) == 0
    assert "\x1b" not in capsys.readouterr().out
