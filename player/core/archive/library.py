"""The archive: every briefing in the user's folders in one SQLite + FTS5 library.

``Archive`` is the facade the UI and the command line use; the work is done by the package's
modules, one job each:

* ``schema``: the two files (index and user data), their migrations, opening and checking them;
* ``user_store``: folders, resume positions and bookmarks (``Archive.user_store``);
* ``index_store``: writes to the index (briefings, cues, FTS5);
* ``walk`` and ``scanner``: finding briefings on disk and bringing the index up to date;
* ``listing`` and ``search``: reading the library back; ``query``: the search box's syntax;
* ``records``: the values handed out (``BriefingRow``, ``ArchiveHit``...) and ``ArchiveError``.

Threads: an ``Archive`` may be shared between threads (e.g. the GUI thread, a worker running
``scan`` or ``remove_folder``, and workers running searches). Each database connection is used
by one thread at a time: every call takes the lock of the store it reads or writes, and the
long jobs (a scan, a folder removal) hold the index lock only while they write one briefing or
one chunk, so searches, listings and position saves from the GUI thread are answered in between
(the user-data file has its own lock and never waits for a scan). One scan at a time writes an
index, also across processes (``files.ScanLock``: a second scan waits). A second ``Archive`` on
the same path (another thread or process) also works: WAL lets readers search while a scan
writes, and a search reads its hits and their briefings in one snapshot.

Files (see ``files``): ours are recognised by their header and never mixed up with another
program's; they are private (0600, folders 0700) and created atomically; ``rebuild`` builds the
new index before it moves the old one aside; ``open(read_only=True)`` writes nothing anywhere
and works in a read-only folder; ``open(verify_s=...)`` checks every page within a budget.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from player.core.archive import files
from player.core.archive.index_store import FolderMember, IndexStore
from player.core.archive.listing import briefing_by_key, list_briefings
from player.core.archive.records import (
    ArchiveError,
    ArchiveHit,
    Bookmark,
    BriefingRow,
    OrderBy,
    ScanProgress,
    ScanSummary,
    is_under,
    media_key,
    shown,
)
from player.core.archive.scanner import Scanner
from player.core.archive.schema import (
    INDEX,
    INDEX_MIGRATIONS,
    USER_DATA,
    USER_MIGRATIONS,
    build_replacement,
    move_aside,
    user_db_path_for,
)
from player.core.archive.search import REGEX_DEADLINE_S, ArchiveSearch
from player.core.archive.shared_search import SharedSearch
from player.core.archive.store import StoreUnavailable
from player.core.archive.user_data import UserData
from player.core.archive.user_store import UserStore

__all__ = [
    "INDEX_MIGRATIONS",
    "REGEX_DEADLINE_S",
    "USER_MIGRATIONS",
    "Archive",
    "ArchiveError",
    "ArchiveHit",
    "Bookmark",
    "BriefingRow",
    "ScanProgress",
    "ScanSummary",
    "UserStore",
    "user_db_path_for",
]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

PathLike = str | os.PathLike[str]

REMOVE_CHUNK_CUES = 2_000
"""About how many cues ``remove_folder`` deletes per transaction (whole briefings, at least one):
some 20-60 ms of holding the index here, so searches are answered in between. Smaller chunks
cost little: 200,000 cues took 2.2 s in chunks of 2,000 and 2.0 s in chunks of 20,000."""
_REMOVE_BATCH = 200  # briefings read per step of remove_folder, before cutting to the cue budget


class Archive:
    """A library of briefings: folders, an FTS5 index of every cue, and the user's positions.

    Create with ``Archive.open(db_path)``; close with ``close()`` or a ``with`` block.
    """

    def __init__(
        self,
        index: IndexStore,
        user_store: UserData,
        preferred_languages: Sequence[str] = (),
        *,
        owns_user_store: bool = True,
    ) -> None:
        self.db_path = index.path
        self.user_path = user_store.path
        self.user_store = user_store
        """The user-data store (folders, positions, bookmarks); closed with the archive only
        if the archive opened it."""
        self._index = index
        self._owns_user_store = owns_user_store
        self._search = ArchiveSearch(index, user_store)
        self._scanner = Scanner(index, preferred_languages)
        self._scan_lock = threading.Lock()
        self._writer = files.ScanLock(index.path)
        self.user_problem: ArchiveError | None = None
        """Why the user-data file could not be read by a read-only open (the archive then
        lists briefings without positions), or None."""
        self.shared: SharedSearch | None = None
        """A shared archive (a newsroom's server) that answers ``search`` and ``count``; when it
        is out of reach the local index answers and ``shared_problem`` says why."""
        self.shared_problem: ArchiveError | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        db_path: PathLike,
        *,
        user_db_path: PathLike | None = None,
        preferred_languages: Sequence[str] = (),
        user_store: UserData | None = None,
        read_only: bool = False,
        verify_s: float | None = None,
    ) -> Archive:
        """Open or create the archive at ``db_path`` (parent folders are created, private).

        The user-data file defaults to ``user_db_path_for(db_path)``; pass an open ``user_store``
        instead to share one (the archive then leaves it open when it closes).
        ``preferred_languages`` (e.g. ``("en",)``) picks which sidecar transcript is indexed when
        there are several. ``read_only`` opens an existing archive without writing anything anywhere
        (it works in a folder the user cannot write; a missing user-data file is not created, a
        damaged one is left out: see ``user_problem``). ``verify_s`` runs a quick check of every
        page of the index within that many seconds (damage found raises a rebuildable ArchiveError).
        Raises ArchiveError for a missing (read-only), empty, damaged, foreign or too-new file (see
        ``rebuildable``).
        """
        db = Path(db_path)
        owns = user_store is None
        user = Path(user_db_path) if user_db_path is not None else user_db_path_for(db)
        # The index first: a file of another program is refused before anything is written
        # beside it (no user-data file is made next to someone else's database).
        index = IndexStore.open(db, read_only=read_only, companion=user)
        try:
            if verify_s is not None:
                index.verify(verify_s)
            user_problem: ArchiveError | None = None
            if user_store is None:
                try:
                    user_store = UserStore.open(user, read_only=read_only)
                except ArchiveError as err:
                    if not read_only:
                        raise
                    # Reading the library does not need the user's data: list it without.
                    user_problem = err
                    user_store = UserStore.empty(user)
        except BaseException:
            index.close()
            raise
        archive = cls(index, user_store, preferred_languages, owns_user_store=owns)
        archive.user_problem = user_problem
        return archive

    @classmethod
    def rebuild(
        cls,
        db_path: PathLike,
        *,
        user_db_path: PathLike | None = None,
        preferred_languages: Sequence[str] = (),
        user_store: UserData | None = None,
    ) -> Archive:
        """Replace the index at ``db_path`` with a fresh, empty one and open it.

        Nothing is moved before the replacement is sure to work: the user-data file is opened
        (and so checked) first, the index must be recognisably ours (a file of another program
        is never renamed: ArchiveError), and the new index is built completely beside it; only
        then is the old one moved aside (``NAME.corrupt-<timestamp>``, with its -wal and -shm
        files) and the new one put in its place. A failure at any step (a damaged, read-only or
        folder user-data file, a full disk) leaves the old index where it was. The user-data
        file is left untouched, so the folders, positions and bookmarks survive; scan again to
        fill the index."""
        db = Path(db_path)
        owns = user_store is None
        user = Path(user_db_path) if user_db_path is not None else user_db_path_for(db)
        _refuse_foreign(db, user)  # before anything is written beside it
        if user_store is None:
            user_store = UserStore.open(user)
        try:
            _replace_index(db, user_store.path)
            return cls.open(
                db,
                user_db_path=user_db_path,
                preferred_languages=preferred_languages,
                user_store=user_store,
            )._owning_user_store(owns)
        except BaseException:
            if owns:
                user_store.close()
            raise

    def _owning_user_store(self, owns: bool) -> Archive:
        self._owns_user_store = owns
        return self

    def close(self) -> None:
        """Close the index, and the user-data store if the archive opened it."""
        shared, self.shared = self.shared, None
        if shared is not None:
            shared.close()
        self._index.close()
        if self._owns_user_store:
            self.user_store.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check(self) -> list[str]:
        """Run SQLite's integrity check on the index; an empty list means it is sound."""
        return self._index.check()

    def schema_version(self) -> int:
        """The index's ``PRAGMA user_version``."""
        return self._index.schema_version()

    # -- folders ---------------------------------------------------------------------------------

    def add_folder(self, path: PathLike) -> str:
        """Add a folder to the library (not scanned yet); returns its normalised path."""
        folder = self.user_store.add_folder(path)
        self._index.open_folder(folder)
        return folder

    def folders(self) -> list[str]:
        """The library's folders, sorted."""
        return self.user_store.folders()

    def remove_folder(
        self,
        path: PathLike,
        *,
        progress: Callable[[int, int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> int:
        """Remove a folder and drop its briefings from the index; returns how many were dropped.

        Positions and bookmarks are kept; briefings also inside another library folder are
        kept (they move to it). Meant for a worker thread: briefings go in chunks of whole
        briefings (``REMOVE_CHUNK_CUES``), each in its own transaction, with
        ``progress(done, total)`` (in briefings) after each, on the calling thread. When
        ``should_stop()`` turns true between chunks the removal stops: the folder stays in the
        library with the briefings not yet dropped (a rescan brings back the others). A scan
        running meanwhile stops writing to the folder.
        """
        folder = media_key(path)
        others = [f for f in self.user_store.folders() if f != folder]
        self._index.close_folder(folder)
        finished = False
        try:
            dropped, stopped = self._drop_folder_briefings(folder, others, progress, should_stop)
            if stopped:
                logger.info(
                    "removal of the library folder %s stopped (%d dropped)", folder, dropped
                )
                return dropped
            self.user_store.remove_folder(folder)
            finished = True
            logger.info("removed the library folder %s (%d briefings dropped)", folder, dropped)
            return dropped
        finally:
            if not finished:
                self._index.open_folder(folder)

    def _drop_folder_briefings(
        self,
        folder: str,
        others: Sequence[str],
        progress: Callable[[int, int], None] | None,
        should_stop: Callable[[], bool] | None,
    ) -> tuple[int, bool]:
        """Drop (or hand to another library folder) every briefing of ``folder``, chunk by
        chunk; returns how many were dropped and whether ``should_stop`` stopped it."""
        total = self._index.count_in_folder(folder)
        done = dropped = 0
        if progress is not None:
            progress(0, total)
        while True:
            if should_stop is not None and should_stop():
                return dropped, True
            members = self._index.folder_members(folder, _REMOVE_BATCH)
            if not members:
                return dropped, False
            chunk = _cut_to_budget(members, REMOVE_CHUNK_CUES)
            dropped += self._index.release([(m, _owner(m.path, others)) for m in chunk])
            done += len(chunk)
            total = max(total, done)  # a scan may have added some meanwhile
            if progress is not None:
                progress(done, total)

    # -- positions and bookmarks (user data) -----------------------------------------------------

    def get_position(self, path: PathLike) -> int | None:
        """The resume position saved for a media file, in ms, or None."""
        return self.user_store.get_position(path)

    def set_position(self, path: PathLike, position_ms: int) -> None:
        """Save the resume position for a media file (ms, clamped at 0)."""
        self.user_store.set_position(path, position_ms)

    def add_bookmark(
        self, path: PathLike, position_ms: int, label: str = "", note: str = ""
    ) -> int:
        """Add a bookmark; returns its id."""
        return self.user_store.add_bookmark(path, position_ms, label, note)

    def bookmarks(self, path: PathLike) -> list[Bookmark]:
        """The bookmarks of a media file, by position."""
        return self.user_store.bookmarks(path)

    def set_bookmark_note(self, bookmark_id: int, note: str) -> None:
        """Replace a bookmark's note."""
        self.user_store.set_bookmark_note(bookmark_id, note)

    def remove_bookmark(self, bookmark_id: int) -> None:
        """Delete a bookmark by id."""
        self.user_store.remove_bookmark(bookmark_id)

    # -- listing ---------------------------------------------------------------------------------

    def briefings(
        self,
        filter_text: str | None = None,
        order_by: OrderBy = "date",
        *,
        descending: bool = False,
    ) -> list[BriefingRow]:
        """All briefings, optionally only those whose title, path or language contain
        ``filter_text`` (ignoring case and accents), sorted by ``order_by`` then path."""
        return list_briefings(self._index, self.user_store, filter_text, order_by, descending)

    def briefing(self, path_or_id: str | int) -> BriefingRow | None:
        """One briefing by id or by (media or transcript-only) path, or None."""
        return briefing_by_key(self._index, self.user_store, path_or_id)

    def cue_count(self) -> int:
        """Number of cues in the index."""
        return self._index.cue_count()

    def cues_of(self, briefing_id: int) -> list[tuple[int, int, int, str | None, str]]:
        """``(idx, start_ms, end_ms, speaker, text)`` of a briefing's indexed cues, in order."""
        return self._index.cues_of(briefing_id)

    # -- search ----------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        speaker: str | None = None,
        limit: int | None = 50,
        offset: int = 0,
        case_sensitive: bool = False,
    ) -> list[ArchiveHit]:
        """Cues matching ``query`` (FTS5 syntax for users, see ``archive.query``).

        Order: grouped by briefing, in time order within each (see ``archive.search``).
        ``speaker`` keeps cues whose speakers include that name (ignoring case and accents).
        ``case_sensitive`` additionally requires each searched word/phrase with the same case
        (accents still ignored). ``limit`` None returns all hits. Raises ArchiveError only when
        the query has nothing searchable in it. A shared archive (``shared``) answers first.
        """
        hits = self._ask_shared(
            lambda shared: shared.search(
                query, speaker=speaker, limit=limit, offset=offset, case_sensitive=case_sensitive
            )
        )
        if hits is not None:
            return hits
        return self._search.search(
            query, speaker=speaker, limit=limit, offset=offset, case_sensitive=case_sensitive
        )

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
        return self._search.iter_search(
            query, speaker=speaker, case_sensitive=case_sensitive, batch=batch
        )

    def count(self, query: str, *, speaker: str | None = None) -> int:
        """How many cues match (for "N hits"); costs a full pass over the matches."""
        counted = self._ask_shared(lambda shared: shared.count(query, speaker=speaker))
        if counted is not None:
            return counted
        return self._search.count(query, speaker=speaker)

    def _shared_failed(self, err: StoreUnavailable) -> None:
        """The shared archive is out of reach: say so once, answer from the local index."""
        if self.shared_problem is None:
            logger.warning("%s; searching the local archive", err)
        self.shared_problem = err

    def _ask_shared(self, call: Callable[[SharedSearch], _T]) -> _T | None:
        """``call(shared)``, or None when there is no shared archive or it is out of reach
        (said once: the local index then answers)."""
        shared = self.shared  # read once: the window may detach it meanwhile
        if shared is None:
            return None
        try:
            answer = call(shared)
        except StoreUnavailable as err:
            self._shared_failed(err)
            return None
        self.shared_problem = None
        return answer

    def _scan_search(
        self,
        regex: bool,
        query: str,
        speaker: str | None,
        case_sensitive: bool,
        limit: int | None,
        offset: int,
        deadline_s: float,
    ) -> list[ArchiveHit]:
        """A regular-expression or part-of-words search: the shared archive first, if any."""
        options: dict[str, Any] = {
            "speaker": speaker,
            "case_sensitive": case_sensitive,
            "limit": limit,
            "offset": offset,
            "deadline_s": deadline_s,
        }
        hits = self._ask_shared(lambda shared: shared.search_scan(query, regex=regex, **options))
        if hits is not None:
            return hits
        run = self._search.search_regex if regex else self._search.search_part
        return run(query, **options)

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
        pattern in ``re`` can neither be interrupted nor release the GIL. A shared archive
        (``shared``) answers first."""
        return self._scan_search(True, pattern, speaker, case_sensitive, limit, offset, deadline_s)

    def search_part(
        self,
        query: str,
        *,
        speaker: str | None = None,
        case_sensitive: bool = False,
        limit: int | None = 50,
        offset: int = 0,
        deadline_s: float = REGEX_DEADLINE_S,
    ) -> list[ArchiveHit]:
        """Cues holding ``query`` as part of words, matched exactly as one transcript's search
        with "part of words" (``player.core.text.rule``): a full scan, same order as
        ``search``; ArchiveError past ``deadline_s`` or for a query over the limits. A shared
        archive (``shared``) answers first."""
        return self._scan_search(False, query, speaker, case_sensitive, limit, offset, deadline_s)

    # -- scanning --------------------------------------------------------------------------------

    def scan(
        self,
        progress: Callable[[ScanProgress], None] | None = None,
        cancel: threading.Event | None = None,
        *,
        folders: Sequence[PathLike] | None = None,
        on_wait: Callable[[], None] | None = None,
    ) -> ScanSummary:
        """Bring the index up to date with the library folders (or only ``folders``, which must
        have been added). Safe to cancel (``cancel.set()``) or kill at any moment: each briefing
        is committed on its own and the next scan continues. ``progress`` is called on the
        scanning thread, without any lock held. Never raises for bad files; an ArchiveError
        means the index itself failed.

        One scan writes an index at a time, across processes (``files.ScanLock``): a scan that
        finds another one running waits for it (``on_wait()`` is called once, to say so), or
        returns a cancelled summary when ``cancel`` is set while it waits."""
        with self._scan_lock:
            should_stop = cancel.is_set if cancel is not None else None
            if not self._writer.acquire(should_stop, on_wait):
                return ScanSummary(cancelled=True)
            try:
                roots = (
                    self.user_store.folders()
                    if folders is None
                    else [media_key(f) for f in folders]
                )
                roots = [r for r in roots if not self._index.is_closed(r)]
                return self._scanner.scan(roots, progress, cancel)
            finally:
                self._writer.release()

    def optimize(self) -> None:
        """Merge the FTS5 index into one segment (slow on a big archive; queries get faster)."""
        self._index.optimize()


def _refuse_foreign(db: Path, user_path: Path) -> files.FileState:
    """ArchiveError unless the file at ``db`` is missing or recognisably our index."""
    state = files.inspect(db, INDEX.what)
    if state.kind != "missing" and not files.may_move_aside(
        db, INDEX.app_id, user_path, USER_DATA.app_id
    ):
        raise ArchiveError(
            f"the archive index {shown(db)} is not a Briefing Player index, so it was not "
            "moved aside. Choose another --db path (or move the file away yourself).",
            path=str(db),
        )
    return state


def _replace_index(db: Path, user_path: Path) -> None:
    """Build a new index beside ``db``, then move the old one aside and put the new one in
    its place (see ``Archive.rebuild``)."""
    state = _refuse_foreign(db, user_path)
    files.prepare_folder(db, INDEX.what)
    problem = files.writable_problem(db)
    if problem is not None:
        raise ArchiveError(f"cannot rebuild the archive index {shown(db)}: {problem}", path=str(db))
    fresh = build_replacement(db, INDEX)
    try:
        if state.kind != "missing":
            move_aside(db)
        os.replace(fresh, db)
    except OSError as err:
        raise ArchiveError(
            f"cannot put the new archive index in place at {shown(db)}: {err.strerror or err}",
            path=str(db),
        ) from None
    finally:
        if fresh.exists():
            fresh.unlink()


def _owner(path: str, folders: Sequence[str]) -> str | None:
    """The first of ``folders`` that contains ``path``, or None."""
    return next((f for f in folders if is_under(path, f)), None)


def _cut_to_budget(members: Sequence[FolderMember], cue_budget: int) -> list[FolderMember]:
    """The first members whose cues stay within ``cue_budget`` (at least one member)."""
    chunk: list[FolderMember] = []
    cues = 0
    for member in members:
        if chunk and cues + member.cue_count > cue_budget:
            break
        chunk.append(member)
        cues += member.cue_count
    return chunk
