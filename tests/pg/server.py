"""A throw-away PostgreSQL server for the tests: Debian's binaries, ``initdb`` into a temporary
folder as an unprivileged user (``nobody`` through ``runuser`` when the tests run as root), a
private Unix socket folder (no TCP port), ``trust`` authentication, stopped and deleted at the
end. ``PgServer.available()`` says why it cannot run (the tests then skip, or fail under CI)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

BIN = Path(os.environ.get("BP_PG_BIN", "/usr/lib/postgresql/15/bin"))
SUPERUSER = "bp_test"
_AS_NOBODY = ["runuser", "-u", "nobody", "--"]


def driver_missing() -> str | None:
    """Why the driver cannot be used, or None."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    return None


def unavailable() -> str | None:
    """Why a throw-away server cannot be started here, or None."""
    for tool in ("initdb", "pg_ctl", "postgres"):
        if not (BIN / tool).exists():
            return f"no {BIN / tool} (Debian: apt-get install postgresql)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser (util-linux)"
    return driver_missing()


class PgServer:
    """One PostgreSQL cluster in a temporary folder, reachable only by its socket folder."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="bp-pg-"))
        self.data = self.folder / "data"
        self.socket = self.folder / "sock"
        self.log = self.folder / "server.log"
        self._as = _AS_NOBODY if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        done = subprocess.run(
            [*self._as, *args], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stderr or done.stdout}\n{log}")

    def start(self) -> PgServer:
        """initdb (first time) and start; returns self."""
        if not self.data.exists():
            self.socket.mkdir()
            if self._as:
                shutil.chown(self.folder, "nobody")
                shutil.chown(self.socket, "nobody")
            os.chmod(self.folder, 0o755)
            self._run(
                str(BIN / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "-A", "trust",
                "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
            )  # fmt: skip
        options = (
            f"-k {self.socket} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=60 -c shared_buffers=64MB"
        )
        self._run(
            str(BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log),
            "-w", "-t", "60", "start",
        )  # fmt: skip
        return self

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``immediate`` kills it as a crash would)."""
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        """The address of ``database`` on this server (through the socket folder)."""
        return f"postgresql://{SUPERUSER}@/{database}?host={self.socket}"

    def new_database(self, prefix: str = "bp") -> str:
        """A fresh empty database; its URL."""
        import psycopg

        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        """Stop the server if it runs, and delete its folder."""
        with contextlib.suppress(RuntimeError):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
