"""The window's status bar: a one-line status, the transcript's warning count (a button that
lists them) and the choice among the transcripts found beside the media (languages)."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QPushButton, QStatusBar, QWidget

from player.ui.announce import announce
from player.ui.eliding_label import ElidingLabel
from player.ui.widgets import plain_label


class StatusBar(QStatusBar):
    """Status line, warnings button and transcript (language) choice.

    Signals:
      warnings_requested(): the user asked to see the transcript's warnings.
      transcript_chosen(str): the user chose another transcript (its path) beside the media.
    """

    warnings_requested = Signal()
    transcript_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = ElidingLabel("", self)  # named by the text shown (the whole text when cut)
        self.label.setAccessibleDescription("Status")
        self.addWidget(self.label, 1)
        self.warnings_button = QPushButton(self)
        self.warnings_button.setFlat(True)
        self.warnings_button.setAccessibleDescription("Show the transcript's warnings")
        self.warnings_button.hide()
        self.warnings_button.clicked.connect(self.warnings_requested)
        self.addPermanentWidget(self.warnings_button)
        # Qt names a combo box by its current value: the visible label names it (buddy).
        self.language_label = plain_label("Transcript:", self)
        self.language_label.hide()
        self.addPermanentWidget(self.language_label)
        self.language_box = QComboBox(self)
        self.language_label.setBuddy(self.language_box)
        self.language_box.setAccessibleName("Transcript language")
        self.language_box.setToolTip("Transcript to show")
        self.language_box.hide()
        self.language_box.activated.connect(self._on_language_chosen)
        self.addPermanentWidget(self.language_box)

    @Slot(str)
    def show_status(self, text: str) -> None:
        """Show a one-line status (it stays until the next one) and have it spoken."""
        self.label.setText(text)
        announce(self, text)

    def set_warning_count(self, count: int) -> None:
        """The transcript's warnings: a button saying how many, hidden for none."""
        if count:
            self.warnings_button.setText(f"⚠ {count} transcript warning{'s' if count != 1 else ''}")
        self.warnings_button.setVisible(count > 0)

    @Slot(object, int)
    def set_transcript_choices(self, choices: list[tuple[str, str]], current: int) -> None:
        """Offer these transcripts as (label, path) with ``current`` chosen; [] hides the box."""
        self.language_box.clear()
        for label, path in choices:
            self.language_box.addItem(label, path)
        if choices:
            self.language_box.setCurrentIndex(current)
        self.language_box.setVisible(bool(choices))
        self.language_label.setVisible(bool(choices))

    @Slot(int)
    def _on_language_chosen(self, i: int) -> None:
        path = self.language_box.itemData(i)
        if path:
            self.transcript_chosen.emit(str(path))
