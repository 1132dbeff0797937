"""Program entry point: parse the command line, set up logging, run a subcommand or the window.

The window is built by ``player.app.compose.build_app``; what this module adds around it is the
order of start-up (libVLC started before Qt is imported, the start-up tricks of
``player.app.startup_tweaks`` at their places) and the checks that need neither Qt nor libVLC
(bad options, no display), so that ``--help``, ``--version``, the subcommands and those errors
are quick and work without either.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping, MutableMapping, Sequence
from pathlib import Path

from player.app import logs
from player.app.options import first_media, validate_args
from player.app.paths import default_log_dir
from player.app.startup_tweaks import StartupTweaks
from player.cli.dispatch import SUBCOMMANDS, parse_subcommand, run_command, window_parser
from player.playback.base import PlaybackBackend, PlaybackError
from player.ui import gc_pause

log = logging.getLogger(__name__)

LIBVLC_HELP = (
    "error: libVLC (VLC's media library) could not be loaded: {reason}\n"
    "Install it and try again:\n"
    "  Debian/Ubuntu: sudo apt-get install libvlc5 libvlc-bin vlc-plugin-base"
    " vlc-plugin-video-output\n"
    "  macOS: install VLC from videolan.org into /Applications\n"
    "  Windows: install the 64-bit VLC from videolan.org"
)

EMBED_PLATFORMS = frozenset({"xcb", "windows", "cocoa"})
"""= ``player.ui.window.EMBED_PLATFORMS`` (a test checks), known here before Qt is loaded."""


def main(argv: Sequence[str] | None = None) -> int:
    """Program entry point; returns the process exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    subcommand = bool(args_list) and args_list[0] in SUBCOMMANDS
    args = parse_subcommand(args_list) if subcommand else window_parser().parse_args(args_list)
    log_dir = Path(args.log_dir).expanduser() if args.log_dir else default_log_dir()
    tweaks = StartupTweaks.from_environment()
    # The window opens its log file once its first frame is shown (startup_tweaks, trick 10).
    open_file = subcommand or not tweaks.enabled
    with logs.logging_to(log_dir, verbose=args.verbose, open_file=open_file) as run_log:
        log.info("briefing-player %r (pid %d)", args_list, os.getpid())
        if not subcommand and (args.install_desktop_entry or args.uninstall_desktop_entry):
            from player.app import desktop_entry  # not on the window's path

            return desktop_entry.run(remove=args.uninstall_desktop_entry)
        return run_command(args) if subcommand else run_window(args, run_log, tweaks)


AUDIO_OUTPUT_ENV = "BRIEFING_PLAYER_AUDIO_OUTPUT"
"""Names libVLC's audio output (``dummy``: silent, for tests and machines without sound);
unset or empty: libVLC's choice."""


def vlc_backend(video: bool) -> PlaybackBackend:
    """The program's backend factory: libVLC (audio output: :data:`AUDIO_OUTPUT_ENV`)."""
    from player.playback.vlc_backend import VlcBackend

    return VlcBackend(video=video, audio_output=os.environ.get(AUDIO_OUTPUT_ENV) or None)


def choose_platform(environ: MutableMapping[str, str]) -> None:
    """Under Wayland use XWayland: libVLC can only embed video into X11 windows on Linux."""
    if (
        sys.platform.startswith("linux")
        and "QT_QPA_PLATFORM" not in environ
        and environ.get("WAYLAND_DISPLAY")
        and environ.get("DISPLAY")
    ):
        environ["QT_QPA_PLATFORM"] = "xcb"


def expected_platform(environ: Mapping[str, str]) -> str:
    """The Qt platform plug-in that will be used (known before Qt is imported)."""
    requested = environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    if requested:
        return requested
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "cocoa"
    return "xcb" if environ.get("DISPLAY") else "wayland"


def run_window(
    args: argparse.Namespace,
    run_log: logs.Log | None = None,
    tweaks: StartupTweaks | None = None,
) -> int:
    """Open the window and run the event loop; returns the exit status."""
    try:
        validate_args(args)
    except ValueError as err:
        from player.cli.output import write_line  # file names made terminal-safe

        write_line(f"error: {err}", sys.stderr)
        return 2
    choose_platform(os.environ)
    platform = expected_platform(os.environ)
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
    tweaks = tweaks or StartupTweaks.from_environment()
    log.info("start-up tweaks %s", "on" if tweaks.enabled else "off")
    tweaks.skip_futile_dbus_autolaunch(os.environ)  # before any thread starts
    pause = tweaks.pause_collector()
    try:
        return _start(args, tweaks, platform, run_log, pause)
    finally:
        if pause is not None:
            pause.end()


def _start(
    args: argparse.Namespace,
    tweaks: StartupTweaks,
    platform: str,
    run_log: logs.Log | None,
    pause: gc_pause.Pause | None,
) -> int:
    """Start libVLC, then Qt, then build and run the window (the order is start-up's)."""
    try:
        tweaks.import_vlc()  # python-vlc, on this thread, while it is the only one
    except PlaybackError as err:
        log.error("libVLC could not be loaded: %s", err)
        print(LIBVLC_HELP.format(reason=err), file=sys.stderr)
        return 2
    early = tweaks.start_backend_early(
        vlc_backend, video=platform in EMBED_PLATFORMS, first_media=first_media(args)
    )
    from PySide6.QtWidgets import QApplication  # Qt's libraries load, beside libVLC's start

    tweaks.spare_source_scans()
    if QApplication.instance() is None:
        QApplication([sys.argv[0]])  # the platform plug-in loads
    tweaks.preload_extensions()
    if early is not None:
        early.qt_loaded()  # libVLC may read the first file's header while the window's modules load
    from player.app.compose import BackendUnavailable, build_app

    try:
        log_file = run_log.path if run_log is not None else None
        app = build_app(args, early or vlc_backend, log_file=log_file)
    except BackendUnavailable as err:
        print(LIBVLC_HELP.format(reason=err), file=sys.stderr)
        return 2
    app.start(tweaks)
    tweaks.end_pause_later(pause)
    if run_log is not None:
        tweaks.after_first_frame(run_log.open_file)
    return app.exec()
