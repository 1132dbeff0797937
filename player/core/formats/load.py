"""Loading transcripts into the model (``player.core.model``).

``load_transcript`` / ``parse_transcript_bytes`` / ``parse_transcript_text`` read WebVTT, SubRip
and SBV (format detected from the content), decode leniently (``encoding``), follow the W3C
WebVTT parser for cues (``webvtt``), run the cue-text algorithm (``cue_text``), sort cues by
start (stable) and report every skipped or repaired block as a ``TranscriptWarning``. When
nothing usable can be read they raise ``TranscriptError`` with a one-line reason, never anything
else.

Limits: ``load_transcript`` reads only regular files of at most 64 MB
(``player.core.inputs.TRANSCRIPT_LIMIT_BYTES``); WebVTT cues are made one at a time from the
text (no list of all lines or raw cues), and the bytes are let go once decoded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from player.core.formats.encoding import decode_transcript_bytes, normalize_newlines
from player.core.inputs import TRANSCRIPT_LIMIT_BYTES, InputError, read_bytes
from player.core.media.sidecar import is_chapters_name
from player.core.model import (
    MAX_TIME_MS,
    Cue,
    Transcript,
    TranscriptError,
    TranscriptFormat,
    TranscriptWarning,
)

if TYPE_CHECKING:
    from player.core.formats.cue_text import ParsedCueText
    from player.core.formats.webvtt import RawCue

_DAY_MS = 24 * 3_600_000
_EXTENSION_FORMATS: dict[str, TranscriptFormat] = {".vtt": "vtt", ".srt": "srt", ".sbv": "sbv"}
_FORMAT_NAMES = {"vtt": "WebVTT", "srt": "SubRip (SRT)", "sbv": "SBV"}
_MACHINE = re.compile(
    r"\b(?:machine[- ](?:generated|made|transcri\w*|translat\w*)|auto(?:matic(?:ally)?)?[- ]?"
    r"(?:generated|transcri\w*|captions?|subtitles?)|kind:[ \t]*asr|asr|speech[- ]to[- ]text"
    r"|speech recognition|whisper)\b",
    re.IGNORECASE,
)
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def load_transcript(path: str | Path) -> Transcript:
    """Load a transcript file. Raises TranscriptError when nothing usable can be read.

    The file is read through the guarded reader (``player.core.inputs.read_bytes``): a folder,
    a named pipe, a device or a file over the 64 MB limit is refused with a one-line reason,
    without blocking and before anything is read.
    """
    path = Path(path)
    source = str(path)
    hint = _EXTENSION_FORMATS.get(path.suffix.lower())
    # The bytes are handed on without a name here, so the parser can let them go once decoded.
    return parse_transcript_bytes(_read(path, source), source=source, format_hint=hint)


def _read(path: Path, source: str) -> bytes:
    try:
        return read_bytes(path, limit_bytes=TRANSCRIPT_LIMIT_BYTES)
    except InputError as err:
        message = err.message
        if err.problem == "not_regular" and message.endswith("(a folder)"):
            message = "is a folder, not a transcript file"
        raise TranscriptError(message, path=source) from None


def parse_transcript_bytes(
    data: bytes, *, source: str | None = None, format_hint: TranscriptFormat | None = None
) -> Transcript:
    """Parse transcript bytes (any supported encoding / format)."""
    if not data:
        raise TranscriptError("empty file", path=source)
    decoded = decode_transcript_bytes(data)
    del data  # when the caller keeps no reference (load_transcript), the bytes go now
    notes = [TranscriptWarning(line, message) for line, message in decoded.notes]
    return _build(decoded.text, source, format_hint, decoded.encoding, notes)


def parse_transcript_text(
    text: str, *, source: str | None = None, format_hint: TranscriptFormat | None = None
) -> Transcript:
    """Parse transcript text (already decoded); one leading BOM is ignored."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return _build(normalize_newlines(text), source, format_hint, "utf-8", [])


def _detect_format(text: str) -> TranscriptFormat | None:
    if text.startswith("WEBVTT"):
        return "vtt"
    lines = _head_lines(text)
    from player.core.formats.subrip import looks_like_sbv, looks_like_srt  # not needed for WebVTT

    if looks_like_srt(lines):
        return "srt"
    if looks_like_sbv(lines):
        return "sbv"
    return None


def _head_lines(text: str, count: int = 50) -> list[str]:
    """The first ``count`` lines, without splitting the whole text (which, for a file of a
    million cues, is a list of millions of strings)."""
    end = -1
    for _ in range(count):
        end = text.find("\n", end + 1)
        if end < 0:
            return text.split("\n")
    return text[:end].split("\n")


def _not_a_transcript(text: str, source: str | None, hint: TranscriptFormat | None) -> None:
    if not text.strip():
        raise TranscriptError("file has no text (only blank lines)", path=source)
    sample = text[:4096]
    if len(_BINARY_CONTROL.findall(sample)) > max(8, len(sample) // 20):
        raise TranscriptError("binary data, not a transcript", path=source)
    first = text.split("\n", 1)[0].strip()
    if hint == "vtt" or first.upper().startswith(("WEBVTT", "\ufeffWEBVTT")):
        from player.core.formats.webvtt import VttSignatureError, check_signature

        try:
            check_signature(text)
        except VttSignatureError as err:
            raise TranscriptError(err.message, path=source, line=1) from None
    raise TranscriptError(
        "not a transcript: expected 'WEBVTT' or an SRT or SBV cue at the start, found "
        f"{first[:40]!r}",
        path=source,
        line=1,
    )


def _build(
    text: str,
    source: str | None,
    hint: TranscriptFormat | None,
    encoding: str,
    warnings: list[TranscriptWarning],
) -> Transcript:
    from player.core.formats.cue_text import parse_cue_text
    from player.core.formats.webvtt import VttParse, VttSignatureError, iter_vtt

    if not text:
        raise TranscriptError("empty file", path=source)
    fmt = _detect_format(text)
    if fmt is None:
        _not_a_transcript(text, source, hint)
        raise AssertionError("unreachable")  # pragma: no cover
    if hint is not None and hint != fmt:
        warnings.append(
            TranscriptWarning(
                None, f"file named .{hint} contains {_FORMAT_NAMES[fmt]}; read as {fmt.upper()}"
            )
        )
    if encoding.startswith("utf-16") and fmt != "vtt":
        # UTF-16 is normal for SubRip/SBV; only WebVTT requires UTF-8.
        warnings = [w for w in warnings if not w.message.startswith("file is UTF-16")]
    raw_cues: Iterator[RawCue]
    parsed = VttParse()
    if fmt == "vtt":
        # WebVTT cues are read one at a time while Cues are made: the raw cues and the lines of
        # the file are never all in memory at once.
        try:
            raw_cues = iter_vtt(text, parsed)
        except VttSignatureError as err:
            raise TranscriptError(err.message, path=source, line=err.line) from None
    else:
        from player.core.formats.subrip import iter_sbv, iter_srt
        from player.core.formats.webvtt import split_lines

        read = iter_srt if fmt == "srt" else iter_sbv
        raw_cues = read(split_lines(text), parsed.warnings)
    found: list[TranscriptWarning] = []
    cues: list[Cue] = []
    append = cues.append
    for raw in raw_cues:
        start_ms, end_ms, line = raw.start_ms, raw.end_ms, raw.line
        if start_ms > _DAY_MS or end_ms > _DAY_MS:
            if start_ms > MAX_TIME_MS or end_ms > MAX_TIME_MS:
                found.append(
                    TranscriptWarning(line, "cue time beyond a million hours; clamped to that")
                )
                start_ms, end_ms = min(start_ms, MAX_TIME_MS), min(end_ms, MAX_TIME_MS)
            else:
                found.append(TranscriptWarning(line, "cue time is past 24 hours"))
        if raw.end_ms <= raw.start_ms:
            reason = "ends before it starts" if raw.end_ms < raw.start_ms else "has zero length"
            found.append(TranscriptWarning(line, f"cue {reason}; kept, but never shown as active"))
        raw_text = raw.text
        if "<" not in raw_text and "&" not in raw_text:  # plain text (or none): nothing to parse
            ident = raw.identifier or None
            append(Cue(ident, start_ms, end_ms, raw_text, settings=raw.settings, line=line))
            continue
        ct = parse_cue_text(raw_text, start_ms, end_ms)
        if ct.ignored_timestamps:
            found.append(
                TranscriptWarning(
                    line,
                    f"{ct.ignored_timestamps} inline timestamp(s) outside the cue or going "
                    "backwards ignored",
                )
            )
        if ct.styles_dropped or ct.timestamps_dropped:
            found.append(TranscriptWarning(line, _bounded_message(ct)))
        append(
            Cue(
                raw.identifier or None,
                start_ms,
                end_ms,
                ct.text,
                ct.speakers,
                ct.spans,
                ct.word_timings,
                raw.settings,
                line,
            )
        )
    if not cues and fmt != "vtt":
        first_line = parsed.warnings[0][0] if parsed.warnings else None
        raise TranscriptError(
            f"no readable cue in this {_FORMAT_NAMES[fmt]} file", path=source, line=first_line
        )
    header, header_fields = parsed.header, parsed.header_fields
    notes, styles = tuple(parsed.notes), tuple(parsed.styles)
    found[:0] = [TranscriptWarning(line, message) for line, message in parsed.warnings]
    for earlier, later in pairwise(cues):
        if later.start_ms < earlier.start_ms:
            found.append(
                TranscriptWarning(later.line, "cues are not in time order; sorted by start time")
            )
            cues.sort(key=attrgetter("start_ms"))
            break
    found.sort(key=lambda w: -1 if w.line is None else w.line)
    warnings.extend(found)
    language = _field(header_fields, "language")
    kind: Literal["transcript", "chapters"] = "transcript"
    if (source is not None and is_chapters_name(Path(source).name)) or (
        (_field(header_fields, "kind") or "").lower() == "chapters"
    ):
        kind = "chapters"
    machine = any(_MACHINE.search(s) for s in (header, *notes))
    return Transcript(
        cues=tuple(cues),
        format=fmt,
        warnings=tuple(warnings),
        header=header,
        language=language or None,
        notes=notes,
        styles=styles,
        source=source,
        encoding=encoding,
        kind=kind,
        machine_generated=machine,
        extra=header_fields,
    )


def _bounded_message(ct: ParsedCueText) -> str:
    from player.core.formats.cue_text import MAX_RUNS, MAX_SPEAKERS, MAX_WORD_TIMINGS

    parts = []
    if ct.styles_dropped:
        parts.append(
            f"more than {MAX_RUNS:,} differently styled runs or {MAX_SPEAKERS} voices (styles "
            "and voices past those are ignored)"
        )
    if ct.timestamps_dropped:
        parts.append(
            f"more than {MAX_WORD_TIMINGS:,} inline timestamps ({ct.timestamps_dropped:,} ignored)"
        )
    return "cue has " + " and ".join(parts)


def _field(fields: dict[str, str], name: str) -> str | None:
    for key, value in fields.items():
        if key.lower() == name:
            return value
    return None
