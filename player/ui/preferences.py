"""Preferences dialog: the user-adjustable settings, each read from and written to Settings."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFontDatabase, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from player.core.contrast import AA_NORMAL_TEXT, contrast_ratio, valid_hex
from player.core.text.quote import DEFAULT_TEMPLATE, PLAIN_TEMPLATE, template_problem
from player.ui import settings as S
from player.ui.server_preferences import SharedArchiveGroup


class PreferencesDialog(QDialog):
    """Skip steps, search lead-in, the transcript's reading style (font, size, line spacing,
    text and background colours, with a WCAG contrast check), single-key shortcuts, the quote
    template, whether a single click on a line plays it, and the shared archive (a newsroom's
    server, ``server_preferences``)."""

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
        self.font_family = QComboBox(self)
        self.font_family.setAccessibleName("Transcript font")
        self.font_family.addItem("Default", "")
        for family in QFontDatabase.families():
            self.font_family.addItem(family, family)
        chosen = self.font_family.findData(settings.get(S.TRANSCRIPT_FONT_FAMILY))
        self.font_family.setCurrentIndex(max(0, chosen))
        self.line_spacing = QSpinBox(self)
        self.line_spacing.setRange(100, 250)
        self.line_spacing.setSingleStep(10)
        self.line_spacing.setSuffix(" %")
        self.line_spacing.setValue(settings.get(S.TRANSCRIPT_LINE_SPACING))
        self.line_spacing.setAccessibleName("Transcript line spacing")
        self._text_color = valid_hex(settings.get(S.TRANSCRIPT_TEXT_COLOR)) or ""
        self._background = valid_hex(settings.get(S.TRANSCRIPT_BACKGROUND)) or ""
        self.text_color_button = QPushButton(self)
        self.text_color_button.setAccessibleName("Transcript text colour")
        self.text_color_button.clicked.connect(lambda: self._choose("text"))
        self.background_button = QPushButton(self)
        self.background_button.setAccessibleName("Transcript background colour")
        self.background_button.clicked.connect(lambda: self._choose("background"))
        self.reset_colors = QPushButton("Use the theme's colours", self)
        self.reset_colors.clicked.connect(self.use_theme_colors)
        self.contrast = QLabel(self)
        self.contrast.setWordWrap(True)
        self.contrast.setAccessibleDescription("Contrast of the chosen colours")  # name: text
        # The label's Alt+C reaches the first button by its buddy (a focus proxy on the row
        # trapped Tab among the three buttons).
        colors_label = QLabel("&Colours:", self)
        colors_label.setBuddy(self.text_color_button)
        colors = QWidget(self)
        row = QHBoxLayout(colors)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.text_color_button)
        row.addWidget(QLabel("on", self))
        row.addWidget(self.background_button)
        row.addWidget(self.reset_colors)
        row.addStretch(1)
        self.single_keys = QCheckBox("Allow single-key shortcuts (never while typing)", self)
        self.single_keys.setChecked(settings.get(S.SINGLE_KEY_SHORTCUTS))
        self.quote_template = QComboBox(self)
        self.quote_template.setEditable(True)
        self.quote_template.addItems([DEFAULT_TEMPLATE, PLAIN_TEMPLATE])
        self.quote_template.setCurrentText(settings.get(S.QUOTE_TEMPLATE))
        self.quote_template.setAccessibleName("Quote template")
        self.quote_template.setToolTip(
            "How copied quotes look: {text} {speaker} {title} {date} {time} {timestamp} {note}"
        )
        self.click_plays = QCheckBox("A single click on a line &plays it", self)
        self.click_plays.setToolTip("Off: a click selects the line; double-click or Enter plays")
        self.click_plays.setChecked(settings.get(S.CLICK_PLAYS))
        self.keep_breaks = QCheckBox("&Keep the file's line breaks inside a line", self)
        self.keep_breaks.setToolTip("Off: a line's text reads as prose (captions keep breaks)")
        self.keep_breaks.setChecked(settings.get(S.TRANSCRIPT_KEEP_LINE_BREAKS))
        self.speech_model = QLineEdit(settings.get(S.TRANSCRIBE_MODEL), self)
        self.speech_model.setPlaceholderText("tiny.en (installed)")
        self.speech_model.setToolTip(
            "Transcribing: a model name (tiny.en, base.en, small.en, medium.en, large-v3) or a "
            "folder holding a CTranslate2 Whisper model; empty: the installed tiny.en"
        )
        form = QFormLayout(self)
        form.addRow("Skip &back by:", self.skip_back)
        form.addRow("Skip &forward by:", self.skip_forward)
        form.addRow("Start search hits &earlier by:", self.lead_in)
        form.addRow("Transcript &text size:", self.font_size)
        form.addRow("Transcript f&ont:", self.font_family)
        form.addRow("&Line spacing:", self.line_spacing)
        form.addRow(colors_label, colors)
        form.addRow("", self.contrast)
        form.addRow(self.single_keys)
        form.addRow("&Quotes:", self.quote_template)
        form.addRow(self.click_plays)
        form.addRow(self.keep_breaks)
        form.addRow("Speech &model for transcribing:", self.speech_model)
        from player.ui.server_user_data import available

        self.shared_archive = SharedArchiveGroup(settings, self, user_data_available=available())
        form.addRow(self.shared_archive)
        self._show_colors()
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

    def _theme(self, role: QPalette.ColorRole) -> str:
        return str(self.palette().color(role).name())

    def effective_colors(self) -> tuple[str, str]:
        """(text, background) as they will be shown (the theme's where none is chosen)."""
        text = self._text_color or self._theme(QPalette.ColorRole.Text)
        background = self._background or self._theme(QPalette.ColorRole.Base)
        return text, background

    def set_colors(self, text: str, background: str) -> None:
        """Choose colours (``#rrggbb``; "" = the theme's)."""
        self._text_color = valid_hex(text) or ""
        self._background = valid_hex(background) or ""
        self._show_colors()

    def use_theme_colors(self) -> None:
        """Forget the chosen colours."""
        self.set_colors("", "")

    def _choose(self, which: str) -> None:
        text, background = self.effective_colors()
        current = text if which == "text" else background
        title = "Transcript text colour" if which == "text" else "Transcript background"
        color = QColorDialog.getColor(QColor(current), self, title)
        if not color.isValid():
            return
        if which == "text":
            self.set_colors(color.name(), self._background)
        else:
            self.set_colors(self._text_color, color.name())

    def _show_colors(self) -> None:
        text, background = self.effective_colors()
        self.text_color_button.setText(f"Text {text}" + ("" if self._text_color else " (theme)"))
        self.background_button.setText(
            f"Background {background}" + ("" if self._background else " (theme)")
        )
        for button, color in ((self.text_color_button, text), (self.background_button, background)):
            swatch = QPixmap(14, 14)
            swatch.fill(QColor(color))
            button.setIcon(QIcon(swatch))
        ratio = contrast_ratio(text, background)
        if ratio < AA_NORMAL_TEXT:
            self.contrast.setText(
                f"⚠ Contrast {ratio:.1f}:1 is below the {AA_NORMAL_TEXT:g}:1 that WCAG asks "
                "for text: hard to read for many people."
            )
        else:
            self.contrast.setText(
                f"Contrast {ratio:.1f}:1 (WCAG asks for at least {AA_NORMAL_TEXT:g}:1). "
                "High contrast (View menu), when on, replaces these colours."
            )

    def accept(self) -> None:
        """Close only when every value can be kept (the shared archive's address and roots are
        checked: the reason is shown by the field otherwise)."""
        if self.shared_archive.validate():
            super().accept()

    def apply(self) -> None:
        """Write the dialog's values to the settings."""
        s = self._settings
        s.set(S.SKIP_BACK_MS, round(self.skip_back.value() * 1000))
        s.set(S.SKIP_FORWARD_MS, round(self.skip_forward.value() * 1000))
        s.set(S.SEARCH_LEAD_IN_MS, round(self.lead_in.value() * 1000))
        s.set(S.TRANSCRIPT_FONT_PT, self.font_size.value())
        s.set(S.TRANSCRIPT_FONT_FAMILY, str(self.font_family.currentData() or ""))
        s.set(S.TRANSCRIPT_LINE_SPACING, self.line_spacing.value())
        s.set(S.TRANSCRIPT_TEXT_COLOR, self._text_color)
        s.set(S.TRANSCRIPT_BACKGROUND, self._background)
        s.set(S.SINGLE_KEY_SHORTCUTS, self.single_keys.isChecked())
        template = self.quote_template.currentText()
        s.set(S.QUOTE_TEMPLATE, DEFAULT_TEMPLATE if template_problem(template) else template)
        s.set(S.CLICK_PLAYS, self.click_plays.isChecked())
        s.set(S.TRANSCRIPT_KEEP_LINE_BREAKS, self.keep_breaks.isChecked())
        s.set(S.TRANSCRIBE_MODEL, self.speech_model.text().strip())
        self.shared_archive.apply()
