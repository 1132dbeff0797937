"""File ▸ Export Clip…: the marked range cut on the background pool (real PyAV), with its
transcript beside it, progress, Cancel and errors in the status line."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QPushButton

from player.core.clip import ClipCancelled, ClipResult
from player.core.formats.load import load_transcript
from player.core.media.probe import probe_media
from player.core.timeline.marks import Marks
from player.ui.clip_export import ClipExporter
from tests.ui.conftest import Harness

WAIT_MS = 30_000


def _export(h: Harness, monkeypatch: pytest.MonkeyPatch, target: Path | None) -> ClipExporter:
    monkeypatch.setattr(ClipExporter, "ask_target", lambda _self, _suggested: target)
    for action in h.window.actions():
        if action.text().replace("&", "") == "Export Clip…":
            action.trigger()
            break
    else:
        raise AssertionError("no File ▸ Export Clip…")
    exporter = h.window.menu_actions.desk()._clips
    assert isinstance(exporter, ClipExporter)
    return exporter


def test_the_marked_range_with_its_transcript(
    harness: Harness, sample_audio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    assert h.open(sample_audio)
    desk = h.window.menu_actions.desk()
    desk.marks.set_marks(Marks(21_500, 27_500))
    target = tmp_path / "quote.opus"
    done: list[object] = []
    monkeypatch.setattr(ClipExporter, "ask_target", lambda _self, _suggested: target)
    desk.export_clip()
    exporter = desk._clips
    assert isinstance(exporter, ClipExporter)
    assert exporter.dialog is not None or exporter.busy or target.exists()
    exporter.finished.connect(done.append)
    h.qtbot.waitUntil(lambda: not exporter.busy, timeout=WAIT_MS)
    assert target.is_file(), h.window.status.label.text()
    info = probe_media(target)
    assert info.duration_ms is not None and abs(info.duration_ms - 6_000) <= 50
    cues = load_transcript(target.with_suffix(".vtt")).cues
    assert cues and cues[0].start_ms < 1_000 and cues[-1].end_ms <= 6_000
    status = h.window.status.label.text()
    assert status.startswith("Clip written: quote.opus") and "quote.vtt" in status
    assert exporter.dialog is None  # the progress dialog is gone


def test_without_marks_or_media_it_says_what_to_do(
    harness: Harness, sample_audio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    asked: list[Path] = []
    monkeypatch.setattr(ClipExporter, "ask_target", lambda _self, s: asked.append(s))
    h.window.menu_actions.desk().export_clip()
    assert "Open a media file" in h.window.status.label.text()
    assert h.open(sample_audio)
    h.window.menu_actions.desk().export_clip()
    assert "Set an In mark (I) and an Out mark (O)" in h.window.status.label.text()
    assert asked == []


def test_the_default_name_and_a_refused_suffix(
    harness: Harness, sample_audio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    assert h.open(sample_audio)
    desk = h.window.menu_actions.desk()
    desk.marks.set_marks(Marks(60_000, 65_000))
    suggested: list[Path] = []
    monkeypatch.setattr(ClipExporter, "ask_target", lambda _self, s: suggested.append(s))
    desk.export_clip()
    assert suggested and suggested[0].name == "briefing clip 1-00 to 1-05.opus"
    exporter = _export(h, monkeypatch, tmp_path / "clip.xyz")
    h.qtbot.waitUntil(lambda: not exporter.busy, timeout=WAIT_MS)
    assert "Could not export the clip: cannot write a clip as .xyz" in (
        h.window.status.label.text()
    )
    assert [p.name for p in tmp_path.iterdir() if p.name != "config"] == []


def test_cancel_stops_the_cut(
    harness: Harness, sample_audio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    assert h.open(sample_audio)
    desk = h.window.menu_actions.desk()
    desk.marks.set_marks(Marks(1_000, 5_000))
    started = threading.Event()

    def slow_cutter(*_args: Any, should_stop: Any, progress: Any, **_kw: Any) -> ClipResult:
        progress(0.25)
        started.set()
        while not should_stop():
            threading.Event().wait(0.01)
        raise ClipCancelled()

    exporter = ClipExporter(
        h.window, h.controller, h.window.session, desk.marks, h.window.session._runner,
        cutter=slow_cutter,
    )  # fmt: skip
    exporter.message.connect(h.window.status.show_status)
    span = Marks(1_000, 5_000).range()
    assert span is not None
    exporter.start(Path(h.controller.media_path or ""), tmp_path / "clip.opus", span)
    assert started.wait(10)
    h.qtbot.waitUntil(lambda: exporter.dialog is not None and exporter.dialog.value() == 25)
    assert exporter.busy
    cancel_button = exporter.dialog.findChild(QPushButton)  # type: ignore[union-attr]
    assert cancel_button is not None and cancel_button.text() == "Cancel"
    cancel_button.click()
    h.qtbot.waitUntil(lambda: not exporter.busy, timeout=WAIT_MS)
    QApplication.processEvents()
    assert h.window.status.label.text() == "Clip export cancelled"
    assert not (tmp_path / "clip.opus").exists()


def test_an_existing_transcript_beside_the_clip_is_replaced_only_when_agreed(
    harness: Harness, sample_audio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    assert h.open(sample_audio)
    desk = h.window.menu_actions.desk()
    desk.marks.set_marks(Marks(1_000, 3_000))
    keep = tmp_path / "clip.vtt"
    keep.write_text("WEBVTT\n\nsomeone else's\n", encoding="utf-8")
    asked: list[Path] = []
    monkeypatch.setattr(ClipExporter, "confirm_replace", lambda _s, p: asked.append(p) or False)
    exporter = _export(h, monkeypatch, tmp_path / "clip.opus")
    assert asked == [keep] and not exporter.busy
    assert "was kept" in h.window.status.label.text()
    assert keep.read_text(encoding="utf-8").endswith("someone else's\n")
    assert not (tmp_path / "clip.opus").exists()
    monkeypatch.setattr(ClipExporter, "confirm_replace", lambda _s, _p: True)
    exporter = _export(h, monkeypatch, tmp_path / "clip.opus")
    h.qtbot.waitUntil(lambda: not exporter.busy, timeout=WAIT_MS)
    assert (tmp_path / "clip.opus").is_file()
    assert "someone else's" not in keep.read_text(encoding="utf-8")
