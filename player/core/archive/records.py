"""The archive's records and its one error type, shared by every archive module.

``ArchiveError`` carries a message meant for the user; ``BriefingRow``, ``ArchiveHit``,
``Bookmark``, ``ScanProgress`` and ``ScanSummary`` are frozen values handed to the UI and the
command line. ``media_key``, ``is_under`` and ``now_iso`` are the conventions every store
shares: how a file is named in the databases, and how a moment is written.

File names are bytes on POSIX: a name that is not UTF-8 reaches Python with "surrogate escapes"
(``os.fsdecode``), which SQLite cannot store. ``to_db`` stores each such byte 0xNN as the
private-use character U+10FENN (plane 16, never seen in real names) and ``from_db`` turns it
back, so the path read from the index opens the same file; ``shown`` writes it as ``\\xNN``
for people.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass
from typing import Literal

from player.core.model import TranscriptWarning

__all__ = [
    "ArchiveError",
    "ArchiveHit",
    "Bookmark",
    "BriefingRow",
    "OrderBy",
    "ScanProgress",
    "ScanSummary",
    "explain",
    "from_db",
    "is_under",
    "media_key",
    "now_iso",
    "shown",
    "to_db",
]

OrderBy = Literal["title", "date", "duration", "path", "language", "position", "indexed"]


class ArchiveError(Exception):
    """The archive cannot be used as asked; ``str(err)`` is a message for the user.

    ``path`` is the database file concerned; ``rebuildable`` is True when ``Archive.rebuild``
    would help (a damaged, foreign or too-new index), so a UI can offer it.
    """

    def __init__(self, message: str, *, path: str | None = None, rebuildable: bool = False):
        super().__init__(message)
        self.message = message
        self.path = path
        self.rebuildable = rebuildable


@dataclass(frozen=True, slots=True)
class BriefingRow:
    """One briefing in the library.

    ``path`` is the media file, or the transcript when there is no media (``has_media`` False).
    ``date`` is ISO ``YYYY-MM-DD``, from the file name when it has one (``date_from_name``),
    else the file's modification date. ``error`` says why the transcript could not be read.
    ``position_ms`` is the user's resume position (from the user-data file), or None.
    """

    id: int
    path: str
    folder: str
    has_media: bool
    title: str
    date: str
    date_from_name: bool
    duration_ms: int | None
    transcript_path: str | None
    language: str | None
    transcript_format: str | None
    cue_count: int
    warnings: tuple[TranscriptWarning, ...]
    error: str | None
    machine_generated: bool
    size: int
    mtime_ns: int
    indexed_at: str
    position_ms: int | None = None

    @property
    def warning_count(self) -> int:
        """Number of load warnings recorded for the transcript."""
        return len(self.warnings)


@dataclass(frozen=True, slots=True)
class ArchiveHit:
    """One matching cue. ``snippet`` is plain ``(before, match, after)`` text around the first
    match; ``matches`` are ``(start, end)`` character offsets of all matches in ``text``."""

    briefing: BriefingRow
    cue_idx: int
    start_ms: int
    end_ms: int
    speaker: str | None
    text: str
    snippet: tuple[str, str, str]
    matches: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A user's bookmark in a media file (kept in the user-data file)."""

    id: int
    media_key: str
    position_ms: int
    label: str
    note: str
    created: str


@dataclass(frozen=True, slots=True)
class ScanProgress:
    """Where a scan is. ``phase`` is "listing" (walking folders; ``total`` None), "indexing"
    (``done`` of ``total`` briefings) or "removing". ``path`` is the file or folder at hand."""

    phase: Literal["listing", "indexing", "removing"]
    done: int
    total: int | None
    path: str | None
    added: int = 0
    updated: int = 0
    cues_indexed: int = 0


@dataclass(frozen=True, slots=True)
class ScanSummary:
    """What a scan did. ``seen`` counts briefings found on disk; ``skipped`` lists
    ``(path, reason)`` for everything that was not (fully) indexed; ``failed`` counts briefings
    whose transcript could not be read (they are listed without cues)."""

    seen: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    failed: int = 0
    skipped: tuple[tuple[str, str], ...] = ()
    cues_indexed: int = 0
    seconds: float = 0.0
    cancelled: bool = False

    def line(self) -> str:
        """The one-line summary printed by ``briefing-player index``."""
        text = (
            f"seen {self.seen}, added {self.added}, updated {self.updated}, "
            f"removed {self.removed}, failed {self.failed}, cues {self.cues_indexed}, "
            f"in {self.seconds:.1f} s"
        )
        return text + (" (cancelled)" if self.cancelled else "")


def media_key(path: str | os.PathLike[str]) -> str:
    """How a file is named in both databases: its absolute, normalised path (links kept)."""
    return os.path.normpath(os.path.abspath(os.fspath(path)))


def is_under(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or inside it (both normalised, as by ``media_key``)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def now_iso() -> str:
    """The current UTC time as ``YYYY-mm-ddTHH:MM:SSZ`` (the stores' timestamps)."""
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_ESCAPE_BASE = 0x10FE00
_ESCAPED = re.compile("[\U0010fe80-\U0010feff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_surrogate(m: re.Match[str]) -> str:
    code = ord(m.group())
    return chr(_ESCAPE_BASE + code - 0xDC00) if 0xDC80 <= code <= 0xDCFF else "\ufffd"


def to_db(text: str) -> str:
    """Text SQLite can store: surrogate escapes (undecodable name bytes) made reversible."""
    if text.isascii():
        return text
    return _SURROGATE.sub(_escape_surrogate, text)


def from_db(text: str) -> str:
    """The inverse of ``to_db``: a stored path back to the name the file system knows."""
    if text.isascii():
        return text
    return _ESCAPED.sub(lambda m: chr(ord(m.group()) - _ESCAPE_BASE + 0xDC00), text)


def shown(text: str | os.PathLike[str]) -> str:
    """A path or text for messages: undecodable name bytes written as ``\\xNN``."""
    value = os.fspath(text)
    if value.isascii():
        return value
    value = from_db(value)
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def explain(err: BaseException) -> str:
    """An SQLite or OS error as a message, with the likely cause of a full or failing disk."""
    text = str(err) or type(err).__name__
    lowered = text.lower()
    if "full" in lowered or "disk i/o" in lowered or "no space" in lowered:
        return f"{text} (is the disk full?)"
    return text
