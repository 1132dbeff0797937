"""The program's composition (``player.app.compose.build_app``) with the real libVLC on Xvfb:
highlights go through the cues in order, and video pixels reach the screen (QScreen.grabWindow;
QWidget.grab never contains video). ``tests/app/test_main.py`` runs the whole program too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from player.core.formats.load import load_transcript
from player.playback.vlc_binding import libvlc_unavailable_reason
from tests.conftest import REPO, SAMPLE_DIR

pytestmark = [pytest.mark.vlc, pytest.mark.xvfb, pytest.mark.slow]


def _require_display_and_vlc() -> None:
    problems = []
    if not os.environ.get("DISPLAY"):
        problems.append(
            "no X display (run the suite under xvfb-run, as the README's test command does)"
        )
    reason = libvlc_unavailable_reason()
    if reason:
        problems.append(f"libVLC unavailable: {reason}")
    if problems:
        if os.environ.get("CI") == "true":
            pytest.fail("; ".join(problems))
        pytest.skip("; ".join(problems))


def _run(media: Path, tmp_path: Path) -> dict[str, object]:
    _require_display_and_vlc()
    out = tmp_path / "result.json"
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    proc = subprocess.run(
        [sys.executable, "-m", "tests.ui.e2e_window", str(media), str(tmp_path / "cfg"), str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def _assert_cues_in_order(result: dict[str, object]) -> None:
    cues = load_transcript(SAMPLE_DIR / "briefing.vtt").cues
    assert result["state"] == "ended"
    assert result["cue_count"] == len(cues)
    rows = [r for r in result["rows"] if r >= 0]  # type: ignore[union-attr]
    # Every cue was highlighted, in order, none skipped and none revisited.
    assert rows == list(range(len(cues)))


def test_video_sample_end_to_end(tmp_path: Path) -> None:
    result = _run(SAMPLE_DIR / "briefing.mp4", tmp_path)
    assert result["platform"] == "xcb" and result["embed"] is True
    assert result["shown"] == "VideoSurface"
    assert result["nonblack_fraction"] > 0.05  # type: ignore[operator]
    _assert_cues_in_order(result)


def test_audio_sample_end_to_end(tmp_path: Path) -> None:
    result = _run(SAMPLE_DIR / "briefing.opus", tmp_path)
    assert result["shown"] == "AudioView"
    _assert_cues_in_order(result)
    # The audio view showed each cue's text in large type as it was highlighted (checked at
    # every change, not at one moment that may fall in a pause between two cues).
    cues = load_transcript(SAMPLE_DIR / "briefing.vtt").cues
    assert result["shown_texts"] == [c.text for c in cues]
