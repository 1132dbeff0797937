"""Captions under the video: the current line in large plain text, on demand (View menu, C),
in the reading style's font and colours; audio-only media keeps its own caption view."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from pytestqt.qtbot import QtBot

from player.ui import settings as S
from player.ui.window import MainWindow
from tests.conftest import SAMPLE_DIR
from tests.ui.conftest import Harness, make_harness


@pytest.fixture
def video_harness(qtbot: QtBot, tmp_path: Path) -> Iterator[Harness]:
    h = make_harness(qtbot, tmp_path / "config", embed_video=True)
    yield h
    h.window.close()


def test_captions_follow_the_current_line(video_harness: Harness) -> None:
    h = video_harness
    w = h.window
    h.open(SAMPLE_DIR / "briefing.mp4")
    assert w.media_stack.currentWidget() is w.video_surface
    assert not w.media.caption_bar.isVisible()  # off by default: the transcript is beside the video
    w.menu_actions.act_captions.trigger()
    assert w.media.caption_bar.isVisible()
    assert h.settings.get(S.CAPTIONS) is True
    cue = w.transcript.cues[0]  # type: ignore[union-attr]
    h.advance(cue.start_ms + 100 - h.backend.exact_ms())
    assert w.media.caption_bar.label.text() == f"{cue.speaker}: {cue.text}"
    label = w.media.caption_bar.label
    assert label.textFormat() == label.textFormat().PlainText
    w.menu_actions.act_captions.trigger()
    assert not w.media.caption_bar.isVisible()


def test_audio_only_media_never_shows_the_bar(video_harness: Harness) -> None:
    h = video_harness
    h.window.reading_style.set_captions(True)
    h.open(SAMPLE_DIR / "briefing.opus")
    assert h.window.media_stack.currentWidget() is h.window.audio_view
    assert not h.window.media.caption_bar.isVisible()


def _longest_caption_height(w: MainWindow) -> int:
    """The height the caption bar's label needs for the transcript's longest caption."""
    bar = w.media.caption_bar
    cues = w.transcript.cues  # type: ignore[union-attr]
    longest = max(cues, key=lambda c: len(c.text))
    flags = int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
    needed = bar.label.fontMetrics().boundingRect(
        QRect(0, 0, bar.width() - 16, 10**6), flags, f"{longest.speaker}: {longest.text}"
    )
    return needed.height()


def test_caption_style_follows_the_reading_style(video_harness: Harness) -> None:
    h = video_harness
    w = h.window
    w.reading_style.set_captions(True)
    h.open(SAMPLE_DIR / "briefing.mp4")
    bar = w.media.caption_bar
    assert bar.palette().color(bar.backgroundRole()).name() == "#000000"
    h.settings.set(S.TRANSCRIPT_TEXT_COLOR, "#202020")
    h.settings.set(S.TRANSCRIPT_BACKGROUND, "#ffffcc")
    h.settings.set(S.TRANSCRIPT_FONT_PT, 20)
    w.reading_style.apply()
    assert bar.palette().color(bar.backgroundRole()).name() == "#ffffcc"
    assert bar.label.palette().color(bar.label.foregroundRole()).name() == "#202020"
    assert bar.label.font().pointSizeF() == pytest.approx(28.0)
    w.reading_style.set_high_contrast(True)
    assert bar.palette().color(bar.backgroundRole()).name() == "#000000"
    assert bar.label.palette().color(bar.label.foregroundRole()).name() == "#ffffff"


def test_the_bar_makes_room_for_the_longest_caption(video_harness: Harness) -> None:
    h = video_harness
    w = h.window
    w.reading_style.set_captions(True)
    h.open(SAMPLE_DIR / "briefing.mp4")
    bar = w.media.caption_bar
    small = bar.label.height()
    h.settings.set(S.TRANSCRIPT_FONT_PT, 24)
    w.reading_style.apply()
    line = bar.label.fontMetrics().lineSpacing()
    assert bar.label.height() > small
    assert 2 * line <= bar.label.height() <= 6 * line
    assert bar.label.height() >= min(_longest_caption_height(w), 6 * line)


def test_captions_setting_is_restored(qtbot: QtBot, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.ini").write_text("[video]\ncaptions=true\n", encoding="utf-8")
    h = make_harness(qtbot, config, embed_video=True)
    try:
        assert h.window.menu_actions.act_captions.isChecked()
        h.open(SAMPLE_DIR / "briefing.mp4")
        assert h.window.media.caption_bar.isVisible()
    finally:
        h.window.close()


def test_captions_turned_on_after_the_transcript_are_measured_then(video_harness: Harness) -> None:
    """While hidden (the default) the bar does not measure captions; shown, it does."""
    h = video_harness
    w = h.window
    h.settings.set(S.TRANSCRIPT_FONT_PT, 24)
    w.reading_style.apply()
    h.open(SAMPLE_DIR / "briefing.mp4")
    bar = w.media.caption_bar
    assert bar.isHidden() and bar._fit_pending
    w.reading_style.set_captions(True)
    assert not bar._fit_pending
    line = bar.label.fontMetrics().lineSpacing()
    assert min(_longest_caption_height(w), 6 * line) <= bar.label.height() <= 6 * line
