"""Benchmark: CueIndex at 200,000 cues (issue 3: current-cue lookup median under 5 µs).

Prints, for synthetic sequential cues and for a heavily overlapping variant: index build time,
``current_at`` latency (median and p95 over many random times, each the median of several
rounds), ``active_at`` latency, peak memory (tracemalloc) of the cues and of the index, and the
baseline: a linear scan over the same cues for a few queries, with the speed-up ratio. If the
loader works, it also measures the hostile corpus file with 200,000 tiny cues end to end.

Run: .venv/bin/python benchmarks/bench_cue_lookup.py [--cues N] [--queries N] [--rounds N]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from player.core.model import Cue
from player.core.timeline.cue_index import CueIndex

HOSTILE_200K = Path(__file__).resolve().parents[2] / "shared/corpus/hostile/04_200k_tiny_cues.vtt"


def sequential_cues(n: int, rng: random.Random) -> list[Cue]:
    """Back-to-back cues of 1–4 s with occasional gaps, like a real transcript."""
    cues = []
    t_ms = 0
    for i in range(n):
        length = rng.randint(1000, 4000)
        cues.append(Cue(id=str(i), start_ms=t_ms, end_ms=t_ms + length, text=f"cue {i}"))
        t_ms += length + (rng.randint(0, 2000) if rng.random() < 0.1 else 0)
    return cues


def overlapping_cues(n: int, rng: random.Random) -> list[Cue]:
    """Cues that overlap 2–6 deep, plus a few very long ones spanning large parts of the file."""
    cues = []
    t_ms = 0
    for i in range(n):
        # Every 5,000th cue is a long "chapter-like" one spanning thousands of others.
        length = rng.randint(1_000_000, 20_000_000) if i % 5000 == 0 else rng.randint(1000, 8000)
        cues.append(Cue(id=str(i), start_ms=t_ms, end_ms=t_ms + length, text=f"cue {i}"))
        t_ms += rng.randint(300, 2500)
    cues.sort(key=lambda c: c.start_ms)
    return cues


def linear_current(cues: Sequence[Cue], t_ms: int) -> int | None:
    """The baseline: scan every cue for the latest-starting active one."""
    best = None
    for i, cue in enumerate(cues):
        if cue.start_ms <= t_ms < cue.end_ms:
            best = i
    return best


def per_call_ns(fn: Callable[[int], object], times: list[int], rounds: int) -> list[float]:
    """Nanoseconds per call for each time: median over ``rounds`` repetitions of a batch of 20."""
    out = []
    clock = time.perf_counter_ns
    for t_ms in times:
        samples = []
        for _ in range(rounds):
            start = clock()
            for _ in range(20):
                fn(t_ms)
            samples.append((clock() - start) / 20)
        out.append(statistics.median(samples))
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(name: str, make: Callable[[], list[Cue]], queries: int, rounds: int) -> None:
    print(f"\n== {name} ==")
    gc.collect()
    tracemalloc.start()
    cues = make()
    cues_bytes, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    index = CueIndex(cues)
    index_bytes, index_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    index_bytes -= cues_bytes
    index_peak -= cues_bytes

    builds = []
    for _ in range(rounds):
        start = time.perf_counter()
        CueIndex(cues)
        builds.append(time.perf_counter() - start)

    end_ms = max(c.end_ms for c in cues)
    rng = random.Random(7)
    times = [rng.randrange(-1000, end_ms + 1000) for _ in range(queries)]
    current = per_call_ns(index.current_at, times, rounds)
    active = per_call_ns(index.active_at, times[: queries // 4], rounds)
    nxt = per_call_ns(index.next_change_after, times[: queries // 4], rounds)
    depth = statistics.mean(len(index.active_at(t)) for t in times[:2000])

    few = times[:5]
    linear = []
    for t_ms in few:
        start = time.perf_counter_ns()
        expected = linear_current(cues, t_ms)
        linear.append(time.perf_counter_ns() - start)
        assert index.current_at(t_ms) == expected, t_ms
    med_current = statistics.median(current)
    med_linear = statistics.median(linear)

    print(f"cues: {len(cues):,}  change points: {len(index.change_points):,}")
    print(f"mean active cues per query: {depth:.2f}")
    print(f"index build: median {statistics.median(builds) * 1000:.0f} ms over {rounds} runs")
    p95_current = percentile(current, 0.95)
    print(
        f"current_at: median {med_current / 1000:.2f} µs, p95 {p95_current / 1000:.2f} µs"
        f" over {len(times):,} random times (target: median < 5 µs)"
    )
    print(
        f"active_at: median {statistics.median(active) / 1000:.2f} µs, "
        f"p95 {percentile(active, 0.95) / 1000:.2f} µs"
    )
    print(f"next_change_after: median {statistics.median(nxt) / 1000:.2f} µs")
    print(
        f"baseline linear scan: median {med_linear / 1e6:.2f} ms per lookup ({len(few)} queries)"
        f" -> CueIndex is {med_linear / med_current:,.0f}x faster"
    )
    print(
        f"memory (tracemalloc): cues {cues_bytes / 2**20:.1f} MiB; index {index_bytes / 2**20:.1f}"
        f" MiB retained, {index_peak / 2**20:.1f} MiB peak during build"
    )


def measure_hostile(queries: int, rounds: int) -> None:
    print(f"\n== hostile corpus: {HOSTILE_200K.name} ==")
    try:
        from player.core.formats.load import load_transcript

        loads = []
        transcript = None
        for _ in range(max(1, rounds // 2)):
            start = time.perf_counter()
            transcript = load_transcript(HOSTILE_200K)
            loads.append(time.perf_counter() - start)
        assert transcript is not None
        tracemalloc.start()
        transcript = load_transcript(HOSTILE_200K)
        cues_bytes, load_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        start = time.perf_counter()
        index = CueIndex(transcript.cues)
        build_s = time.perf_counter() - start
        total_bytes, build_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        end_ms = max((c.end_ms for c in transcript.cues), default=0)
        rng = random.Random(11)
        times = [rng.randrange(0, end_ms + 1) for _ in range(queries)]
        current = per_call_ns(index.current_at, times, rounds)
    except NotImplementedError:
        print("skipped: load_transcript is not implemented yet")
        return
    except Exception as exc:  # a benchmark reports, it does not crash
        print(f"skipped: {type(exc).__name__}: {exc}")
        return
    print(f"cues: {len(transcript.cues):,}  warnings: {len(transcript.warnings):,}")
    print(f"load_transcript: median {statistics.median(loads):.2f} s; index build {build_s:.2f} s")
    print(
        f"current_at: median {statistics.median(current) / 1000:.2f} µs, "
        f"p95 {percentile(current, 0.95) / 1000:.2f} µs"
    )
    print(
        f"memory (tracemalloc): transcript {cues_bytes / 2**20:.1f} MiB (load peak "
        f"{load_peak / 2**20:.1f} MiB); index {(total_bytes - cues_bytes) / 2**20:.1f} MiB "
        f"(build peak {(build_peak - cues_bytes) / 2**20:.1f} MiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cues", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}; {args.cues:,} cues, {args.rounds} rounds")
    measure(
        "sequential cues",
        lambda: sequential_cues(args.cues, random.Random(1)),
        args.queries,
        args.rounds,
    )
    measure(
        "overlapping cues",
        lambda: overlapping_cues(args.cues, random.Random(2)),
        args.queries,
        args.rounds,
    )
    measure_hostile(args.queries, args.rounds)


if __name__ == "__main__":
    main()
