"""A line scanner that follows the W3C WebVTT file-parsing algorithm, with diagnostics.

It keeps exactly the cues the spec's parser keeps (same identifiers, timings and raw cue text)
and reports every block the spec silently drops, with its 1-based line number. Input must
already be newline-normalised (LF only, NUL replaced; see ``encoding.normalize_newlines``).
Cue text stays raw here; ``cue_text.parse_cue_text`` turns it into plain text.

webvtt-py is not used for WebVTT itself: in non-strict mode it drops bad cues without saying
where, accepts non-spec timestamps (``0:0:1.5``, full-width digits) and takes about 1 s for
50,000 cues. It parses SubRip and SBV for us instead (``srt_parse``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import NamedTuple

__all__ = ["RawCue", "VttParse", "VttSignatureError", "iter_vtt", "parse_vtt", "split_lines"]

_TS = r"(\d+):(\d{2})(?::(\d{2}))?\.(\d{3})(?!\d)"
_TIMING = re.compile(rf"[ \t\f]*{_TS}[ \t\f]*-->[ \t\f]*{_TS}(.*)\Z", re.ASCII | re.DOTALL)
_HEADER_FIELD = re.compile(r"([A-Za-z][\w-]*)[ \t]*:[ \t]*(.*)\Z", re.DOTALL)
_BLANKS = " \t\f\n"
_MAX_QUOTE = 100
# Hours of more digits than this are read as _HUGE_HOURS: far past the clamp of a million hours
# (``model.MAX_TIME_MS``), so the loader clamps the cue and says so.
_MAX_HOUR_DIGITS = 18
_HUGE_HOURS = 10**_MAX_HOUR_DIGITS
_CHUNK_CHARS = 65536


class VttSignatureError(ValueError):
    """The text does not start with a valid ``WEBVTT`` signature line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.line = 1


class RawCue(NamedTuple):
    """A cue as the spec's parser yields it: identifier ("" = none) and raw cue text.

    A named tuple: a file of a million cues makes a million of them, and a frozen dataclass's
    constructor was a tenth of the parse.
    """

    identifier: str
    start_ms: int
    end_ms: int
    settings: str
    text: str
    line: int


@dataclass(slots=True)
class VttParse:
    """Everything read from a WebVTT file, in file order, plus ``(line, message)`` warnings."""

    cues: list[RawCue] = field(default_factory=list)
    header: str = ""
    header_fields: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    warnings: list[tuple[int | None, str]] = field(default_factory=list)


def timestamp_ms(first: str, second: str, third: str | None, millis: str) -> int | None:
    """Milliseconds from the parts of a WebVTT timestamp (``[hh:]mm:ss.ttt``), or None when
    minutes or seconds are out of range."""
    if third is None:
        if len(first) != 2 or int(first) > 59:
            return None
        hours, minutes, seconds = 0, int(first), int(second)
    else:
        # Python refuses to convert more than 4,300 digits (a ValueError that escaped as a
        # traceback); any hour past _MAX_HOUR_DIGITS is beyond the loader's clamp anyway.
        if len(first) <= _MAX_HOUR_DIGITS or len(first.lstrip("0")) <= _MAX_HOUR_DIGITS:
            hours = int(first)
        else:
            hours = _HUGE_HOURS
        minutes, seconds = int(second), int(third)
    if minutes > 59 or seconds > 59:
        return None
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + int(millis)


def _quote(line: str) -> str:
    if len(line) > _MAX_QUOTE:
        return repr(line[:_MAX_QUOTE]) + "..."
    return repr(line)


def check_signature(text: str) -> None:
    """Raise VttSignatureError unless ``text`` starts like a WebVTT file (spec steps 4-6)."""
    if len(text) < 6:
        raise VttSignatureError("not a WebVTT file: too short to hold the 'WEBVTT' signature")
    if not text.startswith("WEBVTT"):
        raise VttSignatureError("not a WebVTT file: the first line does not start with 'WEBVTT'")
    if len(text) > 6 and text[6] not in " \t\n":
        raise VttSignatureError(
            "not a WebVTT file: 'WEBVTT' must be followed by a space, a tab or a line break"
        )


def parse_vtt(text: str) -> VttParse:
    """Parse newline-normalised WebVTT text. Raises VttSignatureError for a bad signature."""
    result = VttParse()
    result.cues.extend(iter_vtt(text, result))
    return result


def split_lines(text: str) -> Iterator[str]:
    """``text.split("\\n")`` one line at a time: a file of a million cues never becomes a list
    of millions of strings (it is split a chunk of about 64 K characters at a time)."""
    return chain.from_iterable(chunk.split("\n") for chunk in _chunks(text))


def _chunks(text: str) -> Iterator[str]:
    """``text`` in pieces of about _CHUNK_CHARS that end at line breaks (breaks dropped)."""
    start = 0
    while True:
        end = text.find("\n", start + _CHUNK_CHARS)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def iter_vtt(text: str, result: VttParse) -> Iterator[RawCue]:
    """The cues of newline-normalised WebVTT text, one at a time, as the parser reaches them.

    Everything else the parser finds (header, notes, styles, regions, warnings) is put in
    ``result`` as it is reached, so it is complete once the cues are exhausted. The signature
    is checked at once: raises VttSignatureError before returning the iterator.
    """
    check_signature(text)
    return _scan(text, result)


def _scan(text: str, result: VttParse) -> Iterator[RawCue]:
    warnings = result.warnings
    source = split_lines(text)
    header_lines = [next(source)]
    number = 1  # the 1-based number of the last line taken from source
    pending: str | None = None  # a line given back, to be taken again
    # Header block: lines right after the signature, up to a blank line or a timing line.
    for line in source:
        number += 1
        if line == "":
            break
        if "-->" in line:
            warnings.append((number, "no blank line between the header and the first cue"))
            pending = line
            number -= 1
            break
        header_lines.append(line)
    result.header = "\n".join(header_lines)
    for line in header_lines[1:]:
        m = _HEADER_FIELD.match(line)
        if m is not None:
            result.header_fields.setdefault(m.group(1), m.group(2).strip())

    timing_match = _TIMING.match
    seen_cue = False
    while True:
        if pending is not None:
            line, pending = pending, None
        else:
            taken = next(source, None)
            if taken is None:
                break
            line = taken
        number += 1
        if line == "":
            continue
        block_start = number
        line_count = 0
        buf: list[str] = []
        seen_arrow = False
        cue: tuple[str, int, int, str, int] | None = None
        bad_timing: tuple[int, str] | None = None
        kind = ""
        broke_on_arrow = False
        while True:
            line_count += 1
            if "-->" in line:
                if line_count == 1 or (line_count == 2 and not seen_arrow):
                    seen_arrow = True
                    m = timing_match(line)
                    start = end = None
                    if m is not None:
                        g = m.groups()
                        start = timestamp_ms(g[0], g[1], g[2], g[3])
                        end = timestamp_ms(g[4], g[5], g[6], g[7])
                    if m is None or start is None or end is None:
                        cue = None
                        bad_timing = (number, line)
                    else:
                        cue = ("\n".join(buf), start, end, g[8].strip(" \t\f"), number)
                        buf = []
                        seen_cue = True
                else:
                    pending = line
                    number -= 1
                    broke_on_arrow = True
                    break
            elif line == "":
                break
            else:
                if line_count == 2 and not seen_cue and buf:
                    head = buf[0]
                    if head.startswith("STYLE") and not head[5:].strip(_BLANKS):
                        kind = "style"
                        buf = []
                    elif head.startswith("REGION") and not head[6:].strip(_BLANKS):
                        kind = "region"
                        buf = []
                buf.append(line)
            taken = next(source, None)
            if taken is None:
                break
            line = taken
            number += 1
        if broke_on_arrow:
            warnings.append(
                (
                    number + 1,
                    "line contains '-->' but has no blank line before it: it ends the block "
                    f"that starts on line {block_start} and is read as a new cue",
                )
            )
        if cue is not None:
            ident, start, end, settings, line_no = cue
            yield RawCue(ident, start, end, settings, "\n".join(buf), line_no)
        elif kind == "style":
            result.styles.append("\n".join(buf))
        elif kind == "region":
            result.regions.append("\n".join(buf))
        elif bad_timing is not None:
            quoted = _quote(bad_timing[1])
            warnings.append((bad_timing[0], f"cue dropped: invalid cue timings {quoted}"))
        else:
            head = buf[0] if buf else ""
            if head == "NOTE" or head.startswith(("NOTE ", "NOTE\t")):
                result.notes.append("\n".join([head[4:].strip(_BLANKS), *buf[1:]]).strip("\n"))
            elif head.startswith(("STYLE", "REGION")) and seen_cue:
                warnings.append(
                    (block_start, f"{head.split()[0]} block after the first cue ignored (spec)")
                )
            else:
                warnings.append(
                    (block_start, f"block skipped: no cue timing line ('-->'): {_quote(head)}")
                )
