"""Fuzz target: random file-tree shapes under a library folder, scanned by the archive.

Each example builds a tree of folders and files whose names carry odd bytes (not UTF-8, control
characters, spaces, accents), nested folders, symlinks inside the folder, out of it, to devices
and in loops, FIFOs, and transcripts that are valid, empty, garbage or over the size limit
(sparse, so they cost nothing). The scan must finish in bounded time, never raise, index every
valid transcript reachable inside the folder (found by a word unique to it) and nothing from
outside it. Bounded for CI by ``tests/fuzz/conftest.py``'s settings (a few seconds).
"""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from player.core.archive.library import Archive, ScanSummary
from player.core.inputs import TRANSCRIPT_LIMIT_BYTES
from tests.fuzz.conftest import FUZZ_EXAMPLES, FUZZ_SETTINGS

SCAN_BOUND_S = 30.0
"""The longest one example's scan may take on a loaded two-core machine (it takes ~50 ms)."""

NAME_BYTES = st.lists(
    st.sampled_from(
        [b"a", b"z", b"0", b"-", b"\xff", b"\xfe", b"\x01", b"\x1b", b"\n", b" ", b"\xc3\xa9"]
    ),
    min_size=1,
    max_size=6,
).map(b"".join)

KINDS = (
    "valid",
    "valid",
    "valid",
    "empty",
    "garbage",
    "huge",
    "media",
    "fifo",
    "folder",
    "link_inside_folder",
    "link_inside_file",
    "link_outside",
    "link_loop",
    "link_device",
    "link_broken",
)


@dataclass(frozen=True)
class Entry:
    """One thing to make: where (a folder index among those made so far), its name and kind."""

    parent: int
    name: bytes
    kind: str


ENTRIES = st.lists(
    st.builds(Entry, st.integers(0, 20), NAME_BYTES, st.sampled_from(KINDS)),
    min_size=1,
    max_size=14,
)


def vtt(token: str) -> bytes:
    return f"WEBVTT\n\n00:00.000 --> 00:01.500\nword {token} here\n".encode()


def build(root: bytes, outside: bytes, entries: list[Entry]) -> set[str]:
    """Make the tree; returns the tokens of the valid transcripts reachable inside ``root``."""
    folders = [root]
    expected: set[str] = set()
    for n, entry in enumerate(entries):
        parent = folders[entry.parent % len(folders)]
        path = parent + b"/" + entry.name + b"_" + str(n).encode()
        kind = entry.kind
        if kind == "folder":
            os.mkdir(path)
            folders.append(path)
        elif kind == "valid":
            with open(path + b".vtt", "wb") as fh:
                fh.write(vtt(f"tok{n}x"))
            expected.add(f"tok{n}x")
        elif kind == "empty":
            open(path + b".vtt", "wb").close()
        elif kind == "garbage":
            with open(path + b".srt", "wb") as fh:
                fh.write(bytes(range(256)) * 3)
        elif kind == "huge":
            with open(path + b".vtt", "wb") as fh:
                fh.write(vtt(f"huge{n}x"))
                fh.truncate(TRANSCRIPT_LIMIT_BYTES + 1)
        elif kind == "media":
            with open(path + b".mp3", "wb") as fh:
                fh.write(b"ID3\x03\x00\x00\x00\x00\x00\x00" + entry.name)
        elif kind == "fifo":
            os.mkfifo(path + b".vtt")
        elif kind == "link_inside_folder":
            os.symlink(folders[n % len(folders)], path)
        elif kind == "link_inside_file":
            os.symlink(root + b"/nothing_here.vtt", path + b".vtt")
        elif kind == "link_outside":
            os.symlink(outside, path)
        elif kind == "link_loop":
            os.symlink(path, path)
        elif kind == "link_device":
            os.symlink(b"/dev/zero", path + b".vtt")
        elif kind == "link_broken":
            os.symlink(root + b"/missing/none", path + b".vtt")
    return expected


def scan_bounded(archive: Archive) -> ScanSummary:
    result: list[ScanSummary | BaseException] = []

    def run() -> None:
        try:
            result.append(archive.scan())
        except BaseException as err:  # reported below, with the example
            result.append(err)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(SCAN_BOUND_S)
    assert not worker.is_alive(), f"the scan did not finish in {SCAN_BOUND_S} s"
    (outcome,) = result
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


@settings(FUZZ_SETTINGS, max_examples=max(1, FUZZ_EXAMPLES // 8))
@given(entries=ENTRIES)
def test_any_tree_is_scanned_in_bounded_time(entries: list[Entry]) -> None:
    with tempfile.TemporaryDirectory(prefix="fuzz-tree-") as work:
        base = os.fsencode(work)
        root = base + b"/library"
        outside = base + b"/outside"
        os.mkdir(root)
        os.mkdir(outside)
        with open(outside + b"/elsewhere.vtt", "wb") as fh:
            fh.write(vtt("outsidetoken"))
        expected = build(root, outside, entries)
        with Archive.open(Path(work) / "db" / "archive.sqlite") as archive:
            archive.add_folder(os.fsdecode(root))
            summary = scan_bounded(archive)
            assert not summary.cancelled
            found = {
                word
                for hit in archive.iter_search("tok* OR outsidetoken OR huge*")
                for word in hit.text.split()
                if word.startswith(("tok", "outside", "huge"))
            }
            assert found == expected
            for row in archive.briefings():
                assert os.path.lexists(row.path)  # stored names open the same files
            again = scan_bounded(archive)  # a rescan sees the same tree: nothing new
            assert again.added == 0 and again.removed == 0
