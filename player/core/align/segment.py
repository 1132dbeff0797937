"""A published text cut into what will become cues: paragraphs, speaker labels, sentences, words.

``split_text(text)`` returns :class:`Sentence` objects in source order. Each keeps its text
exactly as written (only the line breaks inside a paragraph become spaces), the 1-based line
where it starts, the paragraph's speaker label (``MS. KOVAC:``, ``Q:``, ``Ambassador
DeLaurentis:``; not spoken, shown as a voice) and its words, each with the spoken tokens the
engine is given (``player.core.align.normalize``). A sentence in brackets ("(Laughter.)") is
marked as not speech. A sentence longer than about two caption lines is split at a clause
boundary (comma, semicolon, colon, dash), else at a space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from player.core.align.normalize import (
    TITLES,
    currency_unit_after_scale,
    is_scale_word,
    spoken_tokens,
)

__all__ = ["MAX_CUE_CHARS", "Sentence", "SourceWord", "split_text"]

MAX_CUE_CHARS = 84
"""About two caption lines: a longer sentence is split at a clause boundary."""

_LABEL = re.compile(
    r"""^(?P<label>(?:
        (?:Q|A)                                             # Q: / A:
      | (?:(?:MR|MS|MRS|DR|MX)\.?\s+)?[A-Z][A-Z'’\-]+(?:\s+[A-Z][A-Z'’\-.]*){0,3}  # MS. KOVAC
      | (?:[A-Z][\w'’\-]*\.?\s+){1,3}[A-Z][\w'’\-]+        # Ambassador DeLaurentis
    )(?:\s+\([^()\n]{1,40}\))?                              # Mr. Smith (United Kingdom)
    )
    :\s+(?=\S)""",
    re.VERBOSE,
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9¿¡])")
_CLAUSE = re.compile(r"[,;:]\s|\s[—–-]{1,2}\s")
_ABBREV = {*TITLES, "u.s", "u.n", "u.k", "e.g", "i.e", "a.m", "p.m", "inc", "ltd", "co"}


@dataclass(frozen=True, slots=True)
class SourceWord:
    """One whitespace-separated word: ``start``/``end`` in ``Sentence.text``, its spoken tokens."""

    start: int
    end: int
    tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence (or a long sentence's clause) as written, with where it came from."""

    text: str
    line: int
    speaker: str | None
    words: tuple[SourceWord, ...]
    speech: bool = True
    paragraph: int = 0

    @property
    def tokens(self) -> list[str]:
        """All spoken tokens of the sentence, in order."""
        return [token for word in self.words for token in word.tokens]


@dataclass(frozen=True, slots=True)
class _Paragraph:
    text: str
    line: int
    speaker: str | None


def _paragraphs(text: str, speaker_labels: bool) -> list[_Paragraph]:
    lines = text.split("\n")
    has_blank = any(not line.strip() for line in lines)
    found: list[_Paragraph] = []
    current: list[str] = []
    start_line = 1
    speaker: str | None = None

    def close() -> None:
        nonlocal current
        body = " ".join(part.strip() for part in current).strip()
        if body:
            found.append(_Paragraph(body, start_line, speaker))
        current = []

    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            close()
            continue
        match = _LABEL.match(stripped) if speaker_labels else None
        heading_before = bool(current) and _is_heading(current[-1])
        if match or not has_blank or not current or heading_before:
            close()
            start_line = number
            speaker = None
            if match:
                speaker = match.group("label").strip()
                stripped = stripped[match.end() :]
        current.append(stripped)
    close()
    return found


def _is_heading(line: str) -> bool:
    """A short line without closing punctuation (a title, a date): a paragraph of its own."""
    line = line.strip()
    return len(line) < 60 and not re.search(r"[.!?,;:\"'”’)\]…-]$", line)


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()].split()
        last = before[-1].lower().rstrip(".") if before else ""
        if match.group().startswith(".") and (
            last in _ABBREV
            or (len(last) == 1 and last.isalpha())
            or re.fullmatch(r"(\w\.)+\w", last)
        ):
            continue
        spans.append((start, match.end()))
        start = match.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _split_long(text: str, max_chars: int) -> list[str]:
    """Cut ``text`` at the clause boundary nearest its middle until each piece fits."""
    if len(text) <= max_chars + max_chars // 4:
        return [text]
    middle = len(text) // 2
    cuts = [m.end() for m in _CLAUSE.finditer(text) if 15 <= m.end() <= len(text) - 15]
    if not cuts:
        cuts = [m.end() for m in re.finditer(r"\s+", text) if 15 <= m.end() <= len(text) - 15]
    if not cuts:
        return [text]
    cut = min(cuts, key=lambda at: abs(at - middle))
    head, tail = text[:cut].rstrip(), text[cut:].lstrip()
    return [*_split_long(head, max_chars), *_split_long(tail, max_chars)]


def _words(text: str) -> tuple[SourceWord, ...]:
    matches = list(re.finditer(r"\S+", text))
    shouting = sum(c.isupper() for c in text) > 0.6 * max(1, sum(c.isalpha() for c in text))
    words: list[SourceWord] = []
    for index, match in enumerate(matches):
        word = match.group()
        following = matches[index + 1].group() if index + 1 < len(matches) else ""
        tokens = spoken_tokens(word, following, shouting=shouting)
        if index and is_scale_word(word):
            unit = currency_unit_after_scale(matches[index - 1].group())
            if unit:
                tokens = [*tokens, unit]
        words.append(SourceWord(match.start(), match.end(), tuple(tokens)))
    return tuple(words)


def _is_stage_direction(text: str) -> bool:
    stripped = text.strip()
    return bool(re.fullmatch(r"[(\[][^()\[\]]*[)\]][.!?]?", stripped))


def split_text(
    text: str, *, speaker_labels: bool = True, max_cue_chars: int = MAX_CUE_CHARS
) -> list[Sentence]:
    """The sentences of ``text`` (LF line endings) in source order; see the module docstring."""
    sentences: list[Sentence] = []
    for index, paragraph in enumerate(_paragraphs(text, speaker_labels)):
        for start, end in _sentence_spans(paragraph.text):
            whole = paragraph.text[start:end].strip()
            if not whole:
                continue
            speech = not _is_stage_direction(whole)
            pieces = _split_long(whole, max_cue_chars) if speech else [whole]
            for piece in pieces:
                words = _words(piece)
                if not any(word.tokens for word in words):
                    speech = False
                sentences.append(
                    Sentence(
                        piece,
                        paragraph.line,
                        paragraph.speaker,
                        words,
                        speech=speech and any(word.tokens for word in words),
                        paragraph=index,
                    )
                )
    return sentences
