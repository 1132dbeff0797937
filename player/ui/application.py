"""Start the Qt application and the main window (called by ``player.app.main.main``)."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from player.app import gc_pause
from player.app.paths import default_config_dir, default_db_path
from player.core.timeline.timecode import parse_user_time

if TYPE_CHECKING:
    from collections.abc import Mapping

    from player.ui.window import MainWindow

_EMBED = frozenset({"xcb", "windows", "cocoa"})  # = main_window.EMBED_PLATFORMS, without Qt
START_UP_GC_PAUSE_MS = 1000  # the cycle collector resumes this long after the window is shown

SAMPLE_MEDIA = (
    Path(__file__).resolve().parent.parent.parent / "resources" / "sample" / "briefing.mp4"
)


def sample_media() -> Path:
    """The bundled sample briefing (video version)."""
    return SAMPLE_MEDIA


def _choose_platform() -> None:
    # libVLC can only embed video into X11 windows on Linux: under Wayland use XWayland.
    if (
        sys.platform.startswith("linux")
        and "QT_QPA_PLATFORM" not in os.environ
        and os.environ.get("WAYLAND_DISPLAY")
        and os.environ.get("DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "xcb"


NO_SESSION_BUS = "disabled:"


def _session_bus_address(environ: Mapping[str, str]) -> str | None:
    """The D-Bus session bus address to set before Qt starts, or None to leave it as it is.

    Qt's accessibility bridge connects to the session bus when the first child widget is made,
    and a screen reader talks to the program through it. On a desktop the address is in
    ``DBUS_SESSION_BUS_ADDRESS`` or is the socket ``$XDG_RUNTIME_DIR/bus``. Without either,
    libdbus "autolaunches" a bus by running ``dbus-launch``; when that program is not installed
    either (CI machines, Xvfb, containers), the attempt can only fail, and costs the window
    4-6 ms (a fork of the whole process) before it fails. Only in that case is the address set
    to one that fails at once; nothing a user could reach is lost.
    """
    if not sys.platform.startswith("linux") or environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return None
    runtime_dir = environ.get("XDG_RUNTIME_DIR")
    if runtime_dir and os.path.exists(os.path.join(runtime_dir, "bus")):
        return None
    for folder in environ.get("PATH", os.defpath).split(os.pathsep):
        if folder and os.access(os.path.join(folder, "dbus-launch"), os.X_OK):
            return None
    return NO_SESSION_BUS


def validate_args(args: argparse.Namespace) -> int | None:
    """Check the window options; returns the ``--at`` position in ms (or None).

    Raises ``ValueError`` with a message for the user.
    """
    at_ms = None
    if args.at:
        at_ms = parse_user_time(args.at)
    if args.rate is not None and not 0.5 <= args.rate <= 2.5:
        raise ValueError("--rate must be between 0.5 and 2.5")
    if args.transcript and not Path(args.transcript).exists():
        raise ValueError(f"--transcript: {args.transcript}: no such file")
    return at_ms


def _first_media(args: argparse.Namespace) -> Path:
    """The media the command line opens: MEDIA, or the bundled sample."""
    return Path(args.media).expanduser() if args.media else sample_media()


def open_from_args(window: MainWindow, args: argparse.Namespace, at_ms: int | None) -> None:
    """Open what the command line asks for in ``window`` (the sample when no MEDIA)."""
    media = _first_media(args)
    window.open_media(media, transcript=args.transcript, at_ms=at_ms, play=not args.paused)
    if args.rate is not None:
        window.controller.set_rate(args.rate)
    if args.search:
        window.start_search(args.search, go_to_first=True)


class _BackendStarter:
    """Starts libVLC on a thread, so its start-up overlaps the import of Qt, and then reads the
    first file's header there (which ``load`` waits for if it comes first) while the window's
    modules are imported.

    python-vlc itself is imported first, on the calling thread: importing is Python work, which
    on a second thread only takes turns with the import of Qt for the GIL (measured: the thread
    then finished late and parsed the first file while the window was being built, slowing it
    down). What the thread does is mostly libVLC's C code, which runs beside Python.

    Reading the header loads libVLC's demuxer, whose libraries (libavformat, libavcodec and some
    eighty more) take 25-35 ms to load, all of it under the dynamic loader's lock. Any library
    the main thread loads meanwhile waits for that lock, and importing Qt loads several: so the
    thread waits for :meth:`read_first_media`, which the caller sends once Qt is loaded and its
    application object made, and the header is read while the window's (pure Python) modules
    are imported. Measured against reading it at once: 7-30 ms sooner to "playing".
    """

    def __init__(
        self, video: bool, first_media: Path | None = None, audio_output: str | None = None
    ) -> None:
        self.video = video
        self.first_media = first_media
        self.audio_output = audio_output
        self.backend: object = None
        self.error: str | None = None
        self._ready = threading.Event()
        self._read = threading.Event()
        try:
            from player.playback.vlc_backend import import_vlc

            import_vlc()
        except Exception as err:  # PlaybackError, or anything python-vlc raises while loading
            self.error = str(err) or type(err).__name__
            self._ready.set()
            return
        self._thread = threading.Thread(target=self._run, name="libvlc-start", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            from player.playback.vlc_backend import VlcBackend

            backend = VlcBackend(video=self.video, audio_output=self.audio_output)
        except Exception as err:  # PlaybackError, or anything python-vlc raises while loading
            self.error = str(err) or type(err).__name__
            self._ready.set()
            return
        self.backend = backend
        self._ready.set()
        _load_font_configuration()  # while the main thread still imports Qt
        if self.first_media is not None:
            self._read.wait()
            with contextlib.suppress(Exception):  # only a hint: load() reports real problems
                backend.prepare(self.first_media)

    def read_first_media(self) -> None:
        """Let the thread read the first file's header now (see the class docstring)."""
        self._read.set()

    def result(self) -> tuple[object, str | None]:
        """Wait for the backend (not for the prepared file); (backend, None) or (None, reason)."""
        self._ready.wait()
        return self.backend, self.error


def _load_font_configuration() -> None:
    """Load fontconfig's configuration and font caches ahead of Qt (Linux desktops only).

    Qt asks fontconfig for the font list the first time a widget measures text, and the first
    call loads fontconfig's configuration files and caches: 4-9 ms of the main thread while the
    window is built. Called on the libVLC start-up thread, the same work is done beside the
    import of Qt, and Qt's call then finds it done (fontconfig keeps one configuration per
    process; ``FcInit`` is safe to call from any thread and does nothing the second time).
    """
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):  # no fontconfig: Qt says what it lacks
        import ctypes

        ctypes.CDLL("libfontconfig.so.1").FcInit()


# Modules the window's modules import that load a shared library (stdlib C extensions):
# imported before the first file's header is read, so that their import does not wait for
# the dynamic loader's lock (see _BackendStarter). tests/ui/test_startup_lean.py keeps the
# list complete.
PRELOADED_EXTENSIONS = ("_heapq", "array", "_json")


def _spare_source_scans() -> None:
    """Spare PySide6 from reading the source of every module imported after it.

    PySide6 looks at each module the first time an import statement names it after PySide6 is
    loaded, reading the whole source file for the text "PySide6" (to support its opt-in
    ``from __feature__ import ...``, which this program never uses). That was about 60 modules
    and 10-20 ms of start-up. The entries are filled in instead: 0 ("uses PySide6, no feature
    selected") for the ``player.ui`` modules, -1 ("leave out of feature switching") for the
    standard library, the Qt-free packages of this program (tests/core/test_layering.py keeps
    them so) and whatever is loaded at this point. A -1 on a module that does use PySide6 only
    matters if some module switches a feature on (``snake_case``), which nothing here does.
    Call it right after the first PySide6 import; with a PySide6 that works differently it does
    nothing.
    """
    feature = sys.modules.get("shibokensupport.feature")
    table = getattr(feature, "pyside_feature_dict", None)
    if not isinstance(table, dict):
        return
    for name in list(sys.modules):
        table.setdefault(name, -1)
    for name in sys.stdlib_module_names:  # the standard library never uses PySide6
        table.setdefault(name, -1)
    # Imported later by the transcript parser, settings, the backend, the search index and the
    # library (submodules are not in ``sys.stdlib_module_names``).
    later = ("html.entities", "json.decoder", "json.encoder", "json.scanner", "sqlite3.dbapi2")
    for name in (*later, "vlc", "regex", "regex.regex", "regex._regex_core", "regex._main"):
        table.setdefault(name, -1)
    root = Path(__file__).resolve().parent.parent
    for package, uses_pyside in (("ui", 0), ("core", -1), ("playback", -1), ("commands", -1)):
        with contextlib.suppress(OSError):  # not a folder (a zipped or frozen build)
            for entry in os.listdir(root / package):
                if entry.endswith(".py") and entry != "__init__.py":
                    table[f"player.{package}.{entry[:-3]}"] = uses_pyside


def _expected_platform() -> str:
    """The Qt platform plugin that will be used (before Qt is imported)."""
    requested = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    if requested:
        return requested
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "cocoa"
    return "xcb" if os.environ.get("DISPLAY") else "wayland"


def run_window(args: argparse.Namespace) -> int:
    """Build the services, open the window, run the event loop; returns the exit status."""
    try:
        at_ms = validate_args(args)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2

    _choose_platform()
    bus_address = _session_bus_address(os.environ)
    if bus_address is not None:
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = bus_address  # before any thread starts
    platform = _expected_platform()
    if (
        sys.platform.startswith("linux")
        and platform in ("xcb", "wayland")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        print(
            "error: no display to open the window on (DISPLAY is not set). "
            "Run it in a desktop session, or use the subcommands (briefing-player --help).",
            file=sys.stderr,
        )
        return 2
    # Start-up builds a few hundred thousand objects that live as long as the program (Qt
    # types and enums, modules, the window): the cycle collector is paused meanwhile (about 60
    # collections that free nothing) and they are frozen out of its way afterwards.
    pause = gc_pause.Pause()
    try:
        return _start(args, at_ms, platform, pause)
    finally:
        pause.end()


def _start(
    args: argparse.Namespace, at_ms: int | None, platform: str, gc_paused: gc_pause.Pause
) -> int:
    from player.app.main import LIBVLC_HELP

    starter = _BackendStarter(video=platform in _EMBED, first_media=_first_media(args))
    config_dir = Path(args.config_dir) if args.config_dir else default_config_dir()
    # The default database is looked up only when the archive is first used (see MainWindow).
    archive_db = Path(args.db) if args.db else default_db_path

    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication

    _spare_source_scans()
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    app.setApplicationName("Briefing Player")
    app.setOrganizationName("briefing-player")
    for name in PRELOADED_EXTENSIONS:
        importlib.import_module(name)
    starter.read_first_media()  # Qt's libraries are loaded: libVLC may load its demuxer

    from player.ui.controller import PlaybackController
    from player.ui.jobs import share_the_gil_fairly
    from player.ui.settings import Settings
    from player.ui.window import EMBED_PLATFORMS, MainWindow

    share_the_gil_fairly()
    embed = QGuiApplication.platformName() in EMBED_PLATFORMS
    backend, error = starter.result()
    if backend is None:
        print(LIBVLC_HELP.format(reason=error), file=sys.stderr)
        return 2
    from player.playback.vlc_backend import VlcBackend

    assert isinstance(backend, VlcBackend)
    if embed != starter.video:  # the platform guess was wrong: start libVLC to match
        backend.release()
        backend = VlcBackend(video=embed)
    settings = Settings(config_dir / "settings.ini")
    controller = PlaybackController(backend)
    window = MainWindow(controller, settings, embed_video=embed, archive_db=archive_db)
    window.show()
    open_from_args(window, args, at_ms)
    QTimer.singleShot(START_UP_GC_PAUSE_MS, gc_paused.end)
    return int(app.exec())
