"""Finding the briefings in a library folder: a walk of its tree, paired by the sidecar rules.

A briefing is a media file (``sidecar.MEDIA_EXTENSIONS``) with its preferred sidecar transcript
(``sidecar.find_sidecars`` + ``sidecar.preferred_transcript``), or a transcript file that belongs
to no media file. Media without a transcript are briefings too; chapters files never are.

The walk stays inside the library folder: a symlink (to a folder or a file) is followed only
when its target is inside the folder's real path (a link to ``/proc`` or ``/`` is reported and
skipped), each folder is listed once (loops are reported), names starting with "." are ignored,
and unreadable folders, broken links and files that vanish go to ``skip`` without stopping. Any
file name is accepted, also one that is not UTF-8 (it reaches Python with surrogate escapes and
is stored reversibly, see ``records.to_db``). It returns the folders it listed completely, so
the scanner drops a briefing only when a complete listing showed it gone (an unreadable folder
or an unplugged disk drops nothing).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from player.core.archive.records import ScanProgress, is_under
from player.core.media import sidecar

__all__ = ["FoundBriefing", "Listing", "Skip", "vanished", "walk"]

Skip = Callable[[str, str, int], None]
"""Reports ``(path, reason, logging level)`` of what the walk could not list or use."""


@dataclass(frozen=True, slots=True)
class FoundBriefing:
    """A briefing found on disk: ``path`` (media, or the transcript alone), the library folder
    it was found under, and its transcript with the language its name gives."""

    path: str
    folder: str
    has_media: bool
    transcript: str | None
    language: str | None = None


@dataclass(slots=True)
class Listing:
    """What the walk saw: media paths, transcript names and subfolder names by folder, and the
    folders listed completely."""

    media: list[str] = field(default_factory=list)
    transcripts: dict[str, list[str]] = field(default_factory=dict)
    subfolders: dict[str, list[str]] = field(default_factory=dict)
    complete: set[str] = field(default_factory=set)


def vanished(err: OSError) -> str:
    """The reason reported for a file that could not be read during a scan."""
    if isinstance(err, FileNotFoundError):
        return "vanished during the scan"
    return f"cannot read: {err.strerror or err}"


def walk(
    root: str,
    skip: Skip,
    progress: Callable[[ScanProgress], None] | None,
    cancel: threading.Event | None,
    preferred_languages: Sequence[str] = (),
) -> tuple[list[FoundBriefing], set[str]] | None:
    """The briefings under ``root`` (sorted by path) and the folders listed completely, or None
    if cancelled. Problems go to ``skip``."""
    listing = _list_tree(root, skip, progress, cancel)
    if listing is None:
        return None
    return _pair(root, listing, preferred_languages), listing.complete


# --- listing the tree ---------------------------------------------------------------------------


def _list_tree(
    root: str,
    skip: Skip,
    progress: Callable[[ScanProgress], None] | None,
    cancel: threading.Event | None,
) -> Listing | None:
    listing = Listing()
    visited: set[tuple[int, int]] = set()
    try:
        st = os.stat(root)
    except OSError as err:
        skip(root, f"cannot read folder: {err.strerror or err}", logging.WARNING)
        return listing
    inside = _Inside(root)
    visited.add((st.st_dev, st.st_ino))
    stack = [root]
    listed = 0
    while stack:
        if cancel is not None and cancel.is_set():
            return None
        folder = stack.pop()
        listed += 1
        if progress is not None and listed % 25 == 1:
            progress(ScanProgress("listing", listed, None, folder))
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as err:
            skip(folder, f"cannot read folder: {err.strerror or err}", logging.WARNING)
            continue
        names: list[str] = []
        subdirs: list[str] = []
        for entry in entries:
            if not entry.name.startswith("."):
                _sort_entry(entry, listing, names, subdirs, stack, visited, skip, inside)
        listing.complete.add(folder)
        listing.transcripts[folder] = names
        listing.subfolders[folder] = subdirs
    return listing


def _sort_entry(
    entry: os.DirEntry[str],
    listing: Listing,
    names: list[str],
    subdirs: list[str],
    stack: list[str],
    visited: set[tuple[int, int]],
    skip: Skip,
    inside: _Inside,
) -> None:
    """File one directory entry: a folder to visit, a media file, a transcript, or a problem."""
    path = entry.path
    try:
        if entry.is_symlink() and not inside(path):
            skip(path, "symlink to outside the library folder: not followed", logging.INFO)
            return
        is_dir = entry.is_dir()
        is_file = not is_dir and entry.is_file()
        key = _identity(entry) if is_dir else None
    except OSError as err:
        skip(path, vanished(err), logging.INFO)
        return
    if key is not None:
        if key in visited:
            reason = "symlink loop or folder already scanned through another link"
            skip(path, reason, logging.INFO)
            return
        visited.add(key)
        subdirs.append(entry.name)
        stack.append(path)
    elif is_file:
        ext = os.path.splitext(entry.name)[1].lower()
        if ext in sidecar.MEDIA_EXTENSIONS:
            listing.media.append(path)
        elif ext in sidecar.TRANSCRIPT_EXTENSIONS:
            names.append(entry.name)
    elif entry.is_symlink():
        skip(path, "broken link", logging.INFO)


class _Inside:
    """Whether a path's real location (symlinks resolved) is inside the library folder."""

    def __init__(self, root: str) -> None:
        self.real_root = os.path.realpath(root)

    def __call__(self, path: str) -> bool:
        try:
            target = os.path.realpath(path)
        except (OSError, ValueError):
            return False
        return is_under(target, self.real_root)


def _identity(entry: os.DirEntry[str]) -> tuple[int, int]:
    st = entry.stat()
    return st.st_dev, st.st_ino


# --- pairing media with transcripts -------------------------------------------------------------


class _StemPrefixes:
    """Which media files can have sidecars at all, answered from the walk's own listing.

    ``sidecar.find_sidecars`` lists the media's folder again on every call: asked for each of
    10,000 media files in one folder, that is 10,000 listings. A sidecar's name starts with the
    media's stem and a dot (the sidecar rule), so only media whose stem is such a prefix of a
    transcript name in their folder or its sidecar subfolders need to ask."""

    def __init__(self, listing: Listing) -> None:
        self._listing = listing
        self._by_folder: dict[str, set[str]] = {}

    def may_have_sidecars(self, media_path: str) -> bool:
        folder, name = os.path.split(media_path)
        return os.path.splitext(name)[0].casefold() in self._prefixes(folder)

    def _prefixes(self, folder: str) -> set[str]:
        keys = self._by_folder.get(folder)
        if keys is None:
            keys = set()
            pools = [self._listing.transcripts.get(folder, [])]
            for sub in self._listing.subfolders.get(folder, []):
                if sub.casefold() in sidecar.SIDECAR_FOLDERS:
                    pools.append(self._listing.transcripts.get(os.path.join(folder, sub), []))
            for pool in pools:
                for name in pool:
                    folded = name.casefold()
                    keys.update(folded[:i] for i, ch in enumerate(folded) if ch == ".")
            self._by_folder[folder] = keys
        return keys


def _pair(root: str, listing: Listing, preferred_languages: Sequence[str]) -> list[FoundBriefing]:
    """Match media files with their sidecar transcripts; unclaimed transcripts stand alone."""
    prefixes = _StemPrefixes(listing)
    inside = _Inside(root)
    claimed: set[str] = set()
    found: list[FoundBriefing] = []
    for path in sorted(listing.media):
        best: sidecar.SidecarCandidate | None = None
        if prefixes.may_have_sidecars(path):
            candidates = [c for c in sidecar.find_sidecars(Path(path)) if inside(os.fspath(c.path))]
            claimed.update(os.fspath(c.path) for c in candidates)
            best = sidecar.preferred_transcript(candidates, preferred_languages)
        if best is None:
            found.append(FoundBriefing(path, root, True, None))
        else:
            found.append(FoundBriefing(path, root, True, os.fspath(best.path), best.language))
    for folder, names in listing.transcripts.items():
        for name in names:
            path = os.path.join(folder, name)
            if path in claimed or sidecar.is_chapters_name(name):
                continue
            found.append(FoundBriefing(path, root, False, path, sidecar.language_of_name(name)))
    found.sort(key=lambda f: f.path)
    return found
