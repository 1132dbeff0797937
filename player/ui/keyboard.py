"""The window from the keyboard alone (WCAG 2.1.1, 2.1.2, 2.1.4, 2.4.3, 2.4.7).

:class:`KeyboardAccess` follows the focus (``QApplication.focusChanged``) and watches only the
widget that has it, with an event filter:

* a focused control keeps its own keys: Space (and Return/Enter) on a button, check box, combo
  box or list is the control's, never a single-key shortcut's (the filter claims the key in
  Qt's ``ShortcutOverride``, as a text field does for letters);
* Return and Enter press a focused button, as Space does (Qt leaves Return to dialogs' default
  buttons);
* Esc in the Library or Bookmarks dock closes the dock and gives the focus back to the widget
  that had it before the dock took it;
* Tab follows the visual order: the chain is laid out again from the window's layouts (left to
  right, top to bottom) before each Tab, so panels built later (the search, the docks, the info
  bar's buttons) take their place.

It also draws the focus ring (:class:`~player.ui.focus_ring.FocusRing`) around the focused
widget, and carries the commands that have no widget of their own: F10 (the menus), the
splitter from the keyboard, floating a dock. Built after the first frame, when first needed.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDockWidget,
    QLayout,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from player.ui.focus_ring import FocusRing

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent

logger = logging.getLogger(__name__)

SPLIT_STEP = 0.05  # the share of the splitter's width one "wider/narrower" moves
MIN_PANE_PX = 160
_Key = Qt.Key
_ACTIVATE = frozenset({_Key.Key_Space, _Key.Key_Return, _Key.Key_Enter, _Key.Key_Select})
_KEEPS_ACTIVATION = (QAbstractButton, QComboBox, QAbstractItemView, QAbstractSpinBox)


def _plain(event: QKeyEvent) -> bool:
    """No modifier but the keypad's."""
    return not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)


def dock_of(widget: QWidget | None) -> QDockWidget | None:
    """The dock ``widget`` is in (None: not in a dock, or the widget is being deleted)."""
    try:
        while widget is not None:
            if isinstance(widget, QDockWidget):
                return widget
            widget = widget.parentWidget()
    except RuntimeError:  # the focus left a widget that is being deleted
        return None
    return None


def _in_item_editor(widget: QWidget) -> bool:
    """Whether ``widget`` edits a cell of a list or table (Esc is the editor's)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractItemView):
            return True
        parent = parent.parentWidget()
    return False


def _tab_focusable(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and widget.focusProxy() is None


def visual_order(root: QWidget) -> list[QWidget]:
    """The widgets under ``root`` that take Tab focus, in the order they are laid out: box
    layouts left to right and top to bottom, splitters' panes in order, every page of a stack."""
    found: list[QWidget] = []

    def widget(w: QWidget | None) -> None:
        if w is None:
            return
        if _tab_focusable(w):
            found.append(w)
        if isinstance(w, QDockWidget):
            inner = w.widget()
            if inner is not None:
                widget(inner)
        elif isinstance(w, (QSplitter, QStackedWidget)):
            for i in range(w.count()):
                widget(w.widget(i))
        elif isinstance(w, QMainWindow):
            central = w.centralWidget()
            if central is not None:
                widget(central)
            docks = [d for d in w.findChildren(QDockWidget) if d.parentWidget() is w]
            for dock in sorted(docks, key=lambda d: (d.y(), d.x())):
                widget(dock)
            status = w.statusBar()
            if status is not None:
                widget(status)
        else:
            layout(w.layout())

    def layout(lay: QLayout | None) -> None:
        for i in range(lay.count() if lay is not None else 0):
            item = lay.itemAt(i)  # type: ignore[union-attr]
            if item is not None:
                widget(item.widget())
                layout(item.layout())

    widget(root)
    return found


def apply_tab_order(root: QWidget) -> list[QWidget]:
    """Chain Tab through :func:`visual_order`; returns the chain."""
    chain = visual_order(root)
    for first, second in itertools.pairwise(chain):
        QWidget.setTabOrder(first, second)
    return chain


class KeyboardAccess(QObject):
    """Focus keys, Esc on docks, visual Tab order and the focus ring of ``window`` (whose
    ``splitter`` holds the media and the transcript)."""

    def __init__(self, window: QMainWindow, splitter: QSplitter) -> None:
        super().__init__(window)
        self._window = window
        self._splitter = splitter
        self._watched: QWidget | None = None
        self._return_to: dict[QDockWidget, QWidget] = {}
        self.ring = FocusRing(window)  # the main window's; each other window gets its own
        self._rings: dict[QWidget, FocusRing] = {window: self.ring}
        self._ring_now: FocusRing | None = None
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._on_focus_changed)
        apply_tab_order(window)
        self._on_focus_changed(None, QApplication.focusWidget())

    # ----- following the focus ------------------------------------------------------------

    @Slot(QWidget, QWidget)
    def _on_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if self._watched is not None:
            with contextlib.suppress(RuntimeError):  # deleted meanwhile
                self._watched.removeEventFilter(self)
            self._watched = None
        dock_new, dock_old = dock_of(new), dock_of(old)
        # Every window of the program: the main one, its floating docks, its dialogs (not
        # popups: a menu or a combo box's list marks its own current item).
        top = new.window() if new is not None else None
        ours = top is not None and top.windowType() != Qt.WindowType.Popup
        if ours and new is not None:
            new.installEventFilter(self)
            self._watched = new
        if dock_new is not None and dock_new is not dock_old and old is not None:
            self._return_to[dock_new] = old
        if dock_old is not None and dock_old is not dock_new and not dock_old.isVisible():
            # The dock was closed (its button, its menu entry) while it had the focus: Qt
            # handed the focus to the next widget in the chain; give it back instead.
            QTimer.singleShot(0, self, lambda d=dock_old: self._give_back(d))
        self._ring_now = self._ring_for(top) if ours and top is not None else None
        for ring in list(self._rings.values()):
            if ring is not self._ring_now:
                ring.follow(None)
        if self._ring_now is not None:
            self._ring_now.follow(new)

    def _ring_for(self, top: QWidget) -> FocusRing:
        """The focus ring of the window ``top`` (made the first time)."""
        ring = self._rings.get(top)
        if ring is None:
            ring = self._rings[top] = FocusRing(top)
            top.destroyed.connect(lambda *_, t=top: self._forget(t))
        return ring

    def _forget(self, top: QWidget) -> None:
        ring = self._rings.pop(top, None)
        if ring is self._ring_now:
            self._ring_now = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Claim Space/Return on the focused control, press buttons with Return, Esc closes
        a dock, Tab follows the visual order; keep the ring on the focused widget."""
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride:
            return self._claim(watched, event)  # type: ignore[arg-type]
        if kind == QEvent.Type.KeyPress:
            return self._key(watched, event)  # type: ignore[arg-type]
        ring = self._ring_now
        if ring is None:
            return False
        if kind in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Paint):
            ring.place()
        elif kind == QEvent.Type.Hide:
            ring.follow(None)
        return False

    def _claim(self, watched: QObject, event: QKeyEvent) -> bool:
        if not _plain(event):
            return False
        key = event.key()
        if key in _ACTIVATE and isinstance(watched, _KEEPS_ACTIVATION):
            event.accept()  # the control's key: no shortcut takes it
            return True
        if key == _Key.Key_Escape and self._closable_dock(watched) is not None:
            event.accept()
            return True
        return False

    def _key(self, watched: QObject, event: QKeyEvent) -> bool:
        key = event.key()
        if key in (_Key.Key_Tab, _Key.Key_Backtab):
            if isinstance(watched, QWidget) and watched.window() is self._window:
                apply_tab_order(self._window)
            return False  # Qt moves the focus along the chain
        if not _plain(event):
            return False
        if key in (_Key.Key_Return, _Key.Key_Enter) and isinstance(watched, QAbstractButton):
            press(watched)
            return True
        if key == _Key.Key_Escape:
            dock = self._closable_dock(watched)
            if dock is not None:
                self.close_dock(dock)
                return True
        return False

    def _closable_dock(self, watched: QObject) -> QDockWidget | None:
        if not isinstance(watched, QWidget) or _in_item_editor(watched):
            return None
        if isinstance(watched, QComboBox) and watched.view().isVisible():
            return None
        dock = dock_of(watched)
        closable = QDockWidget.DockWidgetFeature.DockWidgetClosable
        return dock if dock is not None and dock.features() & closable else None

    # ----- docks ----------------------------------------------------------------------------

    def close_dock(self, dock: QDockWidget) -> None:
        """Close ``dock`` and give the focus back to where it was before the dock took it."""
        back = self._return_to.get(dock)
        dock.close()
        self._focus(back)

    def _give_back(self, dock: QDockWidget) -> None:
        self._focus(self._return_to.get(dock))

    def _focus(self, widget: QWidget | None) -> None:
        try:
            usable = widget is not None and widget.isVisible() and widget.isEnabled()
        except RuntimeError:  # deleted
            usable = False
        if not usable:
            widget = getattr(self._window, "panel", None)
            widget = getattr(widget, "view", None)
        if widget is not None:
            widget.activateWindow()  # from a floating dock, back to the main window
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    @staticmethod
    def toggle_floating(dock: QDockWidget | None) -> None:
        """Float a docked dock, or dock a floating one (its title bar's Float button)."""
        if dock is None:
            return
        dock.setFloating(not dock.isFloating())
        dock.show()
        dock.raise_()
        dock.activateWindow()
        inner = dock.widget()
        if inner is not None:
            inner.setFocus(Qt.FocusReason.OtherFocusReason)

    # ----- commands without a widget ------------------------------------------------------

    def open_menus(self) -> None:
        """F10: open the menu bar's first menu (arrows then move through the menus)."""
        bar = self._window.menuBar()
        actions = [a for a in bar.actions() if a.isVisible() and a.isEnabled()]
        if actions:
            bar.setFocus(Qt.FocusReason.ShortcutFocusReason)
            bar.setActiveAction(actions[0])

    def resize_split(self, direction: int) -> None:
        """Give the transcript (the splitter's second pane) more room (+1) or less (-1)."""
        sizes = self._splitter.sizes()
        if len(sizes) < 2:
            return
        total = sum(sizes)
        step = max(20, int(total * SPLIT_STEP)) * direction
        second = max(MIN_PANE_PX, min(total - MIN_PANE_PX, sizes[1] + step))
        self._splitter.setSizes([total - second, second, *sizes[2:]])


def press(button: QAbstractButton) -> None:
    """Press ``button`` as Space would: its menu for a menu button, else a click."""
    if isinstance(button, QToolButton) and button.menu() is not None:
        mode = button.popupMode()
        if mode != QToolButton.ToolButtonPopupMode.DelayedPopup:
            button.showMenu()
            return
    button.click()
