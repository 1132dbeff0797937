"""The one quote format: the quote template for every copy path, prose joining, and the
one-line forms the commands print.

Copying a quote (the transcript's selected lines or words, the line playing now, bookmarks) goes
through :class:`QuoteFormatter`: a template with the fields ``{text}``, ``{speaker}``,
``{title}``, ``{date}``, ``{time}`` (``HH:MM:SS``), ``{timestamp}`` (``HH:MM:SS.s``) and
``{note}``. The default, :data:`DEFAULT_TEMPLATE`, gives ``"…text…" — Speaker, Title, 00:01:23``;
:data:`PLAIN_TEMPLATE` gives ``[00:01:23.5] Speaker: text``. The text is joined as prose
(:func:`prose`): line breaks become spaces and a word hyphenated at a line end is made whole.
A field left empty (no speaker, no title) takes its separator with it, so no ``, ,`` or
``: text`` is left behind. A note not placed by the template follows as `` — note``.

The commands keep their one-line forms: ``[HH:MM:SS.mmm] Speaker: text — note``
(:func:`format_quote`, the ``transcript`` command) and the tab-separated hit line of ``search``.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from player.core.model import Cue
from player.core.timeline.timecode import format_timestamp

__all__ = [
    "DEFAULT_TEMPLATE",
    "FIELDS",
    "PLAIN_TEMPLATE",
    "Quote",
    "QuoteFormatter",
    "QuoteSource",
    "format_hit_line",
    "format_quote",
    "one_line",
    "prose",
    "quote_cue",
    "said_line",
    "short_time",
    "template_problem",
    "tenths_time",
]

DEFAULT_TEMPLATE = '"{text}" — {speaker}, {title}, {time}'
"""The quote copied by default: ``"…text…" — Speaker, Title, 00:01:23``."""
PLAIN_TEMPLATE = "[{timestamp}] {speaker}: {text}"
"""The plain variant: ``[00:01:23.5] Speaker: text``."""
FIELDS = ("text", "speaker", "title", "date", "time", "timestamp", "note")
"""The fields a template may use."""

# A hyphen at a line end, between a letter before it and a lower-case letter after it.
_HYPHENATED = re.compile(r"(?<=[^\W\d_])-\s*\n\s*(?=[^\W\d_])")
_LINE_BREAK = re.compile(r"\s*\n\s*")


def one_line(text: str) -> str:
    """Cue text on one line: each line stripped, blank lines dropped, joined by `` / ``."""
    return " / ".join(stripped for line in text.splitlines() if (stripped := line.strip()))


def prose(text: str) -> str:
    """Cue text as running prose: line breaks become spaces, a word hyphenated at a line end
    (``desalina-`` / ``tion``, lower case after the break) is joined without its hyphen, and
    runs of whitespace become one space."""
    lines = [line.strip() for line in text.splitlines()]
    joined = "\n".join(line for line in lines if line)

    def unhyphen(match: re.Match[str]) -> str:
        after = joined[match.end() : match.end() + 1]
        return "" if after.islower() else "-"

    joined = _HYPHENATED.sub(unhyphen, joined)
    return " ".join(_LINE_BREAK.sub(" ", joined).split())


def said_line(text: str, speaker: str | None = None) -> str:
    """``Speaker: text`` on one line (just the text when there is no speaker)."""
    line = one_line(text)
    return f"{speaker}: {line}" if speaker else line


def format_quote(
    start_ms: int, text: str, speaker: str | None = None, note: str | None = None
) -> str:
    """``[HH:MM:SS.mmm] Speaker: text — note`` (no trailing space; the note's whitespace is
    collapsed, and without a note there is no dash)."""
    line = f"[{format_timestamp(start_ms)}] {said_line(text, speaker)}".rstrip()
    note_text = " ".join(note.split()) if note else ""
    return f"{line} — {note_text}" if note_text else line


def quote_cue(cue: Cue) -> str:
    """A cue as a quotable line: ``[HH:MM:SS.mmm] Speaker: text``."""
    return format_quote(cue.start_ms, cue.text, cue.speaker)


def format_hit_line(name: str, start_ms: int, text: str, speaker: str | None = None) -> str:
    """A search hit as one tab-separated line: ``NAME<TAB>HH:MM:SS.mmm<TAB>Speaker: text``
    (tabs and line breaks left in the text or the speaker become spaces or `` / ``, so the line
    always has three columns)."""
    said = said_line(text, speaker).replace("\t", " ").replace("\r", " ").replace("\n", " / ")
    return f"{name}\t{format_timestamp(start_ms)}\t{said}"


def short_time(t_ms: int) -> str:
    """``HH:MM:SS`` (the milliseconds dropped, not rounded: the quote's words start after it)."""
    return format_timestamp(t_ms)[:8]


def tenths_time(t_ms: int) -> str:
    """``HH:MM:SS.s`` (tenths of a second, truncated)."""
    return format_timestamp(t_ms)[:10]


@dataclass(frozen=True, slots=True)
class QuoteSource:
    """Where quotes come from: the briefing's title (its tag, else the file name) and date."""

    title: str = ""
    date: str = ""

    @classmethod
    def from_media(
        cls, file_name: str | None, tag_title: str | None = None, tag_date: str | None = None
    ) -> QuoteSource:
        """The title from the media's tag, else its file name without the extension."""
        title = " ".join((tag_title or "").split())
        if not title and file_name:
            stem = file_name.replace("\\", "/").rsplit("/", 1)[-1]
            title = stem.rsplit(".", 1)[0] if "." in stem[1:] else stem
        return cls(title=title, date=" ".join((tag_date or "").split()))


@dataclass(frozen=True, slots=True)
class Quote:
    """One thing to quote: its words, when they start, who said them and an optional note."""

    start_ms: int
    text: str
    speaker: str | None = None
    note: str | None = None

    @classmethod
    def of_cue(cls, cue: Cue, note: str | None = None) -> Quote:
        """The whole of ``cue``."""
        return cls(cue.start_ms, cue.text, cue.speaker, note)


def template_problem(template: str) -> str | None:
    """Why ``template`` cannot be used (a field not in :data:`FIELDS`, a stray brace), or None."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as err:
        return f"the template is not valid: {err}"
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in FIELDS or spec or conversion:
            return f"unknown field {{{field}}} (use {', '.join('{' + f + '}' for f in FIELDS)})"
    if not any(field == "text" for _l, field, _s, _c in parsed):
        return "the template must contain {text}"
    return None


# Separators left dangling by an empty field, tidied after the fields are filled in.
_TIDY = (
    (re.compile(r"(?:,\s*){2,}"), ", "),  # "a, , b" -> "a, b"
    (re.compile(r"([—–-])\s*,\s*"), r"\1 "),  # "— , Title" -> "— Title"
    (re.compile(r"(\])\s+:\s+"), r"\1 "),  # "[00:01:02.3] : text" -> "[00:01:02.3] text"
    (re.compile(r"^\s*[,:]\s*"), ""),  # a line starting with a separator
    (re.compile(r"\s*[,:—–]\s*$"), ""),  # ... or ending with one
    (re.compile(r"\(\s*\)|\[\s*\]"), ""),  # empty brackets
    (re.compile(r"[ \t]{2,}"), " "),
)


class QuoteFormatter:
    """Quotes written with one template and one source (see the module docstring)."""

    def __init__(self, template: str = DEFAULT_TEMPLATE, source: QuoteSource | None = None):
        """``template`` falls back to :data:`DEFAULT_TEMPLATE` when it cannot be used."""
        self.template = template if template_problem(template) is None else DEFAULT_TEMPLATE
        self.source = source or QuoteSource()

    def format(self, quote: Quote) -> str:
        """One quote as text (one line, unless the template itself holds a line break)."""
        note = " ".join(quote.note.split()) if quote.note else ""
        fields = {
            "text": prose(quote.text),
            "speaker": " ".join((quote.speaker or "").split()),
            "title": self.source.title,
            "date": self.source.date,
            "time": short_time(quote.start_ms),
            "timestamp": tenths_time(quote.start_ms),
            "note": note,
        }
        line = self.template.format_map(fields)
        for pattern, replacement in _TIDY:
            line = pattern.sub(replacement, line)
        line = line.strip()
        if note and "{note}" not in self.template:
            line = f"{line} — {note}"
        return line

    def format_all(self, quotes: list[Quote] | tuple[Quote, ...]) -> str:
        """Several quotes, one per line."""
        return "\n".join(self.format(q) for q in quotes)
