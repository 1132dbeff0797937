"""Transcribing in the background: the work a :class:`~player.ui.background_task.BackgroundTask`
runs for the window, and what it brings back.

:func:`transcribe_to_sidecar` is the transcription's work: recognise and re-time
(``player.engines.transcription``, imported on the worker, never for the first frame), write
``NAME.vtt`` beside the media atomically (an existing file kept as ``.bak``), read it back as
any transcript. :func:`partial_transcript` turns the cues recognised so far into a transcript
the window can show and search at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from player.ui.background_task import Cancelled

if TYPE_CHECKING:
    from player.core.align.types import SpeechAligner
    from player.core.model import Transcript
    from player.core.transcribe.types import TranscribedCue, Transcriber
    from player.ui.transcript_session import LoadedTranscript


class TranscribeOutcome(NamedTuple):
    """A finished transcription: the sidecar written, the transcript read back, the old file
    kept aside (or None), and the model used."""

    path: str
    loaded: LoadedTranscript
    backup: str | None
    model: str


def partial_transcript(cues: list[TranscribedCue], model: str, media: str) -> Transcript:
    """The cues recognised so far as a transcript to show (parsed as any WebVTT file)."""
    from player.core.formats.load import parse_transcript_text
    from player.core.transcribe.types import TranscriptionResult
    from player.core.transcribe.vtt import render_transcript_vtt

    words = sum(len(cue.words) for cue in cues)
    result = TranscriptionResult(tuple(cues), words, 0, 0, "transcribing…", model)
    return parse_transcript_text(render_transcript_vtt(result), source=media)


def transcribe_to_sidecar(
    media: str,
    out: Path,
    *,
    model: str | None,
    configured: str | None,
    transcriber: Transcriber | None,
    aligner: SpeechAligner | None,
    progress: Callable[[float], None],
    should_stop: Callable[[], bool],
    partial: Callable[[object], None],
) -> TranscribeOutcome:
    """Transcribe ``media`` into ``out`` (see the module docstring); runs on a worker."""
    from player.engines.transcription import make_transcriber, transcribe_media, write_transcript
    from player.ui.transcript_session import load_with_index

    engine = transcriber if transcriber is not None else make_transcriber(model, configured)
    last = [0.0]

    def on_partial(cues: list[Any]) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 and cues:  # at most twice a second
            last[0] = now
            partial(partial_transcript(cues, engine.model_name, media))

    result = transcribe_media(
        media,
        transcriber=engine,
        aligner=aligner,
        progress=progress,
        should_stop=should_stop,
        on_partial=on_partial,
    )
    if should_stop():
        raise Cancelled()
    backup = out.with_name(out.name + ".bak") if out.exists() else None
    write_transcript(result, out, force=True)
    return TranscribeOutcome(
        str(out), load_with_index(str(out)), str(backup) if backup else None, result.model
    )
