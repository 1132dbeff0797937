"""Command-line entry: argument parsing for the window and the window-less subcommands.

``briefing-player [MEDIA] [options]`` opens the window; ``briefing-player SUBCOMMAND ...`` runs a
subcommand (``transcript``, ``search``, ``index``, ``library``) without Qt. Nothing here imports
PySide6 or vlc, so ``--help`` and ``--version`` are instant and work without either. The window
and every subcommand take ``--verbose`` and ``--log-dir`` (``player.app.logs`` acts on them).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from player import __version__

SUBCOMMANDS = (
    "transcript",
    "search",
    "index",
    "library",
    "align",
    "export",
    "transcribe",
    "clip",
    "archive",
)

log = logging.getLogger(__name__)


class CliError(Exception):
    """A usage error to report as ``error: ...`` with exit status 2."""


def _subcommand_parser() -> argparse.ArgumentParser:
    from player.cli import align as align_cmd
    from player.cli import archive as archive_cmd
    from player.cli import clip as clip_cmd
    from player.cli import export as export_cmd
    from player.cli import search as search_cmd
    from player.cli import shared_archive as shared_archive_cmd
    from player.cli import transcribe as transcribe_cmd
    from player.cli import transcript as transcript_cmd

    parser = argparse.ArgumentParser(prog="briefing-player")
    parser.add_argument("--version", action="version", version=f"briefing-player {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    transcript_cmd.add_parser(sub)
    search_cmd.add_parser(sub)
    archive_cmd.add_parser(sub)
    align_cmd.add_parser(sub)
    transcribe_cmd.add_parser(sub)
    export_cmd.add_parser(sub)
    clip_cmd.add_parser(sub)
    shared_archive_cmd.add_parser(sub)
    for command_parser in sub.choices.values():
        add_logging_options(command_parser)
    return parser


def add_logging_options(parser: argparse.ArgumentParser) -> None:
    """``--verbose`` and ``--log-dir``, which the window and every subcommand take."""
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log details, and copy the log to stderr"
    )
    parser.add_argument(
        "--log-dir",
        metavar="DIR",
        help="folder of the log file briefing-player.log (default: the user log folder, "
        "~/.local/state/briefing-player/log on Linux)",
    )


def window_parser() -> argparse.ArgumentParser:
    """Parser for the window's own options."""
    parser = argparse.ArgumentParser(
        prog="briefing-player",
        description=(
            "Play a briefing (audio or video) with its synchronized, searchable transcript. "
            "With no MEDIA, the bundled sample briefing opens."
        ),
        epilog=(
            "subcommands (no window): "
            "'briefing-player transcript FILE [--json]' prints a transcript; "
            "'briefing-player search QUERY [FILE...]' finds words in transcripts or the archive; "
            "'briefing-player index DIR...' adds folders to the archive; "
            "'briefing-player library' lists the archive; "
            "'briefing-player align MEDIA TEXT' synchronizes a text with a recording; "
            "'briefing-player transcribe MEDIA' transcribes a recording offline; "
            "'briefing-player export FILE --format txt|md|srt|vtt|docx' exports a transcript; "
            "'briefing-player clip MEDIA --from T --to T -o OUT' cuts a clip with its transcript. "
            "Use 'briefing-player COMMAND --help' for details."
        ),
    )
    parser.add_argument("--version", action="version", version=f"briefing-player {__version__}")
    parser.add_argument("media", nargs="?", metavar="MEDIA", help="audio or video file to open")
    parser.add_argument("--transcript", metavar="FILE", help="transcript to use (.vtt/.srt/.sbv)")
    parser.add_argument("--at", metavar="TIME", help="start at TIME (seconds, M:SS or H:MM:SS)")
    parser.add_argument("--rate", type=float, metavar="X", help="playback speed, 0.5 to 2.5")
    parser.add_argument("--search", metavar="TEXT", help="run this search and select the first hit")
    parser.add_argument("--paused", action="store_true", help="open without starting playback")
    parser.add_argument("--db", metavar="PATH", help="archive database (default: user data dir)")
    parser.add_argument(
        "--config-dir", metavar="DIR", help="settings folder (default: the user config dir)"
    )
    parser.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add Briefing Player to this user's applications menu (icons, file types), then exit",
    )
    parser.add_argument(
        "--uninstall-desktop-entry", action="store_true", help="remove what the above added"
    )
    add_logging_options(parser)
    # For tests of an installed program: close the window, with exit status 0, once playback
    # has reached MS (status 3 if it has not within a minute).
    parser.add_argument("--exit-after-playing", type=int, metavar="MS", help=argparse.SUPPRESS)
    return parser


def parse_subcommand(argv: Sequence[str]) -> argparse.Namespace:
    """Parse a subcommand's command line (``argv[0]`` is the subcommand); exits on a usage error."""
    parser = _subcommand_parser()
    args, extra = parser.parse_known_args(list(argv))
    # argparse stops filling a trailing FILE... positional at the first option, so
    # `search QUERY --regex a.vtt b.vtt` would leave the files over: they are still files.
    if (
        extra
        and isinstance(getattr(args, "files", None), list)
        and not any(e.startswith("-") and e != "-" for e in extra)
    ):
        args.files.extend(extra)
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed subcommand; returns the exit status."""
    log.info("subcommand %s", args.command)
    try:
        status: int = args.func(args)
    except CliError as err:
        log.info("%s: error: %s", args.command, err)
        from player.cli.output import write_line  # names in the message made terminal-safe

        write_line(f"error: {err}", sys.stderr)
        return 2
    except KeyboardInterrupt:
        log.info("%s: interrupted", args.command)
        print("interrupted", file=sys.stderr)
        return 130
    log.info("%s: exit status %d", args.command, status)
    return status


def run_subcommand(argv: Sequence[str]) -> int:
    """Parse and run a window-less subcommand; returns the exit status."""
    return run_command(parse_subcommand(argv))
