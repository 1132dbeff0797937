"""The speech model's resolution rules (pure: the computer is a dictionary here)."""

from __future__ import annotations

import pytest

from player.core.transcribe.models import (
    KNOWN_MODELS,
    ModelLookups,
    ModelMissing,
    missing_model_files,
    resolve_model,
)
from player.core.transcribe.types import TranscribeError

MODEL = {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt"}


def lookups(
    folders: dict[str, set[str]] | None = None,
    cache: dict[str, str] | None = None,
    package: tuple[str, str] | None = None,
    configured: str | None = None,
) -> ModelLookups:
    folders = folders or {}
    cache = cache or {}
    return ModelLookups(
        is_dir=lambda p: p.rstrip("/") in folders,
        files=lambda p: folders.get(p.rstrip("/"), set()),
        cached=cache.get,
        package=package,
        configured=configured,
    )


def test_model_files() -> None:
    assert missing_model_files(MODEL) == []
    assert missing_model_files({"model.bin", "config.json", "vocabulary.json"}) == []
    assert missing_model_files({"config.json"}) == [
        "model.bin",
        "tokenizer.json (or vocabulary.txt)",
    ]


def test_a_model_folder_given_is_used() -> None:
    choice = resolve_model("/m/whisper-small", lookups({"/m/whisper-small": MODEL}))
    assert (choice.path, choice.name, choice.source) == (
        "/m/whisper-small",
        "whisper-small",
        "folder",
    )


def test_a_folder_that_is_not_a_model_says_what_is_missing() -> None:
    with pytest.raises(TranscribeError, match=r"not a Whisper model .*: missing model\.bin") as e:
        resolve_model("/m/notes", lookups({"/m/notes": {"config.json", "tokenizer.json"}}))
    assert e.value.path == "/m/notes"


def test_a_missing_folder() -> None:
    with pytest.raises(TranscribeError, match="no such model folder"):
        resolve_model("./nowhere", lookups())


def test_a_name_is_found_in_the_cache_before_the_package() -> None:
    found = lookups(cache={"tiny.en": "/cache/tiny"}, package=("tiny.en", "/pkg/model"))
    assert resolve_model("tiny.en", found).source == "cache"
    only_package = lookups(package=("tiny.en", "/pkg/model"))
    assert resolve_model("tiny.en", only_package).path == "/pkg/model"


def test_a_name_in_the_preferences_folder() -> None:
    found = lookups({"/prefs": {"x"}, "/prefs/base.en": MODEL}, configured="/prefs")
    choice = resolve_model("base.en", found)
    assert (choice.path, choice.source) == ("/prefs/base.en", "preferences")


def test_a_named_model_not_on_the_machine_says_how_to_get_it_and_its_size() -> None:
    with pytest.raises(ModelMissing) as info:
        resolve_model("base.en", lookups(package=("tiny.en", "/pkg")))
    message = str(info.value)
    assert "base.en is not on this computer" in message
    assert "145 MB" in message and "hf download Systran/faster-whisper-base.en" in message
    assert info.value.info is KNOWN_MODELS["base.en"]


def test_an_unknown_name() -> None:
    with pytest.raises(TranscribeError, match="unknown speech model 'huge'"):
        resolve_model("huge", lookups())


def test_no_request_prefers_the_preferences_folder_then_the_package_then_the_cache() -> None:
    everything = lookups(
        {"/prefs/m": MODEL}, {"base.en": "/c/base"}, ("tiny.en", "/pkg"), configured="/prefs/m"
    )
    assert resolve_model(None, everything).source == "preferences"
    no_prefs = lookups({}, {"base.en": "/c/base"}, ("tiny.en", "/pkg"))
    assert resolve_model(None, no_prefs).path == "/pkg"
    assert resolve_model("", lookups(cache={"base.en": "/c/base"})).name == "base.en"


def test_no_model_anywhere_says_how_to_install_one() -> None:
    with pytest.raises(TranscribeError, match=r"briefing-player\[transcribe\]"):
        resolve_model(None, lookups())


def test_a_broken_preferences_folder_is_reported() -> None:
    with pytest.raises(TranscribeError, match="set in Preferences does not exist"):
        resolve_model(None, lookups(configured="/gone"))
