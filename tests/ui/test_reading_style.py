"""Reading style (W3C MAUR T-3, CC-9..11): transcript and caption font, size, line spacing and
colours chosen by the user, with a WCAG contrast check; high contrast overrides the colours."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontDatabase, QPalette

from player.ui import settings as S
from tests.ui.conftest import Harness, make_harness


def _harness_with_settings(qtbot: object, tmp_path: Path, ini: str) -> Harness:
    """A window started over a settings file with this text (the user edited it by hand)."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.ini").write_text(ini, encoding="utf-8")
    return make_harness(qtbot, config)  # type: ignore[arg-type]


def _row_height(harness: Harness) -> int:
    view = harness.window.panel.view
    return int(view.sizeHintForRow(0))


def test_preferences_set_font_spacing_and_colours(harness: Harness, sample_audio: Path) -> None:
    harness.open(sample_audio, play=False)
    w = harness.window
    single = _row_height(harness)
    family = QFontDatabase.families()[0]
    w.dialogs.show_preferences()
    dialog = w.dialogs.preferences_dialog
    dialog.font_family.setCurrentIndex(dialog.font_family.findData(family))
    dialog.line_spacing.setValue(200)
    dialog.set_colors("#1a1a1a", "#fdf6e3")
    assert dialog.contrast.text().startswith("Contrast 16.")
    dialog.accept()
    assert harness.settings.get(S.TRANSCRIPT_FONT_FAMILY) == family
    assert harness.settings.get(S.TRANSCRIPT_LINE_SPACING) == 200
    assert w.panel.view.font().family() == family
    assert w.panel.delegate.line_spacing == 2.0
    assert _row_height(harness) > single  # the first cue has three lines: more room now
    role = QPalette.ColorRole
    for widget in (w.panel.view, w.audio_view):
        assert widget.palette().color(role.Text).name() == "#1a1a1a"
        assert widget.palette().color(role.Base).name() == "#fdf6e3"
    assert w.audio_view.cue_text.font().family() == family


def test_low_contrast_is_flagged(harness: Harness) -> None:
    w = harness.window
    w.dialogs.show_preferences()
    dialog = w.dialogs.preferences_dialog
    dialog.set_colors("#777777", "#888888")
    assert dialog.contrast.text().startswith("⚠ Contrast 1.")
    assert "4.5:1" in dialog.contrast.text()
    dialog.reject()
    assert harness.settings.get(S.TRANSCRIPT_TEXT_COLOR) == ""  # cancelled: nothing saved
    w.dialogs.show_preferences()
    dialog = w.dialogs.preferences_dialog
    dialog.set_colors("#101010", "#f0f0f0")
    dialog.use_theme_colors()
    assert "(theme)" in dialog.text_color_button.text()


def test_high_contrast_wins_over_chosen_colours(harness: Harness) -> None:
    w = harness.window
    harness.settings.set(S.TRANSCRIPT_TEXT_COLOR, "#333333")
    harness.settings.set(S.TRANSCRIPT_BACKGROUND, "#eeeeee")
    w.reading_style.apply()
    role = QPalette.ColorRole
    assert w.panel.view.palette().color(role.Base).name() == "#eeeeee"
    w.reading_style.set_high_contrast(True)
    assert w.panel.view.palette().color(role.Base).name() == "#000000"
    assert w.panel.view.palette().color(role.Text).name() == "#ffffff"
    w.reading_style.set_high_contrast(False)
    assert w.panel.view.palette().color(role.Base).name() == "#eeeeee"


def test_style_is_restored_and_bad_values_are_ignored(qtbot: object, tmp_path: Path) -> None:
    h = _harness_with_settings(
        qtbot,
        tmp_path,
        "[transcript]\nline_spacing_pct=150\ntext_color=#abc\nbackground=#102030\n"
        "font_family=No Such Font Family\n",
    )
    try:
        w = h.window
        assert w.panel.delegate.line_spacing == 1.5
        role = QPalette.ColorRole
        # "#abc" is not #rrggbb: the theme's text colour is kept; the background is used.
        assert w.panel.view.palette().color(role.Base).name() == "#102030"
        assert w.panel.view.palette().color(role.Text).name() != "#aabbcc"
        w.dialogs.show_preferences()
        assert w.dialogs.preferences_dialog.font_family.currentData() == ""  # unknown: "Default"
        w.dialogs.preferences_dialog.reject()
    finally:
        h.window.close()


def test_out_of_range_numbers_in_the_settings_file_are_clamped(
    qtbot: object, tmp_path: Path
) -> None:
    h = _harness_with_settings(
        qtbot,
        tmp_path,
        "[transcript]\nline_spacing_pct=99999999999999999999\nfont_pt=99999999999999999999\n"
        "[playback]\nvolume=-5\n",
    )
    try:
        assert h.settings.get(S.TRANSCRIPT_LINE_SPACING) == 250
        assert h.settings.get(S.TRANSCRIPT_FONT_PT) == 96
        assert h.settings.get(S.VOLUME) == 0
        h.window.dialogs.show_preferences()  # no OverflowError from the spin boxes
        assert h.window.dialogs.preferences_dialog.line_spacing.value() == 250
        h.window.dialogs.preferences_dialog.reject()
    finally:
        h.window.close()
