"""Transcribing a recording with no text in the window (issue 15, "In the window"), with a fake
recogniser and aligner beside the real window, session, job runner and files: the offer, progress
and Cancel while playback goes on, partial results readable and searchable as they come, the
machine transcript saved beside the media and marked machine-made, and a named model that is
not on the computer downloaded only when the user agrees (a fake model source: no network)."""

from __future__ import annotations

import shutil
import stat
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import player.engines.whisper_models as whisper_models
from player.core.align.types import AlignCancelled, Audio
from player.core.formats.load import load_transcript
from player.core.transcribe.models import ModelInfo
from player.core.transcribe.types import Segment, SegmentCallback
from player.engines.fake_aligner import FakeAligner
from player.engines.fake_transcriber import FakeModelSource, FakeTranscriber
from player.ui.transcribe_offer import OFFER_TEXT, TRANSCRIBE_MODEL, Transcription
from player.ui.transcript_session import LoadPhase
from tests.conftest import SAMPLE_DIR
from tests.ui.conftest import Harness, make_harness

SCRIPT = (
    "Good afternoon, everyone. The harbour of Kestrel Bay opens on Monday. "
    "The dredging of the basin starts in spring. Are there any questions?"
)


class GatedTranscriber(FakeTranscriber):
    """Hands on the first sentence, then waits for the test (``release``), checking
    ``should_stop`` every 10 ms like the real engine."""

    def __init__(self) -> None:
        super().__init__(SCRIPT)
        self.gate = threading.Event()
        self.first = threading.Event()

    def transcribe(
        self,
        audio: Audio,
        *,
        language: str | None = None,
        progress: object = None,
        should_stop: object = None,
        on_segment: SegmentCallback | None = None,
    ) -> list[Segment]:
        stop = should_stop if callable(should_stop) else (lambda: False)
        segments = super().transcribe(audio)
        for index, segment in enumerate(segments):
            if on_segment is not None:
                on_segment(segment)
            if callable(progress):
                progress((index + 1) / len(segments))
            if index == 0:
                self.first.set()
                while not self.gate.wait(0.01):
                    if stop():
                        raise AlignCancelled
        return segments

    def release(self) -> None:
        self.gate.set()


def _briefing(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    media = folder / "bulletin.opus"
    shutil.copy(SAMPLE_DIR / "briefing.opus", media)
    return media


def _open(harness: Harness, media: Path) -> None:
    w = harness.window
    w.open_media(media, play=False)
    harness.qtbot.waitUntil(lambda: w.session.state.phase is LoadPhase.MISSING, timeout=10000)


def _transcription(harness: Harness, transcriber: object | None = None) -> Transcription:
    t = harness.window.offers.transcription
    t.transcriber = transcriber  # type: ignore[assignment]
    t.aligner = FakeAligner()
    return t


def _press(harness: Harness, text: str) -> None:
    buttons = {b.text(): b for b in harness.window.info_bar.buttons()}
    assert text in buttons, list(buttons)
    buttons[text].click()


def test_offer_progress_partial_results_then_saved(harness: Harness, tmp_path: Path) -> None:
    media = _briefing(tmp_path / "b")
    _open(harness, media)
    w = harness.window
    assert w.info_bar.label.text().startswith(OFFER_TEXT)
    engine = GatedTranscriber()
    t = _transcription(harness, engine)
    harness.controller.play()
    _press(harness, "Transcribe")
    assert t.is_running()
    assert t.strip.isVisible() and t.strip.cancel_button.isVisible()
    # Partial results: the first sentence is shown and searchable before the end.
    assert engine.first.wait(10)
    harness.qtbot.waitUntil(lambda: w.model.rowCount() >= 1, timeout=10000)
    assert t.is_running()
    assert w.model.cues[0].text == "Good afternoon, everyone."
    w.start_search("afternoon")
    harness.qtbot.waitUntil(lambda: w.search.outcome is not None, timeout=10000)
    outcome = w.search.outcome
    assert outcome is not None and len(outcome.result) == 1
    assert "%" in t.strip.label.text()
    # Playback goes on meanwhile.
    before = harness.controller.position_ms()
    harness.advance(500)
    assert harness.controller.position_ms() > before
    engine.release()
    harness.qtbot.waitUntil(lambda: not t.is_running(), timeout=20000)
    QApplication.processEvents()
    out = media.with_suffix(".vtt")
    assert out.is_file() and stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]
    text = out.read_text("utf-8")
    assert "Kind: captions" in text and "NOTE machine transcript (model fake.en)" in text
    assert w.session.state.phase is LoadPhase.READY and w.session.path == str(out)
    assert [c.text for c in w.model.cues] == [c.text for c in load_transcript(out).cues]
    assert len(w.model.cues) == 4
    assert "machine-generated" in w.panel.title()
    assert not t.strip.isVisible()


def test_cancel_writes_nothing_and_puts_the_briefing_back(harness: Harness, tmp_path: Path) -> None:
    media = _briefing(tmp_path / "b")
    _open(harness, media)
    w = harness.window
    engine = GatedTranscriber()
    t = _transcription(harness, engine)
    assert t.start()
    assert engine.first.wait(10)
    harness.qtbot.waitUntil(lambda: w.model.rowCount() >= 1, timeout=10000)
    t.strip.cancel_button.click()
    harness.qtbot.waitUntil(lambda: not t.is_running(), timeout=5000)
    assert not media.with_suffix(".vtt").exists()
    assert not [p for p in media.parent.iterdir() if p.name.endswith(".tmp")]
    assert "cancelled" in w.info_bar.label.text()
    harness.qtbot.waitUntil(lambda: w.session.state.phase is LoadPhase.MISSING, timeout=10000)


def test_silence_is_a_message_not_a_file(harness: Harness, tmp_path: Path) -> None:
    media = _briefing(tmp_path / "b")
    _open(harness, media)
    t = _transcription(harness, FakeTranscriber())

    class Silent(FakeAligner):
        def load_audio(self, media_path: str, **kwargs: object) -> Audio:
            return Audio(b"\0\0" * 16_000 * 3)

    t.aligner = Silent()
    assert t.start()
    harness.qtbot.waitUntil(lambda: not t.is_running(), timeout=10000)
    assert "silent" in harness.window.info_bar.label.text()
    assert not media.with_suffix(".vtt").exists()


@pytest.mark.parametrize("agree", [True, False])
def test_a_named_model_not_here_is_downloaded_only_when_the_user_agrees(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, agree: bool
) -> None:
    monkeypatch.setattr(whisper_models, "cached_model", lambda name: None)
    harness.settings.set(TRANSCRIBE_MODEL, "base.en")
    media = _briefing(tmp_path / "b")
    _open(harness, media)
    t = _transcription(harness, None)
    source = FakeModelSource(tmp_path / "models", delay_s=0.01)
    t.model_source = source
    asked: list[ModelInfo] = []

    def confirm(info: ModelInfo) -> bool:
        asked.append(info)
        t.transcriber = FakeTranscriber(model=info.name)  # the downloaded model, faked
        return agree

    t.confirm_download = confirm
    assert t.start()
    harness.qtbot.waitUntil(lambda: bool(asked), timeout=10000)
    assert asked[0].name == "base.en" and asked[0].size_mb == 145
    out = media.with_suffix(".vtt")
    if not agree:
        assert source.downloads == []
        assert "was not downloaded" in harness.window.info_bar.label.text()
        assert not out.exists()
        return
    harness.qtbot.waitUntil(lambda: out.exists() and not t.is_running(), timeout=20000)
    assert source.downloads == ["base.en"]
    assert (tmp_path / "models" / "base.en" / "model.bin").is_file()
    assert "(model base.en)" in out.read_text("utf-8")


def test_the_library_indexes_the_machine_transcript(qtbot: QtBot, tmp_path: Path) -> None:
    from player.core.archive.library import Archive

    folder = tmp_path / "lib"
    media = _briefing(folder)
    db = tmp_path / "archive.sqlite"
    with Archive.open(db) as archive:
        archive.add_folder(folder)
        archive.scan()
        row = archive.briefing(str(media))
        assert row is not None and row.transcript_path is None
    h = make_harness(qtbot, tmp_path / "cfg", archive_db=db)
    try:
        w = h.window
        qtbot.waitUntil(lambda: w.docks.library is not None, timeout=5000)
        library = w.docks.library
        assert library is not None
        qtbot.waitUntil(lambda: library.archive is not None, timeout=5000)
        _open(h, media)
        t = _transcription(h, FakeTranscriber(SCRIPT))
        assert t.start()
        qtbot.waitUntil(lambda: not t.is_running(), timeout=20000)
        h.wait_indexed(media, media.with_suffix(".vtt"))
        assert w.docks.archive is not None
        hits = w.docks.archive.search("Kestrel")
        assert [hit.briefing.path for hit in hits] == [str(media)]
    finally:
        h.window.close()


def test_the_file_menu_transcribes_and_asks_before_replacing_a_transcript(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    w = harness.window
    actions = {a.text().replace("&", ""): a for a in w.menuBar().actions()[0].menu().actions()}
    menu_entry = actions["Transcribe Recording…"]
    media = _briefing(tmp_path / "b")
    _open(harness, media)
    t = _transcription(harness, FakeTranscriber(SCRIPT))
    menu_entry.trigger()  # no transcript: no question, it starts
    harness.qtbot.waitUntil(lambda: not t.is_running() and w.session.transcript is not None)
    harness.qtbot.waitUntil(lambda: (tmp_path / "b" / "bulletin.vtt").exists())
    asked: list[str] = []

    def answer_no(*args: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer_no)
    menu_entry.trigger()  # a transcript is shown now: asked, and "No" starts nothing
    assert len(asked) == 1 and "has a transcript" in asked[0]
    assert not t.is_running()


def test_preferences_name_the_speech_model(harness: Harness, tmp_path: Path) -> None:
    from player.ui.preferences import PreferencesDialog

    dialog = PreferencesDialog(harness.settings, harness.window)
    assert dialog.speech_model.text() == ""
    dialog.speech_model.setText("  base.en ")
    dialog.apply()
    assert harness.settings.get(TRANSCRIBE_MODEL) == "base.en"
    t = _transcription(harness)
    assert t._model_request() == ("base.en", None)
    dialog.speech_model.setText(str(tmp_path / "my-model"))
    dialog.apply()
    assert t._model_request() == (None, str(tmp_path / "my-model"))


def test_media_that_cannot_play_is_not_offered_for_transcription(
    harness: Harness, tmp_path: Path
) -> None:
    w = harness.window
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video at all")
    w.open_media(broken)
    harness.qtbot.waitUntil(lambda: w.session.state.phase is LoadPhase.MISSING, timeout=10000)
    harness.qtbot.waitUntil(lambda: "broken.mp4" in w.status.label.text(), timeout=10000)
    buttons = [b.text() for b in w.info_bar.buttons()]
    assert "Transcribe" not in buttons and "Open transcript…" in buttons
    assert w.info_bar.label.text() == "No transcript for broken.mp4."
    # A media that plays gets the offer again.
    _open(harness, _briefing(tmp_path / "b"))
    assert "Transcribe" in [b.text() for b in w.info_bar.buttons()]
