"""Text that never looks cut: a label that elides ("…") when it is narrower than its text and
then carries the whole text in its tooltip and accessible name; and the check the screenshot
tests run over a window (no label or button shows cut text without its whole text at hand).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QSizePolicy, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QFontMetrics, QPaintEvent, QResizeEvent

_TAG = re.compile(r"<[^>]*>")
BUTTON_PADDING_PX = 4  # the least a style draws around a button's text


class ElidingLabel(QLabel):
    """A one-line plain-text label that elides to its width.

    ``text()`` is the whole text; ``shown_text()`` what is painted. When the two differ the
    tooltip and the accessible name hold the whole text (a tooltip set by the caller is kept
    and shown when nothing is cut). The size hint asks for the whole text, the minimum for
    almost nothing: the layout decides, the label adapts.
    """

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        *,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
    ) -> None:
        super().__init__(parent)
        self._full = ""
        self._mode = mode
        self._own_tip = ""
        self._own_name = ""
        self._elided_font = self.font()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setMinimumWidth(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setText(text)

    # QLabel's own methods, kept meaning "the whole text"
    def setText(self, text: str) -> None:
        """Show ``text`` (elided to the width when needed)."""
        self._full = " ".join(text.split()) if "\n" in text else text
        self.updateGeometry()
        self._elide()

    def text(self) -> str:
        """The whole text (not the elided one painted)."""
        return self._full

    def setToolTip(self, tip: str) -> None:
        """A tooltip shown when nothing is cut (the whole text is shown when something is)."""
        self._own_tip = tip
        self._elide()

    def setAccessibleName(self, name: str) -> None:
        """The accessible name when nothing is cut (the whole text when something is)."""
        self._own_name = name
        self._elide()

    def shown_text(self) -> str:
        """What is painted now."""
        return super().text()

    def is_elided(self) -> bool:
        """Whether the text is cut (and so in the tooltip)."""
        return super().text() != self._full

    def sizeHint(self) -> QSize:
        """Wide enough for the whole text."""
        hint = super().sizeHint()
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._full) + margins.left() + margins.right()
        return QSize(width + 2 * self.margin() + 2, hint.height())

    def minimumSizeHint(self) -> QSize:
        """As narrow as an ellipsis."""
        hint = super().minimumSizeHint()
        return QSize(self.fontMetrics().horizontalAdvance("…") + 2, hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Elide again for the new width."""
        super().resizeEvent(event)
        self._elide()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Elide again first if the font changed since the last time (no changeEvent: its
        QEvent argument makes PySide build every event type, slow before the first frame)."""
        if self.font() != self._elided_font:
            self._elide()
        super().paintEvent(event)

    def _elide(self) -> None:
        self._elided_font = self.font()
        width = max(1, self.contentsRect().width() - 2 * self.margin())
        shown = self.fontMetrics().elidedText(self._full, self._mode, width)
        if shown != super().text():
            super().setText(shown)
        cut = shown != self._full
        QLabel.setToolTip(self, self._full if cut else self._own_tip)
        QLabel.setAccessibleName(self, self._full if cut else self._own_name)


def _plain(text: str) -> str:
    return _TAG.sub("", text).replace("&&", "\0").replace("&", "").replace("\0", "&")


def clipped_widgets(root: QWidget) -> list[str]:
    """Every visible label or button under ``root`` whose text does not fit and that has no
    tooltip holding it: one line each (class, object name, text, widths) for a test's message.

    A label that wraps is cut when the height its text needs at its width is more than it
    has; a one-line label or a button when its text is wider than its room (a button's: its
    width less a few pixels of frame)."""
    found: list[str] = []
    widgets: list[QWidget] = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if not w.isVisibleTo(root) or w.width() <= 1:
            continue
        if isinstance(w, QLabel):
            text = w.text()
            if not text.strip() or (w.pixmap() is not None and not w.pixmap().isNull()):
                continue
            plain = text if w.textFormat() == Qt.TextFormat.PlainText else _plain(text)
            shown = w.shown_text() if isinstance(w, ElidingLabel) else plain
            room = w.contentsRect().width() - 2 * w.margin() - w.indent() * 0
            if w.wordWrap():
                need_h = w.heightForWidth(w.width())
                cut = need_h > w.height() + 1
                need, have = need_h, w.height()
            else:
                lines = shown.splitlines() or [shown]
                need = max(w.fontMetrics().horizontalAdvance(line) for line in lines)
                have = room
                cut = need > have + 1 or (isinstance(w, ElidingLabel) and w.is_elided())
        elif isinstance(w, QAbstractButton):
            text = _plain(w.text())
            if not text.strip():
                continue
            need = w.fontMetrics().horizontalAdvance(text)
            if not w.icon().isNull():
                need += w.iconSize().width()
            have = w.width() - BUTTON_PADDING_PX
            cut = need > have
        else:
            continue
        if cut and not w.toolTip().strip():
            name = w.objectName() or w.accessibleName()
            found.append(f"{type(w).__name__} {name!r}: {text[:60]!r} needs {need}, has {have}")
    return found


def elide_words(text: str, width: int, fm: QFontMetrics, *, left: bool = False) -> str:
    """``text`` shortened to ``width`` pixels at a word boundary, "…" where it was cut (on the
    left with ``left``: the end is kept); a single word too long for the room is cut inside."""
    if fm.horizontalAdvance(text) <= width:
        return text
    cuts = [i for i, ch in enumerate(text) if ch.isspace()]
    if left:
        for i in cuts:
            candidate = "…" + text[i + 1 :].lstrip()
            if fm.horizontalAdvance(candidate) <= width:
                return candidate
        mode = Qt.TextElideMode.ElideLeft
    else:
        for i in reversed(cuts):
            candidate = text[:i].rstrip() + "…"
            if fm.horizontalAdvance(candidate) <= width:
                return candidate
        mode = Qt.TextElideMode.ElideRight
    return fm.elidedText(text, mode, max(width, 0))


def fix_text_room(button: QAbstractButton, chars: int, most_px: int = 1 << 30) -> int:
    """Give ``button`` a fixed width with room for ``chars`` average characters of text, at
    most ``most_px`` (its text changing never moves what comes after it); returns that room in
    pixels, for eliding."""
    metrics = button.fontMetrics()
    frame = button.sizeHint().width() - metrics.horizontalAdvance(button.text().replace("&&", "&"))
    room = min(metrics.averageCharWidth() * chars, most_px)
    button.setFixedWidth(max(0, frame) + room)
    return room
