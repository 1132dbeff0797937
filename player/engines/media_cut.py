"""Cutting a clip out of a media file through PyAV (FFmpeg); with ``audio_decode``, the only
modules that import ``av``.

``cut_clip(source, target, start_ms, end_ms)`` writes the media between the two times to
``target`` (its container chosen by the suffix), privately (0600) and atomically (a temporary
file beside it, renamed at the end; nothing is left behind on an error or a Cancel):

* audio whose codec the target container carries (MP3 to .mp3, Opus to .opus/.ogg, AAC to
  .m4a, Vorbis to .ogg) is **copied** packet by packet, without decoding: each packet lasts
  20-26 ms and a packet belongs to the clip when its middle lies in the range, so the clip's
  ends are within half a packet (about 13 ms) of the times asked for;
* anything else is **re-encoded**: audio cut to the sample (PCM for .wav, MP3, Opus, AAC or
  FLAC for their suffixes), video cut to the frame (H.264 in .mp4/.mov/.mkv, the first frame
  at or after the start) with its audio cut to the sample (AAC; Opus in .mkv/.webm).

Tags (title, comment, date) are written into the clip. ``progress`` gets the fraction of the
range done; ``should_stop`` is polled between packets (``ClipCancelled``). Errors are
``ClipError`` with a one-line reason.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterator, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from player.core.clip import ClipCancelled, ClipError, ClipProgress, ClipResult, ClipStop
from player.core.timeline.marks import RangeError, check_range

__all__ = ["CLIP_SUFFIXES", "cut_clip"]

log = logging.getLogger(__name__)

# suffix -> (FFmpeg muxer, audio codec when re-encoding, audio codecs copied as they are)
_AUDIO_TARGETS: dict[str, tuple[str, str, frozenset[str]]] = {
    ".mp3": ("mp3", "libmp3lame", frozenset({"mp3", "mp3float"})),
    ".opus": ("ogg", "libopus", frozenset({"opus"})),
    ".ogg": ("ogg", "libopus", frozenset({"opus", "vorbis"})),
    ".m4a": ("ipod", "aac", frozenset({"aac"})),
    ".wav": ("wav", "pcm_s16le", frozenset()),
    ".flac": ("flac", "flac", frozenset()),
}
# suffix -> (muxer, video codec, audio codec)
_VIDEO_TARGETS: dict[str, tuple[str, str, str]] = {
    ".mp4": ("mp4", "libx264", "aac"),
    ".m4v": ("mp4", "libx264", "aac"),
    ".mov": ("mov", "libx264", "aac"),
    ".mkv": ("matroska", "libx264", "libopus"),
}
CLIP_SUFFIXES = frozenset(_AUDIO_TARGETS) | frozenset(_VIDEO_TARGETS)
"""The file suffixes a clip can be written as."""

_OPUS_RATES = (48_000, 24_000, 16_000, 12_000, 8_000)
_MP3_RATES = (44_100, 48_000, 32_000, 22_050, 24_000, 16_000)


def _never() -> bool:
    return False


def cut_clip(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    start_ms: int,
    end_ms: int,
    *,
    tags: Mapping[str, str] | None = None,
    should_stop: ClipStop = _never,
    progress: ClipProgress | None = None,
) -> ClipResult:
    """Write the media of ``source`` between ``start_ms`` and ``end_ms`` to ``target``."""
    src, dst = Path(source), Path(target)
    if not src.is_file():
        reason = "file not found" if not src.exists() else "not a regular file"
        raise ClipError(reason, path=str(src))
    suffix = dst.suffix.lower()
    if suffix not in CLIP_SUFFIXES:
        kinds = ", ".join(sorted(CLIP_SUFFIXES))
        raise ClipError(f"cannot write a clip as {suffix or 'a file without suffix'} ({kinds})")
    with contextlib.suppress(OSError):
        if dst.exists() and dst.resolve() == src.resolve():
            raise ClipError("the clip would replace its own source", path=str(dst))
    if dst.is_dir():
        raise ClipError("is a folder", path=str(dst))
    try:
        container = av.open(str(src), metadata_errors="ignore")
    except (av.FFmpegError, OSError, ValueError) as err:
        log.info("cannot open %s: %s", src, err)
        raise ClipError("not a media file FFmpeg can read", path=str(src)) from None
    try:
        length_ms = (container.duration or 0) // 1000
        try:
            span = check_range(start_ms, end_ms, length_ms or None)
        except RangeError as err:
            raise ClipError(str(err), path=str(src)) from None
        audio = container.streams.audio[0] if container.streams.audio else None
        # A cover picture (an MP3's, an M4A's) is a "video" stream of one frame: not a video.
        moving = [v for v in container.streams.video if not _is_cover(v)]
        video = moving[0] if moving else None
        if audio is None and video is None:
            raise ClipError("the media has no audio or video track", path=str(src))
        if video is not None and suffix in _AUDIO_TARGETS and audio is None:
            raise ClipError(f"a video without sound cannot be written as {suffix}")
        if video is not None and suffix in _AUDIO_TARGETS:
            video = None  # the sound of a video, as an audio clip
        if video is None and suffix in _VIDEO_TARGETS and audio is not None:
            raise ClipError("the media has no video: write the clip as .m4a, .mp3 or .wav")
        return _write(
            container,
            audio,
            video,
            dst,
            span.start_ms,
            span.end_ms,
            dict(tags or {}),
            should_stop,
            progress,
        )
    finally:
        container.close()


def _write(
    container: Any,
    audio: Any,
    video: Any,
    dst: Path,
    start_ms: int,
    end_ms: int,
    tags: dict[str, str],
    should_stop: ClipStop,
    progress: ClipProgress | None,
) -> ClipResult:
    suffix = dst.suffix.lower()
    folder = dst.parent if str(dst.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{dst.stem}.", suffix=f".part{suffix}", dir=folder)
    except OSError as err:
        raise ClipError(f"cannot write in {folder}: {err.strerror or err}") from None
    os.close(fd)
    done = False
    try:
        if video is None:
            muxer, codec, copyable = _AUDIO_TARGETS[suffix]
            copied = audio.codec_context.name in copyable
            with av.open(temp, "w", format=muxer) as out:
                out.metadata.update(tags)
                if copied:
                    _copy_audio(container, audio, out, start_ms, end_ms, should_stop, progress)
                else:
                    _encode(
                        container,
                        audio,
                        None,
                        out,
                        codec,
                        "",
                        start_ms,
                        end_ms,
                        should_stop,
                        progress,
                    )
        else:
            muxer, vcodec, acodec = _VIDEO_TARGETS[suffix]
            copied = False
            with av.open(temp, "w", format=muxer) as out:
                out.metadata.update(tags)
                _encode(
                    container,
                    audio,
                    video,
                    out,
                    acodec,
                    vcodec,
                    start_ms,
                    end_ms,
                    should_stop,
                    progress,
                )
        os.chmod(temp, 0o600)
        os.replace(temp, dst)
        done = True
    except ClipError:
        raise
    except av.FFmpegError as err:
        log.warning("cutting %s failed: %s", dst, err)
        raise ClipError(f"FFmpeg could not write the clip: {err}", path=str(dst)) from None
    except OSError as err:
        raise ClipError(f"cannot write {dst}: {err.strerror or err}", path=str(dst)) from None
    finally:
        if not done:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    if progress is not None:
        progress(1.0)
    return ClipResult(str(dst), _written_ms(dst, end_ms - start_ms), copied)


def _is_cover(stream: Any) -> bool:
    """Whether a video stream is an attached picture (cover art)."""
    return bool(int(stream.disposition) & int(av.stream.Disposition.attached_pic))


def _written_ms(path: Path, fallback_ms: int) -> int:
    """How long the written clip plays, as FFmpeg reads it back."""
    try:
        with av.open(str(path), metadata_errors="ignore") as check:
            if check.duration:
                return int(check.duration // 1000)
    except (av.FFmpegError, OSError):
        log.info("cannot read back %s", path)
    return fallback_ms


def _seconds(t_ms: int, time_base: Fraction) -> int:
    """``t_ms`` in units of ``time_base``."""
    return int(Fraction(t_ms, 1000) / time_base)


def _seek(container: Any, start_ms: int) -> None:
    """Seek a little before ``start_ms`` (to the keyframe before it)."""
    if start_ms <= 0:
        return
    with contextlib.suppress(av.FFmpegError):
        container.seek(max(0, start_ms - 500) * 1000, backward=True, any_frame=False)


def _check(should_stop: ClipStop) -> None:
    if should_stop():
        raise ClipCancelled()


def _report(progress: ClipProgress | None, t_ms: float, start_ms: int, end_ms: int) -> None:
    if progress is not None:
        progress(min(1.0, max(0.0, (t_ms - start_ms) / max(1, end_ms - start_ms))))


def _copy_audio(
    container: Any,
    audio: Any,
    out: Any,
    start_ms: int,
    end_ms: int,
    should_stop: ClipStop,
    progress: ClipProgress | None,
) -> None:
    """Copy the packets whose middle lies in the range, their times moved to start at zero."""
    stream = out.add_stream_from_template(audio)
    base = audio.time_base
    lo, hi = _seconds(start_ms, base), _seconds(end_ms, base)
    _seek(container, start_ms)
    first: int | None = None
    for packet in container.demux(audio):
        _check(should_stop)
        if packet.pts is None or packet.dts is None:
            continue
        middle = packet.pts + (packet.duration or 0) // 2
        if middle < lo:
            continue
        if middle >= hi:
            break
        if first is None:
            first = packet.pts
        packet.pts -= first
        packet.dts -= first
        packet.stream = stream
        out.mux(packet)
        _report(progress, float((packet.pts + first) * base * 1000), start_ms, end_ms)
    if first is None:
        raise ClipError("the range holds no sound")


def _audio_encoder(out: Any, codec: str, audio: Any) -> tuple[Any, Any]:
    """An audio stream of ``codec`` in ``out`` for ``audio``, and the resampler feeding it."""
    ctx = audio.codec_context
    rate = ctx.sample_rate or 44_100
    if codec == "libopus":
        rate = 48_000 if rate not in _OPUS_RATES else rate
    elif codec == "libmp3lame":
        rate = rate if rate in _MP3_RATES else 44_100
    layout = "mono" if (ctx.channels or 1) == 1 else "stereo"
    stream = out.add_stream(codec, rate=rate)
    stream.layout = layout
    encoder = stream.codec_context
    if codec in ("pcm_s16le", "flac"):
        fmt = "s16"
    else:
        fmt = encoder.codec.audio_formats[0].name if encoder.codec.audio_formats else "fltp"
    stream.format = fmt
    frame_size = encoder.frame_size or None
    resampler = av.AudioResampler(format=fmt, layout=layout, rate=rate, frame_size=frame_size)
    return stream, resampler


def _encode(
    container: Any,
    audio: Any,
    video: Any,
    out: Any,
    acodec: str,
    vcodec: str,
    start_ms: int,
    end_ms: int,
    should_stop: ClipStop,
    progress: ClipProgress | None,
) -> None:
    """Decode the range and encode it again: audio to the sample, video to the frame."""
    a_out = resampler = v_out = None
    if audio is not None:
        a_out, resampler = _audio_encoder(out, acodec, audio)
    if video is not None:
        v_out = _video_encoder(out, vcodec, video)
    streams = [s for s in (audio, video) if s is not None]
    _seek(container, start_ms)
    start_s, end_s = Fraction(start_ms, 1000), Fraction(end_ms, 1000)
    audio_samples = 0
    next_video_pts = 0
    wrote_any = False
    for frame in _frames(container, streams, should_stop):
        if frame.pts is None or frame.time_base is None:
            continue
        t = Fraction(frame.pts) * frame.time_base
        if isinstance(frame, av.VideoFrame):
            if v_out is None or t < start_s - Fraction(1, 1000) or t >= end_s:
                continue
            # At its place from the start (the first frame may come a little after it), so
            # picture and sound stay together; never two frames at one time.
            tb = v_out.codec_context.time_base
            pts = max(next_video_pts, round((t - start_s) / tb))
            next_video_pts = pts + 1
            frame.pts, frame.time_base = pts, tb
            picture = frame.reformat(
                width=v_out.codec_context.width, height=v_out.codec_context.height, format="yuv420p"
            )
            for packet in v_out.encode(picture):
                out.mux(packet)
            wrote_any = True
        elif isinstance(frame, av.AudioFrame) and a_out is not None and resampler is not None:
            trimmed = _trim_audio(frame, t, start_s, end_s)
            if trimmed is None:
                continue
            for piece in resampler.resample(trimmed):
                piece.pts = audio_samples
                piece.time_base = Fraction(1, a_out.codec_context.sample_rate)
                audio_samples += piece.samples
                for packet in a_out.encode(piece):
                    out.mux(packet)
            wrote_any = True
        _report(progress, float(t * 1000), start_ms, end_ms)
        if _past_end(t, end_s, video is not None):
            break
    if not wrote_any:
        raise ClipError("the range holds no sound or picture")
    if a_out is not None and resampler is not None:
        for piece in resampler.resample(None):
            piece.pts = audio_samples
            piece.time_base = Fraction(1, a_out.codec_context.sample_rate)
            audio_samples += piece.samples
            for packet in a_out.encode(piece):
                out.mux(packet)
        for packet in a_out.encode(None):
            out.mux(packet)
    if v_out is not None:
        for packet in v_out.encode(None):
            out.mux(packet)


def _past_end(t: Fraction, end_s: Fraction, has_video: bool) -> bool:
    """Whether decoding can stop (frames of both kinds arrive interleaved: a second more)."""
    return t >= end_s + (Fraction(1) if has_video else Fraction(0))


def _frames(container: Any, streams: list[Any], should_stop: ClipStop) -> Iterator[Any]:
    for packet in container.demux(*streams):
        _check(should_stop)
        try:
            yield from packet.decode()
        except av.InvalidDataError:
            log.debug("skipping a damaged packet")


def _trim_audio(frame: Any, t: Fraction, start_s: Fraction, end_s: Fraction) -> Any | None:
    """The part of ``frame`` (starting at ``t`` seconds) inside ``[start_s, end_s)``, or None."""
    rate = frame.sample_rate
    n = frame.samples
    first = max(0, int((start_s - t) * rate))
    last = min(n, int((end_s - t) * rate))
    if last <= first:
        return None
    if first == 0 and last == n:
        frame.pts = None
        return frame
    array = frame.to_ndarray()
    width = 1 if frame.format.is_planar else len(frame.layout.channels)  # packed: interleaved
    part = array[:, first * width : last * width]
    cut = av.AudioFrame.from_ndarray(part.copy(), format=frame.format.name, layout=frame.layout)
    cut.sample_rate = rate
    return cut


def _video_encoder(out: Any, codec: str, video: Any) -> Any:
    ctx = video.codec_context
    rate = video.average_rate or video.guessed_rate or Fraction(25)
    stream = out.add_stream(codec, rate=rate)
    stream.width = (ctx.width or 320) // 2 * 2
    stream.height = (ctx.height or 240) // 2 * 2
    stream.pix_fmt = "yuv420p"
    # A fine time base: each frame keeps its own time (a frame shown from 66 ms, not 100 ms).
    stream.codec_context.time_base = Fraction(1, 90_000)
    if codec == "libx264":
        stream.options = {"preset": "veryfast", "crf": "20"}
    return stream
