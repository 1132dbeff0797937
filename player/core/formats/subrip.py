r"""SubRip (.srt) and YouTube SBV (.sbv) block readers on top of webvtt-py, with diagnostics.

webvtt-py's own ``from_srt``/``from_sbv`` drop malformed blocks without saying where. Here the
text is split into blank-line separated blocks that remember their line numbers, and each block
is checked and split with webvtt-py's cue-block classes (``SRTCueBlock``, ``SBVCueBlock``), so
every skipped or repaired block is reported. Cue text stays raw (``<i>`` etc.), except for ASS
override blocks (``{\an8}``, ``{\i1}``), which real-world SubRip carries: they are removed, and
their italic/bold/underline codes become the matching tags.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from player.core.formats.webvtt import RawCue

__all__ = [
    "iter_sbv",
    "iter_srt",
    "looks_like_sbv",
    "looks_like_srt",
    "parse_sbv",
    "parse_srt",
    "strip_ass_overrides",
]

_SRT_TS = r"\d+:\d{1,2}:\d{1,2}[,.]\d+"
_SRT_TIMING = re.compile(rf"\s*({_SRT_TS})\s*-->\s*({_SRT_TS})", re.ASCII)
_SRT_COMMA_TIMING = re.compile(r"\s*\d+:\d{1,2}:\d{1,2},\d+\s*-->", re.ASCII)
_SBV_TIMING = re.compile(r"\s*\d+:\d{1,2}:\d{1,2}\.\d{3},\d+:\d{1,2}:\d{1,2}\.\d{3}\s*\Z", re.ASCII)
# The four fields of a time webvtt-py's own timing patterns have matched.
_TIME_FIELDS = re.compile(r"\s*(\d+)[:,.](\d+)[:,.](\d+)[:,.](\d+)\s*\Z")
# An ASS/SSA override block as real-world SubRip carries it: ``{\an8}``, ``{\i1}``,
# ``{\b1\c&HFF&}``.
_ASS_BLOCK = re.compile(r"\{\\[^{}\n]*\}")
# The codes inside a block that have a cue-text equivalent: italic, bold, underline on (1) or
# off (0).
_ASS_STYLE = re.compile(r"\\([ibu])([01])(?![0-9])")
# A field longer than this is past any sane time (webvtt-py uses the same bound).
_MAX_FIELD_DIGITS = 17

Warnings = list[tuple[int | None, str]]


def _first_lines(lines: list[str], count: int) -> list[str]:
    found: list[str] = []
    for line in lines:
        if line.strip():
            found.append(line)
            if len(found) == count:
                break
    return found


def looks_like_srt(lines: list[str]) -> bool:
    """A first block of a cue number then a ``-->`` timing line, or a comma-decimal timing."""
    first = _first_lines(lines[:50], 2)
    if not first:
        return False
    if len(first) == 2 and first[0].strip().isdigit() and _SRT_TIMING.match(first[1]):
        return True
    return _SRT_COMMA_TIMING.match(first[0]) is not None


def looks_like_sbv(lines: list[str]) -> bool:
    """The first non-blank line is an SBV timing line ``0:00:01.000,0:00:04.000``."""
    first = _first_lines(lines[:50], 1)
    return bool(first) and _SBV_TIMING.match(first[0]) is not None


def _ass_tags(match: re.Match[str]) -> str:
    r"""An override block as the cue-text tags it means (``{\i1}`` -> ``<i>``); the rest of it
    (position, colour, font codes) is dropped."""
    return "".join(
        f"<{name}>" if on == "1" else f"</{name}>" for name, on in _ASS_STYLE.findall(match[0])
    )


def strip_ass_overrides(text: str) -> str:
    r"""Remove ASS override blocks (``{\an8}``...) from SubRip cue text; italic, bold and
    underline codes become ``<i>``/``<b>``/``<u>`` tags. Linear; text without ``{\`` is returned
    as it is."""
    if "{\\" not in text:
        return text
    return _ASS_BLOCK.sub(_ass_tags, text)


def _timing_ms(value: str) -> int | None:
    """SRT/SBV time as most readers take it: ms read as a number, fields carry over."""
    m = _TIME_FIELDS.match(value)
    if m is None:
        return None
    fields = m.groups()
    for f in fields:
        if len(f) > _MAX_FIELD_DIGITS and len(f.lstrip("0")) > _MAX_FIELD_DIGITS:
            return None
    hours, minutes, seconds, millis = fields
    return ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


def _blocks(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """Blank-line separated blocks as (1-based first line, lines)."""
    block: list[str] = []
    start = 0
    for number, line in enumerate(lines, 1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _split_srt_blocks(lines: Iterable[str], warnings: Warnings) -> Iterator[tuple[int, list[str]]]:
    """Also split a block where a cue number and timing line follow without a blank line."""
    for start, block in _blocks(lines):
        first = 0
        for k in range(1, len(block) - 1):
            if block[k].strip().isdigit() and "-->" in block[k + 1]:
                warnings.append((start + k, "no blank line before this cue; read as a new cue"))
                yield start + first, block[first:k]
                first = k
        yield start + first, block[first:]


def parse_srt(lines: Iterable[str]) -> tuple[list[RawCue], Warnings]:
    """Read SubRip cues; blocks that are not cues are joined to the previous cue or skipped."""
    warnings: Warnings = []
    return list(iter_srt(lines, warnings)), warnings


def iter_srt(lines: Iterable[str], warnings: Warnings) -> Iterator[RawCue]:
    """The SubRip cues of ``lines``, one at a time; problems are added to ``warnings`` as they
    are met. A cue is handed on when the next block shows that no more text joins it."""
    # webvtt-py (about 40 ms to import) is loaded when an SRT/SBV file is really read: WebVTT
    # files, the common case and the sample opened at start-up, never need it.
    from webvtt.srt import SRTCueBlock

    srt_timing = SRTCueBlock.CUE_TIMINGS_PATTERN.match
    in_cue = False
    pending: tuple[str, int, int, list[str], int] | None = None
    for start, block in _split_srt_blocks(lines, warnings):
        has_index = len(block) > 1 and block[0].strip().isdigit() and "-->" in block[1]
        if "-->" in block[0] or has_index:
            if pending is not None:
                cue = _finished(pending, warnings)
                pending = None
                if cue is not None:
                    yield cue
            candidate = block if has_index else ["0", *block]
            timing_line = start + 1 if has_index else start
            in_cue = False
            # SRTCueBlock.is_valid and from_lines, with the pattern matched once
            timing = srt_timing(candidate[1]) if candidate[0].strip().isdigit() else None
            if timing is None:
                bad = block[1 if has_index else 0][:100]
                warnings.append((timing_line, f"cue dropped: invalid SRT timing {bad!r}"))
                continue
            start_ms, end_ms = _timing_ms(timing[1]), _timing_ms(timing[2])
            if start_ms is None or end_ms is None:
                warnings.append((timing_line, "cue dropped: time out of range"))
                continue
            if not has_index:
                warnings.append((timing_line, "cue has no number before its timing line"))
            ident = candidate[0].strip() if has_index else ""
            pending = (ident, start_ms, end_ms, candidate[2:], timing_line)
            in_cue = True
        elif in_cue and pending is not None:
            pending[3].extend(block)
            warnings.append((start, "blank line inside cue text; joined to the cue above"))
        else:
            warnings.append((start, f"block skipped: not an SRT cue: {block[0][:100]!r}"))
    if pending is not None:
        cue = _finished(pending, warnings)
        if cue is not None:
            yield cue


def _finished(pending: tuple[str, int, int, list[str], int], warnings: Warnings) -> RawCue | None:
    ident, start_ms, end_ms, text_lines, timing_line = pending
    if not text_lines:
        warnings.append((timing_line, "cue dropped: no text"))
        return None
    text = strip_ass_overrides("\n".join(text_lines))
    return RawCue(ident, start_ms, end_ms, "", text, timing_line)


def parse_sbv(lines: Iterable[str]) -> tuple[list[RawCue], Warnings]:
    """Read YouTube SBV cues (a ``start,end`` line, then text)."""
    warnings: Warnings = []
    return list(iter_sbv(lines, warnings)), warnings


def iter_sbv(lines: Iterable[str], warnings: Warnings) -> Iterator[RawCue]:
    """The SBV cues of ``lines``, one at a time; problems are added to ``warnings``."""
    from webvtt.sbv import SBVCueBlock

    sbv_timing = SBVCueBlock.CUE_TIMINGS_PATTERN.match
    for start, block in _blocks(lines):
        # SBVCueBlock.is_valid and from_lines, with the pattern matched once
        timing = sbv_timing(block[0])
        if timing is None or len(block) < 2 or not block[1].strip():
            if len(block) == 1 and timing is not None:
                warnings.append((start, "cue dropped: no text"))
            else:
                warnings.append((start, f"block skipped: not an SBV cue: {block[0][:100]!r}"))
            continue
        start_ms, end_ms = _timing_ms(timing[1]), _timing_ms(timing[2])
        if start_ms is None or end_ms is None:
            warnings.append((start, "cue dropped: time out of range"))
            continue
        text = strip_ass_overrides("\n".join(block[1:]))
        yield RawCue("", start_ms, end_ms, "", text, start)
