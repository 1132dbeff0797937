"""The alignment pipeline: anchor the text in the speech, then force-align sentence by sentence.

1. The audio is cut into windows of at most 25 s at pauses, and each window is recognised with
   the text's own words (``SpeechAligner.recognize``).
2. The recognised words are matched to the text's spoken tokens with an edit-distance alignment
   (rapidfuzz: repeated phrases do not mis-anchor as with difflib). Matched tokens are anchors.
3. Each sentence with enough anchors is force-aligned (``SpeechAligner.align``) in a window from
   the end of the sentence before it to the first anchor of the sentence after it, so speech that
   is missing from the text never pulls the next cue early.
4. A sentence without anchors, a stage direction, or a sentence the engine could only squeeze in
   is *unaligned*: it is kept as a NOTE at its place, never given a made-up time.

Pure: the engine is injected. ``align_sentences`` is the entry; ``retime_words`` re-times words
that already have rough times (a recogniser's own words, for transcription).
"""

from __future__ import annotations

import logging
import re
import time
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from rapidfuzz.distance import Levenshtein

from player.core.align.pauses import chunk_bounds, find_pauses, frame_levels
from player.core.align.segment import Sentence
from player.core.align.types import (
    AlignCancelled,
    AlignedCue,
    AlignError,
    AlignmentResult,
    Audio,
    CueWord,
    ProgressCallback,
    RecognizedWord,
    SpeechAligner,
    StopCheck,
    UnalignedText,
    WordTime,
)

__all__ = ["align_sentences", "retime_words"]

log = logging.getLogger(__name__)

MAX_WORDS_PER_SECOND = 6.0
"""More text than this per second of audio cannot have been read in it."""
_WORD_MS = 330
"""A typical spoken token's length, to estimate where unanchored words lie."""
_MIN_WORD_MS = 60
"""A sentence placed in less than this per token was squeezed: reported unaligned instead."""
_CUE_TAIL_MS = 150
# fmt: off
_COMMON_ENGLISH = frozenset({
    "the", "of", "and", "to", "a", "in", "is", "that", "it", "for", "on", "was", "with", "as",
    "be", "by", "at", "this", "are", "from", "have", "has", "not", "we", "you", "i", "they",
    "he", "she", "our", "their", "will", "would", "what", "which", "there", "been", "were",
    "an", "or", "but", "all",
})
# fmt: on
"""English's most frequent words: about a third of the benchmark's English texts, under 5% of
the French and German samples in the tests."""


def _check(should_stop: StopCheck) -> None:
    if should_stop():
        raise AlignCancelled


def _never() -> bool:
    return False


class _Progress:
    """Progress reports, at most every 0.2 s plus the ends, never going back."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self._callback = callback
        self._last_t = 0.0
        self._last_value = -1.0

    def __call__(self, value: float, *, force: bool = False) -> None:
        if self._callback is None:
            return
        now = time.monotonic()
        value = min(1.0, max(self._last_value, value))
        if force or now - self._last_t >= 0.2:
            self._last_t = now
            self._last_value = value
            self._callback(value)


@dataclass
class _Plan:
    """One speech sentence's token range in the whole text and its anchors."""

    index: int
    first: int
    last: int  # exclusive
    anchors: list[tuple[int, RecognizedWord]]

    @property
    def size(self) -> int:
        return self.last - self.first

    def estimated_start(self) -> int:
        token, word = self.anchors[0]
        return word.start_ms - (token - self.first) * _WORD_MS

    def estimated_end(self) -> int:
        token, word = self.anchors[-1]
        return word.end_ms + (self.last - 1 - token) * _WORD_MS

    def start_bound(self) -> int:
        """Where the sentence before must end: this one's first anchor, less a short allowance
        for the words before that anchor (a third of a typical word each)."""
        token, word = self.anchors[0]
        return word.start_ms - (token - self.first) * (_WORD_MS // 3)


def _check_text(sentences: Sequence[Sentence], audio: Audio, english: bool) -> list[str]:
    tokens = [token for sentence in sentences if sentence.speech for token in sentence.tokens]
    if not tokens:
        raise AlignError("the text has no words to align")
    seconds = max(audio.duration_ms, 1) / 1000
    if len(tokens) > MAX_WORDS_PER_SECOND * seconds + 20:
        raise AlignError(
            f"the text is far longer than the audio ({len(tokens)} words for "
            f"{seconds:.0f} s of audio)"
        )
    foreign = sum(1 for token in tokens if not re.fullmatch(r"[a-z']+", token))
    common = sum(1 for token in tokens if token in _COMMON_ENGLISH)
    unlike_english = foreign > 0.3 * len(tokens) or (
        len(tokens) >= 12 and common < 0.08 * len(tokens)
    )
    if english and unlike_english:
        raise AlignError(
            "the text does not look like English; the shipped speech model is English "
            "(use --model DIR with a pocketsphinx model for its language)"
        )
    return tokens


def _check_audio(audio: Audio, report: _Progress, should_stop: StopCheck) -> list[int]:
    """The audio's frame levels; ``AlignError`` when there is no audio or only silence."""
    if audio.duration_ms < 200:
        raise AlignError("the media has no audio to align")
    levels = frame_levels(audio, progress=lambda f: report(0.05 * f), should_stop=should_stop)
    if not levels or sorted(levels)[len(levels) * 99 // 100] < 40:
        raise AlignError("the audio is silent")
    return levels


def _recognize_all(
    audio: Audio,
    pauses: list[tuple[int, int]],
    vocabulary: list[str],
    engine: SpeechAligner,
    progress: _Progress,
    should_stop: StopCheck,
) -> list[RecognizedWord]:
    heard: list[RecognizedWord] = []
    bounds = chunk_bounds(audio, pauses, max_ms=6_000, min_ms=2_500)
    total = max(1, audio.duration_ms)
    for start, end in bounds:
        _check(should_stop)
        heard.extend(engine.recognize(audio.clip(start, end), vocabulary, should_stop=should_stop))
        progress(0.05 + 0.55 * (end - audio.offset_ms) / total)
    return heard


def _anchor(tokens: list[str], heard: list[RecognizedWord]) -> dict[int, RecognizedWord]:
    """Text token index -> recognised word, for runs of matches (single stray matches dropped)."""
    said = [word.word for word in heard]
    matched: dict[int, RecognizedWord] = {}
    for op in Levenshtein.opcodes(tokens, said):
        if op.tag != "equal":
            continue
        length = op.src_end - op.src_start
        if length < 2 and len(tokens[op.src_start]) < 5:
            continue
        for k in range(length):
            matched[op.src_start + k] = heard[op.dest_start + k]
    return matched


def _main_cluster(
    anchors: list[tuple[int, RecognizedWord]], pauses: list[tuple[int, int]]
) -> list[tuple[int, RecognizedWord]]:
    """Drop stray anchors cut off from the sentence's body by a pause.

    A word matched by chance in speech the text lacks ("the" in an unscripted sentence) sits
    across a pause from the rest of its sentence; one or two such anchors at either end would
    pull the cue's window seconds away.
    """
    if len(anchors) < 3:
        return anchors
    clusters: list[list[tuple[int, RecognizedWord]]] = [[anchors[0]]]
    for previous, current in pairwise(anchors):
        gap_start, gap_end = previous[1].end_ms, current[1].start_ms
        # Pauses are in time order: look only at those starting inside the gap.
        at = bisect_left(pauses, (gap_start - 30, -1))
        paused = False
        while at < len(pauses) and pauses[at][0] <= gap_end + 30:
            pause_start, pause_end = pauses[at]
            if pause_end <= gap_end + 30 and pause_end - pause_start >= 330:
                paused = True
                break
            at += 1
        if paused:
            clusters.append([])
        clusters[-1].append(current)
    best = max(clusters, key=len)
    if len(best) < 3:
        return anchors
    keep = max(3, len(best) // 2)
    return [a for cluster in clusters if cluster is best or len(cluster) >= keep for a in cluster]


def _plans(
    sentences: Sequence[Sentence],
    matched: dict[int, RecognizedWord],
    pauses: list[tuple[int, int]],
) -> dict[int, _Plan]:
    plans: dict[int, _Plan] = {}
    at = 0
    for index, sentence in enumerate(sentences):
        if not sentence.speech:
            continue
        size = len(sentence.tokens)
        anchors = [(i, matched[i]) for i in range(at, at + size) if i in matched]
        anchors = _main_cluster(anchors, pauses)
        plans[index] = _Plan(index, at, at + size, anchors)
        at += size
    return plans


def _trusted(plan: _Plan) -> bool:
    found = len(plan.anchors)
    return found >= 3 or found >= 0.34 * plan.size or (plan.size <= 2 and found >= 1)


def align_sentences(
    sentences: Sequence[Sentence],
    audio: Audio,
    engine: SpeechAligner,
    *,
    progress: ProgressCallback | None = None,
    should_stop: StopCheck = _never,
    source_name: str = "",
    english: bool = True,
) -> AlignmentResult:
    """Time ``sentences`` (from ``split_text``) in ``audio``; see the module docstring.

    ``english`` says the engine's model is English (the shipped one): then a text that does
    not look English is refused with a clear message.

    Raises ``AlignError`` for input that cannot be aligned (no words, silent audio, far more
    text than audio, a text not in English, nothing found) and ``AlignCancelled``.
    """
    report = _Progress(progress)
    report(0.0, force=True)
    tokens = _check_text(sentences, audio, english)
    levels = _check_audio(audio, report, should_stop)
    pauses = find_pauses(audio, levels=levels)
    heard = _recognize_all(audio, pauses, tokens, engine, report, should_stop)
    matched = _anchor(tokens, heard)
    log.info(
        "recognised %d words, %d of %d text tokens anchored", len(heard), len(matched), len(tokens)
    )
    plans = _plans(sentences, matched, pauses)
    trusted = [index for index, plan in plans.items() if _trusted(plan)]
    cues: list[AlignedCue] = []
    unaligned: list[UnalignedText] = []
    words_total = 0
    words_placed = 0
    floor_ms = audio.offset_ms
    audio_end = audio.offset_ms + audio.duration_ms
    for index, sentence in enumerate(sentences):
        _check(should_stop)
        report(0.6 + 0.4 * index / max(1, len(sentences)))
        spoken_words = [word for word in sentence.words if word.tokens]
        if sentence.speech:
            words_total += len(spoken_words)
        plan = plans.get(index)
        following = bisect_right(trusted, index)  # the next trusted sentence, if any
        ceiling = plans[trusted[following]].start_bound() if following < len(trusted) else audio_end
        cue: AlignedCue | None = None
        if plan is not None and (index in trusted or _short_gap_fits(plan, floor_ms, ceiling)):
            if plan.anchors:
                start = max(floor_ms, _window_start(plan, pauses, floor_ms))
                end = min(ceiling, plan.estimated_end() + 800)
            else:
                start, end = floor_ms, ceiling
            window = (start, max(end, start + 1))
            cue = _force_align(sentence, audio, engine, window, pauses, should_stop)
            if cue is None and index in trusted:
                cue = _from_anchors(sentence, plan, floor_ms, pauses)
        if cue is None:
            unaligned.append(UnalignedText(sentence.line, _with_label(sentence), len(cues)))
            continue
        cue = _snap_to_onset(cue, pauses, floor_ms)
        if cues and cues[-1].end_ms > cue.start_ms:
            previous = cues[-1]
            cues[-1] = AlignedCue(
                previous.start_ms,
                max(previous.start_ms + 1, cue.start_ms),
                previous.text,
                previous.speaker,
                previous.words,
                previous.line,
            )
        cues.append(cue)
        words_placed += len(cue.words)
        floor_ms = max(floor_ms, cue.end_ms - _CUE_TAIL_MS)
    if not cues:
        raise AlignError(
            "none of the text was found in the audio (is it the right recording, in English?)"
        )
    report(1.0, force=True)
    return AlignmentResult(
        cues=tuple(cues),
        unaligned=tuple(unaligned),
        words=words_total,
        aligned_words=words_placed,
        duration_ms=audio.duration_ms,
        engine=engine.name,
        source_name=source_name,
    )


def _window_start(plan: _Plan, pauses: list[tuple[int, int]], floor_ms: int) -> int:
    """Where to start looking for a sentence: the pause before its first anchor.

    A sentence starts after a pause. When its first words were not anchored, the estimate may
    reach into the sentence before; the end of the last pause that leaves room for those words
    is a better bound.
    """
    token, word = plan.anchors[0]
    if token == plan.first:
        return word.start_ms - 400
    unheard = token - plan.first
    latest = word.start_ms - unheard * 120
    earliest = word.start_ms - unheard * 700 - 500
    near = [p for p in pauses if max(floor_ms, earliest) <= p[1] and p[0] <= latest]
    if near:
        # The longest: a sentence boundary, not a pause inside a word read as letters ("M. S.").
        pause = max(near, key=lambda p: (p[1] - p[0], p[1]))
        return min(pause[1], latest) - 250
    before = [p for p in pauses if floor_ms <= p[1] and p[0] <= latest]
    if before:
        return min(before[-1][1], latest) - 250
    return plan.estimated_start() - 600


_ONSET_SLACK_MS = 150
_ONSET_REACH_MS = 1500


def _snap_to_onset(cue: AlignedCue, pauses: list[tuple[int, int]], floor_ms: int) -> AlignedCue:
    """Start a cue where its speech starts when the engine placed the first word late.

    A first word read differently from the text ("Ms." said as "M S") is skipped over by the
    aligner as noise, and the cue starts late. Sentences start after a pause: when the speech
    after the last pause before the first word began more than 150 ms (and less than 1.5 s)
    earlier, after the previous cue, the cue and its first word start there.
    """
    first = cue.words[0].start_ms
    before = [p for p in pauses if floor_ms <= p[1] <= first]
    if not before:
        return cue
    onset = before[-1][1]
    if not _ONSET_SLACK_MS < first - onset <= _ONSET_REACH_MS:
        return cue
    words = (CueWord(0, onset), *[w for w in cue.words if w.char_offset > 0])
    return AlignedCue(onset, cue.end_ms, cue.text, cue.speaker, words, cue.line)


def _short_gap_fits(plan: _Plan, floor_ms: int, ceiling_ms: int) -> bool:
    """A short sentence ("Thank you.") the recogniser missed, in a gap that can hold it."""
    gap = ceiling_ms - floor_ms
    return plan.size <= 3 and plan.size * 250 <= gap <= 4000 + plan.size * 400


def _with_label(sentence: Sentence) -> str:
    return f"{sentence.speaker}: {sentence.text}" if sentence.speaker else sentence.text


def _unstretch(times: list[WordTime | None], pauses: list[tuple[int, int]]) -> None:
    """A first word placed in the pause before its sentence, or stretched back over it onto
    the tail of the sentence before, starts where the speech after that pause starts."""
    first = times[0] if times else None
    if first is None:
        return
    start = first.start_ms
    for pause_start, pause_end in pauses:
        within = pause_start - 30 <= start < pause_end - 150
        spanned = start <= pause_start and pause_end <= first.end_ms - 80
        long_enough = pause_end - pause_start >= 200
        if (within or (spanned and long_enough)) and pause_end - start <= 1500:
            later = times[1] if len(times) > 1 else None
            if later is None or pause_end < later.start_ms:
                times[0] = WordTime(pause_end, max(first.end_ms, pause_end + 1))
            return


def _force_align(
    sentence: Sentence,
    audio: Audio,
    engine: SpeechAligner,
    window: tuple[int, int],
    pauses: list[tuple[int, int]],
    should_stop: StopCheck,
) -> AlignedCue | None:
    start_ms, end_ms = window
    tokens = sentence.tokens
    if end_ms - start_ms < len(tokens) * _MIN_WORD_MS:
        return None
    times = engine.align(audio.clip(start_ms, end_ms), tokens, should_stop=should_stop)
    _unstretch(times, pauses)
    placed = [t for t in times if t is not None]
    if len(placed) < max(1, len(tokens) // 2):
        return None
    first, last = placed[0].start_ms, max(t.end_ms for t in placed)
    if last - first < len(tokens) * _MIN_WORD_MS:
        return None
    words: list[CueWord] = []
    at = 0
    for word in sentence.words:
        if not word.tokens:
            continue
        timing = times[at]
        at += len(word.tokens)
        if timing is not None and (not words or timing.start_ms > words[-1].start_ms):
            words.append(CueWord(word.start, timing.start_ms))
    if not words:
        return None
    return AlignedCue(
        words[0].start_ms,
        last + _CUE_TAIL_MS,
        sentence.text,
        sentence.speaker,
        tuple(words),
        sentence.line,
    )


def _from_anchors(
    sentence: Sentence, plan: _Plan, floor_ms: int, pauses: list[tuple[int, int]]
) -> AlignedCue | None:
    """A sentence the forced alignment refused (it was read differently: "$2.5" said as
    "dollar two point five", "Ms." as "M S"): the recognised times of its anchored words, the
    others untimed. When its first words were not heard, it starts where the speech after the
    last pause before its first anchored word starts (sentences start after a pause)."""
    times = dict(plan.anchors)
    words: list[CueWord] = []
    first_token, first_heard = plan.anchors[0]
    if first_token > plan.first:
        reach = (first_token - plan.first) * 700 + 300
        before = [
            p
            for p in pauses
            if floor_ms <= p[1] <= first_heard.start_ms and first_heard.start_ms - p[1] <= reach
        ]
        if before:
            words.append(CueWord(0, before[-1][1]))
    last_end = 0
    at = plan.first
    for word in sentence.words:
        if not word.tokens:
            continue
        heard = times.get(at)
        at += len(word.tokens)
        if heard is None or heard.start_ms < floor_ms:
            continue
        if not words or heard.start_ms > words[-1].start_ms:
            words.append(CueWord(word.start, heard.start_ms))
            last_end = max(last_end, heard.end_ms)
    if not words:
        return None
    return AlignedCue(
        words[0].start_ms,
        last_end + _CUE_TAIL_MS,
        sentence.text,
        sentence.speaker,
        tuple(words),
        sentence.line,
    )


def retime_words(
    audio: Audio,
    words: Sequence[str],
    guide: Sequence[tuple[int, int]],
    engine: SpeechAligner,
    *,
    should_stop: StopCheck = _never,
    max_group_ms: int = 15_000,
) -> list[WordTime | None]:
    """Re-time ``words`` (spoken forms) whose rough times ``guide`` come from a recogniser.

    Words are grouped at gaps in the guide (or every ``max_group_ms``); each group is
    force-aligned in its guided window widened by half a second, never before the previous
    group's end. Returns one ``WordTime`` or ``None`` per word.
    """
    if len(words) != len(guide):
        raise ValueError("one guide time per word")
    out: list[WordTime | None] = [None] * len(words)
    floor_ms = audio.offset_ms
    audio_end = audio.offset_ms + audio.duration_ms
    group_start = 0
    for k in range(1, len(words) + 1):
        split = k == len(words) or (
            guide[k][0] - guide[k - 1][1] > 400
            or guide[k][0] - guide[group_start][0] > max_group_ms
        )
        if not split:
            continue
        _check(should_stop)
        start = max(floor_ms, guide[group_start][0] - 500)
        following = guide[k][0] if k < len(words) else audio_end
        end = min(audio_end, max(guide[k - 1][1] + 500, start + 1), max(following, start + 1))
        times = engine.align(audio.clip(start, end), words[group_start:k], should_stop=should_stop)
        out[group_start:k] = times
        ends = [t.end_ms for t in times if t is not None]
        if ends:
            floor_ms = max(floor_ms, max(ends) - 50)
        group_start = k
    return out
