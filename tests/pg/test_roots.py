"""Shared folders: root names mapped to this machine's folders (``core.archive.roots``) and the
server address shown without its password (``store.redact``); no server needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from player.core.archive.roots import RootError, RootMap
from player.core.archive.store import is_server_url, redact, scrub


def test_two_machines_name_the_same_briefing_alike(tmp_path: Path) -> None:
    here = RootMap.parse(f"news={tmp_path}/mnt/share/news; old={tmp_path}/old")
    there = RootMap.parse(f"news={tmp_path}/Volumes/News")
    found = here.locate(tmp_path / "mnt/share/news/2024/budget.mp4")
    assert found == ("news", "2024/budget.mp4")
    assert there.local_path(*found) == tmp_path / "Volumes/News/2024/budget.mp4"
    assert here.locate(tmp_path / "elsewhere/x.mp4") is None
    assert here.locate(tmp_path / "mnt/share/news") == ("news", ".")
    assert there.local_path("old", "a.mp4") is None
    assert there.local_path("news", "../../etc/passwd") is None
    assert RootMap.parse(here.text()).folders == here.folders


def test_a_shared_briefing_has_one_identity_on_every_machine(tmp_path: Path) -> None:
    here = RootMap.parse(f"news={tmp_path}/mnt/news")
    elsewhere = RootMap.parse(f"news={tmp_path}/Volumes/News")
    nowhere = RootMap()
    places = [m.place("news", "2024/budget.mp4") for m in (here, elsewhere, nowhere)]
    assert len({p.id for p in places}) == 1 and places[0].id < 0
    assert places[0].id != here.place("news", "2024/other.mp4").id
    assert places[0].path == str(tmp_path / "mnt/news/2024/budget.mp4") and places[0].mapped
    assert places[0].folder == str(tmp_path / "mnt/news")
    assert (places[2].path, places[2].folder, places[2].mapped) == (
        "news:2024/budget.mp4",
        "news",
        False,
    )
    assert not here.place("news", "../escape.mp4").mapped  # never outside the root


def test_the_deepest_root_wins(tmp_path: Path) -> None:
    roots = RootMap.parse(f"all={tmp_path}\nsport={tmp_path}/sport")
    assert roots.locate(tmp_path / "sport/match.vtt") == ("sport", "match.vtt")


@pytest.mark.parametrize("text", ["news", "=/x", "a/b=/x", "..=/x", "news="])
def test_bad_mappings_are_refused(text: str) -> None:
    with pytest.raises(RootError):
        RootMap.parse(text)


def test_addresses_are_shown_without_password() -> None:
    url = "postgresql://ed:pa%40ss@db.example:5433/news?sslmode=require&password=pa%40ss"
    assert redact(url) == "postgresql://ed@db.example:5433/news"
    assert redact("postgresql:///news") == "postgresql:///news"
    assert "pa%40ss" not in scrub(f"failed for {url}", url)
    assert is_server_url("postgres://x/y") and not is_server_url("/home/me/archive.sqlite")
    assert not is_server_url(None)
