"""``briefing-player index DIR...`` and ``briefing-player library``; the archive side of ``search``.

* ``index DIR... [--db PATH] [--rebuild]`` adds the folders to the archive and scans them: a
  progress bar on stderr when it is a terminal, every skipped item as a ``warning: PATH: reason``
  line on stderr, then one summary line on stdout ("seen N, added N, updated N, removed N,
  failed N, cues N, in S.s s"). Exit 0 when the scan ran (problems with single files are
  warnings), 2 when it could not (missing folder, unusable database).
* ``library [--json] [--filter TEXT] [--sort KEY] [--db PATH]`` lists the indexed briefings:
  ``DATE<TAB>DURATION<TAB>LANGUAGE<TAB>CUES<TAB>TITLE<TAB>PATH`` or one JSON object per line.
* ``search_archive(args)`` runs ``briefing-player search QUERY`` with no FILE over the archive,
  printing exactly what the transcript search prints (``FILE<TAB>HH:MM:SS.mmm<TAB>Speaker: text``
  or ``--json`` lines ``{"file", "start", "end", "speaker", "text"}`` with times in seconds), where
  FILE is the briefing's media file (or its transcript when it has no media). QUERY uses the
  archive's syntax: plain words (a phrase, as in a file), "quoted phrases", prefix*, AND/OR/NOT
  (with them, words next to each other must all occur), -word.
  Exit status 0 hits, 1 none, 2 error.

The database defaults to ``platformdirs.user_data_dir("briefing-player")/archive.sqlite``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from player.app.paths import default_db_path
from player.cli.output import escape, json_line, write_line
from player.core.archive.files import inspect
from player.core.archive.library import Archive, ArchiveError, ArchiveHit, BriefingRow, ScanProgress
from player.core.archive.store import is_server_url
from player.core.text.quote import format_hit_line, one_line
from player.core.timeline.timecode import format_clock

_SORT_KEYS = ("date", "title", "duration", "path", "language", "position", "indexed")
CHECK_BUDGET_S = 5.0
"""``index`` and ``library`` check every page of the index first (``PRAGMA quick_check``), for
at most this long (a check cut short is not an error); see ``Archive.open(verify_s=...)``."""


def add_parser(subparsers: Any) -> None:
    """Register the ``index`` and ``library`` subcommands (``search`` registers itself)."""
    index = subparsers.add_parser(
        "index",
        help="add folders to the archive and index their briefings",
        description=(
            "Add each DIR to the archive and scan it: media files and their sidecar transcripts "
            "(.vtt/.srt/.sbv) are indexed for 'briefing-player search QUERY'. Rescans skip "
            "unchanged files; deleted files are dropped."
        ),
        epilog="exit status: 0 scanned (file problems are warnings), 2 error",
    )
    index.add_argument("dirs", nargs="+", metavar="DIR", help="folder of briefings")
    index.add_argument("--db", metavar="PATH", help="archive database (default: user data dir)")
    index.add_argument(
        "--rebuild",
        action="store_true",
        help="start a new index (the old file is moved aside as NAME.corrupt-TIME, not deleted; "
        "positions and bookmarks are kept)",
    )
    index.add_argument("--quiet", "-q", action="store_true", help="no progress bar or warnings")
    index.set_defaults(func=run_index)

    library = subparsers.add_parser(
        "library",
        help="list the briefings in the archive",
        description="List the archive's briefings: date, duration, language, cues, title, file.",
    )
    library.add_argument("--json", action="store_true", help="print one JSON object per line")
    library.add_argument("--filter", metavar="TEXT", help="only titles/paths containing TEXT")
    library.add_argument("--sort", choices=_SORT_KEYS, default="date", help="sort order")
    library.add_argument("--db", metavar="PATH", help="archive database (default: user data dir)")
    library.set_defaults(func=run_library)


def _db_path(args: argparse.Namespace) -> Path:
    db = getattr(args, "db", None) or os.environ.get("BRIEFING_PLAYER_DB")
    if db and is_server_url(db):  # the server was out of reach: the local archive answers
        db = None
    return Path(db).expanduser() if db else default_db_path()


def _is_missing(db: Path) -> bool:
    """Whether there is no archive at ``db`` yet; ArchiveError when something unusable is there
    (a folder, a pipe, a symlink loop, a broken link)."""
    return inspect(db, "archive index").kind == "missing"


def _open_checked(db: Path) -> Archive:
    return Archive.open(db, verify_s=CHECK_BUDGET_S)


def _warn_user_problem(archive: Archive) -> None:
    if archive.user_problem is not None:
        write_line(
            f"warning: {archive.user_problem.message} (listed without resume positions)",
            sys.stderr,
        )


def _say_waiting() -> None:
    write_line(
        "another 'briefing-player index' is writing this archive; waiting for it to finish "
        "(Ctrl+C to stop)…",
        sys.stderr,
    )


def _error(message: str) -> None:
    write_line(f"error: {message}", sys.stderr)


def _archive_error(err: ArchiveError) -> int:
    _error(err.message)
    if err.rebuildable:
        print(
            "hint: 'briefing-player index --rebuild DIR...' starts a new index "
            "(the old file is kept beside it)",
            file=sys.stderr,
        )
    return 2


# --- index --------------------------------------------------------------------------------------


class _ProgressBar:
    """A one-line progress bar on a terminal, redrawn at most ten times a second."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last = 0.0
        self.width = 0

    def __call__(self, p: ScanProgress) -> None:
        now = time.monotonic()
        if now - self.last < 0.1:
            return
        self.last = now
        if p.phase == "indexing" and p.total:
            filled = int(30 * p.done / p.total)
            bar = "#" * filled + "-" * (30 - filled)
            name = os.path.basename(p.path or "")
            line = f"[{bar}] {p.done}/{p.total} {name}"
        elif p.phase == "listing":
            line = f"listing folders… {p.done} {p.path or ''}"
        else:
            line = "removing deleted briefings…"
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except OSError:
            columns = 0
        columns = columns or 80  # a fresh pseudo-terminal may report 0 columns
        line = line[: max(10, columns - 1)]
        self.stream.write("\r" + escape(line).ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def run_index(args: argparse.Namespace) -> int:
    """``briefing-player index``: add folders and scan them."""
    from player.cli import shared_archive

    if (url := shared_archive.server_url(args)) is not None:
        return shared_archive.index_shared(args, url)
    dirs = []
    for name in args.dirs:
        path = Path(name).expanduser()
        if not path.exists():
            _error(f"{name}: no such folder")
            return 2
        if not path.is_dir():
            _error(f"{name}: not a folder")
            return 2
        dirs.append(path)
    db = _db_path(args)
    try:
        opener = Archive.rebuild if args.rebuild else _open_checked
        archive = opener(db)
    except ArchiveError as err:
        return _archive_error(err)
    bar = _ProgressBar(sys.stderr) if not args.quiet and sys.stderr.isatty() else None
    try:
        folders = [archive.add_folder(d) for d in dirs]
        summary = archive.scan(progress=bar, folders=folders, on_wait=_say_waiting)
    except ArchiveError as err:
        if bar is not None:
            bar.clear()
        return _archive_error(err)
    except KeyboardInterrupt:
        # Every briefing indexed so far is committed; the next 'index' run continues from there.
        if bar is not None:
            bar.clear()
        raise
    finally:
        archive.close()
    if bar is not None:
        bar.clear()
    if not args.quiet:
        for where, reason in summary.skipped:
            write_line(f"warning: {where}: {reason}", sys.stderr)
    write_line(summary.line())
    return 0


# --- library ------------------------------------------------------------------------------------


def _briefing_record(b: BriefingRow) -> dict[str, Any]:
    return {
        "path": b.path,
        "title": b.title,
        "date": b.date,
        "duration": None if b.duration_ms is None else b.duration_ms / 1000,
        "transcript": b.transcript_path,
        "language": b.language,
        "cues": b.cue_count,
        "warnings": b.warning_count,
        "error": b.error,
        "position": None if b.position_ms is None else b.position_ms / 1000,
        "has_media": b.has_media,
        "machine_generated": b.machine_generated,
    }


def _briefing_line(b: BriefingRow) -> str:
    duration = "-" if b.duration_ms is None else format_clock(b.duration_ms)
    language = "none" if b.transcript_path is None else (b.language or "?")
    cues = f"{b.cue_count} cues"
    if b.error:
        cues += " (transcript not readable)"
    elif b.warning_count:
        cues += f" ({b.warning_count} warnings)"
    title = b.title.replace("\t", " ")
    return f"{b.date}\t{duration}\t{language}\t{cues}\t{title}\t{b.path}"


def run_library(args: argparse.Namespace) -> int:
    """``briefing-player library``: list the briefings."""
    from player.cli import shared_archive

    if (url := shared_archive.server_url(args)) is not None:
        return shared_archive.library_shared(args, url)
    db = _db_path(args)
    try:
        missing = _is_missing(db)
    except ArchiveError as err:
        return _archive_error(err)
    if missing:
        write_line(
            f"the archive is empty ({db} does not exist yet); "
            "add folders with 'briefing-player index DIR...'",
            sys.stderr,
        )
        return 0
    try:
        with Archive.open(db, read_only=True, verify_s=CHECK_BUDGET_S) as archive:
            _warn_user_problem(archive)
            rows = archive.briefings(args.filter, order_by=args.sort)
    except ArchiveError as err:
        return _archive_error(err)
    try:
        for b in rows:
            if args.json:
                write_line(json_line(_briefing_record(b)), raw=True)
            else:
                write_line(_briefing_line(b))
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    return 0


# --- search -------------------------------------------------------------------------------------


def _hit_line(hit: ArchiveHit, *, as_json: bool) -> str:
    text = one_line(hit.text)
    name = hit.briefing.path
    if as_json:
        return json_line(
            {
                "file": name,
                "start": hit.start_ms / 1000,
                "end": hit.end_ms / 1000,
                "speaker": hit.speaker,
                "text": text,
            }
        )
    return format_hit_line(name, hit.start_ms, hit.text, hit.speaker)


def search_archive(args: argparse.Namespace) -> int:
    """``briefing-player search QUERY`` with no FILE: search the archive (0 hits, 1 none, 2 error).

    Uses ``args.query``, ``.json``, ``.case_sensitive``, ``.word`` (FTS5 matches whole words
    already), ``.part`` (part of words: ``Archive.search_part``), ``.regex``, ``.speaker``,
    ``.limit`` (None: all) and ``.db``. A ``postgresql://`` address (``--db`` or
    ``BRIEFING_PLAYER_DB``) searches the shared archive; when it is out of reach, the local one.
    """
    from player.cli import shared_archive

    if (url := shared_archive.server_url(args)) is not None:
        status = shared_archive.search_shared(args, url)
        if status is not None:
            return status
    db = _db_path(args)
    try:
        missing = _is_missing(db)
    except ArchiveError as err:
        return _archive_error(err)
    if missing:
        _error(
            f"the archive {db} does not exist yet; index folders first with "
            "'briefing-player index DIR...', or give FILEs to search"
        )
        return 2
    limit: int | None = getattr(args, "limit", None)
    speaker = getattr(args, "speaker", None) or None
    case_sensitive = bool(getattr(args, "case_sensitive", False))
    printed = 0
    try:
        with Archive.open(db, read_only=True) as archive:
            _warn_user_problem(archive)
            if getattr(args, "regex", False):
                hits: Any = archive.search_regex(
                    args.query, speaker=speaker, case_sensitive=case_sensitive, limit=limit
                )
            elif getattr(args, "part", False):  # part of words: as in a transcript's search
                hits = archive.search_part(
                    args.query, speaker=speaker, case_sensitive=case_sensitive, limit=limit
                )
            else:
                hits = archive.iter_search(
                    args.query, speaker=speaker, case_sensitive=case_sensitive
                )
            for hit in hits:
                if limit is not None and printed >= limit:
                    break
                write_line(_hit_line(hit, as_json=bool(args.json)), raw=bool(args.json))
                printed += 1
            sys.stdout.flush()
    except ArchiveError as err:
        return _archive_error(err)
    except BrokenPipeError:
        _silence_stdout()
        return 0
    return 0 if printed else 1


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
