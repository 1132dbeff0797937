"""libVLC not loadable: the program says so in one clear message and exits 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.playback.helpers import REPO


def test_unloadable_libvlc_gives_clear_message_and_exit_2(tmp_path: object) -> None:
    env = dict(os.environ)
    # python-vlc loads exactly this file when the variable is set, and gives up if it cannot.
    env["PYTHON_VLC_LIB_PATH"] = "/nonexistent/libvlc.so.5"
    env["QT_QPA_PLATFORM"] = "offscreen"
    proc = subprocess.run(
        [sys.executable, "-m", "player", "--paused"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "libVLC" in proc.stderr
    assert "apt-get install" in proc.stderr  # says how to install it
    assert "Traceback" not in proc.stderr + proc.stdout
