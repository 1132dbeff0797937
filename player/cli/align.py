"""``briefing-player align MEDIA TEXT [-o OUT.vtt] [--json] [--force]``: synchronize a text.

Reads the text (.txt, .md, .html/.htm, .docx, .pdf), aligns it with the media's speech
(pocketsphinx, offline; ``player.engines.alignment``) and writes WebVTT: one cue per sentence
exactly as written, inline word timestamps, speaker labels as voices, text not found in the
audio as NOTE blocks, a header NOTE saying the timings are machine-aligned.

Default output: the media's name with ``.vtt`` beside it. An existing output is an error (exit
2) unless ``--force``, which keeps the old file as ``.vtt.bak``. The file is written atomically
(never partial) and private (0600). Progress goes to stderr: a bar on a terminal, a percentage
line otherwise. ``--json`` prints ``{"output", "duration", "cues", "words", "aligned_words",
"unaligned": [{"line", "text"}], "seconds"}``. Exit status 0 done, 2 error (``error: FILE:
reason``), 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Any

from player.cli.output import ProgressPrinter, fail, json_line, write_line

__all__ = ["add_parser", "result_to_json", "run"]

log = logging.getLogger(__name__)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``align`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "align",
        help="synchronize a text (.txt/.md/.html/.docx/.pdf) with a recording, offline",
        description=(
            "Synchronize a briefing's published text with its recording, on this computer: "
            "writes a WebVTT transcript with one cue per sentence and word timings. Text not "
            "found in the audio (headers, stage directions, passages not read) is kept as NOTE "
            "blocks. The shipped speech model is English. Exit status 0 done, 2 error, "
            "130 interrupted."
        ),
    )
    parser.add_argument("media", metavar="MEDIA", help="the recording (audio or video)")
    parser.add_argument("text", metavar="TEXT", help="the text: .txt, .md, .html, .docx or .pdf")
    parser.add_argument(
        "-o", "--output", metavar="OUT.vtt", help="where to write (default: MEDIA's name + .vtt)"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace OUT if it exists (the old one is kept as .bak)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object: {"output", "duration", "cues", "words", "aligned_words", '
        '"unaligned", "seconds"}',
    )
    parser.add_argument(
        "--model",
        metavar="DIR",
        help="a pocketsphinx model folder (acoustic model + .dict) for a language other than "
        "English",
    )
    parser.add_argument(
        "--no-speaker-labels",
        action="store_true",
        help="do not read 'NAME:' at the start of a paragraph as a speaker label",
    )
    parser.set_defaults(func=run)
    return parser


def result_to_json(result: Any, output: Path, seconds: float) -> dict[str, Any]:
    """The ``--json`` document."""
    return {
        "output": str(output),
        "duration": round(result.duration_ms / 1000, 3),
        "cues": len(result.cues),
        "words": result.words,
        "aligned_words": result.aligned_words,
        "unaligned": [{"line": u.line, "text": u.text} for u in result.unaligned],
        "seconds": round(seconds, 3),
    }


def run(args: argparse.Namespace) -> int:
    """Align, write, report; returns the exit status."""
    from player.core.align.types import AlignCancelled, AlignError
    from player.engines.alignment import align_text, default_output_path, write_aligned_vtt

    output = Path(args.output) if args.output else default_output_path(args.media)
    if output.exists() and not args.force:
        return fail(str(output), "already exists (use --force to replace it)")
    started = time.perf_counter()
    progress = ProgressPrinter("align")
    try:
        engine = None
        if args.model:
            from player.engines.pocketsphinx_aligner import PocketsphinxAligner

            engine = PocketsphinxAligner(model_dir=args.model)
        result = align_text(
            args.media,
            args.text,
            engine=engine,
            progress=progress,
            speaker_labels=not args.no_speaker_labels,
        )
        write_aligned_vtt(result, output, force=args.force)
    except AlignError as err:
        progress.finish()
        log.info("align failed: %s: %s", err.path, err.message)
        return fail(err.path, err.message)
    except (AlignCancelled, KeyboardInterrupt):
        progress.finish()
        write_line("interrupted: nothing was written", sys.stderr)
        return 130
    progress.finish()
    seconds = time.perf_counter() - started
    for warning in result.warnings:
        write_line(f"warning: {args.text}: {warning}", sys.stderr)
    if args.json:
        write_line(json_line(result_to_json(result, output, seconds)), raw=True)
        return 0
    write_line(
        f"wrote {output}: {len(result.cues)} cues, {result.aligned_words} of {result.words} "
        f"words timed, {result.duration_ms / 1000:.1f} s of audio in {seconds:.1f} s"
    )
    for passage in result.unaligned:
        text = " ".join(passage.text.split())
        write_line(f"not found in the audio (line {passage.line}, kept as a NOTE): {text}")
    return 0
