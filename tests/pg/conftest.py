"""Fixtures of the PostgreSQL tests: one throw-away server per session (``tests/pg/server.py``),
a fresh database per test module. Without the server's binaries or the driver the tests skip
with the reason, except under ``CI=true``, where the set-up installs them and they must run."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.pg.server import PgServer, unavailable


def require_server() -> None:
    """Skip (or fail under CI) when no throw-away server can run here."""
    why = unavailable()
    if why is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL tests must run under CI: {why}")
    pytest.skip(why)


def _throw_away_server() -> Iterator[PgServer]:
    require_server()
    server = PgServer()
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The session's server, stopped and deleted at the end."""
    yield from _throw_away_server()


@pytest.fixture(scope="module")
def own_server() -> Iterator[PgServer]:
    """A server of the test module's own, which its tests may stop (each starts it again)."""
    yield from _throw_away_server()


@pytest.fixture(scope="module")
def pg_url(pg_server: PgServer) -> str:
    """A fresh database for one test module."""
    return pg_server.new_database()
