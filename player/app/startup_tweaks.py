"""Every start-up trick of the program, in one place, behind one switch.

The window must show the sample playing within 1.3 times what a bare PySide6 + libVLC window
takes (``benchmarks/bench_startup.py``; 1.22x with these tricks). Each trick below makes the
program do the same work sooner, beside other work, or not at all when it could only fail; none
changes what the user sees. The gains were measured on a two-core machine under Xvfb, by
comparing start-up with and without the trick (CHANGELOG 0.1.0 has the history):

1. **Cycle collector paused during start-up** (:meth:`StartupTweaks.pause_collector`): start-up
   builds a few hundred thousand long-lived objects (Qt types and enums, modules, the window);
   about 60 collections (7-9 ms) found nothing to free. The collector resumes one second after
   the window is shown and what is alive is frozen out of its way (``player.ui.gc_pause``).
2. **No futile D-Bus autolaunch** (:meth:`StartupTweaks.skip_futile_dbus_autolaunch`): 4-6 ms.
3. **libVLC named by its soname** (:meth:`StartupTweaks.import_vlc`): python-vlc otherwise runs
   ``ldconfig -p`` in a child process to find it: 1-2 ms.
4. **python-vlc's C functions bound at import** (same method, see
   ``player.playback.vlc_binding._bind_functions``): the first call of each otherwise waited,
   holding the GIL, while libVLC's threads loaded plugins (tens of ms of frozen GUI while the
   first file starts).
5. **libVLC started on a thread while Qt is imported, the first file's header read once Qt is
   loaded** (:class:`EarlyBackend`): libVLC's start-up overlaps Qt's import; reading the header
   loads libVLC's demuxer (25-35 ms under the dynamic loader's lock), which then overlaps the
   import of the window's pure-Python modules instead of blocking Qt's libraries: 7-30 ms.
6. **fontconfig loaded on that thread** (:func:`load_font_configuration`): 4-9 ms of the main
   thread when Qt first measures text.
7. **C extensions the window needs imported before the header is read**
   (:meth:`StartupTweaks.preload_extensions`): their import would otherwise wait for the loader's
   lock held by trick 5 (``tests/ui/test_startup_lean.py`` keeps the list complete).
8. **PySide6's source scan spared** (:meth:`StartupTweaks.spare_source_scans`): 10-20 ms.
9. **The window icon set after the first frame** (:meth:`StartupTweaks.after_first_frame`):
   loading the SVG plug-in and building ``QIcon`` (2-4 ms) is not needed to show the window.
10. **The log file opened after the first frame** (same method, ``player.app.logs``): the
    rotating file handler's module imports ``socket`` and ``pickle`` (5 ms); the records
    logged until then wait in memory and are written first.

``BRIEFING_PLAYER_NO_STARTUP_TWEAKS=1`` in the environment turns every one off: the program
then does the same things one after the other, in the plain order. Use it to tell whether a
problem comes from a trick, or to measure what they are worth. Outside start-up nothing here
runs; the window's own pauses of the collector around big transcripts are not start-up tricks
and stay on.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING

from player.ui import gc_pause

if TYPE_CHECKING:
    from player.playback.base import PlaybackBackend

SWITCH = "BRIEFING_PLAYER_NO_STARTUP_TWEAKS"
"""Set to anything but ``""`` or ``"0"`` to turn every start-up trick off."""

START_UP_GC_PAUSE_MS = 1000
"""The cycle collector resumes this long after the window is shown (trick 1)."""

NO_SESSION_BUS = "disabled:"
"""A D-Bus address that fails at once (trick 2)."""

LINUX_LIBVLC = "libvlc.so.5"
"""libVLC 3's library on Linux, by its soname (trick 3)."""

PRELOADED_EXTENSIONS = ("_heapq", "array", "_json")
"""Modules the window's modules import that load a shared library (trick 7)."""

log = logging.getLogger(__name__)


class StartupTweaks:
    """The start-up tricks, each a method that does nothing when the tricks are switched off."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> StartupTweaks:
        """On unless ``BRIEFING_PLAYER_NO_STARTUP_TWEAKS`` is set (to anything but 0)."""
        return cls(enabled=environ.get(SWITCH, "").strip() in ("", "0"))

    # -- before any thread starts -------------------------------------------------------------

    def skip_futile_dbus_autolaunch(self, environ: MutableMapping[str, str]) -> None:
        """Trick 2: set ``DBUS_SESSION_BUS_ADDRESS`` when no session bus can be reached (see
        :func:`session_bus_address`). Call it before any thread starts."""
        if not self.enabled:
            return
        address = session_bus_address(environ)
        if address is not None:
            environ["DBUS_SESSION_BUS_ADDRESS"] = address

    def pause_collector(self) -> gc_pause.Pause | None:
        """Trick 1: the collector's start-up pause (end it with :meth:`end_pause_later`, and
        ``end()`` it in a ``finally``); None when the tricks are off."""
        return gc_pause.Pause() if self.enabled else None

    def import_vlc(self) -> None:
        """Import python-vlc on this thread, with tricks 3 and 4 (raises ``PlaybackError``).

        Importing is Python work: on another thread it would only take turns for the GIL with
        the import of Qt. Call it while the process has one thread (trick 3 sets an environment
        variable for the length of the import).
        """
        from player.playback.vlc_binding import import_vlc

        if not self.enabled:
            import_vlc(bind_functions=False)
            return
        import_vlc(libvlc_path=libvlc_by_soname(), bind_functions=True)

    def start_backend_early(
        self, factory: Callable[[bool], PlaybackBackend], *, video: bool, first_media: Path | None
    ) -> EarlyBackend | None:
        """Trick 5 (and 6): start making the backend now, on a thread (``video``: the guess of
        whether video will be embedded); None when the tricks are off."""
        if not self.enabled:
            return None
        return EarlyBackend(factory, video=video, first_media=first_media)

    # -- once Qt is loaded --------------------------------------------------------------------

    def spare_source_scans(self) -> None:
        """Trick 8: call right after the first PySide6 import (see :func:`spare_source_scans`)."""
        if self.enabled:
            spare_source_scans()

    def preload_extensions(self) -> None:
        """Trick 7: import :data:`PRELOADED_EXTENSIONS` now."""
        if self.enabled:
            for name in PRELOADED_EXTENSIONS:
                importlib.import_module(name)

    def after_first_frame(self, work: Callable[[], None]) -> None:
        """Trick 9: do ``work`` when start-up is over (at once when the tricks are off)."""
        if not self.enabled:
            work()
            return
        from PySide6.QtCore import QTimer

        QTimer.singleShot(START_UP_GC_PAUSE_MS, work)

    def end_pause_later(self, pause: gc_pause.Pause | None) -> None:
        """Trick 1: end the collector's start-up pause once start-up is over."""
        if pause is not None:
            from PySide6.QtCore import QTimer

            QTimer.singleShot(START_UP_GC_PAUSE_MS, pause.end)


def session_bus_address(environ: Mapping[str, str]) -> str | None:
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


def libvlc_by_soname() -> str | None:
    """libVLC's soname when the dynamic loader finds it by that name on Linux, else None.

    Without it python-vlc asks ``ctypes.util.find_library``, which runs ``ldconfig -p`` in a
    child process (a fork of the whole process, 1-2 ms of start-up) to find the same file. Only
    while the process has a single thread (the name travels in an environment variable, which
    is not safe to change while another thread may read the environment). When the library
    does not load this way, python-vlc searches (and reports a failure) as it always does.
    """
    if not sys.platform.startswith("linux") or "PYTHON_VLC_LIB_PATH" in os.environ:
        return None
    try:
        if len(os.listdir("/proc/self/task")) != 1:
            return None
        ctypes.CDLL(LINUX_LIBVLC)
    except OSError:
        return None
    return LINUX_LIBVLC


class EarlyBackend:
    """Trick 5: the backend is made on a thread, so that libVLC's start-up overlaps the import
    of Qt, and the first file's header is then read there (which ``load`` waits for if it comes
    first) while the window's modules are imported. Called like the factory it wraps.

    python-vlc must already be imported (:meth:`StartupTweaks.import_vlc`). What the thread
    does is mostly libVLC's C code, which runs beside Python.

    Reading the header loads libVLC's demuxer, whose libraries (libavformat, libavcodec and some
    eighty more) take 25-35 ms to load, all of it under the dynamic loader's lock. Any library
    the main thread loads meanwhile waits for that lock, and importing Qt loads several: so the
    thread waits for :meth:`qt_loaded`, which the program calls once Qt is loaded and its
    application object made. Measured against reading it at once: 7-30 ms sooner to "playing".
    """

    def __init__(
        self, factory: Callable[[bool], PlaybackBackend], *, video: bool, first_media: Path | None
    ) -> None:
        self._factory = factory
        self.video = video
        self.first_media = first_media
        self._backend: PlaybackBackend | None = None
        self._error: Exception | None = None
        self._ready = threading.Event()
        self._qt_loaded = threading.Event()
        self._thread = threading.Thread(target=self._run, name="backend-start", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._backend = self._factory(self.video)
        except Exception as err:  # PlaybackError, or anything python-vlc raises while loading
            self._error = err
            return
        finally:
            self._ready.set()
        load_font_configuration()  # trick 6: while the main thread still imports Qt
        if self.first_media is not None:
            self._qt_loaded.wait()
            with contextlib.suppress(Exception):  # only a hint: load() reports real problems
                self._backend.prepare(self.first_media)

    def qt_loaded(self) -> None:
        """Let the thread read the first file's header now (see the class docstring)."""
        self._qt_loaded.set()

    def __call__(self, video: bool) -> PlaybackBackend:
        """The backend made on the thread (remade if ``video`` differs from the guess); waits
        for it, not for the header. Raises what the factory raised."""
        self._qt_loaded.set()  # whatever happens next, the thread need not wait any longer
        self._ready.wait()
        if self._error is not None:
            raise self._error
        assert self._backend is not None
        if video == self.video:
            return self._backend
        log.debug("platform guess was wrong (video=%s): starting the backend again", video)
        self._backend.release()
        return self._factory(video)

    def join(self, timeout_s: float) -> None:
        """Wait for the thread to finish (tests)."""
        self._thread.join(timeout_s)


def load_font_configuration() -> None:
    """Trick 6: load fontconfig's configuration and font caches ahead of Qt (Linux only).

    Qt asks fontconfig for the font list the first time a widget measures text, and the first
    call loads fontconfig's configuration files and caches: 4-9 ms of the main thread while the
    window is built. Called on the backend's start-up thread, the same work is done beside the
    import of Qt, and Qt's call then finds it done (fontconfig keeps one configuration per
    process; ``FcInit`` is safe to call from any thread and does nothing the second time).
    """
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):  # no fontconfig: Qt says what it lacks
        ctypes.CDLL("libfontconfig.so.1").FcInit()


def spare_source_scans() -> None:
    """Trick 8: spare PySide6 from reading the source of every module imported after it.

    PySide6 looks at each module the first time an import statement names it after PySide6 is
    loaded, reading the whole source file for the text "PySide6" (to support its opt-in
    ``from __feature__ import ...``, which this program never uses). That was about 60 modules
    and 10-20 ms of start-up. The entries are filled in instead: 0 ("uses PySide6, no feature
    selected") for the modules of ``player.ui`` and ``player.app``, -1 ("leave out of feature
    switching") for the standard library, the Qt-free packages of this program (the layering
    test keeps them so) and whatever is loaded at this point. A -1 on a module that does use
    PySide6 only matters if some module switches a feature on (``snake_case``), which nothing
    here does. With a PySide6 that works differently it does nothing.
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
    root = Path(__file__).resolve().parent.parent  # the player package
    for folder, _subfolders, files in os.walk(root):
        package = Path(folder).relative_to(root).parts
        uses_pyside = 0 if package[:1] in (("ui",), ("app",)) else -1
        for entry in files:
            if entry.endswith(".py"):
                parts = package if entry == "__init__.py" else (*package, entry[:-3])
                table[".".join(("player", *parts))] = uses_pyside
