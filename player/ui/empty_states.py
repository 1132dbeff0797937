"""Empty states that say what to do: a note in the middle of the empty transcript list ("Open a
briefing: File ▸ Open Media… (Ctrl+O), drop a file here, or choose one in the Library
(Ctrl+L)"; "No transcript for interview.opus: File ▸ Open Transcript… (Ctrl+Shift+O) or
Synchronize Text with Audio…"), gone as soon as there are lines to show. The offers with buttons
stay in the info bar; this note is what is left in view when the bar is dismissed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout

from player.ui.transcript_session import LoadPhase

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractItemView

    from player.ui.transcript_session import TranscriptSession, TranscriptState

NOTHING_OPEN = (
    "Open a briefing: File ▸ Open Media… (Ctrl+O), drop a media file here, or choose one in "
    "the Library (Ctrl+L)."
)


def empty_note(state: TranscriptState) -> str:
    """What the empty transcript list says in this state ("" when it is not empty or says
    nothing: loading, or lines shown)."""
    name = Path(state.source).name if state.source else ""
    if state.phase is LoadPhase.NONE:
        return NOTHING_OPEN
    if state.phase is LoadPhase.MISSING:
        return (
            f"No transcript for {name}.\n\nFile ▸ Open Transcript… (Ctrl+Shift+O) opens one; "
            "File ▸ Synchronize Text with Audio… times a text you have (a press office "
            "transcript, a statement) to the recording; File ▸ Transcribe Recording… makes "
            "one on this computer."
        )
    if state.phase is LoadPhase.FAILED:
        return (
            f"{state.error}\n\nFile ▸ Open Transcript… (Ctrl+Shift+O) opens another; the "
            "recording plays as usual."
        )
    return ""


class EmptyTranscriptNote(QObject):
    """A wrapped, centred note over the empty transcript list, following the session's state
    and the model's rows."""

    def __init__(self, view: QAbstractItemView, session: TranscriptSession) -> None:
        super().__init__(view)
        self._view = view
        self._session = session
        self.label = QLabel(NOTHING_OPEN, view.viewport())
        self.label.setObjectName("empty_transcript_note")
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # file names are never markup
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # 4.5:1 (style.py)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(view.viewport())
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(self.label)
        session.state_changed.connect(self._update)
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._update)
        self._update()

    def text(self) -> str:
        """The note shown ("" when hidden)."""
        return self.label.text() if not self.label.isHidden() else ""

    @Slot()
    def _update(self, *_args: object) -> None:
        note = "" if self._view.model().rowCount() else empty_note(self._session.state)
        self.label.setText(note)
        self.label.setVisible(bool(note))


_FOLDERS = re.compile(r"(?:/[^/\s:]+)+/(?=[^/\s]+:)")  # "/a/b/name.mp4: why" -> "name.mp4: why"


def media_problem(message: str) -> str:
    """What the media area says when a file cannot play: the reason with the file's name (not
    its folders: the status line and the tooltip keep those), then what to do."""
    return (
        f"⚠ {_FOLDERS.sub('', message)}\n\nOpen another file with File ▸ Open Media… (Ctrl+O). "
        "A transcript beside it stays readable and searchable."
    )
