"""The pure current-cue and spoken-word tracker: what is current at a position, and what changed."""

from __future__ import annotations

from player.core.model import Cue, WordTiming
from player.core.timeline.cue_index import CueIndex
from player.core.timeline.tracker import (
    CurrentCueTracker,
    TrackerChange,
    word_at,
    word_char_range,
)

WORDS = Cue(
    None,
    1000,
    3000,
    "we are gonna start",
    word_timings=(WordTiming(1000, 0), WordTiming(1500, 7), WordTiming(2200, 13)),
)
CUES = (
    Cue(None, 0, 900, "intro"),
    WORDS,
    Cue(None, 3000, 5000, "no timings here"),
    Cue(None, 4000, 4500, "overlapping, starts later"),
)


def test_nothing_before_cues_are_set() -> None:
    tracker = CurrentCueTracker()
    assert tracker.update(1200) == TrackerChange(False, False)
    assert (tracker.current, tracker.word, tracker.index) == (-1, -1, None)
    assert tracker.current_cue() is None and tracker.word_range() is None


def test_current_cue_and_word_follow_the_position() -> None:
    tracker = CurrentCueTracker()
    tracker.set_cues(CUES)
    assert tracker.update(100) == TrackerChange(cue=True, word=False)
    assert tracker.current == 0 and tracker.word == -1
    assert tracker.update(200) == TrackerChange(False, False)  # only changes are reported
    assert tracker.update(950) == TrackerChange(cue=True, word=False)  # a gap: no cue
    assert tracker.current == -1
    assert tracker.update(1000) == TrackerChange(cue=True, word=True)
    assert (tracker.current, tracker.word, tracker.word_range()) == (1, 0, (0, 7))
    assert tracker.update(1499) == TrackerChange(False, False)
    assert tracker.update(1500) == TrackerChange(cue=False, word=True)
    assert tracker.word_range() == (7, 13)
    assert tracker.update(2999) == TrackerChange(cue=False, word=True)
    assert tracker.word == 2 and tracker.word_range() == (13, len(WORDS.text))
    assert tracker.current_cue() is WORDS
    # Into a cue without timings: the word goes with the cue, without a word change of its own.
    assert tracker.update(3000) == TrackerChange(cue=True, word=False)
    assert (tracker.current, tracker.word, tracker.word_range()) == (2, -1, None)
    assert tracker.update(4100).cue and tracker.current == 3  # the later-starting overlap
    assert tracker.update(4600).cue and tracker.current == 2
    assert tracker.update(10_000).cue and tracker.current == -1


def test_seeking_back_into_a_cue_finds_its_word() -> None:
    tracker = CurrentCueTracker()
    tracker.set_cues(CUES)
    tracker.update(2500)
    assert tracker.word == 2
    assert tracker.update(1600) == TrackerChange(cue=False, word=True)
    assert tracker.word == 1
    # Leaving and coming back to the same word of another visit still reports the cue.
    tracker.update(100)
    assert tracker.update(1600) == TrackerChange(cue=True, word=True)


def test_set_cues_starts_over_and_takes_a_prebuilt_index() -> None:
    tracker = CurrentCueTracker()
    tracker.set_cues(CUES)
    tracker.update(1600)
    index = CueIndex(CUES[:2])
    tracker.set_cues(CUES[:2], index)
    assert tracker.index is index
    assert (tracker.current, tracker.word) == (-1, -1)
    assert tracker.update(1600) == TrackerChange(True, True)
    tracker.set_cues(())  # no transcript: never a current cue
    assert tracker.update(1600) == TrackerChange(False, False)
    assert tracker.current == -1


def test_word_helpers() -> None:
    assert word_at(WORDS, 999) == -1
    assert word_at(WORDS, 1000) == 0
    assert word_at(WORDS, 2199) == 1
    assert word_at(WORDS, 99_999) == 2
    assert word_at(CUES[0], 100) == -1
    assert word_char_range(WORDS, -1) is None
    assert word_char_range(WORDS, 3) is None
    assert word_char_range(WORDS, 1) == (7, 13)
    assert word_char_range(WORDS, 2) == (13, 18)
