"""The shipped files (player.app.resources): found installed or in the source tree."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

from player.app import resources
from tests.conftest import REPO


def test_every_shipped_file_is_found() -> None:
    for path in (
        resources.sample_media(),
        resources.sample_audio(),
        resources.icon_path(),
        resources.desktop_entry(),
        resources.metainfo(),
    ):
        assert path.is_file(), path
    # The sample's transcript and chapters sit beside it (found as sidecars).
    assert resources.sample_media().with_suffix(".vtt").is_file()
    assert resources.sample_media().with_name("briefing.chapters.vtt").is_file()


def test_in_this_checkout_they_are_the_top_level_resources_folder() -> None:
    assert resources.resource_dir().resolve() == REPO / "resources"


def test_without_the_installed_package_the_source_folder_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda package: None)
    assert resources.resource_dir() == REPO / "resources"
    assert resources.sample_media().is_file()


def test_a_zipped_package_is_refused_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    def zipped(package: str) -> object:
        return SimpleNamespace(submodule_search_locations=["/x.whl/player/resources"])

    monkeypatch.setattr(importlib.util, "find_spec", zipped)
    with pytest.raises(resources.ResourceError, match="not a folder on disk"):
        resources.resource_dir()


def test_the_desktop_entry_names_the_program_and_its_icon() -> None:
    entry = resources.desktop_entry().read_text(encoding="utf-8").splitlines()
    assert "Exec=briefing-player %f" in entry
    assert f"Icon={resources.icon_path().stem}" in entry
    assert Path(resources.desktop_entry()).name in resources.metainfo().read_text(encoding="utf-8")
