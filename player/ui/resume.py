"""Where each media file was left, and the "You stopped at…" offer when it is opened again.

The positions are kept by the one :class:`~player.ui.resume_store.ResumeStore` (the archive's
user-data file, which the library's "Last position" column reads too). :class:`ResumeKeeper`
decides what is worth remembering and offering: the position of the media playing, every few
seconds and when the window closes, except in the first and last seconds (starting from there
is what the user wants), and nothing once the media has ended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from player.playback.base import PlaybackState

if TYPE_CHECKING:
    from player.ui.controller import PlaybackController
    from player.ui.resume_store import ResumeStore

RESUME_MIN_MS = 5000  # positions this close to the start or the end are not remembered
SAVE_POSITION_EVERY_MS = 5000  # the position is remembered this often (and on closing)
LOOK_UP_DELAY_MS = 300  # the position of the media opened is looked up this long after


class ResumeKeeper(QObject):
    """Remembers the playing media's position in the resume store and offers it back.

    Signals:
      resume_offered(str, int): the media just opened was left at this position (ms).
    """

    resume_offered = Signal(str, int)

    def __init__(
        self,
        controller: PlaybackController,
        store: ResumeStore,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._store = store
        self._asked: str | None = None  # the media whose position is being looked up
        store.position_found.connect(self._on_position_found)
        controller.state_changed.connect(self._on_playback_state)
        self._timer = QTimer(self)
        self._timer.setInterval(SAVE_POSITION_EVERY_MS)
        self._timer.timeout.connect(self.save_position)
        self._timer.start()
        self._look_up_timer = QTimer(self)
        self._look_up_timer.setSingleShot(True)
        self._look_up_timer.setInterval(LOOK_UP_DELAY_MS)
        self._look_up_timer.timeout.connect(self._look_up)

    def offer(self, media: str) -> None:
        """Look up where ``media`` (just opened) was left; ``resume_offered`` says it when it
        is far enough in."""
        self._asked = media
        # A moment later, from a worker: the store's first use opens a database (loading
        # SQLite's library while libVLC loads its own, and taking turns for the GIL with the
        # transcript's parse cost the first frame about 13 ms).
        self._look_up_timer.start()

    @Slot()
    def _look_up(self) -> None:
        if self._asked is not None:
            self._store.look_up(self._asked)

    def is_looking_up(self) -> bool:
        """Whether an :meth:`offer` has not been answered yet."""
        return self._asked is not None

    def forget(self, media: str) -> None:
        """Start ``media`` from the beginning next time."""
        self._store.set_resume_position(media, None)

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
        elif t_ms > RESUME_MIN_MS:
            self._store.set_resume_position(path, t_ms)

    def close(self) -> None:
        """Remember the position one last time and stop remembering it."""
        self.save_position()
        self._timer.stop()

    @Slot(str, object)
    def _on_position_found(self, media: str, t_ms: int | None) -> None:
        if media != self._asked:
            return  # an older question
        self._asked = None
        if media == self._controller.media_path and t_ms is not None and t_ms > RESUME_MIN_MS:
            self.resume_offered.emit(media, t_ms)

    @Slot(object)
    def _on_playback_state(self, state: PlaybackState) -> None:
        if state is PlaybackState.ENDED and self._controller.media_path:
            self.forget(self._controller.media_path)
