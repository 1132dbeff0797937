"""Preferences ▸ Shared archive (issue 19): the PostgreSQL server's address, this computer's
folders for the library roots, whether positions, bookmarks and notes are kept on the server,
and a connection test.

:class:`SharedArchiveGroup` is one group of the Preferences dialog. Its values go to the
settings (``archive/server_url``, ``archive/roots``, ``archive/user_data_on_server``) when the
dialog is accepted, and the window then attaches the server they name (or none) without a
restart (``docks.ArchiveHolder.reattach``). An address that holds a password is refused with
where the password goes instead (``~/.pgpass`` or ``PGPASSWORD``): it is never written to the
settings file, shown or logged. When ``BRIEFING_PLAYER_DB`` or ``BRIEFING_PLAYER_ROOTS`` is
set the group says that it wins over the values here. "Test connection" connects on a worker
(the job runner; the store bounds the connection and the query, ``server_config.try_server``)
and shows "connected: N briefings" or the reason. Every field has a label (its buddy) and an
accessible name, and everything is reachable by the keyboard (the roots table does not trap
Tab: arrows move inside it, F2 or typing edits a cell).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from player.core.archive.roots import RootError, RootMap
from player.core.archive.store import is_server_url, redact
from player.ui import settings as S
from player.ui.jobs import JobRunner, Pool, default_runner
from player.ui.server_config import (
    DB_ENV,
    EXAMPLE,
    ROOTS_ENV,
    AddressError,
    check_address,
    roots_from_rows,
    try_server,
)

__all__ = ["SharedArchiveGroup"]

TEST_BOUND_S = 10
"""What the user is told the test may take at most (connection and query, 5 s each)."""


def _note(parent: QWidget, description: str) -> QLabel:
    label = QLabel("", parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setAccessibleDescription(description)  # its name: the text shown
    label.hide()
    return label


class SharedArchiveGroup(QGroupBox):
    """The "Shared archive" group of the Preferences dialog (see the module)."""

    def __init__(
        self,
        settings: S.Settings,
        parent: QWidget | None = None,
        *,
        runner: JobRunner | None = None,
        environ: Mapping[str, str] | None = None,
        user_data_available: bool = True,
    ) -> None:
        """``environ`` (default: the process's) says which variables win over the values here;
        ``user_data_available`` whether the server can keep per-user data (its store exists)."""
        super().__init__("Shared archive (a newsroom's PostgreSQL server)", parent)
        self._settings = settings
        self._runner = runner
        env = os.environ if environ is None else environ
        self._env_url = env.get(DB_ENV, "").strip() if is_server_url(env.get(DB_ENV)) else ""
        self._env_roots = env.get(ROOTS_ENV, "").strip()
        self._test_token = 0

        self.address = QLineEdit(settings.get(S.ARCHIVE_SERVER_URL), self)
        self.address.setPlaceholderText(EXAMPLE + "   (empty: none)")
        self.address.setAccessibleName("Shared archive server address")
        self.address.setAccessibleDescription(
            "The password is never kept here: put it in ~/.pgpass or PGPASSWORD"
        )
        self.address.setClearButtonEnabled(True)
        address_label = QLabel("Server &address:", self)
        address_label.setBuddy(self.address)
        self.address_note = _note(self, "About the server address")
        self.test_button = QPushButton("Te&st connection", self)
        self.test_button.setAccessibleName("Test connection")
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = _note(self, "Connection test result")

        self.roots = QTableWidget(0, 2, self)
        self.roots.setHorizontalHeaderLabels(["Root name", "Folder on this computer"])
        self.roots.setAccessibleName("Library roots")
        self.roots.setAccessibleDescription(
            "Each library root of the shared archive and the folder where this computer sees it"
        )
        self.roots.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.roots.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.roots.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.roots.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.roots.verticalHeader().hide()
        header = self.roots.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.roots.setMinimumWidth(520)
        rows_shown = 3  # then it scrolls
        frame = 2 * self.roots.frameWidth()
        self.roots.setFixedHeight(
            header.sizeHint().height()
            + rows_shown * self.roots.verticalHeader().defaultSectionSize()
            + frame
        )
        roots_label = QLabel("Library &roots:", self)
        roots_label.setBuddy(self.roots)
        self.add_root = QPushButton("A&dd root", self)
        self.add_root.clicked.connect(lambda: self.add_root_row())
        self.choose_folder = QPushButton("C&hoose folder…", self)
        self.choose_folder.setAccessibleName("Choose the folder of the selected root")
        self.choose_folder.clicked.connect(self.choose_root_folder)
        self.remove_root = QPushButton("Remo&ve root", self)
        self.remove_root.setAccessibleName("Remove the selected root")
        self.remove_root.clicked.connect(self.remove_root_row)
        self.roots_note = _note(self, "About the library roots")
        try:
            stored = RootMap.parse(settings.get(S.ARCHIVE_ROOTS))
        except RootError:
            stored = RootMap()
        for name, folder in sorted(stored.folders.items()):
            self.add_root_row(name, str(folder))

        self.user_data: QCheckBox | None = None
        if user_data_available:
            self.user_data = QCheckBox(
                "&Keep my positions, bookmarks and notes on the server", self
            )
            self.user_data.setToolTip(
                "Kept under your login role, so they follow you to other computers. Off: they "
                "stay on this computer. While the server is away they are kept here."
            )
            self.user_data.setChecked(settings.get(S.ARCHIVE_USER_DATA_ON_SERVER))
        self.env_note = _note(self, "Environment variables in use")
        self._show_environment()

        address_row = QHBoxLayout()
        address_row.setContentsMargins(0, 0, 0, 0)
        address_row.addWidget(self.address, 1)
        address_row.addWidget(self.test_button)
        address_box = QVBoxLayout()  # a hidden note takes no room
        address_box.setContentsMargins(0, 0, 0, 0)
        address_box.addLayout(address_row)
        address_box.addWidget(self.address_note)
        address_box.addWidget(self.test_result)
        root_buttons = QVBoxLayout()
        root_buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.add_root, self.choose_folder, self.remove_root):
            root_buttons.addWidget(button)
        root_buttons.addStretch(1)
        roots_row = QHBoxLayout()
        roots_row.setContentsMargins(0, 0, 0, 0)
        roots_row.addWidget(self.roots, 1)
        roots_row.addLayout(root_buttons)
        roots_box = QVBoxLayout()
        roots_box.setContentsMargins(0, 0, 0, 0)
        roots_box.addLayout(roots_row)
        roots_box.addWidget(self.roots_note)
        form = QFormLayout(self)
        form.addRow(self.env_note)
        form.addRow(address_label, address_box)
        form.addRow(roots_label, roots_box)
        if self.user_data is not None:
            form.addRow(self.user_data)

    # ----- the roots table --------------------------------------------------------------------

    def add_root_row(self, name: str = "", folder: str = "") -> int:
        """Add a row (empty: the name cell is selected for typing); its number."""
        row = self.roots.rowCount()
        self.roots.insertRow(row)
        self.roots.setItem(row, 0, QTableWidgetItem(name))
        self.roots.setItem(row, 1, QTableWidgetItem(folder))
        if not name:
            self.roots.setCurrentCell(row, 0)
            self.roots.setFocus()
        return row

    def rows(self) -> list[tuple[str, str]]:
        """The table's (root name, folder) rows."""
        out = []
        for row in range(self.roots.rowCount()):
            name, folder = self.roots.item(row, 0), self.roots.item(row, 1)
            out.append((name.text() if name else "", folder.text() if folder else ""))
        return out

    @Slot()
    def choose_root_folder(self) -> None:
        """Ask for the folder of the selected root (a new row when there is none)."""
        row = self.roots.currentRow()
        if row < 0:
            row = self.add_root_row()
        current = self.roots.item(row, 1)
        start = current.text() if current is not None else ""
        start = start or os.path.expanduser("~")
        folder = QFileDialog.getExistingDirectory(self, "Folder of the library root", start)
        if folder:
            self.set_root_folder(row, folder)

    def set_root_folder(self, row: int, folder: str) -> None:
        """Put ``folder`` in ``row`` (named after the folder when the row has no name yet)."""
        self.roots.setItem(row, 1, QTableWidgetItem(folder))
        name = self.roots.item(row, 0)
        if name is None or not name.text().strip():
            self.roots.setItem(row, 0, QTableWidgetItem(os.path.basename(folder.rstrip("/\\"))))
        self.roots.setCurrentCell(row, 1)

    @Slot()
    def remove_root_row(self) -> None:
        """Remove the selected root."""
        row = self.roots.currentRow()
        if row >= 0:
            self.roots.removeRow(row)
            self.roots.setFocus()

    # ----- checks and saving ------------------------------------------------------------------

    def _show_environment(self) -> None:
        lines = []
        if self._env_url:
            lines.append(
                f"{DB_ENV} is set ({redact(self._env_url)}): it is used instead of the address "
                "below as long as it is set."
            )
        if self._env_roots:
            lines.append(f"{ROOTS_ENV} is set: it is used instead of the roots below.")
        self.env_note.setText("\n".join(lines))
        self.env_note.setVisible(bool(lines))

    def _say(self, note: QLabel, text: str) -> None:
        note.setText(text)
        note.setVisible(bool(text))
        top = self.window()
        layout = top.layout()
        if top.isVisible() and layout is not None:  # room for the note (grows, never shrinks)
            layout.activate()
            needed = layout.totalHeightForWidth(top.width())
            if needed < 0:
                needed = top.sizeHint().height()
            top.resize(top.width(), max(top.height(), needed))

    def validate(self) -> bool:
        """Whether the values can be kept; if not, the reason is shown by the field concerned and
        that field takes the focus (the password is never shown)."""
        try:
            check_address(self.address.text())
        except AddressError as err:
            self._say(self.address_note, str(err))
            self.address.setFocus()
            return False
        self._say(self.address_note, "")
        try:
            roots_from_rows(self.rows())
        except RootError as err:
            self._say(self.roots_note, str(err))
            self.roots.setFocus()
            return False
        self._say(self.roots_note, "")
        return True

    def apply(self) -> None:
        """Write the values to the settings (call :meth:`validate` first: an address with a
        password is never written)."""
        try:
            url = check_address(self.address.text())
        except AddressError:
            url = self._settings.get(S.ARCHIVE_SERVER_URL)  # keep what was there
        try:
            roots = roots_from_rows(self.rows()).text()
        except RootError:
            roots = self._settings.get(S.ARCHIVE_ROOTS)
        self._settings.set(S.ARCHIVE_SERVER_URL, url)
        self._settings.set(S.ARCHIVE_ROOTS, roots)
        if self.user_data is not None:
            self._settings.set(S.ARCHIVE_USER_DATA_ON_SERVER, self.user_data.isChecked())

    # ----- the connection test ----------------------------------------------------------------

    @Slot()
    def test_connection(self) -> None:
        """Connect to the server that would be used (the environment's when set) on a worker;
        the answer is shown under the address."""
        url = self._env_url
        if not url:
            try:
                url = check_address(self.address.text())
            except AddressError as err:
                self._say(self.test_result, f"Not tested: {err}")
                return
        if not url:
            self._say(self.test_result, "Not tested: type the server's address first.")
            return
        self._test_token += 1
        self.test_button.setEnabled(False)
        self._say(self.test_result, f"Testing {redact(url)} (up to {TEST_BOUND_S} s)…")
        (self._runner or default_runner()).start(
            lambda: try_server(url),
            self._on_tested,
            self._on_test_failed,
            token=self._test_token,
            pool=Pool.INTERACTIVE,
            name="shared archive connection test",
            expected=(Exception,),
        )

    def _on_tested(self, token: int, answer: object) -> None:
        if token == self._test_token:
            self.test_button.setEnabled(True)
            self._say(self.test_result, f"{str(answer).capitalize()}.")

    def _on_test_failed(self, token: int, err: Exception) -> None:
        if token == self._test_token:
            self.test_button.setEnabled(True)
            reason = getattr(err, "message", None) or str(err)
            self._say(self.test_result, f"Not connected: {reason}")
