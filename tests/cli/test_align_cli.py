"""``briefing-player align``: output beside the media, --json, --force/.bak, atomic private
writes, progress lines, exit statuses 0/2/130, and one-line errors for bad input (no output
file). Real pocketsphinx on speech made with espeak-ng at test time."""

from __future__ import annotations

import json
import os
import shutil
import stat
import wave
from pathlib import Path

import pytest

import player.engines.alignment as alignment
from player.app.main import main
from player.core.formats.load import load_transcript
from tests.engines.conftest import SpeechCase, speech  # noqa: F401 (the fixture)


@pytest.fixture
def case(speech: SpeechCase, tmp_path: Path) -> SpeechCase:  # noqa: F811
    """A private copy of the generated speech and its text."""
    media = tmp_path / "briefing.mp3"
    text = tmp_path / "briefing.txt"
    shutil.copy(speech.media, media)
    shutil.copy(speech.text, text)
    return SpeechCase(media, text, speech.starts_ms, speech.sentences)


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1
    return lines[0]


def test_default_output_beside_the_media(
    case: SpeechCase, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["align", str(case.media), str(case.text)]) == 0
    out = case.media.with_suffix(".vtt")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    transcript = load_transcript(out)
    assert transcript.machine_generated
    assert [c.text for c in transcript.cues] == case.sentences
    for cue, truth in zip(transcript.cues, case.starts_ms, strict=True):
        assert abs(cue.start_ms - truth) <= 150
        assert cue.word_timings
    captured = capsys.readouterr()
    assert f"wrote {out}" in captured.out
    assert "align: 100%" in captured.err
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_json_object(case: SpeechCase, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "sub.vtt"
    assert main(["align", str(case.media), str(case.text), "-o", str(out), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {
        "output", "duration", "cues", "words", "aligned_words", "unaligned", "seconds",
    }  # fmt: skip
    assert document["output"] == str(out)
    assert document["cues"] == 3
    assert document["words"] == document["aligned_words"] > 20
    assert document["unaligned"] == []
    assert 5 < document["duration"] < 60
    assert document["seconds"] > 0


def test_existing_output_needs_force_and_is_kept_as_bak(
    case: SpeechCase, capsys: pytest.CaptureFixture[str]
) -> None:
    out = case.media.with_suffix(".vtt")
    out.write_text("WEBVTT\n\nold\n", "utf-8")
    assert main(["align", str(case.media), str(case.text)]) == 2
    assert _error_line(capsys) == f"error: {out}: already exists (use --force to replace it)"
    assert out.read_text("utf-8") == "WEBVTT\n\nold\n"
    assert main(["align", str(case.media), str(case.text), "--force"]) == 0
    assert out.with_name("briefing.vtt.bak").read_text("utf-8") == "WEBVTT\n\nold\n"
    assert "machine-aligned" in out.read_text("utf-8")


def test_unaligned_text_is_listed_and_kept_as_notes(
    case: SpeechCase, capsys: pytest.CaptureFixture[str]
) -> None:
    case.text.write_text(
        "PRESS BRIEFING\n\n" + case.text.read_text("utf-8") + "\n(Laughter.)\n", "utf-8"
    )
    assert main(["align", str(case.media), str(case.text), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [u["text"] for u in document["unaligned"]] == ["PRESS BRIEFING", "(Laughter.)"]
    assert document["unaligned"][0]["line"] == 1
    notes = load_transcript(case.media.with_suffix(".vtt")).notes
    assert any("(Laughter.)" in note for note in notes)


def _silent_wav(path: Path, seconds: float) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\x00\x00" * int(16_000 * seconds))


@pytest.mark.parametrize(
    ("fault", "blame", "reason"),
    [
        ("missing media", "media", "file not found"),
        ("no audio", "media", "not a media file"),
        ("silent media", "media", "silent"),
        ("empty text", "text", "empty"),
        ("binary text", "text", "binary"),
        ("missing text", "text", "file not found"),
        ("far longer text", "text", "far longer"),
        ("other language", "text", "English"),
        ("unknown text kind", "text", "not a text"),
    ],
)
def test_bad_input_is_one_error_line_and_no_file(
    case: SpeechCase,
    capsys: pytest.CaptureFixture[str],
    fault: str,
    blame: str,
    reason: str,
) -> None:
    media, text = case.media, case.text
    if fault == "missing media":
        media.unlink()
    elif fault == "no audio":
        media.write_bytes(b"not audio\n" * 100)
    elif fault == "silent media":
        media = media.with_suffix(".wav")
        _silent_wav(media, 3)
    elif fault == "empty text":
        text.write_text("", "utf-8")
    elif fault == "binary text":
        text.write_bytes(bytes(range(256)) * 50)
    elif fault == "missing text":
        text.unlink()
    elif fault == "far longer text":
        text.write_text("Good afternoon, everyone, and thank you. " * 200, "utf-8")
    elif fault == "other language":
        text.write_text("Добрый день, уважаемые коллеги. Мы начинаем брифинг.", "utf-8")
    elif fault == "unknown text kind":
        text = text.with_suffix(".xyz")
        text.write_text("Good afternoon.", "utf-8")
    assert main(["align", str(media), str(text)]) == 2
    culprit = media if blame == "media" else text
    line = _error_line(capsys)
    assert line.startswith(f"error: {culprit}: ")
    assert reason in line
    assert not media.with_suffix(".vtt").exists()
    assert [p.name for p in media.parent.iterdir() if p.suffix in {".vtt", ".tmp"}] == []


def test_interrupted_is_130_and_writes_nothing(
    case: SpeechCase, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(alignment, "align_text", interrupted)
    assert main(["align", str(case.media), str(case.text)]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert not case.media.with_suffix(".vtt").exists()


def test_a_failed_write_leaves_no_partial_file(
    case: SpeechCase, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = case.media.with_suffix(".vtt")
    out.write_text("WEBVTT\n\nold\n", "utf-8")
    real_replace = os.replace

    def failing_replace(src: str, dst: str) -> None:
        if str(dst) == str(out):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    assert main(["align", str(case.media), str(case.text), "--force"]) == 2
    assert "No space left on device" in _error_line(capsys)
    assert out.read_text("utf-8") == "WEBVTT\n\nold\n"
    assert not [p for p in case.media.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_legacy_encoding_is_read_with_a_warning(
    case: SpeechCase, capsys: pytest.CaptureFixture[str]
) -> None:
    text = case.text.read_text("utf-8").replace("thank you", "thank you \u2014")
    case.text.write_bytes(text.encode("cp1252"))
    assert main(["align", str(case.media), str(case.text)]) == 0
    assert f"warning: {case.text}: " in capsys.readouterr().err
    cues = load_transcript(case.media.with_suffix(".vtt")).cues
    assert "\u2014" in cues[0].text
