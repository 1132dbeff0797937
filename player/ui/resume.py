"""Where each media file was left, for the "You stopped at…" offer when it is opened again.

:class:`ResumeKeeper` is the one place that decides what to remember: the position of the media
playing, every few seconds and when the window closes, except in the first and last seconds
(starting again from there is what the user wants), and nothing once the media has ended.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot

from player.playback.base import PlaybackState

if TYPE_CHECKING:
    from player.core.archive.library import Archive
    from player.ui import settings as S
    from player.ui.controller import PlaybackController

RESUME_MIN_MS = 5000  # positions this close to the start or the end are not remembered
SAVE_POSITION_EVERY_MS = 5000  # the position is remembered this often (and on closing)


class ResumeKeeper(QObject):
    """Remembers the playing media's position in the settings; the library's "last position"
    column gets a copy when an archive is open."""

    def __init__(
        self,
        controller: PlaybackController,
        settings: S.Settings,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._settings = settings
        self._archive: Archive | None = None
        controller.state_changed.connect(self._on_playback_state)
        self._timer = QTimer(self)
        self._timer.setInterval(SAVE_POSITION_EVERY_MS)
        self._timer.timeout.connect(self.save_position)
        self._timer.start()

    def set_archive(self, archive: Archive | None) -> None:
        """The library, whose "last position" column shows where each file was left."""
        self._archive = archive

    def position_to_offer(self, media: str) -> int | None:
        """Where ``media`` was left, if far enough in to offer resuming there."""
        position = self._settings.resume_position(media)
        return position if position is not None and position > RESUME_MIN_MS else None

    def forget(self, media: str) -> None:
        """Start ``media`` from the beginning next time."""
        self._settings.set_resume_position(media, None)

    @Slot()
    def save_position(self) -> None:
        """Remember where the current media is, for the resume offer next time."""
        path = self._controller.media_path
        if not path:
            return
        t_ms = self._controller.position_ms()
        length = self._controller.length_ms()
        near_end = length > 0 and t_ms > length - RESUME_MIN_MS
        if self._controller.state() is PlaybackState.ENDED or near_end:
            self.forget(path)
            remembered = 0
        elif t_ms > RESUME_MIN_MS:
            self._settings.set_resume_position(path, t_ms)
            remembered = t_ms
        else:
            return
        if self._archive is not None:
            # The library shows "last position"; the settings file stays the main copy.
            from player.core.archive.library import ArchiveError

            with contextlib.suppress(ArchiveError):
                self._archive.set_position(path, remembered)

    def close(self) -> None:
        """Remember the position one last time and stop remembering it."""
        self.save_position()
        self._timer.stop()

    @Slot(object)
    def _on_playback_state(self, state: PlaybackState) -> None:
        if state is PlaybackState.ENDED and self._controller.media_path:
            self.forget(self._controller.media_path)
