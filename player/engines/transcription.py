"""The one-call transcription: decode the audio, recognise, re-time, make cues, write WebVTT.

Used by ``briefing-player transcribe`` and the window's "Transcribe it on this computer"::

    from player.engines.transcription import transcribe_media, write_transcript

    result = transcribe_media(media, model=None, progress=on_fraction, should_stop=stop)
    write_transcript(result, out_path, force=True)

``transcribe_media(media_path, *, model=None, configured=None, transcriber=None, aligner=None,
language="en", progress=None, should_stop=None, on_partial=None) -> TranscriptionResult``:
``model`` is ``--model NAME|DIR`` (resolved by ``player.core.transcribe.models``; a named model
not on the machine is ``ModelMissing``, never downloaded here); ``transcriber`` and ``aligner``
replace the engines (tests: ``FakeTranscriber``, ``FakeAligner``). Progress: decoding to 5%,
recognition to 80%, re-timing to 100% (English only: the aligner's model is English; for
another ``language`` the recogniser's own times are kept and the header says so).
``on_partial(cues)`` gets the cues recognised so far (Whisper's own times) after each segment.
Errors are ``TranscribeError`` (an ``AlignError``) with a one-line message; ``AlignCancelled``
when stopped. Nothing is written.

``write_transcript(result, out_path, *, force=False)`` writes atomically and privately (0600),
keeping an existing file as ``NAME.vtt.bak`` when ``force`` (else ``TranscribeError``).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from pathlib import Path

from player import __version__
from player.core.align.pauses import chunk_bounds, find_pauses
from player.core.align.types import (
    AlignError,
    Audio,
    ProgressCallback,
    SpeechAligner,
    StopCheck,
)
from player.core.files import WriteError, write_private
from player.core.transcribe.cues import make_cues, snap_to_onsets
from player.core.transcribe.retime import retime
from player.core.transcribe.types import (
    Segment,
    TranscribedCue,
    TranscribeError,
    Transcriber,
    TranscriptionResult,
    Word,
    is_silent,
)
from player.core.transcribe.vtt import render_transcript_vtt

__all__ = ["default_output_path", "transcribe_media", "write_transcript"]

log = logging.getLogger(__name__)

CHUNK_MS = 90_000
"""The recogniser is given at most 90 s at a time (cut at a pause)."""

PartialCallback = Callable[[list[TranscribedCue]], None]


def _never() -> bool:
    return False


def default_output_path(media_path: str | Path) -> Path:
    """``MEDIA`` with its suffix replaced by ``.vtt``, beside the media."""
    return Path(media_path).with_suffix(".vtt")


def make_transcriber(model: str | None, configured: str | None = None) -> Transcriber:
    """The faster-whisper transcriber for ``--model`` (resolved now, loaded on first use)."""
    from player.engines.whisper_models import find_model
    from player.engines.whisper_transcriber import WhisperTranscriber

    return WhisperTranscriber(find_model(model, configured=configured))


def _load_audio(
    aligner: SpeechAligner, media_path: str, progress: ProgressCallback, stop: StopCheck
) -> Audio:
    if "should_stop" in inspect.signature(aligner.load_audio).parameters:
        return aligner.load_audio(media_path, should_stop=stop, progress=progress)
    return aligner.load_audio(media_path)


def transcribe_media(
    media_path: str | Path,
    *,
    model: str | None = None,
    configured: str | None = None,
    transcriber: Transcriber | None = None,
    aligner: SpeechAligner | None = None,
    language: str = "en",
    progress: ProgressCallback | None = None,
    should_stop: StopCheck | None = None,
    on_partial: PartialCallback | None = None,
) -> TranscriptionResult:
    """Transcribe the speech of ``media_path`` (see the module docstring)."""
    stop = should_stop or _never
    media = str(media_path)

    def report(value: float) -> None:
        if progress is not None:
            progress(max(0.0, min(1.0, value)))

    report(0.0)
    if transcriber is None:
        transcriber = make_transcriber(model, configured)
    if aligner is None:
        from player.engines.pocketsphinx_aligner import PocketsphinxAligner

        aligner = PocketsphinxAligner()
    try:
        audio = _load_audio(aligner, media, lambda f: report(0.05 * f), stop)
    except AlignError as err:
        raise TranscribeError(err.message, path=err.path or media) from None
    if audio.duration_ms < 200 or is_silent(audio):
        raise TranscribeError(
            "the recording is silent: there is no speech to transcribe", path=media
        )
    report(0.05)
    heard: list[Word] = []

    def got_segment(segment: Segment) -> None:
        heard.extend(segment.words)
        if on_partial is not None:
            on_partial(make_cues(heard))

    pauses = find_pauses(audio)
    segments: list[Segment] = []
    # Pieces of at most 90 s cut at pauses: the recogniser's memory (its spectrogram of
    # the whole input) stays bounded whatever the recording's length.
    bounds = chunk_bounds(audio, pauses, max_ms=CHUNK_MS, min_ms=CHUNK_MS // 2)
    total = max(1, audio.duration_ms)
    for first_ms, last_ms in bounds:
        done = first_ms - audio.offset_ms

        def piece_progress(f: float, done: int = done, size: int = last_ms - first_ms) -> None:
            report(0.05 + 0.75 * (done + f * size) / total)

        segments += transcriber.transcribe(
            audio.clip(first_ms, last_ms),
            language=language,
            progress=piece_progress,
            should_stop=stop,
            on_segment=got_segment,
        )
    words = [word for segment in segments for word in segment.words]
    if not words:
        raise TranscribeError("no speech was recognised in the recording", path=media)
    report(0.8)
    log.info("recognised %d words with %s; re-timing", len(words), transcriber.name)
    english = language.lower().split("-")[0] == "en"
    if english:
        retimed, placed = _retime_in_steps(words, audio, aligner, stop, report)
    else:  # the aligner's model is English: the recogniser's own times are kept
        retimed, placed = words, 0
    cues = snap_to_onsets(make_cues(retimed), pauses)
    report(1.0)
    return TranscriptionResult(
        cues=tuple(cues),
        words=len(words),
        retimed_words=placed,
        duration_ms=audio.duration_ms,
        engine=transcriber.name,
        model=transcriber.model_name,
        aligner=aligner.name if english else "",
        language=language,
    )


def _retime_in_steps(
    words: list[Word],
    audio: Audio,
    aligner: SpeechAligner,
    stop: StopCheck,
    report: ProgressCallback,
) -> tuple[list[Word], int]:
    """Re-time a few hundred words at a time (progress between steps), cut at a pause."""
    out: list[Word] = []
    placed = 0
    first = 0
    while first < len(words):
        last = min(len(words), first + 200)
        while last < len(words) and words[last].start_ms - words[last - 1].end_ms < 300:
            last += 1
            if last - first > 400:
                break
        start = out[-1].end_ms if out else audio.offset_ms
        end = words[last].start_ms if last < len(words) else audio.offset_ms + audio.duration_ms
        clip = audio.clip(max(audio.offset_ms, start - 50), end)
        done, count = retime(words[first:last], clip, aligner, should_stop=stop)
        out.extend(done)
        placed += count
        first = last
        report(0.8 + 0.2 * first / len(words))
    return out, placed


def write_transcript(
    result: TranscriptionResult, out_path: str | Path, *, force: bool = False
) -> Path:
    """Write ``result`` as WebVTT at ``out_path`` atomically (see the module docstring)."""
    target = Path(out_path)
    if target.exists() and not force:
        raise TranscribeError("already exists (use --force to replace it)", path=str(target))
    if target.exists() and not target.is_file():
        raise TranscribeError("exists and is not a regular file", path=str(target))
    text = render_transcript_vtt(result, tool=f"briefing-player {__version__}")
    write_text_atomically(target, text)
    return target


def write_text_atomically(target: Path, text: str, *, backup: bool = True) -> None:
    """``text`` into ``target`` (UTF-8, 0600) in one step; an existing file kept as ``.bak``
    (unless ``backup`` is False)."""
    try:
        write_private(target, text.encode("utf-8"), keep_backup=backup)
    except WriteError as err:
        raise TranscribeError(err.reason, path=str(target)) from None
