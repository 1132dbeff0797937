"""Sidecar discovery: the transcript and chapter files that belong to a media file.

For ``briefing.mp3`` this finds, beside it and in a ``transcripts/``, ``subs/`` or ``subtitles/``
folder next to it (folder names in any case):

* ``briefing.vtt`` / ``.srt`` / ``.sbv`` (extensions in any case): the untagged transcript;
* ``briefing.en.vtt``, ``briefing.en-US.srt``, ``briefing.pt_BR.vtt``: language-tagged variants;
* ``briefing.chapters.vtt``, ``briefing.en.chapters.vtt``: chapters, never offered as transcripts;
* ``briefing.txt`` / ``.md`` / ``.docx`` / ``.html`` / ``.htm``, ``briefing.en.txt``: a text without
  timings (the press office's transcript, a statement, a web page), which the window offers to
  synchronize with the audio (``texts_for``; looked for only when no timed transcript exists).

The stem must match exactly up to a dot (ignoring case), so ``briefing.vtt`` never belongs to
``briefing-2.mp3``; a middle part that is not a language tag (``briefing.final.vtt``) disqualifies
the file rather than being guessed at. Each folder is listed once with ``os.scandir``; a folder
that cannot be read is skipped silently (the media can still play without a transcript).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, TypeVar

__all__ = [
    "MEDIA_EXTENSIONS",
    "SIDECAR_FOLDERS",
    "TEXT_EXTENSIONS",
    "TEXT_SIDECAR_EXTENSIONS",
    "TRANSCRIPT_EXTENSIONS",
    "SidecarCandidate",
    "TextSidecar",
    "chapters_for",
    "find_sidecars",
    "is_chapters_name",
    "is_media_file",
    "language_of_name",
    "normalize_language_tag",
    "preferred_text",
    "preferred_transcript",
    "texts_for",
    "transcripts_for",
]

SidecarKind = Literal["transcript", "chapters"]


class _HasLanguage(Protocol):
    @property
    def language(self) -> str | None: ...


_T = TypeVar("_T", bound=_HasLanguage)
SidecarFormat = Literal["vtt", "srt", "sbv"]

MEDIA_EXTENSIONS: frozenset[str] = frozenset(
    "." + ext
    for ext in [
        "mp3",
        "m4a",
        "aac",
        "ogg",
        "oga",
        "opus",
        "flac",
        "wav",
        "wma",
        "mp4",
        "m4v",
        "mkv",
        "webm",
        "mov",
        "avi",
        "mpg",
        "mpeg",
        "ts",
        "wmv",
        "3gp",
    ]
)
"""Lower-case file extensions (with the dot) of the audio and video files the player offers."""

TRANSCRIPT_EXTENSIONS: frozenset[str] = frozenset({".vtt", ".srt", ".sbv"})
"""Lower-case file extensions (with the dot) of transcript files."""

TEXT_SIDECAR_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".docx", ".html", ".htm")
"""Extensions (lower case, with the dot) of texts without timings found beside a media file, in
preference order: the plain text first (it is what the press office wrote), a web page last (it
carries the page's chrome)."""

TEXT_EXTENSIONS: frozenset[str] = frozenset((*TEXT_SIDECAR_EXTENSIONS, ".pdf"))
"""Extensions of the texts the player can synchronize with a recording when the user picks one
(a PDF too; a PDF beside the media is not offered by itself, it is rarely the same words)."""

SIDECAR_FOLDERS: tuple[str, ...] = ("transcripts", "subs", "subtitles")
"""Folders beside the media searched for sidecars (matched ignoring case), in preference order."""

_FORMAT_RANK: dict[str, int] = {"vtt": 0, "srt": 1, "sbv": 2}
_FORMATS: dict[str, SidecarFormat] = {"vtt": "vtt", "srt": "srt", "sbv": "sbv"}
_CHAPTERS = "chapters"

# BCP-47-like: 2–3 letter primary language, optional 4-letter script, optional region (2 letters
# or 3 digits); "-" or "_" between subtags.
_LANGUAGE_TAG = re.compile(
    r"^(?P<lang>[A-Za-z]{2,3})"
    r"(?:[-_](?P<script>[A-Za-z]{4}))?"
    r"(?:[-_](?P<region>[A-Za-z]{2}|[0-9]{3}))?$"
)
# Short words that fit the pattern but mark versions or variants, not languages.
_NOT_LANGUAGES = frozenset(
    [
        "old",
        "new",
        "raw",
        "bak",
        "tmp",
        "fix",
        "cut",
        "alt",
        "web",
        "cc",
        "sdh",
        "asr",
        "txt",
        "vtt",
        "srt",
        "sbv",
        "ass",
        "ssa",
        "sub",
        "idx",
    ]
)


def is_chapters_name(name: str) -> bool:
    """Whether a file name marks a chapters file: ``talk.chapters.vtt``, ``talk.chapters.en.vtt``
    or ``talk.en.chapters.vtt`` (ignoring case). The one chapters rule of the program: the sidecar
    finder, the transcript loader and the archive's scanner all ask this."""
    parts = name.casefold().split(".")[1:-1]  # between the stem and the extension
    return _CHAPTERS in parts[-2:]


def language_of_name(name: str) -> str | None:
    """The language tag a transcript's file name carries in its last part before the extension
    (``talk.en.vtt`` -> ``en``, ``talk.chapters.pt_BR.vtt`` -> ``pt-BR``), or None (``talk.vtt``,
    ``talk.final.vtt``). For transcripts found without their media, whose stem is not known."""
    parts = [p for p in name.split(".")[1:-1] if p.casefold() != _CHAPTERS]
    return normalize_language_tag(parts[-1]) if parts else None


@dataclass(frozen=True, slots=True)
class SidecarCandidate:
    """A file that looks like a transcript or chapters file for a media file.

    ``language`` is a normalised language tag (``en``, ``en-US``, ``pt-BR``) or None when the file
    name carries none; ``format`` comes from the extension (the loader still sniffs the content).
    """

    path: Path
    language: str | None
    kind: SidecarKind
    format: SidecarFormat


@dataclass(frozen=True, slots=True)
class TextSidecar:
    """A text without timings beside a media file (``briefing.txt``, ``briefing.en.docx``).

    ``language`` is a normalised tag or None; ``extension`` is the lower-case extension with
    its dot (``.txt``), which says how the text is read.
    """

    path: Path
    language: str | None
    extension: str


def normalize_language_tag(text: str) -> str | None:
    """``text`` as a normalised BCP-47-like tag (``pt_br`` -> ``pt-BR``), or None if not a tag."""
    match = _LANGUAGE_TAG.match(text)
    if match is None or match["lang"].lower() in _NOT_LANGUAGES:
        return None
    parts = [match["lang"].lower()]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    return "-".join(parts)


def is_media_file(path: Path) -> bool:
    """True if ``path`` has one of ``MEDIA_EXTENSIONS`` (ignoring case)."""
    return path.suffix.lower() in MEDIA_EXTENSIONS


def find_sidecars(media_path: Path) -> list[SidecarCandidate]:
    """All transcript and chapters files for ``media_path``, in a deterministic preference order.

    Order: transcripts before chapters; then untagged before language-tagged; then by language
    tag; then the media's own folder before ``transcripts/``, ``subs/``, ``subtitles/``; then
    ``.vtt`` before ``.srt`` before ``.sbv``; then by file name. Never raises for unreadable or
    missing folders: they contribute nothing.
    """
    media_path = Path(media_path)
    folder = media_path.parent
    stem_key = media_path.stem.casefold()
    found: list[tuple[tuple[int, int, str, int, int, str], SidecarCandidate]] = []

    entries = _list_dir(folder)
    subfolders: list[tuple[int, str, Path]] = []
    for name, path, is_dir in entries:
        if is_dir:
            key = name.casefold()
            if key in SIDECAR_FOLDERS:
                subfolders.append((SIDECAR_FOLDERS.index(key), name, path))
            continue
        if path == media_path:
            continue
        _consider(name, path, stem_key, 0, found)
    for rank, _name, sub in sorted(subfolders):
        for name, path, is_dir in _list_dir(sub):
            if not is_dir:
                _consider(name, path, stem_key, 1 + rank, found)
    found.sort(key=lambda item: item[0])
    return [candidate for _key, candidate in found]


def transcripts_for(media_path: Path) -> list[SidecarCandidate]:
    """The transcript candidates of ``find_sidecars`` (chapters left out), in the same order."""
    return [c for c in find_sidecars(media_path) if c.kind == "transcript"]


def chapters_for(media_path: Path) -> SidecarCandidate | None:
    """The preferred chapters file for ``media_path``, or None."""
    return next((c for c in find_sidecars(media_path) if c.kind == "chapters"), None)


def preferred_transcript(
    candidates: Iterable[SidecarCandidate], preferred_languages: Sequence[str] = ()
) -> SidecarCandidate | None:
    """The transcript to open by default among ``candidates`` (chapters are ignored).

    Each preferred language is tried in order, first as an exact tag (``en-US``), then by primary
    language (``en`` matches ``en-GB`` and ``en-GB`` matches ``en``). With no match, the first
    candidate wins, which in ``find_sidecars`` order is the untagged one when there is one.
    """
    return _preferred([c for c in candidates if c.kind == "transcript"], preferred_languages)


def texts_for(media_path: Path) -> list[TextSidecar]:
    """The texts without timings that belong to ``media_path``, best first.

    The same rule as for transcripts (same stem up to a dot, ignoring case; an optional
    language tag; the media's folder, then ``transcripts/``, ``subs/``, ``subtitles/``).
    Order: untagged before tagged, then by tag, then by folder, then ``.txt``, ``.md``,
    ``.docx``, ``.html``, ``.htm``, then by name. Chapters-named files are never texts. Never
    raises for unreadable or missing folders.
    """
    media_path = Path(media_path)
    stem_key = media_path.stem.casefold()
    found: list[tuple[tuple[int, str, int, int, str], TextSidecar]] = []
    folders: list[tuple[int, Path]] = [(0, media_path.parent)]
    for name, path, is_dir in _list_dir(media_path.parent):
        if is_dir and name.casefold() in SIDECAR_FOLDERS:
            folders.append((1 + SIDECAR_FOLDERS.index(name.casefold()), path))
    for rank, folder in sorted(folders):
        for name, path, is_dir in _list_dir(folder):
            if is_dir or path == media_path:
                continue
            key = name.casefold()
            stem, dot, ext = key.rpartition(".")
            extension = dot + ext
            if not key.startswith(stem_key + ".") or extension not in TEXT_SIDECAR_EXTENSIONS:
                continue
            if _CHAPTERS in stem.split("."):
                continue
            middle = stem[len(stem_key) + 1 :]
            language: str | None = None
            if middle:
                if "." in middle:
                    continue
                language = normalize_language_tag(middle)
                if language is None:
                    continue  # briefing.notes.txt: a different file
            sort_key = (
                0 if language is None else 1,
                (language or "").casefold(),
                rank,
                TEXT_SIDECAR_EXTENSIONS.index(extension),
                name,
            )
            found.append((sort_key, TextSidecar(path, language, extension)))
    found.sort(key=lambda item: item[0])
    return [text for _key, text in found]


def preferred_text(
    texts: Sequence[TextSidecar], preferred_languages: Sequence[str] = ()
) -> TextSidecar | None:
    """The text to offer among ``texts`` (in ``texts_for`` order), by the same language rule
    as :func:`preferred_transcript`; None when there is none."""
    return _preferred(texts, preferred_languages)


def _preferred(items: Sequence[_T], preferred_languages: Sequence[str]) -> _T | None:
    """The first of ``items`` whose language matches the first preferred language that
    matches any (exact tag first, then primary language), else the first item."""
    if not items:
        return None
    for wanted in preferred_languages:
        tag = normalize_language_tag(wanted.strip())
        if tag is None:
            continue
        for item in items:
            if item.language is not None and item.language.casefold() == tag.casefold():
                return item
        primary = tag.split("-", 1)[0]
        for item in items:
            if item.language is not None and item.language.split("-", 1)[0] == primary:
                return item
    return items[0]


def _list_dir(folder: Path) -> list[tuple[str, Path, bool]]:
    """``(name, path, is_dir)`` for each entry of ``folder``; empty if it cannot be read."""
    result: list[tuple[str, Path, bool]] = []
    try:
        with os.scandir(folder) as it:
            for entry in it:
                try:
                    is_dir = entry.is_dir()
                    if not is_dir and not entry.is_file():
                        continue  # sockets, fifos, broken links
                except OSError:
                    continue
                result.append((entry.name, folder / entry.name, is_dir))
    except OSError:
        return []
    return result


def _consider(
    name: str,
    path: Path,
    stem_key: str,
    folder_rank: int,
    found: list[tuple[tuple[int, int, str, int, int, str], SidecarCandidate]],
) -> None:
    """Append ``path`` to ``found`` (with its sort key) if it is a sidecar for ``stem_key``."""
    key = name.casefold()
    if not key.startswith(stem_key + "."):
        return
    # Work on the case-folded name throughout: folding may change lengths (ß -> ss).
    stem, _dot, ext = key.rpartition(".")
    fmt = _FORMATS.get(ext)
    if fmt is None:
        return
    middle = stem[len(stem_key) + 1 :]
    parts = middle.split(".") if middle else []
    kind: SidecarKind = "transcript"
    if is_chapters_name(name) and _CHAPTERS in parts:
        kind = "chapters"
        parts.remove(_CHAPTERS)  # stem.chapters.vtt, stem.chapters.en.vtt, stem.en.chapters.vtt
    language: str | None = None
    if len(parts) == 1:
        language = normalize_language_tag(parts[0])
        if language is None:
            return  # stem.final.vtt: a different file, not a language variant
    elif parts:
        return
    candidate = SidecarCandidate(
        path=path,
        language=language,
        kind=kind,
        format=fmt,
    )
    sort_key = (
        0 if kind == "transcript" else 1,
        0 if language is None else 1,
        (language or "").casefold(),
        folder_rank,
        _FORMAT_RANK[fmt],
        name,
    )
    found.append((sort_key, candidate))
