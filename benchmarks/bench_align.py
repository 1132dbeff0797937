#!/usr/bin/env python3
"""Benchmark the aligner on the generated set (``packaging/make_align_set.py``).

For each case: sentence-start error (|cue start - true speech start|) p50/p95/max in ms over the
sentences that are both spoken and in the text, sentences missing a cue, passages reported
unaligned, the real-time factor (alignment seconds / audio seconds, decoding included) and the
peak memory of a process doing only that case (ru_maxrss). Prints one line per case and a JSON
summary with ``--json``.

    python benchmarks/bench_align.py [--set DIR] [--long-minutes 30] [--skip-long] [--json]

Issue 14's targets: p95 <= 100 ms on verbatim text, <= 250 ms with a differing text, the unspoken
sentence reported unaligned, <= 0.1x real time on two cores, a 60-minute briefing under 600 MB.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _percentile(values: list[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else -1


def run_case(media: Path) -> dict[str, object]:
    """Align one case in this process and measure it."""
    from player.engines.alignment import align_text

    text = media.with_suffix(".txt")
    truth = json.loads(media.with_suffix(".truth.json").read_text("utf-8"))
    started = time.perf_counter()
    beats: list[float] = []
    result = align_text(media, text, progress=lambda _f: beats.append(time.perf_counter()))
    seconds = time.perf_counter() - started
    gaps = [b - a for a, b in zip([started, *beats], beats, strict=False)]
    errors: list[int] = []
    missing = 0
    cues = list(result.cues)
    for item in truth:
        cue = next((c for c in cues if c.text == item["text"]), None)
        if cue is None:
            cue = next((c for c in cues if item["text"].startswith(c.text[:30])), None)
        if cue is None:
            missing += 1
            continue
        cues.remove(cue)
        errors.append(abs(cue.start_ms - int(item["start_ms"])))
    return {
        "case": media.name,
        "audio_s": round(result.duration_ms / 1000, 1),
        "sentences": len(truth),
        "p50_ms": _percentile(errors, 0.5),
        "p95_ms": _percentile(errors, 0.95),
        "max_ms": max(errors) if errors else -1,
        "mean_ms": round(sum(errors) / len(errors)) if errors else -1,
        "missing_cues": missing,
        "unaligned": [u.text for u in result.unaligned],
        "words": result.words,
        "aligned_words": result.aligned_words,
        "seconds": round(seconds, 2),
        "rtf": round(seconds / max(0.001, result.duration_ms / 1000), 4),
        "longest_progress_gap_s": round(max(gaps) if gaps else 0.0, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def add_sample_case(folder: Path) -> None:
    """The bundled sample briefing (two espeak-ng voices, Opus) as a case: its script laid out
    as an official transcript (speaker labels), the measured sound onsets as the truth."""
    import shutil

    timing = json.loads((REPO / "resources/sample/briefing.timing.json").read_text("utf-8"))
    paragraphs: list[str] = []
    speaker = None
    for sentence in timing["sentences"]:
        if sentence["speaker"] != speaker:
            speaker = sentence["speaker"]
            paragraphs.append(f"{speaker.upper()}: {sentence['text']}")
        else:
            paragraphs[-1] += " " + sentence["text"]
    shutil.copy(REPO / "resources/sample/briefing.opus", folder / "sample_briefing.opus")
    (folder / "sample_briefing.txt").write_text("\n\n".join(paragraphs) + "\n", "utf-8")
    truth = [{"text": s["text"], "start_ms": s["onset_ms"]} for s in timing["sentences"]]
    (folder / "sample_briefing.truth.json").write_text(json.dumps(truth, indent=1), "utf-8")


def measure_cancel(media: Path, after_s: float) -> float:
    """Seconds from setting the Cancel flag ``after_s`` into an alignment until it stops."""
    import threading

    from player.core.align.types import AlignCancelled
    from player.engines.alignment import align_text

    stop = threading.Event()
    stopped_at: list[float] = []

    def work() -> None:
        with contextlib.suppress(AlignCancelled):
            align_text(media, media.with_suffix(".txt"), should_stop=stop.is_set)
        stopped_at.append(time.perf_counter())

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(after_s)
    asked = time.perf_counter()
    stop.set()
    thread.join()
    return round(max(0.0, stopped_at[0] - asked), 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--set",
        type=Path,
        help="folder made by make_align_set.py (default: a temporary folder made now)",
    )
    parser.add_argument("--long-minutes", type=int, default=30)
    parser.add_argument("--skip-long", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--cancel", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(Path(args.case))))
        return 0
    if args.cancel:
        delays = [measure_cancel(Path(args.cancel), after) for after in (1.0, 4.0, 15.0)]
        print(json.dumps({"cancel_latency_s": delays}))
        return 0
    with tempfile.TemporaryDirectory() as temp:
        folder = args.set or Path(temp)
        if not any(folder.glob("*.truth.json")):
            sys.path.insert(0, str(REPO / "packaging"))
            from make_align_set import make_set

            skip = {"long"} if args.skip_long else set()
            names = {
                "fast_voice",
                "slow_voice",
                "verbatim_us_mp3",
                "verbatim_gb_opus",
                "official_layout",
                "differing_text",
                "noisy",
                "long",
            } - skip
            made = time.perf_counter()
            make_set(folder, long_minutes=args.long_minutes, only=names)
            print(f"generated the set in {time.perf_counter() - made:.0f} s", file=sys.stderr)
        if not (folder / "sample_briefing.truth.json").exists():
            add_sample_case(folder)
        results = []
        for truth in sorted(folder.glob("*.truth.json")):
            stem = truth.name[: -len(".truth.json")]
            if args.skip_long and stem == "long":
                continue
            media = next(p for p in folder.glob(stem + ".*") if p.suffix in {".mp3", ".opus"})
            done = subprocess.run(
                [sys.executable, __file__, "--case", str(media)], capture_output=True, text=True
            )
            if done.returncode != 0:
                print(f"{stem}: failed\n{done.stderr}", file=sys.stderr)
                continue
            row = json.loads(done.stdout.strip().splitlines()[-1])
            results.append(row)
            print(
                f"{row['case']:22} {row['audio_s']:7.1f} s  sentences {row['sentences']:3}  "
                f"start error p50 {row['p50_ms']:4} p95 {row['p95_ms']:4} max {row['max_ms']:5} ms"
                f"  missing {row['missing_cues']}  unaligned {len(row['unaligned'])}  "
                f"rtf {row['rtf']:.3f}  peak {row['peak_mb']} MB  "
                f"progress gap {row['longest_progress_gap_s']} s"
            )
            for text in row["unaligned"]:
                print(f"    unaligned: {text[:70]}")
            if stem == "long":
                done = subprocess.run(
                    [sys.executable, __file__, "--cancel", str(media)],
                    capture_output=True,
                    text=True,
                )
                if done.returncode == 0:
                    latency = json.loads(done.stdout.strip().splitlines()[-1])
                    row.update(latency)
                    print(
                        "    Cancel after 1 s / 4 s / 15 s stopped within "
                        + " / ".join(f"{d:.2f}" for d in latency["cancel_latency_s"])
                        + " s"
                    )
        if args.json:
            print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
