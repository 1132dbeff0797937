"""The left side of the window: the video (or, for audio, the title and current line in large
text, or the reason the media cannot play) with the caption bar under the video."""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from player.ui.empty_states import media_problem
from player.ui.widgets import AudioView, CaptionBar, VideoSurface, caption_text, plain_label

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PySide6.QtGui import QPalette

    from player.core.model import Cue

CAPTION_SAMPLES = 20  # the longest captions the bar makes room for


class MediaArea(QWidget):
    """Video surface, audio view or error message (one at a time), and the caption bar.

    Captions show under video only, and only when turned on: audio-only media shows the current
    line in its own large view. The widgets are public for reading (tests, the accessibility
    tree); the window changes them through the methods.
    """

    def __init__(self, embed_video: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Children are made inside the stack: reparenting the (native) video surface later
        # would destroy and re-create its window.
        self.stack = stack = QStackedWidget(self)
        self.audio_view = AudioView(stack)
        self.video_surface: VideoSurface | None = VideoSurface(stack) if embed_video else None
        self.error = plain_label("", stack)
        self.error.setWordWrap(True)
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error.setAccessibleDescription("Media error")  # its name: the message shown
        stack.addWidget(self.audio_view)
        if self.video_surface is not None:
            stack.addWidget(self.video_surface)
        stack.addWidget(self.error)
        self.caption_bar = CaptionBar(self)
        self.caption_bar.hide()
        self._captions = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(stack, 1)
        layout.addWidget(self.caption_bar)

    def video_window_id(self) -> int | None:
        """The native window libVLC draws into; None when video is not embedded."""
        return self.video_surface.window_id() if self.video_surface is not None else None

    def show_media(self, has_video: bool) -> None:
        """Show the video surface (when the media has video and it can be embedded) or the
        audio view."""
        video = self.video_surface if has_video else None
        self.stack.setCurrentWidget(video if video is not None else self.audio_view)
        self._update_caption_bar()

    def show_error(self, message: str) -> None:
        """Show why the media cannot play (the transcript stays usable beside it)."""
        self.error.setText(media_problem(message))
        self.error.setToolTip(message)  # with the whole path
        self.stack.setCurrentWidget(self.error)
        self._update_caption_bar()

    def showing_video(self) -> bool:
        """Whether the video surface is shown."""
        return self.video_surface is not None and self.stack.currentWidget() is self.video_surface

    def set_title(self, title: str) -> None:
        """The briefing's title (shown in the audio view); the current line is cleared."""
        self.audio_view.set_title(title)
        self.audio_view.set_cue(None, "")

    def set_cue(self, cue: Cue | None) -> None:
        """The line being spoken (None between lines) in the audio view and the caption bar."""
        speaker, text = (cue.speaker, cue.text) if cue is not None else (None, "")
        self.audio_view.set_cue(speaker, text)
        self.caption_bar.set_caption(speaker, text)

    def fit_captions(self, cues: Sequence[Cue]) -> None:
        """Make the caption bar's room for the longest of these cues."""
        longest = heapq.nlargest(CAPTION_SAMPLES, cues, key=lambda c: len(c.text))
        self.caption_bar.fit_to([caption_text(c.speaker, c.text) for c in longest])

    def set_captions_enabled(self, enabled: bool) -> None:
        """Captions under the video on or off."""
        self._captions = enabled
        self._update_caption_bar()

    def set_reading_style(
        self, family: str, points: int, palette: QPalette, caption_colors: tuple[str, str]
    ) -> None:
        """Font family ("" = default), size (0 = default) and colours of the audio view, and
        of the captions (``caption_colors``: text and background as ``#rrggbb``)."""
        self.audio_view.set_text_style(family, points)
        self.audio_view.setPalette(palette)
        self.audio_view.setAutoFillBackground(True)
        self.caption_bar.set_style(family, points, *caption_colors)

    def _update_caption_bar(self) -> None:
        self.caption_bar.setVisible(self._captions and self.showing_video())
