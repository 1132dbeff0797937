"""Back and Forward through the places jumps left, like a web browser (Alt+[ / Alt+]).

:class:`JumpKeeper` listens to the controller's ``jumped`` signal, sent by every seek the user
asks for (a click in the transcript or on the seek bar, a search hit, a bookmark, a chapter, Go
to time) and not by skips, loops or its own moves; the pure
:class:`~player.core.timeline.jumps.JumpHistory` keeps the places. Opening another media
forgets them. Undoing an accidental jump is Back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from player.core.timeline.jumps import JumpHistory
from player.core.timeline.timecode import format_clock

if TYPE_CHECKING:
    from player.ui.controller import PlaybackController


class JumpKeeper(QObject):
    """The open media's jump history, in the window.

    Signals:
      availability_changed(bool, bool): whether Back and Forward can go somewhere.
      message(str): where Back or Forward went, or that there is nowhere to go.
    """

    availability_changed = Signal(bool, bool)
    message = Signal(str)

    def __init__(self, controller: PlaybackController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.history = JumpHistory()
        controller.jumped.connect(self._on_jumped)
        controller.media_loaded.connect(self._on_media_loaded)

    @Slot()
    def back(self) -> None:
        """Return to where the last jump left from."""
        target = self.history.back(self._controller.position_ms())
        self._go(target, "Back to", "Nothing to go back to")

    @Slot()
    def forward(self) -> None:
        """Undo a Back."""
        target = self.history.forward(self._controller.position_ms())
        self._go(target, "Forward to", "Nothing to go forward to")

    def _go(self, target: int | None, done: str, nothing: str) -> None:
        if target is None:
            self.message.emit(nothing)
            return
        self._controller.seek(target, jump=False)
        self.message.emit(f"{done} {format_clock(target)}")
        self._announce()

    @Slot(int, int)
    def _on_jumped(self, from_ms: int, to_ms: int) -> None:
        if self.history.jumped(from_ms, to_ms):
            self._announce()

    @Slot(str)
    def _on_media_loaded(self, _path: str) -> None:
        self.history.clear()
        self._announce()

    def _announce(self) -> None:
        self.availability_changed.emit(self.history.can_go_back, self.history.can_go_forward)
