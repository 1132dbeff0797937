"""The player window over the fake backend: sync, click-to-seek, follow mode, keys, resume,
drag and drop, and errors shown in the window."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QAbstractSlider, QApplication, QLineEdit, QListWidget
from pytestqt.qtbot import QtBot

from player.core.formats.load import load_transcript
from player.playback.base import PlaybackState
from player.ui import settings as S
from player.ui.resume import RESUME_MIN_MS
from player.ui.settings import FOLLOW_ENABLED
from tests.ui.conftest import Harness, make_harness


def test_opens_sample_and_highlights_cues_in_order(harness: Harness, sample_audio: Path) -> None:
    assert harness.open(sample_audio)
    cues = load_transcript(sample_audio.with_suffix(".vtt")).cues
    assert harness.window.model.rowCount() == len(cues)
    assert harness.controller.is_playing()
    seen: list[int] = []
    harness.window.tracker.current_cue_changed.connect(
        lambda row: seen.append(row) if row >= 0 else None
    )
    for cue in cues[:6]:
        harness.advance(cue.start_ms + 20 - harness.backend.exact_ms())
        assert harness.window.model.current_row == cues.index(cue)
        assert harness.window.audio_view.cue_text.text() == cue.text
    assert seen == list(range(6))
    # The audio view shows the speaker; the panel marks the row as current.
    assert harness.window.audio_view.speaker.text() == cues[5].speaker


def test_highlight_follows_clock_between_coarse_reports(
    qtbot: QtBot, tmp_path: Path, sample_audio: Path
) -> None:
    h = make_harness(qtbot, tmp_path)
    h.backend.step_ms = 1000  # Ogg-like: libVLC reports only once a second
    h.open(sample_audio)
    cue = h.window.transcript.cues[3]  # type: ignore[union-attr]
    h.advance(cue.start_ms - h.backend.exact_ms() - 30)
    assert h.window.model.current_row != 3
    h.advance(40)
    # The clock interpolates: the highlight changed within one 10 ms tick of the true time.
    assert h.window.model.current_row == 3
    h.window.close()


def test_click_selects_and_double_click_seeks_and_plays(
    harness: Harness, sample_audio: Path
) -> None:
    """Issue 16: a click selects a line (while paused it neither seeks nor plays); a
    double-click plays from it; the "click plays" preference brings the old single click back."""
    harness.open(sample_audio, play=False)
    view = harness.window.panel.view
    target = 4
    index = harness.window.model.index(target)
    view.scrollTo(index)
    rect = view.visualRect(index)
    harness.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QApplication.processEvents()
    assert view.selected_rows() == [target]
    assert harness.controller.position_ms() == 0
    assert not harness.controller.is_playing()
    harness.qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QApplication.processEvents()
    cue = harness.window.transcript.cues[target]  # type: ignore[union-attr]
    assert harness.controller.position_ms() == cue.start_ms
    assert harness.controller.is_playing()
    assert harness.window.model.current_row == target
    view.click_plays = True  # what the preference sets (ui.quote_selection)
    other = harness.window.model.index(target + 1)
    view.scrollTo(other)
    harness.qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(other).center()
    )
    QApplication.processEvents()
    assert harness.controller.position_ms() == harness.window.transcript.cues[target + 1].start_ms  # type: ignore[union-attr]


def test_clicking_a_row_resumes_following(harness: Harness, sample_audio: Path) -> None:
    """The user scrolled away (following paused); choosing a line to play (a double-click)
    follows again."""
    panel = harness.window.panel
    panel.set_font_size(28)  # make the list taller than the view
    harness.open(sample_audio, play=False)
    bar = panel.view.verticalScrollBar()
    bar.triggerAction(QAbstractSlider.SliderAction.SliderToMaximum)  # what a user's drag does
    assert not panel.is_following()
    assert panel.back_button.isVisible()
    view = panel.view
    row = view.indexAt(QPoint(5, view.viewport().height() // 2)).row()
    assert row > 0
    rect = view.visualRect(harness.window.model.index(row))
    harness.qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QApplication.processEvents()
    assert panel.is_following()
    assert not panel.back_button.isVisible()
    cue = harness.window.transcript.cues[row]  # type: ignore[union-attr]
    assert harness.controller.position_ms() == cue.start_ms


def test_enter_on_row_seeks(harness: Harness, sample_audio: Path) -> None:
    harness.open(sample_audio, play=False)
    view = harness.window.panel.view
    view.setFocus()
    view.setCurrentIndex(harness.window.model.index(7))
    harness.qtbot.keyClick(view, Qt.Key.Key_Return)
    QApplication.processEvents()
    cue = harness.window.transcript.cues[7]  # type: ignore[union-attr]
    assert harness.controller.position_ms() == cue.start_ms
    assert harness.controller.is_playing()


def test_follow_pauses_on_scroll_and_back_to_now_resumes(
    harness: Harness, sample_audio: Path
) -> None:
    panel = harness.window.panel
    panel.set_font_size(28)  # make the list taller than the view
    harness.open(sample_audio)
    harness.advance(2000)
    assert panel.is_following()
    assert not panel.back_button.isVisible()
    bar = panel.view.verticalScrollBar()
    assert bar.maximum() > 0
    bar.triggerAction(QAbstractSlider.SliderAction.SliderToMaximum)  # what a user's drag does
    assert not panel.is_following()
    assert panel.back_button.isVisible()
    top_row = panel.view.indexAt(QPoint(5, 5)).row()
    # Playback moves on, the panel does not jump back while the user reads.
    cues = harness.window.transcript.cues  # type: ignore[union-attr]
    harness.advance(cues[2].start_ms + 50 - harness.backend.exact_ms())
    assert harness.window.model.current_row == 2
    assert panel.view.indexAt(QPoint(5, 5)).row() == top_row
    harness.qtbot.mouseClick(panel.back_button, Qt.MouseButton.LeftButton)
    assert panel.is_following()
    rect = panel.view.visualRect(harness.window.model.index(2))
    assert panel.view.viewport().rect().intersects(rect)
    # The Follow toggle turns following off for good: playback never scrolls the panel.
    panel.follow_button.click()
    assert not panel.is_following()
    before = panel.view.indexAt(QPoint(5, 5)).row()
    harness.advance(cues[8].start_ms + 50 - harness.backend.exact_ms())
    assert panel.view.indexAt(QPoint(5, 5)).row() == before
    assert harness.settings.get(FOLLOW_ENABLED) is False


def test_keyboard_navigation_pauses_following(harness: Harness, sample_audio: Path) -> None:
    harness.open(sample_audio)
    harness.advance(1000)
    view = harness.window.panel.view
    view.setFocus()
    harness.qtbot.keyClick(view, Qt.Key.Key_Down)
    assert not harness.window.panel.is_following()
    harness.qtbot.keyClick(harness.window, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert harness.window.panel.is_following()


def test_shortcuts_and_speed_steps(harness: Harness, sample_audio: Path) -> None:
    w = harness.window
    harness.open(sample_audio, play=False)
    w.panel.view.setFocus()
    bot = harness.qtbot
    bot.keyClick(w.panel.view, Qt.Key.Key_Space)
    QApplication.processEvents()
    assert harness.controller.is_playing()
    bot.keyClick(w.panel.view, Qt.Key.Key_K)
    QApplication.processEvents()
    assert harness.controller.state() is PlaybackState.PAUSED
    for expected in (1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 2.5):
        bot.keyClick(w.panel.view, Qt.Key.Key_BracketRight)
        assert harness.controller.rate() == expected
    assert w.transport.rate_box.currentData() == 2.5
    bot.keyClick(w.panel.view, Qt.Key.Key_Equal)
    assert harness.controller.rate() == 1.0
    for expected in (0.75, 0.5, 0.5):
        bot.keyClick(w.panel.view, Qt.Key.Key_BracketLeft)
        assert harness.controller.rate() == expected
    harness.controller.reset_rate()
    # Skip forward 15 s / back 5 s (defaults), next/previous cue.
    harness.controller.seek(20000)
    bot.keyClick(w.panel.view, Qt.Key.Key_L)
    assert harness.controller.position_ms() == 35000
    bot.keyClick(w.panel.view, Qt.Key.Key_J)
    assert harness.controller.position_ms() == 30000
    cues = w.transcript.cues  # type: ignore[union-attr]
    harness.controller.seek(cues[3].start_ms + 10)
    w.tracker.update_position(harness.controller.position_ms())
    bot.keyClick(w.panel.view, Qt.Key.Key_N)
    assert harness.controller.position_ms() == cues[4].start_ms
    bot.keyClick(w.panel.view, Qt.Key.Key_P)
    assert harness.controller.position_ms() == cues[3].start_ms
    bot.keyClick(w.panel.view, Qt.Key.Key_M)
    assert harness.controller.is_muted()
    assert w.mute_button.isChecked()


def test_single_keys_do_not_fire_while_typing(harness: Harness, sample_audio: Path) -> None:
    harness.open(sample_audio, play=False)
    edit = QLineEdit(harness.window)
    harness.window.statusBar().addWidget(edit)
    edit.show()
    edit.setFocus()
    harness.qtbot.keyClicks(edit, "k m ]")
    assert edit.text() == "k m ]"
    assert not harness.controller.is_playing()
    assert not harness.controller.is_muted()
    assert harness.controller.rate() == 1.0


def test_single_key_shortcuts_can_be_turned_off(harness: Harness, sample_audio: Path) -> None:
    harness.open(sample_audio, play=False)
    harness.window.menu_actions.set_single_key_shortcuts(False)
    harness.window.panel.view.setFocus()
    harness.qtbot.keyClick(harness.window.panel.view, Qt.Key.Key_M)
    assert not harness.controller.is_muted()
    harness.qtbot.keyClick(
        harness.window.panel.view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier
    )
    assert harness.controller.is_muted()


def _open_and_wait_for_the_offer(h: Harness, media: Path) -> None:
    h.open(media, play=False)
    h.qtbot.waitUntil(lambda: not h.window.resume.is_looking_up(), timeout=10000)


def test_resume_is_offered_on_reopen(qtbot: QtBot, tmp_path: Path, sample_audio: Path) -> None:
    db = tmp_path / "archive.sqlite"  # positions are kept beside the library
    h = make_harness(qtbot, tmp_path / "config", archive_db=db)
    h.open(sample_audio)
    h.advance(30000, step_ms=50)
    h.window.close()
    h2 = make_harness(qtbot, tmp_path / "config", archive_db=db)
    _open_and_wait_for_the_offer(h2, sample_audio)
    assert h2.window.info_bar.isVisible()
    assert "0:30" in h2.window.info_bar.label.text()
    resume = next(b for b in h2.window.info_bar.buttons() if b.text().startswith("Resume"))
    resume.click()
    QApplication.processEvents()
    assert abs(h2.controller.position_ms() - 30000) <= 300
    assert h2.controller.is_playing()
    h2.window.close()


def test_starting_from_the_beginning_forgets_the_position(
    harness: Harness, sample_audio: Path
) -> None:
    store = harness.window.resume_store
    media = str(sample_audio.resolve())
    store.set_resume_position(media, 30_000)
    _open_and_wait_for_the_offer(harness, sample_audio)
    button = next(b for b in harness.window.info_bar.buttons() if b.text().startswith("Start"))
    button.click()
    assert store.resume_position(media) is None
    assert harness.controller.position_ms() == 0


@pytest.mark.parametrize(("left_at_ms", "offered"), [(RESUME_MIN_MS, False), (5001, True)])
def test_resume_is_offered_only_past_the_first_seconds(
    harness: Harness, sample_audio: Path, left_at_ms: int, offered: bool
) -> None:
    """A file left in its first 5 s starts from the beginning without asking."""
    harness.window.resume_store.set_resume_position(str(sample_audio.resolve()), left_at_ms)
    _open_and_wait_for_the_offer(harness, sample_audio)
    assert harness.window.info_bar.isVisible() is offered
    assert ("You stopped at 0:05" in harness.window.info_bar.label.text()) is offered


def test_the_position_is_remembered_past_the_first_and_before_the_last_seconds(
    harness: Harness, sample_audio: Path
) -> None:
    harness.open(sample_audio, play=False)
    media = harness.controller.media_path
    assert media is not None
    resume, store = harness.window.resume, harness.window.resume_store
    harness.controller.seek(RESUME_MIN_MS)
    resume.save_position()
    assert store.resume_position(media) is None
    harness.controller.seek(RESUME_MIN_MS + 1)
    resume.save_position()
    assert store.resume_position(media) == RESUME_MIN_MS + 1
    harness.controller.seek(harness.controller.length_ms() - RESUME_MIN_MS + 1)
    resume.save_position()  # near the end: next time starts from the beginning
    assert store.resume_position(media) is None


def test_reaching_the_end_forgets_the_position(harness: Harness, sample_audio: Path) -> None:
    harness.open(sample_audio)
    media = harness.controller.media_path
    assert media is not None
    harness.window.resume_store.set_resume_position(media, 30_000)
    harness.controller.seek(harness.controller.length_ms() - 300)
    harness.advance(1000, step_ms=50)
    assert harness.controller.state() is PlaybackState.ENDED
    assert harness.window.resume_store.resume_position(media) is None


def test_drop_media_and_transcript(harness: Harness, sample_audio: Path, tmp_path: Path) -> None:
    media = tmp_path / "talk.opus"
    shutil.copy(sample_audio, media)
    vtt = tmp_path / "other-name.vtt"
    shutil.copy(sample_audio.with_suffix(".vtt"), vtt)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(media)), QUrl.fromLocalFile(str(vtt))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    harness.window.dropEvent(event)
    harness.wait_transcript()
    assert harness.controller.media_path == str(media)
    assert harness.window.session.path == str(vtt)
    assert harness.window.model.rowCount() > 10


def test_unplayable_media_shows_error_and_keeps_transcript(
    harness: Harness, tmp_path: Path, sample_audio: Path
) -> None:
    garbage = tmp_path / "broken.mp3"
    garbage.write_bytes(bytes(range(256)) * 40)
    shutil.copy(sample_audio.with_suffix(".vtt"), tmp_path / "broken.vtt")
    assert not harness.open(garbage)
    w = harness.window
    assert w.media_stack.currentWidget() is w.media.error
    assert "broken.mp3" in w.media.error.text() or "track" in w.media.error.text()
    assert w.model.rowCount() > 10  # still readable


def test_missing_media_shows_error(harness: Harness, tmp_path: Path) -> None:
    assert not harness.open(tmp_path / "nope.mp4")
    assert harness.window.media_stack.currentWidget() is harness.window.media.error
    assert "nope.mp4" in harness.window.media.error.text()


def test_no_transcript_offers_to_open_one(
    harness: Harness, tmp_path: Path, sample_audio: Path
) -> None:
    media = tmp_path / "lonely.opus"
    shutil.copy(sample_audio, media)
    harness.open(media)
    assert harness.window.info_bar.isVisible()
    assert "No transcript" in harness.window.info_bar.label.text()
    assert any("Open transcript" in b.text() for b in harness.window.info_bar.buttons())


def test_warnings_counted_and_listed(harness: Harness, tmp_path: Path, sample_audio: Path) -> None:
    media = tmp_path / "warn.opus"
    shutil.copy(sample_audio, media)
    (tmp_path / "warn.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfine\n\n00:00:xx --> 00:00:03.000\nbad\n\n"
        "00:00:04.000 --> 00:00:05.000\nalso fine\n",
        encoding="utf-8",
    )
    harness.open(media)
    w = harness.window
    assert w.status.warnings_button.isVisible()
    assert "1 transcript warning" in w.status.warnings_button.text()
    w.show_warnings()
    assert w.dialogs.warnings_dialog is not None
    listing = w.dialogs.warnings_dialog.findChild(QListWidget)
    assert "warn.vtt:6" in listing.item(0).text()


def test_hostile_cue_text_is_shown_as_text(
    harness: Harness, tmp_path: Path, sample_audio: Path
) -> None:
    media = tmp_path / "evil.opus"
    shutil.copy(sample_audio, media)
    (tmp_path / "evil.vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:30.000\n"
        "&lt;img src=x onerror=alert(1)&gt; &lt;b&gt;not bold&lt;/b&gt;\n",
        encoding="utf-8",
    )
    harness.open(media)
    harness.advance(100)
    label = harness.window.audio_view.cue_text
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.text() == "<img src=x onerror=alert(1)> <b>not bold</b>"
    display = harness.window.model.data(harness.window.model.index(0))
    assert "<img src=x onerror=alert(1)>" in display


def test_opening_new_file_while_playing_is_clean(
    harness: Harness, sample_audio: Path, sample_video: Path
) -> None:
    harness.open(sample_audio)
    harness.advance(3000)
    harness.open(sample_video)
    assert harness.controller.media_path == str(sample_video)
    assert harness.controller.position_ms() == 0
    assert harness.backend.loaded_paths[-2:] == [sample_audio, sample_video]


def test_copy_quote(harness: Harness, sample_audio: Path) -> None:
    harness.open(sample_audio, play=False)
    harness.window.menu_actions.quotes()  # the quote template (built after the first frame)
    harness.settings.set(S.QUOTE_TEMPLATE, "[{timestamp}] {speaker}: {text}")  # the plain one
    view = harness.window.panel.view
    view.selectionModel().select(
        harness.window.model.index(3),
        QItemSelectionModel.SelectionFlag.Select,
    )
    text = view.copy_selection()
    cue = harness.window.transcript.cues[3]  # type: ignore[union-attr]
    assert text == f"[00:00:14.3] {cue.speaker}: {' '.join(cue.text.split())}"
    assert QApplication.clipboard().text() == text
    harness.settings.set(S.QUOTE_TEMPLATE, S.QUOTE_TEMPLATE.default)
    assert view.copy_selection() == f'"{cue.text}" — {cue.speaker}, briefing, 00:00:14'


def test_slider_click_seeks(harness: Harness, sample_audio: Path) -> None:
    harness.open(sample_audio, play=False)
    slider = harness.window.transport.slider
    assert slider.maximum() > 60000
    harness.qtbot.mouseClick(
        slider, Qt.MouseButton.LeftButton, pos=QPoint(slider.width() // 2, slider.height() // 2)
    )
    middle = slider.maximum() // 2
    assert abs(harness.controller.position_ms() - middle) < slider.maximum() * 0.08


def test_a_copy_before_the_quote_formatter_is_built_uses_the_template(
    harness: Harness, sample_audio: Path
) -> None:
    harness.open(sample_audio, play=False)
    actions = harness.window.menu_actions
    view = harness.window.panel.view
    # The state of the first 200 ms after the first frame: no formatter yet.
    actions._quotes = None
    view.quote_lines = actions._first_quote
    view.selectionModel().select(
        harness.window.model.index(3), QItemSelectionModel.SelectionFlag.Select
    )
    cue = harness.window.transcript.cues[3]  # type: ignore[union-attr]
    assert view.copy_selection() == f'"{cue.text}" — {cue.speaker}, briefing, 00:00:14'
    assert actions._quotes is not None and view.quote_lines != actions._first_quote
