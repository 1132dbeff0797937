"""python-vlc's C functions are looked up when python-vlc is imported, not on first call.

A first call looks the function up with the GIL held, and the lookup waits while libVLC's
threads load plugins (see ``player.playback.vlc_binding._bind_functions``): everything the
backend calls must already be bound, so a whole session binds nothing new.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from player.playback.base import PlaybackError, PlaybackState
from tests.conftest import SAMPLE_DIR
from tests.playback.helpers import wait_until

pytestmark = pytest.mark.vlc


def test_a_session_binds_no_new_libvlc_function(require_libvlc: None, tmp_path: Path) -> None:
    from player.playback.vlc_backend import VlcBackend
    from player.playback.vlc_binding import BOUND_AT_IMPORT, import_vlc

    vlc = import_vlc()
    assert set(BOUND_AT_IMPORT) <= set(vlc._Cfunctions)
    before = set(vlc._Cfunctions)
    backend = VlcBackend(audio_output="dummy", video=False)
    try:
        backend.prepare(SAMPLE_DIR / "briefing.opus")
        backend.load(SAMPLE_DIR / "briefing.opus")
        backend.set_volume(50)
        backend.set_muted(True)
        backend.set_rate(1.5)
        backend.play()
        assert wait_until(backend, lambda: backend.state() is PlaybackState.PLAYING, 5)
        backend.seek(20_000)
        backend.pause()
        assert wait_until(backend, lambda: backend.state() is PlaybackState.PAUSED, 5)
        backend.play()
        backend.stop()
        bad = tmp_path / "bad.mp4"
        bad.write_bytes(b"\x00" * 4096)
        with pytest.raises(PlaybackError, match=r"no audio or video track|not a media file"):
            backend.load(bad)
        backend.load(SAMPLE_DIR / "briefing.mp4")
    finally:
        backend.release()
    new = set(vlc._Cfunctions) - before
    assert new <= {"libvlc_new"}, f"bound on first call (add to BOUND_AT_IMPORT): {sorted(new)}"
