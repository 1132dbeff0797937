"""A text without timings shown in the transcript panel at once: read, cut into paragraphs and
turned into *untimed cues*, so it can be read and searched before it is synchronized.

An untimed cue is an ordinary :class:`~player.core.model.Cue` with ``start_ms == end_ms == 0``
in a transcript the window knows is untimed (``TranscriptModel.timed`` is False): the panel
shows no time for it, choosing it does not seek, and the search works on it as on any
transcript. One cue per paragraph (a block of lines between blank lines; each line when the
text has no blank line), its lines joined by spaces, the words exactly as written.

The text is read by the alignment's own readers (through :mod:`player.ui.align_seam`), so the
words shown are the words that will be synchronized. Nothing here imports Qt: the functions run
on a worker thread.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import NamedTuple

from player.core.model import Cue, Transcript, TranscriptError, TranscriptWarning

log = logging.getLogger(__name__)

__all__ = [
    "UntimedText",
    "map_row",
    "paragraphs_of",
    "read_paragraphs",
    "read_untimed",
    "untimed_transcript",
]

_MAX_PARAGRAPH_CHARS = 4000  # a longer block (a text with no line breaks) is cut at sentences
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+")


class UntimedText(NamedTuple):
    """A text read for the window: its paragraphs (``(line, text)``, 1-based line of the
    paragraph's start), and the warnings the reader had (an encoding guess...)."""

    path: str
    paragraphs: list[tuple[int, str]]
    warnings: tuple[str, ...] = ()


def paragraphs_of(text: str) -> list[tuple[int, str]]:
    """``(line, paragraph)`` of ``text``: blocks between blank lines with their lines joined by
    a space; each non-blank line on its own when the text has no blank line at all."""
    lines = text.split("\n")
    stripped = [line.strip() for line in lines]
    filled = [i for i, s in enumerate(stripped) if s]
    has_blank = bool(filled) and len(filled) < filled[-1] - filled[0] + 1
    result: list[tuple[int, str]] = []
    block: list[str] = []
    start = 0
    for number, line in enumerate(stripped, 1):
        if not line:
            if block:
                result.append((start, " ".join(block)))
                block = []
            continue
        if not has_blank:
            result.append((number, line))
            continue
        if not block:
            start = number
        block.append(line)
    if block:
        result.append((start, " ".join(block)))
    return [piece for line, para in result for piece in _cut_long(line, para)]


def _cut_long(line: int, paragraph: str) -> list[tuple[int, str]]:
    """A paragraph longer than ``_MAX_PARAGRAPH_CHARS`` cut at sentence ends (rows that tall
    cannot be read or scrolled comfortably)."""
    if len(paragraph) <= _MAX_PARAGRAPH_CHARS:
        return [(line, paragraph)]
    pieces: list[tuple[int, str]] = []
    current = ""
    for sentence in _SENTENCE_END.split(paragraph):
        if current and len(current) + len(sentence) > _MAX_PARAGRAPH_CHARS // 4:
            pieces.append((line, current))
            current = ""
        current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append((line, current))
    return pieces


def read_paragraphs(path: str | Path) -> UntimedText:
    """The paragraphs of a text file (any of ``sidecar.TEXT_EXTENSIONS``); ``TranscriptError``
    with a one-line reason when it cannot be read, is empty or is not text."""
    from player.ui.align_seam import read_source

    text, warnings = read_source(path)
    paragraphs = paragraphs_of(text)
    if not paragraphs:
        raise TranscriptError("the text is empty", path=str(path))
    return UntimedText(str(path), paragraphs, warnings)


def untimed_transcript(text: UntimedText) -> Transcript:
    """The untimed cues of a text (one per paragraph, no times), as a transcript."""
    cues = tuple(Cue(None, 0, 0, para, line=line) for line, para in text.paragraphs)
    warnings = tuple(TranscriptWarning(None, w) for w in text.warnings)
    return Transcript(cues=cues, warnings=warnings, source=text.path)


def read_untimed(path: str | Path) -> Transcript:
    """Read a text file into an untimed transcript (runs on a worker thread)."""
    return untimed_transcript(read_paragraphs(path))


def map_row(old: tuple[Cue, ...], row: int, new: tuple[Cue, ...]) -> int:
    """The row of ``new`` that shows what row ``row`` of ``old`` showed: the first new cue whose
    text starts inside the old row's text, searched around the same share of the whole text
    (the synchronized transcript cuts paragraphs into sentences and drops nothing but
    whitespace, speaker labels and unspoken text). -1 when ``new`` is empty."""
    if not new:
        return -1
    if not old or not 0 <= row < len(old):
        return 0
    before = sum(len(c.text) for c in old[:row])
    total_old = sum(len(c.text) for c in old) or 1
    total_new = sum(len(c.text) for c in new)
    target = before * total_new // total_old
    seen, guess = 0, len(new) - 1
    for i, cue in enumerate(new):
        if seen + len(cue.text) > target:
            guess = i
            break
        seen += len(cue.text)
    paragraph = " ".join(old[row].text.split())
    for distance in range(0, min(len(new), 200)):
        for i in (guess - distance, guess + distance):
            if 0 <= i < len(new):
                head = " ".join(new[i].text.split())[:40]
                if head and head in paragraph:
                    # The first sentence of that paragraph: step back while still inside it.
                    while i > 0 and " ".join(new[i - 1].text.split())[:40] in paragraph:
                        i -= 1
                    return i
    return guess
