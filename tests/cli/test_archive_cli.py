"""``briefing-player index``, ``library`` and ``search QUERY`` (no FILE) over the archive."""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from player.cli import archive as archive_cmd
from player.cli.dispatch import run_subcommand
from player.core.archive.library import Archive, ScanProgress
from tests.conftest import REPO
from tests.core.test_archive import CLIMATE, make_briefing, numbered_cues

SUMMARY = re.compile(
    r"^seen (\d+), added (\d+), updated (\d+), removed (\d+), failed (\d+), cues (\d+), "
    r"in \d+\.\d s$"
)


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    make_briefing(folder, "2024-03-05 press briefing", CLIMATE)
    make_briefing(folder / "old", "2019-11-30 hearing")
    make_briefing(folder, "second", [(1000, 2000, None, "Climate\nreport, on two lines\tand tab")])
    return folder


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "db" / "archive.sqlite"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = run_subcommand(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_index_prints_summary_and_warnings(
    capsys: pytest.CaptureFixture[str], lib: Path, db: Path
) -> None:
    (lib / "broken.mp3").write_bytes(b"x")
    (lib / "broken.vtt").write_text("this is not a transcript\n", encoding="utf-8")
    status, out, err = run(capsys, "index", str(lib), "--db", str(db))
    assert status == 0
    m = SUMMARY.match(out.strip())
    assert m, out
    assert m.groups()[:6] == ("4", "4", "0", "0", "1", "5")
    assert f"warning: {lib / 'broken.vtt'}" in err
    assert "Traceback" not in err
    status, out, _ = run(capsys, "index", str(lib), "--db", str(db))
    assert SUMMARY.match(out.strip()).groups()[:6] == ("4", "0", "0", "0", "0", "0")  # type: ignore[union-attr]


def test_index_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path, db: Path) -> None:
    status, _, err = run(capsys, "index", str(tmp_path / "nope"), "--db", str(db))
    assert status == 2 and "no such folder" in err
    assert run(capsys, "index", str(tmp_path), "--db", str(db))[0] == 0
    db.write_bytes(b"garbage, not sqlite" * 100)  # our index, damaged beyond recognition
    for side in ("-wal", "-shm"):
        Path(str(db) + side).unlink(missing_ok=True)
    status, _, err = run(capsys, "index", str(tmp_path), "--db", str(db))
    assert status == 2
    assert err.startswith(f"error: the archive index {db} is not a database file")
    assert "--rebuild" in err and "Traceback" not in err
    status, out, err = run(capsys, "index", str(tmp_path), "--db", str(db), "--rebuild")
    assert status == 0 and SUMMARY.match(out.strip())
    assert any(p.name.startswith("archive.sqlite.corrupt-") for p in db.parent.iterdir())


def test_library_text_and_json(capsys: pytest.CaptureFixture[str], lib: Path, db: Path) -> None:
    status, out, err = run(capsys, "library", "--db", str(db))
    assert status == 0 and out == "" and "archive is empty" in err
    assert not db.exists()  # listing does not create an archive
    run(capsys, "index", str(lib), "--db", str(db))
    with Archive.open(db) as archive:
        archive.set_position(lib / "second.mp3", 1500)
    status, out, _ = run(capsys, "library", "--db", str(db))
    lines = out.splitlines()
    assert status == 0 and len(lines) == 3
    assert (
        lines[0]
        == f"2019-11-30\t-\tnone\t0 cues\t2019-11-30 hearing\t{lib / 'old'}/2019-11-30 hearing.mp3"
    )
    assert lines[1].startswith("2024-03-05\t-\t?\t4 cues\t2024-03-05 press briefing\t")
    status, out, _ = run(capsys, "library", "--json", "--sort", "title", "--db", str(db))
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["title"] for r in records] == [
        "2019-11-30 hearing",
        "2024-03-05 press briefing",
        "second",
    ]
    assert records[2]["position"] == 1.5 and records[2]["cues"] == 1
    assert records[0]["transcript"] is None and records[1]["warnings"] == 0
    status, out, _ = run(capsys, "library", "--filter", "hearing", "--db", str(db))
    assert len(out.splitlines()) == 1


def test_search_archive_output_and_exit_codes(
    capsys: pytest.CaptureFixture[str], lib: Path, db: Path
) -> None:
    run(capsys, "index", str(lib), "--db", str(db))
    briefing = lib / "2024-03-05 press briefing.mp3"
    status, out, _ = run(capsys, "search", "climate", "--db", str(db))
    assert status == 0
    assert out.splitlines() == [
        f"{briefing}\t00:00:04.000\tReporter: Question about the climate report?",
        f"{briefing}\t00:00:07.000\tThe climate report was published on Tuesday.",
        f"{lib / 'second.mp3'}\t00:00:01.000\tClimate / report, on two lines and tab",
    ]
    status, out, _ = run(
        capsys, "search", '"climate report"', "--json", "--limit", "1", "--db", str(db)
    )
    assert status == 0
    assert [json.loads(line) for line in out.splitlines()] == [
        {
            "file": str(briefing),
            "start": 4.0,
            "end": 6.5,
            "speaker": "Reporter",
            "text": "Question about the climate report?",
        }
    ]
    status, out, _ = run(capsys, "search", "climate", "--speaker", "reporter", "--db", str(db))
    assert status == 0 and len(out.splitlines()) == 1
    status, out, _ = run(capsys, "search", "Climate", "--case-sensitive", "--db", str(db))
    assert status == 0 and len(out.splitlines()) == 1
    status, out, _ = run(capsys, "search", r"caf\w", "--regex", "--db", str(db))
    assert status == 0 and "café" in out
    status, out, _ = run(capsys, "search", "zeitgeist", "--db", str(db))
    assert (status, out) == (1, "")
    status, out, err = run(capsys, "search", "-", "--db", str(db))
    assert status == 2 and err.startswith("error: nothing to search for")
    status, out, err = run(capsys, "search", "(", "--regex", "--db", str(db))
    assert status == 2 and "invalid regular expression" in err


def test_search_without_archive(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, "search", "x", "--db", str(tmp_path / "none.sqlite"))
    assert status == 2 and "does not exist yet" in err


def test_progress_bar_draws_and_clears() -> None:
    stream = io.StringIO()
    bar = archive_cmd._ProgressBar(stream)
    bar(ScanProgress("indexing", 5, 10, "/x/briefing.mp3"))
    assert "[###############---------------] 5/10 briefing.mp3" in stream.getvalue()
    bar.clear()
    assert stream.getvalue().endswith("\r")


def test_default_db_is_in_the_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert archive_cmd.default_db_path() == tmp_path / "xdg" / "briefing-player" / "archive.sqlite"


def test_index_as_a_real_process(lib: Path, db: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "player", "index", str(lib), "--db", str(db)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert SUMMARY.match(proc.stdout.strip())
    proc = subprocess.run(
        [sys.executable, "-m", "player", "search", "café", "--db", str(db)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and "Good afternoon" in proc.stdout


def test_index_draws_a_progress_bar_on_a_terminal(lib: Path, db: Path) -> None:
    import os
    import pty

    for i in range(40):
        make_briefing(lib / "many", f"b{i:02d}", numbered_cues(200))
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "player", "index", str(lib), "--db", str(db)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    out, _ = proc.communicate(timeout=120)
    os.close(master)
    terminal = b"".join(chunks).decode()
    assert proc.returncode == 0
    assert "listing folders" in terminal or "[#" in terminal
    assert re.fullmatch(r"(\r[^\r\n]+)+\r +\r", terminal)  # drawn in place, then wiped
    assert "[###" in terminal or "listing folders… 1" in terminal
    assert SUMMARY.match(out.decode().strip())


# --- issue 12: hostile archives and folders -----------------------------------------------------


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` read-only for this process: its permissions, or (for root, whom
    permissions do not stop) a read-only bind mount of it onto itself."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"running as root and cannot bind-mount: {mounted.stderr!r}")
    try:
        remount = ["mount", "-o", "remount,ro,bind", str(folder)]
        if subprocess.run(remount, capture_output=True).returncode != 0:
            pytest.skip("running as root and cannot remount read-only")
        yield
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True, check=True)


def test_an_archive_in_a_read_only_folder_can_be_read(
    capsys: pytest.CaptureFixture[str], lib: Path, db: Path
) -> None:
    assert run(capsys, "index", str(lib), "--db", str(db))[0] == 0
    before = sorted(p.name for p in db.parent.iterdir())
    with read_only(db.parent):
        status, out, err = run(capsys, "library", "--db", str(db))
        assert status == 0 and "press briefing" in out, err
        status, out, err = run(capsys, "search", "climate", "--db", str(db))
        assert status == 0 and "climate report" in out, err
        status, out, err = run(capsys, "index", str(lib), "--db", str(db))
        assert status == 2 and "cannot write" in err and "read-only" in err, err
        assert "Traceback" not in err
        assert sorted(p.name for p in db.parent.iterdir()) == before


def test_library_on_a_foreign_database_writes_nothing_beside_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, lib: Path
) -> None:
    notes = tmp_path / "notes.db"
    conn = sqlite3.connect(notes)
    conn.execute("CREATE TABLE notes(text TEXT)")
    conn.commit()
    conn.close()
    before = notes.read_bytes()
    status, out, err = run(capsys, "library", "--db", str(notes))
    assert status == 2 and out == ""
    assert "another program" in err and "--rebuild" not in err
    status, _, err = run(capsys, "search", "climate", "--db", str(notes))
    assert status == 2 and "another program" in err
    status, _, err = run(capsys, "index", str(lib), "--db", str(notes), "--rebuild")
    assert status == 2 and "not a Briefing Player index" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["library", "notes.db"]
    assert notes.read_bytes() == before


def test_library_and_index_notice_damaged_pages(
    capsys: pytest.CaptureFixture[str], lib: Path, db: Path
) -> None:
    for i in range(10):
        make_briefing(lib / "bulk", f"bulk{i}", numbered_cues(300, f"bulk{i}"))
    assert run(capsys, "index", str(lib), "--db", str(db))[0] == 0
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size, pages = (
        conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_size", "page_count")
    )
    conn.close()
    rng = random.Random(5)
    with open(db, "r+b") as fh:
        for page in rng.sample(range(2, pages - 1), 4):
            fh.seek(page * page_size + 16)
            fh.write(rng.randbytes(page_size - 32))
    for argv in (["library"], ["index", str(lib)]):
        status, _, err = run(capsys, *argv, "--db", str(db))
        assert status == 2 and "damaged" in err and "--rebuild" in err, (argv, err)
    status, out, _ = run(capsys, "index", str(lib), "--db", str(db), "--rebuild")
    assert status == 0 and SUMMARY.match(out.strip())


def test_empty_and_looping_databases_get_clear_messages(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    status, _, err = run(capsys, "library", "--db", str(empty))
    assert status == 2 and "is empty (0 bytes)" in err
    loop = tmp_path / "loop.sqlite"
    loop.symlink_to(loop)
    for argv in (["library"], ["search", "x"], ["index", str(tmp_path)]):
        status, _, err = run(capsys, *argv, "--db", str(loop))
        assert status == 2 and "symlink loop" in err, (argv, err)


@contextlib.contextmanager
def tiny_disk(where: Path, size_kb: int) -> Iterator[Path]:
    """A real, small file system (tmpfs) mounted at ``where`` (root only; skipped otherwise)."""
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a small tmpfs needs root; the max_page_count tests cover a full disk")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr!r}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=True)


def fill(folder: Path) -> Path:
    """Fill the disk under ``folder`` to the last byte; returns the filler file."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    return filler


def test_rebuild_on_a_really_full_disk_keeps_the_index(
    capsys: pytest.CaptureFixture[str], lib: Path, tmp_path: Path
) -> None:
    with tiny_disk(tmp_path / "disk", 2048) as disk:
        db = disk / "archive.sqlite"
        assert run(capsys, "index", str(lib), "--db", str(db))[0] == 0
        before = db.read_bytes()
        filler = fill(disk)
        status, _, err = run(capsys, "index", str(lib), "--db", str(db), "--rebuild")
        assert status == 2 and "rollback" not in err and "Traceback" not in err
        assert "left as it is" in err or "full" in err, err
        assert db.read_bytes() == before
        assert not [p for p in disk.iterdir() if ".corrupt-" in p.name or ".new-" in p.name]
        status, out, err = run(capsys, "library", "--db", str(db))
        assert status == 0 and "press briefing" in out, err
        filler.unlink()
        status, out, err = run(capsys, "index", str(lib), "--db", str(db))
        assert status == 0 and SUMMARY.match(out.strip()), err
        status, out, _ = run(capsys, "index", str(lib), "--db", str(db), "--rebuild")
        assert status == 0 and SUMMARY.match(out.strip())


def test_library_lists_without_positions_when_the_user_file_is_damaged(
    capsys: pytest.CaptureFixture[str], lib: Path, db: Path
) -> None:
    assert run(capsys, "index", str(lib), "--db", str(db))[0] == 0
    user = db.with_name("archive.user.sqlite")
    user.write_bytes(b"\x00garbage" * 500)
    for side in ("-wal", "-shm"):
        Path(str(user) + side).unlink(missing_ok=True)
    status, out, err = run(capsys, "library", "--db", str(db))
    assert status == 0 and "press briefing" in out
    assert "warning: the user-data file" in err and "without resume positions" in err
    status, out, err = run(capsys, "search", "climate", "--db", str(db))
    assert status == 0 and "climate report" in out and "warning" in err
    assert user.read_bytes().startswith(b"\x00garbage")  # never overwritten
    status, _, err = run(capsys, "index", str(lib), "--db", str(db))
    assert status == 2 and "user-data file" in err  # writing needs it: refused, untouched
