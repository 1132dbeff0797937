"""What keeps the window responsive on long transcripts (see benchmarks/bench_gui_stalls.py).

Behaviour, not timings: the hit list is paged, highlights are looked up lazily but match the
eager answer, thousands of timeline ticks collapse to distinct pixels and stay clickable, a
height-only resize does not re-measure every row, and following pausing does not widen the
panel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from player.core.model import Cue, Transcript
from player.core.text.search import SearchIndex, SearchOptions
from player.ui.search_results import HitMatches, SearchResultsModel, run_search
from player.ui.widgets import TimelineSlider
from tests.ui.conftest import Harness


def _cues(n: int) -> tuple[Cue, ...]:
    words = ("the budget", "security council", "the minister said the", "water")
    return tuple(Cue(None, i * 1000, i * 1000 + 900, f"{words[i % 4]} line {i}") for i in range(n))


def test_lazy_matches_equal_the_eager_per_row_ranges() -> None:
    index = SearchIndex(_cues(3000))
    outcome = run_search(index, "the", SearchOptions())
    eager: dict[int, list[tuple[int, int]]] = {}
    for hit in outcome.result.hits:
        eager.setdefault(hit.cue_index, []).append((hit.start, hit.end))
    matches = outcome.matches
    assert isinstance(matches, HitMatches)
    assert list(matches) == sorted(eager)
    assert len(matches) == len(eager)
    for row in (0, 2, 1498, 2998):
        assert matches[row] == eager[row]
        assert row in matches
    assert 1 not in matches and matches.get(1, []) == []
    assert outcome.tick_ms == [index.cues[i].start_ms for i in sorted(eager)]


def test_results_model_pages_rows_and_loads_on_demand(qapp: QApplication) -> None:
    cues = _cues(3000)
    result = SearchIndex(cues).search("line", SearchOptions())
    assert len(result) == 3000
    model = SearchResultsModel()
    model.set_result(cues, result)
    assert model.rowCount() == SearchResultsModel.PAGE
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * SearchResultsModel.PAGE
    model.ensure_row(2999)
    assert model.rowCount() == 3000
    assert not model.canFetchMore()
    assert model.data(model.index(2999), Qt.ItemDataRole.DisplayRole).endswith("line 2999")
    model.set_result(cues, SearchIndex(cues).search("zzz", SearchOptions()))
    assert model.rowCount() == 0 and not model.canFetchMore()


def test_stepping_past_the_loaded_hits_selects_the_hit(harness: Harness, tmp_path: Path) -> None:
    w = harness.window
    cues = _cues(2000)
    w.session.set_transcript(Transcript(cues=cues), str(tmp_path / "long.vtt"))
    w.start_search()
    w.search.edit.setText("line")
    w.search.run_now()
    harness.qtbot.waitUntil(lambda: w.search.outcome is not None, timeout=5000)
    assert w.search.results_model.rowCount() < 2000
    w.search.previous_hit()  # wraps to the last hit, beyond the first page
    assert w.search.current_hit == 1999
    assert w.search.results.currentIndex().row() == 1999
    assert w.search.status.text() == "2,000 of 2,000"


def test_many_ticks_collapse_to_pixels_and_stay_clickable(qapp: QApplication) -> None:
    slider = TimelineSlider()
    slider.resize(400, 30)
    slider.setRange(0, 10_000_000)
    marks = list(range(0, 10_000_000, 200))  # 50,000 ticks
    slider.set_marks(marks)
    xs = slider._mark_xs()
    assert len(xs) <= slider.width()
    assert [x for x, _ in xs] == sorted({x for x, _ in xs})
    assert xs[0] == (slider._x_for(0), 0)
    # Every mark is drawn at the pixel of the first mark it shares that pixel with.
    for x, i in xs[:: max(1, len(xs) // 20)]:
        assert slider._x_for(marks[i]) == x
        assert slider.mark_near(x) == i
    slider.grab()  # paints without trouble
    slider.set_marks([])
    assert slider._mark_xs() == []


def test_height_only_resize_keeps_measured_rows(harness: Harness, tmp_path: Path) -> None:
    w = harness.window
    w.session.set_transcript(Transcript(cues=_cues(500)), str(tmp_path / "t.vtt"))
    # The debounced relayout after the first show.
    harness.qtbot.waitUntil(lambda: not w.panel.relayout_pending(), timeout=3000)
    delegate = w.panel.delegate
    cleared: list[int] = []
    original = delegate.clear_cache

    def spy() -> None:
        cleared.append(w.panel.view.viewport().width())
        original()

    delegate.clear_cache = spy  # type: ignore[method-assign]
    viewport = w.panel.view.viewport()
    height, width = viewport.height(), viewport.width()
    w.resize(w.width(), w.height() - 120)  # e.g. a bar opening above the list
    harness.qtbot.waitUntil(lambda: viewport.height() < height, timeout=3000)
    assert viewport.width() == width
    assert not w.panel.relayout_pending()
    assert cleared == [], "a height-only change must not re-measure every row"
    # A width change does re-measure (row heights depend on the width).
    w.resize(w.width() + 160, w.height())
    harness.qtbot.waitUntil(lambda: viewport.width() != width and bool(cleared), timeout=3000)
    assert cleared[-1] == viewport.width()


def test_pausing_follow_does_not_widen_the_panel(harness: Harness, tmp_path: Path) -> None:
    w = harness.window
    long_name = str(tmp_path / ("a-long-title-" * 8 + ".vtt"))
    w.session.set_transcript(Transcript(cues=_cues(200)), long_name)
    QApplication.processEvents()
    before = w.panel.width()
    w.panel.pause_following()
    QApplication.processEvents()
    assert w.panel.back_button.isVisible()
    assert w.panel.status.text() == "Following paused"
    assert w.panel.width() == before


def test_a_long_transcript_comes_with_its_search_index(tmp_path: Path) -> None:
    """Long transcripts get their search index in the parsing job (no second job competing
    for the GIL with the list's first layout); short ones get it after the first frame."""
    from player.ui.transcript_session import SEARCH_INDEX_WITH_LOAD_CUES, load_with_index

    def write(path: Path, count: int) -> str:
        blocks = [
            f"00:{i // 600:02d}:{i // 10 % 60:02d}.{i % 10}00 --> "
            f"00:{i // 600:02d}:{i // 10 % 60:02d}.{i % 10}90\nline {i}\n"
            for i in range(count)
        ]
        path.write_text("WEBVTT\n\n" + "\n".join(blocks), encoding="utf-8")
        return str(path)

    long_one = load_with_index(write(tmp_path / "long.vtt", SEARCH_INDEX_WITH_LOAD_CUES))
    assert long_one.search_index is not None
    assert len(long_one.search_index) == SEARCH_INDEX_WITH_LOAD_CUES
    short_one = load_with_index(write(tmp_path / "short.vtt", 20))
    assert short_one.search_index is None
    assert len(short_one.transcript.cues) == 20


def test_marking_rows_does_not_lay_out_every_row_again(qtbot: QtBot) -> None:
    """A QListView answers any dataChanged by laying out all rows again: the current cue, the
    spoken word and search marks are repainted instead (50,000 row heights per cue change)."""
    import time

    from player.ui.models import TranscriptModel
    from player.ui.transcript_view import CueDelegate, TranscriptPanel

    calls = [0]

    class Counting(CueDelegate):
        def sizeHint(self, option: Any, index: Any) -> Any:
            calls[0] += 1
            return super().sizeHint(option, index)

    model = TranscriptModel()
    panel = TranscriptPanel(model)
    qtbot.addWidget(panel)
    panel.delegate = Counting(panel.view)
    panel.view.setItemDelegate(panel.delegate)
    panel.resize(420, 500)
    panel.show()
    model.set_cues(_cues(5000))

    def settle() -> None:
        last, quiet_since = -1, time.monotonic()
        while time.monotonic() - quiet_since < 0.3:
            QApplication.processEvents()
            if calls[0] != last:
                last, quiet_since = calls[0], time.monotonic()

    settle()
    assert calls[0] >= 5000  # the first layout measured every row
    calls[0] = 0
    for row in (10, 11, 12):
        model.set_current_row(row)
    model.set_matches({i: [(0, 3)] for i in range(0, 5000, 2)})
    model.set_active_match(10, 0, 3)
    model.set_matches({})
    settle()
    assert calls[0] < 500, calls[0]


def test_following_and_the_search_box_lay_out_no_rows_again(
    harness: Harness, tmp_path: Path
) -> None:
    """Pausing and resuming following, a height change and opening the search box measure no
    row again (Qt's own word wrap laid out every row at any resize: 50,000 on a long
    transcript), and the search box fits the transcript's width as it is (a wider panel
    re-measures and re-wraps every row)."""
    w = harness.window
    w.session.set_transcript(Transcript(cues=_cues(3000)), str(tmp_path / "t.vtt"))
    view = w.panel.view
    delegate = w.panel.delegate
    measured: list[int] = []
    original = delegate.sizeHint

    def counting(*args: Any) -> Any:
        measured.append(1)
        return original(*args)

    delegate.sizeHint = counting  # type: ignore[method-assign]
    # Laid out: every row measured (in batches), no relayout pending.
    harness.qtbot.waitUntil(
        lambda: len(measured) >= 3000 and not w.panel.relayout_pending(), timeout=20000
    )
    harness.qtbot.wait(300)
    assert view.verticalScrollBar().maximum() > 0
    width = w.panel.width()
    measured.clear()

    w.panel.pause_following()
    harness.qtbot.wait(300)  # Qt's delayed relayout waited 100 ms
    w.back_to_now()
    harness.qtbot.wait(300)
    w.resize(w.width(), w.height() - 80)
    harness.qtbot.wait(300)
    w.start_search()
    harness.qtbot.waitUntil(lambda: w.search.isVisible(), timeout=3000)
    harness.qtbot.wait(300)
    assert w.panel.width() == width, "the search box widened the transcript"
    assert w.search.minimumSizeHint().width() <= width
    assert len(measured) < 300, f"{len(measured)} rows measured again"
