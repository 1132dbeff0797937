"""SIGTERM, SIGINT and SIGHUP close the window as the user would: the resume position saved is where
playback was when the signal came, not the last periodic save (every 5 s)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from player.app.termination import closing_on_signals
from player.core.archive.schema import user_db_path_for
from player.core.archive.user_store import UserStore
from tests.conftest import REPO, SAMPLE_DIR

pytestmark = pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX signals")

MEDIA = SAMPLE_DIR / "briefing.opus"  # 86 s long


def _stored_position(user_db: Path) -> int | None:
    """The position the running program saved last (read-only, while it runs)."""
    if not user_db.exists():
        return None
    try:
        with sqlite3.connect(f"file:{user_db}?mode=ro", uri=True, timeout=5) as conn:
            row = conn.execute("SELECT max(position_ms) FROM positions").fetchone()
    except sqlite3.Error:
        return None
    return None if row is None or row[0] is None else int(row[0])


def _wait_for(predicate: object, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"not true within {timeout_s} s")


@pytest.mark.vlc
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_saves_the_position_where_playback_was(
    tmp_path: Path, signum: int, require_libvlc: None
) -> None:
    db = tmp_path / "archive.sqlite"
    user_db = user_db_path_for(db)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "BRIEFING_PLAYER_AUDIO_OUTPUT": "dummy",
    }
    argv = [
        sys.executable,
        "-m",
        "player",
        str(MEDIA),
        "--db",
        str(db),
        "--config-dir",
        str(tmp_path / "config"),
        "--log-dir",
        str(tmp_path / "log"),
    ]
    proc = subprocess.Popen(argv, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # The first periodic save past 5 s of playback (at about 10 s): it is playing.
        _wait_for(lambda: (_stored_position(user_db) or 0) > 5000, timeout_s=60)
        periodic = _stored_position(user_db) or 0
        seen = time.monotonic()
        time.sleep(2.5)  # playback goes on: the next periodic save is 2.5 s or more away
        played_since_ms = int((time.monotonic() - seen) * 1000)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 128 + signum, err.decode("utf-8", "replace")[-2000:]
    assert b"Traceback" not in err
    with UserStore.open(user_db) as store:
        saved = store.get_position(MEDIA.resolve())
    assert saved is not None
    # At least where it was seen playing plus the time played since (less a little for the
    # signal's way through the event loop), and not beyond that by more than a save period.
    assert saved >= periodic + played_since_ms - 1000, (periodic, played_since_ms, saved)
    assert saved <= periodic + played_since_ms + 6000, (periodic, played_since_ms, saved)
    log_text = (tmp_path / "log" / "briefing-player.log").read_text(encoding="utf-8")
    assert f"{signal.Signals(signum).name} received: closing the window" in log_text


def test_the_handlers_are_given_back(qtbot: QtBot) -> None:
    before = signal.getsignal(signal.SIGTERM)
    before_int = signal.getsignal(signal.SIGINT)
    calls: list[str] = []
    with closing_on_signals(lambda: calls.append("closed")) as closer:
        assert closer is not None
        assert signal.getsignal(signal.SIGTERM) is not before
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: calls == ["closed"], timeout=5000)
        assert closer.received == signal.SIGTERM
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # a second one ends it
        assert signal.getsignal(signal.SIGINT) is signal.SIG_DFL  # (no KeyboardInterrupt)
    assert signal.getsignal(signal.SIGTERM) is before
    assert signal.getsignal(signal.SIGINT) is before_int
