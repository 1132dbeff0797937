"""The archive: schema and migrations, incremental scans, bad input, search, user data, safety."""

from __future__ import annotations

import contextlib
import math
import os
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Sequence
from pathlib import Path

import pytest

from player.core.archive import scanner as scanner_mod
from player.core.archive import schema
from player.core.archive.index_store import IndexStore
from player.core.archive.library import (
    INDEX_MIGRATIONS,
    USER_MIGRATIONS,
    Archive,
    ArchiveError,
    ArchiveHit,
    ScanProgress,
    UserStore,
    user_db_path_for,
)
from player.core.timeline.timecode import format_timestamp
from tests.conftest import REPO

CueSpec = tuple[int, int, str | None, str]


# --- builders (also used by tests/cli/test_archive_cli.py) --------------------------------------


def vtt_text(cues: Sequence[CueSpec], header: str = "WEBVTT") -> str:
    """A WebVTT file for ``(start_ms, end_ms, speaker, text)`` tuples."""
    lines = [header, ""]
    for start, end, speaker, text in cues:
        lines.append(f"{format_timestamp(start)} --> {format_timestamp(end)}")
        lines.append(f"<v {speaker}>{text}" if speaker else text)
        lines.append("")
    return "\n".join(lines)


def make_briefing(
    folder: Path,
    stem: str,
    cues: Sequence[CueSpec] | None = None,
    *,
    media_ext: str | None = ".mp3",
) -> Path:
    """Write a tiny placeholder ``stem + media_ext`` and, with ``cues``, ``stem.vtt``; returns the
    briefing's path (the media, or the transcript when ``media_ext`` is None)."""
    folder.mkdir(parents=True, exist_ok=True)
    transcript = folder / f"{stem}.vtt"
    if cues is not None:
        transcript.write_text(vtt_text(cues), encoding="utf-8")
    if media_ext is None:
        return transcript
    media = folder / f"{stem}{media_ext}"
    media.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + stem.encode())
    return media


def numbered_cues(n: int, word: str = "briefing", speaker: str | None = "Host") -> list[CueSpec]:
    """``n`` cues two seconds apart, each with ``word`` and a unique token ``w<i>``."""
    return [(i * 2000, i * 2000 + 1500, speaker, f"{word} number w{i} here") for i in range(n)]


CLIMATE: list[CueSpec] = [
    (1000, 3000, "Karine Jean-Pierre", "Good afternoon, everyone. The café is open."),
    (4000, 6500, "Reporter", "Question about the climate report?"),
    (7000, 8000, None, "The climate report was published on Tuesday."),
    (9000, 9500, "Karine Jean-Pierre", "We don't comment on COVID-19 budgets."),
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "archive.sqlite"


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    return folder


def open_scanned(db: Path, *folders: Path) -> Archive:
    archive = Archive.open(db)
    for folder in folders:
        archive.add_folder(folder)
    archive.scan()
    return archive


def consistent(archive: Archive) -> None:
    """The index agrees with itself: cue counts, FTS5 index and SQLite integrity."""
    assert archive.check() == []
    total = sum(b.cue_count for b in archive.briefings())
    assert archive.cue_count() == total


# --- schema, migrations, damaged files ----------------------------------------------------------


def test_new_archive_has_current_schema_wal_and_separate_user_file(db: Path) -> None:
    with Archive.open(db) as archive:
        assert archive.schema_version() == len(INDEX_MIGRATIONS)
        assert archive.user_path == user_db_path_for(db) == db.with_name("archive.user.sqlite")
    assert db.exists() and user_db_path_for(db).exists()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.INDEX_APP_ID
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"briefings", "cues", "cues_fts"} <= tables
    assert "positions" not in tables  # user data never lives in the index
    fts_sql = conn.execute("SELECT sql FROM sqlite_master WHERE name='cues_fts'").fetchone()[0]
    assert "remove_diacritics 2" in fts_sql and "prefix='2 3'" in fts_sql
    conn.close()
    user = sqlite3.connect(user_db_path_for(db))
    assert user.execute("PRAGMA user_version").fetchone()[0] == len(USER_MIGRATIONS)
    user_tables = {r[0] for r in user.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"folders", "positions", "bookmarks"} <= user_tables
    user.close()


def test_migration_from_version_1_keeps_rows(db: Path, lib: Path) -> None:
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA application_id = {schema.INDEX_APP_ID}")
    for statement in schema.split_sql(INDEX_MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute(
        "INSERT INTO briefings(path, folder, has_media, size, mtime_ns, content_hash, title, "
        "date, date_from_name, indexed_at) VALUES (?, ?, 1, 1, 1, 'x', 'Old one', "
        "'2020-01-02', 1, 'then')",
        (str(lib / "old.mp3"), str(lib)),
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Archive.open(db) as archive:
        assert archive.schema_version() == 2
        (row,) = archive.briefings()
        assert row.title == "Old one" and row.machine_generated is False


def test_newer_schema_is_refused_with_a_clear_message(db: Path) -> None:
    Archive.open(db).close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(ArchiveError, match="newer version") as info:
        Archive.open(db)
    assert info.value.rebuildable and str(db) in str(info.value)


@pytest.mark.parametrize("kind", ["garbage", "truncated"])
def test_damaged_index_rebuild_keeps_user_data(db: Path, lib: Path, kind: str) -> None:
    media = make_briefing(lib, "2024-03-05 talk", CLIMATE)
    with open_scanned(db, lib) as archive:
        archive.set_position(media, 61_500)
        archive.add_bookmark(media, 4000, "climate question")
    if kind == "garbage":
        db.write_bytes(b"this is not a database at all\n" * 200)
    else:
        data = db.read_bytes()
        db.write_bytes(data[:100] + b"\x00" * 50 + data[150:4096])
    for side in ("-wal", "-shm"):
        Path(str(db) + side).unlink(missing_ok=True)
    bad_bytes = db.read_bytes()
    with pytest.raises(ArchiveError) as info:
        Archive.open(db)
    assert info.value.rebuildable
    assert str(db) in info.value.message
    assert "Traceback" not in info.value.message
    with Archive.rebuild(db) as archive:
        assert archive.briefings() == []
        assert archive.folders() == [str(lib)]  # the folder list is user data: kept
        assert archive.get_position(media) == 61_500
        assert [b.label for b in archive.bookmarks(media)] == ["climate question"]
        summary = archive.scan()
        assert summary.added == 1
        assert archive.search("climate")
        assert archive.briefings()[0].position_ms == 61_500
    aside = [p for p in db.parent.iterdir() if p.name.startswith("archive.sqlite.corrupt-")]
    assert len(aside) == 1 and aside[0].read_bytes() == bad_bytes


def test_foreign_index_is_never_renamed_by_a_rebuild(db: Path, lib: Path) -> None:
    """Issue 12: --rebuild must not rename a file the program did not create."""
    with open_scanned(db, lib):
        pass
    db.unlink()
    for side in ("-wal", "-shm"):
        Path(str(db) + side).unlink(missing_ok=True)
    other = sqlite3.connect(db)
    other.execute("CREATE TABLE recipes(name TEXT)")
    other.commit()
    other.close()
    before = db.read_bytes()
    with pytest.raises(ArchiveError, match="another program") as info:
        Archive.open(db)
    assert not info.value.rebuildable and "--rebuild" not in info.value.message
    with pytest.raises(ArchiveError, match="not a Briefing Player index"):
        Archive.rebuild(db)
    assert db.read_bytes() == before
    assert not [p for p in db.parent.iterdir() if ".corrupt-" in p.name]


def test_foreign_user_file_is_not_overwritten(db: Path) -> None:
    user = user_db_path_for(db)
    user.parent.mkdir(parents=True)
    user.write_bytes(b"\x00\x01 definitely not sqlite" * 100)
    with pytest.raises(ArchiveError, match="user-data file") as info:
        Archive.open(db)
    assert not info.value.rebuildable
    assert user.read_bytes().startswith(b"\x00\x01 definitely")


def test_db_path_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="is a folder"):
        Archive.open(tmp_path, user_db_path=tmp_path / "u.sqlite")


# --- scanning -----------------------------------------------------------------------------------


def test_scan_lists_briefings_with_metadata(db: Path, lib: Path) -> None:
    media = make_briefing(lib, "2024-03-05 press briefing", CLIMATE)
    make_briefing(lib / "2023", "no transcript here")
    orphan = make_briefing(lib / "2023", "only-a-transcript.fr", CLIMATE[:2], media_ext=None)
    with open_scanned(db, lib) as archive:
        rows = {b.path: b for b in archive.briefings()}
        assert set(rows) == {str(media), str(lib / "2023" / "no transcript here.mp3"), str(orphan)}
        b = rows[str(media)]
        assert (b.title, b.date, b.date_from_name) == (
            "2024-03-05 press briefing",
            "2024-03-05",
            True,
        )
        assert b.cue_count == 4 and b.transcript_path == str(lib / "2024-03-05 press briefing.vtt")
        assert b.has_media and b.error is None and b.warnings == ()
        none = rows[str(lib / "2023" / "no transcript here.mp3")]
        assert none.transcript_path is None and none.cue_count == 0 and none.language is None
        o = rows[str(orphan)]
        assert not o.has_media and o.cue_count == 2 and o.language == "fr"
        assert o.title == "only-a-transcript" and o.duration_ms == 6500
        consistent(archive)


def test_duration_and_title_from_real_media_headers(db: Path, lib: Path) -> None:
    wav = lib / "tone.wav"
    rate = 8000
    with wave.open(str(wav), "wb") as out:  # 2.5 s of a 440 Hz sine, 16-bit mono
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(12000 * math.sin(2 * math.pi * 440 * i / rate)))
                for i in range(rate * 5 // 2)
            )
        )
    (lib / "tone.vtt").write_text(vtt_text(CLIMATE), encoding="utf-8")
    with open_scanned(db, lib) as archive:
        (row,) = archive.briefings()
        assert row.duration_ms == 2500 and row.title == "tone"


def test_sidecar_language_variant_is_indexed(db: Path, lib: Path) -> None:
    media = make_briefing(lib, "talk")
    (lib / "talk.de.vtt").write_text(vtt_text([(0, 1000, None, "Guten Tag")]), encoding="utf-8")
    (lib / "talk.en.vtt").write_text(vtt_text([(0, 1000, None, "Good day")]), encoding="utf-8")
    archive = Archive.open(db, preferred_languages=("en",))
    archive.add_folder(lib)
    summary = archive.scan()
    assert summary.seen == 1  # language variants belong to the media: no orphan briefings
    (row,) = archive.briefings()
    assert row.path == str(media) and row.language == "en"
    assert archive.search("good") and not archive.search("guten")
    archive.close()


def test_incremental_rescan(db: Path, lib: Path) -> None:
    a = make_briefing(lib, "a", numbered_cues(5, "alpha"))
    b = make_briefing(lib, "b", numbered_cues(5, "bravo"))
    c = make_briefing(lib, "c", numbered_cues(5, "charlie"))
    archive = Archive.open(db)
    archive.add_folder(lib)
    first = archive.scan()
    assert (first.seen, first.added, first.updated, first.removed) == (3, 3, 0, 0)
    assert first.cues_indexed == 15

    again = archive.scan()
    assert (again.seen, again.added, again.updated, again.removed) == (3, 0, 0, 0)
    assert again.cues_indexed == 0

    # Touched but not changed: size+mtime differ from the index, the hash says "same".
    st = a.stat()
    os.utime(a, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    os.utime(lib / "a.vtt", ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    touched = archive.scan()
    assert (touched.added, touched.updated, touched.cues_indexed) == (0, 0, 0)
    assert archive.scan().updated == 0  # the new mtimes were remembered

    # The transcript changed (same media): re-indexed, old words gone, new ones found.
    (lib / "b.vtt").write_text(vtt_text(numbered_cues(7, "bingo")), encoding="utf-8")
    changed = archive.scan()
    assert (changed.added, changed.updated, changed.cues_indexed) == (0, 1, 7)
    assert archive.search("bravo") == []
    assert len(archive.search("bingo")) == 7
    assert archive.briefing(str(b)) is not None

    # Deleted: dropped.
    c.unlink()
    (lib / "c.vtt").unlink()
    gone = archive.scan()
    assert gone.removed == 1 and archive.briefing(str(c)) is None
    assert archive.search("charlie") == []
    assert len(archive.briefings()) == 2
    consistent(archive)
    archive.close()


def test_new_transcript_beside_listed_media_is_picked_up(db: Path, lib: Path) -> None:
    media = make_briefing(lib, "later")
    with open_scanned(db, lib) as archive:
        assert archive.briefing(str(media)).transcript_path is None  # type: ignore[union-attr]
        (lib / "later.vtt").write_text(vtt_text(CLIMATE), encoding="utf-8")
        assert archive.scan().updated == 1
        assert archive.search("climate")


def test_deleted_subfolder_is_dropped(db: Path, lib: Path) -> None:
    make_briefing(lib / "2023" / "05", "x", CLIMATE)
    make_briefing(lib, "y", CLIMATE)
    with open_scanned(db, lib) as archive:
        import shutil

        shutil.rmtree(lib / "2023")
        assert archive.scan().removed == 1
        assert [b.title for b in archive.briefings()] == ["y"]


def test_missing_library_folder_keeps_its_briefings(db: Path, lib: Path) -> None:
    make_briefing(lib, "kept", CLIMATE)
    archive = open_scanned(db, lib)
    moved = lib.with_name("unplugged")
    lib.rename(moved)
    summary = archive.scan()
    assert summary.removed == 0
    assert any("folder not found" in reason for _p, reason in summary.skipped)
    assert len(archive.briefings()) == 1
    archive.close()


def test_cp1252_transcript_is_searchable(db: Path, lib: Path) -> None:
    make_briefing(lib, "windows")
    text = "1\r\n00:00:01,000 --> 00:00:02,500\r\nLe caf\xe9 cr\xe8me est na\xeff\r\n"
    (lib / "windows.srt").write_bytes(text.encode("cp1252"))
    with open_scanned(db, lib) as archive:
        (hit,) = archive.search("café")
        assert hit.text == "Le café crème est naïf"
        assert archive.search("cafe") and archive.search("CRÈME")
        (row,) = archive.briefings()
        assert row.transcript_format == "srt"
        assert any("1252" in w.message for w in row.warnings)


def test_transcript_warnings_are_recorded_and_bad_files_listed(db: Path, lib: Path) -> None:
    make_briefing(lib, "warned")
    (lib / "warned.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfine cue\n\n"
        "not a timing line --> nope\nlost cue\n\n"
        "00:00:05.000 --> 00:00:06.000\nanother fine cue\n",
        encoding="utf-8",
    )
    bad = make_briefing(lib, "broken")
    (lib / "broken.vtt").write_bytes(b"\x00\x01\x02 binary junk \x03\x04" * 50)
    archive = Archive.open(db)
    archive.add_folder(lib)
    summary = archive.scan()
    assert summary.seen == 2 and summary.added == 2 and summary.failed == 1
    rows = {Path(b.path).stem: b for b in archive.briefings()}
    warned = rows["warned"]
    assert warned.cue_count == 2 and warned.warning_count >= 1
    assert any(w.line == 6 for w in warned.warnings)
    assert rows["broken"].error and rows["broken"].cue_count == 0
    reasons = dict(summary.skipped)
    assert f"{lib / 'warned.vtt'}:6" in reasons
    assert str(lib / "broken.vtt") in reasons
    assert archive.briefing(str(bad)) is not None
    # A rescan does not retry unchanged broken files, and keeps them listed.
    again = archive.scan()
    assert (again.failed, again.updated) == (0, 0) and len(archive.briefings()) == 2
    archive.close()


def test_symlink_loop_is_reported_and_scan_finishes(db: Path, lib: Path) -> None:
    make_briefing(lib / "sub", "inside", CLIMATE)
    os.symlink(lib, lib / "sub" / "loop")
    os.symlink(lib / "sub", lib / "alias")
    os.symlink(lib / "nowhere", lib / "dangling.mp3")
    with open_scanned(db, lib) as archive:
        summary = archive.scan()
        assert summary.seen == 1
        reasons = dict(summary.skipped)
        loops = [p for p, r in summary.skipped if "symlink loop" in r]
        assert loops and all(p.endswith(("loop", "alias", "sub")) for p in loops)
        assert reasons[str(lib / "dangling.mp3")] == "broken link"
        assert len(archive.briefings()) == 1


def test_unreadable_folder_is_reported_and_its_briefings_kept(
    db: Path, lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_briefing(lib / "locked", "secret", CLIMATE)
    make_briefing(lib, "open", CLIMATE)
    archive = open_scanned(db, lib)
    assert len(archive.briefings()) == 2
    locked = lib / "locked"
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):  # running as root: permissions do not bite, simulate
            real_scandir = os.scandir

            def scandir(path: str) -> object:
                if os.fspath(path) == str(locked):
                    raise PermissionError(13, "Permission denied", str(path))
                return real_scandir(path)

            monkeypatch.setattr(os, "scandir", scandir)
        summary = archive.scan()
    finally:
        locked.chmod(0o755)
    assert dict(summary.skipped)[str(locked)] == "cannot read folder: Permission denied"
    assert summary.removed == 0
    assert len(archive.briefings()) == 2
    archive.close()


def test_files_vanishing_during_the_scan(db: Path, lib: Path) -> None:
    for name in ("a", "b", "c", "d"):
        make_briefing(lib, name, numbered_cues(3, name + "word"))
    archive = Archive.open(db)
    archive.add_folder(lib)

    def vanish(p: ScanProgress) -> None:
        if p.phase == "indexing" and p.path == str(lib / "b.mp3"):
            (lib / "b.mp3").unlink()
        if p.phase == "indexing" and p.path == str(lib / "c.mp3"):
            (lib / "c.vtt").unlink()

    summary = archive.scan(progress=vanish)
    assert dict(summary.skipped)[str(lib / "b.mp3")] == "vanished during the scan"
    assert summary.added == 3
    paths = {Path(b.path).name for b in archive.briefings()}
    assert paths == {"a.mp3", "c.mp3", "d.mp3"}
    assert archive.briefing(str(lib / "c.mp3")).transcript_path is None  # type: ignore[union-attr]
    # b.mp3 is gone but b.vtt stayed: it is now a briefing of its own (a transcript alone).
    again = archive.scan()
    assert again.added == 1 and archive.briefing(str(lib / "b.vtt")).has_media is False  # type: ignore[union-attr]
    assert archive.scan().added == 0
    consistent(archive)
    archive.close()


def test_vanishing_transcript_while_loading(
    db: Path, lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_briefing(lib, "x", CLIMATE)

    real_read = scanner_mod.read_bytes

    def load(path: str) -> bytes:
        os.unlink(path)
        return real_read(path)

    monkeypatch.setattr(scanner_mod, "read_bytes", load)
    archive = Archive.open(db)
    archive.add_folder(lib)
    summary = archive.scan()
    assert summary.failed == 1 and summary.added == 1
    assert archive.briefings()[0].error
    archive.close()


def test_ten_thousand_files_in_one_folder(db: Path, lib: Path) -> None:
    for i in range(10_000):
        (lib / f"clip{i:05d}.mp3").touch()
    make_briefing(lib, "clip00042", CLIMATE)  # one of them has a transcript
    archive = Archive.open(db)
    archive.add_folder(lib)
    started = time.perf_counter()
    summary = archive.scan()
    elapsed = time.perf_counter() - started
    assert summary.seen == 10_000 and summary.added == 10_000 and summary.skipped == ()
    assert len(archive.briefings()) == 10_000
    (hit,) = archive.search('"climate report" published')
    assert hit.briefing.path == str(lib / "clip00042.mp3")
    started = time.perf_counter()
    again = archive.scan()
    assert again.added == again.updated == 0
    assert time.perf_counter() - started < max(2.0, elapsed)
    archive.close()


def test_cancel_then_resume(db: Path, lib: Path) -> None:
    for i in range(10):
        make_briefing(lib, f"b{i}", numbered_cues(2))
    archive = Archive.open(db)
    archive.add_folder(lib)
    cancel = threading.Event()
    calls: list[ScanProgress] = []

    def progress(p: ScanProgress) -> None:
        calls.append(p)
        if p.phase == "indexing" and p.done == 4:
            cancel.set()

    summary = archive.scan(progress=progress, cancel=cancel)
    assert summary.cancelled and summary.added == 4 and summary.removed == 0
    assert calls[0].phase == "listing"
    assert any(p.phase == "indexing" and p.total == 10 for p in calls)
    rest = archive.scan()
    assert not rest.cancelled and rest.added == 6 and len(archive.briefings()) == 10
    archive.close()


def test_scan_runs_in_a_worker_thread_while_another_archive_reads(db: Path, lib: Path) -> None:
    for i in range(30):
        make_briefing(lib, f"t{i:02d}", numbered_cues(50, "thread"))
    reader = Archive.open(db)
    reader.add_folder(lib)
    result: list[object] = []

    def work() -> None:
        with Archive.open(db) as writer:
            result.append(writer.scan())

    worker = threading.Thread(target=work)
    worker.start()
    seen_counts = []
    while worker.is_alive():
        seen_counts.append(len(reader.search("thread", limit=None)))
    worker.join()
    assert len(reader.search("thread", limit=None)) == 1500
    assert all(n % 50 == 0 for n in seen_counts)  # never half a briefing
    reader.close()


def test_one_archive_shared_by_a_scanning_worker_and_the_gui_thread(db: Path, lib: Path) -> None:
    for i in range(30):
        make_briefing(lib, f"s{i:02d}", numbered_cues(50, "shared"))
    archive = Archive.open(db)
    archive.add_folder(lib)
    progress_seen = threading.Event()
    result: list[object] = []

    def progress(p: ScanProgress) -> None:
        if p.phase == "indexing" and p.done == 10:
            progress_seen.set()
            time.sleep(0.05)  # give the other thread a window between briefings

    worker = threading.Thread(target=lambda: result.append(archive.scan(progress=progress)))
    worker.start()
    assert progress_seen.wait(10)
    assert worker.is_alive()
    during = len(archive.search("shared", limit=None))
    archive.set_position(lib / "s00.mp3", 777)  # user data never waits for the scan
    worker.join()
    assert 0 < during < 1500 and during % 50 == 0
    assert len(archive.search("shared", limit=None)) == 1500
    assert archive.get_position(lib / "s00.mp3") == 777
    archive.close()


def test_remove_folder(db: Path, lib: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    make_briefing(lib, "mine", CLIMATE)
    make_briefing(other, "theirs", CLIMATE)
    media = make_briefing(lib / "nested", "both", CLIMATE)
    with open_scanned(db, lib, other) as archive:
        archive.add_folder(lib / "nested")
        archive.set_position(media, 5000)
        assert archive.remove_folder(lib) == 1  # "nested/both" stays: it is in another folder
        assert archive.folders() == sorted([str(other), str(lib / "nested")])
        assert {b.title for b in archive.briefings()} == {"theirs", "both"}
        assert archive.get_position(media) == 5000
        consistent(archive)


def test_kill_minus_9_mid_index_leaves_a_working_archive(tmp_path: Path) -> None:
    lib = tmp_path / "big"
    n_briefings, n_cues = 300, 300
    for i in range(n_briefings):
        make_briefing(lib / f"f{i // 50}", f"b{i:04d}", numbered_cues(n_cues, "killtest"))
    db = tmp_path / "kill" / "archive.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-m", "player", "index", str(lib), "--db", str(db)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    committed = 0
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
                    committed = conn.execute("SELECT count(*) FROM briefings").fetchone()[0]
                    conn.close()
                except sqlite3.Error:
                    committed = 0
                if committed >= 20:
                    break
            time.sleep(0.005)
        assert proc.poll() is None, "the index finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with Archive.open(db) as archive:
        partial = archive.briefings()
        assert committed <= len(partial) < n_briefings
        assert all(b.cue_count == n_cues for b in partial)
        assert len(archive.search("killtest", limit=None)) == len(partial) * n_cues
        consistent(archive)
        summary = archive.scan()
        assert summary.added == n_briefings - len(partial) and summary.updated == 0
        assert len(archive.briefings()) == n_briefings
        assert archive.cue_count() == n_briefings * n_cues
        assert archive.count("killtest") == n_briefings * n_cues
        consistent(archive)


def test_no_network_during_scan_and_search(
    db: Path, lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_briefing(lib, "offline", CLIMATE)

    def no_sockets(*args: object, **kwargs: object) -> None:
        raise AssertionError("the archive tried to open a network socket")

    monkeypatch.setattr(socket, "socket", no_sockets)
    monkeypatch.setattr(socket, "create_connection", no_sockets)
    monkeypatch.setattr(socket, "getaddrinfo", no_sockets)
    with open_scanned(db, lib) as archive:
        assert archive.search("climate")
        assert archive.briefings()


# --- search -------------------------------------------------------------------------------------


@pytest.fixture
def searchable(db: Path, lib: Path) -> Archive:
    make_briefing(lib, "2024-01-01 first", CLIMATE)
    make_briefing(
        lib,
        "2024-02-02 second",
        [
            (500, 1500, "Reporter", "Is the climate changing?"),
            (2000, 3000, "Minister Álvarez", "Inflation and inflationary pressure."),
            (4000, 5000, "Minister Álvarez", "The budget deficit, the budget."),
            (6000, 7000, None, "Climate\nreport, second line"),
        ],
    )
    archive = open_scanned(db, lib)
    yield archive  # type: ignore[misc]
    archive.close()


def texts(hits: Sequence[ArchiveHit]) -> list[str]:
    return [h.text for h in hits]


def test_search_words_phrases_prefix_and_boolean(searchable: Archive) -> None:
    a = searchable
    assert len(a.search("climate")) == 4
    assert texts(a.search('"climate report"')) == [
        "Question about the climate report?",
        "The climate report was published on Tuesday.",
        "Climate\nreport, second line",
    ]
    assert len(a.search("infla*")) == 1
    assert len(a.search("budget AND deficit")) == 1
    assert len(a.search("budget deficit")) == 1  # implicit AND
    assert len(a.search("climate OR inflation")) == 5
    assert texts(a.search("climate NOT report")) == ["Is the climate changing?"]
    assert texts(a.search("climate -report")) == ["Is the climate changing?"]
    assert len(a.search("(climate OR budget) AND NOT report")) == 2
    assert texts(a.search("alvarez")) == []  # speaker names are not cue text
    assert texts(a.search("covid-19")) == ["We don't comment on COVID-19 budgets."]
    assert texts(a.search("don't")) == ["We don't comment on COVID-19 budgets."]


def test_search_ignores_case_and_accents(searchable: Archive) -> None:
    assert texts(searchable.search("CAFE")) == ["Good afternoon, everyone. The café is open."]
    assert texts(searchable.search("café")) == ["Good afternoon, everyone. The café is open."]


def test_hits_grouped_by_briefing_in_time_order(searchable: Archive) -> None:
    hits = searchable.search("climate")
    keys = [(h.briefing.title, h.start_ms) for h in hits]
    assert keys == [
        ("2024-01-01 first", 4000),
        ("2024-01-01 first", 7000),
        ("2024-02-02 second", 500),
        ("2024-02-02 second", 6000),
    ]
    assert hits[0].cue_idx == 1 and hits[0].end_ms == 6500 and hits[0].speaker == "Reporter"
    # Paging and the lazy iterator agree with one big page.
    assert searchable.search("climate", limit=2, offset=2) == hits[2:]
    assert list(searchable.iter_search("climate", batch=1)) == hits
    assert searchable.count("climate") == 4


def test_snippets_and_matches_are_plain_text(searchable: Archive) -> None:
    (hit,) = searchable.search('"climate report" published')
    assert hit.snippet == ("The ", "climate report", " was published on Tuesday.")
    assert [hit.text[s:e] for s, e in hit.matches] == ["climate report", "published"]
    (hit,) = searchable.search("caf*")
    assert hit.snippet[1] == "café"
    for h in searchable.search("climate OR budget OR inflation*", limit=None):
        assert all(ch not in "".join(h.snippet) for ch in "\x02\x03<>")
        assert h.snippet[1].casefold().startswith(("climate", "budget", "inflation"))


def test_speaker_filter(searchable: Archive) -> None:
    assert texts(searchable.search("climate", speaker="reporter")) == [
        "Question about the climate report?",
        "Is the climate changing?",
    ]
    assert len(searchable.search("budget", speaker="minister alvarez")) == 1
    assert searchable.search("budget", speaker="Minister") == []  # a whole name, not a part
    assert searchable.count("climate", speaker="Reporter") == 2
    with pytest.raises(ArchiveError, match="speaker"):
        searchable.search("climate", speaker="!!!")


def test_case_sensitive_and_regex(searchable: Archive) -> None:
    assert texts(searchable.search("Climate", case_sensitive=True)) == [
        "Climate\nreport, second line"
    ]
    assert len(searchable.search("climate", case_sensitive=True)) == 3
    hits = searchable.search_regex(r"budget\w*")
    assert texts(hits) == [
        "We don't comment on COVID-19 budgets.",
        "The budget deficit, the budget.",
    ]
    assert [hits[1].text[s:e] for s, e in hits[1].matches] == ["budget", "budget"]
    assert searchable.search_regex("BUDGET", case_sensitive=True) == []
    assert len(searchable.search_regex("climate", speaker="Reporter")) == 2
    with pytest.raises(ArchiveError, match="invalid regular expression"):
        searchable.search_regex("(unclosed")


HOSTILE = [
    '"unbalanced',
    "-",
    "NEAR(",
    "NEAR(a b",
    "a )) (b",
    "((((",
    "AND",
    "OR OR OR",
    "NOT",
    "*",
    "climate*)*",
    '""',
    "'",
    "text:climate",
    "speaker : x",
    "{text}: climate",
    "^climate",
    "climate + report",
    "col:",
    ":",
    "\x00",
    "climate\x00report",
    "a" * 5000,
    "🙂 climate",
    "; DROP TABLE cues; --",
    "rowid = 1",
    '"climate',
    "climate NOT",
    "NOT NOT climate",
    '-"" climate',
    "(climate",
    "climate)",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise_sqlite_errors(searchable: Archive, query: str) -> None:
    try:
        hits = searchable.search(query)
    except ArchiveError as err:
        assert err.message and "fts5" not in err.message.lower()
    else:
        assert isinstance(hits, list)
    assert searchable.cue_count() == 8  # and nothing was harmed


def test_hostile_queries_that_still_find_something(searchable: Archive) -> None:
    assert len(searchable.search('"climate')) == 4
    assert len(searchable.search("NEAR( climate")) == 0  # NEAR is a plain word here
    assert len(searchable.search("(climate")) == 4
    assert len(searchable.search("climate)")) == 4
    assert len(searchable.search("climate NOT")) == 4
    assert len(searchable.search("text:climate")) == 0  # no column syntax: a phrase "text climate"
    for only_negative in ("NOT climate", "-climate", "-"):
        with pytest.raises(ArchiveError):
            searchable.search(only_negative)


def test_random_queries_never_break_search(searchable: Archive) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    alphabet = st.sampled_from([*"ab \"()*-:^+NOTANDORNEAR{}'\\.,é\t", "AND", "OR", "NOT"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(alphabet, max_size=20).map("".join))
    def check(query: str) -> None:
        with contextlib.suppress(ArchiveError):
            searchable.search(query)

    check()


# --- user data ----------------------------------------------------------------------------------


def test_positions_and_bookmarks(db: Path, lib: Path) -> None:
    media = make_briefing(lib, "resume", CLIMATE)
    with open_scanned(db, lib) as archive:
        assert archive.get_position(media) is None
        archive.set_position(media, 12_345)
        archive.set_position(str(media), 23_456)  # str or Path, same key
        assert archive.get_position(media) == 23_456
        first = archive.add_bookmark(media, 9000, "second")
        archive.add_bookmark(media, 1000, "first", "note")
        assert [(b.position_ms, b.label) for b in archive.bookmarks(media)] == [
            (1000, "first"),
            (9000, "second"),
        ]
        archive.set_bookmark_note(first, "edited ✎")
        assert [b.note for b in archive.bookmarks(media)] == ["note", "edited ✎"]
        archive.remove_bookmark(first)
        assert len(archive.bookmarks(media)) == 1
        assert archive.briefings()[0].position_ms == 23_456
    with Archive.open(db) as again:
        assert again.get_position(media) == 23_456


def test_briefings_filter_and_sort(db: Path, lib: Path) -> None:
    make_briefing(lib, "2024-05-01 Zebra talk", CLIMATE)
    make_briefing(lib, "2023-01-09 Ångström lecture", CLIMATE[:1])
    make_briefing(lib, "2025-12-31 middle", None)
    with open_scanned(db, lib) as archive:
        by_date = [b.date for b in archive.briefings()]
        assert by_date == ["2023-01-09", "2024-05-01", "2025-12-31"]
        titles = [b.title for b in archive.briefings(order_by="title", descending=True)]
        assert titles == [
            "2025-12-31 middle",
            "2024-05-01 Zebra talk",
            "2023-01-09 Ångström lecture",
        ]
        assert [b.title for b in archive.briefings("angstrom")] == ["2023-01-09 Ångström lecture"]
        assert [b.cue_count for b in archive.briefings(order_by="duration")]
        with pytest.raises(ArchiveError):
            archive.briefings(order_by="colour")  # type: ignore[arg-type]


def test_read_only_index_is_not_called_damaged(db: Path, lib: Path) -> None:
    make_briefing(lib, "ro", CLIMATE)
    open_scanned(db, lib).close()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    user = sqlite3.connect(user_db_path_for(db), isolation_level=None, check_same_thread=False)
    archive = Archive(IndexStore(db, conn), UserStore(user_db_path_for(db), user))
    assert archive.search("climate")  # reading works
    with pytest.raises(ArchiveError) as info:
        archive.remove_folder(lib)
    assert "readonly" in info.value.message and not info.value.rebuildable
    assert "damaged" not in info.value.message
    archive.close()
