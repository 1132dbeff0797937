"""Plain-text sources of an alignment: ``.txt`` and ``.md`` files read safely and cleaned.

``read_plain_text(path)`` reads through the one guarded reader (``player.core.inputs``: regular
file, size cap), decodes as transcripts are decoded (``player.core.formats.encoding``: UTF-8,
UTF-16 with BOM, cp1252 fallback with a warning), refuses binary data, and for Markdown strips
the syntax (headings' ``#``, emphasis, links, images, code fences, list bullets, block quotes,
tables' pipes) keeping the words. HTML, Word and PDF need foreign readers: see
``player.engines.documents``. ``TEXT_SUFFIXES`` lists every kind of text the aligner reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from player.core.align.types import AlignError
from player.core.formats.encoding import decode_transcript_bytes
from player.core.inputs import InputError, read_bytes

__all__ = [
    "PLAIN_SUFFIXES",
    "TEXT_SUFFIXES",
    "SourceText",
    "decode_plain_bytes",
    "read_plain_text",
    "strip_markdown",
]

PLAIN_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
TEXT_SUFFIXES = PLAIN_SUFFIXES | {".html", ".htm", ".docx", ".pdf"}
"""Every kind of untimed text ``briefing-player align`` reads."""

_TIMED = re.compile(r"\A\s*(?:WEBVTT|\d+\s*\n\s*\d{1,2}:\d\d:\d\d[,.]\d{3}\s+-->)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")


@dataclass(frozen=True, slots=True)
class SourceText:
    """A text source as plain text (LF line endings) with how it was read."""

    text: str
    encoding: str = "utf-8"
    warnings: tuple[str, ...] = ()


def strip_markdown(text: str) -> str:
    """Markdown syntax removed, words and line structure kept."""
    out: list[str] = []
    fenced = False
    for line in text.split("\n"):
        if re.match(r"^\s*(```|~~~)", line):
            fenced = not fenced
            continue
        if fenced:
            continue
        if re.fullmatch(r"\s*([-*_=]\s*){3,}", line) or re.fullmatch(
            r"\s*\|?[\s:|-]+\|[\s:|-]*", line
        ):
            out.append("")
            continue
        line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
        line = re.sub(r"\s+#+\s*$", "", line)
        line = re.sub(r"^\s*(?:>\s*)+", "", line)
        line = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line)
        line = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", line)
        line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line)
        line = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", line)
        line = re.sub(r"^\s*\[[^\]]+\]:\s+\S+.*$", "", line)
        line = re.sub(r"<[^>\n]+>", "", line)
        line = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", line)
        line = re.sub(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])", r"\2", line)
        line = re.sub(r"`([^`]*)`", r"\1", line)
        line = re.sub(r"~~(.+?)~~", r"\1", line)
        if "|" in line and line.strip().startswith("|"):
            line = " ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
        out.append(line)
    return "\n".join(out)


def decode_plain_bytes(data: bytes, *, source: str, markdown: bool = False) -> SourceText:
    """Decode a text file's bytes; ``AlignError`` for binary data or a text with no words."""
    if data.count(b"\x00") > len(data) // 100 and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise AlignError("not a text file (binary data)", path=source)
    decoded = decode_transcript_bytes(data)
    text = decoded.text
    if len(_CONTROL.findall(text)) > max(8, len(text) // 200):
        raise AlignError("not a text file (binary data)", path=source)
    if _TIMED.match(text):
        raise AlignError(
            "this is already a timed transcript (WebVTT or SubRip): open it as a transcript",
            path=source,
        )
    if markdown:
        text = strip_markdown(text)
    if not re.search(r"[^\W\d_]", text):
        raise AlignError("the text is empty", path=source)
    warnings = tuple(message for _line, message in decoded.notes)
    return SourceText(text, decoded.encoding, warnings)


def read_plain_text(path: str | Path) -> SourceText:
    """Read a ``.txt`` or ``.md`` source; ``AlignError`` with a one-line reason on failure."""
    source = str(path)
    try:
        data = read_bytes(path)
    except InputError as err:
        raise AlignError(err.message, path=source) from None
    markdown = Path(path).suffix.lower() in {".md", ".markdown"}
    return decode_plain_bytes(data, source=source, markdown=markdown)
