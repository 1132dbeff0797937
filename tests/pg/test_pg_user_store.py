"""Per-user data on a real throw-away PostgreSQL server: two machines that mount the share at
different places see the same positions and bookmarks; files off the shared roots stay local;
two real login roles never see or change each other's rows (row-level security, also through
plain SQL); the schema migrates forward from version 2; a server stopped mid-write leaves
nothing half-written and raises ``StoreUnavailable``, and the store reconnects by itself."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from player.core.archive.records import ArchiveError, media_key
from player.core.archive.roots import RootMap
from player.core.archive.store import SharedBriefing, StoreUnavailable
from player.core.archive.user_store import UserStore
from player.core.model import Cue
from tests.pg.server import PgServer

try:
    import psycopg
except ImportError:  # the server fixture skips (or fails under CI) with the reason
    psycopg = None

pytestmark = pytest.mark.usefixtures("pg_server")


def mapped(folder: Path, name: str = "news") -> RootMap:
    roots = RootMap()
    roots.add(name, folder)
    return roots


@pytest.fixture
def local(tmp_path: Path) -> Iterator[UserStore]:
    store = UserStore.open(tmp_path / "user.sqlite")
    yield store
    store.close()


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """A fresh database for each test (roles and rows of one test never meet another's)."""
    return pg_server.new_database("users")


def new_role(url: str) -> str:
    """A fresh login role that may connect to ``url``'s database; the URL as that role."""
    role = f"reporter_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
        name = urlsplit(url).path.lstrip("/")
        conn.execute(f'GRANT CONNECT ON DATABASE "{name}" TO "{role}"')
    return url.replace("bp_test@", f"{role}@")


def test_two_machines_mounting_the_share_differently_see_the_same_data(
    pg_url: str, tmp_path: Path
) -> None:
    from player.engines.postgres_user_store import PostgresUserStore

    here, there = tmp_path / "mnt" / "news", tmp_path / "media" / "share" / "news"
    with (
        UserStore.open(tmp_path / "a.sqlite") as local_a,
        UserStore.open(tmp_path / "b.sqlite") as local_b,
        PostgresUserStore(pg_url, mapped(here), local_a) as laptop,
        PostgresUserStore(pg_url, mapped(there), local_b) as desk,
    ):
        laptop.set_position(here / "2024" / "budget.mp4", 61_000)
        mark = laptop.add_bookmark(here / "2024" / "budget.mp4", 5000, "vote", "12 to 3")
        assert desk.get_position(there / "2024" / "budget.mp4") == 61_000
        (seen,) = desk.bookmarks(there / "2024" / "budget.mp4")
        assert (seen.id, seen.label, seen.note) == (mark, "vote", "12 to 3")
        assert seen.media_key == media_key(there / "2024" / "budget.mp4")
        desk.set_bookmark_note(mark, "12 to 4")
        assert laptop.bookmarks(here / "2024" / "budget.mp4")[0].note == "12 to 4"
        assert desk.positions() == {media_key(there / "2024" / "budget.mp4"): 61_000}
        assert local_a.positions() == {} and local_b.positions() == {}  # nothing kept locally


def test_files_off_the_shared_roots_and_folders_stay_local(
    pg_url: str, tmp_path: Path, local: UserStore
) -> None:
    from player.engines.postgres_user_store import PostgresUserStore

    share, home = tmp_path / "mnt" / "news", tmp_path / "home" / "talks"
    store = PostgresUserStore(pg_url, mapped(share), local)
    try:
        store.set_position(home / "own.mp3", 3000)
        own = store.add_bookmark(home / "own.mp3", 10, "mine")
        store.add_folder(home)
        assert own > 0 and local.get_position(home / "own.mp3") == 3000
        assert [b.label for b in local.bookmarks(home / "own.mp3")] == ["mine"]
        assert local.folders() == [str(home)]
        store.set_position(share / "shared.mp3", 4000)
        assert store.positions() == {
            media_key(home / "own.mp3"): 3000,
            media_key(share / "shared.mp3"): 4000,
        }
        with psycopg.connect(pg_url) as conn:
            rows = conn.execute("SELECT root, relpath, position_ms FROM bp_positions").fetchall()
        assert rows == [("news", "shared.mp3", 4000)]
        store.remove_bookmark(own)
        assert local.bookmarks(home / "own.mp3") == []
    finally:
        store.close()


def test_two_roles_never_see_or_change_each_others_rows(pg_url: str, tmp_path: Path) -> None:
    from player.engines.postgres_user_store import PostgresUserStore

    PostgresUserStore(pg_url, RootMap(), UserStore.empty(tmp_path / "x")).close()  # the schema
    alice_url, bob_url = new_role(pg_url), new_role(pg_url)
    share = tmp_path / "news"
    talk = share / "talk.mp4"
    with (
        UserStore.open(tmp_path / "alice.sqlite") as alice_local,
        UserStore.open(tmp_path / "bob.sqlite") as bob_local,
        PostgresUserStore(alice_url, mapped(share), alice_local) as alice,
        PostgresUserStore(bob_url, mapped(share), bob_local) as bob,
    ):
        alice.set_position(talk, 50_000)
        hers = alice.add_bookmark(talk, 1000, "hers", "private note")
        assert bob.get_position(talk) is None and bob.bookmarks(talk) == []
        assert bob.positions() == {}
        bob.set_position(talk, 7000)
        his = bob.add_bookmark(talk, 2000, "his")
        bob.set_bookmark_note(hers, "changed by bob")
        bob.remove_bookmark(hers)
        bob.clear_position(talk)
        assert alice.get_position(talk) == 50_000
        assert [(b.id, b.note) for b in alice.bookmarks(talk)] == [(hers, "private note")]
        alice.remove_bookmark(his)
        alice.set_bookmark_note(his, "changed by alice")
        assert [(b.id, b.note) for b in bob.bookmarks(talk)] == [(his, "")]
    # and through plain SQL, as bob: row-level security, not only the store's queries
    with psycopg.connect(bob_url, autocommit=True) as conn:
        rows = conn.execute("SELECT label FROM bp_bookmarks ORDER BY id").fetchall()
        assert rows == [("his",)]
        assert conn.execute("SELECT count(*) FROM bp_positions").fetchone() == (0,)
        cur = conn.execute("UPDATE bp_bookmarks SET note = 'x' WHERE label = 'hers'")
        assert cur.rowcount == 0
        assert conn.execute("DELETE FROM bp_bookmarks WHERE label = 'hers'").rowcount == 0
        alice_role = urlsplit(alice_url).username
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # new row violates the policy
            conn.execute(
                "INSERT INTO bp_positions(owner, root, relpath, position_ms) "
                "VALUES (%s, 'news', 'talk.mp4', 1)",
                (alice_role,),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE bp_bookmarks SET owner = %s", (alice_role,))
    with psycopg.connect(pg_url) as conn:  # the superuser sees both, untouched
        got = conn.execute("SELECT label, note FROM bp_bookmarks ORDER BY id").fetchall()
    assert got == [("hers", "private note"), ("his", "")]
    with (  # a superuser passes row-level security, but the store's queries name the owner
        UserStore.open(tmp_path / "admin.sqlite") as admin_local,
        PostgresUserStore(pg_url, mapped(share), admin_local) as admin,
    ):
        assert admin.get_position(talk) is None and admin.bookmarks(talk) == []
        admin.remove_bookmark(hers)
        admin.set_bookmark_note(his, "changed by the administrator")
    with psycopg.connect(pg_url) as conn:
        got = conn.execute("SELECT label, note FROM bp_bookmarks ORDER BY id").fetchall()
    assert got == [("hers", "private note"), ("his", "")]


def test_a_role_cannot_migrate_an_old_archive_and_is_told_so(
    pg_server: PgServer, local: UserStore
) -> None:
    from player.engines.postgres_schema import MIGRATIONS
    from player.engines.postgres_user_store import PostgresUserStore

    url = pg_server.new_database("v2")
    with psycopg.connect(url, autocommit=True) as conn:  # an archive made by version 2
        conn.execute("CREATE EXTENSION unaccent")
        conn.execute("CREATE TABLE bp_schema(version integer NOT NULL)")
        conn.execute("INSERT INTO bp_schema VALUES (2)")
        conn.execute("GRANT SELECT ON bp_schema TO PUBLIC")
        for step in MIGRATIONS[:2]:
            conn.execute(step.encode())
    with pytest.raises(ArchiveError, match="archive init"):
        PostgresUserStore(url, RootMap(), local, migrate=False)
    with pytest.raises(ArchiveError) as refused:
        PostgresUserStore(new_role(url), RootMap(), local)  # may not create tables
    assert "this login role may not add them" in str(refused.value)
    assert "ask its owner to run 'briefing-player archive init" in str(refused.value)


def test_migrating_from_schema_2_keeps_the_archive(pg_server: PgServer, tmp_path: Path) -> None:
    from player.engines.postgres_schema import MIGRATIONS
    from player.engines.postgres_store import PostgresStore
    from player.engines.postgres_user_store import PostgresUserStore

    url = pg_server.new_database("v2")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION unaccent")
        conn.execute("CREATE TABLE bp_schema(version integer NOT NULL)")
        conn.execute("INSERT INTO bp_schema VALUES (2)")
        for step in MIGRATIONS[:2]:
            conn.execute(step.encode())
        conn.execute(
            "INSERT INTO briefings(root, relpath, title, cue_count) "
            "VALUES ('news', 'old.vtt', 'Old', 0)"
        )
    with UserStore.open(tmp_path / "u.sqlite") as local:
        store = PostgresUserStore(url, mapped(tmp_path / "news"), local)
        store.set_position(tmp_path / "news" / "old.vtt", 900)
        assert store.get_position(tmp_path / "news" / "old.vtt") == 900
        store.close()
    archive = PostgresStore(url, migrate=False)
    try:
        assert archive.schema_version() == len(MIGRATIONS) == 3
        assert [b.relpath for b in archive.briefings()] == ["old.vtt"]
        archive.write(SharedBriefing("news", "new.vtt", "New", cues=(Cue(None, 0, 1, "hello"),)))
        assert archive.count("hello") == 1
    finally:
        archive.close()


def test_copying_the_local_data_to_the_server_is_all_or_nothing_and_idempotent(
    pg_url: str, tmp_path: Path, local: UserStore
) -> None:
    from player.engines.postgres_user_store import PostgresUserStore

    share, home = tmp_path / "news", tmp_path / "home"
    local.set_position(share / "a.mp3", 1000)
    local.set_position(home / "b.mp3", 2000)
    local.add_bookmark(share / "a.mp3", 10, "start", "note")
    local.add_bookmark(home / "b.mp3", 20, "mine")
    with PostgresUserStore(pg_url, mapped(share), local) as store:
        assert store.upload_local() == (1, 1)
        assert store.upload_local() == (1, 0)  # again: no bookmark twice
        assert store.get_position(share / "a.mp3") == 1000
        (mark,) = store.bookmarks(share / "a.mp3")
        assert (mark.id < 0, mark.label, mark.note) == (True, "start", "note")
        assert store.get_position(home / "b.mp3") == 2000  # the local store's
    assert local.get_position(share / "a.mp3") == 1000  # left as it was


def test_the_server_stopped_mid_write_leaves_nothing_and_comes_back(
    own_server: PgServer, tmp_path: Path, local: UserStore
) -> None:
    from player.engines.postgres_user_store import PostgresUserStore

    url = own_server.new_database("stop")
    share = tmp_path / "news"
    for n in range(200):
        local.set_position(share / f"{n:03d}.mp3", n * 1000 + 1)
    store = PostgresUserStore(url, mapped(share), local)
    try:
        store.set_position(share / "150.mp3", 5)  # a row the copy will have to update
        blocker = psycopg.connect(url)
        blocker.execute("SELECT 1 FROM bp_positions WHERE relpath = '150.mp3' FOR UPDATE")
        failure: list[BaseException] = []

        def copy() -> None:
            try:
                store.upload_local()
            except BaseException as err:
                failure.append(err)

        writer = threading.Thread(target=copy)
        writer.start()
        deadline = time.monotonic() + 60
        with psycopg.connect(url, autocommit=True) as watch:
            while time.monotonic() < deadline:  # the copy waits on the locked row, mid-write
                row = watch.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                ).fetchone()
                if row and row[0]:
                    break
                time.sleep(0.02)
        own_server.stop("fast")
        writer.join(timeout=60)
        blocker.close()
        assert len(failure) == 1 and isinstance(failure[0], StoreUnavailable), failure
        assert "not answering" in str(failure[0]) and "next change" in str(failure[0])
        with pytest.raises(StoreUnavailable):
            store.get_position(share / "001.mp3")
        own_server.start()
        with psycopg.connect(url) as conn:
            rows = conn.execute("SELECT relpath, position_ms FROM bp_positions").fetchall()
        assert rows == [("150.mp3", 5)]  # nothing of the copy was written
        assert store.get_position(share / "150.mp3") == 5  # reconnected by itself
        assert store.upload_local() == (200, 0)
        assert store.get_position(share / "150.mp3") == 150_001
    finally:
        store.close()


def test_the_password_is_never_shown(tmp_path: Path, local: UserStore) -> None:
    from player.engines.postgres_user_store import PostgresUserStore

    url = f"postgresql://reporter:S3cr3t-pw@/news?host={tmp_path}&password=S3cr3t-pw"
    with pytest.raises(StoreUnavailable) as caught:
        PostgresUserStore(url, RootMap(), local)
    assert "S3cr3t-pw" not in str(caught.value)
    assert "postgresql://reporter@/news" in str(caught.value)


def test_a_change_held_up_on_the_server_is_stopped_with_a_clear_message(
    pg_url: str, tmp_path: Path, local: UserStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import player.engines.postgres_store as postgres_store
    from player.engines.postgres_user_store import PostgresUserStore

    monkeypatch.setattr(postgres_store, "DEADLINE_S", 0.5)  # each statement's time limit
    share = tmp_path / "news"
    with PostgresUserStore(pg_url, mapped(share), local) as store:
        store.set_position(share / "talk.mp4", 1000)
        with psycopg.connect(pg_url) as other:  # another session holds the row
            other.execute("SELECT 1 FROM bp_positions FOR UPDATE")
            started = time.monotonic()
            with pytest.raises(ArchiveError, match="took too long to answer") as caught:
                store.set_position(share / "talk.mp4", 2000)
            assert time.monotonic() - started < 10
            assert not isinstance(caught.value, StoreUnavailable)
        assert store.get_position(share / "talk.mp4") == 1000  # and the store goes on
