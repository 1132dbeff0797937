"""What assistive technology is given, in process: the QAccessible interfaces of the real window
(built as the other window tests build it, over the fake backend).

- every focusable control has a role and a name that contains its visible text (WCAG 2.5.3,
  4.1.2); every label's name contains its text (1.3.1);
- playback does not flood: what changes for assistive technology while only time passes is
  counted over 2 s of playback (4.1.2, the issue's "Orca goes silent");
- status messages reach the announcer, the notification Orca 43 speaks (4.1.3);
- the playing transcript row is exposed as playing without taking the current item from the
  control that has the focus.

The end-to-end proof over AT-SPI, with Orca, is ``test_atspi_e2e.py``.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QSlider,
    QWidget,
)
from pytestqt.qtbot import QtBot

from player.playback.base import PlaybackState
from player.ui import accessible
from player.ui.announce import Announcer, announcer_for
from player.ui.announce import announce as announce_to
from player.ui.timeline_slider import A11Y_VALUE_INTERVAL_MS
from tests.ui.conftest import Harness, make_harness

WAIT_MS = 5000


@pytest.fixture(autouse=True)
def _interfaces_installed() -> None:
    """The window installs its accessible interfaces a moment after its first frame (not to
    build QAccessible's type before it): here, before the window is built."""
    accessible.install()


NO_ROLE = {QAccessible.Role.NoRole, QAccessible.Role.Client}


def _iface(widget: QWidget) -> QAccessibleInterface:
    iface = QAccessible.queryAccessibleInterface(widget)
    assert iface is not None and iface.isValid(), widget
    return iface


def _name(widget: QWidget) -> str:
    return " ".join(_iface(widget).text(QAccessible.Text.Name).split())


def _shown_text(widget: QWidget) -> str:
    """The text a sighted user reads on the widget (mnemonics removed, elision dropped)."""
    if isinstance(widget, QAbstractButton):
        text = widget.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        if widget.isCheckable():  # "Follow: on": the state, exposed as "checked", not named
            text = text.removesuffix(": on").removesuffix(": off")
    elif isinstance(widget, QLabel):
        text = widget.text()
    else:
        return ""
    text = " ".join(text.split()).rstrip("…").strip()
    while text and unicodedata.category(text[0]) in ("So", "Sm"):  # "⤓ Back to now", "⚠ 2 …"
        text = text[1:].lstrip()
    return text


def _speaks(text: str) -> bool:
    """Whether a visible text is a label to find in the name: symbols and one- or two-letter
    icons ("✕", "Aa", "W", ".*", named "Match case"...) are not words a user would say."""
    return sum(c.isalnum() for c in text) > 2


def _visible_widgets(h: Harness) -> list[QWidget]:
    return [w for w in h.window.findChildren(QWidget) if w.isVisible()]


def _open_playing(h: Harness, sample_audio: Path) -> None:
    assert h.open(sample_audio)
    h.qtbot.waitUntil(lambda: h.controller.state() is PlaybackState.PLAYING, timeout=WAIT_MS)
    h.advance(12_000)  # a few lines and the first chapter in
    QApplication.processEvents()


def test_every_control_has_a_role_and_its_visible_text_in_its_name(
    harness: Harness, sample_audio: Path
) -> None:
    h = harness
    _open_playing(h, sample_audio)
    h.window.start_search()
    checked = 0
    for widget in _visible_widgets(h):
        focusable = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        if not focusable and not isinstance(widget, QLabel):
            continue
        iface = _iface(widget)
        assert iface.role() not in NO_ROLE, (widget, iface.role())
        name, shown = _name(widget), _shown_text(widget)
        if isinstance(widget.parent(), QComboBox):
            continue  # an editable combo box's field: the combo box is checked
        if isinstance(widget, QComboBox):
            # Qt names a combo box by its value; screen readers name it by its visible label.
            labels = [
                r.text(QAccessible.Text.Name)
                for r, kind in iface.relations()
                if kind & QAccessible.RelationFlag.Label
            ]
            assert labels and all(labels), (widget.accessibleName(), labels)
            checked += 1
            continue
        if isinstance(widget, QLabel) and not _speaks(shown):
            continue
        if focusable:
            assert name, (widget, widget.parent())
        if _speaks(shown):
            assert shown in name, (type(widget).__name__, shown, name)
        checked += 1
    assert checked > 20  # the transport, the transcript panel, the search bar, the status
    # The ones the issue named.
    t = h.window.transport
    assert _name(t.elapsed) == f"Elapsed {t.elapsed.text()}"
    assert _name(t.remaining) == f"Remaining {t.remaining.text()}"
    assert t.chapter_button.isVisible() and _name(t.chapter_button).startswith("Chapter: ")
    assert _name(h.window.status.label) == h.window.status.label.text() != ""
    slider = _iface(t.slider)
    assert slider.role() == QAccessible.Role.Slider
    # The value in words of time, at most a second behind (the harness's media time ran fast).
    h.qtbot.waitUntil(
        lambda: slider.text(QAccessible.Text.Description) == f"{t.elapsed.text()} of 1:25",
        timeout=WAIT_MS,
    )
    assert QSlider.value(t.slider) == t.slider.value()


def _a11y_state(widgets: list[QWidget]) -> dict[int, tuple[object, ...]]:
    """What sends an accessible event when it changes, per widget: QSlider's own value, the
    explicit name and description, and a label's text when it has no explicit name."""
    state: dict[int, tuple[object, ...]] = {}
    for w in widgets:
        value = QSlider.value(w) if isinstance(w, QSlider) else None
        text = w.text() if isinstance(w, QLabel) and not w.accessibleName() else None
        state[id(w)] = (value, w.accessibleName(), w.accessibleDescription(), text)
    return state


def test_playback_sends_no_storm_of_accessible_events(harness: Harness, sample_audio: Path) -> None:
    h = harness
    slider = h.window.transport.slider
    slider.now_s = lambda: h.wall[0] / 1000  # the throttle counts the harness's wall time
    # ... and only it: the timer that publishes the last position of a pause runs in real
    # time, which on a loaded machine is longer than the harness's 2 s.
    slider._publish_timer.blockSignals(True)
    assert h.open(sample_audio)
    h.qtbot.waitUntil(lambda: h.controller.state() is PlaybackState.PLAYING, timeout=WAIT_MS)
    h.advance(4000)  # the 2 s measured cross the start of the second line (5.0 s)
    h.window.transport.play_button.setFocus()
    widgets = [w for w in h.window.findChildren(QWidget)]
    line_widgets = {id(w) for w in (h.window.media.caption_bar.label,)} | {
        id(w) for w in h.window.media.audio_view.findChildren(QLabel)
    }
    data_changed: list[int] = []
    h.window.model.dataChanged.connect(lambda *_: data_changed.append(1))
    before = _a11y_state(widgets)
    changes = {"slider": 0, "other": 0, "lines": 0}
    start_row = h.window.model.current_row
    for _ in range(200):  # 2 s of playback, 10 ms at a time
        h.advance(10)
        after = _a11y_state(widgets)
        for key, now in after.items():
            if now == before[key]:
                continue
            was = before[key]
            n = sum(a != b for a, b in zip(now, was, strict=True))
            if key == id(slider):
                changes["slider"] += n
            elif key in line_widgets:
                changes["lines"] += n
            else:
                changes["other"] += n
        before = after
    assert h.window.model.current_row != start_row  # the lines moved on meanwhile
    print(f"accessible changes in 2 s of playback: {changes}, dataChanged: {len(data_changed)}")
    # One value (and its words) a second, as the interval says: 200 ticks sent 200 before.
    assert changes["slider"] <= 2 * (2000 // A11Y_VALUE_INTERVAL_MS + 1) < 10
    assert changes["slider"] + changes["other"] + len(data_changed) < 5 * 2


def test_the_users_moves_reach_assistive_technology_at_once(
    harness: Harness, sample_audio: Path
) -> None:
    h = harness
    slider = h.window.transport.slider
    slider.now_s = lambda: h.wall[0] / 1000
    assert h.open(sample_audio, play=False)
    slider.setFocus()
    h.qtbot.keyClick(slider, Qt.Key.Key_Right)
    iface = _iface(slider)
    assert QSlider.value(slider) == slider.value() == 5000  # the value screen readers read
    assert iface.text(QAccessible.Text.Description) == "0:05 of 1:25"
    h.qtbot.waitUntil(lambda: h.controller.position_ms() == 5000, timeout=WAIT_MS)


def test_status_messages_reach_the_notification_screen_readers_speak(
    harness: Harness, sample_audio: Path
) -> None:
    h = harness
    assert h.open(sample_audio, play=False)
    h.window.transport.play_button.setFocus()
    h.controller.set_muted(True)
    QApplication.processEvents()
    announcer = announcer_for(h.window)
    assert h.window.findChildren(Announcer) == [announcer]  # one per window
    assert announcer.history[-1] == "Muted"
    iface = _iface(announcer)
    assert iface.role() == QAccessible.Role.Notification  # what Orca 43 speaks when shown
    assert iface.text(QAccessible.Text.Name) == "Muted" and announcer.isVisible()
    assert not announcer.hasFocus() and h.window.transport.play_button.hasFocus()
    assert _name(h.window.status.label) == "Muted"  # the status line shows and names it
    h.window.info_bar.show_message("Resume at 0:27?", [("Resume", lambda: None)])
    assert announcer.history[-1] == "Resume at 0:27?"
    h.window.start_search()
    h.window.search.edit.setText("water")
    h.window.search.run_now()
    h.qtbot.waitUntil(lambda: "hit" in h.window.search.status.text(), timeout=WAIT_MS)
    assert announcer.history[-1] == h.window.search.status.text()


def test_the_playing_row_is_exposed_without_taking_the_focus(
    harness: Harness, sample_audio: Path
) -> None:
    h = harness
    view = h.window.panel.view
    h.window.transport.play_button.setFocus()
    _open_playing(h, sample_audio)
    h.window.transport.play_button.setFocus()
    h.advance(3000)
    row = h.window.model.current_row
    assert row > 0
    assert view.currentIndex().row() != row  # the current item is what a screen reader
    # reports as focused: it stays where it was while the focus is on Play
    cell = _iface(view).child(row)
    if cell is not None:  # the list's accessible children are its rows
        assert cell.text(QAccessible.Text.Name).startswith("Now playing. ")
        assert not cell.state().focused
    view.setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()
    assert view.currentIndex().row() == h.window.model.current_row  # Tab lands on it


def test_the_library_status_and_the_contrast_line_are_named_by_their_text(
    qtbot: QtBot, tmp_path: Path
) -> None:
    h = make_harness(qtbot, tmp_path / "config", archive_db=tmp_path / "archive.sqlite")
    try:
        h.window.docks.show_library(True)
        h.qtbot.waitUntil(lambda: h.window.docks.library is not None, timeout=WAIT_MS)
        library = h.window.docks.library
        assert library is not None
        h.qtbot.waitUntil(lambda: bool(library.status.text()), timeout=WAIT_MS)
        assert _name(library.status) == " ".join(library.status.text().split())
        h.window.dialogs.show_preferences()
        dialog = h.window.dialogs.preferences_dialog
        assert dialog is not None
        assert dialog.contrast.text() and _name(dialog.contrast) == " ".join(
            dialog.contrast.text().split()
        )
        for box in dialog.findChildren(QComboBox):  # labelled by their form labels
            assert any(
                kind & QAccessible.RelationFlag.Label for _r, kind in _iface(box).relations()
            )
        dialog.reject()
    finally:
        h.window.close()


def test_no_focusable_control_is_hidden_under_another(harness: Harness, sample_audio: Path) -> None:
    """WCAG 2.4.11 focus not obscured: whatever can take the focus is not covered by other
    content (the announcer, a 1-pixel widget at the window's corner, takes no mouse and draws
    nothing; docks, the info bar and the search bar take their own room)."""
    h = harness
    _open_playing(h, sample_audio)
    h.window.start_search()
    h.window.info_bar.show_message("Resume at 0:27?", [("Resume", lambda: None)])
    announce_to(h.window, "Muted")
    QApplication.processEvents()
    checked = 0
    for widget in _visible_widgets(h):
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus or widget.width() < 2:
            continue
        centre = widget.mapTo(h.window, widget.rect().center())
        hit = h.window.childAt(centre)
        assert hit is not None, widget
        on_top = hit is widget or widget.isAncestorOf(hit) or hit.focusProxy() is widget
        assert on_top, (widget.accessibleName() or type(widget).__name__, type(hit).__name__)
        checked += 1
    assert checked > 15


def test_the_interfaces_are_installed_after_the_first_frame(qtbot: QtBot) -> None:
    """Marking a label builds nothing; the factory comes a moment later, by itself."""
    label = QLabel("0:20")
    qtbot.addWidget(label)
    accessible.mark_live_label(label, "Elapsed")
    qtbot.waitUntil(accessible.installed, timeout=WAIT_MS)
    assert _name(label) == "Elapsed 0:20"
    label.setText("0:21")
    assert _name(label) == "Elapsed 0:21"
