"""``briefing-player transcribe``: output beside the media, --json, --force/.bak, atomic private
writes, progress, exit statuses 0/2/130, and one-line errors (no output file) for no audio,
silence, a folder that is not a model, a damaged model, a model not on the computer, too little
memory. Real faster-whisper (tiny.en from its wheel) and pocketsphinx on espeak-ng speech."""

from __future__ import annotations

import json
import shutil
import stat
import wave
from pathlib import Path

import pytest

import player.engines.transcription as transcription
from player.app.main import main
from player.core.formats.load import load_transcript
from player.engines.fake_transcriber import FakeTranscriber
from tests.engines.conftest import SpeechCase, speech  # noqa: F401 (the fixture)
from tests.engines.test_transcriber_contract import need_whisper


@pytest.fixture
def media(speech: SpeechCase, tmp_path: Path) -> Path:  # noqa: F811
    """A private copy of the generated speech (no text beside it)."""
    copy = tmp_path / "briefing.mp3"
    shutil.copy(speech.media, copy)
    return copy


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake recogniser in place of faster-whisper (the aligner stays real)."""
    monkeypatch.setattr(
        transcription, "make_transcriber", lambda model, configured=None: FakeTranscriber()
    )


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1
    return lines[0]


def _nothing_written(folder: Path) -> None:
    assert not [p for p in folder.iterdir() if p.suffix in {".vtt", ".tmp"}]


def test_default_output_beside_the_media_real_engines(
    media: Path,
    speech: SpeechCase,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    need_whisper()
    assert main(["transcribe", str(media)]) == 0
    out = media.with_suffix(".vtt")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text("utf-8")
    assert text.startswith("WEBVTT\nKind: captions\n")
    assert "NOTE machine transcript (model tiny.en)" in text
    transcript = load_transcript(out)
    assert transcript.machine_generated
    assert len(transcript.cues) == len(speech.sentences)
    assert "afternoon" in transcript.cues[0].text.lower()
    for cue, truth in zip(transcript.cues, speech.starts_ms, strict=True):
        assert abs(cue.start_ms - truth) <= 150, (cue.start_ms, truth)
        assert cue.word_timings
    captured = capsys.readouterr()
    assert f"wrote {out}" in captured.out
    assert "transcribe: 100%" in captured.err
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_json_force_and_backup(
    media: Path, fake_engine: None, capsys: pytest.CaptureFixture[str]
) -> None:
    out = media.with_suffix(".vtt")
    out.write_text("WEBVTT\n\nold\n", "utf-8")
    assert main(["transcribe", str(media), "--json"]) == 2
    assert "already exists (use --force" in _error_line(capsys)
    assert main(["transcribe", str(media), "--json", "--force"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"output", "duration", "cues", "words", "model", "seconds"}
    assert document["output"] == str(out) and document["model"] == "fake.en"
    assert document["cues"] == 4 and document["words"] > 10 and document["duration"] > 5
    assert out.with_name("briefing.vtt.bak").read_text("utf-8") == "WEBVTT\n\nold\n"


def test_output_option(media: Path, fake_engine: None, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "x.vtt"
    out.parent.mkdir()
    assert main(["transcribe", str(media), "-o", str(out)]) == 0
    assert load_transcript(out).cues


def test_no_audio_track(
    tmp_path: Path, fake_engine: None, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "notes.mp3"
    bogus.write_text("this is not a recording\n" * 50, "utf-8")
    assert main(["transcribe", str(bogus)]) == 2
    assert _error_line(capsys).startswith(f"error: {bogus}: ")
    _nothing_written(tmp_path)


def test_silence(tmp_path: Path, fake_engine: None, capsys: pytest.CaptureFixture[str]) -> None:
    silent = tmp_path / "silent.wav"
    with wave.open(str(silent), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(16_000)
        handle.writeframes(b"\0\0" * 16_000 * 3)
    assert main(["transcribe", str(silent)]) == 2
    assert "silent" in _error_line(capsys)
    _nothing_written(tmp_path)


def test_a_folder_that_is_not_a_model(
    media: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    assert main(["transcribe", str(media), "--model", str(folder)]) == 2
    line = _error_line(capsys)
    assert line.startswith(f"error: {folder}: not a Whisper model folder")
    assert "model.bin" in line
    _nothing_written(tmp_path)


def test_a_damaged_model(media: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    need_whisper()
    from player.engines.whisper_models import installed_package

    package = installed_package()
    assert package is not None
    folder = tmp_path / "damaged"
    shutil.copytree(package[1], folder)
    (folder / "model.bin").write_bytes(b"garbage" * 100)
    assert main(["transcribe", str(media), "--model", str(folder)]) == 2
    assert "damaged or not a Whisper model" in _error_line(capsys)
    _nothing_written(tmp_path)


def test_a_named_model_not_here_says_how_to_get_it_and_downloads_nothing(
    media: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import player.engines.whisper_models as models

    monkeypatch.setattr(models, "cached_model", lambda name: None)
    assert main(["transcribe", str(media), "--model", "medium.en"]) == 2
    line = _error_line(capsys)
    assert "medium.en is not on this computer" in line and "hf download" in line
    _nothing_written(tmp_path)


def test_not_enough_memory(
    media: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    need_whisper()
    import faster_whisper

    def no_memory(*args: object, **kwargs: object) -> None:
        raise RuntimeError("std::bad_alloc")

    monkeypatch.setattr(faster_whisper, "WhisperModel", no_memory)
    assert main(["transcribe", str(media)]) == 2
    assert "not enough memory" in _error_line(capsys)
    _nothing_written(tmp_path)


def test_interrupted(
    media: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(transcription, "transcribe_media", interrupted)
    assert main(["transcribe", str(media)]) == 130
    assert "interrupted: nothing was written" in capsys.readouterr().err
    _nothing_written(tmp_path)


def test_another_language_needs_a_multilingual_model(
    media: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    need_whisper()
    assert main(["transcribe", str(media), "--language", "fr"]) == 2
    assert "knows English only" in _error_line(capsys)
    _nothing_written(tmp_path)


def test_another_language_keeps_the_recognizer_times(media: Path, fake_engine: None) -> None:
    assert main(["transcribe", str(media), "--language", "fr"]) == 0
    text = media.with_suffix(".vtt").read_text("utf-8")
    assert "Language: fr" in text and "the recognizer's own" in text


def test_the_preferences_model_is_used_without_model(
    media: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from PySide6.QtCore import QSettings

    from player.cli.transcribe import preferences_model

    config = tmp_path / "config"
    config.mkdir()
    folder = tmp_path / "my models, 2026" / "whisper"  # a comma: QSettings quotes the value
    folder.mkdir(parents=True)
    written = QSettings(str(config / "settings.ini"), QSettings.Format.IniFormat)
    written.setValue("transcribe/model", str(folder))
    written.sync()
    assert preferences_model(config) == (None, str(folder))
    # The window's Preferences name a folder that is not a model: the command says so.
    assert main(["transcribe", str(media), "--config-dir", str(config)]) == 2
    assert _error_line(capsys).startswith(f"error: {folder}: not a Whisper model folder")
    written.setValue("transcribe/model", "base.en")
    written.sync()
    assert preferences_model(config) == ("base.en", None)
    assert preferences_model(tmp_path / "nowhere") == (None, None)
