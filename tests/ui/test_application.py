"""Start-up plumbing: libVLC started on a thread, the first file read there ahead of load."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest

from player.cli.dispatch import window_parser
from player.playback.base import PlaybackError, PlaybackState
from player.ui.application import _BackendStarter, _first_media, sample_media
from tests.conftest import SAMPLE_DIR

pytestmark = pytest.mark.vlc


def test_first_media_is_the_argument_or_the_sample() -> None:
    assert _first_media(window_parser().parse_args([])) == sample_media()
    assert sample_media().is_file()
    assert _first_media(window_parser().parse_args(["~/x.mp4"])) == Path.home() / "x.mp4"


def test_starter_prepares_the_first_file_and_load_takes_it(require_libvlc: None) -> None:
    from player.playback.vlc_backend import VlcBackend

    starter = _BackendStarter(video=False, first_media=sample_media(), audio_output="dummy")
    backend, error = starter.result()
    assert error is None
    assert isinstance(backend, VlcBackend)
    try:
        time.sleep(0.2)
        assert backend._prepared is None  # the header waits for read_first_media()
        starter.read_first_media()
        starter._thread.join(5)  # the prepare() after the backend was handed out
        assert backend._prepared is not None  # parsed on the starter's thread
        _key, opened = backend._prepared
        backend.load(sample_media().resolve())
        assert backend._media is opened.media  # taken, not parsed again
        assert backend.state() is PlaybackState.LOADED
        assert backend.has_video()
        assert backend.length_ms() > 60_000
    finally:
        backend.release()


def test_starter_with_a_bad_first_file_still_starts(require_libvlc: None, tmp_path: Path) -> None:
    from player.playback.vlc_backend import VlcBackend

    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00" * 2048)
    starter = _BackendStarter(video=False, first_media=bad, audio_output="dummy")
    starter.read_first_media()
    backend, error = starter.result()
    assert error is None
    assert isinstance(backend, VlcBackend)
    try:
        with pytest.raises(PlaybackError, match="no audio or video track"):
            backend.load(bad)
        good = tmp_path / "good.opus"
        shutil.copy(SAMPLE_DIR / "briefing.opus", good)
        backend.load(good)
        assert not backend.has_video()
    finally:
        backend.release()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="libdbus autolaunch: Linux only")
def test_session_bus_is_left_alone_where_one_can_be_reached(tmp_path: Path) -> None:
    from player.ui.application import NO_SESSION_BUS, _session_bus_address

    launcher_dir = tmp_path / "bin"
    launcher_dir.mkdir()
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    # A session: its address, or the runtime folder's socket, or dbus-launch to start one.
    assert _session_bus_address({"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/x/bus"}) is None
    runtime = tmp_path / "run"
    runtime.mkdir()
    (runtime / "bus").touch()
    assert _session_bus_address({"XDG_RUNTIME_DIR": str(runtime), "PATH": str(empty_dir)}) is None
    launcher = launcher_dir / "dbus-launch"
    launcher.write_text("#!/bin/sh\n")
    launcher.chmod(0o755)
    path = f"{empty_dir}:{launcher_dir}"
    assert _session_bus_address({"PATH": path}) is None
    # None of them: libdbus could only fail, after forking the process to try.
    assert _session_bus_address({"PATH": str(empty_dir)}) == NO_SESSION_BUS
    (runtime / "bus").unlink()
    environ = {"XDG_RUNTIME_DIR": str(runtime), "PATH": str(empty_dir)}
    assert _session_bus_address(environ) == NO_SESSION_BUS
    launcher.chmod(0o644)  # not executable: not a launcher
    assert _session_bus_address({"PATH": str(launcher_dir)}) == NO_SESSION_BUS
