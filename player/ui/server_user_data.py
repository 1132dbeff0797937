"""The window's per-user data with the opt-in "Keep my positions, bookmarks and notes on the
server" (issue 19): :class:`ServerUserData` is the user-data store the window's archive (and,
through ``ResumeStore.keep_in`` when it has it, the resume positions) is given. It wraps this
computer's store (``archive.user.sqlite``) and, while the option is on and a server attached,
the server's per-user store (``player.engines.postgres_user_store.PostgresUserStore``: files
under the mapped library roots by root + relative path and login role; everything else stays
local).

When the server is out of reach nothing is lost: a position is written to this computer's store
and again to the server once it answers; a bookmark made meanwhile is kept here and listed with
the server's (a copy of one the server has is not listed twice); a note changed or a bookmark
removed on the server meanwhile is done there when it is back. Reads meanwhile come from this
computer. The server is tried again after ``RETRY_S`` (calls in between go to this computer at
once); on the window's thread a server not known to answer is tried by a worker while the call
uses this computer's store, so a server out of reach does not hold up the window (a connection
lost without a word, e.g. a cable pulled, still costs the first call the driver's time-out).
Each change of state is told once by ``notices.message`` (queued to the GUI thread). The first
connection and the copy of this computer's data when the user opts in run on a worker
(:meth:`ServerUserData.connect_now`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

from player.core.archive.records import ArchiveError, Bookmark, media_key
from player.core.archive.store import StoreUnavailable

if TYPE_CHECKING:
    from player.core.archive.roots import RootMap
    from player.core.archive.user_data import UserData
    from player.core.archive.user_store import UserStore

__all__ = ["RETRY_S", "ServerUserData", "available", "server_store"]

logger = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]
T = TypeVar("T")

RETRY_S = 30.0
"""After the server failed, calls go to this computer's store for this long before it is tried
again."""


def available() -> bool:
    """Whether the window can keep per-user data on the server: its resume positions must go
    where its bookmarks go (``ResumeStore.keep_in``); without it the Preferences leave the
    option out."""
    from player.ui.resume_store import ResumeStore

    return hasattr(ResumeStore, "keep_in")


def _on_gui_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


class _Notices(QObject):
    """Messages for the window's status line (emitted from any thread)."""

    message = Signal(str)


class ServerUserData:
    """This computer's user-data store, and the server's while one is attached (see the module).

    :meth:`close` closes both (whoever owns ``local`` and hands this object on in its place
    closes it); :meth:`attach` with None closes only the server's connection."""

    def __init__(self, local: UserData) -> None:
        self._local = local
        self._lock = threading.RLock()  # the state below; the stores have their own locks
        self._connect: Callable[[], UserData] | None = None
        self._server: UserData | None = None
        self._shown = ""
        self._away_until = 0.0
        self._pending: list[tuple[str, tuple[object, ...]]] = []  # to do on the server
        self._connecting = False  # a worker is connecting (connect_now, a probe)
        self._uploaded: tuple[int, int] | None = None  # what opting in copied there
        self.problem: str | None = None
        """Why the server's store is not used now (out of reach), or None."""
        self.notices = _Notices()

    # ----- the server -------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        """This computer's user-data file."""
        return self._local.path

    @property
    def local(self) -> UserData:
        """This computer's store."""
        return self._local

    @property
    def connected(self) -> bool:
        """Whether the server's store is connected now (it may still turn out to be away)."""
        return self._server is not None

    @property
    def on_server(self) -> bool:
        """Whether a server's store is attached (reachable or not)."""
        return self._connect is not None

    def attach(self, connect: Callable[[], UserData] | None, shown: str = "") -> None:
        """Keep per-user data on the server made by ``connect`` (called on first use, and again
        after a failure; ``shown`` is its address without a password); None: on this computer
        only (the server's connection is closed; changes still waiting for it are dropped with
        a warning, they are in this computer's store)."""
        with self._lock:
            old, self._server = self._server, None
            self._connect, self._shown = connect, shown
            self._away_until, self.problem, self._uploaded = 0.0, None, None
            if connect is None and self._pending:
                logger.warning("%d changes kept on this computer only", len(self._pending))
                self._pending.clear()
        if old is not None:
            old.close()

    def connect_now(self, *, upload: bool = False) -> str:
        """Connect to the server (on a worker), copying this computer's positions and bookmarks
        of the shared roots to it when ``upload`` (the user has just opted in; done when the
        server answers if it does not now); what to tell the user."""
        with self._lock:
            connect, shown = self._connect, self._shown
            if connect is None:
                return "Positions, bookmarks and notes are kept on this computer."
            self._connecting = True
            if upload:
                self._pending.insert(0, ("upload_local", ()))
        try:
            store = connect()
        except ArchiveError as err:
            return self._away(err, notify=False)
        finally:
            with self._lock:
                self._connecting = False
        with self._lock:
            if self._connect is not connect:  # detached meanwhile
                store.close()
                return "Positions, bookmarks and notes are kept on this computer."
            old, self._server = self._server, store
            self._away_until, self.problem = 0.0, None
        if old is not None:
            old.close()
        if not self._replay():
            return self.problem or ""
        copied = ""
        if self._uploaded is not None:
            positions, marks = self._uploaded
            copied = f" ({positions} positions and {marks} bookmarks copied there)"
        return f"Positions, bookmarks and notes are kept on {shown}{copied}."

    def retry_now(self) -> None:
        """Try the server at the next call (the pause after a failure is over)."""
        with self._lock:
            self._away_until = 0.0

    def _now(self, *, probing: bool = False) -> UserData | None:
        """The server's store to try now, or None: none attached, in the pause after a
        failure, or (on the GUI thread) not known to answer: a worker finds out meanwhile, so
        that a server out of reach never holds up the window."""
        gui = _on_gui_thread()
        with self._lock:
            if self._connect is None:
                return None
            if self._server is not None and self.problem is None:
                return self._server
            if (self._connecting and not probing) or time.monotonic() < self._away_until:
                return None
            if gui and not probing:
                self._connecting = True
                threading.Thread(target=self._probe, name="user data probe", daemon=True).start()
                return None
            if self._server is not None:
                return self._server
            connect = self._connect
        try:
            store = connect()
        except ArchiveError as err:  # out of reach, or e.g. no per-user tables there
            self._away(err)
            return None
        with self._lock:
            current = self._server
            if self._connect is connect and current is None:
                self._server = current = store
        if current is not store:  # detached, or connected by another thread meanwhile
            store.close()
        return current

    def _probe(self) -> None:
        """On a worker: whether the server answers (again); what waited for it is done there."""
        try:
            self._use(lambda server: server.positions(), dict, probing=True)
        except ArchiveError as err:  # this computer's store could not be read: logged
            logger.warning("Per-user data: %s", err)
        finally:
            with self._lock:
                self._connecting = False

    def _away(self, err: ArchiveError, *, notify: bool = True) -> str:
        """The server failed: this computer's store for ``RETRY_S``; what to tell the user
        (told once by ``notices`` unless ``notify`` is False)."""
        with self._lock:
            first = self.problem is None
            self._away_until = time.monotonic() + RETRY_S
            what = "unreachable" if isinstance(err, StoreUnavailable) else "cannot be used"
            self.problem = (
                f"Shared archive {what}: {err.message}; your positions, bookmarks and notes "
                "are kept on this computer meanwhile and nothing is lost"
            )
            problem = self.problem
        if first:
            logger.warning("%s", problem)
            if notify:
                self.notices.message.emit(problem)
        return problem

    def _back(self) -> None:
        with self._lock:
            was_away, self.problem = self.problem is not None, None
        if was_away:
            self.notices.message.emit(
                f"Shared archive {self._shown} is back: positions, bookmarks and notes are kept "
                "there again"
            )

    def _replay(self) -> bool:
        """Do on the server what waited for it, in order; False when it failed again."""
        while True:
            with self._lock:
                server = self._server
                if server is None or not self._pending:
                    return True
                name, args = self._pending[0]
            try:
                done = getattr(server, name)(*args)
            except StoreUnavailable as err:
                self._away(err)
                return False
            except ArchiveError as err:  # refused (e.g. a bookmark gone): nothing more to do
                logger.warning("Not done on the server: %s %s", name, err)
            with self._lock:
                if name == "upload_local":
                    self._uploaded = done
                if self._pending and self._pending[0] == (name, args):
                    self._pending.pop(0)

    def _use(
        self, on_server: Callable[[UserData], T], here: Callable[[], T], *, probing: bool = False
    ) -> T:
        server = self._now(probing=probing)
        if server is not None and self._replay():  # what waited for the server comes first
            try:
                result = on_server(server)
            except StoreUnavailable as err:
                self._away(err)
            else:
                self._back()
                return result
            finally:
                self._drop_if_stale(server)
        return here()

    def _drop_if_stale(self, server: UserData) -> None:
        """Close ``server`` again if it was detached while this thread used it (the use may
        have connected it again)."""
        with self._lock:
            stale = server is not self._server
        if stale:
            server.close()

    def _change(self, name: str, args: tuple[object, ...], here: Callable[[], None]) -> None:
        """A change for the server; done on this computer too while it is away, and on the
        server once it is back."""
        server = self._now()
        if server is not None and self._replay():
            try:
                getattr(server, name)(*args)
            except StoreUnavailable as err:
                self._away(err)
            else:
                self._back()
                return
            finally:
                self._drop_if_stale(server)
        here()
        with self._lock:
            if self._connect is not None:
                self._pending.append((name, args))

    def close(self) -> None:
        """Close the server's connection and this computer's store."""
        self.attach(None)
        self._local.close()

    # ----- UserData ---------------------------------------------------------------------------

    def folders(self) -> list[str]:
        """The library's folders (this computer's)."""
        return self._local.folders()

    def add_folder(self, path: PathLike) -> str:
        """Add a folder to this computer's list."""
        return self._local.add_folder(path)

    def remove_folder(self, path: PathLike) -> None:
        """Take a folder off this computer's list."""
        self._local.remove_folder(path)

    def get_position(self, path: PathLike) -> int | None:
        """Where ``path`` was left (the server's answer while it answers)."""
        return self._use(lambda s: s.get_position(path), lambda: self._local.get_position(path))

    def set_position(self, path: PathLike, position_ms: int) -> None:
        """Remember where ``path`` was left."""
        key = media_key(path)
        self._change(
            "set_position", (key, position_ms), lambda: self._local.set_position(key, position_ms)
        )

    def clear_position(self, path: PathLike) -> None:
        """Forget where ``path`` was left."""
        key = media_key(path)
        self._change("clear_position", (key,), lambda: self._local.clear_position(key))

    def positions(self) -> dict[str, int]:
        """Every position this computer can name."""
        return self._use(lambda s: s.positions(), self._local.positions)

    def add_bookmark(
        self, path: PathLike, position_ms: int, label: str = "", note: str = ""
    ) -> int:
        """Add a bookmark (kept on this computer while the server is away); its id."""
        return self._use(
            lambda s: s.add_bookmark(path, position_ms, label, note),
            lambda: self._local.add_bookmark(path, position_ms, label, note),
        )

    def bookmarks(self, path: PathLike) -> list[Bookmark]:
        """The bookmarks of ``path``: the server's, and those kept on this computer while it
        was away (one that the server has too is listed once)."""

        def both(server: UserData) -> list[Bookmark]:
            marks = server.bookmarks(path)
            if any(b.id >= 0 for b in marks):
                return marks  # a file off the shared roots: this computer's anyway
            seen = {(b.position_ms, b.label, b.note) for b in marks}
            mine = [
                b
                for b in self._local.bookmarks(path)
                if (b.position_ms, b.label, b.note) not in seen
            ]
            return sorted([*marks, *mine], key=lambda b: (b.position_ms, b.created))

        return self._use(both, lambda: self._local.bookmarks(path))

    def set_bookmark_note(self, bookmark_id: int, note: str) -> None:
        """Replace a bookmark's note (one of the server's is changed there once it answers)."""
        if bookmark_id >= 0:
            self._local.set_bookmark_note(bookmark_id, note)
        else:
            self._change("set_bookmark_note", (bookmark_id, note), lambda: None)

    def remove_bookmark(self, bookmark_id: int) -> None:
        """Delete a bookmark (one of the server's is deleted there once it answers)."""
        if bookmark_id >= 0:
            self._local.remove_bookmark(bookmark_id)
        else:
            self._change("remove_bookmark", (bookmark_id,), lambda: None)


def server_store(url: str, roots: RootMap, local: UserStore) -> Callable[[], UserData]:
    """How to make the server's per-user store of ``url`` (``local`` keeps what is not on the
    shared roots); ArchiveError when the driver is missing."""

    def connect() -> UserData:
        try:
            from player.engines.postgres_user_store import PostgresUserStore
        except ImportError:
            raise ArchiveError(
                "the PostgreSQL driver is not installed (pip install 'briefing-player[postgres]')"
            ) from None
        return PostgresUserStore(url, roots, local)

    return connect
