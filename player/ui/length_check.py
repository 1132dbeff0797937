"""A transcript that runs far past the end of its media is probably the wrong file (a 2 h 47 min
transcript on a 3:13 recording): the info bar says so, with "Open another transcript…".
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from player.core.timeline.timecode import format_clock
from player.ui.transcript_session import LoadPhase

if TYPE_CHECKING:
    from collections.abc import Callable

    from player.core.model import Transcript
    from player.ui.controller import PlaybackController
    from player.ui.transcript_session import TranscriptSession, TranscriptState
    from player.ui.widgets import InfoBar

PAST_END_FACTOR = 1.5  # a transcript longer than this times the media's length...
PAST_END_MIN_MS = 60_000  # ...and at least a minute past its end is probably for another file


def runs_past_end(transcript: Transcript, media_ms: int) -> int | None:
    """The transcript's end in ms when it runs far past ``media_ms`` (0: unknown), else None."""
    if media_ms <= 0 or not transcript.cues:
        return None
    end_ms = max(c.end_ms for c in transcript.cues)
    too_long = end_ms > media_ms * PAST_END_FACTOR and end_ms - media_ms >= PAST_END_MIN_MS
    return end_ms if too_long else None


class LengthCheck(QObject):
    """Says in the info bar when the transcript shown runs far past its media's end (once
    per transcript and media, whichever of the two is known last)."""

    def __init__(
        self,
        session: TranscriptSession,
        controller: PlaybackController,
        info_bar: InfoBar,
        choose_transcript: Callable[[], None],
    ) -> None:
        super().__init__(session)
        self._session = session
        self._controller = controller
        self._info_bar = info_bar
        self._choose = choose_transcript
        self._said: tuple[str, int] | None = None
        session.state_changed.connect(self._check)
        controller.length_changed.connect(self._check)

    def message(self) -> str:
        """The warning for what is open now ("" when the lengths agree or one is unknown)."""
        state: TranscriptState = self._session.state
        if state.phase is not LoadPhase.READY or state.transcript is None:
            return ""
        media_ms = self._controller.length_ms()
        end_ms = runs_past_end(state.transcript, media_ms)
        if end_ms is None:
            return ""
        name = Path(state.source or "").name
        return (
            f"{name} runs to {format_clock(end_ms)}, but the recording lasts "
            f"{format_clock(media_ms)}: probably the transcript of another recording."
        )

    @Slot()
    def _check(self, *_args: object) -> None:
        text = self.message()
        key = (self._session.state.source or "", self._controller.length_ms())
        if not text or key == self._said:
            return
        self._said = key
        self._info_bar.show_message(text, [("Open another transcript…", self._choose)])
