"""The focus ring: a frame drawn around the widget that has the keyboard focus (WCAG 2.4.7,
2.4.11, 1.4.11), in a colour with at least 3:1 against the window around it.

Qt's own focus marks depend on the style (Fusion's are 1.7:1 on buttons and there is none on a
list); one overlay, raised over the focused widget's window, marks every control the same way.
It ignores the mouse and paints only its frame.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QWidget

from player.core.contrast import AA_NON_TEXT, readable_on_all

RING_PX = 3  # the frame's width, drawn just outside the widget
GAP_PX = 0


def focus_color(palette: QPalette) -> str:
    """The ring's colour: the palette's highlight, darkened or lightened until it reaches 3:1
    against the window, the lists' base and the buttons (what it is drawn over)."""
    role = QPalette.ColorRole
    under = [palette.color(r).name() for r in (role.Window, role.Base, role.Button)]
    return readable_on_all(palette.color(role.Highlight).name(), under, AA_NON_TEXT + 0.5)


class FocusRing(QWidget):
    """The frame around the focused widget of ``window`` (one ring per window)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._target: QWidget | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setObjectName("focus_ring")
        self.hide()

    @property
    def target(self) -> QWidget | None:
        """The widget framed now (None: none)."""
        return self._target

    def color(self) -> QColor:
        """The ring's colour now."""
        return QColor(focus_color(self.palette()))

    def follow(self, widget: QWidget | None) -> None:
        """Frame ``widget`` (None: hide)."""
        self._target = widget
        if widget is None:
            self.hide()
            return
        self.place()
        self.raise_()

    def place(self) -> None:
        """Put the frame around the target where it is now."""
        target = self._target
        try:
            visible = target is not None and target.isVisible()
        except RuntimeError:  # the widget was deleted
            visible = False
        if not visible or target is None:
            self.hide()
            return
        parent = self.parentWidget()
        if parent is None:
            return
        origin = target.mapTo(parent, QPoint(0, 0))
        pad = RING_PX + GAP_PX
        rect = QRect(origin, target.size()).adjusted(-pad, -pad, pad, pad)
        rect = rect.intersected(parent.rect())
        if rect != self.geometry():
            self.setGeometry(rect)
        if not self.isVisible():
            self.show()

    def paintEvent(self, event: QPaintEvent) -> None:
        """The frame, ``RING_PX`` wide, inside this widget's edge."""
        painter = QPainter(self)
        pen = QPen(self.color(), RING_PX)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        half = RING_PX // 2
        painter.drawRect(self.rect().adjusted(half, half, -half - 1, -half - 1))
        painter.end()
