"""Where each media file was left: the one owner of resume positions, for the window.

Resume positions live in the archive's user-data file (:class:`~player.core.archive.user_store.
UserStore`), which stands on its own: resuming works with the library index switched off,
missing or damaged, and the library's "Last position" column reads the same rows (the docks'
``ArchiveHolder`` opens the archive over this store). :class:`ResumeStore` is the window's facade:

* ``look_up(path)`` answers by ``position_found`` after reading on a worker thread: the first
  use opens SQLite, which the first frame should not wait for;
* ``resume_position`` / ``set_resume_position`` read and write at once (saving every few
  seconds and when the window closes);
* positions the settings file kept before (``files/resume_positions``) are moved into the store
  the first time it opens, and the setting is then removed;
* when the user-data file cannot be used (damaged, unwritable) positions are kept in memory for
  the session and the reason is logged (``problem`` says it).

What is worth remembering or offering (not the first or last seconds) is the caller's rule.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from player.ui.jobs import JobRunner, Pool, default_runner

if TYPE_CHECKING:
    from player.core.archive.user_data import UserData
    from player.core.archive.user_store import UserStore
    from player.ui.settings import Settings

log = logging.getLogger(__name__)

PathSource = Path | Callable[[], Path] | None
"""A path, a callable asked for it on first use (looking up the user's data folder costs
start-up time), or None for no file (positions kept in memory)."""


class ResumeStore(QObject):
    """Resume positions (ms per media file) in the user-data store, with a lazy open.

    Signals:
      position_found(str, object): answer to :meth:`look_up`: the media path as asked and its
        position in ms, or None when none is remembered.
    """

    position_found = Signal(str, object)

    def __init__(
        self,
        user_db_path: PathSource,
        *,
        legacy: Settings | None = None,
        runner: JobRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``user_db_path`` is the user-data file; ``legacy`` the settings whose old resume
        positions are moved into it; ``runner`` runs :meth:`look_up` (default: the shared one)."""
        super().__init__(parent)
        self._path_source = user_db_path
        self._legacy = legacy
        self._runner = runner
        self._lock = threading.Lock()
        self._tried = False
        self._store: UserData | None = None
        self._memory: dict[str, int] = {}  # only while the user-data file cannot be used
        # Read here, on the GUI thread (the settings object is not shared with workers).
        self._legacy_read = {} if legacy is None else legacy.legacy_resume_positions()
        self._legacy_done = False
        self.problem: str | None = None
        """Why positions are kept in memory only (the user-data file cannot be used), or None."""

    @classmethod
    def for_archive(
        cls,
        archive_db: PathSource,
        *,
        legacy: Settings | None = None,
        runner: JobRunner | None = None,
        parent: QObject | None = None,
    ) -> ResumeStore:
        """The store beside the archive index ``archive_db`` (``archive.user.sqlite``)."""

        def user_path() -> Path:
            from player.core.archive.schema import user_db_path_for

            assert archive_db is not None
            return user_db_path_for(archive_db() if callable(archive_db) else archive_db)

        return cls(
            None if archive_db is None else user_path, legacy=legacy, runner=runner, parent=parent
        )

    # ----- the store ------------------------------------------------------------------------

    def user_store(self) -> UserData | None:
        """The user-data store, opened on first use (None when it cannot be used)."""
        with self._lock:
            if not self._tried:
                self._tried = True
                self._store = self._open()
            return self._store

    def _open(self) -> UserStore | None:
        legacy = self._legacy_read
        source = self._path_source
        path = source() if callable(source) else source
        store: UserStore | None = None
        if path is not None:
            from player.core.archive.records import ArchiveError
            from player.core.archive.user_store import UserStore

            try:
                store = UserStore.open(path)
                for media, t_ms in legacy.items():
                    store.set_position(media, t_ms)
            except ArchiveError as err:
                if store is not None:
                    store.close()
                store = None
                self.problem = str(err)
                log.warning("Resume positions kept for this session only: %s", err)
        if store is None:
            self._memory.update(legacy)
        else:
            self._legacy_done = bool(legacy)
        return store

    def keep_in(self, store: UserData) -> None:
        """Keep positions in ``store`` from now on: the window's per-user data
        (``server_user_data.ServerUserData``, which wraps this store's own and sends positions to
        the shared archive's server while the user opts in; ``docks`` hands it over when the
        archive opens). :meth:`close` closes it, and with it the store it wraps."""
        with self._lock:
            if self._store is not None:
                self._store = store

    def _forget_legacy(self) -> None:
        """Remove the settings' old copy once it is in the store (on the GUI thread)."""
        if self._legacy_done and self._legacy is not None:
            self._legacy.forget_legacy_resume_positions()
            self._legacy_done = False

    def close(self) -> None:
        """Close the store (after the library that shares it); it is not opened again: what
        comes later (a look-up still in flight) is answered from memory."""
        with self._lock:
            self._tried = True
            if self._store is not None:
                self._store.close()
            self._store = None

    # ----- positions --------------------------------------------------------------------------

    def resume_position(self, path: str) -> int | None:
        """Where ``path`` was left, in ms, or None."""
        store = self.user_store()
        self._forget_legacy()
        if store is None:
            return self._memory.get(path)
        from player.core.archive.records import ArchiveError

        try:
            t_ms = store.get_position(path)
        except ArchiveError as err:
            log.warning("Cannot read the resume position of %s: %s", path, err)
            return None
        return t_ms if t_ms is not None and t_ms > 0 else None

    def set_resume_position(self, path: str, t_ms: int | None) -> None:
        """Remember ``path`` at ``t_ms`` (None or 0: forget it, start from the beginning)."""
        store = self.user_store()
        self._forget_legacy()
        remembered = t_ms is not None and t_ms > 0
        if store is None:
            if remembered:
                self._memory[path] = int(t_ms or 0)
            else:
                self._memory.pop(path, None)
            return
        from player.core.archive.records import ArchiveError

        try:
            if remembered:
                store.set_position(path, int(t_ms or 0))
            else:
                store.clear_position(path)
        except ArchiveError as err:
            log.warning("Cannot save the resume position of %s: %s", path, err)

    def look_up(self, path: str) -> None:
        """Read where ``path`` was left on a worker thread; ``position_found`` answers."""
        runner = self._runner or default_runner()
        runner.start(
            lambda: self._read(path),
            self._on_read,
            self._on_read_failed,
            pool=Pool.INTERACTIVE,
            name="resume position",
        )

    def _read(self, path: str) -> tuple[str, int | None]:
        store = self.user_store()
        if store is None:
            return path, self._memory.get(path)
        from player.core.archive.records import ArchiveError

        try:
            t_ms = store.get_position(path)
        except ArchiveError as err:
            log.warning("Cannot read the resume position of %s: %s", path, err)
            return path, None
        return path, t_ms if t_ms is not None and t_ms > 0 else None

    def _on_read(self, _token: int, answer: tuple[str, int | None]) -> None:
        self._forget_legacy()
        self.position_found.emit(*answer)

    def _on_read_failed(self, _token: int, _err: Exception) -> None:
        # A bug, logged by the runner: without an answer the media starts from the beginning.
        self._forget_legacy()
