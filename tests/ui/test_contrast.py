"""Contrast from the palette in every theme (WCAG 1.4.3 text 4.5:1, 1.4.11 non-text 3:1,
2.4.7/2.4.11 focus visible 3:1): the light system theme, a dark system theme, colours chosen by
the user, our high contrast, and a system high-contrast palette (respected as it is)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from player.core.contrast import contrast_ratio
from player.ui import settings as S
from player.ui import style
from player.ui.cue_delegate import MARK, MARK_ACTIVE, MARK_TEXT, row_colors
from player.ui.focus_ring import focus_color
from tests.conftest import SAMPLE_DIR
from tests.ui.conftest import Harness, make_harness

Role = QPalette.ColorRole
TEXT, NON_TEXT = 4.5, 3.0
THEMES = ["light", "dark", "custom", "high-contrast", "system-high-contrast"]


def _palette(colors: dict[QPalette.ColorRole, str]) -> QPalette:
    palette = QPalette(QGuiApplication.palette())
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role, color in colors.items():
            palette.setColor(group, role, QColor(color))
    return palette


DARK = {  # a dark desktop theme (Fusion's dark colours), with its own low-contrast selection
    Role.Window: "#353535",
    Role.WindowText: "#ffffff",
    Role.Base: "#2a2a2a",
    Role.AlternateBase: "#424242",
    Role.Text: "#ffffff",
    Role.Button: "#353535",
    Role.ButtonText: "#ffffff",
    Role.Highlight: "#4aa3f0",
    Role.HighlightedText: "#ffffff",
    Role.PlaceholderText: "#6f6f6f",
}
SYSTEM_HC = {  # a system high-contrast theme: its colours are kept
    Role.Window: "#000000",
    Role.WindowText: "#ffff00",
    Role.Base: "#000000",
    Role.AlternateBase: "#202020",
    Role.Text: "#ffff00",
    Role.Button: "#000000",
    Role.ButtonText: "#ffff00",
    Role.Highlight: "#00ffff",
    Role.HighlightedText: "#000000",
    Role.PlaceholderText: "#c0c0c0",
}


@pytest.fixture(params=THEMES)
def themed(
    request: pytest.FixtureRequest, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Harness]]:
    theme: str = request.param
    system = style.system_palette()
    if theme == "dark":
        system = _palette(DARK)
    elif theme == "system-high-contrast":
        system = _palette(SYSTEM_HC)
    monkeypatch.setattr(style, "_system", [system])
    config = tmp_path / "config"
    config.mkdir()
    settings = S.Settings(config / "settings.ini")
    if theme == "custom":
        settings.set(S.TRANSCRIPT_TEXT_COLOR, "#222244")
        settings.set(S.TRANSCRIPT_BACKGROUND, "#fdf6e3")
    if theme.endswith("high-contrast"):
        settings.set(S.HIGH_CONTRAST, True)
    settings.sync()
    h = make_harness(qtbot, config)
    yield theme, h
    h.window.close()
    assert QGuiApplication.palette() == system  # the system's palette is given back


def _ratio(palette: QPalette, fg: QPalette.ColorRole, bg: QPalette.ColorRole) -> float:
    return contrast_ratio(palette.color(fg).name(), palette.color(bg).name())


def test_text_in_the_whole_window_reaches_4_5(themed: tuple[str, Harness]) -> None:
    """Every text role of the application's palette (menus, transport, status bar, docks,
    dialogs use it) on its background, the selection included."""
    theme, h = themed
    app = QGuiApplication.palette()
    for fg, bg in (
        (Role.WindowText, Role.Window),
        (Role.Text, Role.Base),
        (Role.ButtonText, Role.Button),
        (Role.HighlightedText, Role.Highlight),
        (Role.PlaceholderText, Role.Base),
        (Role.ToolTipText, Role.ToolTipBase),
    ):
        assert _ratio(app, fg, bg) >= TEXT, (theme, fg, bg, _ratio(app, fg, bg))
    menu = h.window.menuBar().palette()
    assert menu.color(Role.Window) == app.color(Role.Window)  # the menus follow the theme


def test_transcript_rows_reach_aa(themed: tuple[str, Harness]) -> None:
    """Text, timestamps and hit marks 4.5:1 on every row background (plain, playing,
    selected); the playing bar, the selection frame and the focused row's frame 3:1."""
    theme, h = themed
    colors = row_colors(h.window.panel.view.palette())
    rows = (colors.base, colors.band, colors.selected)
    for bg in rows:
        assert contrast_ratio(colors.text, bg) >= TEXT, (theme, "text", bg)
        assert contrast_ratio(colors.time, bg) >= TEXT, (theme, "time", bg)
        assert contrast_ratio(colors.focus, bg) >= NON_TEXT, (theme, "focus", bg)
    for bg in (colors.base, colors.band):
        assert contrast_ratio(colors.bar, bg) >= NON_TEXT, (theme, "bar", bg)
    for bg in (colors.base, colors.selected):
        assert contrast_ratio(colors.outline, bg) >= NON_TEXT, (theme, "outline", bg)
    for mark in (MARK, MARK_ACTIVE):
        assert contrast_ratio(MARK_TEXT, mark) >= TEXT
    # The playing row and a selected row never look alike: different backgrounds, and the
    # playing one has its bar (a selected one a frame).
    band, selected = QColor(colors.band), QColor(colors.selected)
    distance = sum(
        abs(a - b)
        for a, b in zip(band.getRgb()[:3], selected.getRgb()[:3], strict=True)  # type: ignore[index]
    )
    assert distance >= 30, (theme, colors.band, colors.selected)


def test_the_focus_ring_reaches_3_to_1(themed: tuple[str, Harness]) -> None:
    theme, _ = themed
    app = QGuiApplication.palette()
    ring = focus_color(app)
    for bg in (Role.Window, Role.Base, Role.Button):
        assert contrast_ratio(ring, app.color(bg).name()) >= NON_TEXT, (theme, bg)


def test_high_contrast_respects_the_system(themed: tuple[str, Harness]) -> None:
    theme, _ = themed
    app = QGuiApplication.palette()
    if theme == "high-contrast":
        assert app.color(Role.Window).name() == "#000000"
        assert app.color(Role.ButtonText).name() == "#ffffff"
        assert app.color(Role.Highlight).name() == "#ffe600"
        assert QApplication.instance().styleSheet()  # type: ignore[union-attr]
    elif theme == "system-high-contrast":
        assert app.color(Role.WindowText).name() == "#ffff00"  # the system's own colours
        assert app.color(Role.Highlight).name() == "#00ffff"
        assert not QApplication.instance().styleSheet()  # type: ignore[union-attr]
    else:
        assert not QApplication.instance().styleSheet()  # type: ignore[union-attr]


def test_the_focus_ring_is_painted_3_to_1_against_the_unfocused_look(
    themed: tuple[str, Harness],
) -> None:
    """On screen: the pixels of the ring around the focused Play button, against the same
    pixels with the focus elsewhere."""
    theme, h = themed
    w = h.window
    w.activateWindow()
    h.qtbot.waitUntil(w.isActiveWindow, timeout=5000)
    ring = w.menu_actions.keyboard().ring
    button = w.play_button
    spot = button.mapTo(w, QPoint(-2, button.height() // 2))  # on the ring, left of the button
    w.panel.view.setFocus()
    h.qtbot.waitUntil(lambda: ring.target is w.panel.view, timeout=5000)
    before = w.grab().toImage().pixelColor(spot).name()
    button.setFocus(Qt.FocusReason.TabFocusReason)
    h.qtbot.waitUntil(lambda: ring.target is button and ring.isVisible(), timeout=5000)
    after = w.grab().toImage().pixelColor(spot).name()
    assert contrast_ratio(before, after) >= NON_TEXT, (theme, before, after)


def test_the_focused_transcript_list_shows_its_current_row(harness: Harness) -> None:
    """Tabbing into the list changes its pixels: the ring around it and a dashed frame on
    its current row."""
    h = harness
    w = h.window
    h.open(SAMPLE_DIR / "briefing.opus", play=False)
    w.activateWindow()
    h.qtbot.waitUntil(w.isActiveWindow, timeout=5000)
    w.menu_actions.keyboard()
    view = w.panel.view
    selection = view.selectionModel()
    selection.setCurrentIndex(w.model.index(2, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
    w.play_button.setFocus()
    h.qtbot.waitUntil(lambda: QApplication.focusWidget() is w.play_button, timeout=5000)
    rect = view.visualRect(w.model.index(2, 0))
    unfocused = view.viewport().grab(rect).toImage()
    view.setFocus(Qt.FocusReason.TabFocusReason)
    h.qtbot.waitUntil(view.hasFocus, timeout=5000)
    focused = view.viewport().grab(rect).toImage()
    changed = sum(
        1
        for x in range(rect.width())
        for y in (1, 2)
        if unfocused.pixelColor(x, y) != focused.pixelColor(x, y)
    )
    assert changed > rect.width() // 3  # the frame's dashes along the top edge


def test_slider_tracks_reach_3_to_1(themed: tuple[str, Harness]) -> None:
    """The seek bar's and the volume's groove edge against the window (WCAG 1.4.11): from
    the palette, and on screen (the darkest pixel across the volume's groove)."""
    theme, h = themed
    app = QGuiApplication.palette()
    window = app.color(Role.Window).name()
    if theme != "high-contrast":  # our high contrast draws white edges (its style sheet)
        edge = style.slider_palette(app).color(Role.Window).darker(140).name()
        assert contrast_ratio(edge, window) >= NON_TEXT, theme
    volume = h.window.transport.volume
    volume.setValue(0)  # the groove is not filled: its edge is what shows the track
    image = volume.grab().toImage()
    x = image.width() * 3 // 4
    column = [image.pixelColor(x, y).name() for y in range(image.height())]
    best = max(contrast_ratio(c, window) for c in column)
    assert best >= NON_TEXT, (theme, column)


def test_message_strips_follow_high_contrast(harness: Harness) -> None:
    """The info bar and the strips like it (marked ``alternate_background``) take the alternate
    base of the palette in force, also when high contrast is switched after they were made."""
    from PySide6.QtWidgets import QFrame

    w = harness.window
    strip = QFrame(w.centralWidget())
    strip.setProperty("alternate_background", True)
    w.reading_style.set_high_contrast(True)
    try:
        for bar in (w.info_bar, strip):
            assert bar.palette().color(Role.Window).name() == "#4a4400"
            assert contrast_ratio(bar.palette().color(Role.WindowText).name(), "#4a4400") >= TEXT
    finally:
        w.reading_style.set_high_contrast(False)
    assert w.info_bar.palette().color(Role.Window) == QGuiApplication.palette().color(
        Role.AlternateBase
    )
