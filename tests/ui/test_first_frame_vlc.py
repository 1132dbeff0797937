"""A video opened paused (``--paused``) shows its first frame, with the real libVLC on Xvfb
(QScreen.grabWindow: QWidget.grab never contains video), stays paused, and plays on Play; after
"Finished", a menu closed over the video leaves no black rectangles on a stale picture."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLE_DIR
from tests.ui.test_e2e_real_vlc import _require_display_and_vlc

pytestmark = [pytest.mark.vlc, pytest.mark.xvfb, pytest.mark.slow]


def test_paused_video_shows_its_first_frame_then_plays(tmp_path: Path) -> None:
    _require_display_and_vlc()
    out = tmp_path / "result.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.ui.first_frame_window",
            str(SAMPLE_DIR / "briefing.mp4"),
            str(tmp_path / "cfg"),
            str(out),
        ],
        cwd=REPO,
        env=dict(os.environ, QT_QPA_PLATFORM="xcb"),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    result = json.loads(out.read_text())
    assert result["paused_state"] == "paused", result
    assert result["paused_position_ms"] < 1000, result  # at the start, not playing on
    assert result["nonblack_fraction"] > 0.05, result  # a picture, not a black square
    assert result["played_to_ms"] > 1000, result  # Play plays from there
    assert result["ended_state"] == "ended", result
    assert result["after_menu_colours"] <= result["ended_colours"], result  # no patchwork
