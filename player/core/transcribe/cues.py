"""Recognised words made into caption cues: sentences, clause splits, and likely speaker changes.

``make_cues(words)`` cuts the words (in time order, as the recogniser wrote them) into one cue
per sentence (ending ``.``, ``?`` or ``!``, abbreviations such as "Mr." excepted); a sentence
longer than about two caption lines is split after a comma near its middle, and a pause of
more than 1.5 s inside a sentence also ends a cue. Each cue keeps its words' start times.

Speakers are never named: where a long pause makes a change of speaker likely -- 1.5 s or more
after a question, or 4 s or more after anything -- a new generic voice (``Speaker 2``,
``Speaker 3``…) starts. With no such pause, no voice is written at all. Conservative on
purpose: a false new voice is worse than a missing one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from player.core.transcribe.types import TranscribedCue, Word

__all__ = [
    "MAX_CUE_CHARS",
    "PAUSE_AFTER_QUESTION_MS",
    "PAUSE_NEW_SPEAKER_MS",
    "make_cues",
    "voice_changes",
]

MAX_CUE_CHARS = 120
"""About two caption lines: a longer sentence is split at a clause boundary."""
PAUSE_IN_SENTENCE_MS = 1500
PAUSE_AFTER_QUESTION_MS = 1500
PAUSE_NEW_SPEAKER_MS = 4000
_CUE_TAIL_MS = 150

_ABBREVIATIONS = frozenset(
    [
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "st.",
        "mt.",
        "no.",
        "vs.",
        "gen.",
        "gov.",
        "sen.",
        "rep.",
        "prof.",
        "jr.",
        "sr.",
        "lt.",
        "col.",
        "capt.",
        "sgt.",
        "u.s.",
        "u.n.",
        "u.k.",
        "e.g.",
        "i.e.",
        "etc.",
        "approx.",
        "dept.",
        "inc.",
        "ltd.",
        "co.",
    ]
)
_END = re.compile(r"[.?!…][\"'”’)\]]*$")


def _ends_sentence(text: str) -> bool:
    return bool(_END.search(text)) and text.lower() not in _ABBREVIATIONS


def _sentences(words: Sequence[Word]) -> list[list[Word]]:
    out: list[list[Word]] = []
    current: list[Word] = []
    for index, word in enumerate(words):
        if current and word.start_ms - current[-1].end_ms > PAUSE_IN_SENTENCE_MS:
            out.append(current)
            current = []
        current.append(word)
        if _ends_sentence(word.text) or index == len(words) - 1:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def _split_long(sentence: list[Word]) -> list[list[Word]]:
    length = sum(len(w.text) + 1 for w in sentence)
    if length <= MAX_CUE_CHARS or len(sentence) < 4:
        return [sentence]
    middle = length / 2
    best, best_score = -1, float("inf")
    at = 0
    for index, word in enumerate(sentence[:-2]):
        at += len(word.text) + 1
        if index < 1:
            continue
        clause = word.text.endswith((",", ";", ":", "—"))
        score = abs(at - middle) + (0 if clause else length / 3)
        if score < best_score:
            best, best_score = index, score
    head, tail = sentence[: best + 1], sentence[best + 1 :]
    return _split_long(head) + _split_long(tail)


def voice_changes(sentences: Sequence[Sequence[Word]]) -> list[bool]:
    """For each sentence, whether a new speaker likely starts it (never the first)."""
    changes = [False] * len(sentences)
    for index in range(1, len(sentences)):
        before, this = sentences[index - 1], sentences[index]
        if not before or not this:
            continue
        pause = this[0].start_ms - before[-1].end_ms
        question = before[-1].text.rstrip("\"'”’)]").endswith("?")
        if pause >= PAUSE_NEW_SPEAKER_MS or (question and pause >= PAUSE_AFTER_QUESTION_MS):
            changes[index] = True
    return changes


def make_cues(words: Sequence[Word]) -> list[TranscribedCue]:
    """The cues of ``words`` (see the module docstring), in time order."""
    words = [w for w in words if w.text.strip()]
    sentences = _sentences(words)
    changes = voice_changes(sentences)
    speaker = 1
    any_change = any(changes)
    cues: list[TranscribedCue] = []
    for sentence, change in zip(sentences, changes, strict=True):
        if change:
            speaker += 1
        voice = f"Speaker {speaker}" if any_change else None
        for part in _split_long(sentence):
            cues.append(_cue(part, voice))
    for index in range(len(cues) - 1):
        following = cues[index + 1].start_ms
        if cues[index].end_ms > following:
            cue = cues[index]
            cues[index] = TranscribedCue(
                cue.start_ms, max(cue.start_ms + 1, following), cue.text, cue.words, cue.voice
            )
    return cues


def _cue(words: Sequence[Word], voice: str | None) -> TranscribedCue:
    text_parts: list[str] = []
    timings: list[tuple[int, int]] = []
    at = 0
    last_start = -1
    for word in words:
        text = word.text.strip()
        if word.start_ms > last_start:
            timings.append((at, word.start_ms))
            last_start = word.start_ms
        text_parts.append(text)
        at += len(text) + 1
    start = timings[0][1]
    end = max(max(w.end_ms for w in words) + _CUE_TAIL_MS, start + 1)
    return TranscribedCue(start, end, " ".join(text_parts), tuple(timings), voice)
