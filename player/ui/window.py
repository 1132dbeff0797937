"""The main window: lays out its parts (media area, transcript panel, transport bar, menus,
status bar, docks) and wires them together; the parts do the work. It never calls libVLC (it
talks to the :class:`PlaybackController`) and shows every problem, never raises it.
"""

from __future__ import annotations

from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter, QVBoxLayout, QWidget

from player.core.media.sidecar import MEDIA_EXTENSIONS, TEXT_EXTENSIONS, TRANSCRIPT_EXTENSIONS
from player.ui import settings as S
from player.ui.actions import WindowActions
from player.ui.controller import CueTracker
from player.ui.dialogs import Dialogs
from player.ui.docks import Docks
from player.ui.jobs import JobRunner, default_runner
from player.ui.media_area import MediaArea
from player.ui.models import TranscriptModel
from player.ui.offers import Offers
from player.ui.resume import ResumeKeeper
from player.ui.resume_store import ResumeStore
from player.ui.search_coordinator import SearchCoordinator
from player.ui.status_bar import StatusBar
from player.ui.style import ReadingStyle
from player.ui.transcript_session import LoadPhase, TranscriptSession, TranscriptState
from player.ui.transcript_view import TranscriptPanel
from player.ui.transport import TransportBar
from player.ui.widgets import InfoBar
from player.ui.window_layout import install_facets, restore_layout, save_layout

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent

    from player.core.model import Transcript
    from player.ui.controller import PlaybackController
    from player.ui.search_panel import SearchPanel
    from player.ui.sync_offer import TextSync

EMBED_PLATFORMS = frozenset({"xcb", "windows", "cocoa"})


class MainWindow(QMainWindow):
    """The player window.

    Signals:
      transcript_loaded(object): the Transcript now shown (after background parsing).
      media_opened(str): media path after a successful load.
    """

    transcript_loaded = Signal(object)
    media_opened = Signal(str)

    def __init__(
        self,
        controller: PlaybackController,
        settings: S.Settings,
        *,
        embed_video: bool,
        archive_db: Path | Callable[[], Path] | None = None,
        resume_store: ResumeStore | None = None,
        runner: JobRunner | None = None,
    ) -> None:
        """``archive_db``: the library (a callable is asked once, on first use; None: none);
        ``resume_store``: the positions (default: beside ``archive_db``, closed with the window);
        ``runner``: where background work runs (default: the shared runner)."""
        super().__init__()
        self.controller = controller
        self.settings = settings
        self.setWindowTitle("Briefing Player")
        self.setAcceptDrops(True)
        self.resize(1100, 680)
        # The video surface is a native window (libVLC draws into it); without this, Qt makes
        # every sibling up the tree native too, and each extra X window costs resizes and
        # flushes on every layout change (about 20 ms more before the first frame).
        QGuiApplication.setAttribute(Qt.ApplicationAttribute.AA_DontCreateNativeWidgetSiblings)

        self.model = TranscriptModel(self)
        self.tracker = CueTracker(self)
        self.media = MediaArea(embed_video, self)
        self.transport = TransportBar(controller, settings, self)
        self.panel = TranscriptPanel(self.model, self)
        self.info_bar = InfoBar(self)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self._build_layout()
        if callable(archive_db):
            archive_db = cache(archive_db)  # one look-up for the library and the store
        runner = runner or default_runner()
        self._own_store = resume_store is None
        self.resume_store = resume_store or ResumeStore.for_archive(
            archive_db, legacy=settings, runner=runner
        )
        self.resume = ResumeKeeper(controller, self.resume_store, self)
        self.session = TranscriptSession(
            controller, settings, self.model, self.tracker, self.resume, runner, self
        )
        self.search_coordinator = SearchCoordinator(
            session=self.session,
            controller=controller,
            settings=settings,
            model=self.model,
            panel=self.panel,
            transport=self.transport,
            place=lambda panel: self._right_layout.insertWidget(0, panel),
            runner=runner,
            parent=self,
        )
        self.docks = Docks(
            self,
            archive_db,
            controller=controller,
            session=self.session,
            tracker=self.tracker,
            resume_store=self.resume_store,
            runner=runner,
        )
        self.dialogs = Dialogs(self, settings)
        self.offers = Offers(
            window=self,
            session=self.session,
            controller=controller,
            resume=self.resume,
            panel=self.panel,
            info_bar=self.info_bar,
            docks=self.docks,
            runner=runner,
            choose_transcript=self.choose_transcript,
        )
        self.reading_style = ReadingStyle(settings, self, self.panel, self.media)
        self.menu_actions = WindowActions(
            self,
            self,
            settings=settings,
            controller=controller,
            session=self.session,
            transport=self.transport,
            panel=self.panel,
            search=self.search_coordinator,
            docks=self.docks,
            style=self.reading_style,
            dialogs=self.dialogs,
            splitter=self.splitter,
        )
        self._connect()
        self._restore_layout()
        self.panel.set_follow_enabled(settings.get(S.FOLLOW_ENABLED))
        self.reading_style.set_high_contrast(settings.get(S.HIGH_CONTRAST))  # applies the style
        self.reading_style.set_captions(settings.get(S.CAPTIONS))

    # ----- construction ---------------------------------------------------------------------

    def _build_layout(self) -> None:
        right = QWidget(self)
        self._right_layout = QVBoxLayout(right)
        self._right_layout.setContentsMargins(0, 0, 0, 0)
        self._right_layout.setSpacing(0)
        self._right_layout.addWidget(self.panel, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.media)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.info_bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.transport)
        self.setCentralWidget(central)
        # The widgets the end-to-end run and the start-up tests look at.
        self.media_stack, self.audio_view = self.media.stack, self.media.audio_view
        self.video_surface = self.media.video_surface
        self.play_button, self.mute_button = self.transport.play_button, self.transport.mute_button

    def _connect(self) -> None:
        c, session, docks = self.controller, self.session, self.docks
        c.position_changed.connect(self.tracker.update_position)
        c.error_occurred.connect(self._show_media_error)
        self.tracker.current_cue_changed.connect(self.panel.set_current_row)
        self.tracker.current_cue_changed.connect(self._on_current_cue)
        self.tracker.word_range_changed.connect(self.panel.set_word_range)
        self.panel.seek_requested.connect(c.seek_and_play)
        self.panel.follow_enabled_changed.connect(partial(self.settings.set, S.FOLLOW_ENABLED))
        self.transport.cue_step_requested.connect(session.step_cue)
        session.media_opening.connect(self._on_media_opening)
        session.media_failed.connect(self._show_media_error)
        session.media_changed.connect(docks.set_media)
        session.media_opened.connect(self._on_media_opened)
        session.state_changed.connect(self._on_transcript_state)
        session.transcript_loaded.connect(self.transcript_loaded)
        session.alternatives_changed.connect(self.status.set_transcript_choices)
        session.chapters_loaded.connect(self.transport.set_chapters)
        self.status.transcript_chosen.connect(self.open_transcript)
        self.status.warnings_requested.connect(self.show_warnings)
        docks.archive_changed.connect(self.search_coordinator.set_archive)
        docks.open_requested.connect(session.open_briefing)
        docks.seek_requested.connect(c.seek_and_play)
        self.dialogs.preferences_applied.connect(self._apply_preferences)
        for part in (session, self.transport, docks, self.panel, self.offers):
            part.message.connect(self.status.show_status)

    # ----- layout persistence ---------------------------------------------------------------

    def _restore_layout(self) -> None:
        restore_layout(self, self.splitter, self.settings)  # geometry, splitter, docks
        self.facets = install_facets(self)  # transcript room, empty note, checks, video frames

    def save_layout(self) -> None:
        """Remember the window's geometry, the splitter position and the docks."""
        save_layout(self, self.splitter, self.settings)

    # ----- the public commands (the composition, the command line, tests, benchmarks) -------

    def open_media(
        self,
        path: str | Path,
        *,
        transcript: str | Path | None = None,
        at_ms: int | None = None,
        play: bool = True,
    ) -> bool:
        """Open media (and its transcript); errors are shown in the window. True if it plays."""
        return self.session.open_media(path, transcript=transcript, at_ms=at_ms, play=play)

    def open_transcript(self, path: str | Path) -> None:
        """Parse a transcript on a worker thread; the panel fills in when it is ready."""
        self.session.open_transcript(path)

    @property
    def transcript(self) -> Transcript | None:
        """The transcript shown, or None."""
        return self.session.transcript

    def start_search(self, text: str | None = None, *, go_to_first: bool = False) -> None:
        """Open the search box (with ``text``; ``go_to_first``: select the first hit)."""
        self.search_coordinator.start_search(text, go_to_first=go_to_first)

    @property
    def search(self) -> SearchPanel:
        """The search panel, built (hidden) on first use."""
        return self.search_coordinator.search

    @property
    def search_ready(self) -> bool:
        """Whether the open transcript can be searched (its index is built)."""
        return self.session.search_index is not None

    @Slot(int)
    def seek_and_play(self, t_ms: int) -> None:
        """Jump to ``t_ms`` and play."""
        self.controller.seek_and_play(t_ms)

    @Slot()
    def back_to_now(self) -> None:
        """Return the transcript to the current cue and resume following."""
        self.panel.back_to_now()

    @Slot()
    def escape(self) -> None:
        """Esc: close the search if it is open, then go back to the current cue."""
        self.search_coordinator.escape()

    # ----- what the menus ask of the window (actions.WindowCommands) ------------------------

    @Slot()
    def choose_media(self) -> None:
        """File dialog for media."""
        path = self.dialogs.choose_media_file()
        if path:
            self.open_media(path)

    @Slot()
    def choose_transcript(self) -> None:
        """File dialog for a transcript."""
        path = self.dialogs.choose_transcript_file()
        if path:
            self.info_bar.hide()
            self.open_transcript(path)

    @property
    def text_sync(self) -> TextSync:
        """Synchronizing a text with the audio (offer, progress, Cancel), built on first use."""
        return self.offers.text_sync

    @Slot()
    def synchronize_text(self) -> None:
        """File ▸ Synchronize Text with Audio…: pick a text and synchronize it."""
        self.offers.synchronize_text()

    @Slot()
    def transcribe_recording(self) -> None:
        """File ▸ Transcribe Recording…: transcribe the open recording on this computer."""
        self.offers.transcribe_from_menu()

    @Slot()
    def copy_current_quote(self) -> None:
        """Copy the current cue as ``[time] Speaker: text``."""
        text = self.panel.copy_current_quote()
        if text:
            self.status.show_status(f"Copied: {text[:80]}")

    @Slot()
    def show_warnings(self) -> None:
        """List the transcript's load warnings with their line numbers."""
        if self.session.transcript is not None:
            self.dialogs.show_warnings(self.session.transcript, self.session.path)

    # ----- the parts → the window's widgets -------------------------------------------------

    @Slot(str)
    def _on_media_opening(self, path: str) -> None:
        self.info_bar.hide()
        self.setWindowTitle(f"{Path(path).name} — Briefing Player")
        self.media.set_title(Path(path).stem.replace("_", " "))

    @Slot(str, bool)
    def _on_media_opened(self, path: str, has_video: bool) -> None:
        self.media.show_media(has_video)
        win_id = self.media.video_window_id()
        if win_id is not None:
            self.controller.set_video_window(win_id)
        self.media_opened.emit(path)

    @Slot(str)
    def _show_media_error(self, message: str) -> None:
        self.media.show_error(message)
        self.status.show_status(message)

    @Slot(object)
    def _on_transcript_state(self, state: TranscriptState) -> None:
        self.panel.set_title(state.title())
        if state.phase is not LoadPhase.LOADING:
            warnings = state.transcript.warnings if state.transcript is not None else ()
            self.status.set_warning_count(len(warnings))
        if state.phase is LoadPhase.READY and state.transcript is not None:
            self.media.fit_captions(state.transcript.cues)

    @Slot(int)
    def _on_current_cue(self, row: int) -> None:
        transcript = self.session.transcript
        self.media.set_cue(transcript.cues[row] if row >= 0 and transcript is not None else None)

    @Slot()
    def _apply_preferences(self) -> None:
        self.reading_style.apply()
        self.menu_actions.set_single_key_shortcuts(self.settings.get(S.SINGLE_KEY_SHORTCUTS))

    # ----- drag & drop, closing -------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept media and transcript files."""
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        """Open dropped media (with a dropped transcript, if any) or a dropped transcript."""
        self.open_dropped([u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()])
        event.acceptProposedAction()

    def open_dropped(self, paths: list[str]) -> None:
        """Open what was dropped: media plus transcript, or a transcript for the current media."""
        media = [p for p in paths if Path(p).suffix.lower() in MEDIA_EXTENSIONS]
        subs = [
            p for p in paths if Path(p).suffix.lower() in TRANSCRIPT_EXTENSIONS | TEXT_EXTENSIONS
        ]
        other = [p for p in paths if p not in media and p not in subs]
        if media:
            self.open_media(media[0], transcript=subs[0] if subs else None)
        elif subs:
            self.info_bar.hide()
            self.open_transcript(subs[0])
        if other and not media and not subs:
            names = ", ".join(Path(p).name for p in other)
            self.info_bar.show_message(f"Not a media or transcript file: {names}")

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save position, layout and settings; release the player."""
        self.offers.close()  # a synchronization under way writes nothing after the window
        self.resume.close()
        self.save_layout()
        self.settings.sync()
        self.docks.close()
        if self._own_store:
            self.resume_store.close()  # after the library, which shares it
        self.controller.shutdown()
        self.reading_style.restore_system_palette()
        super().closeEvent(event)
