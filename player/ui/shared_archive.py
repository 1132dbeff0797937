"""The window's side of a shared archive (issue 19): when ``BRIEFING_PLAYER_DB`` names a
PostgreSQL server, the open archive's library-wide search is answered by it
(``Archive.shared``), this machine's folders for the library roots coming from
``BRIEFING_PLAYER_ROOTS``. Called by ``docks.ArchiveHolder`` once the archive is open (after the
first frame; the driver is imported only then, and only when a server is named). The server's
address is logged without its password; a missing driver or a bad root mapping is logged and the
local archive goes on alone."""

from __future__ import annotations

import logging
import os

from player.core.archive.library import Archive

__all__ = ["attach_shared"]

logger = logging.getLogger(__name__)


def attach_shared(archive: Archive | None) -> None:
    """Give ``archive`` the shared archive named by ``BRIEFING_PLAYER_DB``, if any."""
    from player.core.archive.store import is_server_url, redact

    url = os.environ.get("BRIEFING_PLAYER_DB")
    if archive is None or not url or not is_server_url(url):
        return
    from player.core.archive.roots import RootError, RootMap
    from player.core.archive.shared_search import SharedSearch

    try:
        from player.engines.postgres_store import PostgresStore
    except ImportError:
        logger.warning("BRIEFING_PLAYER_DB names a server but psycopg is not installed")
        return
    try:
        roots = RootMap.from_environment()
    except RootError as err:
        logger.warning("BRIEFING_PLAYER_ROOTS: %s", err)
        roots = RootMap()
    archive.shared = SharedSearch(lambda: PostgresStore(url), roots, redact(url))
    logger.info("Library search answered by the shared archive %s", redact(url))
