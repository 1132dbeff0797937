"""The archive: every briefing in the user's folders in one SQLite + FTS5 library.

Two files, on purpose
---------------------
* ``archive.sqlite`` (the *index*): folders' briefings, their cues and the FTS5 full-text index.
  Everything in it is derived from files on disk, so it can always be thrown away and rebuilt.
* ``archive.user.sqlite`` (the *user data*, beside the index, name derived from the index's):
  the folders the user added, resume positions and bookmarks. A rebuild of the index never opens
  it for writing, so a corrupt index can never cost the user anything they wrote by hand.

Both use WAL, ``PRAGMA application_id`` to recognise our own files, and ``PRAGMA user_version``
with a list of migrations (``INDEX_MIGRATIONS``, ``USER_MIGRATIONS``): migration ``i`` brings a
database from version ``i`` to ``i + 1``. A file that is not ours, is damaged, or was written by a
newer version raises ``ArchiveError``; ``Archive.rebuild(db_path)`` moves the bad index aside as
``NAME.corrupt-YYYYmmdd-HHMMSS`` (never deletes it) and starts a fresh one.

Scanning
--------
``Archive.scan`` walks the folders (symlinked folders are followed once; loops, unreadable
folders and files that vanish are reported in ``ScanSummary.skipped`` and never stop the scan).
A briefing is a media file (``sidecar.MEDIA_EXTENSIONS``) with its preferred sidecar transcript,
or a transcript file that belongs to no media file. Media without a transcript are listed too.
A briefing whose media and transcript have the same size and mtime as last time is skipped
without reading it; when they differ, a content hash (BLAKE2b of the transcript, and of the media
file's first and last 4 MiB plus its size) decides whether it is re-indexed. Each briefing is
written in its own transaction, so a scan killed at any moment leaves a consistent index and the
next scan finishes the work. Briefings are dropped only when a complete listing of their folder
showed them gone (an unreadable folder or an unplugged disk drops nothing). Folder and file
names starting with "." are ignored.

Threads: an ``Archive`` may be shared between threads (e.g. the GUI thread and a QThread worker
running ``scan``). Calls are serialised per database file by internal locks, and a scan holds the
index lock only while it writes one briefing, so searches, listings and position saves from the
GUI thread are answered between briefings (the user-data file has its own lock and never waits
for a scan). One scan at a time per ``Archive``. A second ``Archive`` on the same path (another
thread or process) also works: WAL lets readers search while a scan writes. ``scan`` takes a
progress callback (called on the scanning thread, without any lock held) and a
``threading.Event`` to cancel.

Search
------
``Archive.search`` takes the FTS5 vocabulary (see ``archive_query``); hits come **grouped by
briefing** (briefings in the order they were indexed) **and in time order within a briefing**:
this is FTS5's natural rowid order, so the first page of a query that matches a million cues is
as fast as one that matches ten. ``snippet`` holds plain ``(before, match, after)`` strings and
``matches`` the character offsets of every match in ``text``; never markup.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import regex as _regex

from player.core.archive.query import QueryError, compile_query
from player.core.formats.load import load_transcript
from player.core.media import sidecar
from player.core.media.probe import probe_media
from player.core.model import Transcript, TranscriptWarning
from player.core.text.search import Hit
from player.core.text.search import fold as _fold
from player.core.text.search import snippet as _snippet

__all__ = [
    "INDEX_MIGRATIONS",
    "USER_MIGRATIONS",
    "Archive",
    "ArchiveError",
    "ArchiveHit",
    "Bookmark",
    "BriefingRow",
    "ScanProgress",
    "ScanSummary",
    "user_db_path_for",
]

INDEX_APP_ID = 0x42504C41  # "BPLA": Briefing Player Library Archive
USER_APP_ID = 0x42504C55  # "BPLU": Briefing Player Library User data

_TOKENIZE = "unicode61 remove_diacritics 2"

INDEX_MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: the initial schema.
    f"""
    CREATE TABLE briefings(
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        folder TEXT NOT NULL,
        has_media INTEGER NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        transcript_path TEXT,
        transcript_size INTEGER,
        transcript_mtime_ns INTEGER,
        content_hash TEXT NOT NULL,
        title TEXT NOT NULL,
        date TEXT NOT NULL,
        date_from_name INTEGER NOT NULL,
        duration_ms INTEGER,
        language TEXT,
        transcript_format TEXT,
        first_cue_id INTEGER,
        cue_count INTEGER NOT NULL DEFAULT 0,
        warning_count INTEGER NOT NULL DEFAULT 0,
        warnings TEXT NOT NULL DEFAULT '[]',
        error TEXT,
        indexed_at TEXT NOT NULL
    );
    CREATE INDEX briefings_folder ON briefings(folder);
    CREATE TABLE cues(
        id INTEGER PRIMARY KEY,
        briefing_id INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        speaker TEXT,
        text TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE cues_fts USING fts5(
        text, speaker, content='cues', content_rowid='id',
        tokenize='{_TOKENIZE}', prefix='2 3'
    );
    INSERT INTO cues_fts(cues_fts, rank) VALUES('automerge', 8);
    """,
    # 1 -> 2: mark machine-made transcripts (USERS.md, complaint 10).
    """
    ALTER TABLE briefings ADD COLUMN machine_generated INTEGER NOT NULL DEFAULT 0;
    """,
)

USER_MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1
    """
    CREATE TABLE folders(path TEXT PRIMARY KEY, added TEXT NOT NULL);
    CREATE TABLE positions(
        media_key TEXT PRIMARY KEY, position_ms INTEGER NOT NULL, updated TEXT NOT NULL
    );
    CREATE TABLE bookmarks(
        id INTEGER PRIMARY KEY,
        media_key TEXT NOT NULL,
        position_ms INTEGER NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL
    );
    CREATE INDEX bookmarks_media ON bookmarks(media_key, position_ms);
    """,
)

_MARK_START = "\x02"
_MARK_END = "\x03"
_MARK_CLEAN = str.maketrans({_MARK_START: "\ufffd", _MARK_END: "\ufffd"})
_DATE_IN_NAME = re.compile(
    r"(?<!\d)((?:19|20)\d\d)[-_. ]?(0[1-9]|1[0-2])[-_. ]?(0[1-9]|[12]\d|3[01])(?!\d)"
)
_HASH_SAMPLE = 4 * 1024 * 1024
REGEX_DEADLINE_S = 2.0
"""Time budget for one archive-wide regular-expression search (seconds)."""

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


@dataclass(slots=True)
class _Tally:
    seen: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    failed: int = 0
    cues: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Found:
    """A briefing found on disk during the walk."""

    path: str
    folder: str
    has_media: bool
    transcript: str | None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class _Known:
    id: int
    folder: str
    size: int
    mtime_ns: int
    transcript_path: str | None
    transcript_size: int | None
    transcript_mtime_ns: int | None
    content_hash: str
    first_cue_id: int | None
    cue_count: int


def user_db_path_for(db_path: str | os.PathLike[str]) -> Path:
    """The user-data file that goes with an index: ``archive.sqlite`` -> ``archive.user.sqlite``."""
    path = Path(db_path)
    suffix = path.suffix or ".sqlite"
    return path.with_name(f"{path.stem if path.suffix else path.name}.user{suffix}")


def _now_iso() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _norm(path: str | os.PathLike[str]) -> str:
    return os.path.normpath(os.path.abspath(os.fspath(path)))


# --- opening databases --------------------------------------------------------------------------


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        os.fspath(path), isolation_level=None, check_same_thread=False, timeout=10.0
    )
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def _open_db(
    path: Path, app_id: int, migrations: Sequence[str], what: str, rebuildable: bool
) -> sqlite3.Connection:
    """Open (creating or migrating) one of our databases, or raise ArchiveError."""
    where = os.fspath(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ArchiveError(
            f"cannot create the folder for the {what} {where}: {err.strerror or err}", path=where
        ) from None
    if path.is_dir():
        raise ArchiveError(f"the {what} {where} is a folder, not a database file", path=where)
    hint = (
        " Rebuild the index to start afresh (the file is moved aside, not deleted)."
        if rebuildable
        else " Move it away or choose another --db path; it holds your positions and bookmarks."
    )
    try:
        conn = _connect(path)
    except sqlite3.Error as err:
        raise ArchiveError(f"cannot open the {what} {where}: {err}", path=where) from None
    try:
        found_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        n_objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.OperationalError as err:  # locked, unreadable...: not the file's fault
        conn.close()
        raise ArchiveError(f"cannot use the {what} {where}: {err}", path=where) from None
    except sqlite3.DatabaseError as err:
        conn.close()
        reason = "is not a database file" if "not a database" in str(err) else f"is damaged ({err})"
        raise ArchiveError(
            f"the {what} {where} {reason}.{hint}", path=where, rebuildable=rebuildable
        ) from None
    try:
        if found_id == 0 and version == 0 and n_objects == 0:
            conn.execute(f"PRAGMA application_id = {app_id}")
        elif found_id != app_id:
            conn.close()
            raise ArchiveError(
                f"the {what} {where} belongs to another program (it is not a Briefing Player "
                f"file).{hint}",
                path=where,
                rebuildable=rebuildable,
            )
        if version > len(migrations):
            conn.close()
            raise ArchiveError(
                f"the {what} {where} was written by a newer version of Briefing Player "
                f"(schema {version}, this version knows up to {len(migrations)}).{hint}",
                path=where,
                rebuildable=rebuildable,
            )
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA cache_size = -32768")  # 32 MiB: FTS5 merges and big queries
        for target in range(version + 1, len(migrations) + 1):
            conn.execute("BEGIN IMMEDIATE")
            try:
                current = conn.execute("PRAGMA user_version").fetchone()[0]
                if current < target:  # another process may have migrated meanwhile
                    for statement in _split_sql(migrations[target - 1]):
                        conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {target}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
    except ArchiveError:
        raise
    except sqlite3.OperationalError as err:
        conn.close()
        raise ArchiveError(f"cannot use the {what} {where}: {err}", path=where) from None
    except sqlite3.DatabaseError as err:
        conn.close()
        raise ArchiveError(
            f"the {what} {where} is damaged ({err}).{hint}", path=where, rebuildable=rebuildable
        ) from None
    return conn


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (ours contain no ';' inside literals)."""
    return [s.strip() for s in script.split(";") if s.strip()]


# --- the archive --------------------------------------------------------------------------------


class Archive:
    """A library of briefings: folders, an FTS5 index of every cue, and the user's positions.

    Create with ``Archive.open(db_path)``; close with ``close()`` or a ``with`` block.
    """

    def __init__(
        self,
        db_path: Path,
        user_path: Path,
        conn: sqlite3.Connection,
        user_conn: sqlite3.Connection,
        preferred_languages: Sequence[str],
    ) -> None:
        self.db_path = db_path
        self.user_path = user_path
        self._conn = conn
        self._user = user_conn
        self._lock = threading.RLock()
        self._user_lock = threading.RLock()
        self._scan_lock = threading.Lock()
        self._preferred_languages = tuple(preferred_languages)
        conn.create_function("bp_speaker_is", 2, _speaker_is, deterministic=True)
        conn.create_function("bp_has_case", 2, _has_case, deterministic=True)

    # -- lifecycle -------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        db_path: str | os.PathLike[str],
        *,
        user_db_path: str | os.PathLike[str] | None = None,
        preferred_languages: Sequence[str] = (),
    ) -> Archive:
        """Open or create the archive at ``db_path`` (parent folders are created).

        The user-data file defaults to ``user_db_path_for(db_path)``. ``preferred_languages``
        (e.g. ``("en",)``) picks which sidecar transcript is indexed when there are several.
        Raises ArchiveError for a damaged, foreign or too-new file (see ``rebuildable``).
        """
        db = Path(db_path)
        user = Path(user_db_path) if user_db_path is not None else user_db_path_for(db)
        user_conn = _open_db(user, USER_APP_ID, USER_MIGRATIONS, "user-data file", False)
        try:
            conn = _open_db(db, INDEX_APP_ID, INDEX_MIGRATIONS, "archive index", True)
        except BaseException:
            user_conn.close()
            raise
        return cls(db, user, conn, user_conn, preferred_languages)

    @classmethod
    def rebuild(
        cls,
        db_path: str | os.PathLike[str],
        *,
        user_db_path: str | os.PathLike[str] | None = None,
        preferred_languages: Sequence[str] = (),
    ) -> Archive:
        """Move the index at ``db_path`` aside (``NAME.corrupt-<timestamp>``, with its -wal and
        -shm files) and open a fresh, empty one. The user-data file is left untouched, so the
        folders, positions and bookmarks survive; scan again to fill the index."""
        db = Path(db_path)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = db.with_name(f"{db.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = db.with_name(f"{db.name}.corrupt-{stamp}-{n}")
        try:
            if db.exists():
                os.replace(db, target)
            for extra in ("-wal", "-shm"):
                side = db.with_name(db.name + extra)
                if side.exists():
                    os.replace(side, target.with_name(target.name + extra))
        except OSError as err:
            raise ArchiveError(
                f"cannot move the damaged index {db} aside: {err.strerror or err}", path=str(db)
            ) from None
        return cls.open(db, user_db_path=user_db_path, preferred_languages=preferred_languages)

    def close(self) -> None:
        """Close both database connections."""
        with self._lock:
            self._conn.close()
            self._user.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _guard(self, *, user: bool = False) -> Iterator[None]:
        """Serialise calls per database and turn SQLite damage into ArchiveError.

        The index and the user-data file have separate locks, so saving a position is never
        held up by a scan running on another thread."""
        with self._user_lock if user else self._lock:
            try:
                yield
            except (sqlite3.ProgrammingError, sqlite3.InterfaceError):
                raise
            except sqlite3.DatabaseError as err:
                if user and isinstance(err, sqlite3.OperationalError):
                    raise ArchiveError(
                        f"cannot use the user-data file {self.user_path}: {err}",
                        path=str(self.user_path),
                    ) from None
                if user:
                    raise ArchiveError(
                        f"the user-data file {self.user_path} is damaged ({err}); it holds "
                        "your positions and bookmarks: move it away to start a new one",
                        path=str(self.user_path),
                    ) from None
                if isinstance(err, sqlite3.OperationalError) and "locked" in str(err):
                    raise ArchiveError(
                        f"the archive {self.db_path} is busy (another scan is writing to it); "
                        "try again in a moment",
                        path=str(self.db_path),
                    ) from None
                if isinstance(err, sqlite3.OperationalError):  # disk full, read-only, ...
                    raise ArchiveError(
                        f"cannot use the archive index {self.db_path}: {err}",
                        path=str(self.db_path),
                    ) from None
                raise ArchiveError(
                    f"the archive index {self.db_path} is damaged ({err}). Rebuild the index "
                    "to start afresh (the file is moved aside, not deleted).",
                    path=str(self.db_path),
                    rebuildable=True,
                ) from None

    @contextmanager
    def _transaction(self, conn: sqlite3.Connection) -> Iterator[None]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def check(self) -> list[str]:
        """Run SQLite's integrity check on the index; an empty list means it is sound."""
        with self._guard():
            rows = self._conn.execute("PRAGMA integrity_check").fetchall()
            self._conn.execute("INSERT INTO cues_fts(cues_fts, rank) VALUES('integrity-check', 1)")
        problems = [str(r[0]) for r in rows]
        return [] if problems == ["ok"] else problems

    def schema_version(self) -> int:
        """The index's ``PRAGMA user_version``."""
        with self._guard():
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    # -- folders ---------------------------------------------------------------------------------

    def add_folder(self, path: str | os.PathLike[str]) -> str:
        """Add a folder to the library (not scanned yet); returns its normalised path."""
        folder = _norm(path)
        with self._guard(user=True):
            self._user.execute(
                "INSERT OR IGNORE INTO folders(path, added) VALUES (?, ?)", (folder, _now_iso())
            )
        return folder

    def remove_folder(self, path: str | os.PathLike[str]) -> int:
        """Remove a folder and drop its briefings from the index (positions and bookmarks are
        kept). Briefings also inside another library folder are kept. Returns how many were
        dropped."""
        folder = _norm(path)
        with self._guard(user=True):
            self._user.execute("DELETE FROM folders WHERE path = ?", (folder,))
            others = [f for f in self._folders() if f != folder]
        with self._guard():
            rows = self._conn.execute(
                "SELECT id, path, first_cue_id, cue_count FROM briefings WHERE folder = ?",
                (folder,),
            ).fetchall()
            dropped = 0
            for bid, bpath, first, count in rows:
                owner = next((o for o in others if _is_under(bpath, o)), None)
                with self._transaction(self._conn):
                    if owner is not None:
                        self._conn.execute(
                            "UPDATE briefings SET folder = ? WHERE id = ?", (owner, bid)
                        )
                    else:
                        self._delete_briefing(bid, first, count)
                        dropped += 1
            return dropped

    def folders(self) -> list[str]:
        """The library's folders, sorted."""
        with self._guard(user=True):
            return self._folders()

    def _folders(self) -> list[str]:
        return [r[0] for r in self._user.execute("SELECT path FROM folders ORDER BY path")]

    # -- positions and bookmarks (user data) -----------------------------------------------------

    def get_position(self, path: str | os.PathLike[str]) -> int | None:
        """The resume position saved for a media file, in ms, or None."""
        with self._guard(user=True):
            row = self._user.execute(
                "SELECT position_ms FROM positions WHERE media_key = ?", (_norm(path),)
            ).fetchone()
        return None if row is None else int(row[0])

    def set_position(self, path: str | os.PathLike[str], position_ms: int) -> None:
        """Save the resume position for a media file (ms, clamped at 0)."""
        with self._guard(user=True):
            self._user.execute(
                "INSERT INTO positions(media_key, position_ms, updated) VALUES (?, ?, ?) "
                "ON CONFLICT(media_key) DO UPDATE SET position_ms = excluded.position_ms, "
                "updated = excluded.updated",
                (_norm(path), max(0, int(position_ms)), _now_iso()),
            )

    def add_bookmark(
        self, path: str | os.PathLike[str], position_ms: int, label: str = "", note: str = ""
    ) -> int:
        """Add a bookmark; returns its id."""
        with self._guard(user=True):
            cur = self._user.execute(
                "INSERT INTO bookmarks(media_key, position_ms, label, note, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (_norm(path), max(0, int(position_ms)), label, note, _now_iso()),
            )
            return int(cur.lastrowid or 0)

    def bookmarks(self, path: str | os.PathLike[str]) -> list[Bookmark]:
        """The bookmarks of a media file, by position."""
        with self._guard(user=True):
            rows = self._user.execute(
                "SELECT id, media_key, position_ms, label, note, created FROM bookmarks "
                "WHERE media_key = ? ORDER BY position_ms, id",
                (_norm(path),),
            ).fetchall()
        return [Bookmark(*r) for r in rows]

    def set_bookmark_note(self, bookmark_id: int, note: str) -> None:
        """Replace a bookmark's note."""
        with self._guard(user=True):
            self._user.execute("UPDATE bookmarks SET note = ? WHERE id = ?", (note, bookmark_id))

    def remove_bookmark(self, bookmark_id: int) -> None:
        """Delete a bookmark by id."""
        with self._guard(user=True):
            self._user.execute("DELETE FROM bookmarks WHERE id = ?", (bookmark_id,))

    # -- listing ---------------------------------------------------------------------------------

    _COLUMNS = (
        "id, path, folder, has_media, title, date, date_from_name, duration_ms, transcript_path, "
        "language, transcript_format, cue_count, warnings, error, machine_generated, size, "
        "mtime_ns, indexed_at"
    )

    def _row(self, r: Sequence[Any], positions: dict[str, int] | None = None) -> BriefingRow:
        warnings = tuple(
            TranscriptWarning(w.get("line"), str(w.get("message", ""))) for w in json.loads(r[12])
        )
        path = str(r[1])
        if positions is None:
            with self._guard(user=True):  # lock order: index, then user data; never reversed
                pos_row = self._user.execute(
                    "SELECT position_ms FROM positions WHERE media_key = ?", (path,)
                ).fetchone()
            position = None if pos_row is None else int(pos_row[0])
        else:
            position = positions.get(path)
        return BriefingRow(
            id=int(r[0]),
            path=path,
            folder=str(r[2]),
            has_media=bool(r[3]),
            title=str(r[4]),
            date=str(r[5]),
            date_from_name=bool(r[6]),
            duration_ms=r[7],
            transcript_path=r[8],
            language=r[9],
            transcript_format=r[10],
            cue_count=int(r[11]),
            warnings=warnings,
            error=r[13],
            machine_generated=bool(r[14]),
            size=int(r[15]),
            mtime_ns=int(r[16]),
            indexed_at=str(r[17]),
            position_ms=position,
        )

    def briefings(
        self,
        filter_text: str | None = None,
        order_by: OrderBy = "date",
        *,
        descending: bool = False,
    ) -> list[BriefingRow]:
        """All briefings, optionally only those whose title, path or language contain
        ``filter_text`` (ignoring case and accents), sorted by ``order_by`` then path."""
        with self._guard(user=True):
            positions = {
                str(k): int(v)
                for k, v in self._user.execute("SELECT media_key, position_ms FROM positions")
            }
        with self._guard():
            rows = [
                self._row(r, positions)
                for r in self._conn.execute(f"SELECT {self._COLUMNS} FROM briefings")
            ]
        if filter_text and filter_text.strip():
            needle = _fold(filter_text.strip())
            rows = [
                b
                for b in rows
                if needle in _fold(b.title)
                or needle in _fold(b.path)
                or needle in _fold(b.language or "")
            ]
        key = _SORT_KEYS.get(order_by)
        if key is None:
            raise ArchiveError(f"cannot sort briefings by {order_by!r}")
        rows.sort(key=lambda b: b.path)
        rows.sort(key=key, reverse=descending)
        return rows

    def briefing(self, path_or_id: str | int) -> BriefingRow | None:
        """One briefing by id or by (media or transcript-only) path, or None."""
        with self._guard():
            if isinstance(path_or_id, int):
                r = self._conn.execute(
                    f"SELECT {self._COLUMNS} FROM briefings WHERE id = ?", (path_or_id,)
                ).fetchone()
            else:
                r = self._conn.execute(
                    f"SELECT {self._COLUMNS} FROM briefings WHERE path = ?", (_norm(path_or_id),)
                ).fetchone()
            return None if r is None else self._row(r)

    def cue_count(self) -> int:
        """Number of cues in the index."""
        with self._guard():
            return int(self._conn.execute("SELECT count(*) FROM cues").fetchone()[0])

    # -- search ----------------------------------------------------------------------------------

    def _match_expression(self, query: str, speaker: str | None) -> tuple[str, tuple[str, ...]]:
        try:
            compiled = compile_query(query)
        except QueryError as err:
            raise ArchiveError(str(err)) from None
        expression = f"text : ({compiled.expression})"
        if speaker is not None and speaker.strip():
            words = " ".join(speaker.split())
            if not re.search(r"\w", words):
                raise ArchiveError(f"the speaker name {speaker!r} has no letters or digits")
            quoted = '"' + words.replace('"', '""') + '"'
            expression = f"({expression}) AND (speaker : {quoted})"
        return expression, compiled.literals

    def search(
        self,
        query: str,
        *,
        speaker: str | None = None,
        limit: int | None = 50,
        offset: int = 0,
        case_sensitive: bool = False,
    ) -> list[ArchiveHit]:
        """Cues matching ``query`` (FTS5 syntax for users, see ``archive_query``).

        Order: grouped by briefing, in time order within each (see the module docstring).
        ``speaker`` keeps cues whose speakers include that name (ignoring case and accents).
        ``case_sensitive`` additionally requires each searched word/phrase with the same case
        (accents still ignored). ``limit`` None returns all hits. Raises ArchiveError only when
        the query has nothing searchable in it.
        """
        where, params = self._search_filter(query, speaker, case_sensitive)
        sql = (
            f"{self._HIT_SELECT} WHERE {' AND '.join(where)} "
            "ORDER BY cues_fts.rowid LIMIT ? OFFSET ?"
        )
        params += [-1 if limit is None else max(0, int(limit)), max(0, int(offset))]
        with self._guard():
            rows = self._conn.execute(sql, params).fetchall()
            return self._hits(rows, {})

    def iter_search(
        self,
        query: str,
        *,
        speaker: str | None = None,
        case_sensitive: bool = False,
        batch: int = 500,
    ) -> Iterator[ArchiveHit]:
        """Every hit of ``search``, in the same order, fetched lazily in batches (for the CLI
        and for "show all"); the lock is held only while a batch is read."""
        where, params = self._search_filter(query, speaker, case_sensitive)
        sql = (
            f"{self._HIT_SELECT} WHERE {' AND '.join(where)} AND cues_fts.rowid > ? "
            "ORDER BY cues_fts.rowid LIMIT ?"
        )
        last = 0
        briefs: dict[int, BriefingRow] = {}
        while True:
            with self._guard():
                rows = self._conn.execute(sql, [*params, last, batch]).fetchall()
                if not rows:
                    return
                last = int(rows[-1][0])
                hits = self._hits(rows, briefs)
            yield from hits
            if len(rows) < batch:
                return

    _HIT_SELECT = (
        "SELECT c.id, c.briefing_id, c.idx, c.start_ms, c.end_ms, c.speaker, c.text, "
        f"highlight(cues_fts, 0, '{_MARK_START}', '{_MARK_END}') "
        "FROM cues_fts JOIN cues c ON c.id = cues_fts.rowid"
    )

    def _search_filter(
        self, query: str, speaker: str | None, case_sensitive: bool
    ) -> tuple[list[str], list[Any]]:
        expression, literals = self._match_expression(query, speaker)
        where = ["cues_fts MATCH ?"]
        params: list[Any] = [expression]
        if speaker is not None and speaker.strip():
            where.append("bp_speaker_is(c.speaker, ?)")
            params.append(_fold(" ".join(speaker.split())))
        if case_sensitive and literals:
            for literal in literals:
                where.append("bp_has_case(c.text, ?)")
                params.append(literal)
        return where, params

    def _hits(
        self, rows: Sequence[Sequence[Any]], briefs: dict[int, BriefingRow]
    ) -> list[ArchiveHit]:
        """ArchiveHits for rows of ``_HIT_SELECT``; ``briefs`` caches BriefingRows by id."""
        ids = sorted({int(r[1]) for r in rows} - briefs.keys())
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start : chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            for r in self._conn.execute(
                f"SELECT {self._COLUMNS} FROM briefings WHERE id IN ({marks})", chunk
            ):
                briefs[int(r[0])] = self._row(r)
        hits = []
        for _cid, bid, idx, start_ms, end_ms, spk, text, marked in rows:
            matches = _marked_spans(marked)
            first = matches[0] if matches else (0, 0)
            hits.append(
                ArchiveHit(
                    briefing=briefs[int(bid)],
                    cue_idx=int(idx),
                    start_ms=int(start_ms),
                    end_ms=int(end_ms),
                    speaker=spk,
                    text=text,
                    snippet=_snippet(text, Hit(int(idx), first[0], first[1])),
                    matches=matches,
                )
            )
        return hits

    def count(self, query: str, *, speaker: str | None = None) -> int:
        """How many cues match (for "N hits"); costs a full pass over the matches."""
        expression, _ = self._match_expression(query, speaker)
        sql = "SELECT count(*) FROM cues_fts WHERE cues_fts MATCH ?"
        params: list[Any] = [expression]
        if speaker is not None and speaker.strip():
            sql = (
                "SELECT count(*) FROM cues_fts JOIN cues c ON c.id = cues_fts.rowid "
                "WHERE cues_fts MATCH ? AND bp_speaker_is(c.speaker, ?)"
            )
            params.append(_fold(" ".join(speaker.split())))
        with self._guard():
            return int(self._conn.execute(sql, params).fetchone()[0])

    def search_regex(
        self,
        pattern: str,
        *,
        speaker: str | None = None,
        case_sensitive: bool = False,
        limit: int | None = 50,
        offset: int = 0,
        deadline_s: float = REGEX_DEADLINE_S,
    ) -> list[ArchiveHit]:
        """Cues whose text matches a Python regular expression (a full scan of every cue,
        about a second per million cues; same order as ``search``). Raises ArchiveError for
        an invalid pattern, or when matching takes longer than ``deadline_s`` in all: patterns
        run in the ``regex`` module with a time limit, because a catastrophically backtracking
        pattern in ``re`` can neither be interrupted nor release the GIL."""
        try:
            regex = _regex.compile(
                pattern, _regex.V0 | (0 if case_sensitive else _regex.IGNORECASE)
            )
        except _regex.error as err:
            raise ArchiveError(f"invalid regular expression {pattern!r}: {err}") from None
        deadline = time.monotonic() + deadline_s
        wanted = _fold(" ".join(speaker.split())) if speaker and speaker.strip() else None
        stop = None if limit is None else max(0, offset) + max(0, limit)
        found: list[tuple[Any, ...]] = []
        with self._guard():
            cur = self._conn.execute(
                "SELECT briefing_id, idx, start_ms, end_ms, speaker, text FROM cues ORDER BY id"
            )
            for row in cur:
                if wanted is not None and not _speaker_is(row[4], wanted):
                    continue
                remaining = deadline - time.monotonic()
                try:
                    if remaining <= 0:
                        raise TimeoutError
                    spans = tuple(
                        (m.start(), m.end())
                        for m in regex.finditer(row[5], concurrent=True, timeout=remaining)
                        if m.end() > m.start()
                    )
                except TimeoutError:
                    cur.close()
                    raise ArchiveError(
                        f"the regular expression {pattern!r} took longer than {deadline_s:g} s; "
                        "simplify it (nested repeats like (a+)+ are very slow)"
                    ) from None
                if spans:
                    found.append((*row, spans))
                    if stop is not None and len(found) >= stop:
                        break
            cur.close()
            found = found[max(0, offset) :]
            ids = sorted({int(r[0]) for r in found})
            briefs = {i: b for i in ids if (b := self.briefing(i)) is not None}
        return [
            ArchiveHit(
                briefing=briefs[int(r[0])],
                cue_idx=int(r[1]),
                start_ms=int(r[2]),
                end_ms=int(r[3]),
                speaker=r[4],
                text=r[5],
                snippet=_snippet(r[5], Hit(int(r[1]), r[6][0][0], r[6][0][1])),
                matches=r[6],
            )
            for r in found
        ]

    def cues_of(self, briefing_id: int) -> list[tuple[int, int, int, str | None, str]]:
        """``(idx, start_ms, end_ms, speaker, text)`` of a briefing's indexed cues, in order."""
        with self._guard():
            row = self._conn.execute(
                "SELECT first_cue_id, cue_count FROM briefings WHERE id = ?", (briefing_id,)
            ).fetchone()
            if row is None or row[0] is None:
                return []
            return [
                (int(a), int(b), int(c), d, str(e))
                for a, b, c, d, e in self._conn.execute(
                    "SELECT idx, start_ms, end_ms, speaker, text FROM cues "
                    "WHERE id BETWEEN ? AND ? ORDER BY id",
                    (row[0], row[0] + row[1] - 1),
                )
            ]

    # -- scanning --------------------------------------------------------------------------------

    def scan(
        self,
        progress: Callable[[ScanProgress], None] | None = None,
        cancel: threading.Event | None = None,
        *,
        folders: Sequence[str | os.PathLike[str]] | None = None,
    ) -> ScanSummary:
        """Bring the index up to date with the library folders (or only ``folders``, which must
        have been added). Safe to cancel (``cancel.set()``) or kill at any moment: each briefing
        is committed on its own and the next scan continues. Never raises for bad files; an
        ArchiveError means the index itself failed."""
        started = time.perf_counter()
        tally = _Tally()
        with self._scan_lock:
            with self._guard(user=True):
                roots = self._folders() if folders is None else [_norm(f) for f in folders]
            with self._guard():
                known = self._known()
            cancelled = False
            for root in roots:
                if cancel is not None and cancel.is_set():
                    cancelled = True
                    break
                cancelled = self._scan_root(root, known, tally, progress, cancel)
                if cancelled:
                    break
        return ScanSummary(
            seen=tally.seen,
            added=tally.added,
            updated=tally.updated,
            removed=tally.removed,
            failed=tally.failed,
            skipped=tuple(tally.skipped),
            cues_indexed=tally.cues,
            seconds=time.perf_counter() - started,
            cancelled=cancelled,
        )

    def _known(self) -> dict[str, _Known]:
        return {
            str(r[0]): _Known(*r[1:])
            for r in self._conn.execute(
                "SELECT path, id, folder, size, mtime_ns, transcript_path, transcript_size, "
                "transcript_mtime_ns, content_hash, first_cue_id, cue_count FROM briefings"
            )
        }

    def _scan_root(
        self,
        root: str,
        known: dict[str, _Known],
        tally: _Tally,
        progress: Callable[[ScanProgress], None] | None,
        cancel: threading.Event | None,
    ) -> bool:
        """Scan one library folder; returns True if cancelled."""
        if not os.path.isdir(root):
            reason = (
                "folder not found (is the disk connected?)"
                if not os.path.exists(root)
                else ("not a folder")
            )
            tally.skipped.append((root, reason + "; its briefings are kept"))
            return False
        walk = _walk(root, tally.skipped, progress, cancel, self._preferred_languages)
        if walk is None:
            return True
        found, complete_dirs = walk
        total = len(found)
        seen_paths: set[str] = set()
        for n, item in enumerate(found):
            if progress is not None:
                progress(
                    ScanProgress(
                        "indexing", n, total, item.path, tally.added, tally.updated, tally.cues
                    )
                )
            if cancel is not None and cancel.is_set():
                return True
            if self._scan_one(item, known.get(item.path), tally):
                seen_paths.add(item.path)
        if progress is not None:
            progress(
                ScanProgress("removing", total, total, None, tally.added, tally.updated, tally.cues)
            )
        for path, old in list(known.items()):
            if old.folder != root or path in seen_paths:
                continue
            if os.path.dirname(path) not in complete_dirs and not _parent_gone(
                path, root, complete_dirs
            ):
                continue  # its folder could not be listed: keep it
            with self._guard(), self._transaction(self._conn):
                self._delete_briefing(old.id, old.first_cue_id, old.cue_count)
            del known[path]
            tally.removed += 1
        return False

    def _scan_one(self, item: _Found, old: _Known | None, tally: _Tally) -> bool:
        """Index or skip one briefing; returns False if its file vanished."""
        try:
            media_st = os.stat(item.path)
        except OSError as err:
            tally.skipped.append((item.path, _vanished(err)))
            return False
        if not stat.S_ISREG(media_st.st_mode):
            tally.skipped.append((item.path, "not a regular file"))
            return False
        t_size: int | None = None
        t_mtime: int | None = None
        transcript = item.transcript
        if transcript is not None and transcript != item.path:
            try:
                t_st = os.stat(transcript)
                t_size, t_mtime = t_st.st_size, t_st.st_mtime_ns
            except OSError:
                transcript = None  # vanished: index the media alone, next scan catches up
        elif transcript is not None:
            t_size, t_mtime = media_st.st_size, media_st.st_mtime_ns
        tally.seen += 1
        if (
            old is not None
            and old.size == media_st.st_size
            and old.mtime_ns == media_st.st_mtime_ns
            and old.transcript_path == transcript
            and old.transcript_size == t_size
            and old.transcript_mtime_ns == t_mtime
        ):
            return True
        try:
            digest = _content_hash(item.path, transcript if transcript != item.path else None)
        except OSError as err:
            tally.skipped.append((item.path, _vanished(err)))
            tally.seen -= 1
            return False
        if old is not None and old.content_hash == digest and old.transcript_path == transcript:
            # Touched, not changed: remember the new stats so the next scan skips it cheaply.
            with self._guard(), self._transaction(self._conn):
                self._conn.execute(
                    "UPDATE briefings SET size = ?, mtime_ns = ?, transcript_size = ?, "
                    "transcript_mtime_ns = ? WHERE id = ?",
                    (media_st.st_size, media_st.st_mtime_ns, t_size, t_mtime, old.id),
                )
            return True
        loaded: Transcript | None = None
        error: str | None = None
        if transcript is not None:
            try:
                loaded = load_transcript(transcript)
            except Exception as err:
                error = _load_error(err)
        if error is not None:
            tally.failed += 1
            tally.skipped.append((transcript or item.path, error))
        elif loaded is not None and loaded.warnings:
            first = loaded.warnings[0]
            where = f"{transcript}:{first.line}" if first.line is not None else f"{transcript}"
            more = len(loaded.warnings) - 1
            tally.skipped.append(
                (where, first.message + (f" (and {more} more load warnings)" if more else ""))
            )
        info = probe_media(item.path) if item.has_media else None
        title = (info.title if info is not None else None) or _title_from_name(item.path)
        date, from_name = _date_for(item.path, media_st.st_mtime)
        duration = info.duration_ms if info is not None else None
        if duration is None and not item.has_media and loaded is not None and loaded.cues:
            duration = max(c.end_ms for c in loaded.cues)
        warnings_json = json.dumps(
            [{"line": w.line, "message": w.message} for w in (loaded.warnings if loaded else ())],
            ensure_ascii=False,
        )
        cues = loaded.cues if loaded is not None else ()
        values = (
            item.folder,
            int(item.has_media),
            media_st.st_size,
            media_st.st_mtime_ns,
            transcript,
            t_size,
            t_mtime,
            digest,
            title,
            date,
            int(from_name),
            duration,
            (loaded.language if loaded is not None else None) or item.language,
            loaded.format if loaded is not None else None,
            len(loaded.warnings) if loaded is not None else 0,
            warnings_json,
            error,
            _now_iso(),
            int(loaded.machine_generated) if loaded is not None else 0,
        )
        with self._guard(), self._transaction(self._conn):
            if old is not None:
                self._delete_cues(old.first_cue_id, old.cue_count)
                self._conn.execute(
                    "UPDATE briefings SET folder=?, has_media=?, size=?, mtime_ns=?, "
                    "transcript_path=?, transcript_size=?, transcript_mtime_ns=?, "
                    "content_hash=?, title=?, date=?, date_from_name=?, duration_ms=?, "
                    "language=?, transcript_format=?, warning_count=?, warnings=?, error=?, "
                    "indexed_at=?, machine_generated=?, first_cue_id=NULL, cue_count=0 "
                    "WHERE id=?",
                    (*values, old.id),
                )
                bid = old.id
            else:
                cur = self._conn.execute(
                    "INSERT INTO briefings(path, folder, has_media, size, mtime_ns, "
                    "transcript_path, transcript_size, transcript_mtime_ns, content_hash, "
                    "title, date, date_from_name, duration_ms, language, transcript_format, "
                    "warning_count, warnings, error, indexed_at, machine_generated) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (item.path, *values),
                )
                bid = int(cur.lastrowid or 0)
            first_id: int | None = None
            if cues:
                first_id = int(
                    self._conn.execute("SELECT coalesce(max(id), 0) + 1 FROM cues").fetchone()[0]
                )
                self._conn.executemany(
                    "INSERT INTO cues(id, briefing_id, idx, start_ms, end_ms, speaker, text) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            first_id + i,
                            bid,
                            i,
                            c.start_ms,
                            c.end_ms,
                            c.speaker,
                            _clean(c.text),
                        )
                        for i, c in enumerate(cues)
                    ],
                )
                self._conn.execute(
                    "INSERT INTO cues_fts(rowid, text, speaker) "
                    "SELECT id, text, speaker FROM cues WHERE id BETWEEN ? AND ?",
                    (first_id, first_id + len(cues) - 1),
                )
                self._conn.execute(
                    "UPDATE briefings SET first_cue_id = ?, cue_count = ? WHERE id = ?",
                    (first_id, len(cues), bid),
                )
        tally.cues += len(cues)
        if old is None:
            tally.added += 1
        else:
            tally.updated += 1
        return True

    def _delete_cues(self, first_id: int | None, count: int) -> None:
        if first_id is None or count <= 0:
            return
        last = first_id + count - 1
        self._conn.execute(
            "INSERT INTO cues_fts(cues_fts, rowid, text, speaker) "
            "SELECT 'delete', id, text, speaker FROM cues WHERE id BETWEEN ? AND ?",
            (first_id, last),
        )
        self._conn.execute("DELETE FROM cues WHERE id BETWEEN ? AND ?", (first_id, last))

    def _delete_briefing(self, bid: int, first_id: int | None, count: int) -> None:
        self._delete_cues(first_id, count)
        self._conn.execute("DELETE FROM briefings WHERE id = ?", (bid,))

    def optimize(self) -> None:
        """Merge the FTS5 index into one segment (slow on a big archive; queries get faster)."""
        with self._guard():
            self._conn.execute("INSERT INTO cues_fts(cues_fts) VALUES('optimize')")


# --- helpers ------------------------------------------------------------------------------------


def _walk(
    root: str,
    skipped: list[tuple[str, str]],
    progress: Callable[[ScanProgress], None] | None,
    cancel: threading.Event | None,
    preferred_languages: Sequence[str] = (),
) -> tuple[list[_Found], set[str]] | None:
    """List ``root`` recursively; returns the briefings found and the folders listed completely
    (None if cancelled). Problems go to ``skipped``."""
    media: list[str] = []
    transcripts_by_dir: dict[str, list[str]] = {}
    subdirs_by_dir: dict[str, list[str]] = {}
    complete: set[str] = set()
    visited: set[tuple[int, int]] = set()
    try:
        st = os.stat(root)
        visited.add((st.st_dev, st.st_ino))
    except OSError as err:
        skipped.append((root, f"cannot read folder: {err.strerror or err}"))
        return [], complete
    stack = [root]
    listed = 0
    while stack:
        if cancel is not None and cancel.is_set():
            return None
        folder = stack.pop()
        listed += 1
        if progress is not None and listed % 25 == 1:
            progress(ScanProgress("listing", listed, None, folder))
        names: list[str] = []
        subdirs: list[str] = []
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as err:
            skipped.append((folder, f"cannot read folder: {err.strerror or err}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = os.path.join(folder, entry.name)
            try:
                is_dir = entry.is_dir()
                is_file = not is_dir and entry.is_file()
            except OSError as err:
                skipped.append((path, _vanished(err)))
                continue
            if is_dir:
                try:
                    dst = entry.stat()
                except OSError as err:
                    skipped.append((path, _vanished(err)))
                    continue
                key = (dst.st_dev, dst.st_ino)
                if key in visited:
                    skipped.append(
                        (path, "symlink loop or folder already scanned through another link")
                    )
                    continue
                visited.add(key)
                subdirs.append(entry.name)
                stack.append(path)
            elif is_file:
                ext = os.path.splitext(entry.name)[1].lower()
                if ext in sidecar.MEDIA_EXTENSIONS:
                    media.append(path)
                elif ext in sidecar.TRANSCRIPT_EXTENSIONS:
                    names.append(entry.name)
            elif entry.is_symlink():
                skipped.append((path, "broken link"))
        complete.add(folder)
        transcripts_by_dir[folder] = names
        subdirs_by_dir[folder] = subdirs
    return _pair(root, media, transcripts_by_dir, subdirs_by_dir, preferred_languages), complete


def _pair(
    root: str,
    media: list[str],
    transcripts_by_dir: dict[str, list[str]],
    subdirs_by_dir: dict[str, list[str]],
    preferred_languages: Sequence[str] = (),
) -> list[_Found]:
    """Match media files with their sidecar transcripts; unclaimed transcripts stand alone."""
    stems: dict[str, set[str]] = {}

    def stem_keys(folder: str) -> set[str]:
        keys = stems.get(folder)
        if keys is None:
            keys = set()
            pools = [transcripts_by_dir.get(folder, [])]
            for sub in subdirs_by_dir.get(folder, []):
                if sub.casefold() in sidecar.SIDECAR_FOLDERS:
                    pools.append(transcripts_by_dir.get(os.path.join(folder, sub), []))
            for pool in pools:
                for name in pool:
                    folded = name.casefold()
                    keys.update(folded[:i] for i, ch in enumerate(folded) if ch == ".")
            stems[folder] = keys
        return keys

    claimed: set[str] = set()
    found: list[_Found] = []
    for path in sorted(media):
        folder, name = os.path.split(path)
        transcript: str | None = None
        if os.path.splitext(name)[0].casefold() in stem_keys(folder):
            candidates = sidecar.find_sidecars(Path(path))
            claimed.update(os.fspath(c.path) for c in candidates)
            best = sidecar.preferred_transcript(candidates, preferred_languages)
            if best is not None:
                found.append(_Found(path, root, True, os.fspath(best.path), best.language))
                continue
        found.append(_Found(path, root, True, transcript))
    for folder, names in transcripts_by_dir.items():
        for name in names:
            path = os.path.join(folder, name)
            if path in claimed or sidecar.is_chapters_name(name):
                continue
            tail = os.path.splitext(name)[0].rpartition(".")[2]
            language = sidecar.normalize_language_tag(tail) if "." in name[:-4] else None
            found.append(_Found(path, root, False, path, language))
    found.sort(key=lambda f: f.path)
    return found


def _is_under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _parent_gone(path: str, root: str, complete: set[str]) -> bool:
    """True if ``path``'s folder is gone: its nearest existing ancestor was listed completely."""
    folder = os.path.dirname(path)
    while _is_under(folder, root):
        if os.path.isdir(folder):
            return folder in complete
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return False


def _vanished(err: OSError) -> str:
    if isinstance(err, FileNotFoundError):
        return "vanished during the scan"
    return f"cannot read: {err.strerror or err}"


def _content_hash(media: str, transcript: str | None) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with open(media, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        digest.update(str(size).encode())
        if size <= 2 * _HASH_SAMPLE:
            digest.update(fh.read())
        else:
            digest.update(fh.read(_HASH_SAMPLE))
            fh.seek(size - _HASH_SAMPLE)
            digest.update(fh.read(_HASH_SAMPLE))
    digest.update(b"\0transcript\0")
    if transcript is not None:
        with open(transcript, "rb") as fh:
            digest.update(os.fsencode(transcript))
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _load_error(err: Exception) -> str:
    if isinstance(err, FileNotFoundError):
        return "transcript vanished during the scan"
    if isinstance(err, OSError):
        return f"cannot read transcript: {err.strerror or err}"
    if isinstance(err, UnicodeError):
        return f"cannot decode transcript text: {err}"
    text = str(err) or type(err).__name__
    return f"transcript not loaded: {text}"


def _title_from_name(path: str) -> str:
    stem = os.path.splitext(os.path.basename(path))[0]
    base, dot, tail = stem.rpartition(".")
    if dot and base and sidecar.normalize_language_tag(tail) is not None:
        stem = base
    return stem


def _date_for(path: str, mtime: float) -> tuple[str, bool]:
    for m in _DATE_IN_NAME.finditer(os.path.basename(path)):
        try:
            return _dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat(), True
        except ValueError:
            continue
    try:
        return _dt.date.fromtimestamp(mtime).isoformat(), False
    except (OverflowError, OSError, ValueError):
        return "1970-01-01", False


def _clean(text: str) -> str:
    """Cue text without the two control characters that mark matches in ``highlight()``."""
    if _MARK_START in text or _MARK_END in text:
        return text.translate(_MARK_CLEAN)
    return text


def _speaker_is(speaker: str | None, wanted: str) -> bool:
    if not speaker:
        return False
    return any(" ".join(_fold(name).split()) == wanted for name in speaker.split(", "))


def _has_case(text: str, literal: str) -> bool:
    haystack = " ".join(_fold(text, casefold=False).split())
    return " ".join(_fold(literal, casefold=False).split()) in haystack


def _marked_spans(marked: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    pos = 0
    start = -1
    for ch in marked:
        if ch == _MARK_START:
            start = pos
        elif ch == _MARK_END:
            if start >= 0 and pos > start:
                spans.append((start, pos))
            start = -1
        else:
            pos += 1
    return tuple(spans)


_SORT_KEYS: dict[str, Callable[[BriefingRow], Any]] = {
    "title": lambda b: _fold(b.title),
    "date": lambda b: b.date,
    "duration": lambda b: (b.duration_ms is None, b.duration_ms or 0),
    "path": lambda b: b.path,
    "language": lambda b: (b.language is None, b.language or ""),
    "position": lambda b: (b.position_ms is None, b.position_ms or 0),
    "indexed": lambda b: b.indexed_at,
}
