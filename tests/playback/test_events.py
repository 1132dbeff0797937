"""Backend events are immutable values compared by kind and contents."""

from __future__ import annotations

import pytest

from player.playback.base import (
    ErrorOccurred,
    LengthChanged,
    MediaEnded,
    PlaybackState,
    StateChanged,
    TimeChanged,
)


def test_events_of_different_kinds_never_compare_equal() -> None:
    assert TimeChanged(5) == TimeChanged(5)
    assert TimeChanged(5) != TimeChanged(6)
    assert TimeChanged(5) != LengthChanged(5)  # plain tuples would be equal
    assert TimeChanged(5) != (5,)
    assert MediaEnded() == MediaEnded()
    assert MediaEnded() != ()
    assert ErrorOccurred("x") != StateChanged(PlaybackState.ERROR)
    assert len({TimeChanged(1), TimeChanged(1), LengthChanged(1)}) == 2


def test_events_are_immutable_and_readable() -> None:
    event = TimeChanged(1500)
    with pytest.raises(AttributeError):
        event.t_ms = 0  # type: ignore[misc]
    assert repr(event) == "TimeChanged(t_ms=1500)"
    match StateChanged(PlaybackState.PLAYING):
        case StateChanged(state=state):
            assert state is PlaybackState.PLAYING
