"""Issue 12, the archive family: rebuilds that never lose a working index, a full disk, damage
found at once, private files, foreign files left alone, concurrent processes."""

from __future__ import annotations

import os
import random
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from player.core.archive import files, schema
from player.core.archive import listing as listing_mod
from player.core.archive import search as search_mod
from player.core.archive.library import Archive, ArchiveError, UserStore, user_db_path_for
from tests.conftest import REPO
from tests.core.test_archive import CLIMATE, consistent, make_briefing, numbered_cues, open_scanned

WAIT_S = 60.0


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "archive.sqlite"


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    make_briefing(folder, "2024-03-05 talk", CLIMATE)
    for i in range(3):
        make_briefing(folder, f"extra{i}", numbered_cues(30, f"extra{i}"))
    return folder


def healthy(db: Path, lib: Path) -> bytes:
    """A scanned index, checkpointed into its main file; returns the file's bytes."""
    with open_scanned(db, lib) as archive:
        archive.set_position(lib / "2024-03-05 talk.mp3", 5000)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db.read_bytes()


def corrupt_names(db: Path) -> list[str]:
    return [p.name for p in db.parent.iterdir() if ".corrupt-" in p.name]


def still_works(db: Path) -> None:
    with Archive.open(db, verify_s=30) as archive:
        assert archive.search("climate")
        consistent(archive)


# --- rebuild never loses a working index --------------------------------------------------------


@pytest.mark.parametrize("problem", ["damaged", "folder"])
def test_rebuild_with_an_unusable_user_file_keeps_the_index(
    db: Path, lib: Path, problem: str
) -> None:
    before = healthy(db, lib)
    user = user_db_path_for(db)
    user.unlink()
    for side in ("-wal", "-shm"):
        Path(str(user) + side).unlink(missing_ok=True)
    if problem == "damaged":
        user.write_bytes(b"\x00garbage" * 500)
    else:
        user.mkdir()
    with pytest.raises(ArchiveError, match="user-data file"):
        Archive.rebuild(db)
    assert db.read_bytes() == before and corrupt_names(db) == []


def test_rebuild_on_a_full_disk_keeps_the_index(
    db: Path, lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The replacement cannot be written (SQLite's own SQLITE_FULL, from max_page_count): the
    old index stays, no 'cannot rollback' message, and later commands work."""
    before = healthy(db, lib)
    real_tune = schema._tune

    def full_disk(conn: sqlite3.Connection) -> None:
        real_tune(conn)
        conn.execute("PRAGMA max_page_count = 2")

    monkeypatch.setattr(schema, "_tune", full_disk)
    with pytest.raises(ArchiveError) as info:
        Archive.rebuild(db)
    assert "full" in info.value.message and "rollback" not in info.value.message
    assert "left as it is" in info.value.message
    monkeypatch.setattr(schema, "_tune", real_tune)
    assert db.read_bytes() == before and corrupt_names(db) == []
    assert not [p for p in db.parent.iterdir() if ".new-" in p.name]  # nothing left behind
    still_works(db)


def test_a_full_disk_during_a_scan_is_reported_and_harmless(db: Path, lib: Path) -> None:
    """The real write path: the index stops growing mid-scan."""
    healthy(db, lib)
    for i in range(20):
        make_briefing(lib / "more", f"more{i}", numbered_cues(400, f"more{i}"))
    archive = Archive.open(db)
    with archive._index.guard() as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 8}")
    with pytest.raises(ArchiveError) as info:
        archive.scan()
    message = info.value.message
    assert "full" in message and "rollback" not in message and not info.value.rebuildable
    archive.close()
    still_works(db)
    with Archive.open(db) as again:  # a later scan finishes the work
        assert again.scan().added == 20


def test_rebuild_puts_a_complete_index_in_place(db: Path, lib: Path) -> None:
    healthy(db, lib)
    with Archive.rebuild(db) as archive:
        assert archive.briefings() == [] and archive.folders() == [str(lib)]
        assert archive.get_position(lib / "2024-03-05 talk.mp3") == 5000
    assert len(corrupt_names(db)) == 1
    assert files.header_app_id(db) == schema.INDEX_APP_ID


def test_empty_index_is_not_taken_as_new(db: Path, lib: Path) -> None:
    healthy(db, lib)
    db.write_bytes(b"")
    for side in ("-wal", "-shm"):
        Path(str(db) + side).unlink(missing_ok=True)
    for read_only in (False, True):
        with pytest.raises(ArchiveError, match=r"is empty \(0 bytes\)") as info:
            Archive.open(db, read_only=read_only)
        assert info.value.rebuildable
    assert db.stat().st_size == 0
    with Archive.rebuild(db) as archive:
        assert archive.folders() == [str(lib)]


def test_symlink_loop_db_gets_a_clear_message(tmp_path: Path) -> None:
    loop = tmp_path / "loop.sqlite"
    loop.symlink_to(tmp_path / "loop.sqlite")
    for read_only in (False, True):
        with pytest.raises(ArchiveError, match="symlink loop"):
            Archive.open(loop, read_only=read_only)


@pytest.mark.parametrize("where", ["random", "last"])
def test_damage_in_random_pages_is_detected(db: Path, lib: Path, where: str) -> None:
    for i in range(10):
        make_briefing(lib / "bulk", f"bulk{i}", numbered_cues(300, f"bulk{i}"))
    healthy(db, lib)
    with Archive.open(db) as archive:
        archive.optimize()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    rng = random.Random(12)
    chosen = rng.sample(range(2, pages - 1), 4) if where == "random" else [pages - 1]
    with open(db, "r+b") as fh:
        for page in chosen:
            fh.seek(page * page_size + 16)
            fh.write(rng.randbytes(page_size - 32))
    with pytest.raises(ArchiveError, match="damaged") as info:
        Archive.open(db, read_only=True, verify_s=30)
    assert info.value.rebuildable


def test_quick_check_cut_short_by_its_budget_is_not_an_error(db: Path, lib: Path) -> None:
    healthy(db, lib)
    with Archive.open(db, verify_s=0.0) as archive:
        assert archive.search("climate")


# --- private files ------------------------------------------------------------------------------


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_are_private_whatever_the_umask(tmp_path: Path, lib: Path, loose_umask: None) -> None:
    db = tmp_path / "new" / "deeper" / "archive.sqlite"
    with open_scanned(db, lib):
        created = [p for p in db.parent.iterdir() if not p.name.endswith(".lock")]
        assert {p.name for p in created} >= {"archive.sqlite", "archive.user.sqlite"}
        assert any(p.name.endswith("-wal") for p in created)
        for path in created:
            assert mode(path) == 0o600, path
        assert mode(db.with_name("archive.sqlite.lock")) == 0o600
    assert mode(db.parent) == 0o700 and mode(db.parent.parent) == 0o700
    with Archive.rebuild(db):
        assert mode(db) == 0o600


def test_existing_files_of_ours_are_narrowed(db: Path, lib: Path, loose_umask: None) -> None:
    healthy(db, lib)
    os.chmod(db, 0o644)
    os.chmod(user_db_path_for(db), 0o644)
    with Archive.open(db):
        assert mode(db) == 0o600 and mode(user_db_path_for(db)) == 0o600


# --- foreign files ------------------------------------------------------------------------------


def test_read_only_commands_never_write_beside_a_foreign_file(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    conn = sqlite3.connect(notes)
    conn.execute("CREATE TABLE notes(text TEXT)")
    conn.commit()
    conn.close()
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ArchiveError, match="another program") as info:
        Archive.open(notes, read_only=True)
    assert not info.value.rebuildable
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no notes.user.db, no -shm


def test_read_only_open_without_user_file_creates_none(db: Path, lib: Path) -> None:
    healthy(db, lib)
    user = user_db_path_for(db)
    user.unlink()
    with Archive.open(db, read_only=True) as archive:
        assert len(archive.briefings()) == 4
        with pytest.raises(ArchiveError):
            archive.add_folder(lib)  # nothing can be written
    assert not user.exists()


# --- concurrent use -----------------------------------------------------------------------------


def test_search_while_another_process_removes_a_briefing(
    db: Path, lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hits' cues and their briefings are read in one snapshot: a briefing deleted by
    another connection in between is neither a KeyError nor a half hit."""
    healthy(db, lib)
    reader = Archive.open(db)
    writer = Archive.open(db)
    real = listing_mod.briefings_by_id
    calls: list[int] = []

    def meanwhile(*args: object, **kwargs: object) -> object:
        if not calls:
            writer._index.delete(str(lib / "2024-03-05 talk.mp3"))
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search_mod, "briefings_by_id", meanwhile)
    hits = reader.search("climate")
    assert calls and [h.briefing.title for h in hits] == ["2024-03-05 talk"] * 2
    assert reader.search("climate") == []  # the next search sees the deletion
    assert list(reader.iter_search("climate")) == []
    reader.close()
    writer.close()


def test_a_second_scan_waits_for_the_first(db: Path, lib: Path) -> None:
    healthy(db, lib)
    holder = files.ScanLock(db)
    assert holder.acquire()
    waiting = threading.Event()
    result: list[object] = []
    archive = Archive.open(db)
    worker = threading.Thread(target=lambda: result.append(archive.scan(on_wait=waiting.set)))
    worker.start()
    try:
        assert waiting.wait(WAIT_S)
        assert worker.is_alive() and not result
    finally:
        holder.release()
    worker.join(WAIT_S)
    assert result and not result[0].cancelled  # type: ignore[attr-defined]
    cancel = threading.Event()
    assert holder.acquire()
    cancel.set()
    try:
        assert archive.scan(cancel=cancel).cancelled
    finally:
        holder.release()
    archive.close()


def test_two_index_processes_at_once_never_say_damaged(tmp_path: Path, lib: Path) -> None:
    db = tmp_path / "db" / "archive.sqlite"
    for i in range(30):
        make_briefing(lib / "many", f"m{i:02d}", numbered_cues(200, f"m{i}"))
    command = [sys.executable, "-m", "player", "index", str(lib), "--db", str(db)]
    procs = [
        subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=240) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err.decode()
        assert b"damaged" not in err and b"Traceback" not in err
    with Archive.open(db) as archive:
        assert len(archive.briefings()) == 34
        consistent(archive)


def test_user_store_read_only_missing_is_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "u.sqlite"
    with UserStore.open(path, read_only=True) as store:
        assert store.folders() == [] and store.get_position("x") is None
    assert not path.exists()
