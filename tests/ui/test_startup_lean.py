"""What keeps start-up lean (see benchmarks/bench_startup.py): behaviour, not timings.

PySide6 builds the Python type of a Qt class (with every enum of the class) the first time the
class is named, and reads the source of each module imported after it. The first frame should
build only the types it needs, and our modules should not be read again.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from player.app import main
from player.app.startup_tweaks import spare_source_scans
from player.cli.dispatch import window_parser
from player.playback.base import PlaybackState
from player.ui import gc_pause
from player.ui.widgets import GLYPHS, GlyphButton, draw_glyph
from tests.ui.conftest import Harness

REPO = Path(__file__).resolve().parents[2]


def _window_script_output(tmp_path: Path, media: str, *, before: str, after: str) -> str:
    """In a fresh offscreen process: ``before``, then the window (fake backend) opening
    ``media`` (a sample file) until its transcript has rows, painted; then ``after``. Returns
    the last line printed. The fake stands in for libVLC: what it imports to read the file (the
    media probe, mutagen) is imported before ``before``, as it is not the window's."""
    sample = REPO / "resources" / "sample" / media
    script = (
        f"import sys\nsys.path.insert(0, {str(REPO)!r})\nfrom pathlib import Path\n"
        "from PySide6.QtWidgets import QApplication\napp = QApplication([])\n"
        "from player.playback.fake import FakeBackend\n"
        f"FakeBackend().load(Path({str(sample)!r}))\n"
        + textwrap.dedent(before)
        + textwrap.dedent(
            f"""
            from player.ui.controller import PlaybackController
            from player.ui.window import MainWindow
            from player.ui.settings import Settings
            window = MainWindow(
                PlaybackController(FakeBackend()),
                Settings(Path({str(tmp_path)!r}) / "settings.ini"),
                embed_video=False,
            )
            window.show()
            window.open_media(Path({str(sample)!r}))
            while window.model.rowCount() == 0:
                app.processEvents()
            window.panel.view.grab()
            window.grab()
            """
        )
        + textwrap.dedent(after)
    )
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().splitlines()[-1]


def test_the_window_imports_no_shared_library_past_the_preloaded_ones(tmp_path: Path) -> None:
    """After Qt and ``PRELOADED_EXTENSIONS``, building and showing the window with the sample
    (its transcript parsed) imports no module that loads a shared library: such an import would
    wait for libVLC loading its demuxer (see ``player.app.startup_tweaks.EarlyBackend``)."""
    before = """
        import importlib, importlib.machinery
        from player.app.startup_tweaks import PRELOADED_EXTENSIONS
        for name in PRELOADED_EXTENSIONS:
            importlib.import_module(name)
        suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
        def extensions():
            return {name for name, module in list(sys.modules.items())
                    if str(getattr(module, "__file__", "") or "").endswith(suffixes)}
        loaded = extensions()
        """
    after = "print(sorted(extensions() - loaded))\n"
    assert _window_script_output(tmp_path, "briefing.mp4", before=before, after=after) == "[]"


def test_first_frame_builds_no_heavy_types_it_does_not_need(tmp_path: Path) -> None:
    """The window, shown and painted with a transcript, has not built QStyle, QIcon,
    QTextCharFormat or the mouse/key event types (5-10 ms, 2, 3 and 2-4 ms to build)."""
    before = "import PySide6.QtGui as G, PySide6.QtWidgets as W\n"
    after = """
        built = set(vars(W)) | set(vars(G))
        print(sorted(built & {"QStyle", "QIcon", "QTextCharFormat", "QMouseEvent", "QKeyEvent",
                              "QWheelEvent", "QCloseEvent", "QDropEvent"}))
        """
    assert _window_script_output(tmp_path, "briefing.opus", before=before, after=after) == "[]"


def test_source_scans_are_spared_for_our_modules(qapp: QApplication) -> None:
    feature = sys.modules.get("shibokensupport.feature")
    table = getattr(feature, "pyside_feature_dict", None)
    assert isinstance(table, dict), "PySide6 changed: spare_source_scans no longer applies"
    spare_source_scans()
    assert table["player.ui.window"] == 0  # uses PySide6, selects no feature
    assert table["player.ui.search_panel"] == 0  # also the modules not loaded yet
    assert table["json"] == -1  # loaded before: does not use PySide6
    assert table["player.core.formats.load"] == -1


def _ink(button: GlyphButton) -> int:
    image = button.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    ink = button.palette().color(QPalette.ColorRole.ButtonText)
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            if QColor(image.pixel(x, y)) == ink:
                count += 1
    return count


def test_glyph_buttons_draw_their_symbol_in_the_text_colour(qtbot: QtBot) -> None:
    button = GlyphButton("play")
    qtbot.addWidget(button)
    button.resize(32, 32)
    palette = button.palette()
    palette.setColor(QPalette.ColorRole.ButtonText, QColor("#123456"))
    button.setPalette(palette)
    play = _ink(button)
    assert play > 20
    button.set_glyph("stop")
    assert button.glyph() == "stop"
    assert _ink(button) > play  # the square covers more than the triangle
    for glyph in sorted(GLYPHS):  # every symbol draws something
        image = QImage(24, 24, QImage.Format.Format_ARGB32)
        image.fill(0)
        painter = QPainter(image)
        from PySide6.QtCore import QRectF

        draw_glyph(painter, glyph, QRectF(0, 0, 24, 24), QColor("#ff0000"))
        painter.end()
        assert any(QColor(image.pixel(x, y)).alpha() for x in range(24) for y in range(24)), glyph


def test_play_and_mute_buttons_show_the_state(harness: Harness, sample_audio: Path) -> None:
    w = harness.window
    assert w.play_button.glyph() == "play"
    harness.open(sample_audio)
    harness.controller.play()
    harness.advance(50)
    assert harness.controller.state() is PlaybackState.PLAYING
    assert w.play_button.glyph() == "pause"
    assert w.play_button.accessibleName() == "Pause"
    harness.controller.pause()
    harness.advance(20)
    assert w.play_button.glyph() == "play"
    assert w.mute_button.glyph() == "volume"
    harness.controller.set_muted(True)
    harness.advance(20)
    assert w.mute_button.glyph() == "muted"
    assert w.mute_button.isChecked()


def test_the_start_up_pause_of_the_collector_always_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)  # run_window would pick xcb then
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.delenv("BRIEFING_PLAYER_NO_STARTUP_TWEAKS", raising=False)
    # Set here so that run_window leaves it alone (and the test leaves the environment as it was).
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/test-bus")

    def paused_and_libvlc_missing(*a: object) -> int:
        assert not gc.isenabled()  # paused while starting
        return 2

    monkeypatch.setattr(main, "_start", paused_and_libvlc_missing)
    assert main.run_window(window_parser().parse_args([])) == 2
    assert gc.isenabled() and gc_pause.active_pauses() == 0

    def fail(*a: object) -> int:
        assert not gc.isenabled()  # paused while starting
        raise RuntimeError("boom")

    monkeypatch.setattr(main, "_start", fail)
    with pytest.raises(RuntimeError):
        main.run_window(window_parser().parse_args([]))
    assert gc.isenabled() and gc_pause.active_pauses() == 0
