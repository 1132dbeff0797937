"""Fixtures for the playback contract suite: one ``backend`` fixture over the fake and libVLC.

The real-libVLC variant skips when libVLC cannot be loaded, except under ``CI=true`` where the
suite fails instead: CI must exercise the real backend.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from player.playback.base import PlaybackBackend
from player.playback.fake import FakeBackend


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
