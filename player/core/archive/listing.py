"""Listing the library: ``BriefingRow`` values read from the index, filtered and sorted.

A briefing's row comes from the index; its ``position_ms`` comes from the user store. Lock order
is always index, then user data (never the reverse), so the two stores' locks cannot deadlock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import PurePath
from typing import Any

from player.core.archive.index_store import IndexStore
from player.core.archive.records import (
    ArchiveError,
    BriefingRow,
    OrderBy,
    from_db,
    media_key,
    to_db,
)
from player.core.archive.user_data import UserData
from player.core.model import TranscriptWarning
from player.core.text.fold import fold

__all__ = [
    "COLUMNS",
    "briefing_by_key",
    "briefings_by_id",
    "list_briefings",
    "media_type",
    "row_to_briefing",
    "shown_folder",
]

COLUMNS = (
    "id, path, folder, has_media, title, date, date_from_name, duration_ms, transcript_path, "
    "language, transcript_format, cue_count, warnings, error, machine_generated, size, "
    "mtime_ns, indexed_at"
)
"""The ``briefings`` columns that make a ``BriefingRow``, in the order ``row_to_briefing`` reads."""

_SORT_KEYS: dict[str, Callable[[BriefingRow], Any]] = {
    "title": lambda b: fold(b.title),
    "date": lambda b: b.date,
    "duration": lambda b: (b.duration_ms is None, b.duration_ms or 0),
    "path": lambda b: b.path,
    "language": lambda b: (b.language is None, b.language or ""),
    "position": lambda b: (b.position_ms is None, b.position_ms or 0),
    "indexed": lambda b: b.indexed_at,
}


def row_to_briefing(r: Sequence[Any], position_ms: int | None) -> BriefingRow:
    """A ``BriefingRow`` from a row of ``SELECT {COLUMNS}`` and the file's resume position."""
    warnings = tuple(
        TranscriptWarning(w.get("line"), str(w.get("message", ""))) for w in json.loads(r[12])
    )
    return BriefingRow(
        id=int(r[0]),
        path=from_db(str(r[1])),
        folder=from_db(str(r[2])),
        has_media=bool(r[3]),
        title=str(r[4]),
        date=str(r[5]),
        date_from_name=bool(r[6]),
        duration_ms=r[7],
        transcript_path=None if r[8] is None else from_db(str(r[8])),
        language=r[9],
        transcript_format=r[10],
        cue_count=int(r[11]),
        warnings=warnings,
        error=r[13],
        machine_generated=bool(r[14]),
        size=int(r[15]),
        mtime_ns=int(r[16]),
        indexed_at=str(r[17]),
        position_ms=position_ms,
    )


def list_briefings(
    index: IndexStore,
    user: UserData,
    filter_text: str | None,
    order_by: OrderBy,
    descending: bool,
) -> list[BriefingRow]:
    """Every briefing, optionally only those whose title, path or language contain
    ``filter_text`` (ignoring case and accents), sorted by ``order_by`` then path."""
    positions = user.positions()
    with index.guard() as conn:
        rows = [
            row_to_briefing(r, positions.get(from_db(str(r[1]))))
            for r in conn.execute(f"SELECT {COLUMNS} FROM briefings")
        ]
    if filter_text and filter_text.strip():
        needle = fold(filter_text.strip())
        rows = [b for b in rows if _matches(b, needle)]
    key = _SORT_KEYS.get(order_by)
    if key is None:
        raise ArchiveError(f"cannot sort briefings by {order_by!r}")
    rows.sort(key=lambda b: b.path)
    rows.sort(key=key, reverse=descending)
    return rows


def _matches(b: BriefingRow, needle: str) -> bool:
    return needle in fold(b.title) or needle in fold(b.path) or needle in fold(b.language or "")


def briefing_by_key(index: IndexStore, user: UserData, path_or_id: str | int) -> BriefingRow | None:
    """One briefing by id or by (media or transcript-only) path, or None."""
    key: int | str
    if isinstance(path_or_id, int):
        where, key = "id = ?", path_or_id
    else:
        where, key = "path = ?", to_db(media_key(path_or_id))
    with index.guard() as conn:
        r = conn.execute(f"SELECT {COLUMNS} FROM briefings WHERE {where}", (key,)).fetchone()
        return None if r is None else row_to_briefing(r, user.get_position(from_db(str(r[1]))))


def briefings_by_id(
    index: IndexStore, user: UserData, ids: Iterable[int], into: dict[int, BriefingRow]
) -> Mapping[int, BriefingRow]:
    """Add the briefings with ``ids`` missing from ``into`` (a cache) to it; returns ``into``.
    Rows are read in chunks of 500 ids; the caller may hold ``index.guard()`` (re-entrant)."""
    wanted = sorted(set(ids) - into.keys())
    with index.guard() as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in conn.execute(f"SELECT {COLUMNS} FROM briefings WHERE id IN ({marks})", chunk):
                into[int(r[0])] = row_to_briefing(r, user.get_position(from_db(str(r[1]))))
    return into


# ----- telling briefings apart (briefing.mp4 and briefing.opus are both "briefing") ---------

_VIDEO_SUFFIXES = frozenset(
    [".mp4", ".m4v", ".mkv", ".webm", ".mov", ".avi", ".mpg", ".mpeg", ".ts", ".wmv", ".3gp"]
)  # by name: the index does not keep the tracks; an audio-only .mp4 is rare in briefings
_FORMAT_NAMES = {".opus": "Opus", ".ogg": "Ogg", ".oga": "Ogg", ".webm": "WebM", ".flac": "FLAC"}


def media_type(b: BriefingRow) -> str:
    """What the briefing is, in a few words: "video (MP4)", "audio (Opus)", "transcript only
    (VTT)"."""
    suffix = PurePath(b.path).suffix.lower()
    name = _FORMAT_NAMES.get(suffix, suffix.lstrip(".").upper() or "?")
    if not b.has_media:
        return f"transcript only ({name})"
    return f"{'video' if suffix in _VIDEO_SUFFIXES else 'audio'} ({name})"


def shown_folder(b: BriefingRow) -> str:
    """Where the briefing is: its folder inside the library folder ("2024/May"), or the
    library folder's own name when it lies at the top."""
    parent = PurePath(b.path).parent
    root = PurePath(b.folder)
    try:
        inside = parent.relative_to(root)
    except ValueError:
        return parent.name or str(parent)
    return str(inside) if str(inside) != "." else (root.name or str(root))
