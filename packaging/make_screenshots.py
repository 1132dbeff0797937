#!/usr/bin/env python3
"""Renew the screenshots of the window's main states in docs/screenshots/.

Runs ``tests/ui/test_screenshots.py`` (the states at 1280x800 with the text at 100 % and at
200 %, each checked for cut text) with ``BRIEFING_SCREENSHOTS`` set, on an X display so that the
video surface and its captions are real (under ``xvfb-run`` when there is no ``DISPLAY``). The
files are ``<state>-<text size>.png``: playing, search-hits, search-no-hits, error-bad-pattern,
library, empty-library, captions, empty-no-transcript, empty-start, error-media; and
video-opened-paused-100 (real libVLC: the first frame of a video opened with --paused).

Usage::

    python packaging/make_screenshots.py [FOLDER]     # default: docs/screenshots
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCREEN = "1280x800x24"


def main(argv: list[str]) -> int:
    folder = Path(argv[0]).resolve() if argv else REPO / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, BRIEFING_SCREENSHOTS=str(folder), QT_QPA_PLATFORM="xcb")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["tests/ui/test_screenshots.py", "tests/ui/test_first_frame_vlc.py"]
    if not os.environ.get("DISPLAY"):
        xvfb = shutil.which("xvfb-run")
        if xvfb is None:
            print("needs an X display or xvfb-run", file=sys.stderr)
            return 2
        command = [xvfb, "-a", "-s", f"-screen 0 {SCREEN}", *command]
    done = subprocess.run(command, cwd=REPO, env=env, check=False)
    print(f"screenshots in {folder}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
