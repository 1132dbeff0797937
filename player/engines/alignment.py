"""The one-call alignment: read the text, decode the audio, align, write the WebVTT file.

Used by ``briefing-player align`` and the window's "Synchronize Text with Audio" job::

    from player.engines.alignment import align_text, write_aligned_vtt

    result = align_text(media, text, progress=on_fraction, should_stop=cancel_event.is_set)
    write_aligned_vtt(result, out_path, force=True)

``align_text(media_path, text_path, *, engine=None, progress=None, should_stop=None,
speaker_labels=True) -> AlignmentResult``: ``engine`` defaults to the pocketsphinx adapter
(English model shipped in its wheel; ``PocketsphinxAligner(model_dir=...)`` for another);
tests and the window's tests pass ``player.engines.fake_aligner.FakeAligner``. ``progress`` gets
fractions 0.0-1.0 at least once a second; ``should_stop`` is polled and cancels within a
second (``AlignCancelled``). Errors are ``AlignError`` with ``path`` and a one-line message.

``write_aligned_vtt(result, out_path, *, force=False)`` writes atomically (a private temporary
file beside the target, fsync, rename), mode 0600; an existing file is an ``AlignError``
unless ``force``, and then it is kept as ``NAME.vtt.bak``.
"""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

from player import __version__
from player.core.align.pipeline import align_sentences
from player.core.align.segment import split_text
from player.core.align.types import (
    AlignError,
    AlignmentResult,
    ProgressCallback,
    SpeechAligner,
    StopCheck,
)
from player.core.align.vtt_writer import render_vtt
from player.core.files import WriteError, write_private
from player.engines.documents import read_text_source

__all__ = ["align_text", "default_output_path", "write_aligned_vtt"]


def _never() -> bool:
    return False


def default_output_path(media_path: str | Path) -> Path:
    """``MEDIA`` with its suffix replaced by ``.vtt``, beside the media."""
    return Path(media_path).with_suffix(".vtt")


def align_text(
    media_path: str | Path,
    text_path: str | Path,
    *,
    engine: SpeechAligner | None = None,
    progress: ProgressCallback | None = None,
    should_stop: StopCheck | None = None,
    speaker_labels: bool = True,
) -> AlignmentResult:
    """Align the text at ``text_path`` with the speech of ``media_path`` (see module docstring)."""
    stop = should_stop or _never
    source = read_text_source(text_path)
    sentences = split_text(source.text, speaker_labels=speaker_labels)
    if not any(sentence.speech for sentence in sentences):
        raise AlignError("the text has no words to align", path=str(text_path))
    if engine is None:
        from player.engines.pocketsphinx_aligner import PocketsphinxAligner

        engine = PocketsphinxAligner()
    if progress is not None:
        progress(0.0)

    def decoding(fraction: float) -> None:
        if progress is not None:
            progress(0.1 * fraction)

    if "should_stop" in inspect.signature(engine.load_audio).parameters:
        audio = engine.load_audio(str(media_path), should_stop=stop, progress=decoding)
    else:  # an engine written against the port's first version (no progress, no Cancel)
        audio = engine.load_audio(str(media_path))

    def scaled(fraction: float) -> None:
        if progress is not None:
            progress(0.1 + 0.9 * fraction)

    if progress is not None:
        progress(0.1)
    try:
        result = align_sentences(
            sentences,
            audio,
            engine,
            progress=scaled,
            should_stop=stop,
            source_name=Path(text_path).name,
            english=bool(getattr(engine, "english", True)),
        )
    except AlignError as err:
        if err.path is None:
            text_fault = "text" in err.message and "audio" not in err.message.split("text")[0]
            err.path = str(text_path) if text_fault else str(media_path)
        raise
    if source.warnings:
        result = dataclasses.replace(result, warnings=result.warnings + source.warnings)
    return result


def write_aligned_vtt(
    result: AlignmentResult, out_path: str | Path, *, force: bool = False
) -> Path:
    """Write ``result`` as WebVTT at ``out_path`` atomically (see module docstring)."""
    target = Path(out_path)
    if target.exists() and not force:
        raise AlignError("already exists (use --force to replace it)", path=str(target))
    if target.exists() and not target.is_file():
        raise AlignError("exists and is not a regular file", path=str(target))
    text = render_vtt(result, tool=f"briefing-player {__version__}")
    try:
        write_private(target, text.encode("utf-8"), keep_backup=True)
    except WriteError as err:
        raise AlignError(err.reason, path=str(target)) from None
    return target
