"""The Go to time box (Ctrl+G): a time from the start or a move from here.

Accepts what :func:`~player.core.timeline.jumps.parse_go_to` reads (``1:23``, ``83.5``,
``1:02:03.5``, ``-10s``, ``+1m``); a text that is not a time keeps the box open and says why.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from player.core.timeline.jumps import parse_go_to
from player.core.timeline.timecode import format_clock
from player.ui.announce import announce


class GoToDialog(QDialog):
    """Asks for a time; :attr:`target_ms` is where to go once accepted."""

    def __init__(self, now_ms: int, length_ms: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Go to Time")
        self._now_ms, self._length_ms = now_ms, length_ms
        self.target_ms: int | None = None
        hint = f"Now at {format_clock(now_ms)}"
        if length_ms > 0:
            hint += f" of {format_clock(length_ms)}"
        self.label = QLabel(
            f"{hint}. Type a time (1:23, 83.5, 1:02:03.5) or a move (-10s, +1m):", self
        )
        self.label.setWordWrap(True)
        self.field = QLineEdit(self)
        self.field.setAccessibleName("Time")
        self.field.setPlaceholderText("1:23")
        self.label.setBuddy(self.field)
        self.error = QLabel("", self)
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.field)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.field.setFocus()

    def accept(self) -> None:
        """Go when the text is a time; otherwise say why and stay open."""
        try:
            self.target_ms = parse_go_to(self.field.text(), self._now_ms, self._length_ms)
        except ValueError as err:
            self.error.setText(str(err).capitalize())
            self.error.setAccessibleName(self.error.text())
            self.error.show()
            announce(self, self.error.text())  # heard as well as seen (WCAG 4.1.3)
            self.field.selectAll()
            self.field.setFocus()
            return
        super().accept()
