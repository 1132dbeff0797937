"""With no usable sound device, ALSA's error flood stays off the terminal, libVLC's messages go
to the log, playback goes on silently, and the window says there will be no sound.

The device is made unusable on any machine: libVLC's ALSA output is asked for a device that
does not exist, or ALSA is given an empty configuration (no ``default`` device at all).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from player.app.compose import App, build_app
from player.app.startup_tweaks import StartupTweaks
from player.cli.dispatch import window_parser
from player.playback.base import PlaybackBackend, PlaybackState
from tests.conftest import REPO, SAMPLE_DIR

pytestmark = [
    pytest.mark.vlc,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ALSA: Linux"),
]

MEDIA = SAMPLE_DIR / "briefing.opus"
WAIT_MS = 20_000


def _alsa_without_a_device(video: bool) -> PlaybackBackend:
    from player.playback.vlc_backend import VlcBackend

    return VlcBackend(
        video=False, audio_output="alsa", extra_args=["--alsa-audio-device=nonexistent"]
    )


@pytest.fixture
def app(qtbot: QtBot, tmp_path: Path, require_libvlc: None) -> Iterator[App]:
    args = window_parser().parse_args(
        [str(MEDIA), "--config-dir", str(tmp_path / "config"), "--db", str(tmp_path / "db")]
    )
    built = build_app(args, _alsa_without_a_device)
    qtbot.addWidget(built.window)
    yield built
    built.window.close()
    built.shut_down()


def test_the_window_says_there_will_be_no_sound_and_plays_on(app: App, qtbot: QtBot) -> None:
    told: list[str] = []
    app.controller.audio_unavailable.connect(told.append)
    app.start(StartupTweaks(enabled=False))  # "after the first frame" work runs at once
    qtbot.waitUntil(lambda: bool(told), timeout=WAIT_MS)
    assert told == [
        "No sound: no audio device could be opened. Playing on silently; restart to try again."
    ]
    assert app.window.status.label.text() == told[0]
    marks = [w for w in app.window.status.findChildren(QLabel) if w.accessibleName() == "No sound"]
    assert len(marks) == 1 and marks[0].isVisibleTo(app.window)
    assert marks[0].text() == "🔇 No sound" and marks[0].toolTip() == told[0]
    position = app.controller.position_ms()
    qtbot.waitUntil(lambda: app.controller.position_ms() > position + 500, timeout=WAIT_MS)
    assert app.controller.state() is PlaybackState.PLAYING


def test_the_real_program_keeps_alsa_off_the_terminal(tmp_path: Path, require_libvlc: None) -> None:
    empty = tmp_path / "alsa.conf"
    empty.write_text("", encoding="utf-8")  # ALSA knows no device, not even "default"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "BRIEFING_PLAYER_AUDIO_OUTPUT": "alsa",
        "ALSA_CONFIG_PATH": str(empty),
    }
    log_dir = tmp_path / "log"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "player",
            str(MEDIA),
            "--exit-after-playing",
            "4000",
            "--config-dir",
            str(tmp_path / "config"),
            "--db",
            str(tmp_path / "db"),
            "--log-dir",
            str(log_dir),
        ],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "ALSA" not in proc.stderr, proc.stderr[:3000]
    assert len(proc.stderr.splitlines()) < 10, proc.stderr[:3000]
    log_text = (log_dir / "briefing-player.log").read_text(encoding="utf-8")
    assert "no audio output could be opened: playing on without sound" in log_text
    assert log_text.count("libVLC: failed to create audio output") == 1  # each message once
