"""The composition root: the one place that builds the window and everything it is given.

:func:`build_app` turns the command line into a running program's parts: the paths (settings
folder, archive database, log file), the settings, the playback backend (from a factory, so the
end-to-end tests can ask for libVLC with a silent audio output, or for the fake), the playback
controller, the job runner (two thread pools: interactive and background) and the main window,
which makes the archive's stores at the database path it is given. :meth:`App.start` shows the
window and opens what the command line asks for (the bundled sample when it names no media);
:meth:`App.exec` runs Qt's event loop and then stops the jobs still running.
``player.app.main`` runs exactly this, wrapped in the start-up tricks
(``player.app.startup_tweaks``), and so do ``tests/ui/e2e_window.py`` and
``tests/app/test_compose.py``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from player import __version__
from player.app import resources
from player.app.options import first_media, validate_args
from player.app.paths import default_config_dir, default_db_path
from player.app.startup_tweaks import StartupTweaks
from player.playback.base import PlaybackBackend, PlaybackState
from player.ui.controller import PlaybackController
from player.ui.jobs import JobRunner, share_the_gil_fairly
from player.ui.settings import Settings
from player.ui.window import EMBED_PLATFORMS, MainWindow

log = logging.getLogger(__name__)

EXIT_AFTER_PLAYING_TIMEOUT_MS = 60_000
"""``--exit-after-playing`` gives up (exit status 3) when playback has not got that far by then."""


BackendFactory = Callable[[bool], PlaybackBackend]
"""Makes the playback backend; the argument says whether video will be embedded in the window
(which depends on Qt's platform)."""


class BackendUnavailable(Exception):
    """The backend factory failed (for libVLC: not installed, or its plugins are missing)."""


@dataclass(frozen=True)
class AppPaths:
    """Where the program's files are (the defaults, or what the command line says)."""

    config_dir: Path
    archive_db: Path | None
    """``--db``; None: the default location, looked up when the archive is first used (after
    the first frame: platformdirs is not needed to show the window)."""
    log_file: Path | None

    @classmethod
    def from_args(cls, args: argparse.Namespace, log_file: Path | None = None) -> AppPaths:
        """``--config-dir`` and ``--db``, else the user's folders."""
        config_dir = Path(args.config_dir).expanduser() if args.config_dir else None
        return cls(
            config_dir=config_dir or default_config_dir(),
            archive_db=Path(args.db).expanduser() if args.db else None,
            log_file=log_file,
        )


def open_from_args(window: MainWindow, args: argparse.Namespace, at_ms: int | None) -> None:
    """Open what the command line asks for in ``window`` (the sample when no MEDIA)."""
    window.open_media(
        first_media(args), transcript=args.transcript, at_ms=at_ms, play=not args.paused
    )
    if args.rate is not None:
        window.controller.set_rate(args.rate)
    if args.search:
        window.start_search(args.search, go_to_first=True)


def qt_application() -> QApplication:
    """The process's QApplication (made, and named, if there is none yet)."""
    existing = QApplication.instance()
    qt = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    qt.setApplicationName("Briefing Player")
    qt.setOrganizationName("briefing-player")
    return qt


@dataclass
class App:
    """What :func:`build_app` made; :meth:`start` shows it, :meth:`exec` runs it."""

    qt: QApplication
    window: MainWindow
    controller: PlaybackController
    settings: Settings
    runner: JobRunner
    paths: AppPaths
    args: argparse.Namespace
    at_ms: int | None
    exit_status: int = 0
    """3 when ``--exit-after-playing`` gave up."""
    signal_closer: Any = None
    """The ``player.app.termination.SignalCloser`` once installed (after the first frame)."""

    def start(self, tweaks: StartupTweaks | None = None) -> None:
        """Show the window and open what the command line asks for."""
        tweaks = tweaks if tweaks is not None else StartupTweaks(enabled=False)
        self.window.show()
        open_from_args(self.window, self.args, self.at_ms)
        tweaks.after_first_frame(self._set_icon)
        tweaks.after_first_frame(self.close_on_signals)
        tweaks.after_first_frame(self.watch_backend_messages)
        if self.args.exit_after_playing is not None:
            self._exit_after_playing(self.args.exit_after_playing)

    def exec(self) -> int:
        """Run the event loop until the window closes, then :meth:`shut_down`; returns the exit
        status."""
        status = int(self.qt.exec())
        received = None if self.signal_closer is None else self.signal_closer.received
        self.shut_down()
        if received is not None:
            return 128 + int(received)  # the shell's convention for "ended by signal N"
        return status or self.exit_status

    def close_on_signals(self) -> None:
        """From now on SIGTERM and SIGINT close the window as the user would (saving the
        resume position and the layout) and end the event loop (``player.app.termination``)."""
        from player.app.termination import close_on_signals  # signal: 0.6 ms, after the frame

        if self.signal_closer is None:
            self.signal_closer = close_on_signals(self._close_everything)

    def watch_backend_messages(self) -> None:
        """Have the backend log its engine's messages and say when there is no sound (libVLC:
        ``VlcBackend.watch_messages``; after the first frame, as each message costs the GIL)."""
        watch = getattr(self.controller.backend, "watch_messages", None)
        if watch is not None:
            watch()

    def _close_everything(self) -> None:
        self.window.close()
        self.qt.closeAllWindows()  # a dialog left open would keep the program running
        self.qt.quit()

    def shut_down(self) -> None:
        """Stop the jobs still running (waiting for them, up to a bound) and give the signals
        back; after the window has closed."""
        if self.signal_closer is not None:
            self.signal_closer.uninstall()
            self.signal_closer = None
        self.runner.shutdown()

    def _set_icon(self) -> None:
        from PySide6.QtGui import QIcon  # naming QIcon builds its type: not before the first frame

        icon = resources.icon_path()
        if icon.is_file():
            self.qt.setWindowIcon(QIcon(str(icon)))
        else:
            log.warning("icon not found: %s", icon)

    def _exit_after_playing(self, played_ms: int) -> None:
        """The hidden ``--exit-after-playing MS`` (for tests of an installed program): close
        the window once playback has reached ``played_ms`` with the transcript shown, or give
        up after a minute."""
        media = self.controller.media_path
        deadline = time.monotonic() + EXIT_AFTER_PLAYING_TIMEOUT_MS / 1000

        def check() -> None:
            position_ms = self.controller.position_ms()
            lines = self.window.model.rowCount()
            playing = self.controller.state() is PlaybackState.PLAYING
            if playing and position_ms >= played_ms and lines > 0:
                log.info(
                    "played %s to %d ms, %d transcript lines shown: closing (--exit-after-playing)",
                    media,
                    position_ms,
                    lines,
                )
                poll.stop()
                self.window.close()
            elif time.monotonic() > deadline:
                log.error("%s did not play to %d ms in time", media, played_ms)
                self.exit_status = 3
                poll.stop()
                self.window.close()

        poll = QTimer(self.window)
        poll.timeout.connect(check)
        poll.start(50)


def forget_unplayable_media(controller: PlaybackController, settings: Settings) -> None:
    """A file the backend accepted but then could not play from its start (random bytes named
    ``.mp3``) is taken out of Open Recent again: it was put there when it was opened. A file
    that fails later on, once it has played, stays."""

    def forget(_message: str) -> None:
        media = controller.media_path
        if media is not None and controller.position_ms() == 0:
            settings.remove_recent(media)

    controller.error_occurred.connect(forget)


NO_SOUND_LABEL = "No sound"


def tell_no_sound(window: MainWindow, message: str) -> None:
    """Say in the window that there will be no sound: the status line says why (and it is
    spoken), and "No sound" stays at the status bar's end for the session. Not the info strip:
    it would replace the resume offer."""
    from PySide6.QtWidgets import QLabel

    from player.ui.widgets import plain_label

    if window.status.findChild(QLabel, NO_SOUND_LABEL) is None:
        label = plain_label(f"🔇 {NO_SOUND_LABEL}", window.status)
        label.setObjectName(NO_SOUND_LABEL)
        label.setAccessibleName(NO_SOUND_LABEL)
        label.setToolTip(message)
        label.setAccessibleDescription(message)
        window.status.addPermanentWidget(label)
    window.status.show_status(message)


def build_app(
    args: argparse.Namespace,
    backend_factory: BackendFactory,
    *,
    log_file: Path | None = None,
) -> App:
    """Build the window and its services from the window's command-line options.

    ``backend_factory`` makes the playback backend (the program: libVLC; the tests: libVLC
    with a silent output, or the fake). ``log_file`` is where the window's error
    messages send the user. Raises ``ValueError`` for bad options and
    :class:`BackendUnavailable` when the backend cannot start.
    """
    at_ms = validate_args(args)
    paths = AppPaths.from_args(args, log_file)
    qt = qt_application()
    share_the_gil_fairly()
    embed = QGuiApplication.platformName() in EMBED_PLATFORMS
    try:
        backend = backend_factory(embed)
    except Exception as err:  # PlaybackError, or anything python-vlc raises while loading
        log.error("the playback backend could not start", exc_info=True)
        raise BackendUnavailable(str(err) or type(err).__name__) from err
    log.info(
        "Briefing Player %s, Qt platform %s (video %s), settings in %s",
        __version__,
        QGuiApplication.platformName(),
        "embedded" if embed else "not embedded",
        paths.config_dir,
    )
    settings = Settings(paths.config_dir / "settings.ini")
    controller = PlaybackController(backend)
    runner = JobRunner(log_file=paths.log_file)
    window = MainWindow(
        controller,
        settings,
        embed_video=embed,
        archive_db=paths.archive_db or default_db_path,
        runner=runner,
    )
    forget_unplayable_media(controller, settings)
    controller.audio_unavailable.connect(lambda message: tell_no_sound(window, message))
    return App(
        qt=qt,
        window=window,
        controller=controller,
        settings=settings,
        runner=runner,
        paths=paths,
        args=args,
        at_ms=at_ms,
    )
