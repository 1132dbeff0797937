"""The video surface never left showing nothing or a patchwork: a video opened paused shows its
frame at the start position (the backend's ``show_first_frame``, asked again once paused to
draw it), and at "Finished", when libVLC's picture is gone, the whole surface is repainted at
once (a menu closing over it no longer leaves black rectangles on a stale frame).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from player.playback.base import PlaybackState

if TYPE_CHECKING:
    from player.ui.controller import PlaybackController
    from player.ui.media_area import MediaArea


class VideoFrames(QObject):
    """Follows the playback state for the video surface's sake."""

    def __init__(self, controller: PlaybackController, media: MediaArea) -> None:
        super().__init__(media)
        self._controller = controller
        self._media = media
        self.repaints = 0  # whole-surface repaints asked at the end (for tests)
        controller.state_changed.connect(self._on_state)

    @Slot(object)
    def _on_state(self, state: PlaybackState) -> None:
        if state is PlaybackState.PAUSED:
            self._controller.show_first_frame()  # draws the first frame when opened paused
        elif state in (PlaybackState.ENDED, PlaybackState.STOPPED, PlaybackState.ERROR):
            surface = self._media.video_surface
            if surface is not None and self._media.showing_video():
                surface.update()  # all of it: libVLC's last picture is gone
                self.repaints += 1
