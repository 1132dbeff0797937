"""Benchmark the archive: full index, no-change rescan, and FTS5 query latency vs ``LIKE``.

Generates a synthetic archive (default: the issue's 2,000 briefings x 1,000 cues = 2 million
cues) of WebVTT transcripts beside tiny placeholder .mp3 files, 50 briefings per month folder,
in a temporary directory, then prints:

* full index: seconds, cues per second, database size;
* opening with the quick check of every page that ``library`` and ``index`` make (median);
* rescan with nothing changed (median of several runs; target < 2 s);
* for a common word, a rare word, a phrase, a prefix and an AND query: p50/p95 latency of
  ``Archive.search(query, limit=50)`` (first page of 50 hits with snippets; target p95 < 50 ms),
  beside the same first page fetched with ``LIKE '%word%'`` over the same ``cues`` table
  (the baseline), and the ratio baseline / FTS5;
* removing the library folder: total seconds and the longest chunk (``remove_folder`` works
  in chunks so that searches are answered in between; the longest chunk is the longest wait).

Usage: ``python benchmarks/bench_archive.py [--briefings N] [--cues N] [--runs N] [--keep]``
``--db postgresql://...`` (or ``--db auto``) compares the shared-archive stores instead
(``bench_archive_stores.py``).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from player.cli.archive import CHECK_BUDGET_S
from player.core.archive.library import Archive
from player.core.timeline.timecode import format_timestamp

_COMMON_TEXT = (
    "the of and to a in that is it for on was with he as you at be this have from or one had by "
    "but not what all were we when your can said there use an each which she do how their if "
    "will up other about out many then them these so some her would make like him into time has "
    "look two more go see no way could people my than first been call who its now find long down "
    "day did get come made may part government minister president question answer week year "
    "today country people state policy said asked told meeting support plan office report"
)
COMMON = _COMMON_TEXT.split()
SPEAKERS = ("Press Secretary", "Reporter", "Minister Álvarez", "Spokesperson", "Dr. Nguyễn")
# Words the queries look for, with the share of cues that contain them.
PLANTED = {
    "climate": 0.02,  # common word: 40,000 cues at full size
    "report": 0.03,
    "inflation": 0.01,
    "inflationary": 0.002,
    "budget": 0.01,
    "deficit": 0.01,
    "zeitgeist": 0.00002,  # rare word: about 40 cues
}
QUERIES = {
    "word": ("climate", "text LIKE '%climate%'"),
    "rare word": ("zeitgeist", "text LIKE '%zeitgeist%'"),
    "phrase": ('"climate report"', "text LIKE '%climate report%'"),
    "prefix": ("infla*", "text LIKE '%infla%'"),
    "AND": ("budget AND deficit", "text LIKE '%budget%' AND text LIKE '%deficit%'"),
}


def _vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyzéü"
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(3, 10))))
    return sorted(words)


def generate(root: Path, briefings: int, cues: int, seed: int = 7) -> int:
    """Write the synthetic archive under ``root``; returns the number of cues written."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    weights = [1 / (rank + 10) for rank in range(len(vocab))]  # Zipf-like
    total = 0
    for b in range(briefings):
        month = f"{2020 + b // 600}-{(b // 50) % 12 + 1:02d}"
        folder = root / month
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{month}-{(b % 28) + 1:02d} briefing {b:05d}"
        (folder / f"{stem}.mp3").write_bytes(b"\xff\xfb\x90\x00" + bytes(60))
        lines = ["WEBVTT", "Language: en", ""]
        t = 0
        commons = rng.choices(COMMON, k=cues * 8)
        rares = rng.choices(vocab, weights=weights, k=cues * 4)
        for i in range(cues):
            words = commons[i * 8 : i * 8 + 8] + rares[i * 4 : i * 4 + 4]
            rng.shuffle(words)
            for word, share in PLANTED.items():
                if rng.random() < share:
                    words.insert(rng.randrange(len(words) + 1), word)
            if rng.random() < 0.01:
                pos = rng.randrange(len(words) + 1)
                words[pos:pos] = ["climate", "report"]
            text = " ".join(words).capitalize() + "."
            speaker = rng.choice(SPEAKERS)
            duration = rng.randint(1500, 6000)
            lines.append(f"{format_timestamp(t)} --> {format_timestamp(t + duration)}")
            lines.append(f"<v {speaker}>{text}" if i % 3 == 0 else text)
            lines.append("")
            t += duration + rng.randint(0, 500)
        (folder / f"{stem}.vtt").write_text("\n".join(lines), encoding="utf-8")
        total += cues
    return total


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def _db_size(db: Path) -> int:
    return sum(
        p.stat().st_size for p in db.parent.iterdir() if p.name.startswith(db.name) and p.is_file()
    )


def _bench_remove(archive: Archive, lib: Path) -> None:
    """Time ``remove_folder`` on the whole library, and the longest step between two progress
    reports: the longest the index is held in one go, so the longest a search waits meanwhile."""
    marks: list[float] = []
    t0 = time.perf_counter()
    removed = archive.remove_folder(
        lib, progress=lambda _done, _total: marks.append(time.perf_counter())
    )
    total_s = time.perf_counter() - t0
    steps = [b - a for a, b in itertools.pairwise(marks)]
    longest = max(steps, default=total_s)
    print(
        f"remove the library folder: {removed:,} briefings in {total_s:.1f} s, "
        f"{len(steps)} chunks; longest chunk {longest * 1000:.0f} ms (a search waits at most that)"
    )


def _bench_stores(lib: Path, url: str, runs: int) -> int:
    import bench_archive_stores

    if url != "auto":
        bench_archive_stores.run(lib, url, runs)
        return 0
    from tests.pg.server import PgServer

    server = PgServer().start()
    try:
        bench_archive_stores.run(lib, server.new_database("bench"), runs)
    finally:
        server.destroy()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefings", type=int, default=2000)
    parser.add_argument("--cues", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30, help="runs per query")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--dir", help="work in this directory (reuses generated files)")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="compare the shared-archive stores instead: SQLite and PostgreSQL at URL "
        "(postgresql://...; 'auto' starts a throw-away server), see bench_archive_stores.py",
    )
    args = parser.parse_args()

    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bench-archive-"))
    lib = work / "library"
    db = work / "db" / "archive.sqlite"
    try:
        if not lib.exists():
            t0 = time.perf_counter()
            n = generate(lib, args.briefings, args.cues)
            print(
                f"generated {args.briefings} briefings x {args.cues} cues ({n:,} cues) "
                f"in {time.perf_counter() - t0:.1f} s under {work}"
            )
        if db.parent.exists():
            shutil.rmtree(db.parent)
        if args.db:
            return _bench_stores(lib, args.db, args.runs)

        archive = Archive.open(db)
        archive.add_folder(lib)
        t0 = time.perf_counter()
        summary = archive.scan()
        full_s = time.perf_counter() - t0
        archive.close()
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = _db_size(db)
        print(f"full index: {summary.line()}")
        print(
            f"  {summary.cues_indexed / full_s:,.0f} cues/s; database {size / 1e6:,.1f} MB "
            f"({size / max(1, summary.cues_indexed):.0f} bytes/cue)"
        )

        checks = []
        for _ in range(3):
            t0 = time.perf_counter()
            Archive.open(db, read_only=True, verify_s=600).close()
            checks.append(time.perf_counter() - t0)
        print(
            f"open with the quick check of every page ('library' and 'index' do it, budget "
            f"{CHECK_BUDGET_S:g} s), {len(checks)} runs: median {statistics.median(checks):.2f} s "
            f"for {size / 1e6:,.0f} MB"
        )

        rescans = []
        for _ in range(5):
            t0 = time.perf_counter()
            with Archive.open(db) as archive:
                again = archive.scan()
            rescans.append(time.perf_counter() - t0)
            assert again.added == again.updated == again.removed == 0, again
        print(
            f"rescan, nothing changed (open + scan, {len(rescans)} runs): "
            f"median {statistics.median(rescans):.2f} s, max {max(rescans):.2f} s "
            f"(target < 2 s) -> {'OK' if statistics.median(rescans) < 2 else 'MISSED'}"
        )

        archive = Archive.open(db)
        like = sqlite3.connect(db)
        print(
            f"query latency, first page of 50 hits with snippets, {args.runs} runs each "
            "(target p95 < 50 ms); baseline: same page via LIKE over the cues table"
        )
        print(
            f"  {'query':10} {'hits':>7} {'FTS p50':>9} {'FTS p95':>9} "
            f"{'LIKE p50':>9} {'LIKE p95':>9} {'ratio p50':>9}"
        )
        for label, (query, where) in QUERIES.items():
            total_hits = archive.count(query)
            fts: list[float] = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                hits = archive.search(query, limit=50)
                fts.append(time.perf_counter() - t0)
            base: list[float] = []
            for _ in range(max(3, args.runs // 5)):
                t0 = time.perf_counter()
                rows = like.execute(
                    "SELECT c.id, c.briefing_id, c.start_ms, c.speaker, c.text, b.path "
                    f"FROM cues c JOIN briefings b ON b.id = c.briefing_id WHERE {where} "
                    "ORDER BY c.id LIMIT 50"
                ).fetchall()
                base.append(time.perf_counter() - t0)
            ok = _percentile(fts, 95) < 0.05
            print(
                f"  {label:10} {total_hits:>7,} {statistics.median(fts) * 1000:>7.1f}ms "
                f"{_percentile(fts, 95) * 1000:>7.1f}ms {statistics.median(base) * 1000:>7.1f}ms "
                f"{_percentile(base, 95) * 1000:>7.1f}ms "
                f"{statistics.median(base) / statistics.median(fts):>8.1f}x"
                f"  {'OK' if ok else 'MISSED'} ({len(hits)}/{len(rows)} hits on page)"
            )
        print("  all hits (count), to show what a full LIKE scan costs:")
        for label, (query, where) in QUERIES.items():
            t0 = time.perf_counter()
            n_fts = archive.count(query)
            fts_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            n_like = like.execute(f"SELECT count(*) FROM cues WHERE {where}").fetchone()[0]
            like_s = time.perf_counter() - t0
            print(
                f"  {label:10} FTS5 {n_fts:>7,} hits {fts_s * 1000:>8.1f}ms   "
                f"LIKE {n_like:>7,} hits {like_s * 1000:>8.1f}ms   ratio {like_s / fts_s:>6.1f}x"
            )
        like.close()
        _bench_remove(archive, lib)
        archive.close()
    finally:
        if not args.keep and not args.dir:
            shutil.rmtree(work, ignore_errors=True)
        elif args.keep:
            print(f"kept {work}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
