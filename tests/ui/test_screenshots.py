"""The window's main states at 1280x800, with the system's text at 100 % and at 200 %: nothing a
label or button shows is cut without its whole text in a tooltip (``clipped_widgets``), and the
transcript keeps room for at least five lines.

With ``BRIEFING_SCREENSHOTS=<folder>`` set (``packaging/make_screenshots.py`` sets it to
``docs/screenshots``) each state is also saved there as ``<state>-<text size>.png``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from player.core.archive.library import Archive
from player.ui.window import EMBED_PLATFORMS
from tests.conftest import SAMPLE_DIR
from tests.ui.conftest import Harness, make_harness

WIDTH, HEIGHT = 1280, 800
MIN_TRANSCRIPT_LINES = 5


@pytest.fixture(params=[100, 200], ids=["text100", "text200"])
def text_percent(request: pytest.FixtureRequest) -> Iterator[int]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.font()
    if request.param != 100:
        font = app.font()
        font.setPointSizeF(font.pointSizeF() * request.param / 100)
        app.setFont(font)
    yield int(request.param)
    app.setFont(before)


def _library(tmp_path: Path) -> Path:
    folder = tmp_path / "Press office" / "2024"
    folder.mkdir(parents=True)
    for name in ("briefing.mp4", "briefing.opus", "briefing.vtt", "briefing.chapters.vtt"):
        shutil.copy(SAMPLE_DIR / name, folder / name)
    db = tmp_path / "archive.sqlite"
    with Archive.open(db) as archive:
        archive.add_folder(folder)
        archive.scan()
    return db


@pytest.fixture
def shot(qtbot: QtBot, tmp_path: Path, text_percent: int) -> Iterator[Callable[..., Harness]]:
    made: list[Harness] = []

    def make(*, library: bool = False, video: bool = False) -> Harness:
        db = _library(tmp_path) if library else tmp_path / "empty.sqlite"
        h = make_harness(qtbot, tmp_path / "cfg", archive_db=db, embed_video=video)
        h.window.resize(WIDTH, HEIGHT)
        qtbot.waitUntil(lambda: h.window.docks.library is not None, timeout=10000)
        made.append(h)
        return h

    yield make
    for h in made:
        h.window.close()


def _settle(h: Harness) -> None:
    for _ in range(5):
        QApplication.processEvents()
    h.qtbot.waitUntil(lambda: not h.window.panel.relayout_pending(), timeout=10000)
    QApplication.processEvents()


def _check(h: Harness, state: str, text_percent: int, *, transcript: bool = True) -> None:
    """The checks every state passes, and the screenshot when asked for."""
    from player.ui.eliding_label import clipped_widgets

    _settle(h)
    w = h.window
    folder = os.environ.get("BRIEFING_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        w.grab().save(str(Path(folder) / f"{state}-{text_percent}.png"))
    assert w.width() <= WIDTH and w.height() <= HEIGHT, "the window grew past the screen"
    cut = clipped_widgets(w)
    assert not cut, f"{state} at {text_percent} %: cut without a tooltip:\n" + "\n".join(cut)
    if transcript:
        view = w.panel.view
        line = view.fontMetrics().lineSpacing()
        assert view.viewport().height() >= MIN_TRANSCRIPT_LINES * line, (
            f"{state}: the transcript shows fewer than {MIN_TRANSCRIPT_LINES} lines"
        )


def test_sample_playing(shot: Callable[..., Harness], text_percent: int) -> None:
    h = shot()
    h.open(SAMPLE_DIR / "briefing.opus")
    h.advance(30_000, step_ms=500)
    _check(h, "playing", text_percent)


def test_search_with_hits(shot: Callable[..., Harness], text_percent: int) -> None:
    h = shot()
    h.open(SAMPLE_DIR / "briefing.opus", play=False)
    h.window.start_search("water", go_to_first=True)
    h.qtbot.waitUntil(lambda: h.window.search.outcome is not None, timeout=10000)
    _check(h, "search-hits", text_percent)


def test_search_without_hits(shot: Callable[..., Harness], text_percent: int) -> None:
    h = shot()
    h.open(SAMPLE_DIR / "briefing.opus", play=False)
    h.window.start_search("zebra")
    h.qtbot.waitUntil(lambda: h.window.search.outcome is not None, timeout=10000)
    _check(h, "search-no-hits", text_percent)


def test_bad_pattern(shot: Callable[..., Harness], text_percent: int) -> None:
    h = shot()
    h.open(SAMPLE_DIR / "briefing.opus", play=False)
    h.window.start_search()
    search = h.window.search
    search.regex_box.setChecked(True)
    search.edit.setText("water(")
    search.run_now()
    h.qtbot.waitUntil(lambda: not search.is_searching(), timeout=10000)
    _check(h, "error-bad-pattern", text_percent)


def test_library_open_with_search(shot: Callable[..., Harness], text_percent: int) -> None:
    h = shot(library=True)
    h.open(SAMPLE_DIR / "briefing.mp4", play=False)
    h.window.docks.show_library(True)
    library = h.window.docks.library
    assert library is not None
    h.qtbot.waitUntil(lambda: library.proxy.rowCount() == 2, timeout=10000)
    h.window.start_search("reservoirs", go_to_first=True)
    h.qtbot.waitUntil(lambda: h.window.search.outcome is not None, timeout=10000)
    _check(h, "library", text_percent)


def test_empty_library(shot: Callable[..., Harness], text_percent: int) -> None:
    h = shot()
    h.window.docks.show_library(True)
    _check(h, "empty-library", text_percent, transcript=False)


def test_captions(shot: Callable[..., Harness], text_percent: int) -> None:
    h = shot(video=QGuiApplication.platformName() in EMBED_PLATFORMS)  # captions: under video
    h.open(SAMPLE_DIR / "briefing.mp4")
    h.window.reading_style.set_captions(True)
    h.advance(26_500, step_ms=500)
    _check(h, "captions", text_percent)


def test_no_transcript(shot: Callable[..., Harness], text_percent: int, tmp_path: Path) -> None:
    h = shot()
    lonely = tmp_path / "interview.opus"
    shutil.copy(SAMPLE_DIR / "briefing.opus", lonely)
    h.open(lonely)
    _check(h, "empty-no-transcript", text_percent, transcript=False)


def test_nothing_open(shot: Callable[..., Harness], text_percent: int) -> None:
    h = shot()
    _check(h, "empty-start", text_percent, transcript=False)


def test_media_error(shot: Callable[..., Harness], text_percent: int, tmp_path: Path) -> None:
    h = shot()
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video at all")
    h.window.open_media(broken)
    h.wait_transcript()
    _check(h, "error-media", text_percent, transcript=False)
