"""The one quote format: ``[HH:MM:SS.mmm] Speaker: text — note``, and the one-line cue text in it.

Every place that copies or prints a cue, a bookmark or a search hit as a line of text asks this
module: the transcript view and the window (copy), the bookmarks panel (copy as quotes), the
``transcript`` command (one line per cue) and the ``search`` commands (tab-separated hits).
"""

from __future__ import annotations

from player.core.model import Cue
from player.core.timeline.timecode import format_timestamp

__all__ = ["format_hit_line", "format_quote", "one_line", "quote_cue", "said_line"]


def one_line(text: str) -> str:
    """Cue text on one line: each line stripped, blank lines dropped, joined by `` / ``."""
    return " / ".join(stripped for line in text.splitlines() if (stripped := line.strip()))


def said_line(text: str, speaker: str | None = None) -> str:
    """``Speaker: text`` on one line (just the text when there is no speaker)."""
    line = one_line(text)
    return f"{speaker}: {line}" if speaker else line


def format_quote(
    start_ms: int, text: str, speaker: str | None = None, note: str | None = None
) -> str:
    """``[HH:MM:SS.mmm] Speaker: text — note`` (no trailing space; the note's whitespace is
    collapsed, and without a note there is no dash)."""
    line = f"[{format_timestamp(start_ms)}] {said_line(text, speaker)}".rstrip()
    note_text = " ".join(note.split()) if note else ""
    return f"{line} — {note_text}" if note_text else line


def quote_cue(cue: Cue) -> str:
    """A cue as a quotable line: ``[HH:MM:SS.mmm] Speaker: text``."""
    return format_quote(cue.start_ms, cue.text, cue.speaker)


def format_hit_line(name: str, start_ms: int, text: str, speaker: str | None = None) -> str:
    """A search hit as one tab-separated line: ``NAME<TAB>HH:MM:SS.mmm<TAB>Speaker: text``
    (tabs and line breaks left in the text or the speaker become spaces or `` / ``, so the line
    always has three columns)."""
    said = said_line(text, speaker).replace("\t", " ").replace("\r", " ").replace("\n", " / ")
    return f"{name}\t{format_timestamp(start_ms)}\t{said}"
