"""The one place where the window calls the alignment (``player.core.align`` and
``player.engines``): reading a text source, and synchronizing a text file with a media file.

Everything here is imported on a worker thread when first used, never for the first frame. The
alignment's errors come back as :class:`~player.core.model.TranscriptError` (reading a text) or
:class:`SyncError` / :class:`SyncCancelled` (synchronizing), each with a one-line reason for the
user.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from player.core.model import TranscriptError

if TYPE_CHECKING:
    from player.core.align.types import SpeechAligner

__all__ = ["SyncCancelled", "SyncError", "align_file", "read_source"]


class SyncError(Exception):
    """The text cannot be synchronized; ``str(err)`` is a one-line reason for the user."""


class SyncCancelled(Exception):
    """The user cancelled; nothing was written."""


def read_source(path: str | Path) -> tuple[str, tuple[str, ...]]:
    """The plain text of a text source (``.txt``, ``.md``, ``.html``, ``.docx``, ``.pdf``) and
    the reader's warnings, read as the aligner reads it (``player.engines.documents``);
    ``TranscriptError`` with a one-line reason when it cannot be read."""
    from player.core.align.types import AlignError
    from player.engines.documents import read_text_source

    try:
        source = read_text_source(path)
    except AlignError as err:
        raise TranscriptError(err.message, path=str(path)) from None
    return source.text, tuple(source.warnings)


def align_file(
    media: str,
    text: str,
    *,
    progress: Callable[[float], None],
    should_stop: Callable[[], bool],
    engine: SpeechAligner | None = None,
) -> str:
    """Synchronize ``text`` (a file) with ``media``: the WebVTT text, with its header ``NOTE``
    saying the timings are machine-aligned. ``engine`` is a ``SpeechAligner`` (None: the
    shipped pocketsphinx one)."""
    from player import __version__
    from player.core.align.types import AlignCancelled, AlignError
    from player.core.align.vtt_writer import render_vtt
    from player.engines.alignment import align_text

    try:
        result = align_text(media, text, engine=engine, progress=progress, should_stop=should_stop)
    except AlignCancelled:
        raise SyncCancelled() from None
    except AlignError as err:
        # The job's message names the text already; any other file at fault is named here.
        where = f"{Path(err.path).name}: " if err.path and err.path != str(text) else ""
        raise SyncError(f"{where}{err.message}") from None
    return render_vtt(result, tool=f"briefing-player {__version__}")
