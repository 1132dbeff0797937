"""The current cue and the spoken word at a media time: the one owner of "what is playing now".

:class:`CurrentCueTracker` is fed positions (int ms, as the playback controller interpolates
them) and keeps which cue is current (through a :class:`~player.core.timeline.cue_index.CueIndex`)
and which of that cue's word timings is being spoken. :meth:`CurrentCueTracker.update` says what
changed, so a caller can tell its views only on change. Views never work this out themselves:
they show what the tracker found (the character range of the spoken word included).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from player.core.model import Cue
from player.core.timeline.cue_index import CueIndex

__all__ = ["CurrentCueTracker", "TrackerChange", "word_at", "word_char_range"]

NO_CUE = -1
NO_WORD = -1


class TrackerChange(NamedTuple):
    """What one :meth:`CurrentCueTracker.update` changed."""

    cue: bool
    word: bool


def word_at(cue: Cue, t_ms: int) -> int:
    """Index into ``cue.word_timings`` of the word spoken at ``t_ms``: the last timing reached
    before the first one still ahead; -1 before the first timing or without timings."""
    word = NO_WORD
    for i, timing in enumerate(cue.word_timings):
        if timing.start_ms <= t_ms:
            word = i
        else:
            break
    return word


def word_char_range(cue: Cue, word: int) -> tuple[int, int] | None:
    """Characters ``(start, end)`` of ``cue.text`` that word ``word`` covers (up to the next
    timing, or the end of the text), None for -1 or an index past the timings."""
    timings = cue.word_timings
    if not 0 <= word < len(timings):
        return None
    start = timings[word].char_offset
    end = timings[word + 1].char_offset if word + 1 < len(timings) else len(cue.text)
    return (start, end)


class CurrentCueTracker:
    """Follows positions and keeps the current cue (index, -1 for none) and its spoken word.

    ``set_cues`` starts over with no current cue; ``update(t_ms)`` moves to a position and
    returns which of the two changed. Pure Python: the Qt ``CueTracker`` turns the changes into
    signals.
    """

    __slots__ = ("_cues", "_current", "_index", "_word")

    def __init__(self) -> None:
        self._cues: Sequence[Cue] = ()
        self._index: CueIndex | None = None
        self._current = NO_CUE
        self._word = NO_WORD

    @property
    def cues(self) -> Sequence[Cue]:
        """The cues followed."""
        return self._cues

    @property
    def index(self) -> CueIndex | None:
        """The cue index in use (None before the first ``set_cues``)."""
        return self._index

    @property
    def current(self) -> int:
        """The current cue's index, -1 when none."""
        return self._current

    @property
    def word(self) -> int:
        """The spoken word's index in the current cue's word timings, -1 when none."""
        return self._word

    def current_cue(self) -> Cue | None:
        """The current cue itself, or None."""
        return self._cues[self._current] if self._current >= 0 else None

    def word_range(self) -> tuple[int, int] | None:
        """Characters of the current cue's text being spoken, or None."""
        cue = self.current_cue()
        return None if cue is None else word_char_range(cue, self._word)

    def set_cues(self, cues: Sequence[Cue], index: CueIndex | None = None) -> None:
        """Follow these cues from now on (pass ``index`` when it was built elsewhere, e.g. off
        the GUI thread); there is no current cue until the next ``update``."""
        self._cues = cues
        self._index = index if index is not None else CueIndex(cues)
        self._current = NO_CUE
        self._word = NO_WORD

    def update(self, t_ms: int) -> TrackerChange:
        """Move to position ``t_ms``; returns what changed (nothing before ``set_cues``).

        When the cue changes, the word is reset first: a change of cue always reports the word
        too when the new cue has one, so a view never shows the old cue's word on the new cue.
        """
        if self._index is None:
            return TrackerChange(False, False)
        found = self._index.current_at(t_ms)
        current = NO_CUE if found is None else found
        cue_changed = current != self._current
        if cue_changed:
            self._current = current
            self._word = NO_WORD
        word = word_at(self._cues[current], t_ms) if current >= 0 else NO_WORD
        word_changed = word != self._word
        self._word = word
        return TrackerChange(cue_changed, word_changed)
