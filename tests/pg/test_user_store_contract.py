"""One contract suite for the user-data stores: the local store (``core.archive.user_store``)
and the per-user store on a real throw-away PostgreSQL server
(``engines.postgres_user_store``) keep positions, bookmarks, notes and folders alike, named by
a media file's path on this machine."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from player.core.archive.records import media_key
from player.core.archive.roots import RootMap
from player.core.archive.user_data import UserData
from player.core.archive.user_store import UserStore
from tests.pg.conftest import require_server
from tests.pg.server import PgServer

Make = Callable[[], UserData]


@pytest.fixture(params=["local", "postgresql"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Make, Path]]:
    """A maker of empty stores of each kind, and the shared folder their files are in."""
    share = tmp_path / "mnt" / "news"
    share.mkdir(parents=True)
    made: list[UserData] = []
    locals_: list[UserStore] = []
    counter = iter(range(1000))
    if request.param == "local":

        def make_local() -> UserData:
            made.append(UserStore.open(tmp_path / f"user{next(counter)}.sqlite"))
            return made[-1]

        yield make_local, share
    else:
        require_server()
        from player.engines.postgres_user_store import PostgresUserStore

        server: PgServer = request.getfixturevalue("pg_server")

        def make_pg() -> UserData:
            local = UserStore.open(tmp_path / f"user{next(counter)}.sqlite")
            locals_.append(local)
            roots = RootMap()
            roots.add("news", share)
            made.append(PostgresUserStore(server.new_database("users"), roots, local))
            return made[-1]

        yield make_pg, share
    for store in made:
        store.close()
    for local in locals_:
        local.close()


def test_positions_are_saved_replaced_clamped_and_cleared(make_store) -> None:  # type: ignore[no-untyped-def]
    make, share = make_store
    store = make()
    talk = share / "2024" / "talk.mp4"
    assert store.get_position(talk) is None
    store.set_position(talk, 42_000)
    assert store.get_position(talk) == 42_000
    store.set_position(str(talk), 43_500)  # a str or a Path: the same file
    assert store.get_position(talk) == 43_500
    store.set_position(talk, -5)
    assert store.get_position(talk) == 0
    store.clear_position(talk)
    assert store.get_position(talk) is None
    store.clear_position(talk)  # nothing to clear: no error


def test_a_file_is_named_by_its_normalised_path(make_store) -> None:  # type: ignore[no-untyped-def]
    make, share = make_store
    store = make()
    store.set_position(share / "a" / ".." / "b.mp3", 7000)
    assert store.get_position(share / "b.mp3") == 7000
    assert store.get_position(share / "c.mp3") is None


def test_every_position_by_media_key(make_store) -> None:  # type: ignore[no-untyped-def]
    make, share = make_store
    store = make()
    store.set_position(share / "one.mp3", 1000)
    store.set_position(share / "deep" / "two.opus", 2000)
    store.set_position(share / "three.mp3", 3000)
    store.clear_position(share / "three.mp3")
    assert store.positions() == {
        media_key(share / "one.mp3"): 1000,
        media_key(share / "deep" / "two.opus"): 2000,
    }


def test_bookmarks_with_labels_and_notes(make_store) -> None:  # type: ignore[no-untyped-def]
    make, share = make_store
    store = make()
    talk, other = share / "talk.mp4", share / "other.mp4"
    late = store.add_bookmark(talk, 9000, "late", "the vote")
    early = store.add_bookmark(talk, 1000, "early")
    same = store.add_bookmark(talk, 9000, "late again")
    store.add_bookmark(other, 5, "elsewhere")
    marks = store.bookmarks(talk)
    assert [(b.position_ms, b.label, b.note) for b in marks] == [
        (1000, "early", ""),
        (9000, "late", "the vote"),
        (9000, "late again", ""),
    ]
    assert [b.id for b in marks] == [early, late, same]
    assert len({early, late, same}) == 3
    assert all(b.media_key == media_key(talk) for b in marks)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b.created) for b in marks)
    store.set_bookmark_note(late, "the vote, 12 to 3 — café")
    assert store.bookmarks(talk)[1].note == "the vote, 12 to 3 — café"
    store.remove_bookmark(early)
    assert [b.label for b in store.bookmarks(talk)] == ["late", "late again"]
    assert [b.label for b in store.bookmarks(other)] == ["elsewhere"]
    assert store.bookmarks(share / "none.mp4") == []


def test_an_unknown_bookmark_id_changes_nothing(make_store) -> None:  # type: ignore[no-untyped-def]
    make, share = make_store
    store = make()
    kept = store.add_bookmark(share / "talk.mp4", 100, "kept", "note")
    for unknown in (kept + 1000, -(abs(kept) + 1000)):
        store.set_bookmark_note(unknown, "changed")
        store.remove_bookmark(unknown)
    assert [(b.label, b.note) for b in store.bookmarks(share / "talk.mp4")] == [("kept", "note")]


def test_a_bookmark_position_is_clamped(make_store) -> None:  # type: ignore[no-untyped-def]
    make, share = make_store
    store = make()
    store.add_bookmark(share / "talk.mp4", -100, "before the start")
    assert [b.position_ms for b in store.bookmarks(share / "talk.mp4")] == [0]


def test_folders_are_a_sorted_set(make_store) -> None:  # type: ignore[no-untyped-def]
    make, share = make_store
    store = make()
    assert store.folders() == []
    assert store.add_folder(share / "b" / ".." / "z") == os.fspath(share / "z")
    store.add_folder(share / "a")
    store.add_folder(share / "a")
    assert store.folders() == [os.fspath(share / "a"), os.fspath(share / "z")]
    store.remove_folder(share / "z")
    assert store.folders() == [os.fspath(share / "a")]
