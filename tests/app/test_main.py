"""The program's entry (player.app.main): the whole program, run as users run it, with the real
libVLC, its start-up tricks on and off; and the errors it reports before loading Qt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from player.app import main as main_module
from player.app.main import EMBED_PLATFORMS, main
from player.app.startup_tweaks import SWITCH
from player.core.formats.load import load_transcript
from tests.conftest import REPO, SAMPLE_DIR


def test_the_embedding_platforms_are_the_windows() -> None:
    from player.ui.window import EMBED_PLATFORMS as WINDOW_EMBED_PLATFORMS

    assert EMBED_PLATFORMS == WINDOW_EMBED_PLATFORMS


def test_bad_options_are_reported_before_qt_is_loaded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--rate", "9", "--log-dir", str(tmp_path)]) == 2
    assert "error: --rate must be between 0.5 and 2.5" in capsys.readouterr().err
    assert main(["--transcript", str(tmp_path / "none.vtt"), "--log-dir", str(tmp_path)]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland displays")
def test_no_display_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(main_module, "_start", lambda *a: pytest.fail("started"))
    assert main(["--log-dir", str(tmp_path)]) == 2
    assert "no display to open the window on" in capsys.readouterr().err


@pytest.mark.vlc
@pytest.mark.slow
@pytest.mark.parametrize("tweaks", ["on", "off"])
def test_the_program_plays_the_sample(require_libvlc: None, tmp_path: Path, tweaks: str) -> None:
    """``briefing-player`` with no media plays the bundled sample, its transcript shown (on a
    real X display when there is one, where the video is embedded)."""
    env = dict(os.environ, QT_QPA_PLATFORM="xcb" if os.environ.get("DISPLAY") else "offscreen")
    env.pop(SWITCH, None)
    if tweaks == "off":
        env[SWITCH] = "1"
    log_dir = tmp_path / "log"
    options = ["--exit-after-playing", "1500", "--verbose", "--log-dir", str(log_dir)]
    options += ["--config-dir", str(tmp_path / "cfg"), "--db", str(tmp_path / "archive.sqlite")]
    proc = subprocess.run(
        [sys.executable, "-m", "player", *options],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    log = (log_dir / "briefing-player.log").read_text(encoding="utf-8")
    assert f"start-up tweaks {tweaks}" in log
    cues = len(load_transcript(SAMPLE_DIR / "briefing.vtt").cues)
    played = f"played {(SAMPLE_DIR / 'briefing.mp4').resolve()} to "
    assert played in log and f" ms, {cues} transcript lines shown" in log
