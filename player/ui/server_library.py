"""The Library table over the shared archive (issue 19): the server's briefings, read on a
worker, as rows of the library panel.

A briefing on the server is known by its library root and relative path (``news`` +
``2024/budget.mp4``); :class:`SharedRow` is a library row that keeps both, with this computer's
file as its ``path`` when the root is mapped (Preferences ▸ Shared archive), else
``ROOT:RELATIVE/PATH``. :func:`open_problem` says why a row cannot be opened here (its root is
not mapped, or the file is not where the mapping says) in words that name the root and the way
to map it. :class:`ServerLibrary` lists the server's briefings off the GUI thread on the job
runner (one connection, made on first use and again after a failure); when the server is out of
reach it says so (``unreachable``) and tries again by itself every ``RETRY_MS`` and on every
refresh, and the panel shows this computer's archive meanwhile.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from player.core.archive.records import ArchiveError, BriefingRow, media_key
from player.core.archive.store import StoreUnavailable
from player.core.media.sidecar import MEDIA_EXTENSIONS
from player.ui.jobs import JobRunner, Pool, default_runner

if TYPE_CHECKING:
    from player.core.archive.roots import RootMap
    from player.core.archive.store import ArchiveStore, StoredBriefing
    from player.ui.server_config import SharedConfig

__all__ = ["RETRY_MS", "ServerLibrary", "SharedRow", "listed_status", "open_problem", "shared_row"]

logger = logging.getLogger(__name__)

RETRY_MS = 30_000
"""While the server is out of reach, the listing is tried again this often."""
MAP_HINT = "Preferences ▸ Shared archive ▸ Library roots"


class Positions(Protocol):
    """What the listing asks of a user-data store: every resume position (media key -> ms)."""

    def positions(self) -> dict[str, int]:
        """Every saved resume position."""
        ...


_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)[-_. ]?(0[1-9]|1[0-2])[-_. ]?(0[1-9]|[12]\d|3[01])(?!\d)"
)


@dataclass(frozen=True, slots=True)
class SharedRow(BriefingRow):
    """A briefing of the shared archive: ``root`` and ``relpath`` name it on every machine;
    ``mapped`` says whether ``path`` is this computer's file (else ``ROOT:RELPATH``)."""

    root: str = ""
    relpath: str = ""
    mapped: bool = False

    def place(self) -> str:
        """``root: relative/path``, as every machine names it."""
        return f"{self.root}: {self.relpath}"

    def folder_cell(self) -> str:
        """The Folder column: the root and the folder inside it."""
        inside = str(PurePosixPath(self.relpath).parent)
        return self.root if inside == "." else f"{self.root}: {inside}"

    def where(self) -> str:
        """The row's tooltip: where it is on the server and on this computer."""
        if self.mapped:
            return f"{self.place()}\nOn this computer: {self.path}"
        return f"{self.place()}\nThe root “{self.root}” is not mapped on this computer ({MAP_HINT})"


def shared_row(stored: StoredBriefing, roots: RootMap, positions: Mapping[str, int]) -> SharedRow:
    """The library row of one briefing on the server, with this computer's path (and resume
    position) when ``roots`` maps its root."""
    place = roots.place(stored.root, stored.relpath)
    path = place.path
    has_media = PurePosixPath(stored.relpath).suffix.lower() in MEDIA_EXTENSIONS
    date, from_name = stored.date, False
    if not date:
        m = _DATE.search(PurePosixPath(stored.relpath).name)
        date, from_name = (f"{m[1]}-{m[2]}-{m[3]}", True) if m else ("", False)
    return SharedRow(
        id=place.id,
        path=path,
        folder=place.folder,
        has_media=has_media,
        title=stored.title,
        date=date,
        date_from_name=from_name,
        duration_ms=stored.duration_ms,
        transcript_path=None if has_media else path,
        language=stored.language,
        transcript_format=None,
        cue_count=stored.cue_count,
        warnings=(),
        error=None,
        machine_generated=False,
        size=0,
        mtime_ns=0,
        indexed_at="",
        position_ms=positions.get(media_key(path)) if place.mapped else None,
        root=stored.root,
        relpath=stored.relpath,
        mapped=place.mapped,
    )


def open_problem(row: BriefingRow) -> str | None:
    """Why ``row`` cannot be opened on this computer (a shared briefing whose root is not mapped,
    or whose file is not where the mapping says), or None. Takes the library's rows and the
    briefings of the shared search's hits (``shared_search``: a negative id, ``ROOT:PATH`` when
    the root is not mapped)."""
    if not isinstance(row, SharedRow):
        if row.id >= 0:
            return None  # this computer's archive
        root, sep, rel = row.path.partition(":")
        mapped = os.path.isabs(row.path) or not sep
        row = SharedRow(**{f: getattr(row, f) for f in _ROW_FIELDS}, root=root, relpath=rel)
        if mapped:
            return None if os.path.exists(row.path) else f"“{row.title}” is not at {row.path}."
    if not row.mapped:
        return (
            f"“{row.title}” ({row.place()}) is in the library root “{row.root}”, which is not "
            f"mapped on this computer. Map “{row.root}” to the folder where this computer sees "
            f"it: {MAP_HINT}."
        )
    if not os.path.exists(row.path):
        return (
            f"“{row.title}” ({row.place()}) is not at {row.path}. Check the folder of the root "
            f"“{row.root}” in {MAP_HINT}, and that the share is mounted."
        )
    return None


_ROW_FIELDS = tuple(f.name for f in fields(BriefingRow))


def listed_status(shown: str, rows: list[SharedRow]) -> str:
    """The library's status line over the server's rows."""
    count = len(rows)
    text = f"Shared archive {shown}: {count} briefing{'' if count == 1 else 's'}"
    unmapped = sorted({r.root for r in rows if not r.mapped})
    if unmapped:
        names = ", ".join(f"“{n}”" for n in unmapped)
        text += f". Not mapped on this computer: {names} ({MAP_HINT})"
    return text + ". Add folder and Rescan keep this computer's archive, used when it is away."


class ServerLibrary(QObject):
    """Lists the shared archive's briefings on the job runner, for the library panel.

    Signals:
      listed(object): the rows (a list of SharedRow), on the GUI thread.
      unreachable(str): why the server could not be read ("Shared archive unreachable: ...;
        showing this computer's archive"); it is tried again on the next request and every
        ``RETRY_MS`` meanwhile.
      state_changed(str): the same when the server goes away, or that it answers again: once
        per change (for the window's status line).
    """

    listed = Signal(object)
    unreachable = Signal(str)
    state_changed = Signal(str)

    def __init__(
        self,
        config: SharedConfig,
        *,
        runner: JobRunner | None = None,
        connect: Callable[[], ArchiveStore] | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``connect`` makes the store (default: the PostgreSQL store of ``config.url``)."""
        super().__init__(parent)
        self.config = config
        self.shown = config.shown
        self._runner = runner
        self._connect = connect or _postgres(config.url)
        self._store: ArchiveStore | None = None
        self._lock = threading.Lock()  # the store: one listing at a time
        self._running = False
        self._again = False  # a request came while one ran
        self._user_store: Positions | None = None
        self._closed = False
        self.problem: str | None = None
        """Why the last listing failed, or None."""
        self.answered = False
        """Whether a listing has come back (rows or a failure)."""
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(lambda: self.request(self._user_store))

    @property
    def busy(self) -> bool:
        """Whether a listing is under way."""
        return self._running

    def request(self, user_store: Positions | None) -> None:
        """List the server's briefings on a worker (positions from ``user_store``); ``listed``
        or ``unreachable`` answers. A request while one runs is answered once it ends."""
        if self._closed:
            return
        self._user_store = user_store
        if self._running:
            self._again = True
            return
        self._running = True
        self._retry.stop()
        runner = self._runner or default_runner()
        runner.start(
            lambda: self._list(user_store),
            self._on_listed,
            self._on_failed,
            pool=Pool.INTERACTIVE,
            name="shared archive listing",
            expected=(ArchiveError,),
        )

    def _list(self, user_store: Positions | None) -> list[SharedRow]:
        with self._lock:
            try:
                if self._store is None:
                    self._store = self._connect()
                stored = self._store.briefings()
            except StoreUnavailable:
                self._forget()
                raise
            finally:
                if self._closed:
                    self._forget()
        positions: Mapping[str, int] = {}
        if user_store is not None:
            try:
                positions = user_store.positions()
            except ArchiveError as err:
                logger.info("Library positions not shown: %s", err)
        return [shared_row(s, self.config.roots, positions) for s in stored]

    def _forget(self) -> None:
        store, self._store = self._store, None
        if store is not None:
            store.close()

    def _ended(self) -> bool:
        """The job ended; whether its answer still counts (a new request may start)."""
        self._running = False
        if self._closed:
            return False
        if self._again:
            self._again = False
            self.request(self._user_store)
            return False
        return True

    def _on_listed(self, _token: int, rows: list[SharedRow]) -> None:
        if self._ended():
            was_away = self.problem is not None
            self.problem, self.answered = None, True
            if was_away:
                self.state_changed.emit(f"Shared archive {self.shown} answers again")
            self.listed.emit(rows)

    def _on_failed(self, _token: int, err: Exception) -> None:
        if not self._ended():
            return
        reason = err.message if isinstance(err, ArchiveError) else str(err)
        what = "unreachable" if isinstance(err, StoreUnavailable) else "cannot be used"
        problem = f"Shared archive {what}: {reason}; showing this computer's archive"
        changed, self.problem, self.answered = self.problem is None, problem, True
        self._retry.start()
        self.unreachable.emit(problem)
        if changed:
            self.state_changed.emit(problem)

    def close(self) -> None:
        """Stop retrying and close the connection (at once, or when the listing under way
        ends); nothing is reported any more."""
        self._closed = True
        self._retry.stop()
        if self._lock.acquire(blocking=False):
            try:
                self._forget()
            finally:
                self._lock.release()


def _postgres(url: str) -> Callable[[], ArchiveStore]:
    def connect() -> ArchiveStore:
        try:
            from player.engines.postgres_store import PostgresStore
        except ImportError:
            raise ArchiveError(
                "the PostgreSQL driver is not installed (pip install 'briefing-player[postgres]')"
            ) from None
        return PostgresStore(url)

    return connect
