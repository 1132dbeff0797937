"""Marks, the A-B loop, Go to time and Back/Forward in the window (fake backend, real Qt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from player.core.timeline.marks import Marks
from player.ui.goto_dialog import GoToDialog
from tests.ui.conftest import Harness


def _action(h: Harness, text: str) -> QAction:
    for action in h.window.actions():
        if action.text().replace("&", "") == text:
            return action
    raise AssertionError(f"no action {text!r}")


def test_marks_from_the_menu_and_the_loop_wraps_at_out(
    harness: Harness, sample_audio: Path
) -> None:
    h = harness
    assert h.open(sample_audio)
    desk = h.window.menu_actions.desk()
    h.advance(2_000)
    _action(h, "Set In Mark").trigger()
    h.advance(1_500)
    _action(h, "Set Out Mark").trigger()
    marks = desk.marks.marks
    assert marks.in_ms is not None and marks.out_ms is not None
    assert abs(marks.in_ms - 2_000) <= 30 and abs(marks.out_ms - 3_500) <= 30
    assert "Out mark at" in h.window.status.label.text()
    assert desk.overlay.isVisible()  # drawn on the seek bar
    loop = _action(h, "Loop Between Marks")
    loop.trigger()
    assert desk.marks.looping and loop.isChecked()
    positions: list[int] = []
    h.controller.position_changed.connect(positions.append)
    h.advance(5_000)
    assert desk.marks.wraps >= 3
    assert max(positions) <= marks.out_ms + 30  # never past Out by more than a tick
    assert min(positions) >= marks.in_ms
    # at half speed as well
    h.controller.set_rate(0.5)
    wraps = desk.marks.wraps
    h.advance(4_000)
    assert desk.marks.wraps >= wraps + 1
    loop.trigger()
    assert not desk.marks.looping and not loop.isChecked()
    _action(h, "Clear Marks").trigger()
    assert desk.marks.marks.is_empty and not desk.overlay.isVisible()


def test_a_seek_past_out_while_looping_is_not_pulled_back(
    harness: Harness, sample_audio: Path
) -> None:
    h = harness
    assert h.open(sample_audio)
    desk = h.window.menu_actions.desk()
    desk.marks.set_marks(Marks(1_000, 3_000))
    desk.marks.set_looping(True)
    h.advance(500)
    h.controller.seek(20_000)
    h.advance(500)
    assert h.controller.position_ms() >= 20_000
    assert desk.marks.wraps == 0


def test_loop_needs_a_range_and_a_new_media_clears_the_marks(
    harness: Harness, sample_audio: Path, sample_video: Path
) -> None:
    h = harness
    assert h.open(sample_audio)
    desk = h.window.menu_actions.desk()
    desk.marks.set_looping(True)
    assert not desk.marks.looping
    assert "Set an In mark" in h.window.status.label.text()
    desk.marks.set_marks(Marks(1_000, None))
    desk.marks.set_looping(True)  # In to the end
    assert desk.marks.looping and desk.marks.range() is not None
    assert h.open(sample_video)
    assert desk.marks.marks.is_empty and not desk.marks.looping


def test_single_keys_set_marks_but_not_in_a_text_field(
    harness: Harness, sample_audio: Path
) -> None:
    h = harness
    assert h.open(sample_audio)
    desk = h.window.menu_actions.desk()
    h.window.menu_actions.set_single_key_shortcuts(True)
    h.advance(1_000)
    h.window.panel.view.setFocus()
    QApplication.processEvents()
    h.qtbot.keyClick(h.window.panel.view, Qt.Key.Key_I)
    assert desk.marks.marks.in_ms is not None
    h.window.start_search()
    field = h.window.search.findChild(QLineEdit)
    assert field is not None
    field.setFocus()
    QApplication.processEvents()
    h.qtbot.keyClick(field, Qt.Key.Key_O)
    assert desk.marks.marks.out_ms is None  # typed, not a shortcut
    assert "o" in field.text().lower()


def test_back_and_forward_undo_jumps_but_not_skips(harness: Harness, sample_audio: Path) -> None:
    h = harness
    assert h.open(sample_audio)
    h.window.menu_actions.desk()
    h.advance(3_000)
    left = h.controller.position_ms()
    h.window.seek_and_play(40_000)  # a click on a line, a search hit, a bookmark
    h.advance(1_000)
    h.window.transport.skip_forward()  # not a jump
    h.advance(1_000)
    here = h.controller.position_ms()
    back = _action(h, "Back")
    back.trigger()
    assert abs(h.controller.position_ms() - left) <= 30
    assert "Back to" in h.window.status.label.text()
    _action(h, "Forward").trigger()
    assert abs(h.controller.position_ms() - here) <= 30
    # a seek-bar jump is undone too
    h.window.transport.slider.seek_requested.emit(60_000)
    assert h.controller.position_ms() == 60_000
    back.trigger()
    assert abs(h.controller.position_ms() - here) <= 30
    assert h.open(sample_audio)  # another media: nowhere to go back to
    back.trigger()
    assert "Nothing to go back to" in h.window.status.label.text()


def test_go_to_time_dialog(harness: Harness, sample_audio: Path, qtbot: QtBot) -> None:
    h = harness
    assert h.open(sample_audio)
    h.advance(30_000)
    dialog = GoToDialog(h.controller.position_ms(), h.controller.length_ms())
    qtbot.addWidget(dialog)
    dialog.field.setText("nonsense")
    dialog.accept()
    assert dialog.target_ms is None and dialog.error.isVisibleTo(dialog)
    assert "1:23" in dialog.error.text()
    dialog.field.setText("-10s")
    dialog.accept()
    assert dialog.target_ms is not None and abs(dialog.target_ms - 20_000) <= 30
    dialog2 = GoToDialog(0, 60_000)
    qtbot.addWidget(dialog2)
    dialog2.field.setText("1:02:03.5")
    dialog2.accept()
    assert dialog2.target_ms == 60_000  # clamped to the media


def test_a_loop_to_the_end_of_the_media_starts_again_at_in(
    harness: Harness, sample_audio: Path
) -> None:
    h = harness
    assert h.open(sample_audio)
    desk = h.window.menu_actions.desk()
    length = h.controller.length_ms()
    assert length > 5_000
    desk.marks.set_marks(Marks(length - 2_000, None))  # Out stands for the end
    desk.marks.set_looping(True)
    h.advance(2_500, step_ms=50)
    h.qtbot.waitUntil(lambda: desk.marks.wraps >= 1, timeout=5_000)
    h.qtbot.waitUntil(h.controller.is_playing, timeout=5_000)
    h.advance(500)
    position = h.controller.position_ms()
    assert length - 2_000 <= position < length  # playing inside the range again
    assert h.controller.is_playing()


def test_go_to_time_from_the_menu_is_a_jump(
    harness: Harness, sample_audio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    assert h.open(sample_audio)
    h.window.menu_actions.desk()
    h.advance(5_000)
    left = h.controller.position_ms()

    def typed(dialog: GoToDialog) -> int:
        dialog.field.setText("1:00")
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(GoToDialog, "exec", typed)
    _action(h, "Go to Time…").trigger()
    assert h.controller.position_ms() == 60_000
    _action(h, "Back").trigger()
    assert abs(h.controller.position_ms() - left) <= 30


def test_the_marks_are_painted_on_the_seek_bar(harness: Harness, sample_audio: Path) -> None:
    h = harness
    assert h.open(sample_audio)
    desk = h.window.menu_actions.desk()
    slider = h.window.transport.slider
    length = h.controller.length_ms()
    desk.marks.set_marks(Marks(length // 4, length // 2))
    QApplication.processEvents()
    overlay = desk.overlay
    assert overlay.geometry() == slider.rect()
    image = slider.grab().toImage()
    line = overlay.line_color().rgb()
    x_in, x_out = overlay.x_for(length // 4), overlay.x_for(length // 2)
    assert x_in < x_out
    column = [image.pixel(x_in, y) for y in range(image.height())]
    assert column.count(line) >= image.height() // 2  # the In line, top to bottom
    assert image.pixel(x_out, image.height() // 2) == line
    middle = image.pixel((x_in + x_out) // 2, image.height() // 2)
    outside = image.pixel(x_out + (x_out - x_in) // 2, image.height() // 2)
    assert middle != outside  # the band between the marks
