"""``briefing-player clip``: the clip and its transcript slice, names, errors and exit codes."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from player.app.main import main
from player.core.formats.load import load_transcript
from player.core.media.probe import probe_media

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample"


@pytest.fixture
def briefing(tmp_path: Path) -> Path:
    for name in ("briefing.vtt", "briefing.opus", "briefing.mp4"):
        shutil.copy(SAMPLE / name, tmp_path / name)
    return tmp_path


def test_a_clip_with_its_transcript_shifted_to_zero(
    briefing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = briefing / "quote.opus"
    status = main(["clip", str(briefing / "briefing.opus"), "--from", "0:21.5", "--to", "+6s",
                   "-o", str(out)])  # fmt: skip
    assert status == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    assert "stream copy" in printed and "quote.vtt (2 lines)" in printed
    info = probe_media(out)
    assert info.duration_ms is not None and abs(info.duration_ms - 6_000) <= 50
    assert info.title is not None and "0:21–0:27" in info.title
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    cues = load_transcript(briefing / "quote.vtt").cues
    original = load_transcript(briefing / "briefing.vtt").cues
    assert cues and cues[0].start_ms < 1_000 and cues[-1].end_ms <= 6_000
    assert any(c.text == cues[-1].text for c in original)  # the words as they were


def test_the_default_name_is_beside_the_media(
    briefing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["clip", str(briefing / "briefing.mp4"), "--from", "60", "--to", "65"]) == 0
    clip = briefing / "briefing clip 1-00 to 1-05.mp4"
    assert clip.is_file() and clip.with_suffix(".vtt").is_file()
    assert "re-encoded" in capsys.readouterr().out
    info = probe_media(clip)
    assert info.has_video and info.duration_ms is not None
    assert abs(info.duration_ms - 5_000) <= 100  # a frame of the 10 fps sample


def test_existing_files_need_force(briefing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["clip", str(briefing / "briefing.opus"), "--from", "1", "--to", "3", "-o",
            str(briefing / "c.mp3")]  # fmt: skip
    assert main(args) == 0
    capsys.readouterr()
    assert main(args) == 2
    assert "already exist" in capsys.readouterr().err
    assert main([*args, "--force"]) == 0


def test_no_transcript(briefing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = briefing / "c.wav"
    args = ["clip", str(briefing / "briefing.opus"), "--from", "1", "--to", "2", "-o", str(out)]
    assert main([*args, "--no-transcript"]) == 0
    assert out.is_file() and not out.with_suffix(".vtt").exists()
    (briefing / "briefing.vtt").unlink()
    assert main([*args, "--force"]) == 0
    assert "no transcript beside" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("from_time", "to_time", "words"),
    [
        ("30", "20", "must come after the start"),
        ("2:00", "3:00", "past the end of the media"),
        ("abc", "3", "--from: not a time"),
        ("-5", "3", "cannot be negative"),
        ("+5", "10", "only --to can count"),
        ("10", "10.05", "shorter than"),
    ],
)
def test_bad_ranges_are_one_clear_error(
    briefing: Path, capsys: pytest.CaptureFixture[str], from_time: str, to_time: str, words: str
) -> None:
    out = briefing / "c.mp3"
    status = main(["clip", str(briefing / "briefing.opus"), "--from", from_time, "--to", to_time,
                   "-o", str(out)])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("error: ") and words in err and err.count("\n") == 1
    assert not out.exists()


def test_missing_media_and_unknown_suffix(
    briefing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["clip", str(briefing / "nothing.mp3"), "--from", "1", "--to", "2"]) == 2
    assert "no such file" in capsys.readouterr().err
    args = ["clip", str(briefing / "briefing.opus"), "--from", "1", "--to", "2"]
    assert main([*args, "-o", str(briefing / "c.xyz")]) == 2
    assert "cannot write a clip as .xyz" in capsys.readouterr().err
