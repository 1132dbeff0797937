"""The window's dialogs: open a file, keyboard shortcuts, transcript warnings, preferences and
about. Their Qt classes are imported when a dialog is first opened, not at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QVBoxLayout

from player import __version__
from player.core.media.sidecar import MEDIA_EXTENSIONS, TEXT_EXTENSIONS, TRANSCRIPT_EXTENSIONS
from player.ui.widgets import plain_label

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog, QWidget

    from player.core.model import Transcript
    from player.ui import settings as S
    from player.ui.preferences import PreferencesDialog

# Keys handled by the transcript list itself (not window actions), for the shortcuts table.
LIST_KEYS = (
    ("Play the selected line (transcript)", "Enter, double-click"),
    ("Copy selected lines as quotes", "Ctrl+C"),
    ("Select words in the line (transcript)", "Shift+Left, Shift+Right, drag across words"),
    ("Copy the selected words as a quote", "Ctrl+C, Enter"),
    ("Leave word selection", "Esc"),
    ("Correct a machine-made line in place (Enter keeps, Esc drops)", "F2, double-click"),
    ("Undo / redo a correction", "Ctrl+Z / Ctrl+Shift+Z"),
)


def transcript_filters() -> str:
    """The Open Transcript dialog's filters: transcripts and texts, each kind, everything."""
    subs = " ".join(f"*{e}" for e in sorted(TRANSCRIPT_EXTENSIONS))
    texts = " ".join(f"*{e}" for e in sorted(TEXT_EXTENSIONS))
    return (
        f"Transcripts and texts ({subs} {texts});;Transcripts ({subs});;"
        f"Texts without timings ({texts});;All files (*)"
    )


class Dialogs(QObject):
    """Opens the window's dialogs over ``parent``; the last one of each kind stays reachable
    (``preferences_dialog``, ``warnings_dialog``, ``shortcuts_dialog``).

    Signals:
      preferences_applied(): the user accepted new preferences (already saved in the settings).
    """

    preferences_applied = Signal()

    def __init__(self, parent: QWidget, settings: S.Settings) -> None:
        super().__init__(parent)
        self._parent = parent
        self._settings = settings
        self.preferences_dialog: PreferencesDialog | None = None
        self.warnings_dialog: QDialog | None = None
        self.shortcuts_dialog: QDialog | None = None

    def choose_media_file(self) -> str | None:
        """Ask for a media file; None when cancelled."""
        exts = " ".join(f"*{e}" for e in sorted(MEDIA_EXTENSIONS))
        return self._choose_file("Open media", f"Media files ({exts});;All files (*)")

    def choose_transcript_file(self) -> str | None:
        """Ask for a transcript file, or a text without timings (which the window offers to
        synchronize with the audio); None when cancelled."""
        return self._choose_file("Open transcript", transcript_filters())

    def _choose_file(self, title: str, filters: str) -> str | None:
        from PySide6.QtWidgets import QFileDialog

        from player.ui.start_folder import remember_folder, start_folder

        media = getattr(getattr(self._parent, "controller", None), "media_path", None)
        folder = start_folder(self._settings, media)  # the media's, then the last one used
        path, _ = QFileDialog.getOpenFileName(self._parent, title, folder, filters)
        remember_folder(self._settings, path)
        return path or None

    def show_shortcuts(self, rows: list[tuple[str, str]]) -> None:
        """A table of the keyboard shortcuts: ``rows`` of (action, keys) and the list's own."""
        from PySide6.QtWidgets import (
            QDialog,
            QDialogButtonBox,
            QHeaderView,
            QTableWidget,
            QTableWidgetItem,
        )

        dialog = QDialog(self._parent)
        dialog.setWindowTitle("Keyboard shortcuts")
        table = QTableWidget(0, 2, dialog)
        table.setHorizontalHeaderLabels(["Action", "Keys"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for action_name, keys in [*rows, *LIST_KEYS]:
            r = table.rowCount()
            table.insertRow(r)
            table.setItem(r, 0, QTableWidgetItem(action_name))
            table.setItem(r, 1, QTableWidgetItem(keys))
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        note = plain_label(
            "Single-letter keys never act while you type in a text field, and can be turned "
            "off in View ▸ Single-Key Shortcuts.",
            dialog,
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        layout.addWidget(note)
        layout.addWidget(buttons)
        dialog.resize(520, 560)
        dialog.open()
        self.shortcuts_dialog = dialog

    @Slot()
    def show_preferences(self) -> None:
        """Edit skip steps, search lead-in, the reading style and single-key shortcuts."""
        from player.ui.preferences import PreferencesDialog

        dialog = PreferencesDialog(self._settings, self._parent)
        dialog.accepted.connect(lambda: self._apply_preferences(dialog))
        dialog.open()
        self.preferences_dialog = dialog

    def _apply_preferences(self, dialog: PreferencesDialog) -> None:
        dialog.apply()
        self.preferences_applied.emit()

    @Slot()
    def show_about(self) -> None:
        """Version and a one-line description."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self._parent)
        box.setWindowTitle("About Briefing Player")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            f"Briefing Player {__version__}\n\n"
            "Play briefings with synchronized, searchable transcripts. Works offline."
        )
        box.open()

    def show_warnings(self, transcript: Transcript, path: str | None) -> None:
        """List the transcript's load warnings with their line numbers."""
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidget

        dialog = QDialog(self._parent)
        dialog.setWindowTitle("Transcript warnings")
        listing = QListWidget(dialog)
        name = Path(path or "").name
        for w in transcript.warnings:
            where = f"{name}:{w.line}" if w.line is not None else name
            listing.addItem(f"{where}: {w.message}")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(
            plain_label(
                "These parts of the transcript were skipped or repaired while loading:", dialog
            )
        )
        layout.addWidget(listing)
        layout.addWidget(buttons)
        dialog.resize(640, 400)
        dialog.open()
        self.warnings_dialog = dialog
