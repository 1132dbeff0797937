"""Logging (player.app.logs): a private rotating file, tracebacks in it, ``--verbose`` on stderr."""

from __future__ import annotations

import logging
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from player.app import logs
from player.app.main import main
from tests.conftest import REPO, SAMPLE_DIR


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_subcommand_logs_to_a_private_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log_dir = tmp_path / "state" / "log"
    assert main(["transcript", str(SAMPLE_DIR / "briefing.vtt"), "--log-dir", str(log_dir)]) == 0
    assert "Ana Ruiz" in capsys.readouterr().out
    log_file = log_dir / logs.LOG_FILE_NAME
    assert _mode(log_dir) == 0o700
    assert _mode(log_file) == 0o600
    text = log_file.read_text(encoding="utf-8")
    assert "subcommand transcript" in text
    assert "transcript: exit status 0" in text


def test_the_default_log_folder_is_in_the_user_state_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("XDG folders: Linux")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert main(["transcript", str(SAMPLE_DIR / "briefing.vtt")]) == 0
    log_file = tmp_path / "xdg" / "briefing-player" / "log" / logs.LOG_FILE_NAME
    assert "subcommand transcript" in log_file.read_text(encoding="utf-8")


def test_an_existing_log_file_is_made_private(tmp_path: Path) -> None:
    log_file = tmp_path / logs.LOG_FILE_NAME
    log_file.write_text("old\n", encoding="utf-8")
    log_file.chmod(0o644)
    with logs.logging_to(tmp_path) as run_log:
        assert run_log.path == log_file
        logging.getLogger("player.test").warning("new")
    assert _mode(log_file) == 0o600
    assert log_file.read_text(encoding="utf-8").startswith("old\n")


def test_tracebacks_land_in_the_log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = logging.getLogger("player.test")
    # Python's own handler (which logging_to calls after logging) would print it, and pytest's
    # would turn it into a failure: this one is expected.
    monkeypatch.setattr(threading, "excepthook", lambda args: None)

    def worker() -> None:
        raise RuntimeError("boom in a worker")

    with logs.logging_to(tmp_path) as run_log:
        log_file = run_log.path
        try:
            raise ValueError("caught and logged")
        except ValueError:
            log.exception("a job failed")
        thread = threading.Thread(target=worker, name="worker-1")
        thread.start()
        thread.join()
        log.debug("not in the file without --verbose")
    text = log_file.read_text(encoding="utf-8")
    assert "ERROR    MainThread player.test: a job failed" in text
    assert "ValueError: caught and logged" in text
    assert "CRITICAL worker-1 player.app.logs: uncaught exception" in text
    assert 'raise RuntimeError("boom in a worker")' in text  # the whole traceback
    assert "not in the file" not in text


def test_an_exception_escaping_main_is_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from player.app import main as main_module

    def crash(args: object) -> int:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(main_module, "run_command", crash)
    with pytest.raises(RuntimeError):
        main(["library", "--log-dir", str(tmp_path)])
    text = (tmp_path / logs.LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "uncaught exception" in text and "RuntimeError: unexpected" in text


def test_the_file_can_open_later_with_what_was_logged_before(tmp_path: Path) -> None:
    log = logging.getLogger("player.test")
    with logs.logging_to(tmp_path, open_file=False) as run_log:
        log.info("before the first frame")
        log.debug("not kept without --verbose")
        assert not run_log.path.exists()
        run_log.open_file()
        log.info("after the first frame")
        run_log.open_file()  # once
    lines = run_log.path.read_text(encoding="utf-8").splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == [
        "before the first frame",
        "after the first frame",
    ]
    with logs.logging_to(tmp_path / "never", open_file=False) as never_opened:
        log.warning("a crash before the first frame")
    assert "a crash before" in never_opened.path.read_text(encoding="utf-8")


def test_logging_is_put_back_as_it_was(tmp_path: Path) -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    hooks = (sys.excepthook, threading.excepthook)
    with logs.logging_to(tmp_path, verbose=True):
        assert len(root.handlers) == len(handlers) + 2  # the file and stderr
        assert root.level == logging.DEBUG
        assert (sys.excepthook, threading.excepthook) != hooks
    assert root.handlers == handlers and root.level == level
    assert (sys.excepthook, threading.excepthook) == hooks


def test_the_file_rotates_and_stays_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2000)
    with logs.logging_to(tmp_path):
        for i in range(200):
            logging.getLogger("player.test").info("line %d of a long session", i)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == [f"{logs.LOG_FILE_NAME}{suffix}" for suffix in ("", ".1", ".2", ".3")]
    assert {_mode(tmp_path / name) for name in files} == {0o600}
    assert all((tmp_path / name).stat().st_size <= 2000 for name in files)


def test_without_a_log_folder_the_program_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("", encoding="utf-8")
    args = ["transcript", str(SAMPLE_DIR / "briefing.vtt"), "--log-dir", str(not_a_folder / "x")]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "Ana Ruiz" in captured.out
    assert "no log file" in captured.err


def _transcript_command(*options: str) -> subprocess.CompletedProcess[str]:
    command = ["-m", "player", "transcript", str(SAMPLE_DIR / "briefing.vtt"), *options]
    return subprocess.run(
        [sys.executable, *command],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_verbose_copies_the_log_to_stderr(tmp_path: Path) -> None:
    proc = _transcript_command("--verbose", "--log-dir", str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "INFO     player.cli.dispatch: subcommand transcript" in proc.stderr
    assert "subcommand transcript" in (tmp_path / logs.LOG_FILE_NAME).read_text(encoding="utf-8")
    quiet = _transcript_command("--log-dir", str(tmp_path))
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_a_failed_jobs_traceback_lands_in_the_log_file(tmp_path: Path, qtbot: QtBot) -> None:
    from player.ui.jobs import JobRunner

    def parse() -> None:
        raise ValueError("cue 12: bad timestamp")

    failures: list[int] = []
    runner = JobRunner()
    with logs.logging_to(tmp_path) as run_log:
        runner.start(parse, lambda token, result: None, lambda token, err: failures.append(token))
        qtbot.waitUntil(lambda: failures == [0], timeout=10_000)
        runner.shutdown()
    text = run_log.path.read_text(encoding="utf-8")
    assert "ERROR" in text and "player.ui.jobs: Job" in text
    assert 'raise ValueError("cue 12: bad timestamp")' in text  # the traceback


def test_records_logged_by_other_threads_while_the_file_opens_all_reach_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file opens after the first frame while libVLC's threads may be logging: none of
    their records is lost, or printed on stderr by logging's last resort."""
    stop = threading.Event()
    sent: list[int] = []

    def chatter() -> None:
        n = 0
        while not stop.is_set() or n < 200:
            logging.getLogger("player.test.thread").warning("record %d", n)
            sent.append(n)
            n += 1

    with logs.logging_to(tmp_path, open_file=False) as run_log:
        thread = threading.Thread(target=chatter)
        thread.start()
        while len(sent) < 50:
            pass  # some records wait in memory before the file opens
        run_log.open_file()
        stop.set()
        thread.join(timeout=30)
    assert capsys.readouterr().err == ""
    lines = (tmp_path / logs.LOG_FILE_NAME).read_text(encoding="utf-8").splitlines()
    numbers = [int(line.rsplit(" ", 1)[1]) for line in lines if "record " in line]
    missing = sorted(set(range(len(sent))) - set(numbers))
    assert missing == [], (missing, len(sent), len(numbers))
    assert len(numbers) == len(sent)  # and none twice


def test_records_on_stderr_cannot_drive_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with logs.logging_to(tmp_path, verbose=True):
        logging.getLogger("player.test").warning("opened %s", "evil\x1b]0;title\x07.vtt")
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("player.test").exception("failed")
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "opened evil\\x1b]0;title\\x07.vtt" in err
    assert "Traceback (most recent call last):\n" in err  # still one line per line
    file_text = (tmp_path / logs.LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "evil\x1b]0;title\x07.vtt" in file_text  # the file keeps the exact text
