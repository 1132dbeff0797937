"""Fixtures for the engine tests: speech generated with espeak-ng, and each aligner in turn.

``speech`` is a short recording made at test time by ``packaging/make_align_set.py`` (three
sentences, known speech starts). espeak-ng and ffmpeg come with the test set-up
(``packaging/bootstrap.sh``); without them the tests that need speech skip with the reason,
except under ``CI=true`` where they fail.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from player.core.align.types import SpeechAligner
from player.engines.fake_aligner import FakeAligner
from player.engines.pocketsphinx_aligner import PocketsphinxAligner

REPO = Path(__file__).resolve().parents[2]

SENTENCES = [
    "Good afternoon, everyone, and thank you for coming.",
    "The Secretary met Ambassador DeLaurentis on Tuesday to discuss the convoy.",
    "More than 2,500 families have now returned to their homes.",
]


def load_make_align_set() -> ModuleType:
    """``packaging/make_align_set.py`` as a module."""
    spec = importlib.util.spec_from_file_location(
        "make_align_set", REPO / "packaging" / "make_align_set.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_align_set", module)
    spec.loader.exec_module(module)
    return module


def need_speech_tools() -> None:
    """Skip (or fail under CI) when espeak-ng or ffmpeg is missing."""
    missing = [tool for tool in ("espeak-ng", "ffmpeg") if shutil.which(tool) is None]
    if missing:
        message = f"{', '.join(missing)} not installed (packaging/bootstrap.sh test installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@dataclass(frozen=True)
class SpeechCase:
    """A generated recording, its text file and the true speech start of each sentence."""

    media: Path
    text: Path
    starts_ms: list[int]
    sentences: list[str]


@pytest.fixture(scope="session")
def speech(tmp_path_factory: pytest.TempPathFactory) -> SpeechCase:
    need_speech_tools()
    maker = load_make_align_set()
    folder = tmp_path_factory.mktemp("speech")
    media = maker.write_case(folder, "three", [maker.Spoken(s) for s in SENTENCES])
    truth = json.loads((folder / "three.truth.json").read_text("utf-8"))
    return SpeechCase(
        media, folder / "three.txt", [t["start_ms"] for t in truth], [t["text"] for t in truth]
    )


@pytest.fixture(params=["pocketsphinx", "fake"])
def aligner(request: pytest.FixtureRequest) -> Iterator[SpeechAligner]:
    """Each implementation of the aligner port in turn."""
    if request.param == "pocketsphinx":
        engine = PocketsphinxAligner()
        yield engine
        engine.close()
    else:
        yield FakeAligner()
