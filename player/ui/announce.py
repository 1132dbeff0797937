"""The one way to tell a screen-reader user about a status: :func:`announce`.

A status message ("Copied: …", "Bookmark added", "Muted", "3 of 12 hits", the info bar's
offer) must be spoken without moving the focus (WCAG 4.1.3). Screen readers listen for
different things:

- Orca 43 (Debian 12) does not listen to ``object:announcement`` (Qt's
  ``QAccessibleAnnouncementEvent``). It speaks an object with the *notification* role when it
  becomes visible (``object:state-changed:showing``, ``scripts/default.py``
  ``onShowingChanged``): "notification Muted". Newer Orca versions do the same.
- Screen readers on Windows and macOS speak an announcement event (UI Automation notification,
  NSAccessibility announcement).

So each window has one hidden :class:`Announcer`, a 1-pixel widget that draws nothing, with the
notification role: :func:`announce` names it with the message and shows it again. Off Linux,
the announcement event is sent as well (on Linux both would make newer Orca versions speak the
message twice).
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from player.ui.accessible import mark_notification

MAX_CHARS = 300  # a long error message is cut (the status line shows it whole)
HISTORY = 20


class Announcer(QWidget):
    """A window's speaker for status messages: invisible, never focused, role notification.

    ``history`` keeps the last messages announced (newest last), for tests and debugging.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("announcer")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setGeometry(0, 0, 1, 1)
        mark_notification(self)
        self.history: list[str] = []
        self.hide()

    def say(self, text: str) -> None:
        """Speak ``text`` (whitespace collapsed, long messages cut)."""
        message = " ".join(text.split())
        if len(message) > MAX_CHARS:
            message = message[: MAX_CHARS - 1] + "…"
        if not message:
            return
        self.history = [*self.history[-(HISTORY - 1) :], message]
        self.setAccessibleName(message)
        # Hidden then shown again: each message is a new "showing" for the screen reader,
        # also when it repeats the last one. No paint happens in between.
        self.hide()
        self.show()
        self.raise_()
        if not sys.platform.startswith("linux"):
            _send_announcement(self, message)


def _send_announcement(widget: QWidget, message: str) -> None:
    from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

    if QAccessible.isActive():
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(widget, message))


def announcer_for(widget: QWidget) -> Announcer:
    """The announcer of ``widget``'s window (made on first use)."""
    window = widget.window()
    found = window.findChild(Announcer, "announcer", Qt.FindChildOption.FindDirectChildrenOnly)
    return found if found is not None else Announcer(window)


def announce(widget: QWidget, text: str) -> None:
    """Speak ``text`` to screen-reader users of ``widget``'s window, whatever has the focus.

    The text should also be visible somewhere (a status line, a count, a message bar): this
    only makes it heard.
    """
    announcer_for(widget).say(text)
