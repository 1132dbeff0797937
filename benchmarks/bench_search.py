"""Benchmark: search over a 50,000-cue synthetic briefing transcript (issue 5, core part).

Prints the median SearchIndex build time, then for each query the p50/p95 of
``SearchIndex.search()`` plus snippets for the first page (50 hits), beside the baseline named in
the issue: ``[i for i, c in enumerate(cues) if q in c.text.lower()]`` over the same cues.
The target is a common word within 30 ms (p95).

Run: ``.venv/bin/python benchmarks/bench_search.py [--cues N] [--runs N]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from player.core.model import Cue
from player.core.text.search import SearchIndex, SearchOptions, snippet

PAGE = 50

# Briefing-like vocabulary, most frequent first (weights follow Zipf's law).
_WORDS_TEXT = (
    "the of and to a in that we is for on this it with as are be have will our at by from "
    "government minister said president people country security today question support "
    "policy economy budget health year week time report committee decision public spokesperson "
    "secretary ministry foreign defence national international agreement talks meeting "
    "statement press conference journalists region border trade tariffs inflation energy "
    "climate emissions vaccine hospital schools police court election parliament opposition "
    "reform billion million percent funding investment growth jobs workers families children "
    "crisis response emergency aid humanitarian refugees sanctions negotiations partners allies "
    "delegation summit treaty cooperation development infrastructure transport housing water "
    "ceasefire ombudsman"
)
WORDS = _WORDS_TEXT.split()
PLACES = ["Bogotá", "São Paulo", "Zürich", "Montréal", "Kraków", "Reykjavík", "Düsseldorf"]
SPEAKERS = ["Spokesperson", "Minister Álvarez", "Reporter", "Dr. Nakamura", "Chair"]


def make_cues(n: int, seed: int = 5) -> list[Cue]:
    """``n`` cues of 1-2 lines of Zipf-distributed words, some places and phrases."""
    rng = random.Random(seed)
    weights = [1.0 / (rank + 1) for rank in range(len(WORDS))]
    cues: list[Cue] = []
    t_ms = 0
    for i in range(n):
        lines = []
        for _ in range(rng.choice((1, 2, 2))):
            words = rng.choices(WORDS, weights, k=rng.randint(5, 9))
            if rng.random() < 0.03:
                words.insert(rng.randrange(len(words) + 1), rng.choice(PLACES))
            lines.append(" ".join(words))
        text = "\n".join(lines)
        if rng.random() < 0.01:
            text = text.replace("\n", " climate\nreport ", 1) if "\n" in text else text
        text = text[0].upper() + text[1:] + "."
        duration = rng.randint(1500, 6000)
        cues.append(Cue(str(i + 1), t_ms, t_ms + duration, text, (rng.choice(SPEAKERS),)))
        t_ms += duration + rng.randint(0, 400)
    return cues


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Wall times in milliseconds of ``runs`` calls of ``fn``."""
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cues", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=30)
    ns = ap.parse_args()
    cues = make_cues(ns.cues)
    chars = sum(len(c.text) for c in cues)
    print(f"{len(cues)} cues, {chars / 1e6:.1f} M characters, {ns.runs} runs per figure")

    builds = timed(lambda: SearchIndex(cues), 5)
    print(f"SearchIndex build: median {statistics.median(builds):.0f} ms (5 runs)")
    index = SearchIndex(cues)

    queries = [
        ("common word", "security", SearchOptions(), "security"),
        ("stop word", "the", SearchOptions(), "the"),
        ("1st letter", "s", SearchOptions(), "s"),
        ("rare word", "ombudsman", SearchOptions(), "ombudsman"),
        ("phrase", '"climate report"', SearchOptions(), "climate report"),
        ("accented", "bogota", SearchOptions(), "bogota"),
        ("whole word", "aid", SearchOptions(whole_word=True), "aid"),
        ("speaker", "budget", SearchOptions(speaker="reporter"), "budget"),
        ("regex", r"minist\w+ (said|of)", SearchOptions(regex=True), "minist"),
    ]
    head = f"{'query':<12} {'text':<22} {'hits':>7} {'p50 ms':>8} {'p95 ms':>8}"
    print(f"\n{head} {'base p50':>9} {'base p95':>9} {'p95 ratio':>9} {'+ticks p50':>10}")
    for label, query, options, base_q in queries:

        def ours(query: str = query, options: SearchOptions = options) -> int:
            # What the window does per keystroke: search, then snippets for the first page.
            result = index.search(query, options)
            for i in range(min(PAGE, len(result))):
                hit = result.hit(i)
                snippet(index.cues[hit.cue_index].text, hit)
            return len(result)

        def with_ticks(query: str = query, options: SearchOptions = options) -> int:
            # Plus every hit's cue (timeline ticks), which builds all Hit objects.
            result = index.search(query, options)
            return len(result.cue_indices)

        def baseline(q: str = base_q) -> int:
            return len([i for i, c in enumerate(cues) if q in c.text.lower()])

        n_hits = ours()
        ours_ms = timed(ours, ns.runs)
        ticks_ms = timed(with_ticks, max(5, ns.runs // 4))
        base_ms = timed(baseline, ns.runs)
        ratio = pct(ours_ms, 0.95) / pct(base_ms, 0.95)
        print(
            f"{label:<12} {query:<22} {n_hits:>7} {pct(ours_ms, 0.5):>8.1f} "
            f"{pct(ours_ms, 0.95):>8.1f} {pct(base_ms, 0.5):>9.1f} {pct(base_ms, 0.95):>9.1f} "
            f"{ratio:>8.2f}x {pct(ticks_ms, 0.5):>10.1f}"
        )
    print(
        "\nratio = our p95 / baseline p95 (below 1 is faster). The baseline finds cues, not hit "
        "offsets, and knows no accents, phrases across line breaks, whole words or speakers.\n"
        "+ticks = search plus the cue of every hit (result.cue_indices, for timeline ticks)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
