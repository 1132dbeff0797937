"""Plain-text and Markdown exports: one paragraph per line of the transcript, as prose.

TXT: ``[00:01:23] Speaker: text`` per paragraph (timestamp and speaker optional), a title
line first when there is one, and the bookmarks' notes last. Markdown: the title as a heading,
``**Speaker**`` in bold, the timestamp in backquotes, and every character of the transcript that
Markdown would read as syntax escaped (transcript text is never markup).
"""

from __future__ import annotations

import re

from player.core.export.model import BookmarkNote, ExportRequest
from player.core.model import Cue
from player.core.text.quote import prose, short_time

__all__ = ["escape_md", "render_md", "render_txt"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_MD_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+[.)])")


def escape_md(text: str) -> str:
    """``text`` with Markdown's syntax characters backslash-escaped (shown as typed): emphasis,
    code, links, HTML, tables, and a heading, list or rule mark at the start."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(
        lambda m: (
            f"{m.group(1)}{m.group(2)[:-1]}\\{m.group(2)[-1]}"
            if m.group(2)[0].isdigit()
            else f"{m.group(1)}\\{m.group(2)}"
        ),
        text,
    )


def _heading(request: ExportRequest) -> str:
    return ", ".join(part for part in (request.title, request.date) if part)


def _note_line(note: BookmarkNote) -> str:
    label = prose(note.label)
    text = " ".join(note.note.split())
    said = " — ".join(part for part in (label, text) if part)
    return f"[{short_time(note.position_ms)}] {said}".rstrip()


def _paragraph(cue: Cue, request: ExportRequest) -> str:
    parts = []
    if request.timestamps:
        parts.append(f"[{short_time(cue.start_ms)}]")
    if request.speakers and cue.speaker:
        parts.append(f"{cue.speaker}:")
    parts.append(prose(cue.text))
    return " ".join(part for part in parts if part)


def render_txt(request: ExportRequest) -> str:
    """The request as plain text (UTF-8, ``\\n`` line ends, a blank line between paragraphs)."""
    blocks: list[str] = []
    heading = _heading(request)
    if heading:
        blocks.append(heading)
    blocks.extend(_paragraph(cue, request) for cue in request.cues)
    if request.bookmarks:
        blocks.append("Bookmarks")
        blocks.append("\n".join(_note_line(note) for note in request.bookmarks))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def render_md(request: ExportRequest) -> str:
    """The request as Markdown (see the module docstring)."""
    blocks: list[str] = []
    heading = _heading(request)
    if heading:
        blocks.append(f"# {escape_md(heading)}")
    for cue in request.cues:
        parts = []
        if request.timestamps:
            parts.append(f"`{short_time(cue.start_ms)}`")
        if request.speakers and cue.speaker:
            parts.append(f"**{escape_md(cue.speaker)}:**")
        parts.append(escape_md(prose(cue.text)))
        blocks.append(" ".join(part for part in parts if part))
    if request.bookmarks:
        blocks.append("## Bookmarks")
        blocks.append("\n".join(f"- {escape_md(_note_line(n))}" for n in request.bookmarks))
    return "\n\n".join(blocks) + "\n" if blocks else ""
