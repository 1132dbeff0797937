"""Small widgets of the main window: transport buttons, timeline slider, video surface, audio
view, caption bar, info bar.

Every label that can show text from a file (titles, cue text, error messages) is set to
``Qt.PlainText`` so nothing from a transcript is ever interpreted as markup.
"""

from __future__ import annotations

from time import monotonic
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from player.core.timeline.timecode import format_clock
from player.ui.announce import announce

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent, QMouseEvent, QShowEvent, QWheelEvent


def text_button(text: str, parent: QWidget | None = None) -> QPushButton:
    """A push button with a text label.

    Same as ``QPushButton(text, parent)``, which makes PySide6 weigh the (icon, text) overload
    and so build QIcon's Python type, about 2 ms, in the middle of start-up.
    """
    button = QPushButton(parent)
    button.setText(text)
    return button


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that never interprets its text as rich text."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


GLYPHS = frozenset(
    {"play", "pause", "stop", "seek-back", "seek-forward", "previous", "next", "volume", "muted"}
)


def _triangle(left: float, top: float, width: float, height: float, *, right: bool) -> QPolygonF:
    tip, base = (left + width, left) if right else (left, left + width)
    mid = top + height / 2
    return QPolygonF([QPointF(base, top), QPointF(tip, mid), QPointF(base, top + height)])


def draw_glyph(painter: QPainter, glyph: str, box: QRectF, color: QColor) -> None:
    """Draw a transport symbol (one of :data:`GLYPHS`) filling the square ``box``."""
    x, y, s = box.left(), box.top(), box.width()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    if glyph == "play":
        painter.drawPolygon(_triangle(x + s * 0.2, y + s * 0.1, s * 0.7, s * 0.8, right=True))
    elif glyph == "pause":
        painter.drawRect(QRectF(x + s * 0.18, y + s * 0.12, s * 0.24, s * 0.76))
        painter.drawRect(QRectF(x + s * 0.58, y + s * 0.12, s * 0.24, s * 0.76))
    elif glyph == "stop":
        painter.drawRect(QRectF(x + s * 0.15, y + s * 0.15, s * 0.7, s * 0.7))
    elif glyph in ("seek-back", "seek-forward"):
        right = glyph == "seek-forward"
        for left in (x + s * 0.05, x + s * 0.5):
            painter.drawPolygon(_triangle(left, y + s * 0.2, s * 0.45, s * 0.6, right=right))
    elif glyph in ("previous", "next"):
        right = glyph == "next"
        bar_x = x + s * 0.72 if right else x + s * 0.12
        painter.drawRect(QRectF(bar_x, y + s * 0.15, s * 0.16, s * 0.7))
        left = x + s * 0.12 if right else x + s * 0.28
        painter.drawPolygon(_triangle(left, y + s * 0.15, s * 0.6, s * 0.7, right=right))
    elif glyph in ("volume", "muted"):
        speaker = QPainterPath()
        speaker.moveTo(x + s * 0.08, y + s * 0.36)
        speaker.lineTo(x + s * 0.28, y + s * 0.36)
        speaker.lineTo(x + s * 0.52, y + s * 0.12)
        speaker.lineTo(x + s * 0.52, y + s * 0.88)
        speaker.lineTo(x + s * 0.28, y + s * 0.64)
        speaker.lineTo(x + s * 0.08, y + s * 0.64)
        speaker.closeSubpath()
        painter.drawPath(speaker)
        pen = QPen(color, max(1.0, s * 0.09))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if glyph == "muted":
            painter.drawLine(
                QPointF(x + s * 0.64, y + s * 0.34), QPointF(x + s * 0.92, y + s * 0.66)
            )
            painter.drawLine(
                QPointF(x + s * 0.64, y + s * 0.66), QPointF(x + s * 0.92, y + s * 0.34)
            )
        else:
            for radius in (0.16, 0.32):
                arc = QRectF(0, 0, s * radius * 2, s * radius * 2)
                arc.moveCenter(QPointF(x + s * 0.52, y + s * 0.5))
                painter.drawArc(arc, -50 * 16, 100 * 16)
    painter.restore()


class GlyphButton(QToolButton):
    """A tool button showing a transport symbol it draws itself in the palette's button-text
    colour (greyed when disabled), so it follows dark, high-contrast and custom palettes and is
    sharp at any scale. No icon theme is consulted: the first standard icon cost about 5 ms of
    start-up on Linux (the theme's folders are searched). The accessible name says what it does.
    """

    def __init__(self, glyph: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._glyph = glyph
        self.setAutoRaise(True)

    def glyph(self) -> str:
        """The symbol drawn (one of :data:`GLYPHS`)."""
        return self._glyph

    def set_glyph(self, glyph: str) -> None:
        """Draw another symbol (play <-> pause, volume <-> muted)."""
        if glyph != self._glyph:
            self._glyph = glyph
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)  # the button's panel, hover and focus frame; it has no icon
        # palette() is already set to the Disabled, Inactive or Active colours of this moment.
        color = self.palette().color(QPalette.ColorRole.ButtonText)
        side = float(min(self.iconSize().width(), self.iconSize().height(), self.height() - 4))
        box = QRectF(0, 0, side, side)
        box.moveCenter(QRectF(self.rect()).center())
        painter = QPainter(self)
        draw_glyph(painter, self._glyph, box, color)
        painter.end()


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
        self._published_at = -1e9  # monotonic() of the last accessible value sent
        self._publish_timer = QTimer(self)
        self._publish_timer.setSingleShot(True)
        self._publish_timer.timeout.connect(self.publish_value)
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
        wait_ms = self._published_at * 1000 + A11Y_VALUE_INTERVAL_MS - monotonic() * 1000
        if wait_ms <= 0:
            self.publish_value()
        elif not self._publish_timer.isActive():
            self._publish_timer.start(int(wait_ms) + 1)

    @Slot()
    def publish_value(self) -> None:
        """Tell assistive technology the position shown now (value and words of time)."""
        self._publish_timer.stop()
        self._published_at = monotonic()
        position = self.sliderPosition()
        self._describe(position)
        if QSlider.value(self) != position:
            self.blockSignals(True)
            self.setValue(position)
            self.blockSignals(False)

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
                self._describe(value)
                self._published_at = monotonic()
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
        # gives the accessible value right after this signal.
        self._describe(self.sliderPosition())
        self._published_at = monotonic()
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


class VideoSurface(QWidget):
    """A native child window that libVLC draws into (only used on real windowing platforms)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_NativeWindow, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors, True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, QColor("black"))
        self.setPalette(pal)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(QSize(160, 90))
        self.setAccessibleName("Video")

    def window_id(self) -> int:
        """The native window id to hand to libVLC."""
        return int(self.winId())

    def paintEvent(self, event: QPaintEvent) -> None:
        """Black until libVLC draws (and after it stops: its window is gone then)."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.black)
        painter.end()


class AudioView(QWidget):
    """For audio-only media: the briefing title, the current speaker and cue in large text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = plain_label("", self)
        self.speaker = plain_label("", self)
        self.cue_text = plain_label("", self)
        # The name is the text shown (Qt's default for a label); what it is, the description.
        self.title.setAccessibleDescription("Briefing title")
        self.speaker.setAccessibleDescription("Current speaker")
        self.cue_text.setAccessibleDescription("Current line")
        for label in (self.title, self.speaker, self.cue_text):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.set_text_style("", 0)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addStretch(1)
        layout.addWidget(self.speaker)
        layout.addWidget(self.cue_text)
        layout.addStretch(2)
        self.setMinimumSize(QSize(200, 120))

    def set_text_style(self, family: str, points: int) -> None:
        """Font family ("" = default) and base size in points (0 = default): the caption is
        shown at 1.8 times that, the speaker at 1.4 and the title at 1.3."""
        base = QFont(self.font())
        if family:
            base.setFamily(family)
        if points > 0:
            base.setPointSize(points)
        for label, scale, weight in (
            (self.title, 1.3, QFont.Weight.DemiBold),
            (self.speaker, 1.4, QFont.Weight.Bold),
            (self.cue_text, 1.8, QFont.Weight.Normal),
        ):
            font = QFont(base)
            font.setPointSizeF(base.pointSizeF() * scale)
            font.setWeight(weight)
            label.setFont(font)

    def set_title(self, title: str) -> None:
        """The briefing's title."""
        self.title.setText(title)

    def set_cue(self, speaker: str | None, text: str) -> None:
        """Show the current cue (empty text between cues)."""
        self.speaker.setText(speaker or "")
        self.cue_text.setText(text)


CAPTION_MARGIN_X = 8


def caption_text(speaker: str | None, text: str) -> str:
    """A cue as the caption bar shows it: ``Speaker: text`` (just the text without speaker)."""
    return f"{speaker}: {text}" if speaker and text else text


class CaptionBar(QWidget):
    """The current line as a caption under the video: large plain text, the reading style's
    font and colours, the speaker's name in front when the cue has one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = plain_label("", self)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setAccessibleDescription("Caption")  # its name and text: the caption shown
        self.setAutoFillBackground(True)
        self._samples: list[str] = []  # the longest captions to come: the bar makes room
        self._fit_pending = False  # measured while hidden (captions off): when next shown
        layout = QVBoxLayout(self)
        layout.setContentsMargins(CAPTION_MARGIN_X, 6, CAPTION_MARGIN_X, 6)
        layout.addWidget(self.label)
        self.set_style("", 0, "#ffffff", "#000000")

    def fit_to(self, captions: list[str]) -> None:
        """Make room for the longest of ``captions`` (as :meth:`set_caption` shows them): the bar
        keeps one height for the whole transcript, so the video above does not jump from cue to
        cue; 2 lines at least, 6 at most."""
        self._samples = sorted(captions, key=len, reverse=True)[:20]
        self._fit()

    def _fit(self) -> None:
        if self.isHidden():  # captions off (the default): measure when they are turned on
            self._fit_pending = True
            return
        self._fit_pending = False
        metrics = QFontMetrics(self.label.font())
        width = max(120, self.width() - 2 * CAPTION_MARGIN_X)
        flags = int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        need = 2 * metrics.lineSpacing()
        for text in self._samples:
            need = max(need, metrics.boundingRect(QRect(0, 0, width, 10**6), flags, text).height())
        self.label.setFixedHeight(min(need, 6 * metrics.lineSpacing()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Re-measure at the new width."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()

    def showEvent(self, event: QShowEvent) -> None:
        """Measure what changed while the bar was hidden."""
        super().showEvent(event)
        if self._fit_pending:
            self._fit()

    def set_caption(self, speaker: str | None, text: str) -> None:
        """Show a cue's text (empty between cues: the bar keeps its height)."""
        self.label.setText(caption_text(speaker, text))

    def set_style(self, family: str, points: int, text_color: str, background: str) -> None:
        """Font family ("" = default), base size (0 = default; captions are 1.4 times it) and
        colours (``#rrggbb``)."""
        font = QFont(QApplication.font())
        if family:
            font.setFamily(family)
        if points > 0:
            font.setPointSize(points)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.label.setFont(font)
        self._fit()
        palette = QPalette(self.palette())
        for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
            palette.setColor(role, QColor(background))
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
            palette.setColor(role, QColor(text_color))
        self.setPalette(palette)
        self.label.setPalette(palette)


class InfoBar(QFrame):
    """A dismissable message strip with optional action buttons (resume offer, no transcript…)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, pal.color(QPalette.ColorRole.AlternateBase))
        self.setPalette(pal)
        self.label = plain_label("", self)
        self.label.setWordWrap(True)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(8, 4, 8, 4)
        self._layout.addWidget(self.label, 1)
        self._buttons: list[QPushButton] = []
        close = text_button("✕", self)
        close.setAccessibleName("Dismiss")
        close.setFlat(True)
        close.setFixedWidth(28)
        close.clicked.connect(self.hide)
        self._layout.addWidget(close)
        self._close = close
        self.hide()

    def show_message(self, text: str, actions: list[tuple[str, object]] | None = None) -> None:
        """Show ``text`` with buttons; each action is (label, callable)."""
        for b in self._buttons:
            b.deleteLater()
        self._buttons = []
        self.label.setText(text)
        for label, callback in actions or []:
            button = text_button(label, self)
            button.clicked.connect(callback)
            button.clicked.connect(self.hide)
            self._layout.insertWidget(self._layout.count() - 1, button)
            self._buttons.append(button)
        self.setAccessibleDescription(text)
        self.show()
        announce(self, text)

    def buttons(self) -> list[QPushButton]:
        """The action buttons shown now."""
        return list(self._buttons)
