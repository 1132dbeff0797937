"""The window's docks: the library (every briefing of the archive) and the open briefing's
bookmarks, and the one owner of the open archive.

:class:`ArchiveHolder` opens the archive (on the GUI thread, the first time it is needed: just
after the window appears, never for the first frame), rebuilds it when the library panel asks,
and closes it; it hands it out by ``archive_changed``. :class:`Docks` builds each dock the first
time it is needed and gives the holder's archive to the library panel, the bookmarks panel and,
by its own ``archive_changed``, to the rest of the window (the search's "All briefings").
At shutdown :meth:`Docks.close` stops the library's job, then closes the archive.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from player.core.text.quote import prose
from player.core.timeline.timecode import format_clock

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

    from player.core.archive.library import Archive, ArchiveError
    from player.core.archive.user_data import UserData
    from player.ui.bookmarks_panel import BookmarksPanel
    from player.ui.controller import CueTracker, PlaybackController
    from player.ui.jobs import JobRunner
    from player.ui.library_panel import LibraryPanel
    from player.ui.resume_store import ResumeStore
    from player.ui.server_config import SharedConfig
    from player.ui.server_library import ServerLibrary
    from player.ui.server_user_data import ServerUserData
    from player.ui.transcript_session import TranscriptSession

logger = logging.getLogger(__name__)

LIBRARY_DELAY_MS = 300  # the library is built this long after the window is made


class ArchiveHolder(QObject):
    """The one owner of the open :class:`~player.core.archive.library.Archive`: it opens it
    (once, when first asked), rebuilds it and closes it; everyone else is given it.

    ``db_path`` is the index (a callable is asked once, when first needed: finding the user's
    data folder costs start-up time; None: no archive at all); ``user_store`` gives the
    user-data store to share (the resume store's), asked when the archive opens;
    ``shared_config`` the shared archive to attach (issue 19: Preferences and the environment,
    ``server_config.read_config``), asked when the archive opens and again by :meth:`reattach`
    when the preferences change. With ``keep_user_data_in`` (the resume store's ``keep_in``,
    given the same store for positions) the user-data store is given to the archive inside a
    :class:`~player.ui.server_user_data.ServerUserData` (:attr:`user_data`), which keeps
    positions, bookmarks and notes on the server while the user opts in (its connection is made
    on ``runner``). The archive's users stop their jobs on it before
    :meth:`rebuild` and :meth:`close` (see :meth:`Docks.close`). Once closed it is never opened
    again.

    Signals:
      archive_changed(object, object): the Archive now open, or None, and the ArchiveError that
        says why it could not be opened or rebuilt (None when there is no problem).
      shared_changed(object, object): the SharedConfig of the server now attached (None: none)
        and why the one asked for could not be attached (a str, or None); before
        ``archive_changed`` when an archive opens.
      user_data_changed(str): where positions, bookmarks and notes are kept now (the server,
        or this computer and why), in words for the status line.
    """

    archive_changed = Signal(object, object)
    shared_changed = Signal(object, object)
    user_data_changed = Signal(str)

    def __init__(
        self,
        db_path: Path | Callable[[], Path] | None,
        *,
        user_store: Callable[[], UserData | None] | None = None,
        shared_config: Callable[[], SharedConfig] | None = None,
        runner: JobRunner | None = None,
        keep_user_data_in: Callable[[UserData], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._keep_in = keep_user_data_in
        self._db_path = db_path
        self._user_store = user_store
        self._shared_config = shared_config
        self.shared: SharedConfig | None = None
        """The shared archive attached now (None: none)."""
        self._shared_key: tuple[str, str, bool] | None = None
        self._runner = runner
        self.user_data: ServerUserData | None = None
        """The user-data store given to the archive (this computer's, and the server's while
        the user opts in); None until the archive opens over a shared user store."""
        self._archive: Archive | None = None
        self._problem: ArchiveError | None = None
        self._opened = False  # open() was called (whatever came of it)
        self._closed = False

    @property
    def has_database(self) -> bool:
        """Whether there is an archive to open at all (without opening it)."""
        return self._db_path is not None

    @property
    def db_path(self) -> Path | None:
        """The index's path (asked of the callable the first time)."""
        if callable(self._db_path):
            self._db_path = self._db_path()
        return self._db_path

    @property
    def archive(self) -> Archive | None:
        """The archive open now, or None."""
        return self._archive

    @property
    def problem(self) -> ArchiveError | None:
        """Why the archive could not be opened or rebuilt (None: no problem)."""
        return self._problem

    @property
    def opened(self) -> bool:
        """Whether :meth:`open` was called (the archive may still have failed to open)."""
        return self._opened

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called (the archive is not opened again)."""
        return self._closed

    def open(self) -> Archive | None:
        """Open the archive the first time it is asked (``archive_changed`` says what came of
        it); later calls return the archive open now."""
        if self._opened or self._closed:
            return self._archive
        self._opened = True
        db = self.db_path
        if db is None:
            return None
        from player.core.archive.library import Archive

        self._replace(Archive.open, db, "opened")
        return self._archive

    @Slot()
    def rebuild(self) -> None:
        """Close the archive, move its index aside and start a new, empty one; the user data
        (folders, positions, bookmarks) is kept. ``archive_changed`` answers."""
        db = self.db_path
        if db is None or self._closed:
            return
        from player.core.archive.library import Archive

        self._opened = True
        if self._archive is not None:
            self._archive.close()
            self._archive = None
        self._replace(Archive.rebuild, db, "rebuilt")

    def _replace(self, make: Callable[..., Archive], db: Path, done: str) -> None:
        """Open the archive by ``make(db, user_store=...)`` (``done`` names it, for the log)
        and say what came of it."""
        from player.core.archive.library import ArchiveError

        user_store = self._wrap(self._user_store() if self._user_store is not None else None)
        try:
            self._archive, self._problem = make(db, user_store=user_store), None
        except ArchiveError as err:
            self._archive, self._problem = None, err
            logger.warning("The archive %s could not be %s: %s", db, done, err)
        else:
            logger.info("Archive %s: %s", done, db)
            self._attach(force=True)  # a shared archive on a server (issue 19)
        self.archive_changed.emit(self._archive, self._problem)

    def _wrap(self, local: UserData | None) -> UserData | None:
        """The user-data store for the archive: ``local`` inside a ServerUserData (made once),
        handed to ``keep_user_data_in`` so that positions go where bookmarks go; without it,
        ``local`` alone."""
        from player.ui.server_user_data import ServerUserData

        if self._keep_in is None or local is None:
            return local
        if isinstance(local, ServerUserData):  # the resume store keeps positions in it already
            self.user_data = local
        elif self.user_data is None or self.user_data.local is not local:
            self.user_data = ServerUserData(local)
            self.user_data.notices.message.connect(self.user_data_changed)  # from any thread
            self._keep_in(self.user_data)
        return self.user_data

    def _attach(self, *, force: bool) -> None:
        """Attach the shared archive named now (Preferences, environment) to the open archive,
        or detach it; nothing when it is the same as before (unless ``force``)."""
        from player.ui.server_config import read_config
        from player.ui.shared_archive import attach_shared

        config = self._shared_config() if self._shared_config is not None else read_config(None)
        if self._archive is None or (not force and config.key() == self._shared_key):
            return
        opting_in = not force and not (self._shared_key or ("", "", False))[2]
        self._shared_key = config.key()
        problem = attach_shared(self._archive, config)
        self.shared = config if self._archive.shared is not None else None
        self.shared_changed.emit(self.shared, problem or config.roots_problem)
        self._attach_user_data(opting_in)

    def _attach_user_data(self, upload: bool) -> None:
        """Positions, bookmarks and notes on the server while the user opts in (connected on a
        worker; this computer's positions and bookmarks copied there when ``upload``: the user
        has just opted in), else on this computer."""
        from player.core.archive.records import ArchiveError
        from player.ui.jobs import default_runner
        from player.ui.server_user_data import server_store

        data, config = self.user_data, self.shared
        if data is None:
            return
        if config is None or not config.user_data_on_server:
            if data.on_server:
                data.attach(None)
                self.user_data_changed.emit(
                    "Positions, bookmarks and notes are kept on this computer."
                )
            return
        local = data.local
        data.attach(server_store(config.url, config.roots, local), config.shown)  # type: ignore[arg-type]
        runner = self._runner or default_runner()
        runner.start(
            lambda: data.connect_now(upload=upload),
            lambda _token, said: self.user_data_changed.emit(str(said)),
            lambda _token, err: self.user_data_changed.emit(
                f"Shared archive unreachable: {getattr(err, 'message', err)}; your positions, "
                "bookmarks and notes are kept on this computer meanwhile"
            ),
            name="per-user data on the server",
            expected=(ArchiveError,),
        )

    @Slot()
    def reattach(self) -> None:
        """The preferences changed: attach the shared archive they name (or none) without a
        restart; ``shared_changed`` answers when something changed."""
        if not self._closed:
            self._attach(force=False)

    def close(self) -> None:
        """Close the archive (its users have stopped their jobs); it is not opened again."""
        self._closed = True
        if self.user_data is not None:
            self.user_data.attach(None)  # the server's connection (the local store is not ours)
        archive, self._archive = self._archive, None
        if archive is not None:
            archive.close()
            self.archive_changed.emit(None, None)


def said(text: str, speaker: str | None) -> str:
    """A bookmark's label: ``Speaker: text`` as prose."""
    return f"{speaker}: {prose(text)}" if speaker else prose(text)


class Docks(QObject):
    """The library and bookmarks docks of ``window``, and the archive they show
    (:attr:`archive_holder`).

    Signals:
      archive_changed(object): the Archive now open (None: none is open).
      open_requested(object): the user chose a briefing (a BriefingRow) in the library.
      seek_requested(int): the user chose a bookmark: go there (ms) and play.
      library_shown(bool), bookmarks_shown(bool): a dock was shown or hidden.
      message(str): a one-line status for the user.
    """

    archive_changed = Signal(object)
    open_requested = Signal(object)
    seek_requested = Signal(int)
    library_shown = Signal(bool)
    bookmarks_shown = Signal(bool)
    message = Signal(str)

    def __init__(
        self,
        window: QMainWindow,
        archive_db: Path | Callable[[], Path] | None,
        *,
        controller: PlaybackController,
        session: TranscriptSession,
        tracker: CueTracker,
        resume_store: ResumeStore,
        runner: JobRunner,
    ) -> None:
        """The archive shares ``resume_store``'s user data (positions, folders, bookmarks); the
        library runs its scans on ``runner``."""
        super().__init__(window)
        self._window = window
        self._controller = controller
        self._session = session
        self._tracker = tracker
        self._runner = runner
        # A callable ``archive_db`` (the default location) is asked the first time the archive
        # is needed: finding the user's data folder imports platformdirs (about 3 ms), which
        # the first frame need not wait for.

        def shared_config() -> SharedConfig:  # asked when the archive opens, after the frame
            from player.ui.server_config import read_config

            return read_config(getattr(window, "settings", None))

        self.archive_holder = ArchiveHolder(
            archive_db,
            user_store=resume_store.user_store,
            shared_config=shared_config,
            runner=runner,
            keep_user_data_in=getattr(resume_store, "keep_in", None),  # positions follow
            parent=self,
        )
        self.archive_holder.archive_changed.connect(self._on_archive_changed)
        self.archive_holder.shared_changed.connect(self._on_shared_changed)
        self.archive_holder.user_data_changed.connect(self._on_user_data_changed)
        self.server_library: ServerLibrary | None = None
        """The shared archive's listing for the library (None: no server attached)."""
        self._hooked = False  # reattach() is connected to the preferences
        self.library: LibraryPanel | None = None
        self.library_dock: QDockWidget | None = None
        self.bookmarks: BookmarksPanel | None = None
        self.bookmarks_dock: QDockWidget | None = None
        if archive_db is not None:
            QTimer.singleShot(LIBRARY_DELAY_MS, self, self.ensure_library)

    @property
    def has_archive(self) -> bool:
        """Whether this window has a library at all (without opening it)."""
        return self.archive_holder.has_database

    @property
    def archive_db(self) -> Path | None:
        """The archive database's path (None: this window has no archive)."""
        return self.archive_holder.db_path

    @property
    def archive(self) -> Archive | None:
        """The archive open now, or None."""
        return self.archive_holder.archive

    # ----- library ----------------------------------------------------------------------------

    def ensure_library(self) -> LibraryPanel | None:
        """Build the library dock and open the archive (once); None without an archive, or
        when the window has closed before the library was built."""
        holder = self.archive_holder
        if self.library is not None or not holder.has_database or holder.closed:
            return self.library
        from player.ui.library_panel import LibraryPanel

        self.library = LibraryPanel(self._window, runner=self._runner)
        self.library_dock = self._dock("Library", "library", self.library)
        self.library_dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        if not self._window.restoreDockWidget(self.library_dock):  # as it was (WINDOW_STATE)
            self._window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.library_dock)
            self.library_dock.hide()
        self.library_dock.visibilityChanged.connect(self.library_shown)
        self.library.open_requested.connect(self.open_requested)
        self.library.rebuild_requested.connect(holder.rebuild)
        self.library.set_server(self.server_library)
        self._hook_preferences()
        if holder.opened:  # by the bookmarks: show what came of it
            self.library.set_archive(holder.archive, holder.problem)
        else:
            holder.open()  # answers by archive_changed
        return self.library

    @Slot(bool)
    def show_library(self, visible: bool) -> None:
        """Show or hide the library dock."""
        self.ensure_library()
        if self.library_dock is not None:
            self.library_dock.setVisible(visible)
            if visible and self.library is not None:
                self.library.filter.setFocus()

    def _hook_preferences(self) -> None:
        """Re-attach the shared archive when the preferences are applied (the window's dialogs
        are made after the docks)."""
        dialogs = getattr(self._window, "dialogs", None)
        if not self._hooked and dialogs is not None:
            dialogs.preferences_applied.connect(self.archive_holder.reattach)
            self._hooked = True

    @Slot(object, object)
    def _on_shared_changed(self, config: SharedConfig | None, problem: str | None) -> None:
        """A server attached (or none): the library lists its briefings (or this computer's)."""
        from player.ui.server_library import ServerLibrary

        old, self.server_library = self.server_library, None
        if old is not None:
            old.close()
        if config is not None:
            self.server_library = ServerLibrary(config, runner=self._runner, parent=self)
            self.server_library.state_changed.connect(self.message)
            self.message.emit(f"Shared archive: {config.shown}")
        if problem:
            self.message.emit(f"Shared archive: {problem}")
        if self.library is not None:
            self.library.set_server(self.server_library)

    @Slot(str)
    def _on_user_data_changed(self, said: str) -> None:
        """Per-user data moved (server, this computer): say so, and show what is kept there."""
        self.message.emit(said)
        if self.bookmarks is not None:
            self.bookmarks.set_context(self.archive_holder.archive, self._controller.media_path)
        if self.library is not None:
            self.library.refresh()

    @Slot(object, object)
    def _on_archive_changed(self, archive: Archive | None, problem: ArchiveError | None) -> None:
        if self.library is not None:
            self.library.set_archive(archive, problem)
        if self.bookmarks is not None:
            self.bookmarks.set_context(archive, self._controller.media_path)
        self.archive_changed.emit(archive)

    def close(self) -> None:
        """Stop the library's scan or removal (waiting for it), then close the archive."""
        if self.library is not None:
            self.library.stop_jobs()
        if self.server_library is not None:
            self.server_library.close()
        self.archive_holder.close()

    # ----- bookmarks --------------------------------------------------------------------------

    def ensure_bookmarks(self) -> BookmarksPanel:
        """Build the bookmarks dock (once) for the media now open."""
        if self.bookmarks is None:
            from player.ui.bookmarks_panel import BookmarksPanel

            self.archive_holder.open()  # the library database, where bookmarks are kept
            panel = BookmarksPanel(self._window)
            dock = self._dock("Bookmarks", "bookmarks", panel)
            if not self._window.restoreDockWidget(dock):  # where it was (WINDOW_STATE)
                self._window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            dock.hide()
            dock.visibilityChanged.connect(self.bookmarks_shown)
            panel.seek_requested.connect(self.seek_requested)
            panel.message.connect(self.message)
            self.bookmarks, self.bookmarks_dock = panel, dock
            panel.set_context(self.archive_holder.archive, self._controller.media_path)
        return self.bookmarks

    @Slot(object)
    def set_media(self, media: str | None) -> None:
        """The media now open (None: none): the bookmarks shown are its own."""
        if self.bookmarks is not None:
            self.bookmarks.set_context(self.archive_holder.archive, media)

    @Slot(bool)
    def show_bookmarks(self, visible: bool) -> None:
        """Show or hide the bookmarks dock."""
        panel = self.ensure_bookmarks()
        assert self.bookmarks_dock is not None
        self.bookmarks_dock.setVisible(visible)
        if visible:
            panel.list.setFocus()

    @Slot()
    def add_bookmark(self) -> None:
        """Bookmark the start of the line being spoken (or of the words selected in the
        transcript, ``ui.quote_selection``), labelled with that line or those words."""
        panel = self.ensure_bookmarks()
        if not panel.available:
            self.message.emit(
                "No bookmark: open a media file; bookmarks are kept in the library database"
                + ("" if self.archive_holder.archive is not None else ", which is not open")
            )
            return
        t_ms, label = self._spoken_line(self._controller.position_ms())
        selector = self._window.findChild(QObject, "word_selector")
        quote = getattr(selector, "selected_quote", lambda: None)()
        if quote is not None:  # words selected in the transcript: from the first of them
            t_ms, label = quote.start_ms, said(quote.text, quote.speaker)
        if panel.add(t_ms, label) is not None:
            assert self.bookmarks_dock is not None
            self.bookmarks_dock.show()
            self.message.emit(f"Bookmark added at {format_clock(t_ms)}")

    def _spoken_line(self, t_ms: int) -> tuple[int, str]:
        """The start and ``Speaker: text`` of the line being spoken at ``t_ms`` (or the one
        just spoken); ``(t_ms, "")`` when there is none."""
        transcript = self._session.transcript
        if transcript is None or not self._session.timed:  # a text without timings: no line
            return t_ms, ""
        row = self._tracker.current
        if row < 0:  # between lines: the one just spoken
            starts = [c.start_ms for c in transcript.cues]
            row = bisect_right(starts, t_ms) - 1 if starts == sorted(starts) else -1
        if row < 0:
            return t_ms, ""
        cue = transcript.cues[row]
        return cue.start_ms, said(cue.text, cue.speaker)

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        from PySide6.QtWidgets import QDockWidget

        dock = QDockWidget(title, self._window)
        dock.setObjectName(name)
        dock.setWidget(widget)
        return dock
