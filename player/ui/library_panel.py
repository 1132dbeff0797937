"""The library panel: every briefing of the archive in a sortable, filterable table.

The panel is a view over the archive it is given (:meth:`LibraryPanel.set_archive`); it never
opens, rebuilds or closes it: the window's :class:`~player.ui.docks.ArchiveHolder` does. A
damaged database is reported here with an offer to rebuild the index (``rebuild_requested``): the
folders, positions and bookmarks live in a separate user-data file that a rebuild never touches.
Scans and folder removals run on the job runner's background pool (a briefing opened meanwhile
is parsed on the interactive pool, without waiting), one at a time, with a progress bar and
Cancel; the archive's owner calls :meth:`LibraryPanel.stop_jobs` before it closes the archive.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from player.core.archive.library import (
    Archive,
    ArchiveError,
    BriefingRow,
    ScanProgress,
    ScanSummary,
)
from player.core.timeline.timecode import format_clock
from player.ui.jobs import JobList, JobRunner, Pool, default_runner
from player.ui.library_columns import IDENTITY_COLUMNS, arrange_columns, identity_cell
from player.ui.server_library import ServerLibrary, SharedRow, listed_status, open_problem

logger = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Title", "Date", "Duration", "Transcript", "Last position", *IDENTITY_COLUMNS)
FIRST_IDENTITY = 5  # type and folder: shown beside the title (library_columns)


class LibraryModel(QAbstractTableModel):
    """Rows are BriefingRow; DisplayRole is plain text, SORT_ROLE a sortable key."""

    SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
    ROW_ROLE = SORT_ROLE + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[BriefingRow] = []

    def set_rows(self, rows: list[BriefingRow]) -> None:
        """Replace all rows."""
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Number of briefings."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Number of columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Plain text cells, sort keys, tooltips and the row itself."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        b = self._rows[index.row()]
        col = index.column()
        if role == self.ROW_ROLE:
            return b
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = b.where() if isinstance(b, SharedRow) else b.path
            if b.error:
                tip += f"\nTranscript problem: {b.error}"
            elif b.warning_count:
                tip += f"\n{b.warning_count} transcript warning(s)"
            return tip
        if role == self.SORT_ROLE:
            keys: tuple[object, ...] = (
                b.title.casefold(),
                b.date,
                b.duration_ms or 0,
                b.language or "",
                b.position_ms or 0,
            )
            if col >= FIRST_IDENTITY:
                return identity_cell(b, col - FIRST_IDENTITY).casefold()
            return keys[col]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if col == 0:
                return b.title
            if col == 1:
                return b.date
            if col == 2:
                return format_clock(b.duration_ms) if b.duration_ms else "—"
            if col == 3:
                if b.transcript_path is None and not b.cue_count:  # a shared one: indexed
                    return "none"
                text = b.language or "unknown language"
                if b.machine_generated:
                    text += " (machine)"
                if b.error:
                    text += " ⚠ unreadable"
                elif b.warning_count:
                    text += f" ⚠ {b.warning_count}"
                return text
            if col == 4:
                return format_clock(b.position_ms) if b.position_ms else ""
            if col >= FIRST_IDENTITY:
                return identity_cell(b, col - FIRST_IDENTITY)
        return None


class _ScanSignals(QObject):
    """Progress from the scan thread to the GUI thread."""

    progressed = Signal(object)


class _Table(QTableView):
    """Enter opens the selected briefing."""

    open_current = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter/Return opens; everything else as usual."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_current.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class LibraryPanel(QWidget):
    """Library table with Add folder / Rescan / Remove folder, a filter box and scan progress,
    over the archive it is given by :meth:`set_archive`.

    Signals:
      open_requested(object): the user chose a briefing (a BriefingRow) to open.
      rebuild_requested(): the user asked to rebuild the damaged index (the panel's jobs have
        stopped); the owner answers with :meth:`set_archive`, and the panel then scans.
      scan_finished(object): a ScanSummary after a scan.
      folder_removed(str, int): a folder removal ended: the folder and how many briefings were
        dropped (the folder stays in the library when the removal was cancelled or failed).
    """

    open_requested = Signal(object)
    rebuild_requested = Signal()
    scan_finished = Signal(object)
    folder_removed = Signal(str, int)

    def __init__(self, parent: QWidget | None = None, *, runner: JobRunner | None = None) -> None:
        """``runner``: where scans and removals run (default: the shared runner)."""
        super().__init__(parent)
        self._archive: Archive | None = None
        self._rebuilding = False  # a rebuild was asked for: scan when the new archive comes
        self._runner = runner
        self._cancel: threading.Event | None = None
        self._jobs = JobList()
        self._signals = _ScanSignals(self)
        self._signals.progressed.connect(self._on_progress)
        self._rescan_after: set[str] = set()  # folders to rescan once the running scan ends
        self._server: ServerLibrary | None = None  # the shared archive's listing, if attached
        self.scan_finished.connect(self._scan_waiting_folders)

        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter briefings")
        self.filter.setAccessibleName("Filter briefings")
        self.filter.setClearButtonEnabled(True)
        self.add_button = QPushButton("Add folder…", self)
        self.rescan_button = QPushButton("Rescan", self)
        self.remove_button = QPushButton("Remove folder…", self)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.hide()
        self.rebuild_button = QPushButton("Rebuild index", self)
        self.rebuild_button.hide()
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Scan progress")
        self.progress.hide()
        self.status = QLabel("", self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.setAccessibleDescription("Library status")  # its name: the text shown
        self.model = LibraryModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(LibraryModel.SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = _Table(self)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (arrows move inside)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        arrange_columns(self.table, FIRST_IDENTITY)  # title, type, folder, date…; no wrapping
        self.table.setAccessibleName("Briefings")

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for b in (
            self.add_button,
            self.rescan_button,
            self.remove_button,
            self.cancel_button,
            self.rebuild_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)

        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.add_button.clicked.connect(self.choose_folder)
        self.rescan_button.clicked.connect(lambda: self.scan())
        self.remove_button.clicked.connect(self.choose_folder_to_remove)
        self.cancel_button.clicked.connect(self.cancel_scan)
        self.rebuild_button.clicked.connect(self.request_rebuild)
        self.table.doubleClicked.connect(self._open_index)
        self.table.open_current.connect(lambda: self._open_index(self.table.currentIndex()))

    # ----- the archive ------------------------------------------------------------------------

    @property
    def archive(self) -> Archive | None:
        """The archive shown (None: none is open)."""
        return self._archive

    def set_archive(self, archive: Archive | None, problem: ArchiveError | None = None) -> None:
        """Show ``archive``; None with ``problem``: it cannot be used (a rebuild is offered
        when that would help); None alone: there is none (e.g. it was closed)."""
        rebuilt, self._rebuilding = self._rebuilding, False
        if archive is not self._archive and self._cancel is not None:
            self.cancel_scan()  # a job on the archive that goes away (its owner waits for it)
        self._archive = archive
        if archive is None:
            self.model.set_rows([])
            self._set_buttons_enabled(False)
            if problem is not None and rebuilt:
                self.status.setText(f"Could not rebuild the index: {problem}")
            elif problem is not None:
                self.rebuild_button.setVisible(problem.rebuildable)
                self.status.setText(
                    f"The library database cannot be used: {problem}. "
                    "Rebuilding the index keeps your folders, positions and bookmarks."
                )
            return
        self.rebuild_button.hide()
        self._set_buttons_enabled(self._cancel is None)
        self.refresh()
        if rebuilt:
            self.scan()

    @Slot()
    def request_rebuild(self) -> None:
        """Ask the archive's owner to move the damaged index aside and start a new one (the
        folders are scanned again when it comes)."""
        self.stop_jobs()
        self._rebuilding = True
        self.status.setText("Rebuilding the index…")
        self.rebuild_requested.emit()

    def stop_jobs(self, timeout_s: float = 10.0) -> bool:
        """Cancel a running scan or removal and wait for it (up to ``timeout_s``): the owner
        calls this before it closes the archive. True when no job runs any more."""
        self.cancel_scan()
        self._jobs.cancel()
        if self._jobs.wait(timeout_s):
            return True
        logger.warning("The library's scan or removal still runs after %.0f s", timeout_s)
        return False

    def _set_buttons_enabled(self, enabled: bool) -> None:
        for b in (self.add_button, self.rescan_button, self.remove_button):
            b.setEnabled(enabled)

    def set_server(self, server: ServerLibrary | None) -> None:
        """List the shared archive's briefings (read by ``server`` on a worker) instead of this
        computer's; None: this computer's again. The owner closes the one it replaces."""
        if self._server is not None:
            self._server.listed.disconnect(self._on_server_rows)
            self._server.unreachable.disconnect(self._on_server_away)
            if server is None:
                self.status.setText("No shared archive: showing this computer's archive.")
        self._server = server
        if server is not None:
            server.listed.connect(self._on_server_rows)
            server.unreachable.connect(self._on_server_away)
        self.refresh()

    @Slot(object)
    def _on_server_rows(self, rows: list[SharedRow]) -> None:
        if self._server is not None and self._archive is not None:
            self.model.set_rows(list(rows))
            self.status.setText(listed_status(self._server.shown, rows))

    @Slot(str)
    def _on_server_away(self, message: str) -> None:
        self._show_local()
        if self._archive is not None:
            self.status.setText(message)

    def refresh(self) -> None:
        """Reload the table from the archive (from the shared archive's server, on a worker,
        when one is attached; this computer's archive while it is out of reach)."""
        if self._archive is not None and self._server is not None:
            if self._server.problem is None and not self._server.answered:
                self.status.setText(f"Reading the shared archive {self._server.shown}…")
            self._server.request(self._archive.user_store)
            return
        self._show_local()

    def _show_local(self) -> None:
        if self._archive is None:
            self.model.set_rows([])
            return
        try:
            rows = self._archive.briefings()
        except ArchiveError as err:
            self.status.setText(f"Could not read the library: {err}")
            return
        self.model.set_rows(rows)
        if not rows and not self._archive.folders():
            self.status.setText("No folders yet: use “Add folder…” to index a folder of briefings.")

    # ----- folders and scans ------------------------------------------------------------------

    @Slot()
    def choose_folder(self) -> None:
        """Ask for a folder, add it and scan it."""
        from player.ui.start_folder import start_folder_for

        start = start_folder_for(self)  # the open media's folder, then the last one used
        folder = QFileDialog.getExistingDirectory(self, "Add a folder of briefings", start)
        if folder:
            self.add_folder(folder)

    def add_folder(self, folder: str) -> None:
        """Add ``folder`` to the library and scan it."""
        if self._archive is None:
            return
        try:
            self._archive.add_folder(folder)
        except (ArchiveError, OSError) as err:
            self.status.setText(f"Could not add {folder}: {err}")
            return
        self.scan()

    @Slot()
    def choose_folder_to_remove(self) -> None:
        """Pick one of the library's folders and remove it (files on disk are not touched)."""
        if self._archive is None:
            return
        folders = self._archive.folders()
        if not folders:
            self.status.setText("The library has no folders.")
            return
        folder, ok = QInputDialog.getItem(
            self,
            "Remove folder",
            "Remove from the library (files stay on disk):",
            folders,
            0,
            False,
        )
        if ok and folder:
            self.remove_folder(folder)

    def remove_folder(self, folder: str) -> None:
        """Remove ``folder`` and its briefings from the library on a worker (progress shown;
        Cancel stops it between chunks); ``folder_removed`` says when it is done."""
        archive = self._archive
        if archive is None or self._cancel is not None:
            return
        cancel = self._begin_job(f"Removing {folder}…")
        signals = self._signals

        def progress(done: int, total: int) -> None:
            signals.progressed.emit(ScanProgress("removing", done, total, folder))

        self._start(
            lambda: archive.remove_folder(folder, progress=progress, should_stop=cancel.is_set),
            lambda _token, removed: self._on_removed(folder, removed),
            lambda _token, err: self._on_remove_failed(folder, err),
            cancel,
            "remove folder",
        )

    def is_scanning(self) -> bool:
        """Whether a scan or a folder removal is running."""
        return self._cancel is not None

    def index_written(self, path: str) -> None:
        """A transcript the window has just written (synchronized, transcribed): rescan the
        library folder holding it, if any (incremental: only that briefing is indexed again),
        after the scan running now if there is one."""
        archive = self._archive
        if archive is None:
            return
        try:
            folders = archive.folders()
        except Exception:  # a damaged library: the transcript is saved anyway
            logger.info("library not rescanned for %s: its folders cannot be read", path)
            return
        target = Path(path).resolve()
        owner = next((f for f in folders if target.is_relative_to(Path(f).resolve())), None)
        if owner is None:
            return
        if self.is_scanning():
            self._rescan_after.add(owner)
        else:
            self.scan([owner])

    @Slot(object)
    def _scan_waiting_folders(self, _summary: object) -> None:
        if self._rescan_after:
            owners, self._rescan_after = sorted(self._rescan_after), set()
            QTimer.singleShot(0, self, lambda: self.scan(owners))

    def scan(self, folders: list[str] | None = None) -> None:
        """Scan every folder (or only ``folders``, which are in the library) on a worker
        thread (progress shown; Cancel stops it)."""
        archive = self._archive
        if archive is None or self._cancel is not None:
            return
        cancel = self._begin_job("Scanning…")
        signals = self._signals
        self._start(
            lambda: archive.scan(progress=signals.progressed.emit, cancel=cancel, folders=folders),
            self._on_scan_done,
            self._on_scan_failed,
            cancel,
            "library scan",
        )

    def _begin_job(self, status: str) -> threading.Event:
        cancel = threading.Event()
        self._cancel = cancel
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self._set_buttons_enabled(False)
        self.status.setText(status)
        return cancel

    def _start(
        self,
        fn: Callable[[], object],
        on_finished: Callable[[int, object], None],
        on_failed: Callable[[int, Exception], None],
        cancel: threading.Event,
        name: str,
    ) -> None:
        runner = self._runner or default_runner()
        job = runner.start(
            fn,
            on_finished,
            on_failed,
            pool=Pool.BACKGROUND,
            name=name,
            cancel=cancel,
            expected=(ArchiveError,),
        )
        self._jobs.add(job)

    @Slot()
    def cancel_scan(self) -> None:
        """Ask a running scan to stop after the briefing at hand."""
        if self._cancel is not None:
            self._cancel.set()
            self.status.setText("Cancelling…")

    @Slot(object)
    def _on_progress(self, p: ScanProgress) -> None:
        if p.total:
            self.progress.setRange(0, p.total)
            self.progress.setValue(p.done)
        name = Path(p.path).name if p.path else ""
        self.status.setText(f"{p.phase.capitalize()}… {p.done}/{p.total or '?'} {name}")

    @Slot(int, object)
    def _on_scan_done(self, _token: int, summary: object) -> None:
        self._scan_ended()
        if isinstance(summary, ScanSummary):
            text = "Scan " + summary.line()
            if summary.skipped:
                text += f"; skipped {len(summary.skipped)}: " + "; ".join(
                    f"{Path(p).name}: {why}" for p, why in summary.skipped[:5]
                )
                if len(summary.skipped) > 5:
                    text += "; …"
            self.status.setText(text)
            self.scan_finished.emit(summary)
        self.refresh()

    @Slot(int, object)
    def _on_scan_failed(self, _token: int, err: object) -> None:
        self._scan_ended()
        self.status.setText(f"The scan failed: {err}")
        self.refresh()

    def _on_removed(self, folder: str, removed: object) -> None:
        stopped = self._cancel is not None and self._cancel.is_set()
        self._scan_ended()
        self.refresh()
        count = removed if isinstance(removed, int) else 0
        if stopped:
            self.status.setText(
                f"Removal of {folder} cancelled ({count} briefings dropped); "
                "the folder stays in the library."
            )
        else:
            self.status.setText(f"Removed {folder} ({count} briefings).")
        self.folder_removed.emit(folder, count)

    def _on_remove_failed(self, folder: str, err: object) -> None:
        self._scan_ended()
        self.refresh()
        self.status.setText(f"Could not remove {folder}: {err}")
        self.folder_removed.emit(folder, 0)

    def _scan_ended(self) -> None:
        self._cancel = None
        self.progress.hide()
        self.cancel_button.hide()
        self._set_buttons_enabled(self._archive is not None)

    # ----- opening ----------------------------------------------------------------------------

    @Slot(QModelIndex)
    def _open_index(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row = self.proxy.data(index, LibraryModel.ROW_ROLE)
        if isinstance(row, BriefingRow):
            problem = open_problem(row)  # a shared briefing not reachable from here
            if problem is not None:
                self.status.setText(problem)
                return
            self.open_requested.emit(row)
