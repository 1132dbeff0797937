#!/usr/bin/env python3
"""Benchmark offline transcription on the generated set (``packaging/make_transcribe_set.py``).

For each case, in a process of its own (for its peak memory): faster-whisper (``tiny.en`` int8
from the installed model package unless ``--model``), then the re-timing by the aligner.
Reported: word error rate against the script after normalising numbers (both sides spoken out
as the aligner reads them: "2,500" -> "two thousand five hundred"), sentence-start error
p50/p95/max in ms (each spoken sentence against the nearest cue start) after re-timing and, for
comparison, with Whisper's own times; the voices started; the real-time factor (all seconds /
audio seconds, decoding, model loading and re-timing included); peak memory (ru_maxrss).

    python benchmarks/bench_transcribe.py [--set DIR] [--long-minutes 10] [--skip-long]
        [--model NAME|DIR] [--json]

Issue 15's targets with tiny.en int8 on two cores: WER <= 20% on clean synthetic speech,
sentence starts p95 <= 150 ms after re-timing, <= 0.15x real time including re-timing, peak
memory under 1 GB for a 60-minute briefing.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CASES = ("clean_us", "clean_gb", "noisy_us", "qa", "long")


def _percentile(values: list[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else -1


def spoken_words(text: str) -> list[str]:
    """The words of ``text`` as spoken (numbers, symbols and abbreviations spoken out)."""
    from player.core.align.normalize import spoken_tokens

    words = text.split()
    out: list[str] = []
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        out.extend(spoken_tokens(word, following))
    return out


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word edit distance over the reference's length, after number normalisation."""
    from rapidfuzz.distance import Levenshtein

    ref, hyp = spoken_words(reference), spoken_words(hypothesis)
    return Levenshtein.distance(ref, hyp) / max(1, len(ref))


def _start_errors(truth: list[int], cue_starts: list[int]) -> list[int]:
    return [min(abs(t - c) for c in cue_starts) for t in truth] if cue_starts else []


def run_case(media: Path, model: str | None) -> dict[str, object]:
    """Transcribe one case in this process and measure it."""
    from player.engines.transcription import transcribe_media

    started = time.perf_counter()
    raw: list[object] = []  # the newest partial result only: Whisper's own times, all cues

    def keep_newest(cues: object) -> None:
        raw[:] = [cues]

    result = transcribe_media(media, model=model, on_partial=keep_newest)
    seconds = time.perf_counter() - started
    name = media.name.rsplit(".", 1)[0]
    script = (media.parent / f"{name}.script.txt").read_text("utf-8")
    truth = json.loads((media.parent / f"{name}.truth.json").read_text("utf-8"))
    starts = [t["start_ms"] for t in truth]
    errors = _start_errors(starts, [c.start_ms for c in result.cues])
    whisper_cues = raw[-1] if raw else []
    whisper_errors = _start_errors(starts, [c.start_ms for c in whisper_cues])  # type: ignore[attr-defined]
    turns = [i for i in range(1, len(truth)) if truth[i]["speaker"] != truth[i - 1]["speaker"]]
    voices = sorted({c.voice for c in result.cues if c.voice})
    return {
        "case": name,
        "audio_s": round(result.duration_ms / 1000, 1),
        "wer": round(word_error_rate(script, " ".join(c.text for c in result.cues)), 4),
        "sentences": len(starts),
        "cues": len(result.cues),
        "start_p50_ms": _percentile(errors, 0.5),
        "start_p95_ms": _percentile(errors, 0.95),
        "start_max_ms": max(errors, default=-1),
        "whisper_p50_ms": _percentile(whisper_errors, 0.5),
        "whisper_p95_ms": _percentile(whisper_errors, 0.95),
        "whisper_max_ms": max(whisper_errors, default=-1),
        "retimed_words": f"{result.retimed_words}/{result.words}",
        "speaker_turns": len(turns),
        "voices": len(voices),
        "seconds": round(seconds, 1),
        "rtf": round(seconds / max(0.001, result.duration_ms / 1000), 3),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "model": result.model,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=Path, help="the generated set (made if missing)")
    parser.add_argument("--long-minutes", type=int, default=10)
    parser.add_argument("--skip-long", action="store_true")
    parser.add_argument("--model", help="a model name or folder (default: the installed tiny.en)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # one case, in a child process
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(Path(args.case), args.model)))
        return 0
    folder = args.set or Path(tempfile.mkdtemp(prefix="transcribe-set-"))
    cases = [c for c in CASES if not (args.skip_long and c == "long")]
    missing = [c for c in cases if not list(folder.glob(f"{c}.*.json"))]
    if missing:
        sys.path.insert(0, str(REPO / "packaging"))
        from make_transcribe_set import make_set

        make_set(folder, long_minutes=args.long_minutes, only=set(missing))
    rows = []
    for case in cases:
        media = next(p for p in folder.glob(f"{case}.*") if p.suffix in {".mp3", ".opus"})
        command = [sys.executable, __file__, "--case", str(media)]
        if args.model:
            command += ["--model", args.model]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{case}: failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        if not args.json:
            print(
                f"{row['case']:>9}: {row['audio_s']:7.1f} s  WER {row['wer']:.1%}  "
                f"starts p50/p95/max {row['start_p50_ms']}/{row['start_p95_ms']}/"
                f"{row['start_max_ms']} ms (Whisper's own {row['whisper_p50_ms']}/"
                f"{row['whisper_p95_ms']}/{row['whisper_max_ms']})  cues {row['cues']}/"
                f"{row['sentences']}  voices {row['voices']} (turns {row['speaker_turns']})  "
                f"{row['rtf']:.3f}x real time  peak {row['peak_mb']} MB",
                flush=True,
            )
    if args.json:
        print(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
