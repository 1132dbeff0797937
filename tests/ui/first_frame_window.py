"""Opened with ``--paused`` under the real libVLC on a real X display: the video surface shows
the first frame (not a black square) and playback stays paused; then Play plays; at the end,
a menu opened and closed over the video leaves no patchwork (the surface stays one colour).

Run as a subprocess by ``test_first_frame_vlc.py`` (Qt's platform is per process):

    python -m tests.ui.first_frame_window MEDIA CONFIG_DIR OUT_JSON
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from player.app.compose import build_app
from player.cli.dispatch import window_parser
from player.playback.base import PlaybackBackend, PlaybackState
from player.playback.vlc_backend import VlcBackend

WAIT_S = 30.0  # generous: a loaded two-core machine


def nonblack_fraction(target: QWidget) -> float:
    """The share of sampled screen pixels over ``target`` that are not near-black."""
    origin = target.mapToGlobal(target.rect().topLeft())
    image = (
        QGuiApplication.primaryScreen()
        .grabWindow(0, origin.x(), origin.y(), target.width(), target.height())
        .toImage()
    )
    bright = total = 0
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            c = image.pixelColor(x, y)
            total += 1
            bright += c.red() + c.green() + c.blue() > 60
    return bright / max(1, total)


def main() -> int:
    media, config_dir, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    QApplication([sys.argv[0]])
    args = window_parser().parse_args(
        [str(media), "--paused", "--config-dir", str(config_dir), "--db", str(config_dir / "db")]
    )

    def silent_vlc(video: bool) -> PlaybackBackend:
        return VlcBackend(video=video, audio_output="dummy")

    app = build_app(args, silent_vlc)
    window, controller = app.window, app.controller
    window.resize(1280, 760)
    result: dict[str, object] = {"states": []}
    started = time.monotonic()
    step = {"phase": "paused"}

    def finish() -> None:
        out.write_text(json.dumps(result))
        window.close()
        app.qt.quit()

    def poll() -> None:
        state = controller.state()
        states = result["states"]
        assert isinstance(states, list)
        if not states or states[-1] != state.value:
            states.append(state.value)
        elapsed = time.monotonic() - started
        if step["phase"] == "paused" and (state is PlaybackState.PAUSED or elapsed > WAIT_S):
            step["phase"] = "settle"
            QTimer.singleShot(1500, look)
        elif step["phase"] == "playing" and (
            controller.position_ms() > 1000 or elapsed > 2 * WAIT_S
        ):
            result["played_to_ms"] = controller.position_ms()
            step["phase"] = "ending"
            controller.seek(max(0, controller.length_ms() - 1500))
        elif step["phase"] == "ending" and (state is PlaybackState.ENDED or elapsed > 3 * WAIT_S):
            step["phase"] = "menu"
            QTimer.singleShot(800, menu_over_video)

    def colours(surface: QWidget) -> int:
        """How many distinct colours the screen shows over ``surface`` (sampled)."""
        origin = surface.mapToGlobal(surface.rect().topLeft())
        image = (
            QGuiApplication.primaryScreen()
            .grabWindow(0, origin.x(), origin.y(), surface.width(), surface.height())
            .toImage()
        )
        return len(
            {
                image.pixel(x, y)
                for y in range(0, image.height(), 4)
                for x in range(0, image.width(), 4)
            }
        )

    def menu_over_video() -> None:
        surface = window.video_surface
        assert surface is not None
        result["ended_state"] = controller.state().value
        result["ended_colours"] = colours(surface)
        menu = QMenu(window)
        for i in range(10):
            menu.addAction(f"A menu item over the video {i}")
        menu.popup(surface.mapToGlobal(QPoint(40, 40)))
        QTimer.singleShot(700, menu.close)
        QTimer.singleShot(1500, lambda: after_menu(surface))

    def after_menu(surface: QWidget) -> None:
        result["after_menu_colours"] = colours(surface)
        step["phase"] = "done"
        finish()

    def look() -> None:
        surface = window.video_surface
        result["paused_state"] = controller.state().value
        result["paused_position_ms"] = controller.position_ms()
        result["nonblack_fraction"] = nonblack_fraction(surface) if surface is not None else 0.0
        folder = os.environ.get("BRIEFING_SCREENSHOTS")
        if folder:  # packaging/make_screenshots.py: the window as the screen shows it
            origin = window.mapToGlobal(window.rect().topLeft())
            shot = QGuiApplication.primaryScreen().grabWindow(
                0, origin.x(), origin.y(), window.width(), window.height()
            )
            shot.save(str(Path(folder) / "video-opened-paused-100.png"))
        step["phase"] = "playing"
        controller.play()

    app.start()  # shows the window and opens MEDIA, paused
    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(50)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
