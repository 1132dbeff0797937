"""The shared-archive stores side by side (issue 19): ``bench_archive.py --db postgresql://...``.

Indexes the same generated library into the embedded SQLite store
(``core.archive.sqlite_store``) and the PostgreSQL store (``engines.postgres_store``) through
``core.archive.shared_index`` (one transaction per briefing), then times the first page of 50
hits (with snippets and marks) for bench_archive's queries with 1 and with 8 concurrent
searchers (threads, each with its own connection), p50/p95 per query. Target: p95 <= 50 ms with
8 searchers. ``--db auto`` starts a throw-away server (tests/pg/server.py; fsync off, as in the
tests: index throughput on a durable server is lower).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from player.core.archive.shared_index import index_root
from player.core.archive.sqlite_store import SqliteStore
from player.core.archive.store import ArchiveStore, redact

QUERIES = {
    "word": "climate",
    "rare word": "zeitgeist",
    "phrase": '"climate report"',
    "prefix": "infla*",
    "AND": "budget AND deficit",
}


def _pct(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))]


def _latencies(
    make: Callable[[], ArchiveStore], searchers: int, runs: int
) -> dict[str, list[float]]:
    stores = [make() for _ in range(searchers)]
    out: dict[str, list[float]] = {label: [] for label in QUERIES}
    lock = threading.Lock()
    start = threading.Barrier(searchers)

    def work(store: ArchiveStore) -> None:
        start.wait()
        for _ in range(runs):
            for label, query in QUERIES.items():
                t0 = time.perf_counter()
                store.search(query, limit=50)
                took = time.perf_counter() - t0
                with lock:
                    out[label].append(took)

    threads = [threading.Thread(target=work, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.close()
    return out


def run(lib: Path, url: str, runs: int) -> None:
    """Index ``lib`` into both stores and print the comparison."""
    from player.engines.postgres_store import PostgresStore

    work = Path(tempfile.mkdtemp(prefix="bench-stores-"))
    try:
        makers: dict[str, Callable[[], ArchiveStore]] = {
            "SQLite": lambda: SqliteStore(work / "shared.sqlite"),
            "PostgreSQL": lambda: PostgresStore(url),
        }
        counts: dict[str, dict[str, int]] = {}
        print(f"stores: SQLite {work / 'shared.sqlite'}, PostgreSQL {redact(url)}")
        for name, make in makers.items():
            store = make()
            t0 = time.perf_counter()
            scan = index_root(store, "library", lib)
            took = time.perf_counter() - t0
            print(
                f"  {name:10} index: {scan.written:,} briefings, {scan.cues:,} cues in "
                f"{took:.1f} s = {scan.cues / took:,.0f} cues/s (one transaction per briefing)"
            )
            counts[name] = {label: store.count(q) for label, q in QUERIES.items()}
            store.close()
        same = "the same in both" if len({str(c) for c in counts.values()}) == 1 else "DIFFERENT"
        print(f"  hits per query: {counts['SQLite']} ({same})")
        print(f"first page of 50 hits with snippets, {runs} runs per query per searcher (ms)")
        print(
            f"  {'query':10} {'store':10} {'1: p50':>8} {'1: p95':>8} {'8: p50':>8} {'8: p95':>8}"
        )
        results = {
            (name, n): _latencies(make, n, runs if n == 1 else max(3, runs // 4))
            for name, make in makers.items()
            for n in (1, 8)
        }
        for label in QUERIES:
            for name in makers:
                one, eight = results[(name, 1)][label], results[(name, 8)][label]
                p95 = _pct(eight, 95) * 1000
                print(
                    f"  {label:10} {name:10} {statistics.median(one) * 1000:>8.1f} "
                    f"{_pct(one, 95) * 1000:>8.1f} {statistics.median(eight) * 1000:>8.1f} "
                    f"{p95:>8.1f}  {'OK' if p95 <= 50 else 'MISSED'}"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
