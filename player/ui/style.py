"""The reading style: the transcript's, audio view's and captions' font, size, line spacing and
colours from the settings; high contrast (white on black, a yellow current line) overrides the
chosen colours; and captions under the video on or off.

The whole application's palette is made readable (WCAG 1.4.3): the selection colour is darkened
until its text reaches 4.5:1, and so are placeholder texts. High contrast covers the whole
window (menus, transport, status bar, docks, dialogs): the system's own palette when the system
asks for high contrast or its palette already has it, else white on black with yellow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QFrame, QSlider, QWidget

from player.core.contrast import (
    AA_NORMAL_TEXT,
    AAA_TEXT,
    blend,
    contrast_ratio,
    readable,
    valid_hex,
)
from player.ui import settings as S
from player.ui.cue_delegate import LINE_SEPARATOR
from player.ui.widgets import InfoBar

if TYPE_CHECKING:
    from player.ui.media_area import MediaArea
    from player.ui.transcript_view import TranscriptPanel

_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup
HIGH_CONTRAST = (
    (_Role.Base, "#000000"),
    (_Role.Window, "#000000"),
    (_Role.Text, "#ffffff"),
    (_Role.WindowText, "#ffffff"),
    (_Role.AlternateBase, "#4a4400"),
    (_Role.Highlight, "#ffe600"),
    (_Role.HighlightedText, "#000000"),
    (_Role.PlaceholderText, "#e0e0e0"),
    (_Role.Button, "#5c5c5c"),  # white on it 6.7:1; it on black 3.1:1 (scroll bar handles)
    (_Role.ButtonText, "#ffffff"),
    (_Role.ToolTipBase, "#000000"),
    (_Role.ToolTipText, "#ffffff"),
    (_Role.BrightText, "#ffe600"),
    (_Role.Light, "#ffffff"),
    (_Role.Midlight, "#d0d0d0"),
    (_Role.Mid, "#a0a0a0"),
    (_Role.Dark, "#d0d0d0"),
    (_Role.Shadow, "#ffffff"),
    (_Role.Link, "#8fd3ff"),
    (_Role.LinkVisited, "#e0b0ff"),
    (_Role.Accent, "#ffe600"),
)
HIGH_CONTRAST_DISABLED = "#a8a8a8"  # greyed text on black: 8.6:1
# High contrast draws the frames that Fusion takes from the window colour (invisible on
# black): fields, buttons, check boxes and sliders get white edges (combo boxes and scroll bars
# are drawn in the button colour, grey, with white arrows).
HIGH_CONTRAST_SHEET = """
QLineEdit, QAbstractSpinBox { border: 1px solid #ffffff; padding: 2px; }
QPushButton { border: 1px solid #ffffff; padding: 3px 10px; }
QPushButton:flat { border: none; }
QPushButton:pressed, QPushButton:checked, QToolButton:checked { background: #4a4400; }
QCheckBox::indicator { border: 1px solid #ffffff; width: 12px; height: 12px; }
QCheckBox::indicator:checked { background: #ffe600; }
QSlider::groove:horizontal { border: 1px solid #ffffff; height: 4px; }
QSlider::sub-page:horizontal { background: #ffe600; }
QSlider::handle:horizontal { background: #ffe600; border: 1px solid #ffffff;
  width: 10px; margin: -7px 0; }
QToolTip { border: 1px solid #ffffff; }
"""
MIN_FONT_PT, MAX_FONT_PT, FONT_STEP_PT = 7, 48, 2
NON_TEXT_MARGIN = 3.2  # 3:1 (WCAG 1.4.11) with a margin for anti-aliased edges
_TEXT_PAIRS = (
    (_Role.WindowText, _Role.Window),
    (_Role.Text, _Role.Base),
    (_Role.ButtonText, _Role.Button),
    (_Role.HighlightedText, _Role.Highlight),
)
_system: list[QPalette] = []  # the application's palette before this program changed it


def system_palette() -> QPalette:
    """The palette the platform gave the application (kept the first time it is asked)."""
    if not _system:
        _system.append(QPalette(QGuiApplication.palette()))
    return QPalette(_system[0])


def palette_is_high_contrast(palette: QPalette) -> bool:
    """Whether every text of ``palette`` already reaches 7:1 (WCAG AAA) on its background."""
    return all(
        contrast_ratio(palette.color(fg).name(), palette.color(bg).name()) >= AAA_TEXT
        for fg, bg in _TEXT_PAIRS
    )


def system_wants_high_contrast(palette: QPalette) -> bool:
    """Whether the system asks for high contrast, or its palette already is."""
    hints = QGuiApplication.styleHints()
    accessibility = getattr(hints, "accessibility", None)  # Qt 6.10
    if accessibility is not None:
        preference = accessibility().contrastPreference()
        if preference == Qt.ContrastPreference.HighContrast:
            return True
    return palette_is_high_contrast(palette)


def readable_palette(palette: QPalette) -> QPalette:
    """``palette`` with its selection and placeholder colours made readable (4.5:1)."""
    result = QPalette(palette)
    for group in (_Group.Active, _Group.Inactive):
        text = result.color(group, _Role.HighlightedText).name()
        highlight = readable(result.color(group, _Role.Highlight).name(), text, AA_NORMAL_TEXT)
        result.setColor(group, _Role.Highlight, QColor(highlight))
        base = result.color(group, _Role.Base).name()
        placeholder = result.color(group, _Role.PlaceholderText)
        if placeholder.alpha() < 255:  # Fusion's is the text colour half transparent
            placeholder = QColor(blend(placeholder.name(), base, placeholder.alphaF()))
        result.setColor(
            group, _Role.PlaceholderText, QColor(readable(placeholder.name(), base, AA_NORMAL_TEXT))
        )
    return result


def slider_palette(palette: QPalette) -> QPalette:
    """``palette`` for sliders: Fusion draws a slider's groove from the window colour (its edge
    is the window colour darkened by 140 %, 2.0:1 on the window); a window colour moved toward
    the text until that edge reaches 3:1 on the real window (WCAG 1.4.11)."""
    window = palette.color(_Role.Window)
    text = palette.color(_Role.WindowText).name()
    shade = window
    for step in range(21):
        shade = QColor(blend(text, window.name(), step / 20))
        if contrast_ratio(shade.darker(140).name(), window.name()) >= NON_TEXT_MARGIN:
            break
    result = QPalette(palette)
    for group in (_Group.Active, _Group.Inactive):
        result.setColor(group, _Role.Window, shade)
    return result


def high_contrast_palette(system: QPalette) -> QPalette:
    """The system's palette when the system asks for high contrast (or it has it already),
    else white on black with a yellow selection, for every role and group."""
    if system_wants_high_contrast(system):
        return readable_palette(system)
    palette = QPalette(system)
    for group in (_Group.Active, _Group.Inactive, _Group.Disabled):
        for role, color in HIGH_CONTRAST:
            palette.setColor(group, role, QColor(color))
    for role in (_Role.WindowText, _Role.Text, _Role.ButtonText, _Role.PlaceholderText):
        palette.setColor(_Group.Disabled, role, QColor(HIGH_CONTRAST_DISABLED))
    return palette


class ReadingStyle(QObject):
    """Applies the reading style of the settings to the transcript panel and the media area.

    ``base`` is the widget whose theme palette and font the style starts from (the window).

    Signals:
      high_contrast_changed(bool), captions_changed(bool): the setting was switched.
    """

    high_contrast_changed = Signal(bool)
    captions_changed = Signal(bool)

    def __init__(
        self, settings: S.Settings, base: QWidget, panel: TranscriptPanel, media: MediaArea
    ) -> None:
        super().__init__(base)
        self._settings = settings
        self._base = base
        self._panel = panel
        self._media = media

    def apply(self) -> None:
        """The font, size, line spacing and colours from the settings (high contrast, when
        on, decides the colours)."""
        get = self._settings.get
        family, points = get(S.TRANSCRIPT_FONT_FAMILY), get(S.TRANSCRIPT_FONT_PT)
        keep = get(S.TRANSCRIPT_KEEP_LINE_BREAKS)  # laid out again by set_text_style below
        self._panel.delegate.line_break = LINE_SEPARATOR if keep else " "
        self._panel.set_text_style(family, points, get(S.TRANSCRIPT_LINE_SPACING) / 100)
        high_contrast = bool(get(S.HIGH_CONTRAST))
        palette = self._apply_application_palette(high_contrast)
        colors: tuple[tuple[QPalette.ColorRole, str], ...] = ()
        if high_contrast:
            colors = tuple((r, palette.color(r).name()) for r, _ in HIGH_CONTRAST[:8])
        elif get(S.TRANSCRIPT_TEXT_COLOR) or get(S.TRANSCRIPT_BACKGROUND):
            fg = valid_hex(get(S.TRANSCRIPT_TEXT_COLOR)) or palette.color(_Role.Text).name()
            bg = valid_hex(get(S.TRANSCRIPT_BACKGROUND)) or palette.color(_Role.Base).name()
            colors = (
                (_Role.Base, bg),
                (_Role.Window, bg),
                (_Role.Text, fg),
                (_Role.WindowText, fg),
                (_Role.AlternateBase, blend(fg, bg, 0.12)),  # the current line's band
                (_Role.PlaceholderText, blend(fg, bg, 0.7)),  # timestamps
            )
        for role, color in colors:
            palette.setColor(role, QColor(color))
        # Captions are white on black unless the user chose colours (or high contrast).
        captions = ("#ffffff", "#000000")
        if colors:
            captions = (palette.color(_Role.Text).name(), palette.color(_Role.Base).name())
        self._media.set_reading_style(family, points, palette, captions)
        self._panel.set_palette(palette)

    def _apply_application_palette(self, high_contrast: bool) -> QPalette:
        system = system_palette()
        palette = high_contrast_palette(system) if high_contrast else readable_palette(system)
        if QGuiApplication.palette() != palette:
            QGuiApplication.setPalette(palette)
        # Our frames only over our own palette: a system high-contrast theme draws its own.
        sheet = (
            HIGH_CONTRAST_SHEET if high_contrast and not system_wants_high_contrast(system) else ""
        )
        self._set_style_sheet(sheet)
        sliders = slider_palette(palette)
        for slider in self._base.findChildren(QSlider):  # the seek bar, the volume
            slider.setPalette(palette if sheet else sliders)  # the sheet draws its own
        for bar in self._strips():  # on the alternate base
            bar_palette = QPalette(palette)
            bar_palette.setColor(_Role.Window, palette.color(_Role.AlternateBase))
            bar.setPalette(bar_palette)
        return QPalette(palette)

    def _strips(self) -> list[QWidget]:
        """The message strips above the media (the info bar, the synchronization's strip):
        their background is the alternate base, set when they were made."""
        strips: list[QWidget] = list(self._base.findChildren(InfoBar))
        central = getattr(self._base, "centralWidget", lambda: None)()
        if isinstance(central, QWidget):
            direct = Qt.FindChildOption.FindDirectChildrenOnly
            for child in central.findChildren(QFrame, options=direct):
                if child.property("alternate_background") and child not in strips:
                    strips.append(child)
        return strips

    @staticmethod
    def _set_style_sheet(sheet: str) -> None:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if isinstance(app, QApplication) and app.styleSheet() != sheet:
            app.setStyleSheet(sheet)

    def restore_system_palette(self) -> None:
        """Give the application its system palette back (the window is closing)."""
        if _system:
            QGuiApplication.setPalette(QPalette(_system[0]))
        self._set_style_sheet("")

    def change_font_size(self, direction: int) -> None:
        """Bigger (+1), smaller (-1) or default (0) transcript text."""
        current = self._settings.get(S.TRANSCRIPT_FONT_PT) or self._base.font().pointSize()
        size = current + FONT_STEP_PT * direction
        size = 0 if direction == 0 else max(MIN_FONT_PT, min(MAX_FONT_PT, size))
        self._settings.set(S.TRANSCRIPT_FONT_PT, size)
        self.apply()

    @Slot(bool)
    def set_high_contrast(self, enabled: bool) -> None:
        """White text on black (contrast 21:1) with a yellow current line, for low vision."""
        self._settings.set(S.HIGH_CONTRAST, enabled)
        self.high_contrast_changed.emit(enabled)
        self.apply()

    @Slot(bool)
    def set_captions(self, enabled: bool) -> None:
        """Show (or hide) the current line as a caption under the video."""
        self._settings.set(S.CAPTIONS, enabled)
        self.captions_changed.emit(enabled)
        self._media.set_captions_enabled(enabled)
