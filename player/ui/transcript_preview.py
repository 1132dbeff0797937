"""Big transcripts seen sooner: the first rows of a large file shown while the whole file is
parsed (a quick parse of its head on a second worker, started before the whole parse).
"""

from __future__ import annotations

import logging
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from player.core.formats.load import parse_transcript_bytes
from player.core.model import Transcript, TranscriptError

if TYPE_CHECKING:
    from collections.abc import Callable

    from player.core.model import Cue
    from player.ui.jobs import JobRunner

logger = logging.getLogger(__name__)

PREVIEW_FROM_BYTES = 512 * 1024  # files this large get their first rows shown early (~5,000 lines)
PREVIEW_BYTES = 64 * 1024  # the head parsed for them (a few hundred lines, tens of ms)
_FORMATS = {".vtt": "vtt", ".srt": "srt", ".sbv": "sbv"}


def wants_preview(path: str) -> bool:
    """Whether ``path`` is a regular file large enough to show its first rows early."""
    try:
        st = Path(path).stat()
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_size >= PREVIEW_FROM_BYTES


def read_preview(path: str) -> Transcript | None:
    """The cues in the first ``PREVIEW_BYTES`` of ``path`` (cut after the last complete block),
    or None when they cannot be read (the whole parse then says why). Runs on a worker."""
    try:
        if not wants_preview(path):
            return None
        with open(path, "rb") as f:
            head = f.read(PREVIEW_BYTES)
        end = max(head.rfind(b"\n\n"), head.rfind(b"\r\n\r\n"))
        if end <= 0:
            return None
        hint = _FORMATS.get(Path(path).suffix.lower())
        return parse_transcript_bytes(head[:end], source=path, format_hint=hint)  # type: ignore[arg-type]
    except (OSError, TranscriptError, ValueError):
        logger.debug("no preview for %s", path, exc_info=True)
        return None


def start_preview(
    runner: JobRunner, token: int, path: str, show: Callable[[int, tuple[Cue, ...]], None]
) -> bool:
    """Parse the head of a large ``path`` on a worker; ``show(token, cues)`` on the GUI thread
    when there is something to show. False (and nothing started) for a small file."""
    if not wants_preview(path):
        return False

    def done(job_token: int, preview: object) -> None:
        if isinstance(preview, Transcript) and preview.cues:
            show(job_token, preview.cues)

    runner.start(lambda: read_preview(path), done, lambda _t, _e: None, token=token, name="preview")
    return True
