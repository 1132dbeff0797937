"""More window behaviour: word-level highlight, language choice among sidecars, command-line
options, preferences, and the shortcut table."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from player.app.compose import open_from_args
from player.app.options import validate_args
from player.cli.dispatch import window_parser
from player.ui import settings as S
from player.ui.models import Role
from player.ui.transcript_session import LoadPhase
from tests.conftest import SAMPLE_DIR
from tests.ui.conftest import Harness

KARAOKE = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Ana>One <00:00:02.000>two <00:00:03.000>three
"""


def test_word_level_highlight(harness: Harness, tmp_path: Path, sample_audio: Path) -> None:
    media = tmp_path / "k.opus"
    shutil.copy(sample_audio, media)
    (tmp_path / "k.vtt").write_text(KARAOKE, encoding="utf-8")
    harness.open(media)
    m = harness.window.model
    harness.advance(1500 - harness.backend.exact_ms())
    assert m.current_row == 0
    assert m.data(m.index(0), Role.WORD_RANGE) is None  # before the first inline timestamp
    harness.advance(600)
    text = m.cues[0].text
    start, end = m.data(m.index(0), Role.WORD_RANGE)
    assert text[start:end] == "two "
    harness.advance(1000)
    start, end = m.data(m.index(0), Role.WORD_RANGE)
    assert text[start:end] == "three"


SAME_FIRST_WORDS = """WEBVTT

00:00:01.000 --> 00:00:02.000
<00:00:01.000>Agreed.

00:00:02.000 --> 00:00:03.000
<00:00:02.000>Denied.
"""


def test_word_highlight_of_a_new_cue_whose_first_word_has_the_same_range(
    harness: Harness, tmp_path: Path, sample_audio: Path
) -> None:
    """Each cue is one timed word of seven characters, so the spoken range is (0, 7) in both:
    the new row still gets its highlight (the tracker announces the range after each new cue)."""
    media = tmp_path / "w.opus"
    shutil.copy(sample_audio, media)
    (tmp_path / "w.vtt").write_text(SAME_FIRST_WORDS, encoding="utf-8")
    harness.open(media)
    m = harness.window.model
    harness.advance(1200 - harness.backend.exact_ms())
    assert m.current_row == 0 and m.data(m.index(0), Role.WORD_RANGE) == (0, 7)
    harness.advance(1000)
    assert m.current_row == 1
    assert m.data(m.index(1), Role.WORD_RANGE) == (0, 7)


def test_language_choice_among_sidecars(
    harness: Harness, tmp_path: Path, sample_audio: Path
) -> None:
    media = tmp_path / "talk.opus"
    shutil.copy(sample_audio, media)
    shutil.copy(sample_audio.with_suffix(".vtt"), tmp_path / "talk.en.vtt")
    (tmp_path / "talk.es.vtt").write_text(
        "WEBVTT\n\n00:00:00.500 --> 00:00:05.000\n<v Ana Ruiz>Buenos días.\n", encoding="utf-8"
    )
    harness.open(media)
    box = harness.window.status.language_box
    assert box.isVisible()
    assert box.count() == 2
    labels = [box.itemText(i) for i in range(2)]
    assert labels[0].startswith("en") and labels[1].startswith("es")
    box.setCurrentIndex(1)
    box.activated.emit(1)
    harness.wait_transcript()
    assert harness.window.session.path == str(tmp_path / "talk.es.vtt")
    assert harness.window.model.rowCount() == 1


def test_command_line_options_open_at_rate_and_transcript(
    harness: Harness, tmp_path: Path, sample_audio: Path
) -> None:
    other = tmp_path / "other.vtt"
    shutil.copy(sample_audio.with_suffix(".vtt"), other)
    args = window_parser().parse_args(
        [str(sample_audio), "--transcript", str(other), "--at", "1:02.5", "--rate", "1.5"]
    )
    at_ms = validate_args(args)
    assert at_ms == 62500
    open_from_args(harness.window, args, at_ms)
    harness.wait_transcript()
    QApplication.processEvents()
    assert harness.controller.position_ms() == 62500
    assert harness.controller.rate() == 1.5
    assert harness.controller.is_playing()
    assert harness.window.session.path == str(other)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--at", "soon"], "not a time"),
        (["--rate", "4"], "between 0.5 and 2.5"),
        (["--transcript", "/nonexistent/x.vtt"], "no such file"),
    ],
)
def test_bad_command_line_options_say_why(argv: list[str], message: str) -> None:
    args = window_parser().parse_args(argv)
    with pytest.raises(ValueError, match=message):
        validate_args(args)


def test_no_media_opens_the_sample(harness: Harness) -> None:
    args = window_parser().parse_args(["--paused"])
    open_from_args(harness.window, args, None)
    harness.wait_transcript()
    assert harness.controller.media_path is not None
    assert Path(harness.controller.media_path).name == "briefing.mp4"
    assert harness.window.model.rowCount() >= 10
    assert not harness.controller.is_playing()


def test_preferences_change_skip_steps_and_text_size(harness: Harness, sample_audio: Path) -> None:
    harness.open(sample_audio, play=False)
    w = harness.window
    w.dialogs.show_preferences()
    dialog = w.dialogs.preferences_dialog
    assert dialog is not None
    dialog.skip_forward.setValue(30)
    dialog.skip_back.setValue(10)
    dialog.font_size.setValue(20)
    dialog.accept()
    assert harness.settings.get(S.SKIP_FORWARD_MS) == 30000
    assert w.panel.view.font().pointSize() == 20
    harness.controller.seek(40000)
    w.transport.skip_forward()
    assert harness.controller.position_ms() == 70000
    w.transport.skip_back()
    assert harness.controller.position_ms() == 60000


def test_shortcut_table_lists_every_action_key(harness: Harness) -> None:
    rows = dict(harness.window.menu_actions.shortcut_rows())
    assert rows["Play/Pause"] == "Ctrl+Space, Space, K"
    assert rows["Find in Transcript…"] == "Ctrl+F, /"
    assert rows["Back to Now"] == "Ctrl+J, Esc"
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for keys in ("Space, K", "Ctrl+F, /", "Ctrl+J", "Alt+Left", "Ctrl+Shift+C"):
        assert keys in readme


def test_high_contrast_palette_is_remembered(harness: Harness) -> None:
    from PySide6.QtGui import QPalette

    w = harness.window
    w.reading_style.set_high_contrast(True)
    pal = w.panel.view.palette()
    assert pal.color(QPalette.ColorRole.Base).name() == "#000000"
    assert pal.color(QPalette.ColorRole.Text).name() == "#ffffff"
    assert harness.settings.get(S.HIGH_CONTRAST) is True
    w.reading_style.set_high_contrast(False)
    assert w.panel.view.palette().color(QPalette.ColorRole.Base).name() != "#000000"


def test_a_slow_parse_of_the_previous_file_does_not_land_on_the_next(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Open a file with a transcript, then at once one without: the first parse, finishing
    late, must not show its transcript under the second file's name."""
    import threading

    from player.ui import transcript_session

    gate = threading.Event()
    real = transcript_session.load_with_index
    parsed: list[str] = []

    def slow(path: str) -> object:
        gate.wait(5)
        parsed.append(path)
        return real(path)

    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(SAMPLE_DIR / "briefing.opus", first / "a.opus")
    shutil.copy(SAMPLE_DIR / "briefing.vtt", first / "a.vtt")
    second = tmp_path / "second"
    second.mkdir()
    shutil.copy(SAMPLE_DIR / "briefing.opus", second / "b.opus")
    monkeypatch.setattr(transcript_session, "load_with_index", slow)
    session = harness.window.session
    harness.window.open_media(first / "a.opus", play=False)
    harness.window.open_media(second / "b.opus", play=False)
    assert session.is_busy()
    gate.set()
    # Until the late parse has been handed back (and dropped): the session is busy until then.
    harness.qtbot.waitUntil(lambda: not session.is_busy(), timeout=10000)
    assert parsed == [str(first / "a.vtt")]
    assert harness.window.transcript is None
    assert harness.window.model.rowCount() == 0
    assert session.state.phase is LoadPhase.MISSING
    assert session.state.source == str(second / "b.opus")
