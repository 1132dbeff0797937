"""Tests for ``briefing-player search``: output formats, options, sidecars and exit codes."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from player.app.main import main
from player.cli import search as search_cmd

BRIEFING = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Minister Álvarez>We published the climate
report in Bogotá.

00:01:02.500 --> 00:01:05.250
Is the CLIMATE report final?

01:00:00.000 --> 01:00:02.000
<v Reporter>The reporter asked about reports.
"""

OTHER = """1
00:00:10,000 --> 00:00:12,000
Nothing about the weather here.
"""


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "brief.vtt").write_text(BRIEFING, encoding="utf-8")
    (tmp_path / "other.srt").write_text(OTHER, encoding="utf-8")
    (tmp_path / "talk.mp4").write_bytes(b"\x00" * 16)
    (tmp_path / "talk.vtt").write_text(BRIEFING, encoding="utf-8")
    (tmp_path / "lonely.mp3").write_bytes(b"\x00" * 16)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    status = main(["search", *argv])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err


def test_tab_separated_lines_with_speaker_and_joined_lines(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    brief = str(files / "brief.vtt")
    status, lines, err = run(capsys, "climate", brief)
    assert status == 0 and err == ""
    assert lines == [
        f"{brief}\t00:00:01.000\tMinister Álvarez: We published the climate / report in Bogotá.",
        f"{brief}\t00:01:02.500\tIs the CLIMATE report final?",
    ]


def test_accent_insensitive_and_phrase_across_line_break(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    brief = str(files / "brief.vtt")
    assert run(capsys, "bogota", brief)[1] == [
        f"{brief}\t00:00:01.000\tMinister Álvarez: We published the climate / report in Bogotá."
    ]
    status, lines, _ = run(capsys, '"climate report"', brief)
    assert status == 0 and [line.split("\t")[1] for line in lines] == [
        "00:00:01.000",
        "00:01:02.500",
    ]


def test_json_lines(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    brief = str(files / "brief.vtt")
    status, lines, _ = run(capsys, "--json", "--part", "report", brief)
    assert status == 0
    records = [json.loads(line) for line in lines]
    assert records == [
        {
            "file": brief,
            "start": 1.0,
            "end": 4.0,
            "speaker": "Minister Álvarez",
            "text": "We published the climate / report in Bogotá.",
        },
        {
            "file": brief,
            "start": 62.5,
            "end": 65.25,
            "speaker": None,
            "text": "Is the CLIMATE report final?",
        },
        {
            "file": brief,
            "start": 3600.0,
            "end": 3602.0,
            "speaker": "Reporter",
            "text": "The reporter asked about reports.",
        },
    ]


def test_one_line_per_matching_cue(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # As part of words, "report" occurs twice in the last cue (reporter, reports): printed once.
    status, lines, _ = run(capsys, "--part", "report", str(files / "brief.vtt"))
    assert status == 0 and len(lines) == 3
    # Whole words (the default, the same rule as the window and the archive): not in it at all.
    status, lines, _ = run(capsys, "report", str(files / "brief.vtt"))
    assert status == 0 and len(lines) == 2


def test_options(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    brief = str(files / "brief.vtt")

    def starts(*argv: str) -> list[str]:
        return [line.split("\t")[1] for line in run(capsys, *argv, brief)[1]]

    assert starts("--case-sensitive", "CLIMATE") == ["00:01:02.500"]
    assert starts("--word", "report") == ["00:00:01.000", "00:01:02.500"]
    assert starts("report") == ["00:00:01.000", "00:01:02.500"]  # whole words by default
    assert starts("--part", "report") == ["00:00:01.000", "00:01:02.500", "01:00:00.000"]
    assert starts("--regex", r"report(er|s)\b") == ["01:00:00.000"]
    assert starts("--speaker", "reporter", "the") == ["01:00:00.000"]
    assert starts("--speaker", "MINISTER ALVAREZ", "the") == ["00:00:01.000"]
    assert starts("--limit", "1", "the") == ["00:00:01.000"]


def test_media_file_uses_its_sidecar(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    talk = str(files / "talk.mp4")
    status, lines, _ = run(capsys, "bogota", talk)
    assert status == 0
    assert lines == [
        f"{talk}\t00:00:01.000\tMinister Álvarez: We published the climate / report in Bogotá."
    ]


def test_several_files_in_order(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    brief, other = str(files / "brief.vtt"), str(files / "other.srt")
    status, lines, _ = run(capsys, "the", other, brief)
    assert status == 0
    assert [line.split("\t")[0] for line in lines] == [other, brief, brief, brief]
    assert lines[0] == f"{other}\t00:00:10.000\tNothing about the weather here."


def test_no_hits_exits_1(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "ceasefire", str(files / "brief.vtt")) == (1, [], "")


def test_bad_regex_exits_2_with_one_line(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, lines, err = run(capsys, "--regex", "(climate", str(files / "brief.vtt"))
    assert status == 2 and lines == []
    assert err == "error: invalid regular expression: missing ) at position 8\n"


def test_unreadable_files_are_reported_and_others_still_searched(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(files / "missing.vtt")
    lonely = str(files / "lonely.mp3")
    brief = str(files / "brief.vtt")
    status, lines, err = run(capsys, "bogota", missing, lonely, brief)
    assert status == 2
    assert len(lines) == 1 and lines[0].startswith(f"{brief}\t")
    errors = err.splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"error: {missing}: ")
    assert errors[1].startswith(f"error: {lonely}: no transcript found")
    assert "Traceback" not in err


def test_garbage_transcript_is_an_error_not_a_traceback(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = files / "bad.vtt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    status, lines, err = run(capsys, "x", str(bad))
    assert status == 2 and lines == []
    assert err.startswith(f"error: {bad}: ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_catastrophic_regex_is_reported_as_too_slow(
    files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_cmd, "SEARCH_DEADLINE_S", 0.2)
    hostile = files / "hostile.vtt"
    hostile.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\n" + "a" * 40 + "!\n", encoding="utf-8")
    status, lines, err = run(capsys, "--regex", "(a|aa)+$", str(hostile))
    assert status == 2 and lines == []
    assert err.startswith(
        f"error: {hostile}: search stopped: matching the regular expression took longer than "
        "0.2 s in all;"
    )
    assert err.count("\n") == 1


def test_one_deadline_for_the_whole_search_not_one_per_file(
    files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 12: three files took three deadlines. Now the budget is shared: the first file
    # uses it up and the search stops there with one error, the others are not searched.
    monkeypatch.setattr(search_cmd, "SEARCH_DEADLINE_S", 0.3)
    names = []
    for i in range(3):
        hostile = files / f"hostile{i}.vtt"
        text = "WEBVTT\n\n00:00.000 --> 00:01.000\n" + "a" * 40 + "!\n"
        hostile.write_text(text, encoding="utf-8")
        names.append(str(hostile))
    started = time.perf_counter()
    status, lines, err = run(capsys, "--regex", "(a|aa)+$", *names)
    elapsed = time.perf_counter() - started
    assert status == 2 and lines == []
    assert err.count("\n") == 1 and err.startswith(f"error: {names[0]}: search stopped")
    # One 0.3 s budget (three would be 0.9 s); generous for a loaded machine.
    assert elapsed < 5.0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--regex", "(?R)"], "error: recursive patterns"),
        (["--regex", "(?1)(a)"], "error: recursive patterns"),
        (["--regex", "a" * 5000], "error: the regular expression is too long: 5,000 characters"),
        (["--regex", "a{4294967294}"], "error: the regular expression repeats too much"),
        (["a" * 100_000], "error: the query is too long: 100,000 characters (at most 1,000)"),
        ([" ".join(["word"] * 150)], "error: the query is too long: 150 words (at most 100)"),
    ],
)
def test_hostile_queries_get_a_clear_error_at_once(
    files: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    # Issue 12: (?R) was a MemoryError traceback, 'a'*5000 took 34 s, a 100 KB query over 60 s.
    started = time.perf_counter()
    status, lines, err = run(capsys, *argv, str(files / "brief.vtt"))
    assert time.perf_counter() - started < 5.0
    assert status == 2 and lines == []
    assert err.startswith(message) and err.count("\n") == 1
    assert "Traceback" not in err


def test_a_fifo_is_refused_not_waited_on(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = files / "pipe.vtt"
    os.mkfifo(fifo)
    status, lines, err = run(capsys, "climate", str(fifo), str(files / "brief.vtt"))
    assert status == 2 and len(lines) == 2
    assert err.startswith(f"error: {fifo}: ") and err.count("\n") == 1


def test_no_file_searches_the_archive(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[argparse.Namespace] = []

    def search_archive(args: argparse.Namespace) -> int:
        seen.append(args)
        return 1

    fake = types.ModuleType("player.cli.archive")
    fake.search_archive = search_archive  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "player.cli.archive", fake)
    parser = argparse.ArgumentParser()
    search_cmd.add_parser(parser.add_subparsers())
    args = parser.parse_args(["search", "--word", "--limit", "5", "--db", "/x.db", "tax"])
    assert args.func(args) == 1
    (got,) = seen
    assert (got.query, got.files, got.limit, got.db, got.word) == ("tax", [], 5, "/x.db", True)
    assert (got.json, got.case_sensitive, got.regex, got.speaker) == (False, False, False, None)
    assert search_cmd.options_from_args(got).whole_word


def test_limit_must_be_positive(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["search", "--limit", "0", "x", str(files / "brief.vtt")])
    assert exc.value.code == 2
    assert "must be 1 or more" in capsys.readouterr().err


def test_subprocess_entry_point(files: Path) -> None:
    brief = str(files / "brief.vtt")
    proc = subprocess.run(
        [sys.executable, "-m", "player", "search", "--json", "bogota", brief],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["start"] == 1.0
    missing = subprocess.run(
        [sys.executable, "-m", "player", "search", "x", str(files / "missing.vtt")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.count("\n") == 1 and missing.stderr.startswith("error: ")


def test_options_between_query_and_files(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    brief, other = str(files / "brief.vtt"), str(files / "other.srt")
    status, lines, _ = run(capsys, "CLIMATE", "--case-sensitive", brief, other)
    assert status == 0
    assert lines == [f"{brief}\t00:01:02.500\tIs the CLIMATE report final?"]
    with pytest.raises(SystemExit) as exited:  # argparse's usage error: exit status 2
        main(["search", "climate", "--no-such-option", brief])
    assert exited.value.code == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--regex", "(?R)"], "error: recursive patterns"),
        (["--regex", "a" * 5000], "error: the regular expression is too long"),
        (["(" * 250 + "a"], "error: the query nests brackets too deeply"),
        (["a " + "NOT " * 240 + "b"], None),  # a long NOT chain is fine (was a RecursionError)
        (["NOT " * 1000 + "a"], "error: the query is too long"),
    ],
)
def test_hostile_archive_queries_get_a_clear_error(
    files: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str | None
) -> None:
    from player.core.archive.library import Archive

    db = files / "archive.sqlite"
    with Archive.open(db) as archive:
        archive.add_folder(files)
        archive.scan()
    status, lines, err = run(capsys, *argv, "--db", str(db))
    assert "Traceback" not in err
    if message is None:
        assert status == 1 and err == ""
    else:
        assert status == 2 and lines == []
        assert err.startswith(message) and err.count("\n") == 1
