#!/usr/bin/env python3
"""Make the alignment test and benchmark set: speech with known sentence starts (espeak-ng).

Each sentence is spoken by espeak-ng into its own WAV; the WAVs are joined with pauses at 16 kHz
mono, and the start of each sentence is where its speech begins (the first 10 ms frame above a
fixed level), so the truth is exact to 10 ms. ffmpeg encodes mp3 and opus copies.

Cases (``make_set``): four voices (en-us, en-gb, a fast en-us+f3 at 230 words a minute, a slow
en-gb+m3 at 120), mp3 and opus, an official-transcript layout (header, speaker labels, stage
directions, footer), a text that misses one spoken sentence and contains one unspoken one, a
noisy recording, and a long briefing (repeated, varied sentences; 30 minutes by default). Each
case is ``NAME.mp3``/``NAME.opus``, ``NAME.txt`` and ``NAME.truth.json`` (``[{"text": sentence
as written, "start_ms": n}]`` for every sentence both spoken and in the text). Needs espeak-ng
and ffmpeg on PATH.

    python packaging/make_align_set.py OUTDIR [--long-minutes 30] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import wave
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

RATE = 16_000

SENTENCES = [
    "Good afternoon, everyone, and thank you for coming.",
    "The Secretary met Ambassador DeLaurentis on Tuesday to discuss the convoy.",
    "We have pledged $2.5 billion in humanitarian aid this year.",
    "That is 8% more than the United States gave in 2019.",
    "The U.N. team reached the border crossing at 10:30 in the morning.",
    "Dr. Patel will brief you on the health situation in a moment.",
    "More than 2,500 families have now returned to their homes.",
    "The 3rd convoy is expected to leave on Friday, weather permitting.",
    "We remain deeply concerned about the attacks on civilians.",
    "Our partners in the European Union share that concern.",
    "I want to be very clear about one thing.",
    "Nobody should be forced to choose between food and safety.",
    "The talks in Geneva will resume next week.",
    "Both delegations have agreed to a short ceasefire around the hospital.",
    "We will keep pressing for full and unhindered access.",
    "Ms. Kovac has also spoken with the foreign minister by phone.",
    "They discussed the reconstruction of schools and clinics.",
    "The first shipment of medicine arrived last night.",
    "Another 40 trucks are waiting at the warehouse.",
    "The situation remains fragile, but it is improving.",
]
QUESTIONS = [
    ("Q", "Can you say when the next convoy will cross?"),
    ("MS. KOVAC", "Not yet, but we expect news within the next few days."),
    ("Q", "Has the minister accepted the invitation to Geneva?"),
    ("MS. KOVAC", "I would refer you to his office for that."),
]
UNSPOKEN = "This sentence appears in the published text but was never read aloud."
MISSING_INDEX = 6
NAMES = ["Kovac", "Patel", "Moreno", "Okafor", "Lindqvist", "Haddad"]
PLACES = ["Geneva", "Nairobi", "Amman", "Vienna", "Bangkok", "Panama"]


@dataclass
class Spoken:
    """A sentence to speak and how it appears in the text."""

    text: str
    label: str | None = None
    in_text: bool = True
    spoken: bool = True


def _espeak(text: str, voice: str, speed: int, out: Path) -> bytes:
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(out), text],
        check=True,
        capture_output=True,
    )
    converted = out.with_suffix(".16k.wav")
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(out),
            "-ac",
            "1",
            "-ar",
            str(RATE),
            "-sample_fmt",
            "s16",
            str(converted),
        ],
        check=True,
    )
    with wave.open(str(converted)) as handle:
        return handle.readframes(handle.getnframes())


def _onset_ms(pcm: bytes) -> int:
    frame = RATE // 100
    count = len(pcm) // 2
    values = struct.unpack(f"<{count}h", pcm[: count * 2])
    for index in range(0, count - frame, frame):
        if max(abs(v) for v in values[index : index + frame]) > 600:
            return index * 1000 // RATE
    return 0


def _silence(ms: int) -> bytes:
    return b"\x00\x00" * (RATE * ms // 1000)


def _noisy(pcm: bytes, level: int, seed: int) -> bytes:
    rng = random.Random(seed)
    count = len(pcm) // 2
    values = struct.unpack(f"<{count}h", pcm)
    mixed = [max(-32768, min(32767, v + int(rng.gauss(0, level)))) for v in values]
    return struct.pack(f"<{count}h", *mixed)


def speak(
    items: list[Spoken], voice: str, speed: int, work: Path, seed: int = 1
) -> tuple[bytes, list[int | None]]:
    """The joined 16 kHz PCM and each item's speech start (None when not spoken)."""
    rng = random.Random(seed)
    pcm = bytearray(_silence(600))
    starts: list[int | None] = []
    for index, item in enumerate(items):
        if not item.spoken:
            starts.append(None)
            continue
        piece = _espeak(item.text, voice, speed, work / f"s{index}.wav")
        starts.append(len(pcm) * 1000 // (2 * RATE) + _onset_ms(piece))
        pcm += piece
        pcm += _silence(rng.choice([350, 500, 700, 900]))
    pcm += _silence(800)
    return bytes(pcm), starts


def _encode(pcm: bytes, out: Path, work: Path) -> None:
    raw = work / "joined.wav"
    with wave.open(str(raw), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes(pcm)
    codec = ["-c:a", "libopus", "-b:a", "32k"] if out.suffix == ".opus" else ["-b:a", "64k"]
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(raw), *codec, str(out)], check=True
    )


def _text(items: list[Spoken], header: list[str], footer: list[str]) -> str:
    paragraphs = list(header)
    for item in items:
        if not item.in_text:
            continue
        paragraphs.append(f"{item.label}: {item.text}" if item.label else item.text)
    paragraphs.extend(footer)
    return "\n\n".join(paragraphs) + "\n"


def write_case(
    out_dir: Path,
    name: str,
    items: list[Spoken],
    *,
    voice: str = "en-us",
    speed: int = 165,
    suffix: str = ".mp3",
    header: list[str] | None = None,
    footer: list[str] | None = None,
    noise: int = 0,
) -> Path:
    """Write ``NAME`` + suffix, ``NAME.txt`` and ``NAME.truth.json``; return the media path."""
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        pcm, starts = speak(items, voice, speed, work)
        if noise:
            pcm = _noisy(pcm, noise, seed=len(items))
        media = out_dir / f"{name}{suffix}"
        _encode(pcm, media, work)
    (out_dir / f"{name}.txt").write_text(_text(items, header or [], footer or []), "utf-8")
    truth = [
        {"text": item.text, "start_ms": start}
        for item, start in zip(items, starts, strict=True)
        if item.in_text and start is not None
    ]
    (out_dir / f"{name}.truth.json").write_text(json.dumps(truth, indent=1), "utf-8")
    return media


def _long_items(minutes: int) -> list[Spoken]:
    rng = random.Random(7)
    items: list[Spoken] = []
    total_s = 0.0
    while total_s < minutes * 60:
        sentence = rng.choice(SENTENCES)
        for pool in (NAMES, PLACES):
            for word in pool:
                if word in sentence:
                    sentence = sentence.replace(word, rng.choice(pool))
        label = "MS. KOVAC" if rng.random() < 0.1 else None
        items.append(Spoken(sentence, label))
        total_s += (len(sentence) / 13 + 0.6) * 0.87  # measured: espeak-ng at 165 wpm, pauses
    return items


def make_set(out_dir: Path, *, long_minutes: int = 30, only: set[str] | None = None) -> list[str]:
    """Write every case (or those in ``only``) into ``out_dir``; return the case names."""
    out_dir.mkdir(parents=True, exist_ok=True)
    plain = [Spoken(s) for s in SENTENCES[:12]]
    official = [Spoken(SENTENCES[0], "MS. KOVAC"), *[Spoken(s) for s in SENTENCES[1:6]]]
    official.insert(3, Spoken("(Laughter.)", spoken=False))
    official += [Spoken(text, label) for label, text in QUESTIONS]
    differing = [Spoken(s) for s in SENTENCES[:12]]
    differing[MISSING_INDEX].in_text = False
    differing.insert(9, Spoken(UNSPOKEN, spoken=False))
    cases = {
        "verbatim_us_mp3": lambda: write_case(out_dir, "verbatim_us_mp3", plain),
        "verbatim_gb_opus": lambda: write_case(
            out_dir, "verbatim_gb_opus", plain, voice="en-gb", speed=150, suffix=".opus"
        ),
        "official_layout": lambda: write_case(
            out_dir,
            "official_layout",
            official,
            header=[
                "U.S. DEPARTMENT OF STATE",
                "Office of the Spokesperson",
                "PRESS BRIEFING",
                "Washington, D.C.",
                "1:02 p.m. EDT",
            ],
            footer=["(The briefing was concluded at 1:41 p.m.)", "# # #"],
        ),
        "differing_text": lambda: write_case(out_dir, "differing_text", differing),
        "noisy": lambda: write_case(out_dir, "noisy", plain[:8], noise=900),
        "fast_voice": lambda: write_case(
            out_dir, "fast_voice", [Spoken(s) for s in SENTENCES[8:]], voice="en-us+f3", speed=230
        ),
        "slow_voice": lambda: write_case(
            out_dir,
            "slow_voice",
            [Spoken(s) for s in SENTENCES[8:]],
            voice="en-gb+m3",
            speed=120,
            suffix=".opus",
        ),
        "long": lambda: write_case(out_dir, "long", _long_items(long_minutes)),
    }
    return run_cases(cases, only)


def run_cases(cases: Mapping[str, Callable[[], object]], only: set[str] | None) -> list[str]:
    """Make the cases named in ``only`` (all when empty), in table order; their names."""
    made = []
    for name, make in cases.items():
        if only and name not in only:
            continue
        make()
        made.append(name)
    return made


def command_line(
    description: str,
    make: Callable[..., list[str]],
    long_minutes: int,
    argv: list[str] | None,
) -> int:
    """``OUT_DIR [--long-minutes N] [--only CASE...]``: check the tools, make the set."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--long-minutes", type=int, default=long_minutes)
    parser.add_argument("--only", nargs="*", help="case names to make")
    args = parser.parse_args(argv)
    for tool in ("espeak-ng", "ffmpeg"):
        if shutil.which(tool) is None:
            print(f"error: {tool} is needed (apt-get install {tool})", file=sys.stderr)
            return 2
    made = make(args.out_dir, long_minutes=args.long_minutes, only=set(args.only or ()))
    print("made:", ", ".join(made))
    return 0


def main(argv: list[str] | None = None) -> int:
    return command_line(__doc__.split("\n")[0], make_set, 30, argv)


if __name__ == "__main__":
    sys.exit(main())
