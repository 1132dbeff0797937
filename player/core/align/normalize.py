"""Written words to spoken words: what a speech engine must be given for a text as published.

``spoken_tokens(word, next_word)`` turns one whitespace-separated word of the source into the
lower-case words a reader says for it: numbers, currency, percentages, years, ordinals, decades,
times, acronyms ("U.N."), titles ("Dr.", "Ms."), curly quotes, dashes and hyphens. The source
text itself is never changed: the aligner keeps, for each source word, the spoken tokens it
stands for, and cues show the source.

num2words is a pure-Python library (no engine); it spells numbers out.
"""

from __future__ import annotations

import re
import unicodedata

from num2words import num2words

__all__ = ["currency_unit_after_scale", "is_scale_word", "spoken_tokens"]

TITLES = {
    "dr": "doctor",
    "mr": "mister",
    "mrs": "missus",
    "ms": "miz",
    "st": "saint",
    "gen": "general",
    "sen": "senator",
    "rep": "representative",
    "gov": "governor",
    "amb": "ambassador",
    "prof": "professor",
    "lt": "lieutenant",
    "col": "colonel",
    "capt": "captain",
    "sgt": "sergeant",
    "pres": "president",
    "vs": "versus",
    "etc": "etcetera",
    "jr": "junior",
    "sr": "senior",
    "no": "number",
    "jan": "january",
    "feb": "february",
    "aug": "august",
    "sept": "september",
    "oct": "october",
    "nov": "november",
    "dec": "december",
}
"""Abbreviations with a period, spoken in full (``no`` only before a number)."""

_SCALES = {"thousand", "million", "billion", "trillion", "hundred"}
_CURRENCY = {"$": "dollars", "€": "euros", "£": "pounds", "¥": "yen"}
_CURRENCY_ONE = {"dollars": "dollar", "euros": "euro", "pounds": "pound", "yen": "yen"}
_SYMBOLS = {"&": "and", "%": "percent", "+": "plus", "=": "equals", "@": "at", "#": "number"}

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "ʼ": "'", "`": "'", "´": "'"})
_EDGE = "\"'“”«»‹›()[]{}<>.,;:!?¿¡…*_~|/\\"
_DASHES = re.compile(r"[\u2010-\u2015\u2212]|--")
_NUMBER = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$", re.IGNORECASE)
_DECADE = re.compile(r"^(\d{2,4})'?s$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_DOTTED = re.compile(r"^(?:[A-Za-z]\.){2,}[A-Za-z]?$")
_WORD_CHARS = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def is_scale_word(word: str) -> bool:
    """True for "million", "billion"... (a currency amount's unit is said after them)."""
    return word.strip(_EDGE).lower() in _SCALES


def _say(text: str) -> list[str]:
    """num2words' text as words: hyphens and commas dropped, ``and`` kept."""
    return [w for w in re.split(r"[\s,\-]+", text.lower()) if w]


def _number_words(token: str, *, year_ok: bool) -> list[str] | None:
    """Spoken words for a bare number, ordinal, decade or time; None if ``token`` is not one."""
    if m := _NUMBER.match(token):
        digits, decimals = m.group(1), m.group(2)
        if year_ok and decimals is None and "," not in digits and len(digits) == 4:
            value = int(digits)
            if 1100 <= value <= 2099 and not 2000 <= value <= 2009:
                return _say(num2words(value, to="year"))
        words = _say(num2words(int(digits.replace(",", ""))))
        if decimals is not None:
            words.append("point")
            for digit in decimals:
                words.extend(_say(num2words(int(digit))))
        return words
    if m := _ORDINAL.match(token):
        return _say(num2words(int(m.group(1)), to="ordinal"))
    if m := _DECADE.match(token):
        value = int(m.group(1))
        said = _say(num2words(value, to="year") if value >= 1100 else num2words(value))
        last = said[-1]
        said[-1] = last[:-1] + "ies" if last.endswith("y") else last + "s"
        return said
    if m := _TIME.match(token):
        hours, minutes = int(m.group(1)), int(m.group(2))
        said = _say(num2words(hours))
        if minutes:
            said += (["oh"] if minutes < 10 else []) + _say(num2words(minutes))
        return said
    return None


def _plain(word: str) -> list[str]:
    """A word of letters: lower-cased, hyphens and odd symbols dropped, apostrophes kept."""
    word = unicodedata.normalize("NFC", word).translate(_QUOTES)
    return [w.lower() for w in _WORD_CHARS.findall(word)]


def spoken_tokens(word: str, next_word: str = "", *, shouting: bool = False) -> list[str]:
    """The spoken tokens for one whitespace-separated source ``word`` (maybe none).

    ``next_word`` is the source word after it (for "$2.5 billion" and "No. 5"); ``shouting`` says
    the sentence is in capitals (then short capitals are words, not letters to spell).
    """
    raw = unicodedata.normalize("NFKC", word).translate(_QUOTES)
    raw = _DASHES.sub(" ", raw)
    out: list[str] = []
    for part in raw.split():
        out.extend(_part_tokens(part, next_word, shouting))
    return out


def _part_tokens(part: str, next_word: str, shouting: bool) -> list[str]:
    core = part.strip(_EDGE.replace("%", "").replace("$", ""))
    if not core or all(c in _SYMBOLS for c in core):
        return [_SYMBOLS[c] for c in part if c in _SYMBOLS]
    # A title or abbreviation with its period ("Dr.", "No. 5"): spoken in full.
    bare = part.strip("\"'“”()[]").rstrip(",;:")
    if bare.endswith(".") and bare[:-1].lower() in TITLES and bare[:-1].isalpha():
        key = bare[:-1].lower()
        if key != "no" or _NUMBER.match(next_word.strip(_EDGE) or "x"):
            return [TITLES[key]]
    if _DOTTED.match(core.rstrip(".") + ("." if core.endswith(".") else "")) or _DOTTED.match(core):
        return [c.lower() for c in core if c.isalpha()]
    # Currency: "$2.5", "$2,500", "€40" (unit after a following "billion").
    if core[0] in _CURRENCY:
        amount = core[1:]
        unit = _CURRENCY[core[0]]
        spoken = _number_words(amount, year_ok=False)
        if spoken is None:
            return _plain(core)
        if is_scale_word(next_word):
            return spoken
        if amount in {"1", "1.00"}:
            unit = _CURRENCY_ONE[unit]
        return [*spoken, unit]
    if core.endswith("%"):
        spoken = _number_words(core[:-1], year_ok=False)
        return [*(spoken or _plain(core[:-1])), "percent"]
    spoken = _number_words(core, year_ok=True)
    if spoken is not None:
        return spoken
    if "-" in core or "/" in core:
        out: list[str] = []
        for piece in re.split(r"[-/]", core):
            if piece:
                out.extend(_part_tokens(piece, "", shouting))
        return out
    # Short capitals ("UN", "EU", "UNHCR") are spelled; a word in a capitalised heading is not.
    letters = [c for c in core if c.isalpha()]
    short_caps = not shouting and 2 <= len(letters) <= 5 and core.isupper() and core.isalpha()
    if short_caps and (not re.search(r"[AEIOUY]", core[1:]) or len(core) <= 3):
        return [c.lower() for c in core]
    if any(ch.isdigit() for ch in core):
        out = []
        for piece in re.findall(r"\d[\d,]*(?:\.\d+)?|[^\W\d_]+", core):
            said = _number_words(piece, year_ok=False)
            out.extend(said if said is not None else _plain(piece))
        return out
    return _plain(core)


def currency_unit_after_scale(previous_word: str) -> str | None:
    """The unit said after a scale word that follows a currency amount ("$2.5 billion")."""
    core = previous_word.strip(_EDGE)
    if core and core[0] in _CURRENCY and _NUMBER.match(core[1:]):
        return _CURRENCY[core[0]]
    return None
