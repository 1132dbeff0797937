"""What assistive technology is told about a few widgets Qt cannot describe by itself.

Qt builds an accessible interface for each widget it is asked about. Two kinds of widgets here
need another one, given by a factory this module installs:

- a *live label* (:func:`mark_live_label`): a label whose text changes every second (elapsed
  and remaining time). Its accessible name is ``"<what> <text shown>"``, worked out when a
  screen reader asks, and its text changes send no event: Qt would send one per change of a
  label without an explicit accessible name, two a second while media plays.
- a *notification* (:func:`mark_notification`): the role Orca 43 speaks when such an object
  becomes visible (``object:state-changed:showing``); see :mod:`player.ui.announce`.

Nothing is built before the first frame: marking a widget only sets a property. The factory is
installed :data:`INSTALL_DELAY_MS` after the first widget is marked (naming ``QAccessible``
builds its Python type, about 2 ms); interfaces a screen reader obtained before then are
dropped so that Qt asks the factory again. The interfaces' classes are made the first time the
factory is asked about a marked widget (only when an assistive technology is listening).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

KIND_PROPERTY = "briefingAccessibleKind"
LIVE_LABEL = "live-label"
NOTIFICATION = "notification"
INSTALL_DELAY_MS = 300  # after the first frame (start-up shows the window within ~250 ms)

_state = {"installed": False, "scheduled": False}
_classes: dict[str, Any] = {}


def _schedule() -> None:
    if not (_state["installed"] or _state["scheduled"]):
        _state["scheduled"] = True
        QTimer.singleShot(INSTALL_DELAY_MS, install)


def install() -> None:
    """Install the factory now (once; the marks do it by themselves a moment later)."""
    if _state["installed"]:
        return
    from PySide6.QtGui import QAccessible

    QAccessible.installFactory(_factory)
    _state["installed"] = True
    if not QAccessible.isActive():
        return
    # A screen reader already asked about marked widgets: drop Qt's own interfaces for them.
    for widget in QApplication.allWidgets():
        if not widget.property(KIND_PROPERTY):
            continue
        iface = QAccessible.queryAccessibleInterface(widget)
        if iface is not None and not isinstance(iface, tuple(_interface_classes().values())):
            QAccessible.deleteAccessibleInterface(QAccessible.uniqueId(iface))


def installed() -> bool:
    """Whether the factory is installed."""
    return _state["installed"]


def mark_live_label(label: QLabel, what: str) -> None:
    """Name ``label`` "``what`` <its text>" for assistive technology, with no event per change
    of its text (it is read when asked). ``what`` also becomes its description."""
    label.setProperty(KIND_PROPERTY, LIVE_LABEL)
    # An explicit name keeps QLabel::setText from sending a name-change event; the interface
    # below answers with the name that includes the text shown.
    label.setAccessibleName(what)
    label.setAccessibleDescription(what)
    _schedule()


def mark_notification(widget: QWidget) -> None:
    """Give ``widget`` the notification role (its accessible name is what is spoken)."""
    widget.setProperty(KIND_PROPERTY, NOTIFICATION)
    _schedule()


def live_name(label: QLabel) -> str:
    """The accessible name of a live label: its description and the text it shows."""
    return f"{label.accessibleName()} {label.text()}".strip()


def _interface_classes() -> dict[str, Any]:
    """The interface classes, built on first use (QAccessibleWidget's Python type is not
    needed before an assistive technology asks)."""
    if _classes:
        return _classes
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import QAccessibleWidget

    class LiveLabelInterface(QAccessibleWidget):
        """A static text whose name includes the text shown, read when asked."""

        def __init__(self, label: QLabel) -> None:
            super().__init__(label, QAccessible.Role.StaticText)
            self._label = label

        def text(self, t: QAccessible.Text) -> str:
            if t == QAccessible.Text.Name:
                return live_name(self._label)
            if t == QAccessible.Text.Value:
                return self._label.text()
            return str(super().text(t))

    class NotificationInterface(QAccessibleWidget):
        """A notification: its name (the message) is spoken when it is shown."""

        def __init__(self, widget: QWidget) -> None:
            super().__init__(widget, QAccessible.Role.Notification)

    _classes[LIVE_LABEL] = LiveLabelInterface
    _classes[NOTIFICATION] = NotificationInterface
    return _classes


def _factory(_class_name: str, obj: QObject | None) -> Any:
    """Qt's accessibility factory hook: an interface for a marked widget, else None."""
    if obj is None or not obj.isWidgetType():
        return None
    kind = obj.property(KIND_PROPERTY)
    if kind == LIVE_LABEL and isinstance(obj, QLabel):
        return _interface_classes()[LIVE_LABEL](obj)
    if kind == NOTIFICATION and isinstance(obj, QWidget):
        return _interface_classes()[NOTIFICATION](obj)
    return None
