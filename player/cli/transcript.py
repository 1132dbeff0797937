"""``briefing-player transcript FILE [--json]``: print a transcript without opening the window.

Default output is one line per cue, ``[HH:MM:SS.mmm] Speaker: text`` (multi-line text joined with
`` / ``), with load warnings on stderr as ``warning: FILE:LINE: message``. ``--json`` prints one
JSON object ``{"format", "cues": [{"id", "start", "end", "speaker", "text"}], "warnings":
[{"line", "message"}]}`` with times in seconds. Exit 0 when a transcript was read, 2 with
``error: FILE: reason (line N)`` on stderr when nothing usable could be read.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from player.cli.output import json_line, write_line
from player.core.formats.load import load_transcript
from player.core.model import Transcript, TranscriptError
from player.core.text.quote import quote_cue

__all__ = ["add_parser", "format_text_lines", "run", "transcript_to_json"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``transcript`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "transcript",
        help="print a transcript (.vtt/.srt/.sbv) with times and speakers",
        description=(
            "Print the cues of a transcript file (WebVTT, SubRip or SBV): one line per cue, "
            "'[HH:MM:SS.mmm] Speaker: text'. Problems found while reading are printed as "
            "warnings on stderr. Exit status 0 when the transcript was read, 2 when not."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="transcript file to read")
    parser.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object: {"format", "cues": [...], "warnings": [...]}',
    )
    parser.set_defaults(func=run)
    return parser


def format_text_lines(transcript: Transcript) -> list[str]:
    """One ``[HH:MM:SS.mmm] Speaker: text`` line per cue."""
    return [quote_cue(cue) for cue in transcript.cues]


def _seconds(t_ms: int) -> float:
    return round(t_ms / 1000, 3)


def transcript_to_json(transcript: Transcript) -> dict[str, Any]:
    """The ``--json`` document as a dict."""
    return {
        "format": transcript.format,
        "cues": [
            {
                "id": cue.id,
                "start": _seconds(cue.start_ms),
                "end": _seconds(cue.end_ms),
                "speaker": cue.speaker,
                "text": cue.text,
            }
            for cue in transcript.cues
        ],
        "warnings": [{"line": w.line, "message": w.message} for w in transcript.warnings],
    }


def _write(stream: TextIO, text: str, *, raw: bool = False) -> None:
    """Write a line, terminal-safe and encoding-safe (``player.cli.output``)."""
    write_line(text, stream, raw=raw)


def run(args: argparse.Namespace) -> int:
    """Print the transcript; returns the exit status."""
    name: str = args.file
    try:
        transcript = load_transcript(name)
    except TranscriptError as err:
        _write(sys.stderr, f"error: {name}: {err}")
        return 2
    try:
        if args.json:
            _write(sys.stdout, json_line(transcript_to_json(transcript)), raw=True)
        else:
            for warning in transcript.warnings:
                where = f"{name}:{warning.line}" if warning.line is not None else name
                _write(sys.stderr, f"warning: {where}: {warning.message}")
            out = sys.stdout
            for line in format_text_lines(transcript):
                _write(out, line)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error for us.
        return 0
    return 0
