"""Preferences dialog: the user-adjustable settings, each read from and written to Settings."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from player.ui import settings as S


class PreferencesDialog(QDialog):
    """Skip steps, search lead-in, transcript text size and single-key shortcuts."""

    def __init__(self, settings: S.Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self._settings = settings
        self.skip_back = self._seconds(settings.get(S.SKIP_BACK_MS), "Skip back")
        self.skip_forward = self._seconds(settings.get(S.SKIP_FORWARD_MS), "Skip forward")
        self.lead_in = self._seconds(settings.get(S.SEARCH_LEAD_IN_MS), "Search lead-in", 0.0)
        self.font_size = QSpinBox(self)
        self.font_size.setRange(0, 48)
        self.font_size.setSpecialValueText("Default")
        self.font_size.setSuffix(" pt")
        self.font_size.setValue(settings.get(S.TRANSCRIPT_FONT_PT))
        self.font_size.setAccessibleName("Transcript text size")
        self.single_keys = QCheckBox("Allow single-key shortcuts (never while typing)", self)
        self.single_keys.setChecked(settings.get(S.SINGLE_KEY_SHORTCUTS))
        form = QFormLayout(self)
        form.addRow("Skip &back by:", self.skip_back)
        form.addRow("Skip &forward by:", self.skip_forward)
        form.addRow("Start search hits &earlier by:", self.lead_in)
        form.addRow("Transcript &text size:", self.font_size)
        form.addRow(self.single_keys)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _seconds(self, value_ms: int, name: str, minimum: float = 0.5) -> QDoubleSpinBox:
        box = QDoubleSpinBox(self)
        box.setRange(minimum, 600.0)
        box.setDecimals(1)
        box.setSingleStep(0.5)
        box.setSuffix(" s")
        box.setValue(value_ms / 1000)
        box.setAccessibleName(name)
        return box

    def apply(self) -> None:
        """Write the dialog's values to the settings."""
        s = self._settings
        s.set(S.SKIP_BACK_MS, round(self.skip_back.value() * 1000))
        s.set(S.SKIP_FORWARD_MS, round(self.skip_forward.value() * 1000))
        s.set(S.SEARCH_LEAD_IN_MS, round(self.lead_in.value() * 1000))
        s.set(S.TRANSCRIPT_FONT_PT, self.font_size.value())
        s.set(S.SINGLE_KEY_SHORTCUTS, self.single_keys.isChecked())
