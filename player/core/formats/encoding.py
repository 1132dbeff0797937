"""Turn transcript bytes into text: BOM sniffing, UTF-8 repair, cp1252 fallback, line endings.

WebVTT is always UTF-8, but real files come from Windows tools (cp1252, UTF-16). This module
decodes leniently and reports every guess or repair, so the user learns why a character looks odd.
The result has LF line endings only and no NUL characters (replaced by U+FFFD, as the WebVTT
parser does).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

__all__ = ["DecodedText", "decode_transcript_bytes", "normalize_newlines"]

# A well-formed multi-byte UTF-8 sequence: evidence that the file is meant as UTF-8.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Decoded, newline-normalised text plus what was done to get it.

    ``notes`` are ``(line, message)`` pairs for the caller to turn into warnings; ``line`` is
    1-based or None for the whole file.
    """

    text: str
    encoding: str
    notes: tuple[tuple[int | None, str], ...] = ()


def normalize_newlines(text: str) -> str:
    """Replace CRLF and lone CR by LF and NUL by U+FFFD (WebVTT preprocessing)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    return text


def _line_of_offset(data: bytes, offset: int) -> int:
    """1-based line number of byte ``offset`` (CRLF, CR and LF each end a line)."""
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def decode_transcript_bytes(data: bytes) -> DecodedText:
    """Decode transcript bytes; never raises.

    Order: UTF-8 BOM, UTF-16 LE/BE BOM, strict UTF-8, then either UTF-8 with U+FFFD for damaged
    bytes (when the file otherwise contains UTF-8 sequences or is only cut off mid-character) or
    windows-1252 for legacy 8-bit files. Every choice but clean UTF-8 is noted.
    """
    notes: list[tuple[int | None, str]] = []
    if data.startswith(codecs.BOM_UTF8):
        body = data[3:]
        encoding = "utf-8-sig"
    elif data.startswith(codecs.BOM_UTF16_LE):
        text = data[2:].decode("utf-16-le", errors="replace")
        notes.append((None, "file is UTF-16 (little-endian), not UTF-8; decoded as UTF-16"))
        return DecodedText(normalize_newlines(text), "utf-16-le", tuple(notes))
    elif data.startswith(codecs.BOM_UTF16_BE):
        text = data[2:].decode("utf-16-be", errors="replace")
        notes.append((None, "file is UTF-16 (big-endian), not UTF-8; decoded as UTF-16"))
        return DecodedText(normalize_newlines(text), "utf-16-be", tuple(notes))
    else:
        body = data
        encoding = "utf-8"
    try:
        return DecodedText(normalize_newlines(body.decode("utf-8")), encoding)
    except UnicodeDecodeError as err:
        bad_offset = err.start
        truncated = err.reason == "unexpected end of data"
    offset_in_data = bad_offset + (len(data) - len(body))
    line = _line_of_offset(data, offset_in_data)
    if truncated:
        notes.append((line, "file ends in the middle of a character (truncated?); replaced by �"))
        text = body.decode("utf-8", errors="replace")
        return DecodedText(normalize_newlines(text), encoding, tuple(notes))
    if encoding == "utf-8-sig" or _UTF8_MULTIBYTE.search(body) is not None:
        notes.append((line, "invalid UTF-8 bytes from this line on were replaced by �"))
        text = body.decode("utf-8", errors="replace")
        return DecodedText(normalize_newlines(text), encoding, tuple(notes))
    notes.append((line, "file is not UTF-8; decoded as windows-1252 (first non-UTF-8 byte here)"))
    text = body.decode("cp1252", errors="replace")
    return DecodedText(normalize_newlines(text), "cp1252", tuple(notes))
