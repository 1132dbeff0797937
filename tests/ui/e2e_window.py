"""End-to-end run of the program's own composition with the real libVLC on a real X display.

Run as a subprocess by ``test_e2e_real_vlc.py`` (Qt's platform is per process, and the rest of
the suite runs offscreen, where libVLC must not embed video):

    python -m tests.ui.e2e_window MEDIA CONFIG_DIR OUT_JSON

It builds the window with ``player.app.compose.build_app`` (as the program does; libVLC with a
silent audio output), opens MEDIA as the command line would, plays it at 4x (a test-only rate),
records every change of the highlighted row, grabs the screen over the video surface after a few
seconds, waits for the end and writes what it saw to OUT_JSON.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from player.app.compose import build_app
from player.cli.dispatch import window_parser
from player.playback.base import PlaybackBackend, PlaybackState
from player.playback.vlc_backend import VlcBackend
from player.ui.window import EMBED_PLATFORMS

TEST_RATE = 4.0


def main() -> int:
    media, config_dir, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    QApplication([sys.argv[0]])
    backends: list[VlcBackend] = []

    def silent_vlc(video: bool) -> PlaybackBackend:
        backends.append(VlcBackend(video=video, audio_output="dummy"))
        return backends[-1]

    args = window_parser().parse_args(
        [str(media), "--paused", "--config-dir", str(config_dir), "--db", str(config_dir / "db")]
    )
    app = build_app(args, silent_vlc)
    window, controller = app.window, app.controller
    embed = QGuiApplication.platformName() in EMBED_PLATFORMS
    window.resize(1000, 600)
    rows: list[int] = []
    shown_texts: list[str] = []  # the audio view's large text right after each highlight change

    def on_row(row: int) -> None:
        rows.append(row)
        if row >= 0:  # connected after the window's own slot: its text is already updated
            shown_texts.append(window.audio_view.cue_text.text())

    window.tracker.current_cue_changed.connect(on_row)
    result: dict[str, object] = {"platform": QGuiApplication.platformName(), "embed": embed}
    started = time.monotonic()

    def grab() -> None:
        surface = window.video_surface
        shown = window.media_stack.currentWidget()
        result["shown"] = type(shown).__name__
        target = surface if surface is not None and shown is surface else shown
        assert target is not None
        origin = target.mapToGlobal(target.rect().topLeft())
        screen = QGuiApplication.primaryScreen()
        image = screen.grabWindow(
            0, origin.x(), origin.y(), target.width(), target.height()
        ).toImage()
        bright = total = 0
        for y in range(0, image.height(), 4):
            for x in range(0, image.width(), 4):
                c = image.pixelColor(x, y)
                total += 1
                if c.red() + c.green() + c.blue() > 60:
                    bright += 1
        result["nonblack_fraction"] = bright / max(1, total)
        image.save(str(out.with_suffix(".png")))

    def check_end() -> None:
        if controller.state() in (PlaybackState.ENDED, PlaybackState.ERROR) or (
            time.monotonic() - started > 60
        ):
            result["state"] = controller.state().value
            result["rows"] = rows
            result["shown_texts"] = shown_texts
            result["cue_count"] = window.model.rowCount()
            result["seconds"] = time.monotonic() - started
            out.write_text(json.dumps(result))
            window.close()
            app.qt.quit()

    def play_fast() -> None:
        backends[-1]._set_test_rate(TEST_RATE)
        controller._clock.set_rate(TEST_RATE)
        controller.play()

    app.start()  # shows the window and opens MEDIA, paused (--paused)
    QTimer.singleShot(100, play_fast)
    QTimer.singleShot(3000, grab)
    poll = QTimer()
    poll.timeout.connect(check_end)
    poll.start(200)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
