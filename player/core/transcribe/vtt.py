"""A transcription written as WebVTT: ``Kind: captions``, a header NOTE, cues with word timings.

``render_transcript_vtt(result)`` returns the file's text. The header ``NOTE`` says it is a
machine transcript, from which model and engine, re-timed by which aligner, and when, so
``player.core.formats.load`` marks the transcript as machine-made and the window's title says
so. Each cue is a sentence as recognised; a likely new speaker is a generic ``<v Speaker N>``
voice span; every word after the first has an inline timestamp (``<00:01:02.350>``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from player.core.align.vtt_writer import format_timestamp
from player.core.transcribe.types import TranscribedCue, TranscriptionResult

__all__ = ["header_note", "render_cue", "render_transcript_vtt"]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_cue(cue: TranscribedCue) -> str:
    """The cue's payload: escaped text, inline word timestamps, the voice span."""
    parts: list[str] = []
    at = 0
    for offset, start_ms in cue.words:
        if offset <= 0 or not cue.start_ms < start_ms < cue.end_ms:
            continue
        parts.append(_escape(cue.text[at:offset]))
        parts.append(f"<{format_timestamp(start_ms)}>")
        at = offset
    parts.append(_escape(cue.text[at:]))
    body = "".join(parts).replace("\n", " ")
    if cue.voice:
        body = f"<v {cue.voice}>{body}</v>"
    return body


def header_note(result: TranscriptionResult, *, tool: str, when: datetime | None = None) -> str:
    """The header NOTE's text (one paragraph, no ``-->``)."""
    stamp = (when or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    retimed = (
        f"; word timings re-timed by {result.aligner} ({result.retimed_words} of "
        f"{result.words} words)"
        if result.aligner
        else "; word timings are the recognizer's own (the aligner knows English only)"
    )
    text = (
        f"NOTE machine transcript (model {result.model}): machine-transcribed by {tool} with "
        f"{result.engine} on {stamp}{retimed}. It may contain errors, names especially; "
        "voices (Speaker N) mark likely changes of speaker, not identified people."
    )
    return text.replace("-->", "->").replace("\n", " ")


def render_transcript_vtt(
    result: TranscriptionResult, *, tool: str = "briefing-player", when: datetime | None = None
) -> str:
    """The WebVTT text of ``result`` (LF line endings, ends with a newline)."""
    blocks = [
        f"WEBVTT\nKind: captions\nLanguage: {result.language}",
        header_note(result, tool=tool, when=when),
    ]
    for cue in result.cues:
        timing = f"{format_timestamp(cue.start_ms)} --> {format_timestamp(cue.end_ms)}"
        blocks.append(f"{timing}\n{render_cue(cue)}")
    return "\n\n".join(blocks) + "\n"
