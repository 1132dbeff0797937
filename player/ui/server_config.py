"""What the window knows of the shared archive (issue 19): the server's address, this computer's
folders for the library roots, and whether positions, bookmarks and notes go to the server.

They come from the settings (Preferences ▸ Shared archive), and the environment variables
``BRIEFING_PLAYER_DB`` (a ``postgresql://`` address) and ``BRIEFING_PLAYER_ROOTS``
(``NAME=FOLDER;...``) win over them when set (:func:`read_config`). A password is never kept in
the settings file: :func:`check_address` refuses an address that holds one and says where it
goes instead (``~/.pgpass`` or ``PGPASSWORD``); addresses are only ever shown without it
(``store.redact``). :func:`try_server` is the Preferences' "Test connection", run on a worker.
No Qt here; the driver is imported only by :func:`try_server`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from player.core.archive.records import ArchiveError
from player.core.archive.roots import ENV as ROOTS_ENV
from player.core.archive.roots import RootError, RootMap
from player.core.archive.store import is_server_url, redact, scrub

if TYPE_CHECKING:
    from player.ui.settings import Settings

__all__ = [
    "DB_ENV",
    "EXAMPLE",
    "PASSWORD_REFUSED",
    "ROOTS_ENV",
    "AddressError",
    "SharedConfig",
    "check_address",
    "read_config",
    "roots_from_rows",
    "try_server",
]

logger = logging.getLogger(__name__)

DB_ENV = "BRIEFING_PLAYER_DB"
"""The environment variable naming the server; it wins over the setting."""

PASSWORD_REFUSED = (
    "A password is never kept in the settings file: remove it from the address and put it in "
    "~/.pgpass (a line host:port:dbname:user:password; chmod 600) or in the PGPASSWORD "
    "environment variable."
)
EXAMPLE = "postgresql://user@host:port/dbname"


class AddressError(ValueError):
    """An address the settings cannot keep; ``str(err)`` says why and what to do."""


@dataclass(frozen=True, slots=True)
class SharedConfig:
    """The shared archive to attach: ``url`` ("" for none), the root mapping and the opt-in for
    per-user data; ``url_from_env``/``roots_from_env`` say the environment chose them, and
    ``roots_problem`` why the mapping in use could not be read (it is then empty)."""

    url: str = ""
    roots: RootMap = field(default_factory=RootMap)
    user_data_on_server: bool = False
    url_from_env: bool = False
    roots_from_env: bool = False
    roots_problem: str | None = None

    @property
    def shown(self) -> str:
        """The address safe to show (no password), "" for none."""
        return redact(self.url) if self.url else ""

    def key(self) -> tuple[str, str, bool]:
        """What decides the attachment: the same key, nothing to redo."""
        return self.url, self.roots.text(), self.user_data_on_server


def check_address(text: str) -> str:
    """``text`` stripped ("" for none), or AddressError: not a PostgreSQL address, or one with a
    password (in the user part or as ``password=``)."""
    url = text.strip()
    if not url:
        return ""
    if not is_server_url(url):
        raise AddressError(f"Not a PostgreSQL address: it starts with postgresql:// ({EXAMPLE}).")
    try:
        parts = urlsplit(url)
        has_password = parts.password is not None
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        raise AddressError(f"The address cannot be read; write it as {EXAMPLE}.") from None
    if has_password or any(name.lower() == "password" for name, _ in query):
        raise AddressError(PASSWORD_REFUSED)
    return url


def read_config(
    settings: Settings | None, environ: Mapping[str, str] | None = None
) -> SharedConfig:
    """The shared archive chosen now: the environment's address and roots when set, else the
    settings' (None: the environment alone). An address with a password in the settings file
    (written by hand) is not used, with a warning."""
    from player.ui import settings as S

    env = os.environ if environ is None else environ
    env_url = env.get(DB_ENV, "").strip()
    url_from_env = is_server_url(env_url)
    url = env_url if url_from_env else ""
    if not url_from_env and settings is not None:
        try:
            url = check_address(settings.get(S.ARCHIVE_SERVER_URL))
        except AddressError as err:
            logger.warning("The shared archive setting is not used: %s", err)
    env_roots = env.get(ROOTS_ENV, "")
    roots_from_env = bool(env_roots.strip())
    stored = settings.get(S.ARCHIVE_ROOTS) if settings is not None else ""
    problem: str | None = None
    try:
        roots = RootMap.parse(env_roots if roots_from_env else stored)
    except RootError as err:
        where = ROOTS_ENV if roots_from_env else "the library roots in Preferences"
        problem = f"{where}: {err}"
        logger.warning("Library roots not used: %s", problem)
        roots = RootMap()
    return SharedConfig(
        url=url,
        roots=roots,
        user_data_on_server=bool(url)
        and settings is not None
        and settings.get(S.ARCHIVE_USER_DATA_ON_SERVER),
        url_from_env=url_from_env,
        roots_from_env=roots_from_env,
        roots_problem=problem,
    )


def roots_from_rows(rows: Iterable[tuple[str, str]]) -> RootMap:
    """The mapping of the Preferences' table (rows of name, folder; blank rows skipped);
    RootError names the row that cannot be used."""
    roots = RootMap()
    for number, (name, folder) in enumerate(rows, start=1):
        if not name.strip() and not folder.strip():
            continue
        if not folder.strip():
            raise RootError(f"Root {number} ({name.strip()}): choose its folder on this computer")
        try:
            checked = name.strip()
            if checked in roots.folders:
                raise RootError(f"the name {checked!r} is given twice")
            roots.add(name, folder.strip())
        except RootError as err:
            raise RootError(f"Root {number}: {err}") from None
    return roots


def try_server(url: str) -> str:
    """Connect to ``url`` without changing anything there (on a worker: the connection and the
    query are each bounded by the store's time-outs); "connected: N briefings", or ArchiveError
    with the reason (the address shown without its password)."""
    try:
        from player.engines.postgres_store import PostgresStore
    except ImportError:
        raise ArchiveError(
            "the PostgreSQL driver is not installed (pip install 'briefing-player[postgres]')"
        ) from None
    try:
        store = PostgresStore(url, migrate=False)
        try:
            count = len(store.briefings())
        finally:
            store.close()
    except ArchiveError:
        raise
    except Exception as err:  # e.g. an address the driver cannot read
        raise ArchiveError(f"cannot connect to {redact(url)}: {scrub(str(err), url)}") from None
    return f"connected: {count} briefing{'' if count == 1 else 's'}"
