"""Fixtures for the playback contract suite: one ``backend`` fixture over the fake and libVLC.

The real-libVLC variant skips when libVLC cannot be loaded, except under ``CI=true`` where the
suite fails instead: CI must exercise the real backend.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from player.playback.base import PlaybackBackend
from player.playback.fake import FakeBackend


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


@pytest.fixture(params=["fake", pytest.param("vlc", marks=pytest.mark.vlc)])
def backend(request: pytest.FixtureRequest) -> Iterator[PlaybackBackend]:
    """A fresh backend of each kind; the real one plays headless (dummy audio and video out)."""
    b: PlaybackBackend
    if request.param == "vlc":
        request.getfixturevalue("require_libvlc")
        from player.playback.vlc_backend import VlcBackend

        b = VlcBackend(audio_output="dummy", video=False)
    else:
        b = FakeBackend()
    yield b
    b.release()
