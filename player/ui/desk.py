"""The journalist's desk in the window: marks and the A-B loop, Go to time, Back/Forward, and
exporting a clip between the marks.

:class:`Desk` is built by the menus (``ui.actions``) after the first frame, and wires its parts
to the controller, the seek bar and the status line itself, so the window adds nothing for it:

* :class:`~player.ui.marks.MarksKeeper` (In/Out, the loop) with its
  :class:`~player.ui.marks.RangeOverlay` on the seek bar;
* :class:`~player.ui.jump_history.JumpKeeper` (Back/Forward);
* :class:`~player.ui.goto_dialog.GoToDialog` (Ctrl+G), a jump like any other;
* the clip export (:mod:`player.ui.clip_export`), loaded when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from player.ui.jump_history import JumpKeeper
from player.ui.marks import MarksKeeper, RangeOverlay

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from player.core.timeline.marks import Marks
    from player.ui.controller import PlaybackController
    from player.ui.jobs import JobRunner
    from player.ui.transcript_session import TranscriptSession
    from player.ui.transport import TransportBar


class Desk(QObject):
    """Marks, loop, Go to time, jump history and clip export for one window.

    Signals:
      message(str): a status for the user (shown in the status line and spoken).
    """

    message = Signal(str)

    def __init__(
        self,
        window: QMainWindow,
        controller: PlaybackController,
        transport: TransportBar,
        session: TranscriptSession,
        runner: JobRunner | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._controller = controller
        self._session = session
        self._runner = runner
        self._clips: QObject | None = None  # the clip export (ui.clip_export), on first use
        self.marks = MarksKeeper(controller, self)
        self.overlay = RangeOverlay(transport.slider)
        self.jumps = JumpKeeper(controller, self)
        self.marks.marks_changed.connect(self._show_marks)
        self.marks.looping_changed.connect(lambda _on: self._show_marks(self.marks.marks))
        for part in (self.marks, self.jumps):
            part.message.connect(self.message)
        status = getattr(window, "status", None)
        show = getattr(status, "show_status", None)
        if callable(show):
            self.message.connect(show)

    @Slot(object)
    def _show_marks(self, marks: Marks) -> None:
        self.overlay.set_marks(marks, self.marks.looping)

    @Slot()
    def go_to_time(self) -> None:
        """Ctrl+G: ask for a time and go there (a jump: Back returns)."""
        from player.ui.goto_dialog import GoToDialog

        c = self._controller
        if c.media_path is None:
            self.message.emit("Open a media file to go to a time")
            return
        dialog = GoToDialog(c.position_ms(), c.length_ms(), self._window)
        if dialog.exec() and dialog.target_ms is not None:
            c.seek(dialog.target_ms)

    @Slot()
    def export_clip(self) -> None:
        """File ▸ Export Clip…: the media between the marks, with its transcript."""
        from player.ui.clip_export import ClipExporter
        from player.ui.jobs import default_runner

        if not isinstance(self._clips, ClipExporter):
            self._clips = ClipExporter(
                self._window,
                self._controller,
                self._session,
                self.marks,
                self._runner or default_runner(),
            )
            self._clips.message.connect(self.message)
        self._clips.export_between_marks()
