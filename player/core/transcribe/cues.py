"""Recognised words made into caption cues: sentences, clause splits, and likely speaker changes.

``make_cues(words)`` cuts the words (in time order, as the recogniser wrote them) into one cue
per sentence (ending ``.``, ``?`` or ``!``, abbreviations such as "Mr." excepted); a sentence
longer than about two caption lines is split after a comma near its middle, and a pause of
more than 1.5 s inside a sentence also ends a cue. Each cue keeps its words' start times.

``snap_to_onsets(cues, pauses)`` then starts each cue where its speech starts:

* a first word placed inside a pause: the cue starts at the pause's end;
* with no pause since the previous cue, a first word placed before a pause of 0.3 s or more
  that ends before the second word (it was put in the speech before): at that pause's end;
* a first word placed 0.1-1.5 s after the end of a pause that follows the previous cue's last
  word (a first word the aligner skipped or placed late): at that pause's end.

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
    "snap_to_onsets",
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


_ONSET_SLACK_MS = 100
_ONSET_REACH_MS = 1500


def snap_to_onsets(
    cues: Sequence[TranscribedCue], pauses: Sequence[tuple[int, int]]
) -> list[TranscribedCue]:
    """``cues`` with each start moved to its speech onset (see the module docstring)."""
    out: list[TranscribedCue] = []
    floor = 0
    for cue in cues:
        start = cue.start_ms
        limit = cue.words[1][1] if len(cue.words) > 1 else cue.end_ms
        inside = [p for p in pauses if p[0] <= start < p[1]]
        before = [p for p in pauses if floor <= p[1] <= start]
        between = [p for p in pauses if start < p[0] and p[1] <= limit and p[1] - p[0] >= 300]
        if before:  # a pause right before the first word: it starts a sentence already
            between = []
        if inside and inside[0][1] < limit:
            start = inside[0][1]
        elif between:
            start = between[-1][1]  # the first word was placed in the speech before the pause
        elif before and _ONSET_SLACK_MS < start - before[-1][1] <= _ONSET_REACH_MS:
            start = before[-1][1]
        if start != cue.start_ms:
            words = ((0, start), *[w for w in cue.words if w[0] > 0])
            cue = TranscribedCue(start, max(cue.end_ms, start + 1), cue.text, words, cue.voice)
            if out and out[-1].end_ms > start:
                last = out[-1]
                out[-1] = TranscribedCue(
                    last.start_ms, max(last.start_ms + 1, start), last.text, last.words, last.voice
                )
        out.append(cue)
        floor = max(floor, cue.words[-1][1] + 1 if cue.words else cue.start_ms)
    return out
