"""Media to 16 kHz mono int16 PCM through PyAV (FFmpeg): the only module that imports ``av``.

``decode_pcm16(path)`` decodes the first audio track of any file FFmpeg reads (mp3, opus, m4a,
wav, video files) into an ``Audio``; ``AlignError`` with a one-line reason when the file cannot
be read or has no audio track. ``should_stop`` is polled between packets. Memory: 32 KB per
second of audio (115 MB for an hour), kept as one ``bytes`` object.
"""

from __future__ import annotations

import logging
import os

import av

from player.core.align.types import (
    SAMPLE_RATE_HZ,
    AlignCancelled,
    AlignError,
    Audio,
    ProgressCallback,
    StopCheck,
)

__all__ = ["decode_pcm16", "pyav_version"]

log = logging.getLogger(__name__)


def pyav_version() -> str:
    """PyAV's version."""
    return str(av.__version__)


def _never() -> bool:
    return False


def decode_pcm16(
    path: str,
    *,
    should_stop: StopCheck = _never,
    progress: ProgressCallback | None = None,
) -> Audio:
    """The first audio track of ``path`` as 16 kHz mono signed 16-bit PCM.

    ``progress`` gets the fraction decoded (by time, when the container says its length) and
    ``should_stop`` is polled every few dozen packets.
    """
    if not os.path.isfile(path):
        reason = "file not found" if not os.path.exists(path) else "not a regular file"
        raise AlignError(reason, path=path)
    try:
        container = av.open(path, metadata_errors="ignore")
    except (av.FFmpegError, OSError, ValueError) as err:
        log.info("cannot open %s: %s", path, err)
        raise AlignError("not a media file FFmpeg can read", path=path) from None
    try:
        if not container.streams.audio:
            raise AlignError("the media has no audio track", path=path)
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE_HZ)
        length_s = (container.duration or 0) / av.time_base
        out = bytearray()
        count = 0
        try:
            for frame in container.decode(stream):
                for piece in resampler.resample(frame):
                    out += bytes(piece.planes[0])[: piece.samples * 2]
                count += 1
                if count % 50 == 0:
                    if should_stop():
                        raise AlignCancelled
                    if progress is not None and length_s > 0 and frame.time is not None:
                        progress(min(1.0, max(0.0, frame.time / length_s)))
            for piece in resampler.resample(None):
                out += bytes(piece.planes[0])[: piece.samples * 2]
        except (av.FFmpegError, ValueError) as err:
            if not out:
                log.info("cannot decode %s: %s", path, err)
                raise AlignError("the audio track cannot be decoded", path=path) from None
            log.warning("decoding %s stopped early: %s", path, err)
        return Audio(bytes(out))
    finally:
        container.close()
