"""``briefing-player export TRANSCRIPT|MEDIA --format FMT``: a transcript, or a range of it, as
TXT, Markdown, SRT, WebVTT or DOCX.

A MEDIA file is exported through its preferred sidecar transcript (as ``search`` finds it); the
title and date come from the media's tags (``player.core.media.probe``), else its file name.
``--from``/``--to`` keep the lines overlapping that range (times as the window's Go to time:
seconds, ``M:SS`` or ``H:MM:SS``), cut to it; ``--shift`` starts the times of the range at zero
(SRT/VTT for a clip), otherwise they are kept. ``--no-speakers``/``--no-timestamps`` leave those
out. ``--with-bookmarks`` adds the media's bookmarks and their notes from the archive (``--db``).

Output goes to ``-o OUT`` (written privately, 0600, and atomically; an existing OUT is
replaced only with ``--force``); without ``-o`` a text format is printed (terminal-safe) and
DOCX is refused. Exit status 0 on success, 2 on any error with one ``error: ...`` line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from player.cli.output import write_line

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``export`` subcommand on ``subparsers``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export",
        help="export a transcript or a range of it (txt, md, srt, vtt, docx)",
        description=(
            "Export the transcript of TRANSCRIPT or MEDIA (its sidecar transcript), whole or "
            "between --from and --to, as plain text, Markdown, SubRip, WebVTT or Word."
        ),
        epilog="times: seconds (83.5), M:SS or H:MM:SS. exit status: 0 written, 2 error",
    )
    parser.add_argument("file", metavar="TRANSCRIPT|MEDIA", help="transcript or media file")
    parser.add_argument(
        "--format",
        "-f",
        required=True,
        choices=("txt", "md", "srt", "vtt", "docx"),
        help="output format",
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="file to write (default: print)")
    parser.add_argument("--from", dest="from_time", metavar="T", help="start of the range")
    parser.add_argument("--to", dest="to_time", metavar="T", help="end of the range")
    parser.add_argument(
        "--shift", action="store_true", help="start the range's times at zero (default: kept)"
    )
    parser.add_argument("--no-speakers", action="store_true", help="leave speakers out")
    parser.add_argument("--no-timestamps", action="store_true", help="leave timestamps out")
    parser.add_argument(
        "--with-bookmarks", action="store_true", help="add the media's bookmarks and notes"
    )
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    parser.add_argument("--db", metavar="PATH", help="archive database (default: user data dir)")
    parser.set_defaults(func=run)
    return parser


class _Problem(Exception):
    """Something that stops the export; the message is for the user."""


def _error(message: str) -> int:
    write_line(f"error: {message}", sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Export; returns the exit status (0 written, 2 error)."""
    try:
        return _run(args)
    except _Problem as err:
        return _error(str(err))
    except BrokenPipeError:
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _parse_time(text: str | None, what: str) -> int | None:
    from player.core.timeline.timecode import parse_user_time

    if text is None:
        return None
    try:
        return parse_user_time(text)
    except ValueError as err:
        raise _Problem(f"{what}: {err}") from None


def _run(args: argparse.Namespace) -> int:
    from player.core.export import ExportRequest, cues_in_range, render, shift_cues

    source = Path(args.file)
    start_ms = _parse_time(args.from_time, "--from")
    end_ms = _parse_time(args.to_time, "--to")
    if start_ms is not None and end_ms is not None:
        from player.core.timeline.marks import RangeError, check_range

        try:
            check_range(start_ms, end_ms)
        except RangeError as err:
            raise _Problem(str(err)) from None
    if args.format == "docx" and not args.output:
        raise _Problem("a DOCX export needs -o OUT.docx")
    output = Path(args.output) if args.output else None
    if output is not None and output.exists() and not args.force:
        raise _Problem(f"{output} already exists (use --force to replace it)")
    transcript_path, media = _find_transcript(source)
    if output is not None and output.resolve() == transcript_path.resolve():
        raise _Problem(f"{output} is the transcript being exported")
    cues = _load(transcript_path, media)
    cues = cues_in_range(cues, start_ms, end_ms)
    if args.shift and start_ms:
        cues = shift_cues(cues, start_ms)
    title, date = _title_and_date(media, transcript_path)
    request = ExportRequest(
        cues,
        title=title,
        date=date,
        speakers=not args.no_speakers,
        timestamps=not args.no_timestamps,
        bookmarks=_bookmarks(args, media, start_ms, end_ms) if args.with_bookmarks else (),
    )
    if args.format == "docx":
        from player.engines.docx_writer import render_docx

        data = render_docx(request)
    else:
        text = render(request, args.format)
        if output is None:
            for line in text.splitlines():
                write_line(line)
            sys.stdout.flush()
            return 0
        data = text.encode("utf-8")
    assert output is not None
    from player.core.export.files import ExportWriteError, write_private

    try:
        write_private(output, data)
    except ExportWriteError as err:
        raise _Problem(str(err)) from None
    lines = len(cues)
    write_line(f"wrote {output} ({lines} line{'s' if lines != 1 else ''})", sys.stderr)
    return 0


def _find_transcript(path: Path) -> tuple[Path, Path | None]:
    """The transcript to export and the media it belongs to (None when not found)."""
    from player.core.media.sidecar import (
        TRANSCRIPT_EXTENSIONS,
        is_media_file,
        preferred_transcript,
        transcripts_for,
    )

    if not path.exists():
        raise _Problem(f"{path}: no such file")
    if path.is_dir():
        raise _Problem(f"{path}: is a folder, not a transcript or media file")
    if path.suffix.lower() not in TRANSCRIPT_EXTENSIONS and is_media_file(path):
        candidate = preferred_transcript(transcripts_for(path))
        if candidate is None:
            raise _Problem(
                f"{path}: no transcript found beside this media file (looked for "
                f"{path.stem}.vtt, .srt or .sbv, also in transcripts/, subs/ and subtitles/)"
            )
        return candidate.path, path
    media = None
    try:
        for sibling in sorted(path.parent.iterdir()):
            if sibling.stem == path.stem and sibling != path and is_media_file(sibling):
                media = sibling
                break
    except OSError:
        pass
    return path, media


def _load(path: Path, media: Path | None) -> tuple[Any, ...]:
    from player.core.formats.load import load_transcript
    from player.core.inputs import InputError, check_file
    from player.core.model import TranscriptError

    where = f" (transcript of {media})" if media is not None and media != path else ""
    try:
        check_file(path)
        return load_transcript(path).cues
    except (TranscriptError, InputError) as err:
        raise _Problem(f"{path}: {err}{where}") from None
    except UnicodeError as err:
        raise _Problem(f"{path}: cannot decode the text: {err.__class__.__name__}") from None
    except OSError as err:
        raise _Problem(f"{path}: {err.strerror or err}") from None


def _title_and_date(media: Path | None, transcript: Path) -> tuple[str, str]:
    from player.core.text.quote import QuoteSource

    if media is None:
        source = QuoteSource.from_media(transcript.name)
    else:
        from player.core.media.probe import probe_media

        info = probe_media(media)
        source = QuoteSource.from_media(media.name, info.title, info.date)
    return source.title, source.date


def _bookmarks(
    args: argparse.Namespace, media: Path | None, start_ms: int | None, end_ms: int | None
) -> tuple[Any, ...]:
    from player.core.archive.library import Archive, ArchiveError
    from player.core.export import BookmarkNote

    if media is None:
        raise _Problem("--with-bookmarks: no media file found for this transcript")
    db = Path(args.db).expanduser() if args.db else None
    if db is None:
        from player.app.paths import default_db_path

        db = default_db_path()
    if not db.exists():
        return ()
    try:
        with Archive.open(db, read_only=True) as archive:
            marks = archive.bookmarks(media)
    except ArchiveError as err:
        raise _Problem(f"--with-bookmarks: {err}") from None
    lo = start_ms or 0
    shift = lo if args.shift else 0
    return tuple(
        BookmarkNote(b.position_ms - shift, b.label, b.note)
        for b in marks
        if b.position_ms >= lo and (end_ms is None or b.position_ms < end_ms)
    )
