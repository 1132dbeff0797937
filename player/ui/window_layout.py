"""The window's layout kept between sessions and kept usable within one: geometry, the
splitter and the docks (``WINDOW_STATE``) saved on closing and restored on opening (a dock
built later, the library after the first frame, finds its place by ``restoreDockWidget``);
and the transcript's minimum of five lines, so that the docks yield before the transcript does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QByteArray, QEvent, QObject, QTimer

from player.ui import settings as S
from player.ui.empty_states import EmptyTranscriptNote
from player.ui.length_check import LengthCheck
from player.ui.video_frames import VideoFrames

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractScrollArea, QMainWindow, QSplitter

    from player.ui.controller import PlaybackController
    from player.ui.media_area import MediaArea
    from player.ui.transcript_session import TranscriptSession
    from player.ui.transcript_view import TranscriptPanel
    from player.ui.widgets import InfoBar


class _Window(Protocol):
    """What ``keep_transcript_usable`` uses of the main window."""

    panel: TranscriptPanel
    session: TranscriptSession
    controller: PlaybackController
    info_bar: InfoBar
    media: MediaArea

    def choose_transcript(self) -> None: ...


MIN_TRANSCRIPT_LINES = 5
DEFAULT_SPLITTER_PX = (620, 460)
WATCH_DELAY_MS = 300  # font changes are watched from this long after the window is made
STATE_VERSION = 1  # bump when the docks change so much that an old state would mislead


def restore_layout(window: QMainWindow, splitter: QSplitter, settings: S.Settings) -> None:
    """Put the window, the splitter and the docks where they were when it last closed."""
    geometry = settings.get(S.WINDOW_GEOMETRY)
    if geometry:
        window.restoreGeometry(QByteArray(geometry))
    state = settings.get(S.SPLITTER_STATE)
    if state:
        splitter.restoreState(QByteArray(state))
    else:
        splitter.setSizes(list(DEFAULT_SPLITTER_PX))
    docks = settings.get(S.WINDOW_STATE)
    if docks:
        window.restoreState(QByteArray(docks), STATE_VERSION)


def save_layout(window: QMainWindow, splitter: QSplitter, settings: S.Settings) -> None:
    """Remember the window's geometry, the splitter and the docks."""
    settings.set(S.WINDOW_GEOMETRY, bytes(window.saveGeometry().data()))
    settings.set(S.SPLITTER_STATE, bytes(splitter.saveState().data()))
    settings.set(S.WINDOW_STATE, bytes(window.saveState(STATE_VERSION).data()))


def install_facets(window: _Window) -> tuple[QObject, ...]:
    """The window's small helpers (issue 17): the transcript's five lines, the note saying what
    to do while it is empty, the warning when it runs far past its media's end, and the video
    surface's first frame and repaint at the end."""
    view = window.panel.view
    return (
        TranscriptRoom(view),
        EmptyTranscriptNote(view, window.session),
        LengthCheck(window.session, window.controller, window.info_bar, window.choose_transcript),
        VideoFrames(window.controller, window.media),
    )


class TranscriptRoom(QObject):
    """Keeps a list's minimum height at ``lines`` lines of its own font (followed when the
    reading style changes the font): the window's docks and the search hits give way first."""

    def __init__(self, view: QAbstractScrollArea, lines: int = MIN_TRANSCRIPT_LINES) -> None:
        super().__init__(view)
        self._view = view
        self._lines = lines
        self.apply()
        # Watched from a moment after the first frame: an event filter's QEvent argument makes
        # PySide build every event type (a few ms) on the first event it sees.
        QTimer.singleShot(WATCH_DELAY_MS, self, self._watch)

    def _watch(self) -> None:
        self._view.installEventFilter(self)
        self.apply()

    def minimum_px(self) -> int:
        """The height of ``lines`` lines in the view's font, with its frame."""
        frame = 2 * self._view.frameWidth()
        return self._lines * self._view.fontMetrics().lineSpacing() + frame + 4

    def apply(self) -> None:
        """Set the minimum for the current font."""
        self._view.setMinimumHeight(self.minimum_px())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow font changes."""
        if watched is self._view and event.type() == QEvent.Type.FontChange:
            self.apply()
        return False
