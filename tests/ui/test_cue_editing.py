"""Correcting a machine transcript in place (issue 15, "Correcting it"), with the real window,
session and files and a fake aligner: F2 and double-click edit a line, Esc drops the edit,
the change is saved atomically with the previous version kept, undo/redo, unchanged words keep
their timings and the changed ones are re-timed in the background."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from player.core.formats.load import load_transcript
from player.engines.fake_aligner import FakeAligner
from player.ui.cue_editing import CueEditing
from player.ui.transcript_session import LoadPhase
from tests.conftest import SAMPLE_DIR
from tests.ui.conftest import Harness

VTT = """WEBVTT
Kind: captions
Language: en

NOTE machine transcript (model tiny.en): machine-transcribed by briefing-player.

00:00:01.000 --> 00:00:04.000
The Secretary met <00:00:02.000>Ambassador <00:00:02.600>Lorenti <00:00:03.200>Monday.

00:00:05.000 --> 00:00:07.000
Thank <00:00:05.400>you very much.
"""


def _open(harness: Harness, tmp_path: Path) -> tuple[Path, CueEditing]:
    folder = tmp_path / "b"
    folder.mkdir()
    media = folder / "bulletin.opus"
    shutil.copy(SAMPLE_DIR / "briefing.opus", media)
    media.with_suffix(".vtt").write_text(VTT, "utf-8")
    w = harness.window
    w.open_media(media, play=False)
    harness.qtbot.waitUntil(lambda: w.session.state.phase is LoadPhase.READY, timeout=10000)
    editing = w.offers.cue_editing
    editing.aligner = FakeAligner()
    return media.with_suffix(".vtt"), editing


def _type(qtbot: QtBot, editing: CueEditing, text: str) -> None:
    editor = editing.editor
    assert editor is not None and editor.isVisible()
    editor.setText(text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_f2_edits_saves_keeps_the_previous_version_and_retimes(
    harness: Harness, tmp_path: Path
) -> None:
    out, editing = _open(harness, tmp_path)
    w, qtbot = harness.window, harness.qtbot
    view = w.panel.view
    view.setFocus()
    view.setCurrentIndex(w.model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    assert editing.editor is not None
    assert editing.editor.text().startswith("The Secretary met Ambassador Lorenti")
    with qtbot.waitSignal(editing.retimed, timeout=20000):
        _type(qtbot, editing, "The Secretary met Ambassador DeLaurentis on Monday.")
    saved = load_transcript(out)
    cue = saved.cues[0]
    assert cue.text == "The Secretary met Ambassador DeLaurentis on Monday."
    starts = {t.char_offset: t.start_ms for t in cue.word_timings}
    assert starts[18] == 2000 and starts[cue.text.index("Monday.")] == 3200  # kept
    assert 2000 < starts[29] < 3200  # DeLaurentis: re-timed between its neighbours
    assert saved.machine_generated
    assert "Lorenti" in out.with_name(out.name + ".bak").read_text("utf-8")
    assert w.model.cues[0].text == cue.text
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]
    # Undo and redo, each saved.
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.model.cues[0].text.endswith("Lorenti Monday.")
    assert "Lorenti" in out.read_text("utf-8")
    editing.undo_stack.redo()
    assert "DeLaurentis" in out.read_text("utf-8")
    assert w.model.cues[0].text.endswith("DeLaurentis on Monday.")


def test_escape_drops_the_edit_and_double_click_edits(harness: Harness, tmp_path: Path) -> None:
    out, editing = _open(harness, tmp_path)
    w, qtbot = harness.window, harness.qtbot
    before = out.read_text("utf-8")
    view = w.panel.view
    rect = view.visualRect(w.model.index(1, 0))
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert editing.editor is not None
    assert editing.editor.text() == "Thank you very much."
    editing.editor.setText("Thanks a lot.")
    qtbot.keyClick(editing.editor, Qt.Key.Key_Escape)
    QApplication.processEvents()
    assert editing.editor is None
    assert out.read_text("utf-8") == before
    assert w.model.cues[1].text == "Thank you very much."
    assert view.indexAt(QPoint(rect.center())).row() == 1


def test_an_ordinary_transcript_is_not_edited(harness: Harness, tmp_path: Path) -> None:
    out, editing = _open(harness, tmp_path)
    note = "NOTE machine transcript (model tiny.en): machine-transcribed by briefing-player."
    out.write_text(VTT.replace(note, "NOTE Transcript by the press office."), "utf-8")
    w = harness.window
    w.session.open_transcript(out)
    harness.qtbot.waitUntil(
        lambda: (
            w.session.state.phase is LoadPhase.READY
            and w.session.transcript is not None
            and not w.session.transcript.machine_generated
        ),
        timeout=10000,
    )
    assert not editing.editable()
    assert not editing.begin(0)
