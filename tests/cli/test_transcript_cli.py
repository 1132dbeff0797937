"""``briefing-player transcript FILE [--json]``: output formats, warnings, exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from player.app.main import main
from tests.conftest import REPO


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_default_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(
        tmp_path,
        "b.vtt",
        "WEBVTT\n\n00:00:01.500 --> 00:00:03.000\n<v Ann>Hello &amp; welcome\nsecond line\n\n"
        "01:02:03.004 --> 01:02:04.000\nno speaker\n",
    )
    assert main(["transcript", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "[00:00:01.500] Ann: Hello & welcome / second line",
        "[01:02:03.004] no speaker",
    ]
    assert err == ""


def test_warnings_go_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(
        tmp_path,
        "bad-times.vtt",
        "WEBVTT\n\nneg\n-00:00:01.000 --> 00:00:02.000\nnegative start\n\n"
        "comma\n00:00:01,000 --> 00:00:02,000\nSubRip comma\n\n"
        "sixty\n00:00:60.000 --> 00:01:00.000\nsixty seconds\n\n"
        "ok\n00:00:03.000 --> 00:00:04.000 line:-1\nthe only valid cue\n",
    )
    assert main(["transcript", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["[00:00:03.000] the only valid cue"]
    lines = err.splitlines()
    assert len(lines) == 3
    assert lines[0] == (
        f"warning: {path}:4: cue dropped: invalid cue timings '-00:00:01.000 --> 00:00:02.000'"
    )
    assert lines[2].startswith(f"warning: {path}:12: cue dropped")


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(
        tmp_path,
        "voices.vtt",
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana Ruiz>Good morning</v>\n\n"
        "00:00:02.000 --> 00:00:03.000\n<v>nobody</v>\n\n"
        "00:00:03.000 --> 00:00:04.000\n<v Ana><i>Laughs</i>\nstill Ana\n\n"
        "00:00:04.000 --> 00:00:05.000\n<v A>outer <v B>inner</v></v>\n",
    )
    assert main(["transcript", str(path), "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    doc = json.loads(out)
    assert doc["format"] == "vtt" and doc["warnings"] == []
    assert doc["cues"][0] == {
        "id": None,
        "start": 1.0,
        "end": 2.0,
        "speaker": "Ana Ruiz",
        "text": "Good morning",
    }
    assert doc["cues"][2]["text"] == "Laughs\nstill Ana"
    assert doc["cues"][3]["speaker"] == "A, B"
    assert doc["cues"][1]["speaker"] is None


def test_json_srt_with_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "renamed.vtt"
    path.write_bytes(b"1\r\n00:00:01,000 --> 00:00:02,000\r\nOne\r\n\r\n2\r\n00:00:03,000 -->")
    path.write_bytes(path.read_bytes() + b" 00:00:04,000\r\nTwo\r\n")
    assert main(["transcript", "--json", str(path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["format"] == "srt"
    assert [c["id"] for c in doc["cues"]] == ["1", "2"]
    assert doc["warnings"][0]["line"] is None and "SubRip" in doc["warnings"][0]["message"]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("missing.vtt", None, "file not found"),
        ("empty.vtt", b"", "empty file"),
        ("binary.vtt", bytes(range(256)) * 16, "binary data, not a transcript"),
        ("prose.srt", b"Dear all,\nplease find attached.\n", "not a transcript"),
    ],
)
def test_errors_exit_2_with_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | None,
    reason: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert main(["transcript", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"error: {path}: {reason}")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_error_names_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.vtt"
    path.write_bytes(b"WEBVTTX\n\n00:01.000 --> 00:02.000\nx\n")
    assert main(["transcript", str(path)]) == 2
    assert capsys.readouterr().err.rstrip().endswith("(line 1)")


def test_subprocess_round_trip(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.srt", "1\n00:00:01,000 --> 00:00:02,000\n<i>Hi</i>\n")
    ok = subprocess.run(
        [sys.executable, "-m", "player", "transcript", str(path), "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["cues"][0]["text"] == "Hi"
    bad = subprocess.run(
        [sys.executable, "-m", "player", "transcript", str(tmp_path / "nope.vtt")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr == f"error: {tmp_path / 'nope.vtt'}: file not found\n"
