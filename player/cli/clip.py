"""``briefing-player clip MEDIA --from T --to T [-o OUT]``: a clip of a briefing, with its
transcript.

The media between the two times is written to OUT (default: ``NAME clip M-SS to M-SS.EXT``
beside the media; the container follows OUT's suffix) by ``player.engines.media_cut``: stream
copy where the container allows, re-encoded otherwise (to the frame for video, to the sample
for audio). The transcript beside the media (or ``--transcript FILE``), sliced to the range
and shifted to start at zero, is written beside the clip under its name with ``.vtt`` unless
``--no-transcript``; the clip's tags carry its title and where it was cut from.

Times are seconds (``83.5``), ``M:SS``, ``H:MM:SS`` or ``1m30s``; ``--to +30s`` counts from
``--from``. Existing files are replaced only with ``--force``. Exit status 0 written, 2 error
(one ``error: ...`` line), 130 interrupted (nothing left behind).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from player.cli.output import write_line

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``clip`` subcommand on ``subparsers``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "clip",
        help="cut a clip of a media file between two times, with its transcript",
        description=(
            "Write the media of MEDIA between --from and --to to OUT (stream copy where the "
            "container allows, re-encoded otherwise), with the transcript's lines of the range "
            "shifted to zero beside it (OUT with the suffix .vtt)."
        ),
        epilog=(
            "times: seconds (83.5), M:SS, H:MM:SS or 1m30s; --to +30s counts from --from. "
            "OUT suffixes: .mp3 .opus .ogg .m4a .wav .flac (audio), .mp4 .m4v .mov .mkv (video). "
            "exit status: 0 written, 2 error"
        ),
    )
    parser.add_argument("media", metavar="MEDIA", help="audio or video file")
    parser.add_argument("--from", dest="from_time", required=True, metavar="T", help="start")
    parser.add_argument("--to", dest="to_time", required=True, metavar="T", help="end")
    parser.add_argument("-o", "--output", metavar="OUT", help="clip file (default: beside MEDIA)")
    parser.add_argument(
        "--transcript", metavar="FILE", help="transcript to slice (default: MEDIA's)"
    )
    parser.add_argument(
        "--no-transcript", action="store_true", help="write no transcript beside the clip"
    )
    parser.add_argument("--force", action="store_true", help="replace existing files")
    parser.set_defaults(func=run)
    return parser


class _Problem(Exception):
    """Something that stops the clip; the message is for the user."""


def run(args: argparse.Namespace) -> int:
    """Cut the clip; returns the exit status."""
    try:
        return _run(args)
    except _Problem as err:
        write_line(f"error: {err}", sys.stderr)
        return 2


def parse_clip_time(text: str, what: str, start_ms: int | None = None) -> int:
    """A time of the command line in ms; ``+T`` after ``start_ms`` when one is given."""
    from player.core.timeline.jumps import parse_go_to

    stripped = text.strip()
    if stripped.startswith("-"):
        raise _Problem(f"{what}: a time cannot be negative: {text!r}")
    if stripped.startswith("+") and start_ms is None:
        raise _Problem(f"{what}: only --to can count from --from ({text!r})")
    try:
        return parse_go_to(stripped, start_ms or 0)
    except ValueError as err:
        raise _Problem(f"{what}: {err}") from None


def _run(args: argparse.Namespace) -> int:
    from player.core.clip import ClipError, clip_file_name, clip_tags
    from player.core.media.probe import probe_media
    from player.core.timeline.marks import RangeError, check_range

    media = Path(args.media)
    if not media.is_file():
        raise _Problem(f"{media}: {'no such file' if not media.exists() else 'not a regular file'}")
    start_ms = parse_clip_time(args.from_time, "--from")
    end_ms = parse_clip_time(args.to_time, "--to", start_ms)
    info = probe_media(media)
    try:
        span = check_range(start_ms, end_ms, info.duration_ms)
    except RangeError as err:
        raise _Problem(str(err)) from None
    output = Path(args.output) if args.output else clip_file_name(media, span)
    vtt = output.with_suffix(".vtt")
    transcript = None if args.no_transcript else _transcript(args, media)
    existing = [p for p in (output, vtt if transcript else None) if p is not None and p.exists()]
    if existing and not args.force:
        names = ", ".join(str(p) for p in existing)
        raise _Problem(f"{names} already exist{'s' if len(existing) == 1 else ''} (use --force)")
    if transcript is not None and vtt.resolve() == transcript.resolve():
        raise _Problem(f"{vtt} is the transcript being sliced: choose another OUT")
    from player.engines.media_cut import cut_clip

    tags = clip_tags(media.name, span, info.title, info.date)
    try:
        result = cut_clip(media, output, span.start_ms, span.end_ms, tags=tags)
    except ClipError as err:
        where = f"{Path(err.path).name}: " if err.path else ""
        raise _Problem(f"{where}{err}") from None
    write_line(f"wrote {result.describe()} in {output.parent}")
    if transcript is not None:
        lines = _write_transcript(transcript, vtt, span, tags["title"], info.date or "")
        write_line(f"wrote {vtt} ({lines} line{'s' if lines != 1 else ''})")
    return 0


def _transcript(args: argparse.Namespace, media: Path) -> Path | None:
    if args.transcript:
        path = Path(args.transcript)
        if not path.is_file():
            raise _Problem(f"{path}: no such transcript")
        return path
    from player.core.media.sidecar import preferred_transcript, transcripts_for

    candidate = preferred_transcript(transcripts_for(media))
    if candidate is None:
        write_line(f"note: no transcript beside {media.name}: the clip only", sys.stderr)
        return None
    return candidate.path


def _write_transcript(source: Path, vtt: Path, span: Any, title: str, date: str) -> int:
    from player.core.clip import clip_transcript_vtt
    from player.core.export import cues_in_range
    from player.core.export.files import ExportWriteError, write_private
    from player.core.formats.load import load_transcript
    from player.core.inputs import InputError, check_file
    from player.core.model import TranscriptError

    try:
        check_file(source)
        cues = load_transcript(source).cues
    except (TranscriptError, InputError, UnicodeError, OSError) as err:
        raise _Problem(f"{source}: {err} (the clip was written without its transcript)") from None
    text = clip_transcript_vtt(cues, span, title=title, date=date)
    try:
        write_private(vtt, text.encode("utf-8"))
    except ExportWriteError as err:
        raise _Problem(str(err)) from None
    return len(cues_in_range(cues, span.start_ms, span.end_ms))
