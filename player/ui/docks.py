"""The window's docks: the library (every briefing of the archive) and the open briefing's
bookmarks.

:class:`Docks` builds each dock the first time it is needed (the library just after the window
appears: its database and modules are not needed for the first frame) and hands the archive
the library opened to the bookmarks panel and, by ``archive_changed``, to the rest of the window.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from player.core.text.quote import said_line
from player.core.timeline.timecode import format_clock

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

    from player.core.archive.library import Archive
    from player.ui.bookmarks_panel import BookmarksPanel
    from player.ui.controller import CueTracker, PlaybackController
    from player.ui.jobs import JobRunner
    from player.ui.library_panel import LibraryPanel
    from player.ui.resume_store import ResumeStore
    from player.ui.transcript_session import TranscriptSession

LIBRARY_DELAY_MS = 300  # the library is built this long after the window is made


class Docks(QObject):
    """The library and bookmarks docks of ``window``.

    Signals:
      archive_changed(object): the Archive now open (None: none could be opened).
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
        """The library shares ``resume_store``'s user data (positions, folders, bookmarks) and
        runs its scans on ``runner``."""
        super().__init__(window)
        self._window = window
        # The archive database; a callable (the default location) is asked the first time the
        # archive is needed: finding the user's data folder imports platformdirs (about 3 ms),
        # which the first frame need not wait for.
        self._archive_db = archive_db
        self._controller = controller
        self._session = session
        self._tracker = tracker
        self._resume_store = resume_store
        self._runner = runner
        self._archive: Archive | None = None
        self.library: LibraryPanel | None = None
        self.library_dock: QDockWidget | None = None
        self.bookmarks: BookmarksPanel | None = None
        self.bookmarks_dock: QDockWidget | None = None
        if archive_db is not None:
            QTimer.singleShot(LIBRARY_DELAY_MS, self, self.ensure_library)

    @property
    def has_archive(self) -> bool:
        """Whether this window has a library at all (without opening it)."""
        return self._archive_db is not None

    @property
    def archive_db(self) -> Path | None:
        """The archive database's path (None: this window has no archive)."""
        if callable(self._archive_db):
            self._archive_db = self._archive_db()
        return self._archive_db

    @property
    def archive(self) -> Archive | None:
        """The archive open now, or None."""
        return self._archive

    # ----- library ----------------------------------------------------------------------------

    def ensure_library(self) -> LibraryPanel | None:
        """Build the library dock and open the archive (once); None without an archive."""
        if self.library is not None or self.archive_db is None:
            return self.library
        from player.ui.library_panel import LibraryPanel

        self.library = LibraryPanel(
            self.archive_db,
            self._window,
            user_store=self._resume_store.user_store(),
            runner=self._runner,
        )
        self.library_dock = self._dock("Library", "library", self.library)
        self.library_dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        self._window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.library_dock)
        self.library_dock.hide()
        self.library_dock.visibilityChanged.connect(self.library_shown)
        self.library.open_requested.connect(self.open_requested)
        self.library.archive_changed.connect(self._on_archive_changed)
        self.library.open_archive()
        return self.library

    @Slot(bool)
    def show_library(self, visible: bool) -> None:
        """Show or hide the library dock."""
        self.ensure_library()
        if self.library_dock is not None:
            self.library_dock.setVisible(visible)
            if visible and self.library is not None:
                self.library.filter.setFocus()

    @Slot(object)
    def _on_archive_changed(self, archive: Archive | None) -> None:
        self._archive = archive
        if self.bookmarks is not None:
            self.bookmarks.set_context(archive, self._controller.media_path)
        self.archive_changed.emit(archive)

    def close(self) -> None:
        """Close the archive (a running scan is cancelled)."""
        if self.library is not None:
            self.library.close_archive()

    # ----- bookmarks --------------------------------------------------------------------------

    def ensure_bookmarks(self) -> BookmarksPanel:
        """Build the bookmarks dock (once) for the media now open."""
        if self.bookmarks is None:
            from player.ui.bookmarks_panel import BookmarksPanel

            self.ensure_library()  # opens the library database, where bookmarks are kept
            panel = BookmarksPanel(self._window)
            dock = self._dock("Bookmarks", "bookmarks", panel)
            self._window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            dock.hide()
            dock.visibilityChanged.connect(self.bookmarks_shown)
            panel.seek_requested.connect(self.seek_requested)
            panel.message.connect(self.message)
            self.bookmarks, self.bookmarks_dock = panel, dock
            panel.set_context(self._archive, self._controller.media_path)
        return self.bookmarks

    @Slot(object)
    def set_media(self, media: str | None) -> None:
        """The media now open (None: none): the bookmarks shown are its own."""
        if self.bookmarks is not None:
            self.bookmarks.set_context(self._archive, media)

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
        """Bookmark the current moment, labelled with the line being spoken."""
        panel = self.ensure_bookmarks()
        if not panel.available:
            self.message.emit(
                "No bookmark: open a media file; bookmarks are kept in the library database"
                + ("" if self._archive is not None else ", which is not open")
            )
            return
        t_ms = self._controller.position_ms()
        if panel.add(t_ms, self._spoken_line(t_ms)) is not None:
            assert self.bookmarks_dock is not None
            self.bookmarks_dock.show()
            self.message.emit(f"Bookmark added at {format_clock(t_ms)}")

    def _spoken_line(self, t_ms: int) -> str:
        """``Speaker: text`` of the line being spoken at ``t_ms`` ("" for none)."""
        transcript = self._session.transcript
        if transcript is None:
            return ""
        row = self._tracker.current
        if row < 0:  # between lines: the one just spoken
            starts = [c.start_ms for c in transcript.cues]
            row = bisect_right(starts, t_ms) - 1 if starts == sorted(starts) else -1
        if row < 0:
            return ""
        cue = transcript.cues[row]
        return said_line(cue.text, cue.speaker)

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        from PySide6.QtWidgets import QDockWidget

        dock = QDockWidget(title, self._window)
        dock.setObjectName(name)
        dock.setWidget(widget)
        return dock
