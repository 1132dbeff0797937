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
    added = 0
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err.decode()
        assert b"damaged" not in err and b"Traceback" not in err
        added += int(out.split(b"added ")[1].split(b",")[0])
    assert added == 34  # one run indexed everything; the other waited, then found it done
    with Archive.open(db) as archive:
        assert len(archive.briefings()) == 34
        consistent(archive)


def test_user_store_read_only_missing_is_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "u.sqlite"
    with UserStore.open(path, read_only=True) as store:
        assert store.folders() == [] and store.get_position("x") is None
    assert not path.exists()


# --- scanning hostile trees ---------------------------------------------------------------------

VTT = b"WEBVTT\n\n00:00.000 --> 00:01.000\n%s climate\n"


def test_names_that_are_not_utf8_do_not_stop_the_scan(db: Path, tmp_path: Path) -> None:
    root = tmp_path / "odd"
    root.mkdir()
    raw = os.fsencode(root)
    os.mkdir(raw + b"/d\xffir")
    with open(raw + b"/d\xffir/b\xfe.vtt", "wb") as fh:
        fh.write(VTT % b"folder")
    with open(raw + b"/c\xfe.mp3", "wb") as fh:
        fh.write(b"ID3\x03\x00\x00\x00\x00\x00\x00x")
    with open(raw + b"/c\xfe.vtt", "wb") as fh:
        fh.write(VTT % b"media")
    (root / "z.vtt").write_bytes(VTT % b"last")
    with open_scanned(db, root) as archive:
        rows = {b.path: b for b in archive.briefings()}
        media = os.fsdecode(raw + b"/c\xfe.mp3")
        assert set(rows) == {media, os.fsdecode(raw + b"/d\xffir/b\xfe.vtt"), str(root / "z.vtt")}
        assert os.path.exists(rows[media].path)  # the stored name opens the same file
        assert rows[media].title == "c\\xfe"  # shown with an escape, never a surrogate
        assert {h.text for h in archive.search("climate")} == {
            "folder climate",
            "media climate",
            "last climate",
        }
        archive.set_position(media, 1234)
        assert archive.briefing(media).position_ms == 1234  # type: ignore[union-attr]
        assert archive.scan().added == 0  # the names round-trip: nothing seen as new
        assert archive.remove_folder(root) == 3


def test_symlinks_are_followed_only_inside_the_folder(db: Path, tmp_path: Path) -> None:
    root = tmp_path / "inside"
    make_briefing(root, "own", CLIMATE)
    outside = tmp_path / "outside"
    make_briefing(outside, "foreign", CLIMATE)
    (root / "to-outside").symlink_to(outside)
    (root / "to-proc").symlink_to("/proc")
    (root / "to-root").symlink_to("/")
    (root / "outside-file.vtt").symlink_to(outside / "foreign.vtt")
    (root / "zero.vtt").symlink_to("/dev/zero")
    (root / "loop").symlink_to(root)
    sub = root / "sub"
    make_briefing(sub, "nested", CLIMATE)
    (sub / "back-up").symlink_to(root)
    (root / "alias").symlink_to(sub)  # inside: followed once, the folder itself listed once
    archive = Archive.open(db)
    archive.add_folder(root)
    summary = archive.scan()
    paths = sorted(os.path.relpath(b.path, root) for b in archive.briefings())
    assert paths == ["own.mp3", os.path.join("sub", "nested.mp3")] or paths == [
        os.path.join("alias", "nested.mp3"),
        "own.mp3",
    ]
    reasons = " ".join(r for _, r in summary.skipped)
    assert "outside the library folder" in reasons
    archive.close()


def fifo_or_zero(path: Path, kind: str) -> None:
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_a_sidecar_swapped_after_the_listing_never_hangs_the_scan(
    db: Path, tmp_path: Path, kind: str
) -> None:
    root = tmp_path / "swap"
    media = make_briefing(root, "talk", CLIMATE)
    make_briefing(root, "other", numbered_cues(3, "other"))
    swapped = threading.Event()

    def progress(p: object) -> None:
        if getattr(p, "phase", "") == "indexing" and not swapped.is_set():
            fifo_or_zero(root / "talk.vtt", kind)
            swapped.set()

    archive = Archive.open(db)
    archive.add_folder(root)
    done: list[object] = []
    worker = threading.Thread(target=lambda: done.append(archive.scan(progress=progress)))
    worker.start()
    worker.join(WAIT_S)
    if worker.is_alive():  # unblock a scan stuck on the FIFO before failing
        fd = os.open(root / "talk.vtt", os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        worker.join(WAIT_S)
        pytest.fail("the scan blocked on a swapped sidecar")
    assert swapped.is_set() and done
    row = archive.briefing(str(media))
    assert row is not None and row.error and "not a regular file" in row.error
    assert archive.search("other")  # everything else indexed
    archive.close()


def test_a_huge_transcript_is_refused_not_read(db: Path, tmp_path: Path) -> None:
    root = tmp_path / "huge"
    make_briefing(root, "fine", CLIMATE)
    big = root / "x.vtt"
    with big.open("wb") as fh:
        fh.write(b"WEBVTT\n\n")
        fh.truncate(2 * 1024**3)  # sparse: 2 GB that cost nothing on disk
    with open_scanned(db, root) as archive:
        row = archive.briefing(str(big))
        assert row is not None and row.error and "too large" in row.error
        assert archive.search("climate")


INDEXER = """
import sys
from player.core.archive.library import Archive
db, lib, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
with Archive.open(db) as archive:
    for _ in range(rounds):
        archive.add_folder(lib)
        archive.scan()
        archive.remove_folder(lib)
print("done")
"""


def test_searching_while_another_process_indexes_and_removes(db: Path, tmp_path: Path) -> None:
    """Issue 12: archive search while another process indexes raised KeyError in _hits."""
    churn = tmp_path / "churn"
    for i in range(30):
        make_briefing(churn, f"c{i:02d}", numbered_cues(40, "climate"))
    Archive.open(db).close()
    child = subprocess.Popen(
        [sys.executable, "-c", INDEXER, str(db), str(churn), "6"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    searches = 0
    with Archive.open(db) as archive:
        while child.poll() is None or searches < 5:
            for hit in archive.search("climate", limit=200):
                assert hit.briefing.path.startswith(str(churn))
            for hit in archive.iter_search("climate", batch=50):
                assert hit.text.startswith("climate")
            searches += 1
    out, err = child.communicate(timeout=WAIT_S)
    assert child.returncode == 0 and out.strip() == b"done", err.decode()
    assert searches >= 5
