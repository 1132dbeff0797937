"""The one place where the window calls the alignment (``player.core.align`` and
``player.engines``): reading a text source, and synchronizing a text file with a media file.

Everything here is imported on a worker thread when first used, never for the first frame. The
alignment's errors come back as :class:`~player.core.model.TranscriptError` (reading a text) or
:class:`SyncError` / :class:`SyncCancelled` (synchronizing), each with a one-line reason for the
user.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from player.core.model import TranscriptError

__all__ = ["SyncCancelled", "SyncError", "align_file", "read_source"]

_PLAIN = frozenset({".txt", ".md", ".markdown", ".text", ""})


class SyncError(Exception):
    """The text cannot be synchronized; ``str(err)`` is a one-line reason for the user."""


class SyncCancelled(Exception):
    """The user cancelled; nothing was written."""


def _module(name: str) -> Any:
    """``name`` imported, or None when it is not there."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def read_source(path: str | Path) -> tuple[str, tuple[str, ...]]:
    """The plain text of a text source (``.txt``, ``.md``, ``.html``, ``.docx``, ``.pdf``) and
    the reader's warnings; ``TranscriptError`` with a one-line reason when it cannot be read."""
    path = Path(path)
    plain = path.suffix.lower() in _PLAIN
    documents = _module("player.engines.documents")
    textsource = _module("player.core.align.textsource")
    try:
        if not plain and documents is not None:
            source = documents.read_text_source(path)
        elif textsource is not None:
            if not plain:
                raise TranscriptError(
                    f"{path.suffix} files cannot be read here; save the text as .txt",
                    path=str(path),
                )
            source = textsource.read_plain_text(path)
        else:
            return _read_plain_here(path)
    except TranscriptError:
        raise
    except Exception as err:
        if type(err).__name__ in {"AlignError", "InputError"}:
            raise TranscriptError(str(err), path=str(path)) from None
        raise
    return str(source.text), tuple(source.warnings)


def _read_plain_here(path: Path) -> tuple[str, tuple[str, ...]]:
    """Plain text read without the alignment package (the guarded reader, the transcript
    decoder, binary data refused)."""
    import re

    from player.core.formats.encoding import decode_transcript_bytes
    from player.core.inputs import InputError, read_bytes

    if path.suffix.lower() not in _PLAIN:
        raise TranscriptError(f"{path.suffix} files cannot be read here", path=str(path))
    try:
        data = read_bytes(path)
    except InputError as err:
        raise TranscriptError(err.message, path=str(path)) from None
    decoded = decode_transcript_bytes(data)
    sample = decoded.text[:4096]
    if len(re.findall(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]", sample)) > max(8, len(sample) // 20):
        raise TranscriptError("not a text file (binary data)", path=str(path))
    if not decoded.text.strip():
        raise TranscriptError("the text is empty", path=str(path))
    return decoded.text, tuple(message for _line, message in decoded.notes)


def align_file(
    media: str,
    text: str,
    *,
    progress: Callable[[float], None],
    should_stop: Callable[[], bool],
    engine: object | None = None,
) -> str:
    """Synchronize ``text`` (a file) with ``media``: the WebVTT text, with its header ``NOTE``
    saying the timings are machine-aligned. ``engine`` is a ``SpeechAligner`` (None: the
    shipped one)."""
    alignment = _module("player.engines.alignment")
    if alignment is None:
        raise SyncError("the speech engine is not installed")
    from player.core.align import AlignCancelled, AlignError, render_vtt

    try:
        result = alignment.align_text(
            media, text, engine=engine, progress=progress, should_stop=should_stop
        )
    except AlignCancelled:
        raise SyncCancelled() from None
    except AlignError as err:
        raise SyncError(str(err)) from None
    return str(render_vtt(result))
