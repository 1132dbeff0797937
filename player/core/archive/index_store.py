"""The index store: every write to ``archive.sqlite`` (briefings, cues and their FTS5 index).

``IndexStore`` owns the index's connection and the lock that serialises its use: readers (the
listing and search modules) borrow the connection through ``guard()``, writers call the methods
here. Each briefing's cues get a contiguous range of ids (``first_cue_id`` .. ``+cue_count-1``),
so deleting or replacing a briefing touches one id range of ``cues`` and ``cues_fts``.

A briefing is always written or deleted in a transaction of its own or together with whole other
briefings, never in part: a process killed at any moment leaves a consistent index.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from pathlib import Path

from player.core.archive.records import ArchiveError, explain, from_db, now_iso, to_db
from player.core.archive.schema import INDEX, open_database, transaction, verify
from player.core.model import Cue, TranscriptWarning

__all__ = [
    "MARK_END",
    "MARK_START",
    "FileStamps",
    "FolderMember",
    "IndexStore",
    "IndexedBriefing",
    "KnownBriefing",
    "clean_cue_text",
]

MARK_START = "\x02"
"""Opens a match in FTS5 ``highlight()`` output; never stored in cue text."""
MARK_END = "\x03"
"""Closes a match in FTS5 ``highlight()`` output; never stored in cue text."""
_MARK_CLEAN = str.maketrans({MARK_START: "\ufffd", MARK_END: "\ufffd"})


def clean_cue_text(text: str) -> str:
    """Cue text without the two control characters that mark matches in ``highlight()``."""
    if MARK_START in text or MARK_END in text:
        return text.translate(_MARK_CLEAN)
    return text


@dataclass(frozen=True, slots=True)
class FileStamps:
    """Sizes and modification times of a briefing's files: equal stamps mean unchanged files.
    ``transcript_path`` is None for media without a transcript (its size and time then too)."""

    size: int
    mtime_ns: int
    transcript_path: str | None
    transcript_size: int | None
    transcript_mtime_ns: int | None


@dataclass(frozen=True, slots=True)
class KnownBriefing:
    """What the index remembers of a briefing, to tell whether its files changed. No row id or
    cue range: those may be stale by the time a scan writes (writers look them up again)."""

    folder: str
    stamps: FileStamps
    content_hash: str


@dataclass(frozen=True, slots=True)
class FolderMember:
    """A briefing's row id, path and cue range (``remove_folder`` works through these)."""

    id: int
    path: str
    first_cue_id: int | None
    cue_count: int


@dataclass(frozen=True, slots=True)
class IndexedBriefing:
    """Everything the scanner writes for one briefing: file facts, metadata and cues."""

    path: str
    folder: str
    has_media: bool
    stamps: FileStamps
    content_hash: str
    title: str
    date: str
    date_from_name: bool
    duration_ms: int | None
    language: str | None
    transcript_format: str | None
    warnings: tuple[TranscriptWarning, ...]
    error: str | None
    machine_generated: bool
    cues: tuple[Cue, ...]

    def columns(self) -> tuple[object, ...]:
        """Values for ``_COLUMNS`` (without ``path``), in that order."""
        warnings_json = json.dumps(
            [{"line": w.line, "message": w.message} for w in self.warnings], ensure_ascii=False
        )
        values = (
            self.folder,
            int(self.has_media),
            *_stamps_to_db(self.stamps),
            self.content_hash,
            self.title,
            self.date,
            int(self.date_from_name),
            self.duration_ms,
            self.language,
            self.transcript_format,
            len(self.warnings),
            warnings_json,
            self.error,
            now_iso(),
            int(self.machine_generated),
        )
        return tuple(to_db(v) if isinstance(v, str) else v for v in values)


def _stamps_to_db(stamps: FileStamps) -> tuple[object, ...]:
    values = astuple(stamps)
    return tuple(to_db(v) if isinstance(v, str) else v for v in values)


def _stamps_from_db(row: Sequence[object]) -> FileStamps:
    size, mtime_ns, transcript, t_size, t_mtime_ns = row
    return FileStamps(
        int(size),  # type: ignore[call-overload]
        int(mtime_ns),  # type: ignore[call-overload]
        None if transcript is None else from_db(str(transcript)),
        None if t_size is None else int(t_size),  # type: ignore[call-overload]
        None if t_mtime_ns is None else int(t_mtime_ns),  # type: ignore[call-overload]
    )


_COLUMNS = (
    "folder",
    "has_media",
    "size",
    "mtime_ns",
    "transcript_path",
    "transcript_size",
    "transcript_mtime_ns",
    "content_hash",
    "title",
    "date",
    "date_from_name",
    "duration_ms",
    "language",
    "transcript_format",
    "warning_count",
    "warnings",
    "error",
    "indexed_at",
    "machine_generated",
)
_INSERT = (
    f"INSERT INTO briefings(path, {', '.join(_COLUMNS)}) "
    f"VALUES (?, {', '.join('?' * len(_COLUMNS))})"
)
_UPDATE = (
    f"UPDATE briefings SET {', '.join(c + '=?' for c in _COLUMNS)}, "
    "first_cue_id=NULL, cue_count=0 WHERE id=?"
)


class IndexStore:
    """The briefings/cues/FTS5 tables of one index file, and the lock serialising their use."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn
        self._lock = threading.RLock()
        self._closed: set[str] = set()

    @classmethod
    def open(
        cls, path: Path, *, read_only: bool = False, companion: Path | None = None
    ) -> IndexStore:
        """Open (creating or migrating) the index at ``path``; ArchiveError if unusable.
        ``read_only``: an existing index, for reading only (see ``schema.open_database``);
        ``companion``: its user-data file (to tell whether a damaged index is ours)."""
        return cls(path, open_database(path, INDEX, read_only=read_only, companion=companion))

    def verify(self, budget_s: float) -> None:
        """A bounded ``PRAGMA quick_check``: ArchiveError (rebuildable) when pages are damaged."""
        with self._lock:
            verify(self._conn, self.path, INDEX, budget_s)

    def close(self) -> None:
        """Close the connection (waits for a call in progress on another thread)."""
        with self._lock:
            self._conn.close()

    @contextmanager
    def guard(self) -> Iterator[sqlite3.Connection]:
        """The connection, for one thread at a time; SQLite failures become ArchiveError.

        Hold it only as long as one read or one transaction takes: a scan or a folder removal
        on another thread takes turns with the GUI thread's searches between briefings."""
        with self._lock:
            try:
                yield self._conn
            except (sqlite3.ProgrammingError, sqlite3.InterfaceError):
                raise
            except sqlite3.DatabaseError as err:
                raise self._error(err) from None

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """``guard()`` inside one read transaction: every read sees the index as it was at the
        first one, even while another process writes (a hit's cue and its briefing agree)."""
        with self.guard() as conn:
            if conn.in_transaction:  # already inside one (re-entrant use)
                yield conn
                return
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")

    def _error(self, err: sqlite3.DatabaseError) -> ArchiveError:
        where = str(self.path)
        if isinstance(err, sqlite3.OperationalError) and "locked" in str(err):
            return ArchiveError(
                f"the archive {where} is busy (another scan is writing to it); "
                "try again in a moment",
                path=where,
            )
        if isinstance(err, sqlite3.IntegrityError):  # a conflicting write, not damage
            return ArchiveError(
                f"a write to the archive {where} conflicted with another program writing it "
                f"({err}); try again",
                path=where,
            )
        if isinstance(err, sqlite3.OperationalError):  # disk full, read-only, ...
            return ArchiveError(f"cannot use the archive index {where}: {explain(err)}", path=where)
        return ArchiveError(
            f"the archive index {where} is damaged ({err}). Rebuild the index "
            "to start afresh (the file is moved aside, not deleted).",
            path=where,
            rebuildable=True,
        )

    # -- facts about the index -------------------------------------------------------------------

    def check(self) -> list[str]:
        """Run SQLite's integrity check and FTS5's; an empty list means the index is sound."""
        with self.guard() as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            conn.execute("INSERT INTO cues_fts(cues_fts, rank) VALUES('integrity-check', 1)")
        problems = [str(r[0]) for r in rows]
        return [] if problems == ["ok"] else problems

    def schema_version(self) -> int:
        """The index's ``PRAGMA user_version``."""
        with self.guard() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def cue_count(self) -> int:
        """Number of cues in the index."""
        with self.guard() as conn:
            return int(conn.execute("SELECT count(*) FROM cues").fetchone()[0])

    def known(self) -> dict[str, KnownBriefing]:
        """Every indexed briefing by path, as the scanner compares it with the disk."""
        with self.guard() as conn:
            return {
                from_db(str(r[0])): KnownBriefing(
                    from_db(str(r[1])), _stamps_from_db(r[2:7]), str(r[7])
                )
                for r in conn.execute(
                    "SELECT path, folder, size, mtime_ns, transcript_path, transcript_size, "
                    "transcript_mtime_ns, content_hash FROM briefings"
                )
            }

    def cues_of(self, briefing_id: int) -> list[tuple[int, int, int, str | None, str]]:
        """``(idx, start_ms, end_ms, speaker, text)`` of a briefing's indexed cues, in order."""
        with self.guard() as conn:
            row = conn.execute(
                "SELECT first_cue_id, cue_count FROM briefings WHERE id = ?", (briefing_id,)
            ).fetchone()
            if row is None or row[0] is None:
                return []
            return [
                (int(a), int(b), int(c), d, str(e))
                for a, b, c, d, e in conn.execute(
                    "SELECT idx, start_ms, end_ms, speaker, text FROM cues "
                    "WHERE id BETWEEN ? AND ? ORDER BY id",
                    (row[0], row[0] + row[1] - 1),
                )
            ]

    # -- writing briefings -----------------------------------------------------------------------
    #
    # Writers name a briefing by its path (unique) and read its cue range inside their own
    # transaction: what a scan learnt at its start may be stale by then (a folder removal on
    # another thread, ids reused), and a stale range would delete another briefing's cues.

    def write(self, entry: IndexedBriefing) -> int | None:
        """Insert the briefing at ``entry.path`` or replace it (its cues too), in one
        transaction; returns its id, or None when its folder is closed (being removed)."""
        with self.guard() as conn:
            if entry.folder in self._closed:
                return None
            with transaction(conn):
                current = self._current(conn, entry.path)
                if current is not None:
                    self._delete_cues(conn, current.first_cue_id, current.cue_count)
                    conn.execute(_UPDATE, (*entry.columns(), current.id))
                    bid = current.id
                else:
                    row = (to_db(entry.path), *entry.columns())
                    bid = int(conn.execute(_INSERT, row).lastrowid or 0)
                if entry.cues:
                    self._insert_cues(conn, bid, entry.cues)
        return bid

    def remember_stats(self, path: str, stamps: FileStamps) -> None:
        """Record new sizes and times of files whose content did not change (touched files),
        so the next scan skips them without hashing."""
        with self.guard() as conn, transaction(conn):
            conn.execute(
                "UPDATE briefings SET size = ?, mtime_ns = ?, transcript_path = ?, "
                "transcript_size = ?, transcript_mtime_ns = ? WHERE path = ?",
                (*_stamps_to_db(stamps), to_db(path)),
            )

    def delete(self, path: str) -> None:
        """Drop the briefing at ``path`` and its cues, in one transaction (none: no-op)."""
        with self.guard() as conn, transaction(conn):
            current = self._current(conn, path)
            if current is not None:
                self._delete_briefing(conn, current)

    def optimize(self) -> None:
        """Merge the FTS5 index into one segment (slow on a big archive; queries get faster)."""
        with self.guard() as conn:
            conn.execute("INSERT INTO cues_fts(cues_fts) VALUES('optimize')")

    # -- removing a folder -----------------------------------------------------------------------

    def close_folder(self, folder: str) -> None:
        """Refuse further ``write`` calls for briefings of ``folder`` (it is being removed)."""
        with self._lock:
            self._closed.add(folder)

    def open_folder(self, folder: str) -> None:
        """Accept ``write`` calls for ``folder`` again (it was added back, or its removal
        was cancelled)."""
        with self._lock:
            self._closed.discard(folder)

    def is_closed(self, folder: str) -> bool:
        """Whether ``folder`` is closed to writes (see ``close_folder``)."""
        with self._lock:
            return folder in self._closed

    def count_in_folder(self, folder: str) -> int:
        """How many briefings are recorded under ``folder``."""
        with self.guard() as conn:
            sql = "SELECT count(*) FROM briefings WHERE folder = ?"
            return int(conn.execute(sql, (to_db(folder),)).fetchone()[0])

    def folder_members(self, folder: str, limit: int) -> list[FolderMember]:
        """Up to ``limit`` briefings recorded under ``folder``, lowest id first."""
        with self.guard() as conn:
            return [
                FolderMember(int(r[0]), from_db(str(r[1])), r[2], int(r[3]))
                for r in conn.execute(
                    "SELECT id, path, first_cue_id, cue_count FROM briefings "
                    "WHERE folder = ? ORDER BY id LIMIT ?",
                    (to_db(folder), limit),
                )
            ]

    def release(self, members: Sequence[tuple[FolderMember, str | None]]) -> int:
        """In one transaction, hand each member to its new folder, or drop it (new folder None);
        returns how many were dropped. Each member is read again first (by path), so one that
        changed or went meanwhile is handled as it is now."""
        dropped = 0
        with self.guard() as conn, transaction(conn):
            for member, new_folder in members:
                current = self._current(conn, member.path)
                if current is None:
                    continue
                if new_folder is not None:
                    conn.execute(
                        "UPDATE briefings SET folder = ? WHERE id = ?",
                        (to_db(new_folder), current.id),
                    )
                else:
                    self._delete_briefing(conn, current)
                    dropped += 1
        return dropped

    # -- the cue ranges --------------------------------------------------------------------------

    @staticmethod
    def _insert_cues(conn: sqlite3.Connection, briefing_id: int, cues: Sequence[Cue]) -> None:
        first_id = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM cues").fetchone()[0])
        conn.executemany(
            "INSERT INTO cues(id, briefing_id, idx, start_ms, end_ms, speaker, text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    first_id + i,
                    briefing_id,
                    i,
                    c.start_ms,
                    c.end_ms,
                    c.speaker,
                    clean_cue_text(c.text),
                )
                for i, c in enumerate(cues)
            ],
        )
        conn.execute(
            "INSERT INTO cues_fts(rowid, text, speaker) "
            "SELECT id, text, speaker FROM cues WHERE id BETWEEN ? AND ?",
            (first_id, first_id + len(cues) - 1),
        )
        conn.execute(
            "UPDATE briefings SET first_cue_id = ?, cue_count = ? WHERE id = ?",
            (first_id, len(cues), briefing_id),
        )

    @staticmethod
    def _delete_cues(conn: sqlite3.Connection, first_id: int | None, count: int) -> None:
        if first_id is None or count <= 0:
            return
        last = first_id + count - 1
        conn.execute(
            "INSERT INTO cues_fts(cues_fts, rowid, text, speaker) "
            "SELECT 'delete', id, text, speaker FROM cues WHERE id BETWEEN ? AND ?",
            (first_id, last),
        )
        conn.execute("DELETE FROM cues WHERE id BETWEEN ? AND ?", (first_id, last))

    @classmethod
    def _delete_briefing(cls, conn: sqlite3.Connection, member: FolderMember) -> None:
        cls._delete_cues(conn, member.first_cue_id, member.cue_count)
        conn.execute("DELETE FROM briefings WHERE id = ?", (member.id,))

    @staticmethod
    def _current(conn: sqlite3.Connection, path: str) -> FolderMember | None:
        """The briefing at ``path`` and its cue range as they are now (inside a transaction)."""
        r = conn.execute(
            "SELECT id, path, first_cue_id, cue_count FROM briefings WHERE path = ?", (to_db(path),)
        ).fetchone()
        return None if r is None else FolderMember(int(r[0]), path, r[2], int(r[3]))
