"""Folding text for matching: case, accents and typographic quotes, the one rule of every search.

``fold("Bogotá ÉCOLE ’")`` is ``"bogota ecole '"``: casefolded (``str.casefold``, so "Straße"
becomes "strasse"), accents removed (Unicode NFKD without combining marks) and curly quotes made
straight. The transcript search and the archive's listing and search all fold through here.
Folded text never contains :data:`SEPARATOR`, so a search can join cues with it.
"""

from __future__ import annotations

import unicodedata

__all__ = ["SEPARATOR", "fold", "fold_with_offsets"]

SEPARATOR = "\x00"
"""Never in folded text (it folds to a space): neither whitespace nor a word character."""

_PUNCT_FOLD = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', SEPARATOR: " "})


class _FoldTable(dict[int, str]):
    """``str.translate`` table that folds each character on first sight and remembers it."""

    def __init__(self, casefold: bool) -> None:
        super().__init__()
        self._casefold = casefold
        # Characters that fold to anything but exactly one character (shift offsets).
        self.irregular: set[str] = set()

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = ch.casefold() if self._casefold else ch
        out = unicodedata.normalize("NFKD", out)
        out = "".join(c for c in out if not unicodedata.combining(c))
        out = out.translate(_PUNCT_FOLD)
        if len(out) != 1:
            self.irregular.add(ch)
        self[code] = out
        return out


_FULL_FOLD = _FoldTable(casefold=True)
_ACCENT_FOLD = _FoldTable(casefold=False)


def fold(text: str, *, casefold: bool = True) -> str:
    """Normalise text for matching: accents stripped, curly quotes straightened, and casefolded
    unless ``casefold`` is False."""
    if text.isascii():
        out = text.lower() if casefold else text
        return out.replace(SEPARATOR, " ") if SEPARATOR in out else out
    return text.translate(_FULL_FOLD if casefold else _ACCENT_FOLD)


def fold_with_offsets(text: str, *, casefold: bool) -> tuple[str, tuple[int, ...] | None]:
    """:func:`fold` ``text``; also return, when offsets shift, the source offset of each folded
    character plus a final ``len(text)`` sentinel (None when folding is one-to-one)."""
    folded = fold(text, casefold=casefold)
    table = _FULL_FOLD if casefold else _ACCENT_FOLD
    if text.isascii() or (len(folded) == len(text) and table.irregular.isdisjoint(text)):
        return folded, None
    src: list[int] = []
    for i, ch in enumerate(text):
        src.extend([i] * len(table[ord(ch)]))
    src.append(len(text))
    return folded, tuple(src)
