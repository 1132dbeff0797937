"""Media files made inside a test: WAV with the ``wave`` module, the rest with ffmpeg.

``require_ffmpeg()`` skips a test with its reason when ffmpeg is not installed, except under
``CI=true`` where it fails: CI must make and read these files.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import wave
from pathlib import Path

import pytest

__all__ = ["make_with_ffmpeg", "require_ffmpeg", "wav_bytes", "write_wav"]


def require_ffmpeg() -> str:
    """The ffmpeg executable; skip (locally) or fail (under CI=true) without it."""
    exe = shutil.which("ffmpeg")
    if exe is not None:
        return exe
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        pytest.fail("CI=true but ffmpeg is not installed (packaging/bootstrap.sh installs it)")
    pytest.skip("ffmpeg is not installed: this media file is made with it")


def make_with_ffmpeg(path: Path, *args: str) -> Path:
    """Run ``ffmpeg -y ARGS PATH`` (skipping the test when ffmpeg is missing); returns ``path``."""
    exe = require_ffmpeg()
    subprocess.run(
        [exe, "-nostdin", "-loglevel", "error", "-y", *args, str(path)],
        check=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    return path


def wav_bytes(
    seconds: float, *, rate: int = 8000, channels: int = 1, list_chunk_first: bool = False
) -> bytes:
    """A silent 16-bit PCM WAV file; with ``list_chunk_first`` a ``LIST/INFO`` chunk (a title)
    stands between ``RIFF/WAVE`` and ``fmt `` as some editors write it."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00" * channels * round(seconds * rate))
    data = out.getvalue()
    if not list_chunk_first:
        return data
    info = b"INFOINAM" + struct.pack("<I", 6) + b"Hello\x00"
    chunk = b"LIST" + struct.pack("<I", len(info)) + info
    body = chunk + data[12:]
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


def write_wav(
    path: Path,
    seconds: float,
    *,
    rate: int = 8000,
    channels: int = 1,
    list_chunk_first: bool = False,
) -> Path:
    """Write :func:`wav_bytes` to ``path``; returns ``path``."""
    path.write_bytes(
        wav_bytes(seconds, rate=rate, channels=channels, list_chunk_first=list_chunk_first)
    )
    return path
