"""Synchronizing a text with its recording in the window (issue 14, "In the window"), with a
fake aligner beside the real window, session, job runner and files: the offer, the untimed text
readable and searchable at once, progress and Cancel while playback goes on, the synchronized
transcript replacing the text in place, written atomically beside the media, marked
machine-aligned, and the Open Transcript dialog listing texts."""

from __future__ import annotations

import os
import re
import shutil
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from player.core.formats.load import load_transcript, parse_transcript_text
from player.ui.announce import announcer_for
from player.ui.dialogs import transcript_filters
from player.ui.models import Role
from player.ui.sync_offer import OFFER_BUTTON, OFFER_TEXT, TextSync
from player.ui.transcript_session import LoadPhase
from player.ui.untimed_text import paragraphs_of
from tests.conftest import SAMPLE_DIR
from tests.ui.conftest import Harness, make_harness

PARAGRAPHS = [
    f"MS. KOVAC: Paragraph {n} begins here. It speaks of harbour number {n} and the "
    f"mangroves along the estuary. The dredging of basin {n} starts in spring."
    for n in range(1, 41)
]
TEXT = "Ministry of Water and Coasts\n\n" + "\n\n".join(PARAGRAPHS) + "\n"


def fake_vtt(text_path: str, duration_ms: int = 120_000) -> str:
    """A synchronized transcript as the aligner writes it: a header NOTE, one cue per
    sentence in order, times spread over the recording."""
    paragraphs = [p for _line, p in paragraphs_of(Path(text_path).read_text(encoding="utf-8"))]
    sentences = [s for p in paragraphs for s in re.split(r"(?<=[a-z0-9][.!?])\s+", p) if s]
    step = max(1, duration_ms // max(1, len(sentences)))
    blocks = [
        "WEBVTT",
        "NOTE machine-aligned: timings are machine-made by briefing-player with a fake "
        "engine. The text is as published.",
    ]
    for i, sentence in enumerate(sentences):
        start, end = i * step, (i + 1) * step - 10
        blocks.append(f"{_ts(start)} --> {_ts(end)}\n{sentence}")
    return "\n\n".join(blocks) + "\n"


def _ts(t_ms: int) -> str:
    h, rest = divmod(t_ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


class GatedAligner:
    """A fake aligner that reports progress and waits for the test (``release``), checking
    ``should_stop`` every 10 ms like the real engine."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.started = threading.Event()
        self.stopped_at: float | None = None
        self.calls = 0

    def __call__(
        self,
        media: str,
        text: str,
        progress: Callable[[float], None],
        should_stop: Callable[[], bool],
    ) -> str:
        self.calls += 1
        self.started.set()
        progress(0.0)
        step = 0
        while not self.gate.is_set():
            if should_stop():
                self.stopped_at = time.monotonic()
                from player.ui.sync_job import SyncCancelled

                raise SyncCancelled()
            step += 1
            progress(min(0.9, step / 200))
            time.sleep(0.01)
        progress(1.0)
        return fake_vtt(text)

    def release(self) -> None:
        self.gate.set()


def _briefing(folder: Path, *, text: str = TEXT, name: str = "editorial") -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    media = folder / f"{name}.opus"
    shutil.copy(SAMPLE_DIR / "briefing.opus", media)
    text_path = folder / f"{name}.txt"
    text_path.write_text(text, encoding="utf-8")
    return media, text_path


def _open(harness: Harness, media: Path, aligner: object | None = None) -> TextSync:
    w = harness.window
    w.open_media(media, play=False)
    harness.qtbot.waitUntil(
        lambda: w.session.state.phase is LoadPhase.UNTIMED and w.search_ready, timeout=10000
    )
    sync = w.text_sync
    if aligner is not None:
        sync.aligner = aligner  # type: ignore[assignment]
    return sync


def _offer_button(harness: Harness) -> QPushButton:
    strip = harness.window.text_sync.strip
    assert strip.offering
    assert strip.sync_button.text() == OFFER_BUTTON
    return strip.sync_button


def test_offer_and_untimed_text_readable_and_searchable(harness: Harness, tmp_path: Path) -> None:
    media, text_path = _briefing(tmp_path / "b")
    _open(harness, media)
    w = harness.window
    # The offer, in a bar like the info bar (which stays free for the resume offer).
    assert w.text_sync.strip.isVisible()
    assert w.text_sync.strip.label.text() == OFFER_TEXT
    assert OFFER_TEXT in announcer_for(w).history  # spoken to screen-reader users
    _offer_button(harness)
    # The text, at once: one row per paragraph, words as written, no time, no seeking.
    assert w.model.rowCount() == 41
    assert w.model.cues[1].text == PARAGRAPHS[0]
    assert not w.model.timed
    assert w.model.index(1, 0).data(Role.START_MS) is None
    assert w.model.index(1, 0).data() == PARAGRAPHS[0]  # copied without a timestamp
    assert w.panel.title() == f"Text without timings — {text_path.name}"
    assert w.session.state.source == str(text_path)
    harness.controller.seek(5000)
    w.panel.view.cue_activated.emit(3)
    QApplication.processEvents()
    assert harness.controller.position_ms() == 5000  # choosing a paragraph does not seek
    # Searchable: the hits are the paragraphs; choosing one shows it, never seeks.
    w.start_search("basin 17")
    harness.qtbot.waitUntil(lambda: w.search.outcome is not None, timeout=10000)
    outcome = w.search.outcome
    assert outcome is not None
    assert len(outcome.result) == 1
    assert outcome.result.hit(0).cue_index == 17
    assert w.transport.marks == []  # no place on the seek bar without timings
    hit_row = w.search.results_model.index(0, 0)
    harness.qtbot.waitUntil(lambda: hit_row.data() is not None, timeout=5000)
    assert hit_row.data().startswith("…along the estuary. The dredging of basin 17")  # no time
    # A bookmark made meanwhile is not labelled with a paragraph it does not belong to.
    # (and keeps the moment it was made: there is no line start to take)
    assert w.docks._spoken_line(5000) == (5000, "")
    w.search.go_to(0)
    QApplication.processEvents()
    assert harness.controller.position_ms() == 5000


def test_synchronize_progress_then_replace_in_place(harness: Harness, tmp_path: Path) -> None:
    media, _text_path = _briefing(tmp_path / "b")
    aligner = GatedAligner()
    sync = _open(harness, media, aligner)
    w = harness.window
    harness.controller.play()
    # The user reads paragraph 20 at the top of the list.
    view = w.panel.view
    view.keep_at_top(w.model.index(20, 0))
    QApplication.processEvents()
    assert view.indexAt(QPoint(4, 4)).row() == 20
    _offer_button(harness).click()
    assert sync.is_running()
    assert sync.strip.isVisible()
    assert not sync.strip.offering
    assert sync.strip.cancel_button.isVisible()
    harness.qtbot.waitUntil(lambda: sync.strip.bar.value() > 0, timeout=10000)
    assert "%" in sync.strip.label.text()
    # Playback goes on while it runs.
    before = harness.controller.position_ms()
    harness.advance(500)
    assert harness.controller.position_ms() > before
    aligner.release()
    harness.qtbot.waitUntil(lambda: not sync.is_running(), timeout=10000)
    QApplication.processEvents()
    out = media.with_suffix(".vtt")
    assert out.is_file()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not [p.name for p in out.parent.iterdir() if p.name.endswith(".tmp")]
    # In place: a timed transcript now, the same paragraph's first sentence at the top.
    assert w.session.state.phase is LoadPhase.READY
    assert w.session.path == str(out)
    assert w.model.timed
    assert w.model.rowCount() == len(load_transcript(out).cues)
    harness.qtbot.waitUntil(
        lambda: w.model.cues[view.indexAt(QPoint(4, 4)).row()].text.startswith(
            "MS. KOVAC: Paragraph 20 begins here."
        ),
        timeout=5000,
    )
    assert not w.panel.is_following()  # the reader was left where they were
    assert "machine-aligned" in w.panel.title()
    assert "Synchronized" in w.status.currentMessage() or not w.status.currentMessage()
    assert not sync.strip.isVisible()


def test_cancel_stops_within_a_second_and_writes_nothing(harness: Harness, tmp_path: Path) -> None:
    media, _text = _briefing(tmp_path / "b")
    aligner = GatedAligner()
    sync = _open(harness, media, aligner)
    assert sync.start(str(media.with_suffix(".txt")))
    assert aligner.started.wait(10)
    clicked = time.monotonic()
    sync.strip.cancel_button.click()
    harness.qtbot.waitUntil(lambda: not sync.is_running(), timeout=5000)
    assert aligner.stopped_at is not None
    assert aligner.stopped_at - clicked < 1.0
    assert not media.with_suffix(".vtt").exists()
    assert not [p for p in media.parent.iterdir() if p.name.endswith(".tmp")]
    assert "cancelled" in harness.window.info_bar.label.text()
    assert harness.window.session.state.phase is LoadPhase.UNTIMED  # the text stays
    assert sync.strip.offering  # and can be synchronized again


def test_existing_transcript_is_replaced_only_when_the_user_agrees(
    harness: Harness, tmp_path: Path
) -> None:
    media, text_path = _briefing(tmp_path / "b")
    aligner = GatedAligner()
    aligner.release()
    sync = _open(harness, media, aligner)
    out = media.with_suffix(".vtt")
    out.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nOld.\n", encoding="utf-8")
    asked: list[Path] = []
    sync.confirm_replace = lambda path: asked.append(path) is not None  # says no
    assert not sync.start(str(text_path))
    assert asked == [out]
    assert out.read_text(encoding="utf-8").endswith("Old.\n")
    sync.confirm_replace = lambda path: True
    assert sync.start(str(text_path))
    harness.qtbot.waitUntil(lambda: not sync.is_running(), timeout=10000)
    assert "machine-aligned" in out.read_text(encoding="utf-8")
    assert out.with_name(out.name + ".bak").read_text(encoding="utf-8").endswith("Old.\n")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"\n \n\t\n", "empty"),
        (bytes(range(256)) * 40, "binary"),
    ],
)
def test_bad_texts_are_a_message(
    harness: Harness, tmp_path: Path, content: bytes, expected: str
) -> None:
    media, text_path = _briefing(tmp_path / "b")
    text_path.write_bytes(content)
    w = harness.window
    w.open_media(media, play=False)
    harness.qtbot.waitUntil(lambda: w.session.state.phase is LoadPhase.FAILED, timeout=10000)
    assert expected in w.session.state.error
    assert w.info_bar.isVisible()
    assert "Could not read the text" in w.info_bar.label.text()


def test_engine_error_is_a_message(harness: Harness, tmp_path: Path) -> None:
    media, text_path = _briefing(tmp_path / "b")

    def broken(*_args: object) -> str:
        from player.ui.sync_job import SyncError

        raise SyncError("the media has no audio track")

    sync = _open(harness, media, broken)
    assert sync.start(str(text_path))
    harness.qtbot.waitUntil(lambda: not sync.is_running(), timeout=10000)
    assert "the media has no audio track" in harness.window.info_bar.label.text()
    assert not media.with_suffix(".vtt").exists()


def test_file_menu_picks_any_text_and_needs_media(harness: Harness, tmp_path: Path) -> None:
    media, _text = _briefing(tmp_path / "b")
    other = tmp_path / "statement.md"
    other.write_text("# Statement\n\nThe harbour opens in May.\n", encoding="utf-8")
    w = harness.window
    actions = [a for a in w.menuBar().actions()[0].menu().actions() if a.text()]
    names = [a.text().replace("&", "") for a in actions]
    assert "Synchronize Text with Audio…" in names
    sync = w.text_sync
    sync.choose_file = lambda: str(other)
    w.synchronize_text()  # no media yet: a message, nothing runs
    assert not sync.is_running()
    aligner = GatedAligner()
    aligner.release()
    _open(harness, media, aligner)
    w.synchronize_text()
    harness.qtbot.waitUntil(lambda: aligner.calls == 1 and not sync.is_running(), timeout=10000)
    out = media.with_suffix(".vtt")
    harness.qtbot.waitUntil(lambda: w.session.path == str(out), timeout=10000)
    assert any("harbour opens in May" in c.text for c in w.model.cues)


def test_open_transcript_lists_texts_and_offers_to_synchronize(
    harness: Harness, tmp_path: Path
) -> None:
    filters = transcript_filters()
    for ext in (".vtt", ".srt", ".txt", ".md", ".html", ".htm", ".docx", ".pdf"):
        assert f"*{ext}" in filters.split(";;")[0]
    media = tmp_path / "b" / "talk.opus"
    media.parent.mkdir()
    shutil.copy(SAMPLE_DIR / "briefing.opus", media)
    text_path = tmp_path / "elsewhere.txt"
    text_path.write_text(TEXT, encoding="utf-8")
    w = harness.window
    w.open_media(media, play=False)
    harness.qtbot.waitUntil(lambda: w.session.state.phase is LoadPhase.MISSING, timeout=10000)
    assert "Synchronize a text…" in [b.text() for b in w.info_bar.buttons()]
    w.dialogs.choose_transcript_file = lambda: str(text_path)  # type: ignore[method-assign]
    w.choose_transcript()
    harness.qtbot.waitUntil(lambda: w.session.state.phase is LoadPhase.UNTIMED, timeout=10000)
    assert w.text_sync.strip.offering
    assert w.text_sync.strip.label.text() == OFFER_TEXT
    assert w.model.rowCount() == 41
    # Another briefing with its own timed transcript: the offer is withdrawn.
    w.open_media(SAMPLE_DIR / "briefing.opus", play=False)
    harness.qtbot.waitUntil(lambda: w.session.state.phase is LoadPhase.READY, timeout=10000)
    assert not w.text_sync.strip.isVisible()


def test_sidecar_write_is_atomic(tmp_path: Path) -> None:
    from player.ui.sync_job import SyncError, write_atomically

    out = tmp_path / "a.vtt"
    assert write_atomically(out, "WEBVTT\n", replace=False) is None
    assert out.read_text(encoding="utf-8") == "WEBVTT\n"
    with pytest.raises(SyncError):
        write_atomically(out, "WEBVTT\n\nNOTE new\n", replace=False)
    assert out.read_text(encoding="utf-8") == "WEBVTT\n"
    assert write_atomically(out, "WEBVTT\n\nNOTE new\n", replace=True) == str(out) + ".bak"
    assert sorted(os.listdir(tmp_path)) == ["a.vtt", "a.vtt.bak"]


def test_library_indexes_the_synchronized_transcript(qtbot: QtBot, tmp_path: Path) -> None:
    from player.core.archive.library import Archive

    folder = tmp_path / "lib"
    media, _text = _briefing(folder)
    db = tmp_path / "archive.sqlite"
    with Archive.open(db) as archive:
        archive.add_folder(folder)
        archive.scan()
        row = archive.briefing(str(media))
        assert row is not None
        assert row.transcript_path is None  # a text is not a transcript
    h = make_harness(qtbot, tmp_path / "cfg", archive_db=db)
    try:
        w = h.window
        qtbot.waitUntil(lambda: w.docks.library is not None, timeout=5000)
        library = w.docks.library
        assert library is not None
        qtbot.waitUntil(lambda: library.archive is not None, timeout=5000)
        aligner = GatedAligner()
        aligner.release()
        sync = _open(h, media, aligner)
        assert sync.start(str(media.with_suffix(".txt")))
        qtbot.waitUntil(lambda: not sync.is_running(), timeout=10000)
        h.wait_indexed(media, media.with_suffix(".vtt"))
        # The search over all briefings finds the synchronized words.
        assert w.docks.archive is not None
        hits = w.docks.archive.search("basin 17")
        assert [hit.briefing.path for hit in hits] == [str(media)]
    finally:
        h.window.close()


def test_resume_offer_and_synchronize_offer_are_both_shown(
    harness: Harness, tmp_path: Path
) -> None:
    media, _text = _briefing(tmp_path / "b")
    sync = _open(harness, media)
    harness.window.offers._offer_resume(str(media), 65_000)
    assert harness.window.info_bar.isVisible()
    assert "You stopped at" in harness.window.info_bar.label.text()
    assert sync.strip.offering


def test_a_timed_transcript_wins_over_a_text(harness: Harness, tmp_path: Path) -> None:
    media, _text = _briefing(tmp_path / "b")
    shutil.copy(SAMPLE_DIR / "briefing.vtt", media.with_suffix(".vtt"))
    (media.parent / "editorial.en.txt").write_text("Another text.\n", encoding="utf-8")
    harness.open(media, play=False)
    assert harness.window.session.state.phase is LoadPhase.READY
    assert harness.window.session.path == str(media.with_suffix(".vtt"))
    assert not harness.window.offers.text_sync_built  # nothing of the synchronization was loaded


def test_a_language_tagged_text_is_found(harness: Harness, tmp_path: Path) -> None:
    media, text_path = _briefing(tmp_path / "b")
    text_path.rename(media.parent / "editorial.en.txt")
    _open(harness, media)
    assert harness.window.session.path == str(media.parent / "editorial.en.txt")
    assert harness.window.model.rowCount() == 41


def test_another_briefing_opened_meanwhile_keeps_its_transcript(
    harness: Harness, tmp_path: Path
) -> None:
    media, text_path = _briefing(tmp_path / "b")
    aligner = GatedAligner()
    sync = _open(harness, media, aligner)
    assert sync.start(str(text_path))
    assert aligner.started.wait(10)
    w = harness.window
    harness.open(SAMPLE_DIR / "briefing.opus", play=False)
    assert w.session.path == str(SAMPLE_DIR / "briefing.vtt")
    assert sync.strip.isVisible() and not sync.strip.offering  # still the job's progress
    aligner.release()
    harness.qtbot.waitUntil(lambda: not sync.is_running(), timeout=10000)
    assert media.with_suffix(".vtt").is_file()  # saved for its own briefing
    assert w.session.path == str(SAMPLE_DIR / "briefing.vtt")  # the panel is left alone
    assert not sync.strip.isVisible()


def test_a_text_opened_while_another_is_synchronized_is_offered_after(
    harness: Harness, tmp_path: Path
) -> None:
    first, first_text = _briefing(tmp_path / "one")
    second, _second_text = _briefing(tmp_path / "two", name="statement")
    aligner = GatedAligner()
    sync = _open(harness, first, aligner)
    assert sync.start(str(first_text))
    _open(harness, second)
    assert not sync.strip.offering  # the first job's progress is shown
    aligner.release()
    harness.qtbot.waitUntil(lambda: not sync.is_running(), timeout=10000)
    assert first.with_suffix(".vtt").is_file()
    assert sync.strip.offering
    assert harness.window.session.path == str(second.with_suffix(".txt"))


def test_closing_the_window_cancels_and_writes_nothing(harness: Harness, tmp_path: Path) -> None:
    media, text_path = _briefing(tmp_path / "b")
    aligner = GatedAligner()
    sync = _open(harness, media, aligner)
    assert sync.start(str(text_path))
    assert aligner.started.wait(10)
    job = sync.job
    assert job is not None
    harness.window.close()
    assert job.wait(5)
    assert aligner.stopped_at is not None
    assert not media.with_suffix(".vtt").exists()


def test_dropping_media_with_a_text(harness: Harness, tmp_path: Path) -> None:
    media = tmp_path / "b" / "talk.opus"
    media.parent.mkdir()
    shutil.copy(SAMPLE_DIR / "briefing.opus", media)
    text_path = tmp_path / "statement.docx.txt"
    text_path.write_text(TEXT, encoding="utf-8")
    w = harness.window
    w.open_dropped([str(text_path), str(media)])
    harness.qtbot.waitUntil(lambda: w.session.state.phase is LoadPhase.UNTIMED, timeout=10000)
    assert w.session.path == str(text_path)
    assert w.text_sync.strip.offering


def test_menu_keeps_the_transcript_when_the_user_declines(harness: Harness, tmp_path: Path) -> None:
    media = tmp_path / "b" / "briefing.opus"
    media.parent.mkdir()
    shutil.copy(SAMPLE_DIR / "briefing.opus", media)
    shutil.copy(SAMPLE_DIR / "briefing.vtt", media.with_suffix(".vtt"))
    text_path = tmp_path / "statement.txt"
    text_path.write_text(TEXT, encoding="utf-8")
    harness.open(media, play=False)
    w = harness.window
    sync = w.text_sync
    sync.choose_file = lambda: str(text_path)
    asked: list[Path] = []
    sync.confirm_replace = lambda path: asked.append(path) is not None  # "No"
    w.synchronize_text()
    assert asked == [media.with_suffix(".vtt")]
    assert not sync.is_running()
    QApplication.processEvents()
    assert w.session.path == str(media.with_suffix(".vtt"))
    assert w.session.state.phase is LoadPhase.READY


def test_a_transcript_shown_while_a_text_is_read_is_not_replaced_by_it(
    harness: Harness, tmp_path: Path
) -> None:
    """The synchronization can finish before the text it synchronized has been read for
    display (a fast aligner, a loaded machine): the text read late must not cover the
    synchronized transcript."""
    media, text = _briefing(tmp_path / "b")
    _open(harness, media)
    w = harness.window
    timed = parse_transcript_text("WEBVTT\n\n00:01.000 --> 00:02.000\nThe harbour opens.\n")
    w.session.open_untimed(text)  # read on a worker...
    w.session.set_transcript(timed, str(media.with_suffix(".vtt")))  # ...while this is shown
    harness.qtbot.waitUntil(lambda: w.session._pending_jobs == 0, timeout=10000)
    assert w.session.path == str(media.with_suffix(".vtt"))
    assert w.session.state.phase is LoadPhase.READY and w.session.timed
