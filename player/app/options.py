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
    if args.media and not args.transcript and Path(args.media).suffix.lower() in OPENED_TRANSCRIPTS:
        args.transcript, args.media = args.media, str(media_beside(Path(args.media)))
    if args.at:
        at_ms = parse_user_time(args.at)
    if args.rate is not None and not 0.5 <= args.rate <= 2.5:
        raise ValueError("--rate must be between 0.5 and 2.5")
    if args.transcript and not Path(args.transcript).exists():
        raise ValueError(f"--transcript: {args.transcript}: no such file")
    return at_ms


OPENED_TRANSCRIPTS = (".vtt", ".srt", ".sbv")
"""= ``core.media.sidecar.TRANSCRIPT_EXTENSIONS`` (a test checks): a transcript given as MEDIA
("Open with Briefing Player" on a .vtt) opens the media beside it, known without the import."""


def media_beside(transcript: Path) -> Path:
    """The media a transcript belongs to: beside it, named like it up to a dot (``talk.mp4`` for
    ``talk.vtt`` or ``talk.en.vtt``), the longest such name first, then video before audio;
    ValueError when there is none."""
    from player.core.media.sidecar import is_media_file  # only for a transcript given as MEDIA

    name = transcript.name.lower()
    try:
        found = [
            entry
            for entry in sorted(transcript.expanduser().parent.iterdir())
            if is_media_file(entry) and name.startswith(entry.stem.lower() + ".")
        ]
    except OSError as err:
        raise ValueError(f"{transcript}: {err.strerror or err}") from None
    videos = (".mp4", ".m4v", ".mkv", ".webm", ".mov", ".avi", ".mpg", ".mpeg", ".wmv", ".ts")
    found.sort(key=lambda entry: (-len(entry.stem), entry.suffix.lower() not in videos))
    if not found:
        raise ValueError(
            f"{transcript} is a transcript, and no media named like it is beside it: "
            "open the recording (its transcript is found), or use --transcript"
        )
    return found[0]


def first_media(args: argparse.Namespace) -> Path:
    """The media the command line opens: MEDIA, or the bundled sample."""
    return Path(args.media).expanduser() if args.media else resources.sample_media()
