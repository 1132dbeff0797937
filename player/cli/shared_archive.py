"""The shared archive on a PostgreSQL server, from the command line (issue 19).

* ``briefing-player archive init --db postgresql://user@host:port/dbname`` creates (or migrates)
  the schema and checks the ``unaccent`` extension (a clear message when it is missing).
* ``index``, ``library`` and ``search`` (no FILE) use the server when ``--db`` or
  ``BRIEFING_PLAYER_DB`` is a ``postgresql://`` address (``cli.archive`` hands them over here).
  ``index DIR...`` indexes each DIR as a library root: the root whose folder
  ``BRIEFING_PLAYER_ROOTS`` (``NAME=FOLDER;...``) maps to it, or one named after the folder; a
  DIR inside a mapped root is indexed as that subfolder of the root (indexers of two different
  subfolders run at the same time; of the same folder, or one above or below it, the second one
  is skipped).
  Listings and hits show this machine's path of a briefing when its root is mapped, else
  ``ROOT:RELATIVE/PATH``.
* ``search --regex`` and ``--part`` read every cue from the server (one snapshot, in write order)
  and match it here, exactly as the local archive does (the same pattern syntax, limits and
  time budget: ``core.archive.scan_match``).
* When the server cannot be reached, ``search`` says so on stderr and answers from the local
  archive; ``index`` and ``library`` exit 2 with the message. The address is shown without its
  password everywhere (credentials come from the URL, ``~/.pgpass`` or ``PG*`` variables).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

from player.cli.output import json_line, write_line
from player.core.archive.records import ArchiveError
from player.core.archive.roots import RootError, RootMap
from player.core.archive.scan_match import part_matcher, regex_matcher, scan_store
from player.core.archive.search import REGEX_DEADLINE_S
from player.core.archive.shared_index import index_root
from player.core.archive.shared_search import store_hits
from player.core.archive.store import ArchiveStore, StoreHit, StoreUnavailable, is_server_url
from player.core.text.quote import format_hit_line, one_line

__all__ = ["DB_ENV", "add_parser", "index_shared", "library_shared", "open_store", "server_url"]

DB_ENV = "BRIEFING_PLAYER_DB"
"""The environment variable naming the archive (a file path or a ``postgresql://`` address)."""


def add_parser(subparsers: Any) -> None:
    """Register ``briefing-player archive init``."""
    archive = subparsers.add_parser(
        "archive",
        help="set up a shared archive on a PostgreSQL server",
        description="Manage a shared archive on a PostgreSQL server.",
    )
    sub = archive.add_subparsers(dest="action", required=True, metavar="ACTION")
    init = sub.add_parser(
        "init",
        help="create the archive's tables on the server",
        description=(
            "Create (or bring up to date) the archive's schema on a PostgreSQL server, checking "
            "the unaccent extension. Credentials come from the URL, ~/.pgpass or PG* variables."
        ),
        epilog="exit status: 0 ready, 2 error",
    )
    init.add_argument(
        "--db", metavar="URL", help=f"postgresql://user@host:port/dbname (default: ${DB_ENV})"
    )
    init.set_defaults(func=run_init)


def server_url(args: argparse.Namespace) -> str | None:
    """The ``postgresql://`` address given by ``--db`` or ``BRIEFING_PLAYER_DB``, or None."""
    db = getattr(args, "db", None) or os.environ.get(DB_ENV)
    return db if is_server_url(db) else None


def open_store(url: str) -> ArchiveStore:
    """The PostgreSQL store at ``url`` (ArchiveError when the driver is not installed)."""
    try:
        from player.engines.postgres_store import PostgresStore
    except ImportError:
        raise ArchiveError(
            "the PostgreSQL driver is not installed: pip install 'briefing-player[postgres]'"
        ) from None
    return PostgresStore(url)


def _error(message: str) -> int:
    write_line(f"error: {message}", sys.stderr)
    return 2


def run_init(args: argparse.Namespace) -> int:
    """``briefing-player archive init --db URL``."""
    url = server_url(args)
    if url is None:
        return _error(f"give the server as --db postgresql://user@host:port/dbname (or ${DB_ENV})")
    try:
        store = open_store(url)
    except ArchiveError as err:
        return _error(err.message)
    try:
        version = store.schema_version()
        count = len(store.briefings())
    except ArchiveError as err:
        return _error(err.message)
    finally:
        store.close()
    shown = getattr(store, "shown", "the server")
    write_line(f"the archive on {shown} is ready (schema {version}, {count} briefings)")
    return 0


def _roots() -> RootMap:
    try:
        return RootMap.from_environment()
    except RootError as err:
        write_line(f"warning: BRIEFING_PLAYER_ROOTS: {err}", sys.stderr)
        return RootMap()


def index_shared(args: argparse.Namespace, url: str) -> int:
    """``index DIR...`` into the server: each DIR a library root."""
    roots = _roots()
    try:
        store = open_store(url)
    except ArchiveError as err:
        return _error(err.message)
    try:
        for name in args.dirs:
            folder = os.path.abspath(os.path.expanduser(name))
            if not os.path.isdir(folder):
                return _error(f"{name}: not a folder")
            located = roots.locate(folder)
            under = ""
            if located is not None:
                root = located[0]
                under = "" if located[1] == "." else located[1]
            else:
                root = os.path.basename(folder.rstrip(os.sep)) or "root"
                if not getattr(args, "quiet", False):
                    write_line(
                        f"note: {name} is indexed as the library root {root!r}; other machines "
                        f"map it with {'BRIEFING_PLAYER_ROOTS'}={root}=THEIR/FOLDER",
                        sys.stderr,
                    )
            label = f"{root}:{under}" if under else root
            scan = index_root(store, root, folder, under=under)
            if scan.busy:
                write_line(
                    f"{label}: another indexer is writing this folder (or one above or below "
                    "it) now; skipped",
                    sys.stderr,
                )
                continue
            if not getattr(args, "quiet", False):
                for path, reason in scan.problems:
                    write_line(f"warning: {path}: {reason}", sys.stderr)
            write_line(
                f"{label}: seen {scan.seen}, written {scan.written}, removed {scan.removed}, "
                f"failed {scan.failed}, cues {scan.cues}"
            )
    except ArchiveError as err:
        return _error(err.message)
    finally:
        store.close()
    return 0


def _where(hit_root: str, relpath: str, roots: RootMap) -> str:
    local = roots.local_path(hit_root, relpath)
    return str(local) if local is not None else f"{hit_root}:{relpath}"


def library_shared(args: argparse.Namespace, url: str) -> int:
    """``library`` from the server: ``DURATION<TAB>LANGUAGE<TAB>CUES<TAB>TITLE<TAB>PATH``."""
    roots = _roots()
    try:
        store = open_store(url)
        try:
            rows = store.briefings()
        finally:
            store.close()
    except ArchiveError as err:
        return _error(err.message)
    wanted = (getattr(args, "filter", None) or "").casefold()
    for b in rows:
        where = _where(b.root, b.relpath, roots)
        if wanted and wanted not in b.title.casefold() and wanted not in where.casefold():
            continue
        if getattr(args, "json", False):
            record = {
                "root": b.root,
                "relpath": b.relpath,
                "path": where,
                "title": b.title,
                "duration_ms": b.duration_ms,
                "language": b.language,
                "cues": b.cue_count,
            }
            write_line(json_line(record), raw=True)
        else:
            seconds = "" if b.duration_ms is None else f"{b.duration_ms / 1000:.0f}s"
            fields = (seconds, b.language or "", str(b.cue_count), b.title, where)
            write_line("\t".join(fields))
    return 0


def _hit_line(hit: StoreHit, where: str, *, as_json: bool) -> str:
    if as_json:
        return json_line(
            {
                "file": where,
                "start": hit.start_ms / 1000,
                "end": hit.end_ms / 1000,
                "speaker": hit.speaker,
                "text": one_line(hit.text),
            }
        )
    return format_hit_line(where, hit.start_ms, hit.text, hit.speaker)


def _scan(
    store: ArchiveStore, args: argparse.Namespace, speaker: str | None, limit: int | None
) -> list[StoreHit]:
    """``--regex`` or ``--part`` over the server: its cues streamed and matched here, as the
    local archive matches them (``scan_match``: the same syntax, limits and time budget)."""
    deadline_s = REGEX_DEADLINE_S
    deadline = time.monotonic() + deadline_s
    case = bool(getattr(args, "case_sensitive", False))
    if getattr(args, "regex", False):
        matcher = regex_matcher(args.query, case_sensitive=case, deadline_s=deadline_s)
    else:
        matcher = part_matcher(args.query, case_sensitive=case, deadline_s=deadline_s)
    return scan_store(store, matcher, speaker=speaker, limit=limit, offset=0, deadline=deadline)


def search_shared(args: argparse.Namespace, url: str) -> int | None:
    """``search QUERY`` on the server: 0 hits, 1 none, 2 error; None when the server is out of
    reach (said on stderr: the caller answers from the local archive)."""
    roots = _roots()
    limit: int | None = getattr(args, "limit", None)
    speaker = getattr(args, "speaker", None) or None
    printed = 0
    try:
        store = open_store(url)
        try:
            if getattr(args, "regex", False) or getattr(args, "part", False):
                for hit in _scan(store, args, speaker, limit):
                    where = _where(hit.root, hit.relpath, roots)
                    write_line(_hit_line(hit, where, as_json=bool(args.json)), raw=bool(args.json))
                    printed += 1
                return 0 if printed else 1
            case = bool(getattr(args, "case_sensitive", False))
            for hit in store_hits(store, args.query, speaker=speaker, case_sensitive=case):
                if limit is not None and printed >= limit:
                    break
                where = _where(hit.root, hit.relpath, roots)
                write_line(_hit_line(hit, where, as_json=bool(args.json)), raw=bool(args.json))
                printed += 1
        finally:
            store.close()
    except StoreUnavailable as err:
        if printed:  # hits already printed: the local archive's would be a different list
            return _error(err.message)
        write_line(f"warning: {err.message}; searching the local archive instead", sys.stderr)
        return None
    except ArchiveError as err:
        return _error(err.message)
    return 0 if printed else 1
