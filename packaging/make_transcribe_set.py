#!/usr/bin/env python3
"""Make the generated speech set for ``benchmarks/bench_transcribe.py`` (issue 15).

Cases, each ``NAME.mp3``/``.opus`` + ``NAME.script.txt`` (what was said) +
``NAME.truth.json`` (each sentence's text, true speech start and speaker):

* ``clean_us`` -- an editorial read by espeak-ng's en-us voice (mp3);
* ``clean_gb`` -- the same read by the en-gb voice, slower (opus);
* ``noisy_us`` -- the first twelve sentences with a noise floor (mp3);
* ``qa`` -- questions (en-us) and answers (en-gb) with a two-second pause before each answer:
  the turns the transcript should mark as new voices;
* ``long`` -- ``--long-minutes`` (default 10) of the editorial's sentences, for the real-time
  factor and the peak memory.

Reuses the reading, timing and encoding of ``packaging/make_align_set.py``.

    python packaging/make_transcribe_set.py OUT_DIR [--long-minutes 10] [--only NAME...]
"""

from __future__ import annotations

import importlib.util
import json
import random
import sys
import tempfile
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent


def _align_set() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_align_set", HERE / "make_align_set.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_align_set", module)
    spec.loader.exec_module(module)
    return module


M = _align_set()
QA = [
    ("Can you say when the next convoy will cross?", 0),
    ("Not yet, but we expect news within the next few days.", 1),
    ("Has the minister accepted the invitation to Geneva?", 0),
    ("I would refer you to his office for that.", 1),
    ("Is the ceasefire holding around the hospital?", 0),
    ("So far it is, and both sides have told us they will keep to it.", 1),
]


def write(
    out_dir: Path,
    name: str,
    lines: list[tuple[str, int]],
    *,
    voices: tuple[str, ...] = ("en-us",),
    speed: int = 165,
    suffix: str = ".mp3",
    noise: int = 0,
    turn_pause_ms: int = 0,
) -> Path:
    """Speak ``lines`` (text, speaker) and write the case; return the media path."""
    rng = random.Random(len(lines))
    pcm = bytearray(M._silence(600))
    truth = []
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        previous = None
        for index, (text, speaker) in enumerate(lines):
            if previous is not None and speaker != previous and turn_pause_ms:
                pcm += M._silence(turn_pause_ms)
            piece = M._espeak(text, voices[speaker % len(voices)], speed, work / f"s{index}.wav")
            truth.append(
                {
                    "text": text,
                    "start_ms": len(pcm) * 1000 // (2 * M.RATE) + M._onset_ms(piece),
                    "speaker": speaker,
                }
            )
            pcm += piece
            pcm += M._silence(rng.choice([350, 500, 700, 900]))
            previous = speaker
        pcm += M._silence(800)
        data = bytes(pcm)
        if noise:
            data = M._noisy(data, noise, seed=len(lines))
        media = out_dir / f"{name}{suffix}"
        M._encode(data, media, work)
    (out_dir / f"{name}.script.txt").write_text(" ".join(t for t, _ in lines) + "\n", "utf-8")
    (out_dir / f"{name}.truth.json").write_text(json.dumps(truth, indent=1), "utf-8")
    return media


def make_set(out_dir: Path, *, long_minutes: int = 10, only: set[str] | None = None) -> list[str]:
    """Write every case (or those in ``only``) into ``out_dir``; return the case names."""
    out_dir.mkdir(parents=True, exist_ok=True)
    editorial = [(s, 0) for s in M.SENTENCES]
    long_lines = [(item.text, 0) for item in M._long_items(long_minutes)]
    cases = {
        "clean_us": lambda: write(out_dir, "clean_us", editorial),
        "clean_gb": lambda: write(
            out_dir, "clean_gb", editorial, voices=("en-gb",), speed=150, suffix=".opus"
        ),
        "noisy_us": lambda: write(out_dir, "noisy_us", editorial[:12], noise=900),
        "qa": lambda: write(out_dir, "qa", QA, voices=("en-us", "en-gb"), turn_pause_ms=2000),
        "long": lambda: write(out_dir, "long", long_lines),
    }
    return M.run_cases(cases, only)


def main(argv: list[str] | None = None) -> int:
    return M.command_line(__doc__.split("\n")[0], make_set, 10, argv)


if __name__ == "__main__":
    sys.exit(main())
