"""Terminal-safe, encoding-safe output (``player.cli.output``) in ``transcript``, ``search``,
``library`` and archive ``search``: hostile cue text, speakers and file names never reach the
terminal as control sequences, and an encoding that cannot hold a character never crashes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from player.app.main import main
from player.cli.output import escape, json_line, write_line
from tests.conftest import REPO

CLEAR = "\x1b[2J"
TITLE = "\x1b]0;owned\x07"
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"
LINK = "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\"
CSI8 = "\x9b2J"
RLO = "\u202e"

HOSTILE_VTT = (
    "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n"
    f"<v Ann{CLEAR}>budget {TITLE} cut {CLIPBOARD} {LINK} {CSI8} {RLO}gnp.exe\n"
)
"""A cue whose speaker and text carry escape sequences (the WebVTT parser keeps them)."""

RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")


def assert_no_controls(text: str) -> None:
    for char in RAW_CONTROLS:
        assert char not in text, f"{char!r} reached the output: {text!r}"


def test_escape_makes_controls_visible_and_keeps_the_rest() -> None:
    assert escape("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert escape("x\x9by\x7f\x00") == "x\\x9by\\x7f\\x00"
    assert escape("new\nline\rcr") == "new\\x0aline\\x0dcr"
    assert escape("evil\u202etxt.exe \u2066x\u2069") == "evil\\u202etxt.exe \\u2066x\\u2069"
    assert escape("a\tb") == "a\tb"  # the field separator stays
    assert escape("Ministra Álvarez: «ça» — 東京 שלום \u200f") == (
        "Ministra Álvarez: «ça» — 東京 שלום \u200f"
    )
    undecodable = os.fsdecode(b"caf\xe9.vtt")  # a Latin-1 file name on a UTF-8 system
    assert escape(undecodable) == "caf\\xe9.vtt"


def test_json_line_stays_exact_and_parseable() -> None:
    record = {"text": f"a{CSI8}b{RLO}c\x1bd\x7f", "name": os.fsdecode(b"x\xff")}
    line = json_line(record)
    assert_no_controls(line)
    assert "\udcff" not in line
    assert json.loads(line) == record


def test_write_line_never_raises_for_an_encoding_that_cannot_hold_a_character() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252")
    write_line("café → 東京", stream)
    record = {"text": "café → 東京 😀", "file": os.fsdecode(b"x\xff")}
    write_line(json_line(record), stream, raw=True)
    stream.flush()
    text, json_text = raw.getvalue().decode("cp1252").splitlines()
    assert text == "café \\u2192 \\u6771\\u4eac"
    assert json.loads(json_text) == record  # still valid JSON, the same text


def test_transcript_text_output_escapes_cue_text_and_speaker(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hostile.vtt"
    path.write_text(HOSTILE_VTT, encoding="utf-8")
    assert main(["transcript", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert_no_controls(out)
    assert out.startswith("[00:00:01.000] Ann\\x1b[2J: budget \\x1b]0;owned\\x07 cut")
    assert "\\u202egnp.exe" in out
    assert main(["transcript", "--json", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert_no_controls(out)
    cue = json.loads(out)["cues"][0]
    assert cue["speaker"] == f"Ann{CLEAR}" and CSI8 in cue["text"]


def test_search_escapes_file_names_and_cue_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"brief{TITLE}.vtt"
    path.write_text(HOSTILE_VTT, encoding="utf-8")
    assert main(["search", "budget", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert_no_controls(out)
    name, start, said = out.rstrip("\n").split("\t")
    assert name.endswith("brief\\x1b]0;owned\\x07.vtt") and start == "00:00:01.000"
    assert said.startswith("Ann\\x1b[2J: budget")
    assert main(["search", "--json", "budget", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert_no_controls(out)
    assert json.loads(out)["file"] == str(path)
    # An error naming the file: escaped too.
    assert main(["search", "budget", str(tmp_path / f"gone{CLEAR}.vtt")]) == 2
    _, err = capsys.readouterr()
    assert_no_controls(err)
    assert "gone\\x1b[2J.vtt" in err


def test_library_and_archive_search_escape_titles_paths_and_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / f"talk{CLIPBOARD}.vtt").write_text(HOSTILE_VTT, encoding="utf-8")
    db = str(tmp_path / "archive.sqlite")
    assert main(["index", str(folder), "--db", db]) == 0
    capsys.readouterr()
    assert main(["library", "--db", db]) == 0
    out, _ = capsys.readouterr()
    assert out.count("\n") == 1
    assert_no_controls(out)
    assert "talk\\x1b]52;c;cm0gLXJmIH4=\\x07" in out
    assert main(["library", "--json", "--db", db]) == 0
    out, _ = capsys.readouterr()
    assert_no_controls(out)
    assert json.loads(out)["path"].endswith(f"talk{CLIPBOARD}.vtt")
    assert main(["search", "budget", "--db", db]) == 0
    out, _ = capsys.readouterr()
    assert_no_controls(out)
    assert "budget \\x1b]0;owned\\x07" in out


def _run_cp1252(*argv: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    return subprocess.run(
        [sys.executable, "-m", "player", *argv],
        capture_output=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_search_and_library_survive_a_cp1252_stdout(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    path = folder / "東京.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v 李>budget → 東京 café\n", encoding="utf-8"
    )
    db = str(tmp_path / "archive.sqlite")
    proc = _run_cp1252("search", "budget", str(path))
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert proc.stdout.decode("cp1252").endswith(
        "\\u6771\\u4eac.vtt\t00:00:01.000\t\\u674e: budget \\u2192 \\u6771\\u4eac café\n"
    )
    proc = _run_cp1252("index", str(folder), "--db", db)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    for argv in (["library", "--db", db], ["search", "budget", "--db", db]):
        proc = _run_cp1252(*argv)
        assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
        assert b"Traceback" not in proc.stderr
        assert "\\u6771\\u4eac" in proc.stdout.decode("cp1252")


def test_a_window_option_error_escapes_the_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--transcript", str(tmp_path / f"x{TITLE}.vtt")]) == 2
    err = capsys.readouterr().err
    assert_no_controls(err)
    assert err.startswith("error: --transcript: ") and "x\\x1b]0;owned\\x07.vtt" in err
