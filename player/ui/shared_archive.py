"""The window's side of a shared archive (issue 19): when a PostgreSQL server is named (by
Preferences ▸ Shared archive, or by ``BRIEFING_PLAYER_DB``, which wins), the open archive's
library-wide search is answered by it (``Archive.shared``), this machine's folders for the
library roots coming from the same place (``BRIEFING_PLAYER_ROOTS`` winning over the
Preferences' table; see ``server_config``). Called by ``docks.ArchiveHolder`` once the archive
is open (after the first frame; the driver is imported only then, and only when a server is
named), and again when the preferences change: the archive is attached to the new server, or
detached, without a restart. The server's address is logged without its password; a missing
driver or a bad root mapping is logged and the local archive goes on alone."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from player.core.archive.library import Archive

if TYPE_CHECKING:
    from player.ui.server_config import SharedConfig

__all__ = ["attach_shared"]

logger = logging.getLogger(__name__)


def attach_shared(archive: Archive | None, config: SharedConfig | None = None) -> str | None:
    """Give ``archive`` the shared archive of ``config`` (default: the environment's alone),
    replacing the one it had; none when ``config`` names no server. Returns why the server
    could not be attached (a missing driver), or None."""
    from player.core.archive.store import redact
    from player.ui.server_config import read_config

    if archive is None:
        return None
    if config is None:
        config = read_config(None)
    old, archive.shared = archive.shared, None
    archive.shared_problem = None
    if old is not None:  # closed aside: a search under way on it may take a few seconds
        threading.Thread(target=old.close, name="close shared search", daemon=True).start()
        logger.info("Library search no longer answered by the shared archive %s", old.shown)
    if not config.url:
        return None
    from player.core.archive.shared_search import SharedSearch

    try:
        from player.engines.postgres_store import PostgresStore
    except ImportError:
        logger.warning("A shared archive is named but psycopg is not installed")
        return (
            "the PostgreSQL driver is not installed (pip install 'briefing-player[postgres]'); "
            "showing this computer's archive"
        )
    url = config.url
    archive.shared = SharedSearch(lambda: PostgresStore(url), config.roots, redact(url))
    logger.info("Library search answered by the shared archive %s", redact(url))
    return None
