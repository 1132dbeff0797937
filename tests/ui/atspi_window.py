"""The real window for the AT-SPI end-to-end test, run in a subprocess on a real X display:

    python -m tests.ui.atspi_window MEDIA CONFIG_DIR

It builds the window with ``player.app.compose.build_app`` (as the program does; libVLC with a
silent audio output), opens MEDIA paused, and waits: the AT-SPI client drives it (focus, keys,
Play) like a screen-reader user. It quits after 120 s at the latest, or when its window closes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from player.app.compose import build_app
from player.cli.dispatch import window_parser
from player.playback.base import PlaybackBackend
from player.playback.vlc_backend import VlcBackend

LIFETIME_MS = 120_000


def main() -> int:
    media, config_dir = Path(sys.argv[1]), Path(sys.argv[2])
    QApplication([sys.argv[0]])

    def silent_vlc(video: bool) -> PlaybackBackend:
        return VlcBackend(video=video, audio_output="dummy")

    args = window_parser().parse_args(
        [str(media), "--paused", "--config-dir", str(config_dir), "--db", str(config_dir / "db")]
    )
    app = build_app(args, silent_vlc)
    app.window.resize(1000, 600)
    app.window.setWindowTitle("Briefing Player AT-SPI test")
    app.start()
    # Xvfb runs no window manager: the window asks for the keyboard focus itself (a window
    # manager gives it to a new window), as a user's desktop would.
    QTimer.singleShot(0, app.window.activateWindow)
    QTimer.singleShot(LIFETIME_MS, app.window.close)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
