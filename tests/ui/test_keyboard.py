"""The window from the keyboard alone (WCAG 2.1.1 keyboard, 2.1.2 no trap, 2.1.4 single-key
shortcuts, 2.4.3 focus order): Space and Return press every focused button with single-key
shortcuts on, F10 opens the menus, Esc closes a dock and gives the focus back, Tab follows the
visual order, the splitter and the docks' Float from the keyboard."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QInputDialog,
    QMenu,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from player.playback.base import PlaybackState
from player.ui import settings as S
from player.ui.keyboard import KeyboardAccess, visual_order
from tests.conftest import SAMPLE_DIR
from tests.ui.conftest import Harness, make_harness

Key = Qt.Key
GRAB = "^This plugin does not support grabbing the keyboard$"  # offscreen: a menu opens


@pytest.fixture
def kb_harness(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    """A window with a library, shown and active (focus needs an active window), with every
    file and input dialog answering "cancel" at once."""
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: "")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("", False))
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("", False))
    h = make_harness(qtbot, tmp_path / "config", archive_db=tmp_path / "archive.sqlite")
    h.window.activateWindow()
    qtbot.waitUntil(h.window.isActiveWindow, timeout=5000)
    yield h
    h.window.close()


def _keyboard(h: Harness) -> KeyboardAccess:
    return h.window.menu_actions.keyboard()


def _media(tmp_path: Path) -> Path:
    media = tmp_path / "talk.opus"
    shutil.copy(SAMPLE_DIR / "briefing.opus", media)
    shutil.copy(SAMPLE_DIR / "briefing.vtt", tmp_path / "talk.vtt")
    return media


def _focus(h: Harness, widget: QWidget) -> None:
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    h.qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=5000)


def _close_popups_soon() -> list[bool]:
    """A menu opened by a key runs its own loop: close it as soon as it shows (looking for
    5 s at most). The list returned gets True when a popup was closed."""
    closed: list[bool] = []
    tries = [500]

    def close() -> None:
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
            closed.append(True)
        elif tries[0] > 0:
            tries[0] -= 1
            QTimer.singleShot(10, close)

    QTimer.singleShot(10, close)
    return closed


def _press(h: Harness, button: QAbstractButton, key: Key) -> int:
    """Press ``key`` on the focused ``button``; how many times it was clicked."""
    clicks: list[bool] = []
    button.clicked.connect(lambda *_: clicks.append(True))
    _focus(h, button)
    h.qtbot.keyClick(button, key)
    QApplication.processEvents()
    return len(clicks)


def _focusable_buttons(h: Harness) -> list[QAbstractButton]:
    w = h.window
    found = [
        b
        for b in visual_order(w)
        if isinstance(b, QAbstractButton) and b.isVisible() and b.isEnabled()
    ]
    return [b for b in found if not (isinstance(b, QToolButton) and b.menu() is not None)]


def test_space_activates_every_focusable_button(kb_harness: Harness, tmp_path: Path) -> None:
    """Space on every focused button presses that button once, and never plays or pauses
    (single-key shortcuts are on: Space is also Play/Pause's key)."""
    h = kb_harness
    w = h.window
    assert h.settings.get(S.SINGLE_KEY_SHORTCUTS)
    h.open(_media(tmp_path), play=False)
    _keyboard(h)
    w.docks.show_library(True)
    w.docks.add_bookmark()  # "Copy as quotes" needs one
    w.docks.show_bookmarks(True)
    w.start_search("water")
    w.info_bar.show_message("A message", [("First", lambda: None), ("Second", lambda: None)])
    w.panel.pause_following()  # shows "Back to now"
    buttons = _focusable_buttons(h)
    names = {b.accessibleName() or b.text() for b in buttons}
    for expected in ("Play", "Stop", "Mute", "Captions", "Follow playback", "Back to now"):
        assert expected in names
    assert {"Add folder…", "Rescan", "Remove folder…", "Copy as &quotes", "Dismiss"} <= names
    shortcut: list[bool] = []
    w.menu_actions.act_play.triggered.connect(lambda *_: shortcut.append(True))
    for button in buttons:
        if not (button.isVisible() and button.isEnabled()):
            continue  # an earlier button hid it (Dismiss hides the bar) or disabled it
        assert _press(h, button, Key.Key_Space) == 1, button.accessibleName() or button.text()
        assert not shortcut, f"Space on {button.accessibleName() or button.text()} played/paused"


def test_return_activates_every_focusable_button(kb_harness: Harness, tmp_path: Path) -> None:
    """Return and Enter press a focused button as Space does (Qt leaves them to dialogs)."""
    h = kb_harness
    w = h.window
    h.open(_media(tmp_path), play=False)
    _keyboard(h)
    w.docks.show_library(True)
    w.docks.add_bookmark()
    w.docks.show_bookmarks(True)
    buttons = _focusable_buttons(h)
    assert len(buttons) >= 12
    for button in buttons:
        if button.isVisible() and button.isEnabled():
            assert _press(h, button, Key.Key_Return) == 1, button.accessibleName() or button.text()
    mute = w.mute_button
    before = mute.isChecked()
    _focus(h, mute)
    h.qtbot.keyClick(mute, Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert mute.isChecked() is not before


def test_space_on_the_play_button_toggles_once(kb_harness: Harness, tmp_path: Path) -> None:
    h = kb_harness
    h.open(_media(tmp_path), play=False)
    _keyboard(h)
    _focus(h, h.window.play_button)
    h.qtbot.keyClick(h.window.play_button, Key.Key_Space)
    h.advance(20)
    assert h.controller.state() is PlaybackState.PLAYING
    h.qtbot.keyClick(h.window.play_button, Key.Key_Return)
    h.advance(20)
    assert h.controller.state() is PlaybackState.PAUSED


def test_space_plays_where_no_control_uses_it(kb_harness: Harness, tmp_path: Path) -> None:
    """The seek bar does not use Space: there Space is still Play/Pause."""
    h = kb_harness
    h.open(_media(tmp_path), play=False)
    _keyboard(h)
    _focus(h, h.window.transport.slider)
    h.qtbot.keyClick(h.window.transport.slider, Key.Key_Space)
    h.advance(20)
    assert h.controller.state() is PlaybackState.PLAYING


@pytest.mark.qt_log_ignore(GRAB)
def test_space_and_return_stay_with_the_list_and_combo_boxes(
    kb_harness: Harness, tmp_path: Path
) -> None:
    h = kb_harness
    w = h.window
    h.open(_media(tmp_path), play=False)
    _keyboard(h)
    view = w.panel.view
    _focus(h, view)
    view.setCurrentIndex(w.model.index(3, 0))
    h.qtbot.keyClick(view, Key.Key_Space)  # the list's: selects the current row
    assert h.controller.state() is not PlaybackState.PLAYING
    h.qtbot.keyClick(view, Key.Key_Return)  # the list's: plays from the row
    h.advance(20)
    assert h.controller.state() is PlaybackState.PLAYING
    assert h.controller.position_ms() >= w.transcript.cues[3].start_ms  # type: ignore[union-attr]
    h.controller.pause()
    h.advance(20)
    box = w.transport.rate_box
    _focus(h, box)
    closed = _close_popups_soon()
    h.qtbot.keyClick(box, Key.Key_Space)  # the combo's: opens its list
    h.qtbot.waitUntil(lambda: bool(closed), timeout=5000)
    h.advance(20)
    assert h.controller.state() is PlaybackState.PAUSED


@pytest.mark.qt_log_ignore(GRAB)
def test_the_chapter_menu_opens_with_space_and_return(kb_harness: Harness, tmp_path: Path) -> None:
    h = kb_harness
    w = h.window
    h.open(SAMPLE_DIR / "briefing.opus", play=False)
    h.qtbot.waitUntil(lambda: bool(w.transport.chapters), timeout=5000)
    _keyboard(h)
    button = w.transport.chapter_button
    assert button.isVisible()
    shown: list[bool] = []
    button.menu().aboutToShow.connect(lambda: shown.append(True))
    for key in (Key.Key_Return, Key.Key_Space):
        _focus(h, button)
        expected = len(shown) + 1
        _close_popups_soon()
        h.qtbot.keyClick(button, key)
        h.qtbot.waitUntil(lambda n=expected: len(shown) >= n, timeout=5000)
    assert len(shown) == 2
    assert h.controller.state() is not PlaybackState.PLAYING


@pytest.mark.qt_log_ignore(GRAB)
def test_f10_opens_the_first_menu(kb_harness: Harness) -> None:
    h = kb_harness
    w = h.window
    _keyboard(h)
    _focus(h, w.play_button)
    opened: list[QMenu] = []
    first = w.menuBar().actions()[0].menu()
    assert isinstance(first, QMenu)
    first.aboutToShow.connect(lambda: opened.append(first))
    _close_popups_soon()
    h.qtbot.keyClick(w.play_button, Key.Key_F10)
    h.qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert ("Open the Menus", "F10") in w.menu_actions.shortcut_rows()


@pytest.mark.parametrize("which", ["library", "bookmarks"])
def test_esc_closes_a_dock_and_returns_focus(kb_harness: Harness, which: str) -> None:
    h = kb_harness
    w = h.window
    _keyboard(h)
    _focus(h, w.mute_button)
    getattr(w.docks, f"show_{which}")(True)
    dock = getattr(w.docks, f"{which}_dock")
    h.qtbot.waitUntil(lambda: dock.isAncestorOf(QApplication.focusWidget()), timeout=5000)
    inside = QApplication.focusWidget()
    h.qtbot.keyClick(inside, Key.Key_Escape)
    assert not dock.isVisible()
    h.qtbot.waitUntil(lambda: QApplication.focusWidget() is w.mute_button, timeout=5000)
    action = getattr(w.menu_actions, f"act_{which}")
    assert not action.isChecked()


def test_a_dock_closed_by_its_menu_entry_returns_focus(kb_harness: Harness) -> None:
    h = kb_harness
    w = h.window
    _keyboard(h)
    _focus(h, w.transport.stop_button)
    w.docks.show_library(True)
    dock = w.docks.library_dock
    assert dock is not None
    h.qtbot.waitUntil(lambda: dock.isAncestorOf(QApplication.focusWidget()), timeout=5000)
    h.qtbot.keyClick(QApplication.focusWidget(), Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not dock.isVisible()
    h.qtbot.waitUntil(lambda: QApplication.focusWidget() is w.transport.stop_button, timeout=5000)


def test_docks_float_from_the_keyboard(kb_harness: Harness) -> None:
    h = kb_harness
    w = h.window
    w.docks.show_bookmarks(True)
    dock = w.docks.bookmarks_dock
    assert dock is not None and not dock.isFloating()
    w.menu_actions.act_float_bookmarks.trigger()
    assert dock.isFloating() and dock.isVisible()
    w.menu_actions.act_float_bookmarks.trigger()
    assert not dock.isFloating()


def test_splitter_from_the_keyboard(kb_harness: Harness) -> None:
    h = kb_harness
    w = h.window
    _keyboard(h)
    _focus(h, w.play_button)
    before = w.splitter.sizes()
    h.qtbot.keyClick(
        w.play_button,
        Key.Key_Left,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    wider = w.splitter.sizes()
    assert wider[1] > before[1] and sum(wider) == sum(before)
    for _ in range(3):
        h.qtbot.keyClick(
            w.play_button,
            Key.Key_Right,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert w.splitter.sizes()[1] < wider[1]


def _global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def _tab_walk(h: Harness, first: QWidget) -> list[QWidget]:
    """Press Tab from ``first`` until the focus comes back (or 80 presses)."""
    _focus(h, first)
    seen = [first]
    for _ in range(80):
        h.qtbot.keyClick(QApplication.focusWidget(), Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is first or now is None:
            break
        seen.append(now)
    return seen


def test_focus_order_follows_the_visual_order(kb_harness: Harness, tmp_path: Path) -> None:
    """Tab from the first control visits every control in reading order: rows from top to
    bottom, and left to right within a row (the info bar first, the search above the list,
    Follow above the list, the transport bar from its left end)."""
    h = kb_harness
    w = h.window
    h.open(_media(tmp_path), play=False)
    w.info_bar.show_message("Resume?", [("Resume at 0:27", lambda: None), ("Start", lambda: None)])
    w.start_search("water")
    w.panel.pause_following()
    h.qtbot.waitUntil(lambda: w.docks.archive is not None, timeout=5000)  # "Search in" on
    _keyboard(h)
    QApplication.processEvents()
    first = w.info_bar.buttons()[0]
    walk = _tab_walk(h, first)
    central = w.centralWidget()
    walked = [x for x in walk if central.isAncestorOf(x)]
    assert len(walked) >= 15
    for a, b in itertools.pairwise(walked):
        ra, rb = _global_rect(a), _global_rect(b)
        same_row = rb.top() < ra.bottom() and ra.top() < rb.bottom()
        label = f"{a.accessibleName() or a.objectName()} -> {b.accessibleName() or b.objectName()}"
        if same_row:
            assert rb.left() > ra.left(), label
        else:
            assert rb.top() >= ra.top(), label
    t = w.transport
    order = [x for x in walk if x.parentWidget() is t]
    assert order == sorted(order, key=lambda x: x.x())
    search = w.search
    assert walk.index(search.scope_box) < walk.index(search.speaker_box)
    assert walk.index(w.panel.follow_button) < walk.index(w.panel.view)
    assert walk.index(w.panel.back_button) < walk.index(w.panel.view)
    assert walk.index(w.info_bar.buttons()[-1]) < walk.index(search.edit)


def test_the_focus_ring_frames_the_focused_control(kb_harness: Harness, tmp_path: Path) -> None:
    h = kb_harness
    w = h.window
    h.open(_media(tmp_path), play=False)
    ring = _keyboard(h).ring
    for widget in (w.play_button, w.panel.view, w.transport.rate_box, w.transport.slider):
        _focus(h, widget)
        assert ring.target is widget
        assert ring.isVisible()
        frame = QRect(ring.mapToGlobal(QPoint(0, 0)), ring.size())
        assert frame.contains(_global_rect(widget))
    w.menu_actions.act_library.trigger()
    assert w.docks.library_dock is not None
    h.qtbot.waitUntil(lambda: ring.target is QApplication.focusWidget(), timeout=5000)


def test_tab_leaves_the_library_table(kb_harness: Harness) -> None:
    """No trap (WCAG 2.1.2): Tab moves out of the library's table (arrows move inside)."""
    h = kb_harness
    w = h.window
    _keyboard(h)
    w.docks.show_library(True)
    library = w.docks.library
    assert library is not None
    _focus(h, library.table)
    h.qtbot.keyClick(library.table, Key.Key_Tab)
    assert QApplication.focusWidget() is not library.table
    h.qtbot.keyClick(QApplication.focusWidget(), Key.Key_Backtab)
    assert QApplication.focusWidget() is library.table


def test_the_captions_button_is_the_view_menu_switch(kb_harness: Harness) -> None:
    """The transport bar's Captions button (beside the volume) and View ▸ Captions and C are
    one switch."""
    h = kb_harness
    w = h.window
    button = w.transport.captions_button
    action = w.menu_actions.act_captions
    assert button.isCheckable() and button.accessibleName() == "Captions"
    assert button.x() < w.mute_button.x()  # beside the volume
    assert not button.isChecked() and not action.isChecked()
    _keyboard(h)
    _focus(h, button)
    h.qtbot.keyClick(button, Key.Key_Space)
    assert button.isChecked() and action.isChecked() and h.settings.get(S.CAPTIONS)
    _focus(h, w.panel.view)
    h.qtbot.keyClick(w.panel.view, Key.Key_C)  # the single key
    assert not button.isChecked() and not action.isChecked() and not h.settings.get(S.CAPTIONS)
    action.trigger()
    assert button.isChecked()


def test_dialogs_get_the_focus_ring_too(kb_harness: Harness) -> None:
    """Focus visible in every window: the Preferences dialog frames its focused control."""
    h = kb_harness
    w = h.window
    keyboard = _keyboard(h)
    w.dialogs.show_preferences()
    dialog = w.dialogs.preferences_dialog
    h.qtbot.waitUntil(lambda: dialog.isAncestorOf(QApplication.focusWidget()), timeout=5000)
    field = dialog.line_spacing
    _focus(h, field)
    ring = keyboard._rings.get(dialog)
    assert ring is not None and ring.target is field and ring.isVisible()
    assert not keyboard.ring.isVisible()  # the main window's ring is not shown meanwhile
    h.qtbot.keyClick(field, Key.Key_Tab)
    assert ring.target is QApplication.focusWidget()
    dialog.reject()
    w.activateWindow()  # no window manager under test: activate it again by hand
    h.qtbot.waitUntil(w.isActiveWindow, timeout=5000)
    _focus(h, w.play_button)
    assert keyboard.ring.target is w.play_button and keyboard.ring.isVisible()


def test_preferences_tab_through_without_a_trap(kb_harness: Harness) -> None:
    """Tab goes through every control of the Preferences dialog top to bottom and comes back
    to the first (the colour buttons trapped it: a focus proxy on their row)."""
    h = kb_harness
    w = h.window
    w.dialogs.show_preferences()
    dialog = w.dialogs.preferences_dialog
    dialog.activateWindow()
    h.qtbot.waitUntil(lambda: dialog.isAncestorOf(QApplication.focusWidget()), timeout=5000)
    first = dialog.skip_back
    walk = _tab_walk(h, first)
    assert QApplication.focusWidget() is first  # came back: no trap
    for control in (dialog.text_color_button, dialog.reset_colors, dialog.single_keys):
        assert walk.count(control) == 1
    ys = [x.mapTo(dialog, QPoint(0, 0)).y() for x in walk]
    assert all(b >= a - 2 for a, b in itertools.pairwise(ys))  # top to bottom
    dialog.reject()


def test_tab_goes_through_the_docks_and_comes_back(kb_harness: Harness, tmp_path: Path) -> None:
    """No trap (WCAG 2.1.2): with both docks open, Tab from Play visits the library and the
    bookmarks and returns to Play; Shift+Tab goes the same way back."""
    h = kb_harness
    w = h.window
    h.open(_media(tmp_path), play=False)
    _keyboard(h)
    w.docks.show_library(True)
    w.docks.add_bookmark()
    w.docks.show_bookmarks(True)
    library, bookmarks = w.docks.library, w.docks.bookmarks
    assert library is not None and bookmarks is not None
    walk = _tab_walk(h, w.play_button)
    assert QApplication.focusWidget() is w.play_button
    assert library.filter in walk and library.table in walk and bookmarks.list in walk
    back: list[QWidget] = []
    for _ in range(len(walk)):
        h.qtbot.keyClick(QApplication.focusWidget(), Key.Key_Backtab)
        back.append(QApplication.focusWidget())
    assert back[-1] is w.play_button
    assert back[:-1] == list(reversed(walk[1:]))
