"""The PostgreSQL store under concurrency and faults, on real throw-away servers: two indexers
and a search loop (nothing lost or duplicated, never half a briefing seen), one indexer per
folder, an indexer killed with SIGKILL mid-briefing, the server stopped mid-search and back, the
server stopped under `briefing-player index` (a clear message, only whole briefings kept), and
the address never shown with its password."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from player.core.archive.records import ArchiveError
from player.core.archive.store import SharedBriefing, StoreUnavailable
from player.core.model import Cue
from tests.pg.server import PgServer

pytestmark = pytest.mark.usefixtures("pg_server")

REPO = Path(__file__).resolve().parents[2]


def briefing(n: int, cues: int = 40, word: str = "common") -> SharedBriefing:
    return SharedBriefing(
        "desk",
        f"day/{n:03d}.vtt",
        f"Briefing {n}",
        cues=tuple(
            Cue(None, i * 1000, i * 1000 + 500, f"{word} words {n} line {i}", ("Host",))
            for i in range(cues)
        ),
    )


@pytest.fixture
def store_at(pg_url: str) -> Iterator[object]:
    from player.engines.postgres_store import PostgresStore

    made: list[PostgresStore] = []

    def make() -> PostgresStore:
        made.append(PostgresStore(pg_url))
        return made[-1]

    yield make
    for store in made:
        store.close()


def test_two_indexers_and_a_search_loop_lose_and_duplicate_nothing(store_at) -> None:  # type: ignore[no-untyped-def]
    writers = [store_at(), store_at()]
    reader = store_at()
    for n in range(30):
        reader.delete("desk", f"day/{n:03d}.vtt")
    errors: list[BaseException] = []
    counts: list[int] = []
    done = threading.Event()

    def index(store) -> None:  # type: ignore[no-untyped-def]
        try:
            for n in range(30):  # both write every briefing: the same rows, replaced whole
                store.write(briefing(n))
        except BaseException as err:
            errors.append(err)

    def search() -> None:
        try:
            while not done.is_set():
                counts.append(reader.count("common"))
                hits = reader.search("common words", limit=200)
                assert len({(h.relpath, h.cue_idx) for h in hits}) == len(hits)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=index, args=(w,)) for w in writers]
    searcher = threading.Thread(target=search)
    searcher.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    done.set()
    searcher.join(timeout=60)
    assert errors == []
    assert counts and all(c % 40 == 0 and c <= 30 * 40 for c in counts)  # whole briefings only
    rows = reader.briefings("desk")
    assert [r.relpath for r in rows] == [f"day/{n:03d}.vtt" for n in range(30)]
    assert all(r.cue_count == 40 for r in rows)
    assert reader.count("common") == 30 * 40
    hits = reader.search("line", limit=5000)
    assert len(hits) == 1200 and len({(h.relpath, h.cue_idx) for h in hits}) == 1200


def test_one_indexer_per_folder_across_connections(store_at) -> None:  # type: ignore[no-untyped-def]
    first, second = store_at(), store_at()
    with first.folder_lock("desk", "day") as got:
        assert got is True
        with second.folder_lock("desk", "day") as other:
            assert other is False
        with second.folder_lock("desk", "night") as elsewhere:
            assert elsewhere is True
    with second.folder_lock("desk", "day") as after:
        assert after is True


_KILLED_WRITER = """
import sys
from player.core.archive.store import SharedBriefing
from player.core.model import Cue
from player.engines.postgres_store import PostgresStore

store = PostgresStore(sys.argv[1])
store.write(SharedBriefing("desk", "kill/whole.vtt", "Whole", cues=[Cue(None, 0, 1, "whole one")]))

def cues():
    for i in range(100_000):
        if i == 5_000:
            sys.stdout.write("half\\n")
            sys.stdout.flush()
            sys.stdin.readline()  # wait here, mid-transaction, until killed
        yield Cue(None, i, i + 1, f"halfway line {i}")

store.write(SharedBriefing("desk", "kill/half.vtt", "Half", cues=cues()))
"""


def test_an_indexer_killed_mid_briefing_leaves_nothing_of_it(store_at, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, pg_url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=REPO,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "half"
        reader = store_at()
        # the writer's transaction is open on the server (its rows are not visible)
        assert [r.relpath for r in reader.briefings("desk") if r.relpath.startswith("kill/")] == [
            "kill/whole.vtt"
        ]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdin is not None:
            proc.stdin.close()
        if proc.stdout is not None:
            proc.stdout.close()
    reader = store_at()
    assert [r.relpath for r in reader.briefings("desk") if r.relpath.startswith("kill/")] == [
        "kill/whole.vtt"
    ]
    assert reader.count("halfway") == 0
    reader.write(
        SharedBriefing("desk", "kill/half.vtt", "Again", cues=[Cue(None, 0, 1, "halfway")])
    )
    assert reader.count("halfway") == 1  # the killed writer's row lock went with it


def test_the_server_stopped_mid_search_then_back(own_server: PgServer) -> None:
    from player.engines.postgres_store import PostgresStore

    url = own_server.new_database("faults")
    store = PostgresStore(url)
    try:
        for n in range(5):
            store.write(briefing(n))
        failures: list[BaseException] = []
        answers: list[int] = []
        stop = threading.Event()

        def loop() -> None:
            while not stop.is_set():
                try:
                    answers.append(len(store.search("common", limit=100)))
                except StoreUnavailable as err:
                    failures.append(err)
                except BaseException as err:
                    failures.append(err)
                    return

        thread = threading.Thread(target=loop)
        thread.start()
        deadline = time.monotonic() + 60
        while not answers and time.monotonic() < deadline:
            time.sleep(0.01)
        own_server.stop("fast")  # searches in flight are cut off
        while not failures and time.monotonic() < deadline:
            time.sleep(0.01)
        own_server.start()
        before = len(answers)
        while len(answers) == before and time.monotonic() < deadline:
            time.sleep(0.01)
        stop.set()
        thread.join(timeout=60)
        assert failures, "the search loop never saw the server go"
        assert all(isinstance(f, StoreUnavailable) for f in failures), failures
        assert "not answering" in str(failures[0])
        assert len(answers) > before and answers[-1] == 100  # reconnected by itself
    finally:
        store.close()


def test_the_password_is_never_shown_or_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from player.engines.postgres_store import PostgresStore

    url = f"postgresql://reporter:S3cr3t-pw@/news?host={tmp_path}&password=S3cr3t-pw"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(StoreUnavailable) as caught:
        PostgresStore(url)
    assert "S3cr3t-pw" not in str(caught.value)
    assert "postgresql://reporter@/news" in str(caught.value)
    assert "S3cr3t-pw" not in caplog.text
    assert isinstance(caught.value, ArchiveError)


def test_no_archive_yet_says_how_to_make_one(pg_server: PgServer) -> None:
    from player.engines.postgres_store import PostgresStore

    with pytest.raises(ArchiveError, match="archive init"):
        PostgresStore(pg_server.new_database("empty"), migrate=False)


def test_migrations_run_forward_from_an_older_schema(pg_server: PgServer) -> None:
    import psycopg

    from player.engines.postgres_store import MIGRATIONS, PostgresStore

    url = pg_server.new_database("old")
    with psycopg.connect(url, autocommit=True) as conn:  # an archive made by version 1
        conn.execute("CREATE EXTENSION unaccent")
        conn.execute("CREATE TABLE bp_schema(version integer NOT NULL)")
        conn.execute("INSERT INTO bp_schema VALUES (1)")
        conn.execute(MIGRATIONS[0].encode())
    store = PostgresStore(url)
    try:
        assert store.schema_version() == len(MIGRATIONS) == 3
        store.write(briefing(1))
        assert store.count("common") == 40
    finally:
        store.close()


def test_a_role_that_may_not_add_unaccent_is_told_what_to_do(pg_server: PgServer) -> None:
    import psycopg

    from player.engines.postgres_store import PostgresStore

    url = pg_server.new_database("plain")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS reporter")
        conn.execute("CREATE ROLE reporter LOGIN")
        name = urlsplit(url).path.lstrip("/")
        conn.execute(f'GRANT CONNECT ON DATABASE "{name}" TO reporter')
    as_reporter = url.replace("bp_test@", "reporter@")
    with pytest.raises(ArchiveError, match="unaccent") as caught:
        PostgresStore(as_reporter)
    assert "CREATE EXTENSION unaccent" in str(caught.value)


def test_a_role_that_may_only_read_searches_but_cannot_write(pg_server: PgServer) -> None:
    import psycopg

    from player.engines.postgres_store import PostgresStore

    url = pg_server.new_database("readers")
    owner = PostgresStore(url)
    owner.write(briefing(1))
    owner.close()
    with psycopg.connect(url, autocommit=True) as conn:
        name = urlsplit(url).path.lstrip("/")
        conn.execute("DROP ROLE IF EXISTS reader")
        conn.execute("CREATE ROLE reader LOGIN")
        conn.execute(f'GRANT CONNECT ON DATABASE "{name}" TO reader')
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
    store = PostgresStore(url.replace("bp_test@", "reader@"))
    try:
        assert store.count("common") == 40 and len(store.search("common", limit=5)) == 5
        with pytest.raises(ArchiveError, match="refused"):
            store.write(briefing(2))
        assert store.count("common") == 40  # and the store goes on after a refusal
    finally:
        store.close()


def test_the_server_stopped_mid_index_the_command_says_so_and_keeps_whole_briefings(
    own_server: PgServer, tmp_path: Path
) -> None:
    from player.engines.postgres_store import PostgresStore

    url = own_server.new_database("midindex")
    folder = tmp_path / "desk"
    folder.mkdir()
    stamps = (f"{i // 60:02d}:{i % 60:02d}" for i in range(2000))
    lines = "".join(f"\n{t}.000 --> {t}.500\nline of a long day\n" for t in stamps)
    for n in range(300):
        (folder / f"{n:03d}.vtt").write_text(f"WEBVTT\n{lines}", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "BRIEFING_PLAYER_DB"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "player", "index", str(folder), "--db", url, "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env,
        text=True,
    )
    try:
        watcher = PostgresStore(url)
        deadline = time.monotonic() + 120
        try:
            while time.monotonic() < deadline and proc.poll() is None:
                if len(watcher.briefings("desk")) >= 3:
                    break
                time.sleep(0.05)
        finally:
            watcher.close()
        assert proc.poll() is None, "the indexer ended before the server could be stopped"
        own_server.stop("fast")  # the indexer's connection is cut mid-folder
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        own_server.start()
    assert proc.returncode == 2, (out, err)
    assert "Traceback" not in err and "not answering" in err, err
    store = PostgresStore(url)
    try:
        written = store.briefings("desk")
        assert 3 <= len(written) < 300
        assert store.count("long") == 2000 * len(written)  # every briefing whole, none half
    finally:
        store.close()
