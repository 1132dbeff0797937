"""Indexers share a library root folder by folder: the ancestors of the folder being indexed are
held shared and the folder itself exclusive. Two indexers of sibling folders run at the same time
(real processes on a real throw-away server); a second indexer of the same folder, of its parent
or of a folder inside it is turned away at once. The same rule holds for the embedded SQLite
store inside one process, and a subfolder is indexed under its root's name."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from player.core.archive.folder_locks import FolderLocks, folder_chain, normal_folder
from player.core.archive.records import ArchiveError
from player.core.archive.shared_index import index_root
from player.core.archive.sqlite_store import SqliteStore
from player.core.archive.store import ArchiveStore
from tests.pg.conftest import require_server
from tests.pg.server import PgServer

REPO = Path(__file__).resolve().parents[2]
VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Anna>{text}\n"


# ----- the rule, without a server -------------------------------------------------------------


def test_a_folders_chain_is_its_ancestors_then_itself() -> None:
    assert folder_chain("") == ("",)
    assert folder_chain("2024") == ("", "2024")
    assert folder_chain("/2024//march/./") == ("", "2024", "2024/march")
    assert normal_folder("a\\b") == "a/b"
    with pytest.raises(ArchiveError):
        normal_folder("a/../../etc")


@pytest.mark.parametrize(
    ("held", "wanted", "allowed"),
    [
        ("a", "b", True),  # siblings
        ("a/x", "a/y", True),  # siblings deeper down
        ("a", "a", False),  # the same folder
        ("a", "", False),  # its parent (the whole root)
        ("", "a", False),  # the whole root is being indexed
        ("a", "a/x", False),  # a folder inside it
        ("a/x", "a", False),  # a folder above it
        ("ab", "a", True),  # a name that only starts alike
    ],
)
def test_which_folders_two_indexers_may_hold_together(
    held: str, wanted: str, allowed: bool
) -> None:
    locks, first, second = FolderLocks(), object(), object()
    assert locks.try_acquire(first, "news", held)
    assert locks.try_acquire(first, "news", held)  # a holder never conflicts with itself
    locks.release(first, "news", held)
    assert locks.try_acquire(second, "news", wanted) is allowed
    assert locks.try_acquire(second, "other", held)  # another root: never in the way
    locks.release(second, "other", held)
    if allowed:
        locks.release(second, "news", wanted)
    assert locks.try_acquire(second, "news", wanted) is allowed  # refusing took nothing
    if allowed:
        locks.release(second, "news", wanted)
    locks.release(first, "news", held)
    assert locks.try_acquire(object(), "news", "")  # all given back


# ----- both stores ------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def two_stores(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[ArchiveStore, ArchiveStore]]:
    """Two stores on one archive (two connections)."""
    made: list[ArchiveStore] = []
    if request.param == "sqlite":
        made = [SqliteStore(tmp_path / "shared.sqlite"), SqliteStore(tmp_path / "shared.sqlite")]
    else:
        require_server()
        from player.engines.postgres_store import PostgresStore

        url = request.getfixturevalue("pg_server").new_database("locks")
        made = [PostgresStore(url), PostgresStore(url)]
    yield made[0], made[1]
    for store in made:
        store.close()


def test_both_stores_lock_folder_by_folder(two_stores) -> None:  # type: ignore[no-untyped-def]
    first, second = two_stores
    with first.folder_lock("news", "2024/march") as got:
        assert got is True
        for folder, allowed in [
            ("2024/april", True),
            ("2023", True),
            ("2024/march", False),
            ("2024", False),
            ("", False),
            ("2024/march/week1", False),
        ]:
            with second.folder_lock("news", folder) as other:
                assert other is allowed, folder
        with second.folder_lock("sport", "") as other_root:
            assert other_root is True
    with second.folder_lock("news", "") as after:  # everything given back
        assert after is True
        with first.folder_lock("news", "2024") as inside:
            assert inside is False


def tree(folder: Path, names: dict[str, str]) -> None:
    for rel, text in names.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(VTT.format(text=text), encoding="utf-8")


def test_a_subfolder_is_indexed_under_its_roots_name(two_stores, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, _ = two_stores
    share = tmp_path / "news"
    tree(share, {"a/one.vtt": "harbour one", "b/two.vtt": "harbour two"})
    assert index_root(store, "news", share).written == 2
    (share / "a" / "one.vtt").unlink()
    tree(share, {"a/three.vtt": "harbour three"})
    (share / "b" / "two.vtt").unlink()  # gone too, but b is not being indexed
    scan = index_root(store, "news", share / "a", under="a")
    assert (scan.written, scan.removed, scan.busy) == (1, 1, False)
    assert [b.relpath for b in store.briefings("news")] == ["a/three.vtt", "b/two.vtt"]


# ----- real indexers in two processes -----------------------------------------------------------

_INDEXER = """
import sys
from player.core.archive.shared_index import index_root
from player.engines.postgres_store import PostgresStore

url, folder, under, hold = sys.argv[1:5]
store = PostgresStore(url)
held = []

def progress(_step):
    if hold == "hold" and not held:  # the lock is taken: wait here until told
        held.append(True)
        print("holding", flush=True)
        sys.stdin.readline()

scan = index_root(store, "news", folder, under=under, progress=progress)
print(f"busy={scan.busy} written={scan.written}", flush=True)
store.close()
"""


def indexer(url: str, share: Path, under: str, *, hold: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _INDEXER, url, str(share / under), under, "hold" if hold else "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=REPO,
        text=True,
    )


def finish(proc: subprocess.Popen[str]) -> str:
    out, _ = proc.communicate("\n", timeout=120)
    assert proc.returncode == 0
    return out.strip().splitlines()[-1]


def test_two_indexer_processes_of_sibling_folders_run_together(
    pg_server: PgServer, tmp_path: Path
) -> None:
    from player.engines.postgres_store import PostgresStore

    url = pg_server.new_database("indexers")
    share = tmp_path / "news"
    tree(share, {f"2024/march/{n}.vtt": f"march {n}" for n in range(5)})
    tree(share, {f"2024/april/{n}.vtt": f"april {n}" for n in range(3)})
    tree(share, {"2024/march/week1/x.vtt": "deep"})
    first = indexer(url, share, "2024/march", hold=True)
    try:
        assert first.stdout is not None and first.stdout.readline().strip() == "holding"
        # while the first process holds 2024/march, mid-index:
        assert finish(indexer(url, share, "2024/april")) == "busy=False written=3"
        assert finish(indexer(url, share, "2024/march")) == "busy=True written=0"
        assert finish(indexer(url, share, "2024")) == "busy=True written=0"
        assert finish(indexer(url, share, "2024/march/week1")) == "busy=True written=0"
        assert first.poll() is None  # still holding
        assert finish(first) == "busy=False written=6"
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    store = PostgresStore(url)
    try:
        rows = [b.relpath for b in store.briefings("news")]
        assert len(rows) == len(set(rows)) == 9
        assert sum(r.startswith("2024/april/") for r in rows) == 3
        assert finish(indexer(url, share, "2024")) == "busy=False written=0"  # all free again
    finally:
        store.close()


def test_the_command_line_indexes_a_subfolder_of_a_mapped_root(
    pg_server: PgServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from player.cli.dispatch import run_subcommand

    share = tmp_path / "mnt" / "news"
    tree(share, {"2024/one.vtt": "harbour", "2023/two.vtt": "budget"})
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("BRIEFING_PLAYER_ROOTS", f"news={share}")
    monkeypatch.setenv("BRIEFING_PLAYER_DB", pg_server.new_database("cli"))
    assert run_subcommand(["index", str(share / "2024")]) == 0
    out, _ = capsys.readouterr()
    assert "news:2024: seen 1, written 1" in out
    assert run_subcommand(["library", "--json"]) == 0
    out, _ = capsys.readouterr()
    assert '"relpath": "2024/one.vtt"' in out and "2023" not in out


def test_a_killed_indexers_folder_is_free_again(pg_server: PgServer, tmp_path: Path) -> None:
    url = pg_server.new_database("killed")
    share = tmp_path / "news"
    tree(share, {f"desk/{n}.vtt": f"desk {n}" for n in range(3)})
    first = indexer(url, share, "desk", hold=True)
    try:
        assert first.stdout is not None and first.stdout.readline().strip() == "holding"
        assert finish(indexer(url, share, "desk")) == "busy=True written=0"
        first.kill()  # SIGKILL, mid-index: its locks go with its connection
        first.wait(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
        for stream in (first.stdin, first.stdout):
            if stream is not None:
                stream.close()
    deadline = time.monotonic() + 60
    while True:  # the server notices the closed connection at once; allow a loaded machine
        last = finish(indexer(url, share, "desk"))
        if last != "busy=True written=0" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert last == "busy=False written=3"
