"""The archive's parts: the user store on its own, folder removal in chunks (progress, cancel,
worker threads, a scan running meanwhile), the sidecar pairing of the walk, and the log."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

import pytest

from player.core.archive import library as library_mod
from player.core.archive.index_store import IndexStore
from player.core.archive.library import (
    Archive,
    ArchiveError,
    ScanProgress,
    ScanSummary,
    UserStore,
)
from player.core.archive.schema import user_db_path_for
from tests.core import test_archive
from tests.core.test_archive import CLIMATE, consistent, make_briefing, numbered_cues, vtt_text

WAIT_S = 30  # generous: a loaded two-core machine

db = test_archive.db  # the same fixtures: the index file to be, and an empty library folder
lib = test_archive.lib


def scanned(db: Path, lib: Path, briefings: int, cues: int, word: str) -> Archive:
    for i in range(briefings):
        make_briefing(lib / f"d{i % 3}", f"b{i:03d}", numbered_cues(cues, word))
    archive = Archive.open(db)
    archive.add_folder(lib)
    assert archive.scan().added == briefings
    return archive


# --- the user store -----------------------------------------------------------------------------


def test_user_store_works_alone_and_survives_a_damaged_index(db: Path, lib: Path) -> None:
    media = make_briefing(lib, "talk", CLIMATE)
    with Archive.open(db) as archive:
        archive.add_folder(lib)
        archive.set_position(media, 42_000)
        archive.add_bookmark(media, 1000, "start")
    db.write_bytes(b"not a database any more\n" * 100)
    for side in ("-wal", "-shm"):
        Path(str(db) + side).unlink(missing_ok=True)
    with pytest.raises(ArchiveError):
        Archive.open(db)
    with UserStore.open(user_db_path_for(db)) as store:  # the window's resume store
        assert store.get_position(media) == 42_000
        assert [b.label for b in store.bookmarks(media)] == ["start"]
        assert store.folders() == [str(lib)]
        store.set_position(lib / "other.mp3", 5000)
        assert store.positions() == {str(media): 42_000, str(lib / "other.mp3"): 5000}
        store.clear_position(media)
        assert store.get_position(media) is None
        store.clear_position(media)  # forgetting twice is harmless
        assert store.positions() == {str(lib / "other.mp3"): 5000}


def test_archive_can_share_an_open_user_store(db: Path, lib: Path) -> None:
    media = make_briefing(lib, "shared", CLIMATE)
    store = UserStore.open(user_db_path_for(db))
    with Archive.open(db, user_store=store) as archive:
        assert archive.user_store is store
        archive.add_folder(lib)
        archive.scan()
        store.set_position(media, 7000)
        assert archive.briefings()[0].position_ms == 7000
        assert archive.get_position(media) == 7000
    assert store.get_position(media) == 7000  # the archive left the shared store open
    with Archive.rebuild(db, user_store=store) as fresh:
        assert fresh.briefings() == [] and fresh.folders() == [str(lib)]
    store.close()
    with Archive.open(db) as own:
        assert own.user_store.get_position(media) == 7000
        assert own.user_path == user_db_path_for(db)


def test_damaged_user_file_is_reported_by_the_store(tmp_path: Path) -> None:
    path = tmp_path / "u.sqlite"
    path.write_bytes(b"\x00garbage" * 200)
    with pytest.raises(ArchiveError, match="user-data file") as info:
        UserStore.open(path)
    assert not info.value.rebuildable
    assert path.read_bytes().startswith(b"\x00garbage")


# --- removing a folder in chunks ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("briefings", "cues", "budget", "steps"),
    [
        (12, 10, 25, [0, 2, 4, 6, 8, 10, 12]),  # two briefings a chunk
        (3, 40, 10, [0, 1, 2, 3]),  # a briefing bigger than the budget is a chunk of its own
    ],
)
def test_remove_folder_reports_progress_in_chunks(
    db: Path,
    lib: Path,
    monkeypatch: pytest.MonkeyPatch,
    briefings: int,
    cues: int,
    budget: int,
    steps: list[int],
) -> None:
    archive = scanned(db, lib, briefings, cues, "chunky")
    monkeypatch.setattr(library_mod, "REMOVE_CHUNK_CUES", budget)
    calls: list[tuple[int, int]] = []
    removed = archive.remove_folder(lib, progress=lambda done, total: calls.append((done, total)))
    assert removed == briefings
    assert calls == [(done, briefings) for done in steps]
    assert archive.folders() == [] and archive.briefings() == [] and archive.cue_count() == 0
    consistent(archive)
    archive.close()


def test_cancelled_removal_leaves_whole_briefings_and_the_folder(
    db: Path, lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = scanned(db, lib, 10, 7, "cancelme")
    monkeypatch.setattr(library_mod, "REMOVE_CHUNK_CUES", 14)  # two briefings a chunk
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))

    assert archive.remove_folder(lib, progress=progress, should_stop=lambda: True) == 0
    assert calls == [(0, 10)]  # stopped before the first chunk: nothing removed
    assert archive.folders() == [str(lib)] and len(archive.briefings()) == 10
    calls.clear()
    removed = archive.remove_folder(lib, progress=progress, should_stop=lambda: len(calls) >= 3)
    assert removed == 4 and calls[-1] == (4, 10)
    assert archive.folders() == [str(lib)]  # stopped: the folder stays in the library
    rows = archive.briefings()
    assert len(rows) == 6 and all(b.cue_count == 7 for b in rows)  # never half a briefing
    assert archive.count("cancelme") == 6 * 7
    consistent(archive)
    summary = archive.scan()  # a rescan brings the dropped ones back
    assert summary.added == 4 and len(archive.briefings()) == 10
    assert archive.remove_folder(lib, should_stop=lambda: False) == 10  # and it can finish
    assert archive.folders() == [] and archive.cue_count() == 0
    consistent(archive)
    archive.close()


def test_remove_folder_on_a_worker_while_the_gui_thread_searches(
    db: Path, lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = scanned(db, lib, 30, 20, "worker")
    monkeypatch.setattr(library_mod, "REMOVE_CHUNK_CUES", 20)  # one briefing a chunk
    halfway = threading.Event()
    go_on = threading.Event()
    result: list[int] = []

    def progress(done: int, total: int) -> None:
        if done == 15:
            halfway.set()
            assert go_on.wait(WAIT_S)  # the index is not locked while progress runs

    worker = threading.Thread(
        target=lambda: result.append(archive.remove_folder(lib, progress=progress))
    )
    worker.start()
    try:
        assert halfway.wait(WAIT_S)
        assert archive.count("worker") == 15 * 20  # answered between chunks
        assert len(archive.search("worker", limit=None)) == 15 * 20
        archive.set_position(lib / "d0" / "b000.mp3", 1234)
    finally:
        go_on.set()
        worker.join(WAIT_S)
    assert not worker.is_alive() and result == [30]
    assert archive.briefings() == [] and archive.get_position(lib / "d0" / "b000.mp3") == 1234
    consistent(archive)
    archive.close()


def test_removal_during_a_scan_of_that_folder(db: Path, lib: Path) -> None:
    """A scan that is indexing the folder being removed stops writing there: no briefing of
    the removed folder survives, and the index stays consistent."""
    for i in range(20):
        make_briefing(lib, f"s{i:02d}", numbered_cues(5, "racing"))
    archive = Archive.open(db)
    archive.add_folder(lib)
    reached = threading.Event()
    removed = threading.Event()
    summaries: list[object] = []

    def progress(p: ScanProgress) -> None:
        if p.phase == "indexing" and p.done == 8:
            reached.set()
            assert removed.wait(WAIT_S)

    worker = threading.Thread(target=lambda: summaries.append(archive.scan(progress=progress)))
    worker.start()
    try:
        assert reached.wait(WAIT_S)
        assert archive.remove_folder(lib) == 8
    finally:
        removed.set()
        worker.join(WAIT_S)
    assert not worker.is_alive()
    (summary,) = summaries
    assert isinstance(summary, ScanSummary) and summary.added == 8 and not summary.cancelled
    assert archive.folders() == [] and archive.briefings() == []
    assert archive.cue_count() == 0
    assert archive.search("racing") == []
    consistent(archive)
    assert archive.scan().added == 0  # the folder is gone for good
    archive.add_folder(lib)  # until it is added again
    assert archive.scan().added == 20
    archive.close()


def test_a_scan_with_a_stale_view_never_overwrites_another_briefing(
    db: Path, tmp_path: Path
) -> None:
    """A scan knows the index as it was when it started. If meanwhile another archive on the
    same file removed a briefing and a new one took its row and cue ids, the scan's write of
    the old briefing must not delete or overwrite the new one."""
    a, b, c = (tmp_path / name for name in ("a", "b", "c"))
    make_briefing(a, "alpha", numbered_cues(5, "alpha"))
    make_briefing(b, "bravo", numbered_cues(5, "bravo"))
    charlie = make_briefing(c, "charlie", numbered_cues(5, "charlie"))
    first = Archive.open(db)
    for folder in (a, b):
        first.add_folder(folder)
    first.scan()
    (b / "bravo.vtt").write_text(vtt_text(numbered_cues(6, "bravissimo")), encoding="utf-8")
    paused = threading.Event()
    resume = threading.Event()

    def progress(p: ScanProgress) -> None:
        if p.phase == "indexing" and p.path == str(a / "alpha.mp3"):
            paused.set()
            assert resume.wait(WAIT_S)

    worker = threading.Thread(target=lambda: first.scan(progress=progress))
    worker.start()
    try:
        assert paused.wait(WAIT_S)
        with Archive.open(db) as second:
            assert second.remove_folder(b) == 1
            second.add_folder(c)
            # charlie takes bravo's row id and cue ids. Scans take turns (the scan lock), so
            # the second writer goes around the lock: the index must stay right regardless.
            second._scanner.scan([str(c)], None, None)
    finally:
        resume.set()
        worker.join(WAIT_S)
    assert not worker.is_alive()
    row = first.briefing(str(charlie))
    assert row is not None and row.title == "charlie" and row.cue_count == 5
    assert first.count("charlie") == 5 and first.count("bravissimo") == 6
    consistent(first)
    first.close()


def test_read_only_index_keeps_the_folder_listed(db: Path, lib: Path) -> None:
    make_briefing(lib, "ro", CLIMATE)
    Archive.open(db).close()
    with Archive.open(db) as archive:
        archive.add_folder(lib)
        archive.scan()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
    store = UserStore.open(user_db_path_for(db))
    archive = Archive(IndexStore(db, conn), store)
    with pytest.raises(ArchiveError, match="readonly"):
        archive.remove_folder(lib)
    assert archive.folders() == [str(lib)]  # nothing was removed, so the folder stays
    archive.close()


# --- the walk pairs files by the sidecar rules --------------------------------------------------


def test_walk_pairs_by_the_sidecar_rules(db: Path, lib: Path) -> None:
    media = make_briefing(lib, "talk")
    (lib / "subs").mkdir()
    (lib / "subs" / "talk.en.srt").write_text(
        "1\n00:00:01,000 --> 00:00:02,000\nfrom the subs folder\n", encoding="utf-8"
    )
    (lib / "talk.chapters.en.vtt").write_text(vtt_text([(0, 1000, None, "Intro")]), "utf-8")
    (lib / "lone.pt_br.vtt").write_text(vtt_text([(0, 1000, None, "Bom dia")]), "utf-8")
    (lib / "lone.final.vtt").write_text(vtt_text([(0, 1000, None, "Final cut")]), "utf-8")
    (lib / "orphan.chapters.vtt").write_text(vtt_text([(0, 1000, None, "Part")]), "utf-8")
    with Archive.open(db) as archive:
        archive.add_folder(lib)
        archive.scan()
        rows = {Path(b.path).name: b for b in archive.briefings()}
        assert set(rows) == {"talk.mp3", "lone.pt_br.vtt", "lone.final.vtt"}
        talk = rows["talk.mp3"]
        assert talk.path == str(media) and talk.language == "en"
        assert talk.transcript_path == str(lib / "subs" / "talk.en.srt")
        assert (rows["lone.pt_br.vtt"].language, rows["lone.pt_br.vtt"].title) == ("pt-BR", "lone")
        assert (rows["lone.final.vtt"].language, rows["lone.final.vtt"].title) == (
            None,
            "lone.final",
        )
        assert archive.search("intro") == [] and archive.search("part") == []


# --- the log ------------------------------------------------------------------------------------


def test_scan_failures_and_migrations_are_logged(
    db: Path, lib: Path, caplog: pytest.LogCaptureFixture
) -> None:
    make_briefing(lib, "broken")
    (lib / "broken.vtt").write_bytes(b"\x00\x01\x02 binary junk \x03\x04" * 50)
    with caplog.at_level(logging.INFO, logger="player.core.archive"):
        with Archive.open(db) as archive:
            archive.add_folder(lib)
            archive.scan()
        failures = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert any(str(lib / "broken.vtt") in r.getMessage() for r in failures)
        assert any("seen 1" in r.getMessage() for r in caplog.records)
        caplog.clear()
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA user_version = 1")  # pretend it is old; migration 2 runs again
        conn.execute("ALTER TABLE briefings DROP COLUMN machine_generated")
        conn.commit()
        conn.close()
        with Archive.open(db) as archive:
            assert archive.schema_version() == 2
        assert any("from schema 1 to 2" in r.getMessage() for r in caplog.records)
        caplog.clear()
        Archive.rebuild(db).close()
        assert any("moved aside" in r.getMessage() for r in caplog.records)
