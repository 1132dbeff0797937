"""Showing a hit: the text around it (plain strings) and stepping through hits.

Kept apart from the matching (:mod:`player.core.text.search`, which re-exports both names).
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["next_hit_index", "snippet"]


class _Span(Protocol):
    """A match's ``[start, end)`` character offsets (a ``search.Hit``)."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def snippet(text: str, hit: _Span, context_chars: int = 40) -> tuple[str, str, str]:
    """``(before, match, after)`` around ``hit`` in ``text`` (a cue's plain text).

    At most ``context_chars`` characters on each side, cut at a word boundary where possible,
    with "…" where text was cut; line breaks are shown as " / ". Plain strings: the caller
    escapes them for display.
    """
    start = max(0, min(hit.start, len(text)))
    end = max(start, min(hit.end, len(text)))
    lo = max(0, start - context_chars)
    hi = min(len(text), end + context_chars)
    before = text[lo:start]
    after = text[end:hi]
    if lo > 0:
        cut = _first_space(before)
        if 0 <= cut < len(before) - 1:
            before = before[cut + 1 :]
        before = "…" + before.lstrip()
    if hi < len(text):
        cut = _last_space(after)
        if cut > 0:
            after = after[:cut]
        after = after.rstrip() + "…"
    return _lines(before), _lines(text[start:end]), _lines(after)


def _first_space(s: str) -> int:
    for i, ch in enumerate(s):
        if ch.isspace():
            return i
    return -1


def _last_space(s: str) -> int:
    for i in range(len(s) - 1, -1, -1):
        if s[i].isspace():
            return i
    return -1


def _lines(s: str) -> str:
    return s.replace("\r\n", "\n").replace("\n", " / ")


def next_hit_index(current: int | None, count: int, *, backward: bool = False) -> tuple[int, bool]:
    """Step through ``count`` hits from ``current`` (None: none selected yet).

    Returns ``(index, wrapped)``; ``wrapped`` is True when the step went past the last hit back
    to the first (or, backward, past the first to the last), so the UI can say so. Raises
    ``ValueError`` when there are no hits.
    """
    if count <= 0:
        raise ValueError("no hits to step through")
    if current is None or not 0 <= current < count:
        return (count - 1 if backward else 0), False
    if backward:
        return (count - 1, True) if current == 0 else (current - 1, False)
    return (0, True) if current == count - 1 else (current + 1, False)
