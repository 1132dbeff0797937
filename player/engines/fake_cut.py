"""A clip cutter for tests, without FFmpeg: cuts PCM WAV files to the sample with ``wave``.

It keeps the contract of :func:`player.engines.media_cut.cut_clip` (checked by
``tests/engines/test_media_cut_contract.py``): the same errors for a missing file, a bad range
or a Cancel, the same private atomic write, progress up to 1. Tags are not written (WAV's
``wave`` module has none); any other format is refused with a ``ClipError``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import wave
from collections.abc import Mapping
from pathlib import Path

from player.core.clip import ClipCancelled, ClipError, ClipProgress, ClipResult, ClipStop
from player.core.timeline.marks import RangeError, check_range

__all__ = ["fake_cut_clip"]

_CHUNK_FRAMES = 4096


def _never() -> bool:
    return False


def fake_cut_clip(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    start_ms: int,
    end_ms: int,
    *,
    tags: Mapping[str, str] | None = None,
    should_stop: ClipStop = _never,
    progress: ClipProgress | None = None,
) -> ClipResult:
    """Cut a WAV file between ``start_ms`` and ``end_ms`` into ``target`` (a .wav)."""
    del tags  # WAV through ``wave`` carries none
    src, dst = Path(source), Path(target)
    if not src.is_file():
        reason = "file not found" if not src.exists() else "not a regular file"
        raise ClipError(reason, path=str(src))
    if dst.suffix.lower() != ".wav":
        raise ClipError(f"the fake cutter writes .wav only, not {dst.suffix or 'no suffix'}")
    try:
        reader = wave.open(str(src), "rb")  # noqa: SIM115 - closed by the with below
    except (wave.Error, EOFError) as err:
        raise ClipError(f"not a WAV file: {err}", path=str(src)) from None
    with reader:
        rate = reader.getframerate()
        length_ms = reader.getnframes() * 1000 // rate
        try:
            span = check_range(start_ms, end_ms, length_ms)
        except RangeError as err:
            raise ClipError(str(err), path=str(src)) from None
        first, last = span.start_ms * rate // 1000, span.end_ms * rate // 1000
        fd, temp = tempfile.mkstemp(prefix=f".{dst.stem}.", suffix=".part.wav", dir=dst.parent)
        os.close(fd)
        done = False
        try:
            with wave.open(temp, "wb") as writer:
                writer.setparams(reader.getparams())
                reader.setpos(first)
                at = first
                while at < last:
                    if should_stop():
                        raise ClipCancelled()
                    count = min(_CHUNK_FRAMES, last - at)
                    writer.writeframes(reader.readframes(count))
                    at += count
                    if progress is not None:
                        progress((at - first) / max(1, last - first))
            os.chmod(temp, 0o600)
            os.replace(temp, dst)
            done = True
        finally:
            if not done:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
    return ClipResult(str(dst), (last - first) * 1000 // rate, copied=False)
