"""Big transcripts seen sooner: the first rows of a large file shown while the whole file is
parsed.

The head of the file is parsed first, on a worker, and its first rows are shown; only then is the
whole file parsed. In that order because the list lays its rows out by calling Python (each
row's size) and, while a worker parses, every such call waits for the interpreter's lock: rows
laid out during the whole parse blocked the window for 100-200 ms at a time (50,000 lines,
``benchmarks/bench_gui_stalls.py``). The rows shown are at most one layout batch of the list,
laid out in one pass of the event loop before the whole parse starts.
"""

from __future__ import annotations

import logging
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from player.core.formats.load import parse_transcript_bytes
from player.core.model import TranscriptError
from player.ui.transcript_view import LAYOUT_BATCH_ROWS

if TYPE_CHECKING:
    from collections.abc import Callable

    from player.core.model import Cue
    from player.ui.jobs import JobRunner

logger = logging.getLogger(__name__)

PREVIEW_FROM_BYTES = 512 * 1024  # files this large get their first rows shown early (~5,000 lines)
PREVIEW_BYTES = 32 * 1024  # the head parsed for them (a few hundred lines, a few ms)
PREVIEW_ROWS = LAYOUT_BATCH_ROWS  # the rows shown: laid out in one pass, a screenful or more
_FORMATS = {".vtt": "vtt", ".srt": "srt", ".sbv": "sbv"}


def wants_preview(path: str) -> bool:
    """Whether ``path`` is a regular file large enough to show its first rows early."""
    try:
        st = Path(path).stat()
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_size >= PREVIEW_FROM_BYTES


def read_preview(path: str) -> tuple[Cue, ...]:
    """The first :data:`PREVIEW_ROWS` cues in the first :data:`PREVIEW_BYTES` of ``path`` (cut
    after the last complete block); none when they cannot be read (the whole parse then says
    why). Runs on a worker."""
    try:
        with open(path, "rb") as f:
            head = f.read(PREVIEW_BYTES)
        end = max(head.rfind(b"\n\n"), head.rfind(b"\r\n\r\n"))
        if end <= 0:
            return ()
        hint = _FORMATS.get(Path(path).suffix.lower())
        preview = parse_transcript_bytes(head[:end], source=path, format_hint=hint)  # type: ignore[arg-type]
    except (OSError, TranscriptError, ValueError):
        logger.debug("no preview for %s", path, exc_info=True)
        return ()
    return preview.cues[:PREVIEW_ROWS]


def start_preview(
    runner: JobRunner,
    token: int,
    path: str,
    show: Callable[[int, tuple[Cue, ...]], None],
    then: Callable[[], None],
) -> None:
    """Parse the head of ``path`` on a worker. On the GUI thread: ``show(token, cues)`` when
    there is something to show, and ``then()`` once the list has had a pass of the event loop
    to lay those rows out (at once when there is nothing to show, or the head cannot be read)."""

    def done(job_token: int, cues: object) -> None:
        if isinstance(cues, tuple) and cues:
            show(job_token, cues)
            QTimer.singleShot(0, then)  # after the list's own zero-time layout, started above
        else:
            then()

    def failed(_token: int, _error: object) -> None:
        then()

    runner.start(lambda: read_preview(path), done, failed, token=token, name="preview")
