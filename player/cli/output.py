"""Terminal-safe, encoding-safe output for the subcommands: every line they print goes through here.

Cue text, speakers, titles and file names come from files the user did not write, so a line
printed as it is could drive the terminal: clear the screen, set the window title, write the
clipboard (OSC 52), hide a hyperlink, or reorder what is shown. :func:`escape` makes every such
character visible instead, in Python's backslash notation:

* C0 controls (U+0000..U+001F, newline and carriage return included: one record is one line),
  DEL (U+007F) and the C1 controls (U+0080..U+009F, where U+009B is an 8-bit CSI): ``\\x1b``.
  The tab is kept, as the field separator of ``search`` and ``library`` lines (the records'
  own tabs are turned into spaces by their formatters).
* The bidirectional embedding, override and isolate controls (U+202A..U+202E, U+2066..U+2069):
  ``\\u202e``. A judgement call: they have legitimate uses in right-to-left text, but in a
  terminal they can make a line read differently from what it holds ("Trojan Source"), and
  right-to-left text shows correctly without them. The marks U+200E, U+200F and U+061C are kept:
  they only set the direction of neutral characters next to them.
* Lone surrogates (a file name that is not valid UTF-8, decoded by Python as U+DC80..U+DCFF):
  ``\\xNN``, the original byte.

A backslash already in the text is printed as it is, so ``\\x1b`` in the output may also be
those four characters in the file: the escaping is for a person reading the terminal, the
``--json`` output is the exact one.

Writing never raises ``UnicodeEncodeError``: a character the stream's encoding cannot hold
(``PYTHONIOENCODING=cp1252``, a redirected stream on Windows) is written as ``\\uXXXX`` (past
U+FFFF as a UTF-16 pair, ``\\ud83d\\ude00``, so that a JSON line stays valid JSON).

JSON lines (:func:`json_line`) are escaped the same way inside their strings (as
``\\u009b``-style JSON escapes, so they stay exact and parseable); ``json`` itself already
escapes the C0 controls.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any, TextIO

__all__ = ["escape", "json_line", "write_line"]

_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""Characters :func:`escape` makes visible (everything but the tab of C0, see the docstring)."""

_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What ``json.dumps(..., ensure_ascii=False)`` leaves raw and :func:`json_line` escapes."""


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def escape(text: str) -> str:
    """``text`` with every character that could control a terminal shown as a backslash
    escape (the tab kept); see the module docstring for the list."""
    return _UNSAFE.sub(_visible, text)


def json_line(record: Any) -> str:
    """``record`` as one JSON line (UTF-8 text kept readable), with the characters a terminal
    could act on (C1, DEL, bidirectional controls, lone surrogates) as ``\\uXXXX`` escapes.
    Those characters only occur inside JSON strings, where the escapes mean the same text."""
    text = json.dumps(record, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write_line(line: str, stream: TextIO | None = None, *, raw: bool = False) -> None:
    """Write ``line`` and a newline to ``stream`` (default ``sys.stdout``), escaped with
    :func:`escape` unless ``raw`` (a line made by :func:`json_line`); characters the stream's
    encoding cannot hold become ``\\uXXXX`` instead of an error."""
    out = sys.stdout if stream is None else stream
    text = (line if raw else escape(line)) + "\n"
    try:
        out.write(text)
    except UnicodeEncodeError:
        out.write(_encodable(text, getattr(out, "encoding", None) or "ascii"))


def _encodable(text: str, encoding: str) -> str:
    """``text`` with each character ``encoding`` cannot hold as ``\\uXXXX`` (a pair of them,
    UTF-16 surrogates, past U+FFFF: the same text in JSON, and readable in any line)."""
    try:
        text.encode(encoding)
    except LookupError:
        encoding = "ascii"
    except UnicodeEncodeError:
        pass
    parts = []
    for char in text:
        try:
            char.encode(encoding)
            parts.append(char)
        except UnicodeEncodeError:
            code = ord(char)
            if code > 0xFFFF:
                code -= 0x10000
                parts.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                parts.append(f"\\u{code:04x}")
    return "".join(parts)


def fail(path: str | None, message: str) -> int:
    """Print ``error: PATH: message`` on stderr (terminal-safe); the exit status 2."""
    where = f"{path}: " if path else ""
    write_line(f"error: {where}{message}", sys.stderr)
    return 2


class ProgressPrinter:
    """Progress of a long command on stderr: a bar on a terminal, otherwise a ``LABEL: N%``
    line every 10 % (and at the end). Call it with a fraction; :meth:`finish` ends the bar."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._tty = sys.stderr.isatty()
        self._last = -1

    def __call__(self, fraction: float) -> None:
        percent = int(fraction * 100)
        if self._tty:
            if percent != self._last:
                filled = percent * 30 // 100
                bar = "#" * filled + "-" * (30 - filled)
                sys.stderr.write(f"\r{self._label} [{bar}] {percent:3d}%")
                sys.stderr.flush()
        elif percent // 10 != self._last // 10 or (percent == 100 and self._last != 100):
            sys.stderr.write(f"{self._label}: {percent}%\n")
            sys.stderr.flush()
        self._last = percent

    def finish(self) -> None:
        """End the bar's line (a terminal only)."""
        if self._tty and self._last >= 0:
            sys.stderr.write("\n")
            sys.stderr.flush()
