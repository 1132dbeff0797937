"""The reading style: the transcript's, audio view's and captions' font, size, line spacing and
colours from the settings; high contrast (white on black, a yellow current line) overrides the
chosen colours; and captions under the video on or off."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QColor, QPalette

from player.core.contrast import blend, valid_hex
from player.ui import settings as S

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from player.ui.media_area import MediaArea
    from player.ui.transcript_view import TranscriptPanel

_Role = QPalette.ColorRole
HIGH_CONTRAST = (
    (_Role.Base, "#000000"),
    (_Role.Window, "#000000"),
    (_Role.Text, "#ffffff"),
    (_Role.WindowText, "#ffffff"),
    (_Role.AlternateBase, "#3a3a00"),
    (_Role.Highlight, "#ffe600"),
    (_Role.HighlightedText, "#000000"),
    (_Role.PlaceholderText, "#e0e0e0"),
)
MIN_FONT_PT, MAX_FONT_PT, FONT_STEP_PT = 7, 48, 2


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
        self._panel.set_text_style(family, points, get(S.TRANSCRIPT_LINE_SPACING) / 100)
        palette = QPalette(self._base.palette())
        colors: tuple[tuple[QPalette.ColorRole, str], ...] = ()
        if get(S.HIGH_CONTRAST):
            colors = HIGH_CONTRAST
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
