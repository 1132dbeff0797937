"""The window over the controller's real timer: what the user sees moves after the end of the
media, and the seek bar leaves the handle alone while the user drags it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from player.playback.base import PlaybackState
from tests.ui.conftest import Harness

WAIT_MS = 5000


def _play_to_the_end(h: Harness) -> None:
    h.advance(h.controller.length_ms() + 500, step_ms=500)
    h.qtbot.waitUntil(lambda: h.controller.state() is PlaybackState.ENDED, timeout=WAIT_MS)


def test_clicking_a_line_after_the_end_plays_and_everything_moves(
    harness: Harness, sample_audio: Path
) -> None:
    """Regression (issue 11): after the end, a click on a line played the audio but the
    highlight, the seek bar and the time froze, and the button kept showing Play."""
    h = harness
    assert h.open(sample_audio)
    _play_to_the_end(h)
    transport = h.window.transport
    assert transport.play_button.glyph() == "play"
    view = h.window.panel.view
    target = 4
    index = h.window.model.index(target)
    view.scrollTo(index)
    h.qtbot.mouseDClick(  # a double-click plays a line (a click selects it: issue 16)
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )
    h.qtbot.waitUntil(lambda: h.controller.state() is PlaybackState.PLAYING, timeout=WAIT_MS)
    assert transport.play_button.glyph() == "pause"
    cues = h.window.transcript.cues  # type: ignore[union-attr]
    assert h.window.model.current_row == target
    start = h.controller.position_ms()
    assert start == cues[target].start_ms
    h.advance(cues[target + 1].start_ms + 20 - start)
    assert h.window.model.current_row == target + 1  # the highlight moves on
    position = h.controller.position_ms()
    assert position >= cues[target + 1].start_ms
    assert transport.slider.value() == position  # the seek bar moves
    assert transport.elapsed.text() == "0:21"  # and the time (cue 5 starts at 21.5 s)


def test_the_seek_bar_ignores_playback_while_the_user_drags(
    harness: Harness, sample_audio: Path
) -> None:
    h = harness
    assert h.open(sample_audio)
    h.advance(1000)
    slider = h.window.transport.slider
    slider.setFocus()
    QApplication.processEvents()
    handle = slider._slider_rects()[1].center()
    h.qtbot.mousePress(slider, Qt.MouseButton.LeftButton, pos=handle)
    assert slider.isSliderDown()
    held = slider.value()
    h.advance(2000)
    assert h.controller.position_ms() >= held + 1900  # playback went on ...
    assert slider.value() == held  # ... and the handle stayed under the user's pointer
    target = QPoint(slider.width() * 3 // 4, handle.y())
    h.qtbot.mouseMove(slider, pos=target)
    dragged = slider.value()
    assert dragged > held + 10_000
    h.advance(500)
    assert slider.value() == dragged
    h.qtbot.mouseRelease(slider, Qt.MouseButton.LeftButton, pos=target)
    assert not slider.isSliderDown()
    assert abs(h.controller.position_ms() - dragged) <= 1  # the release seeks there
    h.advance(500)
    assert slider.value() == h.controller.position_ms()  # and it follows playback again
