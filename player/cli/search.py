"""``briefing-player search QUERY [FILE...]``: find words in transcripts without opening a window.

Each FILE is a transcript (``.vtt``/``.srt``/``.sbv``) or a media file, whose preferred sidecar
transcript is searched. Output is one line per matching cue (a cue with several matches is printed
once), in file order then transcript order::

    FILE<TAB>HH:MM:SS.mmm<TAB>Speaker: text

(``Speaker: `` left out when the cue has none; line breaks in the text shown as `` / ``). With
``--json`` each line is an object ``{"file", "start", "end", "speaker", "text"}`` with times in
seconds. Matching follows ``player.core.text.search``. Exit status: 0 when something matched, 1 when
nothing did, 2 on an error (unreadable file, no transcript for a media file, a bad query),
each error reported on one ``error: ...`` line; the other files are still searched. With no FILE
the archive is searched (``player.cli.archive.search_archive``).

Limits (``player.core.text.pattern``): a query of at most 1,000 characters and 100 words, a
regular expression of at most 500 characters; matching in all FILEs together stops after
``SEARCH_DEADLINE_S`` (5 s of processor time), with an error naming the file it stopped in.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from player.cli.output import json_line, write_line
from player.core.model import Cue, TranscriptError
from player.core.text.quote import format_hit_line, one_line
from player.core.text.search import (
    HIT_LIMIT,
    SearchError,
    SearchIndex,
    SearchOptions,
    check_query,
)

#: Time budget for matching in all FILEs together (preparing the pattern included); past it the
#: search stops with an error. Loading each file is bounded by the guarded reader's size cap.
SEARCH_DEADLINE_S = 5.0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``search`` subcommand on ``subparsers``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "search",
        help="find words in transcripts (or in the archive)",
        description=(
            "Find QUERY in the transcripts of FILEs (transcripts or media files with a sidecar "
            "transcript), or in the archive when no FILE is given. Whole words by default "
            "(--part: part of words too), the same rule as in the window; matching ignores "
            "case and accents; several words match as a phrase, also across a line break."
        ),
        epilog=(
            "limits: queries up to 1,000 characters and 100 words, regular expressions up to "
            "500 characters; matching stops after 5 s in all. "
            "exit status: 0 found, 1 not found, 2 error"
        ),
    )
    parser.add_argument("query", metavar="QUERY", help="word, phrase or (--regex) pattern")
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="transcript or media files (none: the archive)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per line")
    parser.add_argument("--case-sensitive", action="store_true", help="match case")
    parser.add_argument(
        "--word", action="store_true", help="match whole words only (the default; kept for scripts)"
    )
    parser.add_argument(
        "--part", action="store_true", help='match part of words too ("water" finds "watering")'
    )
    parser.add_argument("--regex", action="store_true", help="QUERY is a regular expression")
    parser.add_argument("--speaker", metavar="NAME", help="only cues spoken by NAME")
    parser.add_argument("--limit", type=_positive_int, metavar="N", help="print at most N results")
    parser.add_argument("--db", metavar="PATH", help="archive database (default: user data dir)")
    parser.set_defaults(func=run)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text}")
    return value


def options_from_args(args: argparse.Namespace) -> SearchOptions:
    """The ``SearchOptions`` selected by the command-line flags (also used by the archive):
    the one rule of ``player.core.text.rule`` (whole words unless ``--part``)."""
    from player.core.text.rule import default_options

    return default_options(
        part_of_words=bool(getattr(args, "part", False)),
        case_sensitive=bool(args.case_sensitive),
        regex=bool(args.regex),
        speaker=args.speaker or None,
    )


def run(args: argparse.Namespace) -> int:
    """Run the search; returns the exit status (0 found, 1 not found, 2 error)."""
    if not args.files:
        from player.cli.archive import search_archive

        status: int = search_archive(args)
        return status
    options = options_from_args(args)
    try:
        # Validate once up front: a bad pattern is one error, not one per file.
        check_query(args.query, options)
    except SearchError as err:
        _error(str(err))
        return 2
    try:
        return _search_files(args, options, sys.stdout)
    except BrokenPipeError:
        # Output piped into e.g. `head`: stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _search_files(args: argparse.Namespace, options: SearchOptions, out: TextIO) -> int:
    found = False
    failed = False
    printed = 0
    limit: int | None = args.limit
    budget_s = SEARCH_DEADLINE_S  # one budget for every file's matching, not one per file
    for name in args.files:
        try:
            cues = _load_cues(Path(name))
        except _FileProblem as err:
            _error(f"{name}: {err}")
            failed = True
            continue
        index = SearchIndex(cues)
        started = time.perf_counter()
        try:
            result = index.search(args.query, options, deadline_s=max(budget_s, 0.0))
        except SearchError as err:
            _error(str(err))
            failed = True
            break
        budget_s -= time.perf_counter() - started
        if result.timed_out:
            what = "regular expression" if options.regex else "query"
            _error(
                f"{name}: search stopped: matching the {what} took longer than "
                f"{SEARCH_DEADLINE_S:g} s in all; {name} and any files after it were not "
                "searched to the end (simplify the query or search fewer files)"
            )
            failed = True
            break
        if result.truncated:
            write_line(
                f"note: {name}: more than {HIT_LIMIT:,} matches; only the cues holding the "
                f"first {HIT_LIMIT:,} are listed",
                sys.stderr,
            )
        for cue_index in result.cue_indices:
            if limit is not None and printed >= limit:
                break
            write_line(_format(name, cues[cue_index], as_json=args.json), out, raw=args.json)
            printed += 1
            found = True
    out.flush()
    if failed:
        return 2
    return 0 if found else 1


class _FileProblem(Exception):
    """A FILE that cannot be searched; the message says why."""


def _load_cues(path: Path) -> tuple[Cue, ...]:
    from player.core.formats.load import load_transcript
    from player.core.inputs import InputError, check_file
    from player.core.media.sidecar import (
        TRANSCRIPT_EXTENSIONS,
        is_media_file,
        preferred_transcript,
        transcripts_for,
    )

    if not path.exists():
        raise _FileProblem("no such file")
    if path.is_dir():
        raise _FileProblem("is a folder, not a transcript or media file")
    source = path
    if path.suffix.lower() not in TRANSCRIPT_EXTENSIONS and is_media_file(path):
        candidate = preferred_transcript(transcripts_for(path))
        if candidate is None:
            raise _FileProblem(
                f"no transcript found beside this media file (looked for {path.stem}.vtt, "
                f".srt or .sbv, also in transcripts/, subs/ and subtitles/)"
            )
        source = candidate.path
    where = "" if source == path else f" (transcript {source})"
    try:
        check_file(source)  # a pipe, a device or a file over the size cap is refused unread
        transcript = load_transcript(source)
    except (TranscriptError, InputError) as err:
        raise _FileProblem(f"{err}{where}") from None
    except UnicodeError as err:
        raise _FileProblem(f"cannot decode the text: {err.__class__.__name__}") from None
    except OSError as err:
        raise _FileProblem(err.strerror or str(err)) from None
    return transcript.cues


def _format(name: str, cue: Cue, *, as_json: bool) -> str:
    text = one_line(cue.text)
    if as_json:
        record = {
            "file": name,
            "start": cue.start_ms / 1000,
            "end": cue.end_ms / 1000,
            "speaker": cue.speaker,
            "text": text,
        }
        return json_line(record)
    return format_hit_line(name, cue.start_ms, cue.text, cue.speaker)


def _error(message: str) -> None:
    write_line(f"error: {message}", sys.stderr)
