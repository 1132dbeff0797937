"""Hostile queries in the window (issue 12): the search box shows the limit or "stopped" message,
never a traceback or the generic failure, for this briefing and for "All briefings"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from player.ui.search_panel import SCOPE_ALL
from tests.ui.conftest import Harness, make_harness
from tests.ui.test_archive_window import _library

HOSTILE = [
    (True, "(?R)", "Recursive patterns"),
    (True, "a" * 5000, "The regular expression is too long: 5,000 characters"),
    (True, "a{4294967294}", "The regular expression repeats too much"),
    (False, "a" * 100_000, "The query is too long: 32,767 characters"),  # the box holds 32,767
    (False, " ".join(["word"] * 150), "The query is too long: 150 words"),
]


def _wait_status(h: Harness) -> str:
    busy = ("", "Searching…", "Searching all briefings…")
    h.qtbot.waitUntil(lambda: h.window.search.status.text() not in busy, timeout=10000)
    return h.window.search.status.text()


@pytest.mark.parametrize(("regex", "query", "message"), HOSTILE)
def test_this_briefing_says_what_limit_a_query_broke(
    harness: Harness, sample_audio: Path, regex: bool, query: str, message: str
) -> None:
    w = harness.window
    harness.open(sample_audio, play=False)
    w.start_search()
    w.search.regex_box.setChecked(regex)
    w.search.edit.setText(query)
    w.search.run_now()
    assert _wait_status(harness).startswith(message)
    assert w.search.outcome is None


@pytest.mark.parametrize(("regex", "query", "message"), [*HOSTILE, (False, "(" * 250 + "a", "")])
def test_all_briefings_says_what_limit_a_query_broke(
    qtbot: QtBot, tmp_path: Path, regex: bool, query: str, message: str
) -> None:
    _folder, db = _library(tmp_path)
    h = make_harness(qtbot, tmp_path / "cfg", archive_db=db)
    qtbot.waitUntil(lambda: h.window.docks.library is not None, timeout=5000)
    qtbot.waitUntil(lambda: h.window.docks.library.archive is not None, timeout=5000)  # type: ignore[union-attr]
    w = h.window
    w.start_search()
    w.search.set_scope(SCOPE_ALL)
    w.search.regex_box.setChecked(regex)
    w.search.edit.setText(query)
    w.search.run_now()
    status = _wait_status(h)
    assert status.startswith(message or "The query nests brackets too deeply")
    assert "failed" not in status and "log" not in status
    w.close()


def test_a_plain_search_cut_short_says_so(
    harness: Harness, tmp_path: Path, sample_audio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import player.core.text.search as search_module

    media = tmp_path / "a.opus"
    shutil.copy(sample_audio, media)
    cues = [f"00:00:{i // 100:02d}.{i % 100 * 10:03d} --> 00:00:59.000\nwater" for i in range(5000)]
    (tmp_path / "a.vtt").write_text("WEBVTT\n\n" + "\n\n".join(cues) + "\n", encoding="utf-8")
    monkeypatch.setattr(search_module, "DEFAULT_PLAIN_DEADLINE_S", -1.0)  # out of time at once
    w = harness.window
    harness.open(media, play=False)
    w.start_search()
    w.search.edit.setText("water")
    w.search.run_now()
    status = _wait_status(harness)
    # The first chunk of cues is searched, then the clock stops the search.
    assert status == "4,096 hits (stopped: the search took too long)"
