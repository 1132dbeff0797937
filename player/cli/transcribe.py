"""``briefing-player transcribe MEDIA [-o OUT.vtt] [--model NAME|DIR] [--language en] [--json]
[--force]``: transcribe a recording that came with no text, on this computer.

Recognises the speech with faster-whisper (``player.engines.transcription``; the model from
``--model``, else the Preferences folder, else the installed ``tiny.en`` package), re-times the
words with the aligner, and writes WebVTT: sentence cues with word timings, ``Kind: captions``,
a header NOTE saying it is a machine transcript and which model made it, generic voices where a
change of speaker is likely. Nothing is sent anywhere and nothing is downloaded: a named model
not on the computer is an error that says how to get it.

Same conventions as ``align``: default output the media's name with ``.vtt`` beside it; an
existing output is an error (exit 2) unless ``--force``, which keeps the old file as
``.vtt.bak``; written atomically and private (0600); progress on stderr; ``--json`` prints
``{"output", "duration", "cues", "words", "model", "seconds"}``. Exit status 0 done, 2 error
(``error: FILE: reason``), 130 interrupted.
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
    """Register the ``transcribe`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "transcribe",
        help="transcribe a recording that has no text, offline (faster-whisper)",
        description=(
            "Transcribe a recording on this computer (nothing is sent anywhere): writes a "
            "WebVTT transcript with one cue per sentence and word timings re-timed by the "
            "aligner, marked as a machine transcript. Exit status 0 done, 2 error, "
            "130 interrupted."
        ),
    )
    parser.add_argument("media", metavar="MEDIA", help="the recording (audio or video)")
    parser.add_argument(
        "-o", "--output", metavar="OUT.vtt", help="where to write (default: MEDIA's name + .vtt)"
    )
    parser.add_argument(
        "--model",
        metavar="NAME|DIR",
        help="a Whisper model: a name (tiny.en, base.en, small.en, medium.en, large-v3...) "
        "already on this computer, or a CTranslate2 model folder (default: the installed "
        "tiny.en)",
    )
    parser.add_argument(
        "--language", default="en", metavar="CODE", help="the language spoken (default: en)"
    )
    parser.add_argument(
        "--config-dir",
        metavar="DIR",
        help="settings folder whose Preferences name the model when --model is not given "
        "(default: the user config dir)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace OUT if it exists (the old one is kept as .bak)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object: {"output", "duration", "cues", "words", "model", "seconds"}',
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
        "model": result.model,
        "seconds": round(seconds, 3),
    }


def preferences_model(config_dir: Path) -> tuple[str | None, str | None]:
    """``(model name, model folder)`` named in the window's Preferences (the settings file's
    ``transcribe/model``), read without Qt; ``(None, None)`` when none is set or unreadable.
    The same rule as the window: a value with a path separator, or starting with ``~`` or
    ``.``, is a folder; anything else a model name."""
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(config_dir / "settings.ini", encoding="utf-8")
        value = parser.get("transcribe", "model", fallback="").strip()
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None, None
    if len(value) >= 2 and value[0] == value[-1] == '"':  # QSettings quotes some values
        value = value[1:-1].replace("\\\\", "\\").replace('\\"', '"')
    if not value:
        return None, None
    if "/" in value or "\\" in value or value.startswith(("~", ".")):
        return None, str(Path(value).expanduser())
    return value, None


def run(args: argparse.Namespace) -> int:
    """Transcribe, write, report; returns the exit status."""
    from player.core.align.types import AlignCancelled, AlignError
    from player.engines.transcription import (
        default_output_path,
        transcribe_media,
        write_transcript,
    )

    output = Path(args.output) if args.output else default_output_path(args.media)
    if output.exists() and not args.force:
        return fail(str(output), "already exists (use --force to replace it)")
    started = time.perf_counter()
    progress = ProgressPrinter("transcribe")
    try:
        name, configured = None, None
        if not args.model:
            from player.app.paths import default_config_dir

            config_dir = Path(args.config_dir) if args.config_dir else default_config_dir()
            name, configured = preferences_model(config_dir)
        result = transcribe_media(
            args.media,
            model=args.model or name,
            configured=configured,
            language=args.language,
            progress=progress,
        )
        write_transcript(result, output, force=args.force)
    except AlignError as err:  # TranscribeError included
        progress.finish()
        log.info("transcribe failed: %s: %s", err.path, err.message)
        return fail(err.path, err.message)
    except MemoryError:
        progress.finish()
        return fail(args.media, "not enough memory to transcribe this recording")
    except (AlignCancelled, KeyboardInterrupt):
        progress.finish()
        write_line("interrupted: nothing was written", sys.stderr)
        return 130
    progress.finish()
    seconds = time.perf_counter() - started
    if args.json:
        write_line(json_line(result_to_json(result, output, seconds)), raw=True)
        return 0
    write_line(
        f"wrote {output}: {len(result.cues)} cues, {result.words} words (model {result.model}, "
        f"{result.retimed_words} re-timed), {result.duration_ms / 1000:.1f} s of audio in "
        f"{seconds:.1f} s"
    )
    return 0
