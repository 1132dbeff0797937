"""Correcting a transcript's line by hand (pure): new text, the word timings that still hold,
the words left to re-time, and the WebVTT file written back.

``retext(cue, new_text)`` returns the corrected cue and the indices of its words that changed:
the words that are unchanged (matched in order, ``difflib``) keep their start times; a changed
or added word gets a time between its neighbours until the aligner re-times it
(``with_word_starts``). ``render_transcript(transcript)`` writes a transcript back as WebVTT:
its header lines, its notes, and each cue with its voice and inline word timestamps.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Mapping

from player.core.align.vtt_writer import format_timestamp
from player.core.model import Cue, Span, Transcript, WordTiming

__all__ = ["cue_words", "render_transcript", "retext", "with_word_starts"]

_WORD = re.compile(r"\S+")


def cue_words(text: str) -> list[tuple[int, str]]:
    """``(char_offset, word)`` for each whitespace-separated word of ``text``."""
    return [(m.start(), m.group()) for m in _WORD.finditer(text)]


def _starts(cue: Cue) -> list[int]:
    """Each word's start: its inline timestamp, else the one before (the cue's start first)."""
    by_offset = {t.char_offset: t.start_ms for t in cue.word_timings}
    out: list[int] = []
    current = cue.start_ms
    for offset, _word in cue_words(cue.text):
        current = by_offset.get(offset, current) if offset > 0 else cue.start_ms
        out.append(current)
    return out


def retext(cue: Cue, new_text: str) -> tuple[Cue, list[int]]:
    """``cue`` with ``new_text`` (one line) and the indices of the words that changed."""
    new_text = " ".join(new_text.split())
    old_words = cue_words(cue.text)
    new_words = cue_words(new_text)
    old_starts = _starts(cue)
    starts: list[int | None] = [None] * len(new_words)
    matcher = difflib.SequenceMatcher(
        a=[w for _o, w in old_words], b=[w for _o, w in new_words], autojunk=False
    )
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            starts[block.b + k] = old_starts[block.a + k]
    changed = [i for i, s in enumerate(starts) if s is None]
    filled = _fill(starts, cue.start_ms, cue.end_ms)
    return with_word_starts(_replace_text(cue, new_text), dict(enumerate(filled))), changed


def _fill(starts: list[int | None], first_ms: int, end_ms: int) -> list[int]:
    """Times for the unknown starts, spread evenly between the known ones around them."""
    out: list[int] = []
    index = 0
    while index < len(starts):
        known = starts[index]
        low = out[-1] if out else first_ms
        if known is not None:
            out.append(max(known, low))
            index += 1
            continue
        run_end = index
        while run_end < len(starts) and starts[run_end] is None:
            run_end += 1
        following = starts[run_end] if run_end < len(starts) else None
        high = following if following is not None else end_ms
        step = max(0, high - low) // (run_end - index + 1)
        out.extend(low + step * (k - index + 1) for k in range(index, run_end))
        index = run_end
    if out:
        out[0] = first_ms
    return out


def _replace_text(cue: Cue, text: str) -> Cue:
    voice = cue.speakers[0] if cue.speakers else None
    return dataclasses.replace(cue, text=text, spans=(Span(text, voice=voice),), word_timings=())


def with_word_starts(cue: Cue, starts: Mapping[int, int]) -> Cue:
    """``cue`` with the word ``index -> start_ms`` given (the first word starts the cue)."""
    timings: list[WordTiming] = []
    previous = cue.start_ms
    for index, (offset, _word) in enumerate(cue_words(cue.text)):
        start = starts.get(index)
        if index == 0 or start is None:
            continue
        start = max(previous, min(start, cue.end_ms - 1))
        if previous < start:
            timings.append(WordTiming(start, offset))
            previous = start
    return dataclasses.replace(cue, word_timings=tuple(timings))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _payload(cue: Cue) -> str:
    parts: list[str] = []
    at = 0
    for timing in cue.word_timings:
        if timing.char_offset <= at or not cue.start_ms < timing.start_ms < cue.end_ms:
            continue
        parts.append(_escape(cue.text[at : timing.char_offset]))
        parts.append(f"<{format_timestamp(timing.start_ms)}>")
        at = timing.char_offset
    parts.append(_escape(cue.text[at:]))
    body = "".join(parts)
    if cue.speakers:
        voice = cue.speakers[0].replace(">", "").replace("&", "and")
        body = f"<v {voice}>{body}</v>"
    return body


def render_transcript(transcript: Transcript) -> str:
    """The WebVTT text of ``transcript``: header lines, notes, cues (LF, ends with newline)."""
    header = transcript.header if transcript.header.startswith("WEBVTT") else "WEBVTT"
    blocks = [header]
    for note in transcript.notes:
        lines = [line.strip() for line in note.replace("-->", "->").split("\n") if line.strip()]
        blocks.append("NOTE " + "\n".join(lines))
    for cue in transcript.cues:
        timing = f"{format_timestamp(cue.start_ms)} --> {format_timestamp(cue.end_ms)}"
        lines = [_payload(cue) if len(cue.text.split("\n")) == 1 else _escape(cue.text)]
        blocks.append(f"{timing}\n" + "\n".join(lines))
    return "\n\n".join(blocks) + "\n"
