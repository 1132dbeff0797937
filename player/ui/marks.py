"""In/Out marks and the A-B loop of the open briefing, shown on the seek bar.

:class:`MarksKeeper` holds the marks (the pure :class:`~player.core.timeline.marks.Marks`) of
the media that is open (a new media clears them) and, while the loop is on, listens to the
controller's position: when playback crosses Out it seeks back to In with a quiet seek (not a
jump for the history), so a passage replays seamlessly at any speed. A leap past Out (a seek
by the user) is not a crossing: the loop lets the user go.

:class:`RangeOverlay` paints the marks on the seek bar without owning it: a child widget laid
over the slider that takes no mouse and no focus, with a band between In and Out (stronger
while looping) and a line at each mark.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect, Qt, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QSlider, QWidget

from player.core.timeline.marks import Marks, TimeRange
from player.core.timeline.timecode import format_clock
from player.playback.base import PlaybackState

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent

    from player.ui.controller import PlaybackController

logger = logging.getLogger(__name__)

CROSSING_MAX_MS = 2_000
"""A move past Out of at most this much is playback crossing it (ticks come every 10 ms; a
stalled GUI thread may report a larger step); a larger one is a seek by the user."""


class MarksKeeper(QObject):
    """The open media's In/Out marks and the loop between them.

    Signals:
      marks_changed(object): the new :class:`Marks`.
      looping_changed(bool): the loop was turned on or off.
      message(str): a status for the user (what was marked, why a loop cannot start).
    """

    marks_changed = Signal(object)
    looping_changed = Signal(bool)
    message = Signal(str)

    def __init__(self, controller: PlaybackController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._marks = Marks()
        self._looping = False
        self._last_ms = controller.position_ms()
        self.wraps = 0  # how many times the loop went back to In (tests, the status)
        controller.media_loaded.connect(self._on_media_loaded)
        controller.position_changed.connect(self._on_position)
        controller.state_changed.connect(self._on_state)

    # ----- queries -----------------------------------------------------------------------

    @property
    def marks(self) -> Marks:
        """The marks set now."""
        return self._marks

    @property
    def looping(self) -> bool:
        """Whether the A-B loop is on."""
        return self._looping

    def range(self) -> TimeRange | None:
        """The marked range (a missing mark stands for the media's start or end), or None."""
        return self._marks.effective_range(self._controller.length_ms())

    # ----- commands ----------------------------------------------------------------------

    @Slot()
    def set_in(self) -> None:
        """Mark In at the playback position."""
        if self._controller.media_path is None:
            self.message.emit("Open a media file to set marks")
            return
        t_ms = self._controller.position_ms()
        self._set(self._marks.with_in(t_ms, self._controller.length_ms() or None))
        self.message.emit(f"In mark at {format_clock(t_ms)} — {self._marks.describe()}")

    @Slot()
    def set_out(self) -> None:
        """Mark Out at the playback position."""
        if self._controller.media_path is None:
            self.message.emit("Open a media file to set marks")
            return
        t_ms = self._controller.position_ms()
        self._set(self._marks.with_out(t_ms, self._controller.length_ms() or None))
        self.message.emit(f"Out mark at {format_clock(t_ms)} — {self._marks.describe()}")

    def set_marks(self, marks: Marks) -> None:
        """Use these marks (tests, a restored state)."""
        self._set(marks)

    @Slot()
    def clear(self) -> None:
        """Remove both marks and stop looping."""
        self.set_looping(False)
        self._set(Marks())
        self.message.emit("Marks cleared")

    @Slot()
    def toggle_loop(self) -> None:
        """Turn the A-B loop on (from In when outside the range) or off."""
        self.set_looping(not self._looping)

    def set_looping(self, on: bool) -> None:
        """Loop between the marks (needs a valid range) or stop looping."""
        if on == self._looping:
            return
        if on:
            marked = self.range()
            if marked is None:
                self.message.emit("Set an In mark (I) and an Out mark (O) to loop between them")
                self.looping_changed.emit(False)
                return
            self._looping = True
            self.wraps = 0
            position = self._controller.position_ms()
            if not marked.contains(position):
                self._controller.seek(marked.start_ms, jump=False)
            self._last_ms = self._controller.position_ms()
            if not self._controller.is_playing():
                self._controller.play()
            span = f"{format_clock(marked.start_ms)}–{format_clock(marked.end_ms)}"
            self.message.emit(f"Looping {span}")
        else:
            self._looping = False
            self.message.emit("Loop off")
        self.looping_changed.emit(self._looping)
        self.marks_changed.emit(self._marks)

    # ----- following playback ------------------------------------------------------------

    def _set(self, marks: Marks) -> None:
        self._marks = marks
        if self._looping and self.range() is None:
            self._looping = False
            self.looping_changed.emit(False)
        self.marks_changed.emit(marks)

    @Slot(str)
    def _on_media_loaded(self, _path: str) -> None:
        if self._looping:
            self._looping = False
            self.looping_changed.emit(False)
        self._last_ms = 0
        if not self._marks.is_empty:
            self._set(Marks())

    @Slot(int)
    def _on_position(self, t_ms: int) -> None:
        last, self._last_ms = self._last_ms, t_ms
        if not self._looping:
            return
        marked = self.range()
        if marked is None:
            return
        crossed = last < marked.end_ms <= t_ms and t_ms - last <= CROSSING_MAX_MS
        if crossed and last >= marked.start_ms - CROSSING_MAX_MS:
            self._wrap(marked)

    @Slot(object)
    def _on_state(self, state: PlaybackState) -> None:
        # Out at the media's end: playback ends before a position past Out is seen.
        marked = self.range()
        ended = self._looping and state is PlaybackState.ENDED
        if ended and marked is not None and self._last_ms >= marked.start_ms:
            self._wrap(marked, play=True)

    def _wrap(self, marked: TimeRange, *, play: bool = False) -> None:
        self.wraps += 1
        logger.debug("loop: back to %d ms (wrap %d)", marked.start_ms, self.wraps)
        if play:
            self._controller.seek_and_play(marked.start_ms, jump=False)
        else:
            self._controller.seek(marked.start_ms, jump=False)
        self._last_ms = marked.start_ms


class RangeOverlay(QWidget):
    """The marks drawn over a seek bar: a band from In to Out and a line at each mark.

    It covers the slider exactly and takes no mouse events and no focus (what was marked is
    said in the status line, which screen readers are told).
    """

    BAND_ALPHA, BAND_LOOPING_ALPHA = 60, 110  # the band: the line's colour, see-through

    def __init__(self, slider: QSlider) -> None:
        super().__init__(slider)
        self._slider = slider
        self._marks = Marks()
        self._looping = False
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setGeometry(slider.rect())
        slider.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the slider's size."""
        if watched is self._slider and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._slider.rect())
        return False

    def set_marks(self, marks: Marks, looping: bool = False) -> None:
        """Show these marks (nothing for none)."""
        self._marks, self._looping = marks, looping
        self.setVisible(not marks.is_empty)
        self.raise_()
        self.update()

    def line_color(self) -> QColor:
        """The marks' colour: the theme's selection colour (high contrast follows it)."""
        return self._slider.palette().color(QPalette.ColorRole.Highlight)

    def x_for(self, t_ms: int) -> int:
        """The x (in the slider) of media time ``t_ms``, as the slider's style places it."""
        # QStyle's Python type is built when first named (5-10 ms): not while the window starts.
        from PySide6.QtWidgets import QStyle, QStyleOptionSlider

        slider = self._slider
        opt = QStyleOptionSlider()
        slider.initStyleOption(opt)
        style, cc, sc = slider.style(), QStyle.ComplexControl.CC_Slider, QStyle.SubControl
        groove = style.subControlRect(cc, opt, sc.SC_SliderGroove, slider)
        handle = style.subControlRect(cc, opt, sc.SC_SliderHandle, slider)
        lo, hi = slider.minimum(), slider.maximum()
        left, span = groove.left() + handle.width() // 2, max(1, groove.width() - handle.width())
        if hi <= lo:
            return left
        return left + int((min(max(t_ms, lo), hi) - lo) * span / (hi - lo) + 0.5)

    def paintEvent(self, _ev: QPaintEvent) -> None:
        """The band and the mark lines."""
        marks = self._marks
        if marks.is_empty or self._slider.maximum() <= 0:
            return
        painter = QPainter(self)
        h = self.height()
        start = marks.in_ms if marks.in_ms is not None else 0
        end = marks.out_ms if marks.out_ms is not None else self._slider.maximum()
        x0, x1 = self.x_for(start), self.x_for(end)
        if marks.in_ms is not None and marks.out_ms is not None and x1 > x0:
            band = QColor(self.line_color())
            band.setAlpha(self.BAND_LOOPING_ALPHA if self._looping else self.BAND_ALPHA)
            painter.fillRect(QRect(x0, h // 4, x1 - x0, h - h // 2), band)
        for t_ms in (marks.in_ms, marks.out_ms):
            if t_ms is not None:
                painter.fillRect(QRect(self.x_for(t_ms) - 1, 0, 3, h), self.line_color())
        painter.end()
