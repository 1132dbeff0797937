"""Shared test setup: Qt runs offscreen unless a test starts its own process on Xvfb; the
``require_libvlc`` fixture skips locally but fails under CI=true when libVLC is missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLE_DIR = REPO / "resources" / "sample"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture
def require_libvlc() -> None:
    """Skip (locally) or fail (under CI=true) when libVLC cannot be loaded."""
    from player.playback.vlc_backend import libvlc_unavailable_reason

    reason = libvlc_unavailable_reason()
    if reason is None:
        return
    if _in_ci():
        pytest.fail(f"CI=true but libVLC is unavailable: {reason}")
    pytest.skip(f"libVLC unavailable: {reason}")
