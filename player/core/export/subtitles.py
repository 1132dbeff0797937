"""SubRip and WebVTT exports: the cues with their times and line breaks kept.

WebVTT: a ``WEBVTT`` header (the title as a ``NOTE``), each cue's speaker as a voice span
(``<v Speaker>``) and its text escaped (``&``, ``<``, ``>``; a line that would read as a cue
timing, ``-->``, is escaped too), bookmarks as ``NOTE`` blocks at their place. SubRip has no
voices or notes: the speaker is written as ``Speaker: `` before the text and bookmarks are left
out. Both files read back by ``load_transcript`` give the same cues (times, text, speakers
in WebVTT). Empty cue lines are dropped: a blank line would end the cue in both formats.
"""

from __future__ import annotations

from player.core.export.model import BookmarkNote, ExportRequest
from player.core.model import Cue

__all__ = ["render_srt", "render_vtt", "srt_time", "vtt_time"]


def _clock(t_ms: int, separator: str) -> str:
    t_ms = max(0, int(t_ms))
    hours, rest = divmod(t_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def vtt_time(t_ms: int) -> str:
    """``HH:MM:SS.mmm``."""
    return _clock(t_ms, ".")


def srt_time(t_ms: int) -> str:
    """``HH:MM:SS,mmm``."""
    return _clock(t_ms, ",")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _end(cue: Cue) -> int:
    return max(cue.end_ms, cue.start_ms + 1)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _vtt_note(text: str) -> str:
    # A NOTE ends at a blank line and must not hold "-->".
    body = " ".join(text.split()).replace("-->", "- ->")
    return f"NOTE {body}" if body else "NOTE"


def render_vtt(request: ExportRequest) -> str:
    """The request as WebVTT (see the module docstring)."""
    blocks = ["WEBVTT"]
    heading = ", ".join(part for part in (request.title, request.date) if part)
    if heading:
        blocks.append(_vtt_note(heading))
    notes = sorted(request.bookmarks, key=lambda n: n.position_ms)
    pending: list[BookmarkNote] = list(notes)
    for cue in request.cues:
        while pending and pending[0].position_ms <= cue.start_ms:
            blocks.append(_bookmark_note(pending.pop(0)))
        lines = [_vtt_escape(line) for line in _lines(cue.text)]
        if not lines:
            continue
        if request.speakers and cue.speaker:
            lines[0] = f"<v {_vtt_escape(cue.speaker)}>{lines[0]}"
        timing = f"{vtt_time(cue.start_ms)} --> {vtt_time(_end(cue))}"
        blocks.append("\n".join([timing, *lines]))
    blocks.extend(_bookmark_note(note) for note in pending)
    return "\n\n".join(blocks) + "\n"


def _bookmark_note(note: BookmarkNote) -> str:
    from player.core.text.quote import prose, short_time

    said = " — ".join(part for part in (prose(note.label), note.note) if part.strip())
    return _vtt_note(f"Bookmark {short_time(note.position_ms)}: {said}")


def render_srt(request: ExportRequest) -> str:
    """The request as SubRip (see the module docstring)."""
    blocks: list[str] = []
    for cue in request.cues:
        lines = [line.replace("-->", "->") for line in _lines(cue.text)]
        if not lines:
            continue
        if request.speakers and cue.speaker:
            lines[0] = f"{cue.speaker}: {lines[0]}"
        timing = f"{srt_time(cue.start_ms)} --> {srt_time(_end(cue))}"
        blocks.append("\n".join([str(len(blocks) + 1), timing, *lines]))
    return "\n\n".join(blocks) + "\n" if blocks else ""
