"""Benchmark: issue 12's hostile input families, each timed and its peak memory measured.

For every family the input is generated (``tests/corpus/hostile.py``), the work is run a few
times in a fresh process (median seconds), and the process's peak resident memory while working
is read (Linux: the peak ``VmHWM`` is reset once the input is made, and the growth over the
resident memory at that moment is shown). Seconds are wall-clock (s/MB is computed from them);
the CPU seconds beside them show how much of the time a busy machine took from the process. The
table gives seconds per MB of input and whether that is under the target of 1 s per MB. Then the
file-level checks: transcripts just under the 64 MB limit, styled (voices, italics, classes,
entities on every cue) and plain (peak memory of ``load_transcript``), and a 300 MB file
(refused at once).

Run: .venv/bin/python benchmarks/bench_hostile.py [--runs N] [--only SUBSTRING]

To add a family (search patterns, say), append a ``Family`` to ``FAMILIES``: a name, a function
that makes the input bytes, and a function that does the work on them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from player.core.formats.load import load_transcript, parse_transcript_bytes  # noqa: E402
from player.core.inputs import TRANSCRIPT_LIMIT_BYTES, describe_size  # noqa: E402
from tests.corpus import hostile  # noqa: E402

TARGET_S_PER_MB = 1.0
_MIN_RUN_BYTES = 2_000_000


@dataclass(frozen=True)
class Family:
    """One hostile family: its input and the work timed on it."""

    name: str
    make: Callable[[], bytes]
    work: Callable[[bytes], object]


def _parse_vtt(data: bytes) -> object:
    return parse_transcript_bytes(data, source="hostile.vtt")


def _parse_srt(data: bytes) -> object:
    return parse_transcript_bytes(data, source="hostile.srt", format_hint="srt")


def _parse_sbv(data: bytes) -> object:
    return parse_transcript_bytes(data, source="hostile.sbv", format_hint="sbv")


def _srt_without_blank_lines() -> bytes:
    return "".join(f"{n}\n00:00:01,000 --> 00:00:02,000\nx\n" for n in range(200_000)).encode()


def _sbv_cues() -> bytes:
    return "".join("0:00:01.000,0:00:02.000\nx\n\n" for _ in range(300_000)).encode()


def _ass_codes() -> bytes:
    block = "{\\an8}{\\i1}word{\\i0} {\\b1\\c&HFF&}bold{\\b0} "
    cues = (
        f"{n + 1}\n00:00:{n % 60:02d},000 --> 00:00:{n % 60:02d},500\n{block * 20}\n\n"
        for n in range(20_000)
    )
    return "".join(cues).encode()


FAMILIES: list[Family] = [
    *(Family(name, make, _parse_vtt) for name, make in hostile.FAMILIES.items()),
    Family("SubRip ASS codes 20k cues", _ass_codes, _parse_srt),
    Family("SubRip no blank lines 200k", _srt_without_blank_lines, _parse_srt),
    Family("SBV 300k cues", _sbv_cues, _parse_sbv),
    Family("deep nesting 50k (mixed)", lambda: hostile.deep_nesting(50_000), _parse_vtt),
    Family("huge single cue", hostile.huge_single_cue, _parse_vtt),
    Family("200k tiny cues", lambda: hostile.many_tiny_cues(200_000), _parse_vtt),
]


def _status_bytes(field: str) -> int:
    """A memory figure of this process from /proc/self/status (VmHWM, VmRSS), or 0."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _start_measuring() -> int:
    """Reset the peak (VmHWM) to the current resident memory, so that making the input does not
    count; returns that memory."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
    except OSError:
        pass
    return _status_bytes("VmRSS")


def _peak_bytes() -> int:
    return _status_bytes("VmHWM")


def _child(name: str, runs: int) -> None:
    """Run one family in this (fresh) process; print a JSON line of figures."""
    family = next(f for f in FAMILIES if f.name == name)
    data = family.make()
    # A small input is worked on several times per run, so that a run lasts long enough to be
    # timed (a 18 KB family takes a few milliseconds, within the noise of a busy machine).
    repeat = max(1, _MIN_RUN_BYTES // max(1, len(data)))
    before = _start_measuring()
    times, cpu_times = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        for _ in range(repeat):
            family.work(data)
        times.append((time.perf_counter() - began) / repeat)
        cpu_times.append((time.process_time() - began_cpu) / repeat)
    grown = _peak_bytes() - before
    figures = {
        "bytes": len(data),
        "median_s": statistics.median(times),
        "cpu_s": statistics.median(cpu_times),
        "peak": grown,
    }
    print(json.dumps(figures))


def _in_child(args: list[str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _plain(path: Path, size_bytes: int) -> None:
    """A WebVTT file of about ``size_bytes`` with two lines of plain text per cue (as machine
    captions and converted SubRip are)."""
    with path.open("w", encoding="utf-8") as out:
        out.write("WEBVTT\n\n")
        n = 0
        while out.tell() < size_bytes:
            start = n * 2000
            stamp = f"{start // 3_600_000:02d}:{start // 60_000 % 60:02d}:{start // 1000 % 60:02d}"
            out.write(f"{stamp}.000 --> {stamp}.900\nThe minister said the figures for quarter ")
            out.write(f"{n % 4 + 1} are out\nand they show steady growth across the region.\n\n")
            n += 1


def _realistic(path: Path, size_bytes: int) -> None:
    """A briefing-like WebVTT file of about ``size_bytes``: voices, styling, entities, ids."""
    speakers = ["Press Secretary", "Reporter", "Minister of Finance", "Chair"]
    with path.open("w", encoding="utf-8") as out:
        out.write("WEBVTT\nKind: captions\n\n")
        n = 0
        while out.tell() < size_bytes:
            start = n * 2000
            stamp = f"{start // 3_600_000:02d}:{start // 60_000 % 60:02d}:{start // 1000 % 60:02d}"
            who = speakers[n % 4]
            if n % 10 == 0:
                out.write(f"cue-{n}\n")
            out.write(f"{stamp}.000 --> {stamp}.900\n<v {who}>We will <i>not</i> comment on ")
            out.write(f"<c.loud>rumours</c> &amp; leaks about quarter {n % 4 + 1}.\n\n")
            n += 1


def _file_child(path: str) -> None:
    before = _start_measuring()
    began, began_cpu = time.perf_counter(), time.process_time()
    try:
        t = load_transcript(path)
        outcome = f"{len(t.cues)} cues"
    except Exception as err:  # the refusal is the expected outcome for the big file
        outcome = f"refused: {err}"
    elapsed, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    peak = _peak_bytes() - before
    print(json.dumps({"outcome": outcome, "s": elapsed, "cpu_s": cpu, "peak": peak}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per family (median)")
    parser.add_argument("--only", default="", help="run only families whose name contains this")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.runs)
        return
    if args.file_child:
        _file_child(args.file_child)
        return

    print(
        f"{'family':30} {'input':>9} {'median s':>9} {'cpu s':>7} {'s/MB':>6} {'<1 s/MB':>8} "
        f"{'peak mem':>9}"
    )
    slow = []
    for family in FAMILIES:
        if args.only not in family.name:
            continue
        r = _in_child(["--child", family.name, "--runs", str(args.runs)])
        mb = r["bytes"] / 1e6
        per_mb = r["median_s"] / mb
        ok = per_mb < TARGET_S_PER_MB
        if not ok:
            slow.append(family.name)
        print(
            f"{family.name:30} {describe_size(int(r['bytes'])):>9} {r['median_s']:9.3f} "
            f"{r['cpu_s']:7.3f} {per_mb:6.2f} {'yes' if ok else 'NO':>8} "
            f"{describe_size(int(r['peak'])):>9}"
        )
    if args.only:
        return
    print(f"\nfiles (the limit is {describe_size(TRANSCRIPT_LIMIT_BYTES)}):")
    with tempfile.TemporaryDirectory() as tmp:
        near = Path(tmp) / "near-limit-styled.vtt"
        _realistic(near, 60 * 1024 * 1024)
        plain = Path(tmp) / "near-limit-plain.vtt"
        _plain(plain, 60 * 1024 * 1024)
        huge = Path(tmp) / "huge.vtt"
        with huge.open("wb") as stream:
            stream.write(b"WEBVTT\n\n")
            stream.truncate(300 * 1024 * 1024)
        for path in (near, plain, huge):
            r = _in_child(["--file-child", str(path)])
            print(
                f"  {path.name} ({describe_size(path.stat().st_size)}): {r['outcome']} in "
                f"{r['s']:.2f} s ({r['cpu_s']:.2f} s CPU), peak memory "
                f"{describe_size(int(r['peak']))}"
            )
    print("\nall families under 1 s/MB" if not slow else f"\nover 1 s/MB: {', '.join(slow)}")


if __name__ == "__main__":
    main()
