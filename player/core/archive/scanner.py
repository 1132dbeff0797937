"""The scanner: brings the index up to date with the briefings found in the library folders.

For each library folder, ``walk`` lists the briefings on disk; each is then indexed or skipped:

1. ``_stat_files``: the media's and the transcript's sizes and times (a vanished file is
   reported and skipped; a vanished transcript leaves the media to be indexed alone);
2. unchanged sizes and times since the last scan: nothing is read;
3. the transcript is read once, through ``core.inputs.read_bytes`` (regular files only, opened
   without blocking, at most ``TRANSCRIPT_LIMIT_BYTES``: a FIFO, a device or a 2 GB file swapped
   in after the listing is refused with a reason recorded on the briefing, never read);
   ``_content_hash`` (BLAKE2b of those bytes, and of the media's first and last 4 MiB plus its
   size, read from a regular file opened without blocking): the same hash means the files were
   only touched, and the new times are kept;
4. ``_load``: the bytes are parsed (a failure is recorded on the briefing, which is listed
   without cues; load warnings are kept and reported);
5. ``_describe``: title, date, duration and language, then one transaction writes it all.

Each briefing is committed on its own, so a scan cancelled or killed at any moment leaves a
consistent index and the next scan finishes the work. Briefings are dropped only when a complete
listing of their folder showed them gone. Single-file problems go to ``ScanSummary.skipped`` and
to the log; they never stop the scan.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import logging
import os
import re
import stat
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from player.core.archive.index_store import (
    FileStamps,
    IndexedBriefing,
    IndexStore,
    KnownBriefing,
)
from player.core.archive.records import ScanProgress, ScanSummary, is_under, shown
from player.core.archive.walk import FoundBriefing, vanished, walk
from player.core.formats.load import parse_transcript_bytes
from player.core.inputs import InputError, read_bytes
from player.core.media import sidecar
from player.core.media.probe import probe_media
from player.core.model import Transcript, TranscriptFormat

__all__ = ["Scanner"]

logger = logging.getLogger(__name__)

_DATE_IN_NAME = re.compile(
    r"(?<!\d)((?:19|20)\d\d)[-_. ]?(0[1-9]|1[0-2])[-_. ]?(0[1-9]|[12]\d|3[01])(?!\d)"
)
_HASH_SAMPLE = 4 * 1024 * 1024
_FORMAT_HINTS: dict[str, TranscriptFormat] = {".vtt": "vtt", ".srt": "srt", ".sbv": "sbv"}

Progress = Callable[[ScanProgress], None]


@dataclass(slots=True)
class _Tally:
    """What the scan has done so far (becomes the ScanSummary)."""

    seen: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    failed: int = 0
    cues: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def skip(self, path: str, reason: str, level: int = logging.WARNING) -> None:
        """Report a file or folder that was not (fully) indexed."""
        self.skipped.append((path, reason))
        logger.log(level, "scan: %s: %s", shown(path), shown(reason))

    def progress(
        self, phase: Literal["indexing", "removing"], done: int, total: int, path: str | None
    ) -> ScanProgress:
        """A progress report carrying the counts so far."""
        return ScanProgress(phase, done, total, path, self.added, self.updated, self.cues)


@dataclass(frozen=True, slots=True)
class _FileFacts:
    """A briefing's files as ``os.stat`` saw them just now (``mtime`` dates a briefing whose
    name carries no date)."""

    stamps: FileStamps
    mtime: float


class _FolderClosed(Exception):
    """The folder being scanned is being removed from the library: stop scanning it."""


class Scanner:
    """Indexes the briefings of library folders into one index store (one scan at a time:
    the ``Archive`` holds its scan lock around ``scan``)."""

    def __init__(self, index: IndexStore, preferred_languages: Sequence[str] = ()) -> None:
        self._index = index
        self._preferred_languages = tuple(preferred_languages)

    def scan(
        self, roots: Sequence[str], progress: Progress | None, cancel: threading.Event | None
    ) -> ScanSummary:
        """Scan each folder in ``roots`` (normalised paths) in turn; see the module docstring."""
        started = time.perf_counter()
        tally = _Tally()
        known = self._index.known()
        cancelled = False
        for root in roots:
            cancelled = (cancel is not None and cancel.is_set()) or self._scan_root(
                root, known, tally, progress, cancel
            )
            if cancelled:
                break
        summary = ScanSummary(
            seen=tally.seen,
            added=tally.added,
            updated=tally.updated,
            removed=tally.removed,
            failed=tally.failed,
            skipped=tuple(tally.skipped),
            cues_indexed=tally.cues,
            seconds=time.perf_counter() - started,
            cancelled=cancelled,
        )
        logger.info("scan of %d folders: %s", len(roots), summary.line())
        return summary

    def _scan_root(
        self,
        root: str,
        known: dict[str, KnownBriefing],
        tally: _Tally,
        progress: Progress | None,
        cancel: threading.Event | None,
    ) -> bool:
        """Scan one library folder; returns True if cancelled."""
        if not os.path.isdir(root):
            reason = (
                "folder not found (is the disk connected?)"
                if not os.path.exists(root)
                else "not a folder"
            )
            tally.skip(root, reason + "; its briefings are kept")
            return False
        listed = walk(root, tally.skip, progress, cancel, self._preferred_languages)
        if listed is None:
            return True
        found, complete = listed
        seen: set[str] = set()
        for n, item in enumerate(found):
            if progress is not None:
                progress(tally.progress("indexing", n, len(found), item.path))
            if cancel is not None and cancel.is_set():
                return True
            try:
                if self._index.is_closed(root):
                    raise _FolderClosed
                if self._scan_one(item, known.get(item.path), tally):
                    seen.add(item.path)
            except _FolderClosed:
                logger.info("scan: %s is being removed from the library: scan stopped there", root)
                return False
        if progress is not None:
            progress(tally.progress("removing", len(found), len(found), None))
        self._drop_gone(root, known, seen, complete, tally)
        return False

    def _drop_gone(
        self,
        root: str,
        known: dict[str, KnownBriefing],
        seen: set[str],
        complete: set[str],
        tally: _Tally,
    ) -> None:
        """Drop the briefings of ``root`` the walk did not see, where it could see everything."""
        for path, old in list(known.items()):
            if old.folder != root or path in seen:
                continue
            if os.path.dirname(path) not in complete and not _parent_gone(path, root, complete):
                continue  # its folder could not be listed: keep it
            self._index.delete(path)
            del known[path]
            tally.removed += 1

    def _scan_one(self, item: FoundBriefing, old: KnownBriefing | None, tally: _Tally) -> bool:
        """Index or skip one briefing; returns False if its file vanished."""
        files = _stat_files(item, tally)
        if files is None:
            return False
        stamps = files.stamps
        if old is not None and old.stamps == stamps:
            tally.seen += 1
            return True
        transcript = stamps.transcript_path
        data, error = _read_transcript(transcript)
        try:
            digest = _content_hash(item.path, transcript if transcript != item.path else None, data)
        except OSError as err:
            tally.skip(item.path, vanished(err))
            return False
        tally.seen += 1
        if (
            old is not None
            and old.content_hash == digest
            and old.stamps.transcript_path == transcript
        ):
            # Touched, not changed: remember the new stats so the next scan skips it cheaply.
            self._index.remember_stats(item.path, stamps)
            return True
        loaded, error = _load(transcript, data, error, tally)
        entry = _describe(item, files, digest, loaded, error)
        if self._index.write(entry) is None:
            raise _FolderClosed
        tally.cues += len(entry.cues)
        if old is None:
            tally.added += 1
        else:
            tally.updated += 1
        return True


# --- the steps of _scan_one ---------------------------------------------------------------------


def _stat_files(item: FoundBriefing, tally: _Tally) -> _FileFacts | None:
    """The facts of the briefing's files, or None (reported) when its main file is unusable."""
    try:
        media_st = os.stat(item.path)
    except OSError as err:
        tally.skip(item.path, vanished(err), logging.INFO)
        return None
    if not stat.S_ISREG(media_st.st_mode):
        tally.skip(item.path, "not a regular file")
        return None
    transcript = item.transcript
    t_size: int | None = None
    t_mtime: int | None = None
    if transcript == item.path:  # a transcript alone: it is its own main file
        t_size, t_mtime = media_st.st_size, media_st.st_mtime_ns
    elif transcript is not None:
        try:
            t_st = os.stat(transcript)
            t_size, t_mtime = t_st.st_size, t_st.st_mtime_ns
        except OSError:
            transcript = None  # vanished: index the media alone, the next scan catches up
    stamps = FileStamps(media_st.st_size, media_st.st_mtime_ns, transcript, t_size, t_mtime)
    return _FileFacts(stamps, media_st.st_mtime)


def _read_transcript(transcript: str | None) -> tuple[bytes | None, str | None]:
    """The transcript's bytes (guarded, see the module docstring), or why they were not read."""
    if transcript is None:
        return None, None
    try:
        return read_bytes(transcript), None
    except InputError as err:
        if err.problem == "not_found":
            return None, "transcript vanished during the scan"
        return None, f"transcript not read: {err.message}"


def _open_regular(path: str) -> int:
    """A descriptor of ``path`` opened without blocking; OSError unless it is a regular file."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{shown(path)} is not a regular file")
    return fd


def _content_hash(media: str, transcript: str | None, data: bytes | None) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with open(_open_regular(media), "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        digest.update(str(size).encode())
        if size <= 2 * _HASH_SAMPLE:
            digest.update(fh.read(size))
        else:
            digest.update(fh.read(_HASH_SAMPLE))
            fh.seek(size - _HASH_SAMPLE)
            digest.update(fh.read(_HASH_SAMPLE))
    digest.update(b"\0transcript\0")
    if transcript is not None:
        digest.update(os.fsencode(transcript))
        if data is not None:
            digest.update(data)
    return digest.hexdigest()


def _load(
    transcript: str | None, data: bytes | None, error: str | None, tally: _Tally
) -> tuple[Transcript | None, str | None]:
    """The parsed transcript, or why it could not be read; failures and warnings are reported."""
    if transcript is None:
        return None, None
    if data is None:
        tally.failed += 1
        tally.skip(transcript, error or "transcript not read")
        return None, error
    try:
        hint = _FORMAT_HINTS.get(os.path.splitext(transcript)[1].lower())
        loaded = parse_transcript_bytes(data, source=transcript, format_hint=hint)
    except Exception as err:  # any failure of one file must not stop the scan
        error = _load_error(err)
        tally.failed += 1
        tally.skip(transcript, error)
        return None, error
    if loaded.warnings:
        first = loaded.warnings[0]
        where = f"{transcript}:{first.line}" if first.line is not None else f"{transcript}"
        more = len(loaded.warnings) - 1
        tally.skip(
            where,
            first.message + (f" (and {more} more load warnings)" if more else ""),
            logging.INFO,
        )
    return loaded, None


def _load_error(err: Exception) -> str:
    if isinstance(err, FileNotFoundError):
        return "transcript vanished during the scan"
    if isinstance(err, OSError):
        return f"cannot read transcript: {err.strerror or err}"
    if isinstance(err, UnicodeError):
        return f"cannot decode transcript text: {err}"
    text = str(err) or type(err).__name__
    return f"transcript not loaded: {text}"


def _describe(
    item: FoundBriefing,
    files: _FileFacts,
    digest: str,
    loaded: Transcript | None,
    error: str | None,
) -> IndexedBriefing:
    """Everything the index keeps about one briefing, from its files and parsed transcript."""
    info = probe_media(item.path) if item.has_media else None
    title = (info.title if info is not None else None) or _title_from_name(item.path)
    date, from_name = _date_for(item.path, files.mtime)
    duration = info.duration_ms if info is not None else None
    if duration is None and not item.has_media and loaded is not None and loaded.cues:
        duration = max(c.end_ms for c in loaded.cues)
    return IndexedBriefing(
        path=item.path,
        folder=item.folder,
        has_media=item.has_media,
        stamps=files.stamps,
        content_hash=digest,
        title=title,
        date=date,
        date_from_name=from_name,
        duration_ms=duration,
        language=(loaded.language if loaded is not None else None) or item.language,
        transcript_format=loaded.format if loaded is not None else None,
        warnings=loaded.warnings if loaded is not None else (),
        error=error,
        machine_generated=loaded.machine_generated if loaded is not None else False,
        cues=loaded.cues if loaded is not None else (),
    )


def _title_from_name(path: str) -> str:
    """The file name without its extension and language tag: ``talk.pt_BR.vtt`` -> ``talk``."""
    name = os.path.basename(path)
    stem = os.path.splitext(name)[0]
    title = stem.rpartition(".")[0] if sidecar.language_of_name(name) is not None else stem
    return shown(title)


def _date_for(path: str, mtime: float) -> tuple[str, bool]:
    """ISO date from the file name when it has one (and True), else from ``mtime``."""
    for m in _DATE_IN_NAME.finditer(os.path.basename(path)):
        try:
            return _dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat(), True
        except ValueError:
            continue
    try:
        return _dt.date.fromtimestamp(mtime).isoformat(), False
    except (OverflowError, OSError, ValueError):
        return "1970-01-01", False


# --- where a briefing's folder went -------------------------------------------------------------


def _parent_gone(path: str, root: str, complete: set[str]) -> bool:
    """True if ``path``'s folder is gone: its nearest existing ancestor was listed completely."""
    folder = os.path.dirname(path)
    while is_under(folder, root):
        if os.path.isdir(folder):
            return folder in complete
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return False
