"""Exporting a transcript, or part of it, as TXT, Markdown, SRT or WebVTT (pure writers).

``ExportRequest`` holds what to write: the cues (already chosen: the whole transcript, the
selection, a range, or the lines with search hits), the source's title and date, the options
(speakers, timestamps, times of a range shifted to zero or kept) and bookmarks' notes to add.
:func:`render` turns it into text; DOCX is written by ``player.engines.docx_writer`` from the same
request. :func:`cues_in_range` is the one rule for "the lines of a range": every line that
overlaps it, cut to it.
"""

from __future__ import annotations

from player.core.export.model import (
    FORMATS,
    BookmarkNote,
    ExportRequest,
    cues_in_range,
    shift_cues,
)
from player.core.export.plain import render_md, render_txt
from player.core.export.subtitles import render_srt, render_vtt

__all__ = [
    "FORMATS",
    "BookmarkNote",
    "ExportRequest",
    "cues_in_range",
    "render",
    "shift_cues",
]


def render(request: ExportRequest, fmt: str) -> str:
    """The request written as ``fmt`` (``txt``, ``md``, ``srt`` or ``vtt``); ValueError for
    another format (``docx`` is binary: ``player.engines.docx_writer``)."""
    writers = {"txt": render_txt, "md": render_md, "srt": render_srt, "vtt": render_vtt}
    writer = writers.get(fmt)
    if writer is None:
        raise ValueError(f"not a text export format: {fmt!r} (use {', '.join(writers)})")
    return writer(request)
