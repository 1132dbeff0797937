"""Shared test setup: Qt runs offscreen unless a test starts its own process on Xvfb."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLE_DIR = REPO / "resources" / "sample"
