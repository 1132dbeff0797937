"""Small widgets of the main window: transport buttons, video surface, audio view, caption bar,
info bar (the timeline slider lives in ``timeline_slider`` and is also importable from here).

Every label that can show text from a file (titles, cue text, error messages) is set to
``Qt.PlainText`` so nothing from a transcript is ever interpreted as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
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
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from player.ui.announce import announce
from player.ui.timeline_slider import TimelineSlider as TimelineSlider

if TYPE_CHECKING:
    from PySide6.QtGui import QShowEvent


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
