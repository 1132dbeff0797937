"""The seek bar: a slider in milliseconds that follows playback, seeks on click, drag, arrows
and the wheel, marks search hits with ticks, and tells assistive technology its value at most
once a second during playback (at once when the user moves it), in words of time."""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSlider, QWidget

from player.core.timeline.timecode import format_clock

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent, QMouseEvent, QWheelEvent


def time_words(t_ms: int, length_ms: int) -> str:
    """A position as a screen reader says it: ``"0:20 of 1:25"``."""
    return f"{format_clock(t_ms)} of {format_clock(length_ms)}"


A11Y_VALUE_INTERVAL_MS = 1000  # playback moves the accessible value at most this often


class TimelineSlider(QSlider):
    """Seek bar in milliseconds: click or drag to seek, arrows step, ticks mark search hits.

    The handle follows playback smoothly, but what assistive technology is told (QSlider's own
    value, which sends an accessible value-change event at each change, and the value in words
    of time, "0:20 of 1:25", as the description) moves at most once a second during playback,
    and at once when the user moves the slider. Playback moves only the slider position (with
    tracking off for that moment, which sends no event); :meth:`value` is the position shown.

    Signals:
      seek_requested(int): the user chose a position (ms).
      mark_clicked(int): the user clicked near the tick with this index in ``marks``.
    """

    seek_requested = Signal(int)
    mark_clicked = Signal(int)

    MARK_HIT_PX = 4

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setRange(0, 0)
        self.setSingleStep(5000)
        self.setPageStep(15000)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Position")
        self.setMinimumHeight(28)
        self._marks: list[int] = []
        self._mark_xs_cache: tuple[tuple[int, ...], list[tuple[int, int]]] | None = None
        self._dragging = False
        self.now_s: Callable[[], float] = monotonic  # the throttle's clock (tests set it)
        self._published_at = -1e9  # now_s() of the last accessible value sent
        self._publish_timer = QTimer(self)
        self._publish_timer.setSingleShot(True)
        self._publish_timer.timeout.connect(self.publish_value)
        self.valueChanged.connect(self._on_value_changed)
        self.sliderPressed.connect(self._on_pressed)
        self.sliderReleased.connect(self._on_released)
        self.actionTriggered.connect(self._on_action)

    @property
    def marks(self) -> list[int]:
        """Tick positions in ms."""
        return list(self._marks)

    def set_marks(self, marks_ms: list[int]) -> None:
        """Show a tick at each position (ms); [] clears them."""
        self._marks = sorted(marks_ms)
        self._mark_xs_cache = None
        self.update()

    def value(self) -> int:
        """The position the handle shows (ms). QSlider's own value, the one assistive
        technology reads, follows it at most once a second during playback."""
        return self.sliderPosition()

    def accessible_value(self) -> int:
        """The value assistive technology is told (QSlider's own)."""
        return QSlider.value(self)

    def set_position(self, t_ms: int) -> None:
        """Move the handle to the playback position unless the user is dragging it."""
        if self._dragging:
            return
        self.setTracking(False)  # a slider position without tracking sends no event
        self.setSliderPosition(t_ms)
        self.setTracking(True)
        if self.sliderPosition() == QSlider.value(self):
            self._describe(t_ms)  # a new length, or the first position
            return
        wait_ms = self._published_at * 1000 + A11Y_VALUE_INTERVAL_MS - self.now_s() * 1000
        if wait_ms <= 0:
            self.publish_value()
        elif not self._publish_timer.isActive():
            self._publish_timer.start(int(wait_ms) + 1)

    @Slot()
    def publish_value(self) -> None:
        """Tell assistive technology the position shown now (value and words of time)."""
        self._publish_timer.stop()
        self._published_at = self.now_s()
        position = self.sliderPosition()
        if QSlider.value(self) != position:
            self.blockSignals(True)
            self.setValue(position)
            self.blockSignals(False)
        self._describe(position)

    @Slot(int)
    def _on_value_changed(self, value: int) -> None:
        # The user moved it (playback's moves block signals). The words of time follow the
        # value's event: Orca speaks the focused slider's value (milliseconds, as it has no
        # value text from Qt) and then its new description, which is what is heard.
        self._published_at = self.now_s()
        self._describe(value)

    def _describe(self, t_ms: int) -> None:
        words = time_words(t_ms, self.maximum())
        if self.accessibleDescription() != words:
            self.setAccessibleDescription(words)

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        """Arrows and page keys step from the position shown (not a value up to 1 s old)."""
        self.publish_value()
        super().keyPressEvent(ev)

    def wheelEvent(self, ev: QWheelEvent) -> None:
        """The wheel steps from the position shown."""
        self.publish_value()
        super().wheelEvent(ev)

    def _slider_rects(self) -> tuple[QRect, QRect]:
        """The groove and the handle, from the current style."""
        # QStyle is imported when the slider first needs its geometry (a click, search ticks):
        # building its Python type (a dozen large enums) cost 5-10 ms of the first frame.
        from PySide6.QtWidgets import QStyle, QStyleOptionSlider

        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        style, cc, sc = self.style(), QStyle.ComplexControl.CC_Slider, QStyle.SubControl
        return (
            style.subControlRect(cc, opt, sc.SC_SliderGroove, self),
            style.subControlRect(cc, opt, sc.SC_SliderHandle, self),
        )

    def _track(self) -> tuple[int, int]:
        """(x of the value ``minimum()``, pixel span of the range) from the current style."""
        groove, handle = self._slider_rects()
        return groove.left() + handle.width() // 2, max(1, groove.width() - handle.width())

    def _x_for(self, t_ms: int) -> int:
        lo, hi = self.minimum(), self.maximum()
        left, span = self._track()
        return left + self._offset(t_ms, lo, hi, span / (hi - lo) if hi > lo else 0.0)

    @staticmethod
    def _offset(t_ms: int, lo: int, hi: int, scale: float) -> int:
        return int((min(max(t_ms, lo), hi) - lo) * scale + 0.5)

    def _mark_xs(self) -> list[tuple[int, int]]:
        """(x, index of the first mark drawn there) for every distinct tick pixel.

        Thousands of marks (a common word over a long briefing) fall on a few hundred pixels:
        the style is asked for the geometry once, positions are plain arithmetic, and the
        result is cached until the marks, the range or the size change.
        """
        key = (self.minimum(), self.maximum(), self.width(), self.height(), len(self._marks))
        if self._mark_xs_cache is not None and self._mark_xs_cache[0] == key:
            return self._mark_xs_cache[1]
        lo, hi = self.minimum(), self.maximum()
        out: list[tuple[int, int]] = []
        if hi > lo and self._marks:
            left, span = self._track()
            scale = span / (hi - lo)
            last_x = None
            for i, t_ms in enumerate(self._marks):
                x = left + self._offset(t_ms, lo, hi, scale)
                if x != last_x:
                    out.append((x, i))
                    last_x = x
        self._mark_xs_cache = (key, out)
        return out

    def _value_at(self, x: int) -> int:
        from PySide6.QtWidgets import QStyle

        left, span = self._track()
        return QStyle.sliderValueFromPosition(self.minimum(), self.maximum(), x - left, span)

    def mark_near(self, x: int) -> int | None:
        """Index of the tick within a few pixels of ``x``, or None."""
        best: tuple[int, int] | None = None
        for mark_x, i in self._mark_xs():
            dist = abs(mark_x - x)
            if dist <= self.MARK_HIT_PX and (best is None or dist < best[0]):
                best = (dist, i)
        return None if best is None else best[1]

    def mousePressEvent(self, ev: QMouseEvent) -> None:
        """Click on the groove jumps there (not page-steps); near a tick goes to that hit."""
        if ev.button() == Qt.MouseButton.LeftButton and self.maximum() > 0:
            x = int(ev.position().x())
            mark = self.mark_near(x)
            if mark is not None:
                self.mark_clicked.emit(mark)
                ev.accept()
                return
            if not self._slider_rects()[1].contains(ev.position().toPoint()):
                value = self._value_at(x)
                self.setValue(value)
                self.seek_requested.emit(value)
        super().mousePressEvent(ev)

    @Slot()
    def _on_pressed(self) -> None:
        self._dragging = True

    @Slot()
    def _on_released(self) -> None:
        self._dragging = False
        self.seek_requested.emit(self.value())

    @Slot(int)
    def _on_action(self, action: int) -> None:
        # Keyboard steps / page clicks / drags: sliderPosition holds the new value, which Qt
        # gives the accessible value right after this signal (then _on_value_changed).
        if action == QSlider.SliderAction.SliderMove.value and self._dragging:
            return
        self.seek_requested.emit(self.sliderPosition())

    def paintEvent(self, ev: QPaintEvent) -> None:
        """The slider, with a tick above the groove for each mark."""
        super().paintEvent(ev)
        if not self._marks or self.maximum() <= 0:
            return
        painter = QPainter(self)
        color = QColor("#d9480f")
        third = self.height() // 3
        for x, _i in self._mark_xs():
            painter.fillRect(QRect(x - 1, 0, 2, third), color)
            painter.fillRect(QRect(x - 1, self.height() - third, 2, third), color)
        painter.end()
