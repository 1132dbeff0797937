"""Indexing a library root into a store (``store.ArchiveStore``: SQLite or PostgreSQL).

``index_root(store, root, folder)`` walks ``folder`` (``walk.walk``: the same pairing of media
and sidecar transcripts as the personal archive), names each briefing by ``root`` and its path
relative to the root, writes each changed briefing in one transaction (``store.write``) and
drops the ones gone from a completely listed folder. ``under`` indexes one subfolder of the root
(``folder`` is then this machine's copy of that subfolder): only its briefings are written or
dropped. The folder's lock (``store.folder_lock``: its ancestors shared, itself exclusive, see
``folder_locks``) lets indexers of two sibling folders run together and keeps a second indexer of
the same folder, or of one above or below it, away: it returns at once with ``busy`` set.
Unchanged briefings (same content hash) are not written again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from player.core.archive.folder_locks import normal_folder
from player.core.archive.records import ArchiveError, ScanProgress
from player.core.archive.store import ArchiveStore, SharedBriefing, StoreUnavailable
from player.core.archive.walk import FoundBriefing, walk
from player.core.formats.load import parse_transcript_bytes
from player.core.inputs import InputError, read_bytes
from player.core.media.probe import probe_media
from player.core.model import Transcript

__all__ = ["SharedScan", "index_root"]

logger = logging.getLogger(__name__)

_HASH_SAMPLE = 4 * 1024 * 1024


@dataclass(slots=True)
class SharedScan:
    """What one ``index_root`` did."""

    seen: int = 0
    written: int = 0
    removed: int = 0
    failed: int = 0
    cues: int = 0
    busy: bool = False
    problems: list[tuple[str, str]] = field(default_factory=list)


def index_root(
    store: ArchiveStore,
    root: str,
    folder: str | os.PathLike[str],
    *,
    progress: Callable[[ScanProgress], None] | None = None,
    cancel: threading.Event | None = None,
    under: str = "",
) -> SharedScan:
    """Bring ``store``'s briefings of ``root`` (of its subfolder ``under``) up to date with
    ``folder``."""
    base = os.path.abspath(os.fspath(folder))
    sub = normal_folder(under)
    prefix = sub + "/" if sub else ""
    if not os.path.isdir(base):
        raise ArchiveError(f"{base} is not a folder")
    scan = SharedScan()

    def skip(path: str, reason: str, level: int = logging.WARNING) -> None:
        if level >= logging.WARNING:
            scan.problems.append((path, reason))

    with store.folder_lock(root, sub) as got:
        if not got:
            scan.busy = True
            return scan
        walked = walk(base, skip, progress, cancel)
        if walked is None:
            return scan
        found, complete = walked
        known = {
            b.relpath: b.content_hash for b in store.briefings(root) if b.relpath.startswith(prefix)
        }
        present: set[str] = set()
        for item in found:
            if cancel is not None and cancel.is_set():
                return scan
            rel = prefix + Path(os.path.relpath(item.path, base)).as_posix()
            present.add(rel)
            scan.seen += 1
            try:
                digest, data = _digest(item)
            except OSError as err:
                scan.problems.append((item.path, f"cannot read: {err.strerror or err}"))
                continue
            if known.get(rel) == digest:
                continue
            briefing = _describe(item, root, rel, digest, data, scan)
            try:
                scan.cues += store.write(briefing)
            except StoreUnavailable:
                raise
            except ArchiveError as err:  # this briefing only (e.g. a cue too large to index)
                scan.failed += 1
                scan.problems.append((item.path, err.message))
                continue
            scan.written += 1
        complete_rel = {_rel(prefix, Path(os.path.relpath(f, base)).as_posix()) for f in complete}
        for rel in set(known) - present:
            parent = os.path.dirname(rel) or "."
            if parent in complete_rel and store.delete(root, rel):
                scan.removed += 1
        if scan.written or scan.removed:
            store.refresh_statistics()
    return scan


def _rel(prefix: str, rel: str) -> str:
    """A folder's path relative to the root (``.`` for the root itself)."""
    if rel == ".":
        return prefix.rstrip("/") or "."
    return prefix + rel


def _digest(item: FoundBriefing) -> tuple[str, bytes | None]:
    digest = hashlib.blake2b(digest_size=16)
    with open(item.path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        digest.update(str(size).encode())
        digest.update(fh.read(_HASH_SAMPLE))
        if size > 2 * _HASH_SAMPLE:
            fh.seek(size - _HASH_SAMPLE)
            digest.update(fh.read(_HASH_SAMPLE))
    data: bytes | None = None
    if item.transcript is not None and item.transcript != item.path:
        try:
            data = read_bytes(item.transcript)
        except InputError:
            data = None
        digest.update(b"\0transcript\0" + (data or b""))
    elif item.transcript is not None:
        data = read_bytes(item.path)
    return digest.hexdigest(), data


def _describe(
    item: FoundBriefing, root: str, rel: str, digest: str, data: bytes | None, scan: SharedScan
) -> SharedBriefing:
    loaded: Transcript | None = None
    if item.transcript is not None and data is not None:
        try:
            loaded = parse_transcript_bytes(data, source=item.transcript)
        except Exception as err:  # one bad file never stops the scan
            scan.failed += 1
            scan.problems.append((item.transcript, f"transcript not loaded: {err}"))
    info = probe_media(item.path) if item.has_media else None
    title = (info.title if info is not None else None) or Path(rel).stem
    duration = info.duration_ms if info is not None else None
    cues = loaded.cues if loaded is not None else ()
    if duration is None and cues:
        duration = max(c.end_ms for c in cues)
    return SharedBriefing(
        root=root,
        relpath=rel,
        title=title,
        date="",
        duration_ms=duration,
        language=(loaded.language if loaded is not None else None) or item.language,
        content_hash=digest,
        cues=cues,
    )
