"""An alignment written as WebVTT: header NOTE, sentence cues with word timings, NOTE blocks.

``render_vtt(result)`` returns the file's text. The header ``NOTE`` says the timings are
machine-aligned (machine-made), by which tool and engine, from which text and when, so
``player.core.formats.load`` marks the transcript as machine-made. Each cue is one sentence (or
clause) exactly as written, a speaker as a ``<v LABEL>`` voice span, and every word after the
first with an inline timestamp (``<00:01:02.350>``) for the window's word highlight. Text found
nowhere in the audio is a ``NOTE unaligned (line L)`` block at its place.
"""

from __future__ import annotations

from datetime import UTC, datetime

from player.core.align.types import AlignedCue, AlignmentResult

__all__ = ["format_timestamp", "render_vtt"]


def format_timestamp(t_ms: int) -> str:
    """``HH:MM:SS.mmm`` for a non-negative time in milliseconds."""
    t_ms = max(0, t_ms)
    hours, rest = divmod(t_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _note_text(text: str) -> str:
    """NOTE bodies end at a blank line and may not contain ``-->``."""
    lines = [line.strip() for line in text.replace("-->", "->").split("\n")]
    return "\n".join(line for line in lines if line)


def _cue_payload(cue: AlignedCue) -> str:
    parts: list[str] = []
    at = 0
    for word in cue.words:
        if word.char_offset <= 0 or not cue.start_ms < word.start_ms < cue.end_ms:
            continue
        parts.append(_escape(cue.text[at : word.char_offset]))
        parts.append(f"<{format_timestamp(word.start_ms)}>")
        at = word.char_offset
    parts.append(_escape(cue.text[at:]))
    body = "".join(parts).replace("\n", " ")
    if cue.speaker:
        label = cue.speaker.replace(">", "").replace("&", "and").replace("\n", " ")
        body = f"<v {label}>{body}</v>"
    return body


def render_vtt(
    result: AlignmentResult, *, tool: str = "briefing-player", when: datetime | None = None
) -> str:
    """The WebVTT text of ``result`` (LF line endings, ends with a newline)."""
    stamp = (when or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    source = f" from {result.source_name}" if result.source_name else ""
    header = (
        f"NOTE machine-aligned: timings are machine-made by {tool} with {result.engine}"
        f"{source} on {stamp}. The text is as published; "
        f"{result.aligned_words} of {result.words} words were placed"
    )
    if result.unaligned:
        count = len(result.unaligned)
        passages = "passage was" if count == 1 else "passages were"
        header += f", {count} {passages} not found in the audio (NOTE blocks)"
    blocks = ["WEBVTT", _note_text(header + ".")]
    notes = sorted(result.unaligned, key=lambda u: (u.before_cue, u.line))
    next_note = 0
    for index, cue in enumerate(result.cues):
        while next_note < len(notes) and notes[next_note].before_cue <= index:
            blocks.append(_note_block(notes[next_note].line, notes[next_note].text))
            next_note += 1
        timing = f"{format_timestamp(cue.start_ms)} --> {format_timestamp(cue.end_ms)}"
        blocks.append(f"{timing}\n{_cue_payload(cue)}")
    for note in notes[next_note:]:
        blocks.append(_note_block(note.line, note.text))
    return "\n\n".join(blocks) + "\n"


def _note_block(line: int, text: str) -> str:
    return f"NOTE unaligned (line {line})\n{_note_text(text)}"
