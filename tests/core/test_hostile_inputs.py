"""The guarded reader (``player.core.inputs``): only regular files within the size limit are
read, and nothing blocks or runs away (FIFO, /dev/zero behind a symlink, folders, huge files)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from player.core.inputs import (
    TRANSCRIPT_LIMIT_BYTES,
    InputError,
    check_file,
    describe_size,
    read_bytes,
)


def _read_in_thread(path: Path) -> BaseException | bytes:
    """read_bytes on a thread, joined with a generous time limit: a blocked read fails the test
    instead of hanging the suite."""
    outcome: list[BaseException | bytes] = []

    def work() -> None:
        try:
            outcome.append(read_bytes(path))
        except BaseException as err:  # handed to the test
            outcome.append(err)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert outcome, f"read_bytes({path}) blocked"
    return outcome[0]


def test_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.vtt"
    path.write_bytes(b"WEBVTT\n\n00:01.000 --> 00:02.000\nhello\n")
    assert read_bytes(path) == path.read_bytes()
    assert check_file(path) == path.stat().st_size
    empty = tmp_path / "empty.vtt"
    empty.write_bytes(b"")
    assert read_bytes(empty) == b""


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.vtt"
    os.mkfifo(fifo)
    outcome = _read_in_thread(fifo)
    assert isinstance(outcome, InputError)
    assert outcome.problem == "not_regular"
    assert str(outcome) == "not a regular file (a named pipe)"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_symlink_to_dev_zero_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.vtt"
    link.symlink_to("/dev/zero")
    outcome = _read_in_thread(link)
    assert isinstance(outcome, InputError)
    assert str(outcome) == "not a regular file (a character device)"


def test_folder_missing_and_symlink_loop(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^not a regular file \(a folder\)$"):
        read_bytes(tmp_path)
    with pytest.raises(InputError, match=r"^file not found$") as missing:
        read_bytes(tmp_path / "nope.vtt")
    assert missing.value.problem == "not_found"
    loop = tmp_path / "loop.vtt"
    loop.symlink_to(loop)
    with pytest.raises(InputError, match="symbolic links"):
        read_bytes(loop)


def test_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.vtt"
    with huge.open("wb") as stream:  # sparse: costs no disk
        stream.truncate(300 * 1024 * 1024)
    with pytest.raises(InputError) as refused:
        read_bytes(huge)
    assert str(refused.value) == "too large: 300 MB (the limit is 64 MB)"
    assert refused.value.problem == "too_large"
    with pytest.raises(InputError, match="too large"):
        check_file(huge)
    small = tmp_path / "small.vtt"
    small.write_bytes(b"x" * 101)
    with pytest.raises(InputError, match=r"too large: 101 bytes \(the limit is 100 bytes\)"):
        read_bytes(small, limit_bytes=100)
    assert read_bytes(small, limit_bytes=101) == b"x" * 101


def test_file_without_a_size_is_read_up_to_the_limit_only() -> None:
    status = Path("/proc/self/status")
    if not status.exists():
        pytest.skip("no /proc on this system")
    assert status.stat().st_size == 0  # /proc files report no size, yet have content
    assert b"Name:" in read_bytes(status)
    with pytest.raises(InputError, match="more than 16 bytes"):
        read_bytes(status, limit_bytes=16)


def test_the_limit_and_sizes_for_people() -> None:
    assert TRANSCRIPT_LIMIT_BYTES == 64 * 1024 * 1024
    assert describe_size(812) == "812 bytes"
    assert describe_size(3482) == "3.4 KB"
    assert describe_size(300 * 1024 * 1024) == "300 MB"
    assert describe_size(2 * 1024**3) == "2.0 GB"
