"""Word documents (.docx) of an export request, through python-docx.

The only module that writes with python-docx (``player.engines.documents`` reads with it). The
document holds the title (and date) as a heading, then one paragraph per line of the transcript:
the timestamp, the speaker's name in bold, and the text as prose; the bookmarks' notes follow
under their own heading. Transcript text goes in as plain runs, never as markup. Control
characters that XML cannot hold are dropped (python-docx would refuse them).
"""

from __future__ import annotations

import io
import re

from player.core.export.model import ExportRequest
from player.core.text.quote import prose, short_time

__all__ = ["render_docx"]

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def render_docx(request: ExportRequest) -> bytes:
    """The request as the bytes of a .docx file."""
    from docx import Document  # a few hundred ms to import: only when a DOCX is asked for

    document = Document()
    heading = ", ".join(part for part in (request.title, request.date) if part)
    if heading:
        document.add_heading(_clean(heading), level=1)
    for cue in request.cues:
        paragraph = document.add_paragraph()
        if request.timestamps:
            paragraph.add_run(f"[{short_time(cue.start_ms)}] ")
        if request.speakers and cue.speaker:
            paragraph.add_run(_clean(f"{cue.speaker}:")).bold = True
            paragraph.add_run(" ")
        paragraph.add_run(_clean(prose(cue.text)))
    if request.bookmarks:
        document.add_heading("Bookmarks", level=2)
        for note in request.bookmarks:
            said = " — ".join(p for p in (prose(note.label), " ".join(note.note.split())) if p)
            document.add_paragraph(_clean(f"[{short_time(note.position_ms)}] {said}".rstrip()))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
