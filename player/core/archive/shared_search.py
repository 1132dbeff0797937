"""The archive-wide search answered by a shared store (a newsroom's PostgreSQL server).

``SharedSearch`` is attached to an ``Archive`` (``Archive.shared``) by the program's layers that
may import the driver (the window's ``ArchiveHolder``): ``connect`` makes the store when it is
first needed (and again after a failure: reconnection is automatic on the next search). Its
hits are ``ArchiveHit``\\ s like the local archive's (a briefing's id is negative: never a local
row); a briefing's path is this machine's file when ``roots`` maps the briefing's root, else
``ROOT:RELATIVE/PATH``. Regular expressions and part-of-words searches (``search_scan``) read
every cue from the server and match it here, as the local archive does. When the server is out
of reach ``StoreUnavailable`` goes up and the
``Archive`` answers from the local index.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator

from player.core.archive.query import QueryError, compile_query
from player.core.archive.records import ArchiveError, ArchiveHit, BriefingRow
from player.core.archive.roots import RootMap
from player.core.archive.scan_match import part_matcher, regex_matcher, scan_store
from player.core.archive.search import has_case
from player.core.archive.store import ArchiveStore, StoreHit, StoreUnavailable
from player.core.media.sidecar import MEDIA_EXTENSIONS

__all__ = ["SharedSearch", "store_hits"]

logger = logging.getLogger(__name__)

_ALL = 100_000  # "every hit" (limit None) is at most this many


def store_hits(
    store: ArchiveStore,
    query: str,
    *,
    speaker: str | None,
    case_sensitive: bool = False,
    page: int = 500,
) -> Iterator[StoreHit]:
    """Every hit of ``query`` on ``store``, in its order, read a page at a time. With
    ``case_sensitive`` only hits that hold each searched word and phrase with the same case
    (the server matches without case; the local archive filters its own hits the same way).
    ArchiveError for a query with nothing searchable in it."""
    literals: tuple[str, ...] = ()
    if case_sensitive:
        try:
            literals = compile_query(query).literals
        except QueryError as err:
            raise ArchiveError(str(err)) from None
    offset = 0
    while True:
        hits = store.search(query, speaker=speaker, limit=page, offset=offset)
        for hit in hits:
            if all(has_case(hit.text, literal) for literal in literals):
                yield hit
        if len(hits) < page:
            return
        offset += page


class SharedSearch:
    """Searches over a shared store, connecting on first use and after a failure."""

    def __init__(self, connect: Callable[[], ArchiveStore], roots: RootMap, shown: str) -> None:
        self._connect = connect
        self._roots = roots
        self.shown = shown
        """The server's address without its password."""
        self._store: ArchiveStore | None = None
        self._lock = threading.Lock()

    def _with_store(self) -> ArchiveStore:
        if self._store is None:
            self._store = self._connect()
        return self._store

    def search(
        self,
        query: str,
        *,
        speaker: str | None,
        limit: int | None,
        offset: int,
        case_sensitive: bool = False,
    ) -> list[ArchiveHit]:
        """One page of hits (StoreUnavailable when the server is out of reach); with
        ``case_sensitive``, of the hits holding each searched word with the same case."""
        limit = _ALL if limit is None else limit
        with self._lock:
            try:
                store = self._with_store()
                if case_sensitive:
                    found = store_hits(store, query, speaker=speaker, case_sensitive=True)
                    hits = list(itertools.islice(found, offset, offset + limit))
                else:
                    hits = store.search(query, speaker=speaker, limit=limit, offset=offset)
            except StoreUnavailable:
                self._forget()
                raise
        return [self._hit(h) for h in hits]

    def search_scan(
        self,
        query: str,
        *,
        regex: bool,
        speaker: str | None,
        case_sensitive: bool,
        limit: int | None,
        offset: int,
        deadline_s: float,
    ) -> list[ArchiveHit]:
        """A regular expression (``regex``) or part-of-words search over every cue of the
        server, matched here as the local archive matches it (``scan_match``); ArchiveError
        past ``deadline_s`` in all, StoreUnavailable when the server is out of reach."""
        deadline = time.monotonic() + deadline_s
        make = regex_matcher if regex else part_matcher
        matcher = make(query, case_sensitive=case_sensitive, deadline_s=deadline_s)
        with self._lock:
            try:
                hits = scan_store(
                    self._with_store(),
                    matcher,
                    speaker=speaker,
                    limit=limit,
                    offset=offset,
                    deadline=deadline,
                )
            except StoreUnavailable:
                self._forget()
                raise
        return [self._hit(h) for h in hits]

    def count(self, query: str, *, speaker: str | None) -> int:
        """How many cues match (StoreUnavailable when the server is out of reach)."""
        with self._lock:
            try:
                return self._with_store().count(query, speaker=speaker)
            except StoreUnavailable:
                self._forget()
                raise

    def _forget(self) -> None:
        store, self._store = self._store, None
        if store is not None:
            store.close()

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._forget()

    def _hit(self, hit: StoreHit) -> ArchiveHit:
        place = self._roots.place(hit.root, hit.relpath)
        path = place.path
        has_media = os.path.splitext(hit.relpath)[1].lower() in MEDIA_EXTENSIONS
        briefing = BriefingRow(
            id=place.id,
            path=path,
            folder=place.folder,
            has_media=has_media,
            title=hit.title,
            date="",
            date_from_name=False,
            duration_ms=None,
            transcript_path=None if has_media else path,
            language=None,
            transcript_format=None,
            cue_count=0,
            warnings=(),
            error=None,
            machine_generated=False,
            size=0,
            mtime_ns=0,
            indexed_at="",
        )
        return ArchiveHit(
            briefing,
            hit.cue_idx,
            hit.start_ms,
            hit.end_ms,
            hit.speaker,
            hit.text,
            hit.snippet,
            hit.matches,
        )
