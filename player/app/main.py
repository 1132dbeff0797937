"""Composition root: parse the command line, build services, inject paths and settings, start Qt.

Heavy imports (PySide6, vlc) happen only when the window is really opened, so ``--help``,
``--version`` and the subcommands work without them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from player.cli.dispatch import SUBCOMMANDS, run_subcommand, window_parser

LIBVLC_HELP = (
    "error: libVLC (VLC's media library) could not be loaded: {reason}\n"
    "Install it and try again:\n"
    "  Debian/Ubuntu: sudo apt-get install libvlc5 libvlc-bin vlc-plugin-base"
    " vlc-plugin-video-output\n"
    "  macOS: install VLC from videolan.org into /Applications\n"
    "  Windows: install the 64-bit VLC from videolan.org"
)


def main(argv: Sequence[str] | None = None) -> int:
    """Program entry point; returns the process exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in SUBCOMMANDS:
        return run_subcommand(args_list)
    args = window_parser().parse_args(args_list)

    # run_window checks libVLC (printing LIBVLC_HELP and returning 2 when it is missing) while
    # it starts libVLC on a thread in parallel with Qt, so a working setup pays nothing extra.
    from player.ui.application import run_window

    return run_window(args)
