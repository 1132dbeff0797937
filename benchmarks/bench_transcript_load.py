"""Benchmark: load_transcript vs webvtt-py's webvtt.read on a generated 50,000-cue WebVTT file,
plus the 200,000-tiny-cue hostile file (time and tracemalloc peak memory).

Run: .venv/bin/python benchmarks/bench_transcript_load.py [--runs N]
Target (issue 3): load_transcript at most 1.5x webvtt.read on the same file.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import webvtt

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from player.core.formats.load import load_transcript  # noqa: E402
from player.core.timeline.timecode import format_timestamp  # noqa: E402

TINY = REPO.parent / "shared" / "corpus" / "hostile" / "04_200k_tiny_cues.vtt"
SPEAKERS = ["Press Secretary", "Reporter", "Minister of Finance", "Chair"]


def make_vtt(path: Path, count: int) -> None:
    """A realistic briefing: voices on every cue, some italics/classes, some ids and entities."""
    out = ["WEBVTT", "Kind: captions", "Language: en", ""]
    for i in range(count):
        start = i * 2000
        if i % 10 == 0:
            out.append(f"cue-{i}")
        out.append(f"{format_timestamp(start)} --> {format_timestamp(start + 1900)}")
        who = SPEAKERS[i % len(SPEAKERS)]
        if i % 7 == 0:
            out.append(f"<v {who}>We will <i>not</i> comment on <c.loud>rumours</c> &amp; leaks")
        else:
            out.append(f"<v {who}>Thank you. The figures for quarter {i % 4 + 1} are out")
        if i % 3 == 0:
            out.append("and they show steady growth across the region.")
        out.append("")
    path.write_text("\n".join(out), encoding="utf-8")


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cues", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "briefing.vtt"
        make_vtt(path, args.cues)
        assert len(load_transcript(path).cues) == args.cues
        assert len(webvtt.read(str(path))) == args.cues
        ours = median_time(lambda: load_transcript(path), args.runs)
        theirs = median_time(lambda: webvtt.read(str(path)), args.runs)
        print(f"{args.cues} cues, {path.stat().st_size / 1e6:.1f} MB, median of {args.runs} runs")
        print(f"  load_transcript: {ours * 1000:8.1f} ms")
        print(f"  webvtt.read:     {theirs * 1000:8.1f} ms")
        print(f"  ratio:           {ours / theirs:8.2f}x  (target <= 1.5x)")
    if TINY.exists():
        tiny = median_time(lambda: load_transcript(TINY), args.runs)
        tracemalloc.start()
        transcript = load_transcript(TINY)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{TINY.name}: {len(transcript.cues)} cues")
        print(f"  load_transcript: {tiny * 1000:8.1f} ms (median of {args.runs})")
        print(f"  peak memory (tracemalloc): {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
