#!/usr/bin/env python3
"""Regenerate the bundled sample briefing (resources/sample/) and the tiny test media.

The sample is made from the text in packaging/sample_script.txt:

1. every sentence is synthesized on its own with espeak-ng (one voice per speaker) to a WAV;
2. each piece is measured in Python (``wave`` module, RMS in 5 ms windows): where the first and
   last sound is; leading and trailing silence is trimmed to a 10 ms pad;
3. the pieces are concatenated with short pauses between sentences and longer ones between
   speakers, so the position of every sentence's first sound in the final audio is known exactly;
4. the onsets are measured again on the final audio, and the WebVTT cue times come from those
   measurements (a cue starts ``CUE_LEAD_MS`` before the first sound of its sentence);
5. ffmpeg encodes ``briefing.opus`` (Opus in Ogg) and ``briefing.mp4`` (H.264 slides drawn with
   drawtext: title, current speaker, running clock; AAC audio);
6. ``briefing.vtt`` (the transcript, a sidecar for both media files) and ``briefing.timing.json``
   (the measured onsets, used by tests/core/test_sample.py) are written.

Usage::

    python packaging/make_sample.py                # resources/sample/*
    python packaging/make_sample.py --test-media   # tests/data/media/* only
    python packaging/make_sample.py --all          # both

Needs espeak-ng and ffmpeg (with libopus, libx264, libvorbis, libmp3lame) at generation time
only; the generated files are committed. Output is deterministic for a given espeak-ng and
ffmpeg build (ffmpeg runs with ``bitexact`` flags and no metadata).
"""

from __future__ import annotations

import argparse
import array
import json
import math
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPT_PATH = REPO / "packaging" / "sample_script.txt"
SAMPLE_DIR = REPO / "resources" / "sample"
TEST_MEDIA_DIR = REPO / "tests" / "data" / "media"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

STEM = "briefing"
MAX_SAMPLE_BYTES = 2 * 1024 * 1024
MAX_TEST_MEDIA_BYTES = 60 * 1024

# Analysis and layout of the audio (milliseconds unless named otherwise).
WINDOW_MS = 5
ONSET_THRESHOLD_DBFS = -50.0  # espeak-ng silence is digital zero; -50 dBFS catches soft "th"/"f"
TRIM_PAD_MS = 10
LEAD_IN_MS = 600
PAUSE_SENTENCE_MS = 450
PAUSE_SPEAKER_MS = 1000
TAIL_MS = 1200
CUE_LEAD_MS = 40  # cue shows slightly before the sound; well inside the 100 ms promise
CUE_HANG_MS = 300  # cue stays this long after the last sound (never past the next cue)
CAPTION_LINE_CHARS = 42

BITEXACT = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"]


class GenerationError(Exception):
    """Something needed for generation is missing or wrong; the message says what and where."""


@dataclass(frozen=True)
class Voice:
    """How one speaker is synthesized and labelled."""

    name: str
    role: str
    espeak_voice: str
    words_per_minute: int
    pitch: int


@dataclass(frozen=True)
class Sentence:
    """One line of the script: becomes one cue."""

    speaker: str
    text: str
    turn: int
    line: int
    chapter: str = ""  # the title of a chapter that starts with this sentence


@dataclass(frozen=True)
class Script:
    """The parsed script file."""

    title: str
    subtitle: str
    voices: dict[str, Voice]
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Placed:
    """A sentence placed in the final audio, with measured and derived times in ms."""

    sentence: Sentence
    cue_id: str
    onset_ms: int
    sound_end_ms: int
    start_ms: int
    end_ms: int


# ---------------------------------------------------------------------------------------------
# Script


def parse_script(path: Path) -> Script:
    """Read the script format described at the top of packaging/sample_script.txt."""
    title = subtitle = ""
    voices: dict[str, Voice] = {}
    sentences: list[Sentence] = []
    speaker: str | None = None
    turn = -1
    chapter = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path}, line {number}"
        if line.startswith("title:"):
            title = line.partition(":")[2].strip()
        elif line.startswith("subtitle:"):
            subtitle = line.partition(":")[2].strip()
        elif line.startswith("voice:"):
            fields = [f.strip() for f in line.partition(":")[2].split("|")]
            if len(fields) != 5:
                raise GenerationError(f"{where}: voice needs 5 fields separated by '|'")
            name, role, espeak_voice, wpm, pitch = fields
            voices[name] = Voice(name, role, espeak_voice, int(wpm), int(pitch))
        elif line.startswith("chapter:"):
            chapter = line.partition(":")[2].strip()
            if not chapter:
                raise GenerationError(f"{where}: chapter: needs a title")
        elif line.startswith(">"):
            speaker = line[1:].strip()
            if speaker not in voices:
                raise GenerationError(f"{where}: speaker {speaker!r} has no voice: line")
            turn += 1
        else:
            if speaker is None:
                raise GenerationError(f"{where}: sentence before the first '> Speaker' line")
            sentences.append(Sentence(speaker, line, turn, number, chapter))
            chapter = ""
    if not title or not sentences:
        raise GenerationError(f"{path}: needs a title: line and at least one sentence")
    return Script(title, subtitle, voices, tuple(sentences))


# ---------------------------------------------------------------------------------------------
# Audio analysis (pure Python, 16-bit mono PCM)


def read_wav(path: Path) -> tuple[array.array[int], int]:
    """Samples (int16, mono) and sample rate of a WAV file."""
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
            raise GenerationError(f"{path}: expected 16-bit mono WAV")
        rate = wav.getframerate()
        samples = array.array("h", wav.readframes(wav.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples, rate


def write_wav(path: Path, samples: array.array[int], rate: int) -> None:
    """Write 16-bit mono PCM."""
    data = array.array("h", samples)
    if sys.byteorder == "big":
        data.byteswap()
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(data.tobytes())


def window_rms(samples: Sequence[int], rate: int, window_ms: int = WINDOW_MS) -> list[float]:
    """RMS of consecutive windows of ``window_ms`` (the last one may be shorter)."""
    size = max(1, rate * window_ms // 1000)
    out = []
    for i in range(0, len(samples), size):
        chunk = samples[i : i + size]
        out.append(math.sqrt(sum(s * s for s in chunk) / len(chunk)))
    return out


def sound_bounds(
    samples: Sequence[int], rate: int, threshold_dbfs: float = ONSET_THRESHOLD_DBFS
) -> tuple[int, int] | None:
    """(first, last+1) sample index of sound above ``threshold_dbfs``, or None if silent.

    The onset is refined to the first sample inside the first loud window whose magnitude
    exceeds the threshold, so it is exact to a sample rather than to a window.
    """
    level = 32768.0 * 10 ** (threshold_dbfs / 20)
    size = max(1, rate * WINDOW_MS // 1000)
    rms = window_rms(samples, rate)
    loud = [i for i, r in enumerate(rms) if r > level]
    if not loud:
        return None
    first_window, last_window = loud[0], loud[-1]
    start = first_window * size
    for i in range(max(0, start - size), min(len(samples), start + size)):
        if abs(samples[i]) > level:
            start = i
            break
    end = min(len(samples), (last_window + 1) * size)
    return start, end


def samples_to_ms(n: int, rate: int) -> int:
    """Sample index -> integer milliseconds (rounded)."""
    return round(n * 1000 / rate)


# ---------------------------------------------------------------------------------------------
# Tools


def require_tools(*names: str) -> None:
    """Fail with one clear message when a generation tool is missing."""
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        raise GenerationError(
            "missing tool(s): "
            + ", ".join(missing)
            + " (on Debian/Ubuntu: sudo apt-get install espeak-ng ffmpeg)"
        )


def run(cmd: list[str]) -> None:
    """Run a tool; on failure raise with its stderr."""
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise GenerationError(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.strip()[-800:]}")


def ffmpeg(*args: str) -> None:
    """Run ffmpeg quietly, overwriting outputs."""
    run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args])


# ---------------------------------------------------------------------------------------------
# Sample briefing


def synthesize(sentence: Sentence, voice: Voice, out: Path) -> tuple[array.array[int], int]:
    """espeak-ng one sentence to ``out``; return its trimmed samples (with a small pad) and rate."""
    run(
        [
            "espeak-ng",
            "-v",
            voice.espeak_voice,
            "-s",
            str(voice.words_per_minute),
            "-p",
            str(voice.pitch),
            "-w",
            str(out),
            sentence.text,
        ]
    )
    samples, rate = read_wav(out)
    bounds = sound_bounds(samples, rate)
    if bounds is None:
        raise GenerationError(f"{SCRIPT_PATH}, line {sentence.line}: espeak-ng produced silence")
    pad = rate * TRIM_PAD_MS // 1000
    start, end = bounds
    return samples[max(0, start - pad) : min(len(samples), end + pad)], rate


def assemble(
    script: Script, work: Path
) -> tuple[array.array[int], int, list[tuple[Sentence, int, int]]]:
    """Concatenate the sentences; return audio, rate and (sentence, first, last) sample ranges."""
    audio: array.array[int] = array.array("h")
    rate: int | None = None
    ranges: list[tuple[Sentence, int, int]] = []
    previous_turn: int | None = None
    for index, sentence in enumerate(script.sentences):
        piece, piece_rate = synthesize(
            sentence, script.voices[sentence.speaker], work / f"s{index:02d}.wav"
        )
        if rate is None:
            rate = piece_rate
            audio.extend([0] * (rate * LEAD_IN_MS // 1000))
        elif piece_rate != rate:
            raise GenerationError(f"espeak-ng changed sample rate ({piece_rate} != {rate})")
        else:
            gap_ms = PAUSE_SENTENCE_MS if sentence.turn == previous_turn else PAUSE_SPEAKER_MS
            audio.extend([0] * (rate * gap_ms // 1000))
        ranges.append((sentence, len(audio), len(audio) + len(piece)))
        audio.extend(piece)
        previous_turn = sentence.turn
    assert rate is not None
    audio.extend([0] * (rate * TAIL_MS // 1000))
    return audio, rate, ranges


def place(
    audio: array.array[int], rate: int, ranges: list[tuple[Sentence, int, int]]
) -> list[Placed]:
    """Measure every sentence again in the final audio and derive its cue times."""
    measured: list[tuple[Sentence, int, int]] = []
    for sentence, first, last in ranges:
        bounds = sound_bounds(audio[first:last], rate)
        assert bounds is not None
        measured.append(
            (
                sentence,
                samples_to_ms(first + bounds[0], rate),
                samples_to_ms(first + bounds[1], rate),
            )
        )
    total_ms = samples_to_ms(len(audio), rate)
    placed: list[Placed] = []
    for i, (sentence, onset_ms, sound_end_ms) in enumerate(measured):
        start_ms = max(0, onset_ms - CUE_LEAD_MS)
        next_start_ms = measured[i + 1][1] - CUE_LEAD_MS if i + 1 < len(measured) else total_ms
        end_ms = min(sound_end_ms + CUE_HANG_MS, next_start_ms)
        placed.append(Placed(sentence, f"c{i + 1:02d}", onset_ms, sound_end_ms, start_ms, end_ms))
    return placed


def vtt_timestamp(ms: int) -> str:
    """Milliseconds -> WebVTT ``HH:MM:SS.mmm``."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def wrap(text: str, width: int = CAPTION_LINE_CHARS) -> list[str]:
    """Word-wrap a sentence into as few caption lines of at most ``width`` as possible, balanced.

    A word longer than ``width`` gets a line of its own rather than being split.
    """
    words = text.split()

    def greedy(limit: int) -> list[str]:
        lines: list[str] = []
        for word in words:
            if lines and len(lines[-1]) + 1 + len(word) <= limit:
                lines[-1] += " " + word
            else:
                lines.append(word)
        return lines

    fewest = len(greedy(width))
    limit = max([math.ceil(len(text) / fewest), *(len(w) for w in words)])
    while len(greedy(limit)) > fewest:
        limit += 1
    return greedy(limit)


def vtt_escape(text: str) -> str:
    """Escape the characters WebVTT cue text reserves."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_vtt(path: Path, script: Script, placed: list[Placed]) -> None:
    """The transcript: header, NOTE, one cue per sentence with an id and a ``<v>`` span."""
    out = [
        "WEBVTT",
        "Kind: captions",
        "Language: en",
        "",
        "NOTE",
        "Generated by packaging/make_sample.py from packaging/sample_script.txt.",
        "Fictional briefing, synthetic speech (espeak-ng). Do not edit: regenerate.",
        "",
    ]
    for p in placed:
        lines = [vtt_escape(line) for line in wrap(p.sentence.text)]
        lines[0] = f"<v {p.sentence.speaker}>{lines[0]}"
        out += [
            p.cue_id,
            f"{vtt_timestamp(p.start_ms)} --> {vtt_timestamp(p.end_ms)}",
            *lines,
            "",
        ]
    path.write_text("\n".join(out), encoding="utf-8", newline="\n")


def write_chapters(path: Path, chapters: list[tuple[str, int]], total_ms: int) -> None:
    """The chapters sidecar: one cue per chapter, from its first sentence to the next chapter."""
    if not chapters:
        path.unlink(missing_ok=True)
        return
    out = [
        "WEBVTT",
        "Kind: chapters",
        "Language: en",
        "",
        "NOTE",
        "Generated by packaging/make_sample.py from the chapter: lines of",
        "packaging/sample_script.txt. Do not edit: regenerate.",
        "",
    ]
    starts = [start for _, start in chapters]
    for number, (title, start) in enumerate(chapters, start=1):
        end = starts[number] if number < len(chapters) else total_ms
        out += [f"ch{number}", f"{vtt_timestamp(start)} --> {vtt_timestamp(end)}", title, ""]
    path.write_text("\n".join(out), encoding="utf-8")


def chapter_starts(script: Script, start_ms_by_line: dict[int, int]) -> list[tuple[str, int]]:
    """(title, start ms) of each chapter; the first one starts at 0."""
    chapters = [(s.chapter, start_ms_by_line[s.line]) for s in script.sentences if s.chapter]
    if chapters:
        chapters[0] = (chapters[0][0], 0)
    return chapters


def make_chapters(out_dir: Path) -> Path:
    """Write the chapters sidecar from the script and the committed timing manifest (no audio
    tools needed: the cue times come from ``briefing.timing.json``)."""
    script = parse_script(SCRIPT_PATH)
    manifest = out_dir / f"{STEM}.timing.json"
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    timed = doc["sentences"]
    if len(timed) != len(script.sentences):
        raise GenerationError(f"{manifest}: made from another script: regenerate everything")
    starts = {s.line: int(t["start_ms"]) for s, t in zip(script.sentences, timed, strict=True)}
    out = out_dir / f"{STEM}.chapters.vtt"
    write_chapters(out, chapter_starts(script, starts), int(doc["duration_ms"]))
    return out


def write_timing(path: Path, rate: int, total_ms: int, placed: list[Placed]) -> None:
    """Measured onsets for the tests (and for anyone checking the cue times)."""
    doc = {
        "generator": "packaging/make_sample.py",
        "analysis": {
            "source": "final concatenated 16-bit PCM before encoding",
            "sample_rate_hz": rate,
            "window_ms": WINDOW_MS,
            "threshold_dbfs": ONSET_THRESHOLD_DBFS,
            "cue_lead_ms": CUE_LEAD_MS,
        },
        "duration_ms": total_ms,
        "sentences": [
            {
                "id": p.cue_id,
                "speaker": p.sentence.speaker,
                "text": p.sentence.text,
                "onset_ms": p.onset_ms,
                "sound_end_ms": p.sound_end_ms,
                "start_ms": p.start_ms,
                "end_ms": p.end_ms,
            }
            for p in placed
        ],
    }
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def speaker_turns(placed: list[Placed], total_ms: int) -> list[tuple[str, int, int]]:
    """(speaker, from_ms, to_ms) for the video: a speaker stays on screen until the next one."""
    turns: list[tuple[str, int, int]] = []
    for p in placed:
        if not turns or turns[-1][0] != p.sentence.speaker:
            if turns:
                name, begin, _ = turns[-1]
                turns[-1] = (name, begin, p.start_ms)
            turns.append((p.sentence.speaker, 0 if not turns else p.start_ms, total_ms))
    return turns


def encode_opus(wav: Path, out: Path) -> None:
    """Opus in Ogg, mono, 24 kbit/s."""
    ffmpeg(
        "-i", str(wav), *BITEXACT, "-map_metadata", "-1",
        "-c:a", "libopus", "-b:a", "24k", "-ac", "1", "-ar", "48000", str(out),
    )  # fmt: skip


def encode_mp4(
    wav: Path, out: Path, script: Script, placed: list[Placed], total_ms: int, work: Path
) -> None:
    """H.264 slides (title, speaker, clock) at 640x360, 10 fps, with AAC audio."""
    sans = FONT_DIR / "DejaVuSans.ttf"
    bold = FONT_DIR / "DejaVuSans-Bold.ttf"
    mono = FONT_DIR / "DejaVuSansMono.ttf"
    for font in (sans, bold, mono):
        if not font.exists():
            raise GenerationError(
                f"font missing: {font} (Debian: apt-get install fonts-dejavu-core)"
            )

    def text_file(name: str, content: str) -> str:
        # textfile= avoids escaping the text for the filtergraph; the work dir has a plain path.
        path = work / f"{name}.txt"
        path.write_text(content, encoding="utf-8")
        return str(path)

    colours = ["0x2a9d8f", "0xe76f51", "0xe9c46a", "0x8ab17d"]
    speakers = list(script.voices)
    filters = [
        "drawbox=x=0:y=0:w=iw:h=78:color=0x0b1622:t=fill",
        f"drawtext=fontfile={bold}:textfile={text_file('title', script.title)}"
        ":fontsize=28:fontcolor=white:x=24:y=14",
        f"drawtext=fontfile={sans}:textfile={text_file('subtitle', script.subtitle)}"
        ":fontsize=18:fontcolor=0xb8c7d6:x=24:y=48",
        f"drawtext=fontfile={sans}:textfile={text_file('now', 'Now speaking')}"
        ":fontsize=18:fontcolor=0xb8c7d6:x=48:y=130",
    ]
    for n, (name, begin_ms, end_ms) in enumerate(speaker_turns(placed, total_ms)):
        voice = script.voices[name]
        colour = colours[speakers.index(name) % len(colours)]
        enable = f"enable='between(t,{begin_ms / 1000:.3f},{end_ms / 1000:.3f})'"
        filters += [
            f"drawbox=x=24:y=124:w=10:h=110:color={colour}:t=fill:{enable}",
            f"drawtext=fontfile={bold}:textfile={text_file(f'name{n}', name)}"
            f":fontsize=40:fontcolor=white:x=48:y=158:{enable}",
            f"drawtext=fontfile={sans}:textfile={text_file(f'role{n}', voice.role)}"
            f":fontsize=22:fontcolor={colour}:x=48:y=210:{enable}",
        ]
    clock = "%{eif:floor(t/60):d:2}:%{eif:mod(floor(t),60):d:2}"
    total = f"{total_ms // 60000:02d}:{total_ms // 1000 % 60:02d}"
    filters += [
        f"drawtext=fontfile={mono}:textfile={text_file('clock', f'{clock} / {total}')}"
        ":fontsize=24:fontcolor=white:x=w-tw-24:y=h-th-22",
        f"drawtext=fontfile={sans}:textfile="
        f"{text_file('footer', 'Fictional sample · synthetic speech (espeak-ng)')}"
        ":fontsize=14:fontcolor=0x8fa3b8:x=24:y=h-th-26",
    ]
    duration = f"{total_ms / 1000:.3f}"
    ffmpeg(
        "-f", "lavfi", "-i", f"color=c=0x12263a:s=640x360:r=10:d={duration}",
        "-i", str(wav),
        *BITEXACT, "-map_metadata", "-1",
        "-filter_complex", f"[0:v]{','.join(filters)},format=yuv420p[v]",
        "-map", "[v]", "-map", "1:a",
        "-c:v", "libx264", "-preset", "slow", "-tune", "stillimage", "-crf", "30",
        "-profile:v", "main", "-g", "50", "-threads", "1",
        "-c:a", "aac", "-b:a", "32k", "-ac", "1",
        "-movflags", "+faststart", "-shortest", str(out),
    )  # fmt: skip


def make_sample(out_dir: Path) -> list[Path]:
    """Build resources/sample/* from the script; return the files written."""
    require_tools("espeak-ng", "ffmpeg")
    script = parse_script(SCRIPT_PATH)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="make_sample_") as tmp:
        work = Path(tmp)
        audio, rate, ranges = assemble(script, work)
        placed = place(audio, rate, ranges)
        total_ms = samples_to_ms(len(audio), rate)
        wav = work / f"{STEM}.wav"
        write_wav(wav, audio, rate)
        outputs = [out_dir / f"{STEM}{ext}" for ext in (".opus", ".mp4", ".vtt", ".timing.json")]
        encode_opus(wav, outputs[0])
        encode_mp4(wav, outputs[1], script, placed, total_ms, work)
    write_vtt(outputs[2], script, placed)
    write_timing(outputs[3], rate, total_ms, placed)
    chapters_path = out_dir / f"{STEM}.chapters.vtt"
    starts = {p.sentence.line: p.start_ms for p in placed}
    write_chapters(chapters_path, chapter_starts(script, starts), total_ms)
    outputs.append(chapters_path)
    print(
        f"sample: {len(placed)} cues, {len(script.voices)} speakers, "
        f"{total_ms / 1000:.2f} s of audio"
    )
    return outputs


# ---------------------------------------------------------------------------------------------
# Test media


def make_test_media(out_dir: Path) -> list[Path]:
    """Tiny media for the playback contract tests (each well under 60 KB)."""
    require_tools("ffmpeg")
    out_dir.mkdir(parents=True, exist_ok=True)
    tone = "sine=frequency=440:sample_rate=44100:duration=3"
    common = [*BITEXACT, "-map_metadata", "-1"]
    made = {
        "tone.ogg": ["-f", "lavfi", "-i", tone, *common,
                     "-c:a", "libvorbis", "-q:a", "0", "-ac", "1"],
        "tone.mp3": ["-f", "lavfi", "-i", tone, *common,
                     "-c:a", "libmp3lame", "-b:a", "32k", "-ac", "1", "-write_xing", "1"],
        "tiny.mp4": ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=3",
                     "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=44100:duration=3",
                     *common, "-c:v", "libx264", "-preset", "slow", "-crf", "34",
                     "-pix_fmt", "yuv420p", "-g", "10", "-threads", "1",
                     "-c:a", "aac", "-b:a", "24k", "-ac", "1",
                     "-movflags", "+faststart", "-shortest"],
        "tiny_video_only.mp4": ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=2",
                                *common, "-c:v", "libx264", "-preset", "slow", "-crf", "34",
                                "-pix_fmt", "yuv420p", "-g", "10", "-threads", "1", "-an",
                                "-movflags", "+faststart"],
    }  # fmt: skip
    outputs = []
    for name, args in made.items():
        path = out_dir / name
        ffmpeg(*args, str(path))
        size = path.stat().st_size
        if size > MAX_TEST_MEDIA_BYTES:
            raise GenerationError(f"{path}: {size} bytes, over the {MAX_TEST_MEDIA_BYTES} limit")
        outputs.append(path)
    return outputs


# ---------------------------------------------------------------------------------------------


def report(paths: list[Path], limit: int, label: str) -> None:
    """Print each file with its size, and the total against ``limit``."""
    total = 0
    for path in paths:
        size = path.stat().st_size
        total += size
        print(f"  {path.relative_to(REPO)}  {size / 1024:8.1f} KiB")
    print(f"  {label} total {total / 1024:.1f} KiB (limit {limit / 1024:.0f} KiB)")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--test-media", action="store_true", help="make tests/data/media/* only")
    group.add_argument("--all", action="store_true", help="make the sample and the test media")
    group.add_argument(
        "--chapters-only",
        action="store_true",
        help="rewrite only the sample's chapters file (from the script and the timing manifest)",
    )
    args = parser.parse_args(argv)
    try:
        if args.chapters_only:
            print(f"wrote {make_chapters(SAMPLE_DIR)}")
            return 0
        if not args.test_media:
            sample = make_sample(SAMPLE_DIR)
            everything = sorted(p for p in SAMPLE_DIR.iterdir() if p.is_file())
            report(everything, MAX_SAMPLE_BYTES, "resources/sample")
            if sum(p.stat().st_size for p in everything) > MAX_SAMPLE_BYTES:
                raise GenerationError("resources/sample is over 2 MB: lower the bitrates")
            del sample
        if args.test_media or args.all:
            report(make_test_media(TEST_MEDIA_DIR), MAX_TEST_MEDIA_BYTES * 4, "test media")
    except GenerationError as err:
        print(f"make_sample: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
