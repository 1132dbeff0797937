"""Search in the window: as-you-type results, N of M, stepping with wrap, ticks on the timeline,
speaker filter, follow-mode interplay, and hostile patterns that must not freeze the window."""

from __future__ import annotations

import itertools
import shutil
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from player.core.formats.load import load_transcript
from player.core.text.search import SearchIndex, SearchOptions
from player.ui.models import Role
from player.ui.search_results import SearchOutcome
from tests.ui.conftest import Harness


def _search(h: Harness, text: str) -> None:
    h.window.start_search()
    h.window.search.edit.setText(text)
    h.window.search.run_now()  # what the debounce timer does 150 ms after the last key
    h.qtbot.waitUntil(lambda: h.window.search.status.text() not in ("", "Searching…"), timeout=5000)


def test_ctrl_f_types_and_finds_with_accents_folded(harness: Harness, sample_audio: Path) -> None:
    w = harness.window
    harness.open(sample_audio, play=False)
    w.panel.view.setFocus()
    harness.qtbot.keyClick(w.panel.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert w.search.isVisible()
    assert w.search.edit.hasFocus()
    harness.qtbot.keyClicks(w.search.edit, "bogota")
    harness.qtbot.waitUntil(lambda: w.search.status.text() not in ("", "Searching…"), timeout=5000)
    outcome = w.search.outcome
    assert outcome is not None and len(outcome.result) == 1
    hit = outcome.result.hit(0)
    cue = w.transcript.cues[hit.cue_index]  # type: ignore[union-attr]
    assert cue.text[hit.start : hit.end] == "Bogotá"
    assert w.search.status.text() == "1 hit"
    # The match is highlighted in the transcript and ticked on the timeline.
    assert w.model.data(w.model.index(hit.cue_index), Role.MATCHES) == [(hit.start, hit.end)]
    assert w.transport.marks == [cue.start_ms]


def test_enter_goes_to_hit_with_lead_in_and_pauses_following(
    harness: Harness, sample_audio: Path
) -> None:
    w = harness.window
    harness.open(sample_audio, play=False)
    _search(harness, "water")
    outcome = w.search.outcome
    assert outcome is not None and len(outcome.result) >= 2
    harness.qtbot.keyClick(w.search.edit, Qt.Key.Key_Return)
    QApplication.processEvents()
    first = outcome.result.hit(0)
    cue = w.transcript.cues[first.cue_index]  # type: ignore[union-attr]
    assert harness.controller.position_ms() == max(0, cue.start_ms - 1000)
    assert harness.controller.is_playing()
    assert w.search.status.text().startswith(f"1 of {len(outcome.result)}")
    assert w.model.data(w.model.index(first.cue_index), Role.ACTIVE_MATCH) == (
        first.start,
        first.end,
    )
    assert not w.panel.is_following()
    # F3 steps forward, Shift+F3 back; past the last hit wraps with a notice.
    harness.qtbot.keyClick(w, Qt.Key.Key_F3)
    assert w.search.current_hit == 1
    harness.qtbot.keyClick(w, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert w.search.current_hit == 0
    harness.qtbot.keyClick(w, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert w.search.current_hit == len(outcome.result) - 1
    assert "wrapped to the last hit" in w.search.status.text()
    harness.qtbot.keyClick(w, Qt.Key.Key_F3)
    assert w.search.current_hit == 0
    assert "wrapped to the first hit" in w.search.status.text()


def test_escape_closes_clears_marks_and_follows_again(harness: Harness, sample_audio: Path) -> None:
    w = harness.window
    harness.open(sample_audio, play=False)
    _search(harness, "the")
    assert w.transport.marks
    assert not w.panel.is_following()  # the search box has focus
    w.search.next_hit()
    harness.qtbot.keyClick(w.search.edit, Qt.Key.Key_Escape)
    assert not w.search.isVisible()
    assert w.transport.marks == []
    assert all(not w.model.data(w.model.index(r), Role.MATCHES) for r in range(w.model.rowCount()))
    assert w.panel.is_following()


def test_phrase_across_line_break_and_options(harness: Harness, sample_audio: Path) -> None:
    w = harness.window
    harness.open(sample_audio, play=False)
    _search(harness, '"welcome to the weekly briefing"')
    outcome = w.search.outcome
    assert outcome is not None and len(outcome.result) == 1
    hit = outcome.result.hit(0)
    assert "\n" in w.transcript.cues[hit.cue_index].text[hit.start : hit.end]  # type: ignore[union-attr]
    # Match case: "ministry" (lower case) is not in the sample, "Ministry" is.
    w.search.case_box.setChecked(True)
    _search(harness, "ministry")
    assert w.search.status.text() == "No matches"
    w.search.case_box.setChecked(False)
    w.search.word_box.setChecked(True)
    _search(harness, "wat")
    assert w.search.status.text() == "No matches"


def test_invalid_regex_says_so_inline(harness: Harness, sample_audio: Path) -> None:
    w = harness.window
    harness.open(sample_audio, play=False)
    w.search.regex_box.setChecked(True)
    _search(harness, "(water")
    assert "regular expression" in w.search.status.text().lower()
    assert w.search.outcome is None
    _search(harness, r"wat\w+")
    assert w.search.outcome is not None and len(w.search.outcome.result) >= 2


def test_catastrophic_regex_does_not_freeze(
    harness: Harness, tmp_path: Path, sample_audio: Path
) -> None:
    media = tmp_path / "a.opus"
    shutil.copy(sample_audio, media)
    lines = ["WEBVTT", ""]
    for i in range(200):
        lines += [f"00:00:{i // 10:02d}.{(i % 10) * 100:03d} --> 00:00:59.000", "a" * 40 + "!", ""]
    (tmp_path / "a.vtt").write_text("\n".join(lines), encoding="utf-8")
    w = harness.window
    harness.open(media, play=False)
    w.search.regex_box.setChecked(True)
    w.start_search()
    w.search.edit.setText("(a|a)+$")
    ticks: list[float] = []  # when a 10 ms timer ran: the event loop was free then
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    started = time.monotonic()
    w.search.run_now()
    harness.qtbot.waitUntil(lambda: w.search.status.text() != "Searching…", timeout=10000)
    timer.stop()
    assert time.monotonic() - started < 5
    gaps = [b - a for a, b in itertools.pairwise([started, *ticks])]
    # The event loop kept running while the pattern was tried (on the GUI thread it would stop
    # for the whole regex deadline, 0.75 s); generous for a loaded two-core machine.
    assert max(gaps) < 0.5


def test_speaker_filter_and_speaker_only_view(harness: Harness, sample_audio: Path) -> None:
    w = harness.window
    harness.open(sample_audio, play=False)
    cues = load_transcript(sample_audio.with_suffix(".vtt")).cues
    speakers = [w.search.speaker_box.itemText(i) for i in range(w.search.speaker_box.count())]
    assert speakers == ["All speakers", "Ana Ruiz", "Tomás Ferreira"]
    w.search.speaker_box.setCurrentIndex(2)
    _search(harness, "the")
    outcome = w.search.outcome
    assert outcome is not None and len(outcome.result) > 0
    assert all(cues[h.cue_index].speaker == "Tomás Ferreira" for h in outcome.result.hits)
    w.search.speaker_only.setChecked(True)
    hidden = [r for r in range(len(cues)) if w.panel.view.isRowHidden(r)]
    assert hidden == [i for i, c in enumerate(cues) if c.speaker != "Tomás Ferreira"]
    w.search.speaker_only.setChecked(False)
    assert not any(w.panel.view.isRowHidden(r) for r in range(len(cues)))


def test_clicking_a_timeline_tick_goes_to_that_hit(harness: Harness, sample_audio: Path) -> None:
    w = harness.window
    harness.open(sample_audio, play=False)
    _search(harness, "water")
    outcome = w.search.outcome
    assert outcome is not None
    marks = w.transport.marks
    assert len(marks) >= 2
    x = w.transport.slider._x_for(marks[1])
    from PySide6.QtCore import QPoint

    slider = w.transport.slider
    harness.qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=QPoint(x, slider.height() // 2))
    current = w.search.current_hit
    assert current is not None
    assert w.transcript.cues[outcome.result.hit(current).cue_index].start_ms == marks[1]  # type: ignore[union-attr]


def test_slash_opens_search_only_outside_text_fields(harness: Harness, sample_audio: Path) -> None:
    w = harness.window
    harness.open(sample_audio, play=False)
    w.panel.view.setFocus()
    harness.qtbot.keyClick(w.panel.view, Qt.Key.Key_Slash)
    assert w.search.isVisible() and w.search.edit.hasFocus()
    harness.qtbot.keyClicks(w.search.edit, "a/b")
    assert w.search.edit.text() == "a/b"


def test_search_from_command_line_selects_first_hit(harness: Harness, sample_audio: Path) -> None:
    w = harness.window
    w.open_media(sample_audio, play=False)
    w.start_search("mangrove", go_to_first=True)  # before the transcript has finished loading
    harness.wait_transcript()
    harness.qtbot.waitUntil(lambda: w.search.current_hit == 0, timeout=5000)
    assert w.search.status.text().startswith("1 of 1")


def test_a_stale_search_result_is_dropped(
    harness: Harness, sample_audio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search still running when the user types on is answered late: its result must not
    replace the newer one's (whichever of the two comes back first)."""
    import threading

    from player.ui import search_panel

    w = harness.window
    harness.open(sample_audio, play=False)
    gate = threading.Event()
    real = search_panel.run_search
    asked: list[str] = []

    def slow(index: SearchIndex, query: str, options: SearchOptions) -> SearchOutcome:
        asked.append(query)
        if query == "water":
            gate.wait(5)
        return real(index, query, options)

    monkeypatch.setattr(search_panel, "run_search", slow)
    w.start_search()
    shown: list[str | None] = []
    w.search.outcome_changed.connect(lambda o: shown.append(None if o is None else o.query))
    w.search.edit.setText("water")
    w.search.run_now()  # still running ...
    w.search.edit.setText("mangrove")
    w.search.run_now()  # ... when the user has typed on
    gate.set()
    harness.qtbot.waitUntil(lambda: not w.search.is_searching(), timeout=10000)
    assert sorted(asked) == ["mangrove", "water"]
    assert "water" not in shown
    outcome = w.search.outcome
    assert outcome is not None and outcome.query == "mangrove"
    assert w.search.status.text() == "1 hit"
    cue = w.transcript.cues[outcome.result.hit(0).cue_index]  # type: ignore[union-attr]
    assert w.transport.marks == [cue.start_ms]
