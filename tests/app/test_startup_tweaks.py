"""The start-up tricks (player.app.startup_tweaks): each one on, and off with the switch."""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from player.app import resources
from player.app.startup_tweaks import (
    NO_SESSION_BUS,
    PRELOADED_EXTENSIONS,
    SWITCH,
    EarlyBackend,
    StartupTweaks,
    session_bus_address,
)
from player.playback.base import PlaybackBackend, PlaybackError, PlaybackState
from player.playback.fake import FakeBackend
from player.ui import gc_pause
from tests.conftest import REPO, SAMPLE_DIR

ON = StartupTweaks(enabled=True)
OFF = StartupTweaks(enabled=False)


def _python(script: str, *options: str) -> str:
    """What ``script`` prints, run in a fresh interpreter in the checkout."""
    out = subprocess.run(
        [sys.executable, *options, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=REPO,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_one_environment_variable_switches_them_all_off() -> None:
    assert StartupTweaks.from_environment({}).enabled
    assert StartupTweaks.from_environment({SWITCH: ""}).enabled
    assert StartupTweaks.from_environment({SWITCH: "0"}).enabled
    assert not StartupTweaks.from_environment({SWITCH: "1"}).enabled
    assert not StartupTweaks.from_environment({SWITCH: "yes"}).enabled


# ----- trick 1: the collector's start-up pause ---------------------------------------------------


def test_the_collector_pause_is_held_only_when_on() -> None:
    pause = ON.pause_collector()
    assert pause is not None
    try:
        assert not gc.isenabled() and gc_pause.active_pauses() == 1
    finally:
        pause.end()
    assert gc.isenabled() and gc_pause.active_pauses() == 0
    assert OFF.pause_collector() is None
    assert gc.isenabled()


def test_the_start_up_pause_ends_after_the_first_frame(qtbot: QtBot) -> None:
    pause = ON.pause_collector()
    ON.end_pause_later(pause)
    assert not gc.isenabled()  # still starting up
    qtbot.waitUntil(lambda: gc.isenabled() and gc_pause.active_pauses() == 0, timeout=10_000)


# ----- trick 2: no futile D-Bus autolaunch -------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="libdbus autolaunch: Linux only")
def test_session_bus_is_left_alone_where_one_can_be_reached(tmp_path: Path) -> None:
    launcher_dir = tmp_path / "bin"
    launcher_dir.mkdir()
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    # A session: its address, or the runtime folder's socket, or dbus-launch to start one.
    assert session_bus_address({"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/x/bus"}) is None
    runtime = tmp_path / "run"
    runtime.mkdir()
    (runtime / "bus").touch()
    assert session_bus_address({"XDG_RUNTIME_DIR": str(runtime), "PATH": str(empty_dir)}) is None
    launcher = launcher_dir / "dbus-launch"
    launcher.write_text("#!/bin/sh\n")
    launcher.chmod(0o755)
    path = f"{empty_dir}:{launcher_dir}"
    assert session_bus_address({"PATH": path}) is None
    # None of them: libdbus could only fail, after forking the process to try.
    assert session_bus_address({"PATH": str(empty_dir)}) == NO_SESSION_BUS
    (runtime / "bus").unlink()
    environ = {"XDG_RUNTIME_DIR": str(runtime), "PATH": str(empty_dir)}
    assert session_bus_address(environ) == NO_SESSION_BUS
    launcher.chmod(0o644)  # not executable: not a launcher
    assert session_bus_address({"PATH": str(launcher_dir)}) == NO_SESSION_BUS


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="libdbus autolaunch: Linux only")
def test_the_bus_address_is_set_only_when_on(tmp_path: Path) -> None:
    environ = {"PATH": str(tmp_path)}  # no dbus-launch, no session
    OFF.skip_futile_dbus_autolaunch(environ)
    assert "DBUS_SESSION_BUS_ADDRESS" not in environ
    ON.skip_futile_dbus_autolaunch(environ)
    assert environ["DBUS_SESSION_BUS_ADDRESS"] == NO_SESSION_BUS


# ----- tricks 3 and 4: python-vlc told where libVLC is, its functions bound at import -------------


def _import_vlc_in_a_fresh_process(enabled: bool) -> list[str]:
    script = textwrap.dedent(
        f"""
        import ctypes.util, os
        searched = []
        find_library = ctypes.util.find_library
        def spy(name):
            searched.append(name)
            return find_library(name)
        ctypes.util.find_library = spy
        from player.app.startup_tweaks import StartupTweaks
        from player.playback.vlc_binding import BOUND_AT_IMPORT, import_vlc
        StartupTweaks(enabled={enabled}).import_vlc()
        vlc = import_vlc()
        bound = set(BOUND_AT_IMPORT) <= set(vlc._Cfunctions)
        print(vlc.dll._name, bool(searched), "PYTHON_VLC_LIB_PATH" in os.environ, bound)
        """
    )
    return _python(script).split()


def test_python_vlc_is_pointed_at_libvlc_without_a_search(require_libvlc: None) -> None:
    """On Linux python-vlc gets libVLC's soname (no ``ldconfig -p`` child process), the
    environment variable that carries it is gone after the import, and the functions the
    backend calls are bound; with the switch off python-vlc searches, and binds on first call."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the soname shortcut is for Linux")
    assert _import_vlc_in_a_fresh_process(True) == ["libvlc.so.5", "False", "False", "True"]
    _name, searched, variable, bound = _import_vlc_in_a_fresh_process(False)
    assert (searched, variable, bound) == ("True", "False", "False")


# ----- tricks 5 and 6: the backend started early, on a thread ------------------------------------


class _RecordingFactory:
    """A backend factory over the fake that records on which thread, with which flag."""

    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[tuple[bool, str]] = []
        self.made: list[FakeBackend] = []
        self.error = error

    def __call__(self, video: bool) -> PlaybackBackend:
        self.calls.append((video, threading.current_thread().name))
        if self.error is not None:
            raise self.error
        self.made.append(FakeBackend())
        return self.made[-1]


def test_early_backend_is_made_on_a_thread_and_reads_the_header_once_qt_is_loaded() -> None:
    factory = _RecordingFactory()
    early = ON.start_backend_early(factory, video=True, first_media=SAMPLE_DIR / "briefing.mp4")
    assert isinstance(early, EarlyBackend)
    backend = early(True)
    assert factory.calls == [(True, "backend-start")]
    assert backend is factory.made[0]
    assert factory.made[0].prepared_paths == []  # the header waits for qt_loaded()
    early.qt_loaded()
    early.join(10)
    assert factory.made[0].prepared_paths == [SAMPLE_DIR / "briefing.mp4"]


def test_early_backend_is_made_again_when_the_video_guess_was_wrong() -> None:
    factory = _RecordingFactory()
    early = EarlyBackend(factory, video=True, first_media=None)
    backend = early(False)
    assert [video for video, _ in factory.calls] == [True, False]
    assert backend is factory.made[1]
    assert factory.made[0].state() is PlaybackState.IDLE  # released, never used


def test_early_backend_hands_on_the_factory_error() -> None:
    early = EarlyBackend(
        _RecordingFactory(PlaybackError("no libVLC")), video=False, first_media=None
    )
    with pytest.raises(PlaybackError, match="no libVLC"):
        early(False)


def test_no_early_backend_when_off() -> None:
    assert OFF.start_backend_early(_RecordingFactory(), video=True, first_media=None) is None


@pytest.mark.vlc
def test_early_libvlc_prepares_the_first_file_and_load_takes_it(require_libvlc: None) -> None:
    from player.playback.vlc_backend import VlcBackend

    def silent_vlc(video: bool) -> PlaybackBackend:
        return VlcBackend(video=video, audio_output="dummy")

    sample = resources.sample_media()
    early = EarlyBackend(silent_vlc, video=False, first_media=sample)
    backend = early(False)
    assert isinstance(backend, VlcBackend)
    try:
        assert backend._prepared is None  # the header waits for qt_loaded()
        early.qt_loaded()
        early.join(10)  # the prepare() after the backend was handed out
        assert backend._prepared is not None  # parsed on the thread
        _key, opened = backend._prepared
        backend.load(sample.resolve())
        assert backend._media is opened.media  # taken, not parsed again
        assert backend.state() is PlaybackState.LOADED
        assert backend.has_video()
        assert backend.length_ms() > 60_000
    finally:
        backend.release()


@pytest.mark.vlc
def test_early_libvlc_with_a_bad_first_file_still_starts(
    require_libvlc: None, tmp_path: Path
) -> None:
    from player.playback.vlc_backend import VlcBackend

    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00" * 2048)
    early = EarlyBackend(
        lambda video: VlcBackend(video=video, audio_output="dummy"), video=False, first_media=bad
    )
    early.qt_loaded()
    backend = early(False)
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


# ----- tricks 7, 8 and 9: once Qt is loaded -------------------------------------------------------


def test_preloaded_extensions_are_imported_only_when_on() -> None:
    script = textwrap.dedent(
        """
        import sys
        from player.app.startup_tweaks import PRELOADED_EXTENSIONS, StartupTweaks
        def loaded():
            return [name for name in PRELOADED_EXTENSIONS if name in sys.modules]
        StartupTweaks(enabled=False).preload_extensions()
        print(loaded())
        StartupTweaks(enabled=True).preload_extensions()
        print(loaded())
        """
    )
    off, on = _python(script, "-S").splitlines()  # -S: no site, fewer modules loaded
    assert on == str(list(PRELOADED_EXTENSIONS))
    assert off != on


def _feature_table() -> dict[str, int]:
    feature = sys.modules.get("shibokensupport.feature")
    table = getattr(feature, "pyside_feature_dict", None)
    assert isinstance(table, dict), "PySide6 changed: spare_source_scans no longer applies"
    return table


def test_source_scans_are_spared_only_when_on(qapp: object) -> None:
    table = _feature_table()
    table.pop("player.app.startup_tweaks", None)
    table.pop("player.ui.search_panel", None)
    OFF.spare_source_scans()
    assert "player.ui.search_panel" not in table
    ON.spare_source_scans()
    assert table["player.ui.window"] == 0  # uses PySide6, selects no feature
    assert table["player.ui.search_panel"] == 0  # also the modules not loaded yet
    assert table["player.app.compose"] == 0
    assert table["json"] == -1  # loaded before: does not use PySide6
    assert table["player.core.formats.load"] == -1  # in a subpackage of core
    assert table["player.core.archive"] == -1


def test_work_after_the_first_frame_is_deferred_only_when_on(qtbot: QtBot) -> None:
    done: list[str] = []
    OFF.after_first_frame(lambda: done.append("off"))
    assert done == ["off"]  # at once
    ON.after_first_frame(lambda: done.append("on"))
    assert done == ["off"]
    qtbot.waitUntil(lambda: done == ["off", "on"], timeout=10_000)
