"""faster-whisper itself: bad model folders, a damaged model, and the words it hears."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from player.core.align.types import Audio
from player.core.transcribe.models import ModelChoice
from player.core.transcribe.types import TranscribeError
from player.engines.whisper_transcriber import WhisperTranscriber
from tests.engines.test_transcriber_contract import need_whisper


def test_a_folder_that_is_not_a_model_is_refused_with_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", "utf-8")
    engine = WhisperTranscriber(ModelChoice(str(tmp_path), "mine", "folder"))
    with pytest.raises(TranscribeError, match=r"not a Whisper model folder.*model\.bin") as info:
        engine.transcribe(Audio(b"\x10\x00" * 16_000))
    assert info.value.path == str(tmp_path)


def test_a_damaged_model_is_a_clear_error(tmp_path: Path) -> None:
    need_whisper()
    from player.engines.whisper_models import installed_package

    package = installed_package()
    assert package is not None
    folder = tmp_path / "damaged"
    shutil.copytree(package[1], folder)
    (folder / "model.bin").write_bytes(b"\0" * 4096)
    engine = WhisperTranscriber(ModelChoice(str(folder), "damaged", "folder"))
    with pytest.raises(TranscribeError, match="damaged or not a Whisper model"):
        engine.load()
    assert "\n" not in str(TranscribeError("x"))


def test_the_download_progress_reports_fractions_and_cancels() -> None:
    """The hub download's progress bar (no network: the bar alone)."""
    from player.core.align.types import AlignCancelled
    from player.engines.whisper_models import _progress_class

    seen: list[float] = []
    stop = [False]
    bar = _progress_class(seen.append, lambda: stop[0])(total=200)
    bar.update(50)
    bar.update(50)
    assert seen == [0.25, 0.5]
    stop[0] = True
    with pytest.raises(AlignCancelled):
        bar.update(10)
    bar.close()


def test_no_model_lookup_uses_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """A named model is looked up in the cache only (local_files_only)."""
    import huggingface_hub

    from player.engines.whisper_models import cached_model

    calls: list[dict[str, object]] = []

    def snapshot(repo: str, **kwargs: object) -> str:
        calls.append(kwargs)
        raise FileNotFoundError(repo)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot)
    assert cached_model("base.en") is None
    assert calls and all(c.get("local_files_only") is True for c in calls)
    assert cached_model("no-such-model") is None
