"""End to end, what a screen reader gets from the real window over AT-SPI (Linux).

The test starts its own session bus (``dbus-daemon --session``), which starts the AT-SPI bus
and registry (Debian's at-spi2-core) on demand, the real player (real libVLC, silent audio
output) in a subprocess with ``QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1`` on the X display the suite
runs on (Xvfb), and an AT-SPI client (``atspi_client.py``, python3-pyatspi with the system
Python). The Orca test also starts Orca 43 on that bus with ``--debug-file``: its log records
every utterance it would speak ("SPEECH OUTPUT").

Without an X display, the packages or Linux, the tests skip with the reason; under CI=true
they must run (packaging/bootstrap.sh test installs the packages).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "sample" / "briefing.opus"
SYSTEM_PYTHON = "/usr/bin/python3"
REGISTRY = Path("/usr/libexec/at-spi2-registryd")
APP_NAME = "Briefing Player"
COUNT_SECONDS = 6.0
TIME_ONLY_EVENTS_PER_S = 5  # the bound while nothing but time changes


def _missing() -> str | None:
    if not sys.platform.startswith("linux"):
        return "AT-SPI is Linux's accessibility bus"
    if not os.environ.get("DISPLAY"):
        return "no X display (run the suite under xvfb-run, as packaging/bootstrap.sh test does)"
    if shutil.which("dbus-daemon") is None:
        return "dbus-daemon is not installed (Debian package dbus)"
    if not REGISTRY.exists():
        return "the AT-SPI registry is not installed (Debian package at-spi2-core)"
    probe = (
        subprocess.run([SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, check=False)
        if Path(SYSTEM_PYTHON).exists()
        else None
    )
    if probe is None or probe.returncode != 0:
        return "pyatspi is not importable by /usr/bin/python3 (Debian package python3-pyatspi)"
    return None


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"required under CI=true: {reason}")
    pytest.skip(reason)


@dataclass
class Bus:
    """A private session bus (and through it the AT-SPI bus and registry)."""

    env: dict[str, str]
    pid: int
    runtime_dir: Path


@pytest.fixture
def bus(tmp_path: Path) -> Iterator[Bus]:
    reason = _missing()
    if reason:
        _skip_or_fail(reason)
    runtime = tmp_path / "xdg-runtime"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ)
    # The AT-SPI bus launcher puts its socket in XDG_RUNTIME_DIR: private to this test.
    env.update(
        XDG_RUNTIME_DIR=str(runtime),
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "home" / ".config"),
        XDG_DATA_HOME=str(tmp_path / "home" / ".local" / "share"),
        XDG_CACHE_HOME=str(tmp_path / "home" / ".cache"),
        QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
        QT_ACCESSIBILITY="1",
        NO_AT_BRIDGE="0",
        QT_QPA_PLATFORM="xcb",
        GTK_MODULES="",
    )
    (tmp_path / "home").mkdir()
    started = subprocess.run(
        ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=30,
    )
    address, pid = started.stdout.split("\n")[:2]
    env["DBUS_SESSION_BUS_ADDRESS"] = address.strip()
    try:
        # Screen readers say "accessibility on" this way; Qt's bridge is on anyway (env).
        subprocess.run(
            [
                "dbus-send",
                "--session",
                "--print-reply",
                "--dest=org.a11y.Bus",
                "/org/a11y/bus",
                "org.freedesktop.DBus.Properties.Set",
                "string:org.a11y.Status",
                "string:IsEnabled",
                "variant:boolean:true",
            ],
            env=env,
            check=True,
            capture_output=True,
            timeout=30,
        )
        yield Bus(env, int(pid), runtime)
    finally:
        _end(int(pid))


def _end(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)


def _start_player(bus: Bus, tmp_path: Path) -> subprocess.Popen[bytes]:
    config = tmp_path / "config"
    config.mkdir()
    with (tmp_path / "player.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.ui.atspi_window", str(SAMPLE), str(config)],
            cwd=REPO,
            env=bus.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _client(bus: Bus, out: Path) -> dict[str, object]:
    done = subprocess.run(
        [
            SYSTEM_PYTHON,
            str(REPO / "tests" / "ui" / "atspi_client.py"),
            APP_NAME,
            str(out),
            str(COUNT_SECONDS),
        ],
        env=bus.env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    if os.environ.get("BRIEFING_ATSPI_KEEP"):
        shutil.copy(out, os.environ["BRIEFING_ATSPI_KEEP"])
    assert isinstance(data, dict)
    return data


TIME_ONLY = {"Position", "Elapsed", "Remaining"}


def _is_line_change(event: list[str]) -> bool:
    """A new transcript line (the audio view's text, the caption, the current row): allowed."""
    _t, kind, role, _name, _data = event
    return str(kind).startswith("object:property-change:accessible-name") and role == "label"


def test_the_real_window_over_atspi(bus: Bus, tmp_path: Path) -> None:
    player = _start_player(bus, tmp_path)
    try:
        seen = _client(bus, tmp_path / "client.json")
    finally:
        _stop(player)
    tree = seen["tree"]
    assert isinstance(tree, list)
    by_name = {(n["role"], n["name"]): n for n in tree if "name" in n}
    # Name, role, value: what the issue found hidden.
    slider = by_name[("slider", "Position")]
    assert re.fullmatch(r"\d+:\d\d of \d+:\d\d", slider["description"]), slider
    assert "Value" in slider["interfaces"]
    labels = [n["name"] for n in tree if n["role"] == "label"]
    assert any(re.fullmatch(r"Elapsed \d+:\d\d", name) for name in labels), labels
    assert any(re.fullmatch(r"Remaining -\d+:\d\d", name) for name in labels), labels
    speed = by_name[("combo box", "1×")]  # Qt names a combo by its value ...
    assert ["labelled by", ["Speed"]] in speed["relations"]  # ... Orca by its label
    assert not any(name == "Status" for name in labels)
    rows = seen["transcript_rows"]
    assert isinstance(rows, list) and rows, "the transcript's rows are exposed"
    # During playback, focus on Pause: the playing row says so and claims no focus.
    assert not any("focused" in n["states"] for n in rows), "a row claims the focus"
    assert sum(n["name"].startswith("Now playing. ") for n in rows) == 1, rows[:3]
    # Playback: fewer than 5 events a second while only time changes.
    assert seen["playing"]
    events = seen["events"]
    assert isinstance(events, list)
    time_only = [e for e in events if not _is_line_change(e)]
    rate = len(time_only) / COUNT_SECONDS
    kinds = Counter((e[1], e[2], e[3]) for e in events)
    print(f"AT-SPI events in {COUNT_SECONDS} s of playback: {len(events)}; time only: {rate:.1f}/s")
    for kind, n in kinds.most_common(12):
        print(f"  {n:4d} {kind}")
    assert rate < TIME_ONLY_EVENTS_PER_S, kinds.most_common(10)
    assert len(events) / COUNT_SECONDS < 2 * TIME_ONLY_EVENTS_PER_S, kinds.most_common(10)
    # Space on a focused button presses that button (and does not toggle playback).
    assert seen["mute_focused"]
    assert seen["mute_checked_by_space"], "Space on the focused Mute button did not press it"
    assert seen["still_playing"], "Space toggled playback instead of pressing Mute"


# An utterance may span lines (a transcript line with line breaks): its first line is enough.
ORCA_SPEECH = re.compile(r"^(\d\d):(\d\d):(\d\d\.\d+) - SPEECH OUTPUT: '(.*)")
FOCUS_SPOKEN_WITHIN_S = 1.0  # the bound during playback
ORCA_READY = "ORCA: ATSPI registry initialized."  # Orca's debug log, once it listens
ORCA_START_S = 90  # a loaded two-core machine


def _spoken(log: Path) -> list[tuple[float, str]]:
    """(seconds of the local day, utterance) for every line Orca's debug log says it spoke."""
    said = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = ORCA_SPEECH.match(line)
        if match:
            hours, minutes, seconds, text = match.groups()
            said.append((int(hours) * 3600 + int(minutes) * 60 + float(seconds), text))
    return said


def _seconds_of_day(t: float) -> float:
    local = time.localtime(t)
    return local.tm_hour * 3600 + local.tm_min * 60 + local.tm_sec + (t % 1)


@pytest.fixture
def orca(bus: Bus, tmp_path: Path) -> Iterator[Path]:
    """Orca 43 on the private bus, speech off (no speech server: its debug log still records
    each "SPEECH OUTPUT"), its preferences in a fresh folder."""
    program = shutil.which("orca")
    if program is None:
        _skip_or_fail("Orca is not installed (Debian package orca)")
    log = tmp_path / "orca-debug.log"
    # Orca refuses to start while another process named "orca" runs for the same user (another
    # test run on this machine, the user's own screen reader), which it finds with pgrep. Each
    # Orca here has its own bus and display and disturbs no other: it is given a pgrep that
    # finds nothing.
    private_bin = tmp_path / "bin"
    private_bin.mkdir()
    (private_bin / "pgrep").write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    (private_bin / "pgrep").chmod(0o755)
    env = dict(bus.env, PATH=f"{private_bin}{os.pathsep}{bus.env.get('PATH', '')}")
    with (tmp_path / "orca.out").open("wb") as out:
        process = subprocess.Popen(
            [
                str(program),
                "--user-prefs",
                str(tmp_path / "orca-prefs"),
                "--debug-file",
                str(log),
                "--disable",
                "speech",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        # Orca speaks a window when it is activated: it must listen before the player starts.
        deadline = time.monotonic() + ORCA_START_S
        while not (log.exists() and ORCA_READY in log.read_text(errors="replace")):
            assert process.poll() is None, (tmp_path / "orca.out").read_text(errors="replace")
            assert time.monotonic() < deadline, "Orca did not start"
            time.sleep(0.1)
        yield log
    finally:
        _stop(process)


def test_orca_speaks_focus_changes_and_status_messages_during_playback(
    bus: Bus, orca: Path, tmp_path: Path
) -> None:
    player = _start_player(bus, tmp_path)
    out = tmp_path / "orca-client.json"
    try:
        done = subprocess.run(
            [
                SYSTEM_PYTHON,
                str(REPO / "tests" / "ui" / "atspi_client.py"),
                "--orca",
                APP_NAME,
                str(out),
                str(orca),
            ],
            env=bus.env,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
    finally:
        _stop(player)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(out.read_text(encoding="utf-8"))
    said = _spoken(orca)
    if os.environ.get("BRIEFING_ATSPI_KEEP"):
        shutil.copy(orca, os.environ["BRIEFING_ATSPI_KEEP"] + ".orca.log")
    assert seen["orca_ready"], f"Orca never spoke the window: {said[:5]}"
    assert seen["playing"] and seen["still_playing"]
    first = _seconds_of_day(seen["actions"][0][2])
    at_start = [text for when, text in said if when < first]
    assert not any("Now playing" in text or " list" in text for text in at_start), at_start
    for kind, name, at in seen["actions"]:
        start = _seconds_of_day(at)
        if name == "Transcript":  # the list: the line playing, then each new one
            lines = [text for when, text in said if when >= start and "Now playing. " in text]
            print(f"Orca in the transcript: {lines}")
            assert len(set(lines)) >= 2, said[-12:]
            continue
        expected = f"{name} push button" if kind == "focus" else "notification Muted"
        heard = [when - start for when, text in said if when >= start - 0.05 and expected in text]
        print(f"Orca: {expected!r} {heard[0] if heard else None} s after the action")
        assert heard, f"Orca did not speak {expected!r}: {said[-12:]}"
        if kind == "focus":
            assert heard[0] < FOCUS_SPOKEN_WITHIN_S, (expected, heard[0])
