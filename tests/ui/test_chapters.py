"""Chapters: a ``NAME.chapters.vtt`` sidecar gives a chapter menu, the current chapter's title,
and previous/next chapter navigation (W3C MAUR CN-9)."""

from __future__ import annotations

import shutil
import threading
from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from player.core.formats.load import load_transcript
from player.core.model import Transcript
from player.playback.base import PlaybackState
from tests.conftest import SAMPLE_DIR
from tests.ui.conftest import Harness

SAMPLE_CHAPTERS = SAMPLE_DIR / "briefing.chapters.vtt"


def _briefing_with_chapters(tmp_path: Path, chapters: str | None = None) -> Path:
    media = tmp_path / "talk.opus"
    shutil.copy(SAMPLE_DIR / "briefing.opus", media)
    shutil.copy(SAMPLE_DIR / "briefing.vtt", tmp_path / "talk.vtt")
    if chapters is None:
        shutil.copy(SAMPLE_CHAPTERS, tmp_path / "talk.chapters.vtt")
    else:
        (tmp_path / "talk.chapters.vtt").write_text(chapters, encoding="utf-8")
    return media


def _open_and_wait(harness: Harness, media: Path, **kwargs: object) -> None:
    harness.open(media, **kwargs)
    harness.qtbot.waitUntil(lambda: bool(harness.window.transport.chapters), timeout=5000)


def test_the_sample_has_four_chapters_at_speaker_turns() -> None:
    chapters = load_transcript(SAMPLE_CHAPTERS)
    assert chapters.kind == "chapters"
    assert [c.text for c in chapters.cues] == [
        "Opening",
        "Statement by the Director",
        "Questions",
        "Closing",
    ]
    cues = load_transcript(SAMPLE_DIR / "briefing.vtt").cues
    starts = {c.start_ms for c in cues}
    assert chapters.cues[0].start_ms == 0
    assert all(c.start_ms in starts for c in chapters.cues[1:])
    assert all(a.end_ms == b.start_ms for a, b in pairwise(chapters.cues))


def test_chapter_menu_lists_the_chapters_and_marks_the_current_one(
    harness: Harness, tmp_path: Path
) -> None:
    w = harness.window
    _open_and_wait(harness, _briefing_with_chapters(tmp_path), play=False)
    assert w.transport.chapter_button.isVisible()
    assert w.menu_actions.act_next_chapter.isEnabled()
    assert w.menu_actions.act_previous_chapter.isEnabled()
    actions = w.transport.chapter_button.menu().actions()
    assert [a.text() for a in actions] == [
        "0:00   Opening",
        "0:14   Statement by the Director",
        "0:55   Questions",
        "1:20   Closing",
    ]
    assert w.transport.chapter_button.text() == "Opening"
    assert [a.isChecked() for a in actions] == [True, False, False, False]
    harness.controller.seek(30_000)
    QApplication.processEvents()
    assert w.transport.chapter_button.text() == "Statement by the Director"
    description = w.transport.chapter_button.accessibleDescription()
    assert description == "Chapter 2 of 4: Statement by the Director"
    assert [a.isChecked() for a in actions] == [False, True, False, False]


def test_choosing_a_chapter_goes_there_and_plays(harness: Harness, tmp_path: Path) -> None:
    w = harness.window
    _open_and_wait(harness, _briefing_with_chapters(tmp_path), play=False)
    w.transport.chapter_button.menu().actions()[2].trigger()
    QApplication.processEvents()
    assert harness.controller.position_ms() == w.transport.chapters[2].start_ms
    assert harness.controller.state() is PlaybackState.PLAYING
    assert w.transport.chapter_button.text() == "Questions"


def test_next_and_previous_chapter_keys(harness: Harness, tmp_path: Path) -> None:
    w = harness.window
    _open_and_wait(harness, _briefing_with_chapters(tmp_path), play=False)
    starts = [c.start_ms for c in w.transport.chapters]
    bot = harness.qtbot
    w.panel.view.setFocus()
    harness.controller.seek(20_000)
    bot.keyClick(w.panel.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    assert harness.controller.position_ms() == starts[2]
    # Just past a chapter's start, "previous" goes to the one before; later, to its own start.
    harness.controller.seek(starts[2] + 500)
    bot.keyClick(w.panel.view, Qt.Key.Key_PageUp, Qt.KeyboardModifier.AltModifier)
    assert harness.controller.position_ms() == starts[1]
    harness.controller.seek(starts[1] + 5000)
    w.transport.previous_chapter()
    assert harness.controller.position_ms() == starts[1]
    w.transport.previous_chapter()
    w.transport.previous_chapter()
    assert harness.controller.position_ms() == 0  # nothing before the first: its start
    harness.controller.seek(starts[-1] + 100)
    w.transport.next_chapter()  # nothing after the last: stays
    assert harness.controller.position_ms() == starts[-1] + 100


def test_media_without_chapters_hides_the_control(harness: Harness, tmp_path: Path) -> None:
    w = harness.window
    _open_and_wait(harness, _briefing_with_chapters(tmp_path), play=False)
    other = tmp_path / "other"
    other.mkdir()
    plain = other / "plain.opus"
    shutil.copy(SAMPLE_DIR / "briefing.opus", plain)
    harness.open(plain, play=False)
    assert w.transport.chapters == ()
    assert not w.transport.chapter_button.isVisible()
    assert not w.menu_actions.act_next_chapter.isEnabled()
    before = harness.controller.position_ms()
    w.transport.next_chapter()
    w.transport.previous_chapter()
    assert harness.controller.position_ms() == before


def test_chapter_titles_are_plain_text(harness: Harness, tmp_path: Path) -> None:
    vtt = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:30.000\n<b>Q&amp;A</b> & more\n\n"
        "00:00:30.000 --> 00:01:00.000\n<script>x</script>Second\n"
    )
    w = harness.window
    _open_and_wait(harness, _briefing_with_chapters(tmp_path, vtt), play=False)
    assert [c.text for c in w.transport.chapters] == ["Q&A & more", "xSecond"]
    # "&" is doubled for Qt's mnemonics, so the menu shows it as typed.
    assert w.transport.chapter_button.menu().actions()[0].text() == "0:00   Q&&A && more"
    assert w.transport.chapter_button.text() == "Q&&A && more"


def test_a_broken_chapters_file_is_reported_and_ignored(harness: Harness, tmp_path: Path) -> None:
    media = _briefing_with_chapters(tmp_path)
    (tmp_path / "talk.chapters.vtt").write_bytes(b"\x00\x01\x02 not a transcript \xff" * 50)
    w = harness.window
    harness.open(media, play=False)
    harness.qtbot.waitUntil(lambda: "Chapters" in w.status.label.text(), timeout=5000)
    assert "talk.chapters.vtt" in w.status.label.text()
    assert w.transport.chapters == ()
    assert not w.transport.chapter_button.isVisible()
    assert w.model.rowCount() > 0  # the transcript is shown all the same


def test_thousands_of_chapters_keep_the_menu_short(harness: Harness, tmp_path: Path) -> None:
    from player.ui.transport import MAX_CHAPTER_MENU

    def stamp(ms: int) -> str:
        return f"00:{ms // 60_000:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"

    blocks = [f"{stamp(i * 25)} --> {stamp(i * 25 + 25)}\nPart {i}\n" for i in range(3000)]
    w = harness.window
    _open_and_wait(harness, _briefing_with_chapters(tmp_path, "WEBVTT\n\n" + "\n".join(blocks)))
    assert len(w.transport.chapters) == 3000
    actions = w.transport.chapter_button.menu().actions()
    assert len(actions) == MAX_CHAPTER_MENU + 1
    assert "2800 more" in actions[-1].text() and not actions[-1].isEnabled()
    harness.controller.seek(2500 * 25)
    w.transport.next_chapter()
    assert harness.controller.position_ms() == 2501 * 25
    assert w.transport.chapter_button.text() == "Part 2501"


def test_before_the_first_chapter_previous_goes_to_the_start(
    harness: Harness, tmp_path: Path
) -> None:
    vtt = "WEBVTT\n\n00:00:30.000 --> 00:01:00.000\nLate start\n"
    w = harness.window
    _open_and_wait(harness, _briefing_with_chapters(tmp_path, vtt), play=False)
    assert w.transport.chapter_button.text() == "Chapters"  # none playing yet
    harness.controller.seek(5000)
    w.transport.previous_chapter()
    assert harness.controller.position_ms() == 0  # never forward to the first chapter
    w.transport.next_chapter()
    assert harness.controller.position_ms() == 30_000


def test_choosing_the_current_chapter_again_keeps_its_mark(
    harness: Harness, tmp_path: Path
) -> None:
    w = harness.window
    _open_and_wait(harness, _briefing_with_chapters(tmp_path), play=False)
    actions = w.transport.chapter_button.menu().actions()
    actions[1].trigger()
    QApplication.processEvents()
    actions[1].trigger()  # the same chapter again
    QApplication.processEvents()
    assert [a.isChecked() for a in actions] == [False, True, False, False]


def test_chapters_are_read_a_moment_after_the_media_opens(harness: Harness, tmp_path: Path) -> None:
    """Not during the first frame; and a file opened meanwhile drops the older file's read."""
    w = harness.window
    media = _briefing_with_chapters(tmp_path)
    w.open_media(media, play=False)
    assert w.transport.chapters == ()
    harness.qtbot.waitUntil(lambda: bool(w.transport.chapters), timeout=5000)
    other = tmp_path / "other"
    other.mkdir()
    plain = other / "plain.opus"
    shutil.copy(SAMPLE_DIR / "briefing.opus", plain)
    w.open_media(media, play=False)  # chapters to be read again ...
    w.open_media(plain, play=False)  # ... but this file, opened at once, has none
    harness.qtbot.waitUntil(lambda: not w.session.is_busy(), timeout=10000)
    harness.wait_transcript()
    assert w.transport.chapters == ()
    assert not w.transport.chapter_button.isVisible()


def test_a_late_chapters_read_does_not_land_on_the_next_file(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The older file's chapters, still being read when another file opens, are dropped."""
    from player.ui import transcript_session

    started, gate = threading.Event(), threading.Event()
    real = transcript_session.load_transcript

    def slow(path: str | Path) -> Transcript:
        if str(path).endswith(".chapters.vtt"):
            started.set()
            gate.wait(5)
        return real(path)

    monkeypatch.setattr(transcript_session, "load_transcript", slow)
    w = harness.window
    w.open_media(_briefing_with_chapters(tmp_path), play=False)
    harness.qtbot.waitUntil(started.is_set, timeout=5000)
    other = tmp_path / "other"
    other.mkdir()
    plain = other / "plain.opus"
    shutil.copy(SAMPLE_DIR / "briefing.opus", plain)
    w.open_media(plain, play=False)
    gate.set()
    harness.qtbot.waitUntil(lambda: not w.session.is_busy(), timeout=10000)
    assert w.transport.chapters == ()
    assert not w.transport.chapter_button.isVisible()
    assert not w.menu_actions.act_next_chapter.isEnabled()
