"""The window's command-line options, checked before Qt is loaded (so a mistake is reported at
once), and the media they open."""

from __future__ import annotations

import argparse
from pathlib import Path

from player.app import resources
from player.core.timeline.timecode import parse_user_time


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


def first_media(args: argparse.Namespace) -> Path:
    """The media the command line opens: MEDIA, or the bundled sample."""
    return Path(args.media).expanduser() if args.media else resources.sample_media()
