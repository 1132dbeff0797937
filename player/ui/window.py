"""The main window: media (video or audio view), transport, transcript panel, menus, status bar.

The window never calls libVLC: it talks to the :class:`PlaybackController`. Files are opened
through :meth:`MainWindow.open_media` / :meth:`MainWindow.open_transcript`; transcripts are
parsed on a worker thread and every problem is shown in the window, never raised.
"""

from __future__ import annotations

import contextlib
import heapq
from bisect import bisect_right
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QByteArray, QLocale, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QGuiApplication,
    QKeySequence,
    QPalette,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QMainWindow,
    QMenu,
    QPushButton,
    QSlider,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from player import __version__
from player.app import gc_pause
from player.core.contrast import blend, valid_hex
from player.core.formats.load import load_transcript
from player.core.media.sidecar import (
    MEDIA_EXTENSIONS,
    TRANSCRIPT_EXTENSIONS,
    SidecarCandidate,
    find_sidecars,
    preferred_transcript,
)
from player.core.model import Cue, Transcript, TranscriptError
from player.core.timeline.cue_index import CueIndex
from player.core.timeline.timecode import format_clock
from player.playback.base import PlaybackError, PlaybackState
from player.ui import settings as S
from player.ui.controller import RATE_STEPS, CueTracker, PlaybackController
from player.ui.jobs import JobList, start_job
from player.ui.models import TranscriptModel, quote_for
from player.ui.transcript_view import TranscriptPanel
from player.ui.widgets import (
    AudioView,
    CaptionBar,
    GlyphButton,
    InfoBar,
    TimelineSlider,
    VideoSurface,
    caption_text,
    plain_label,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QDockWidget

    from player.core.archive.library import Archive, ArchiveHit, BriefingRow
    from player.core.text.search import SearchIndex
    from player.ui.bookmarks_panel import BookmarksPanel
    from player.ui.library_panel import LibraryPanel
    from player.ui.preferences import PreferencesDialog
    from player.ui.search_panel import SearchOutcome, SearchPanel

EMBED_PLATFORMS = frozenset({"xcb", "windows", "cocoa"})
RESUME_MIN_MS = 5000
ROW_FILTER_CHUNK = 4000
SEARCH_INDEX_DELAY_MS = 100
SEARCH_INDEX_WITH_LOAD_CUES = 2000  # from this length the search index comes with the parse
CHAPTERS_DELAY_MS = 200  # the chapters file is read this long after the media opens
MAX_CHAPTER_MENU = 200  # a hostile chapters file with 50,000 cues must not build a huge menu


class LoadedTranscript(NamedTuple):
    """A transcript parsed off the GUI thread, with its lookup index (and, for a long one, its
    search index)."""

    path: str
    transcript: Transcript
    cue_index: CueIndex
    search_index: SearchIndex | None = None


def _search_index(transcript: Transcript) -> SearchIndex:
    # Built after the transcript is shown (a second worker job), and imported only then: the
    # search engine and the regex module are not needed for the first frame.
    from player.core.text.search import SearchIndex

    with gc_pause.paused():
        return SearchIndex(transcript.cues)


def _load_with_index(path: str) -> LoadedTranscript:
    with gc_pause.paused():
        transcript = load_transcript(path)
        index = CueIndex(transcript.cues)
    search_index = None
    if len(transcript.cues) >= SEARCH_INDEX_WITH_LOAD_CUES:
        # A long transcript gets its search index in this job, before it is shown: built in a
        # second job it would compete for the GIL with the list's layout of the first rows
        # (every row height is a Python call), stalling the window for 50-100 ms.
        search_index = _search_index(transcript)
    return LoadedTranscript(path, transcript, index, search_index)


class ShortcutSpec(NamedTuple):
    """An action's keys: ``keys`` always work; ``single_keys`` only when single-key shortcuts
    are enabled (and never while typing in a text field — QLineEdit overrides them).

    Named tuples rather than frozen dataclasses for the window's own records: defining a
    dataclass compiles its methods (0.4-0.6 ms each at start-up)."""

    keys: tuple[str, ...]
    single_keys: tuple[str, ...] = ()


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
    ) -> None:
        super().__init__()
        self.controller = controller
        self.settings = settings
        self.embed_video = embed_video
        # The archive database; a callable (the default location) is asked the first time the
        # archive is needed: finding the user's data folder imports platformdirs (about 3 ms),
        # which the first frame need not wait for.
        self._archive_db = archive_db
        self._has_archive = archive_db is not None
        self.library: LibraryPanel | None = None
        self.library_dock: QDockWidget | None = None
        self.bookmarks: BookmarksPanel | None = None
        self.bookmarks_dock: QDockWidget | None = None
        self._pending_archive_hit: ArchiveHit | None = None
        self.setWindowTitle("Briefing Player")
        self.setAcceptDrops(True)
        self.resize(1100, 680)

        self.transcript: Transcript | None = None
        self.transcript_path: str | None = None
        self._load_token = 0
        self._jobs = JobList()
        self._single_key_actions: list[tuple[QAction, ShortcutSpec]] = []
        self.chapters: tuple[Cue, ...] = ()
        self._chapter_starts: list[int] = []
        self._current_chapter = -1
        self._chapters_token = 0

        # The video surface is a native window (libVLC draws into it); without this, Qt makes
        # every sibling up the tree native too, and each extra X window costs resizes and
        # flushes on every layout change (about 20 ms more before the first frame).
        QGuiApplication.setAttribute(Qt.ApplicationAttribute.AA_DontCreateNativeWidgetSiblings)
        self.model = TranscriptModel(self)
        self.tracker = CueTracker(self)
        self._build_media_area()
        self._build_transport()
        self.panel = TranscriptPanel(self.model, self)
        # The search panel is built the first time it is needed (see the ``search`` property).
        self._search: SearchPanel | None = None
        self._search_index: SearchIndex | None = None
        self._hidden_rows: set[int] = set()
        self._row_filter_token = 0
        self._archive: Archive | None = None
        right = QWidget(self)
        self._right_layout = QVBoxLayout(right)
        self._right_layout.setContentsMargins(0, 0, 0, 0)
        self._right_layout.setSpacing(0)
        self._right_layout.addWidget(self.panel, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.media_stack, 1)
        self.caption_bar = CaptionBar(left)
        self.caption_bar.hide()
        left_layout.addWidget(self.caption_bar)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        self.info_bar = InfoBar(self)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.info_bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.transport)
        self.setCentralWidget(central)

        self._build_status_bar()
        if self._has_archive:
            # The library (and its database) is built just after the window appears: it is
            # not needed for the first frame, and importing it costs start-up time.
            QTimer.singleShot(300, self.ensure_library)
        self._build_actions_and_menus()
        self._connect()
        self._restore_layout()
        self.panel.set_follow_enabled(settings.get(S.FOLLOW_ENABLED))
        self.set_high_contrast(settings.get(S.HIGH_CONTRAST))  # also applies the text style
        self.set_captions(settings.get(S.CAPTIONS))
        self.controller.set_volume(settings.get(S.VOLUME))
        self._save_timer = QTimer(self)
        self._save_timer.setInterval(5000)
        self._save_timer.timeout.connect(self.save_position)
        self._save_timer.start()

    # ----- construction ---------------------------------------------------------------------

    def _build_media_area(self) -> None:
        # Children are made inside the stack: reparenting the (native) video surface later
        # would destroy and re-create its window.
        self.media_stack = stack = QStackedWidget(self)
        self.audio_view = AudioView(stack)
        self.video_surface: VideoSurface | None = VideoSurface(stack) if self.embed_video else None
        self.media_error = plain_label("", stack)
        self.media_error.setWordWrap(True)
        self.media_error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.media_error.setAccessibleName("Media error")
        self.media_stack.addWidget(self.audio_view)
        if self.video_surface is not None:
            self.media_stack.addWidget(self.video_surface)
        self.media_stack.addWidget(self.media_error)

    def _tool(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(text)
        button.setAutoRaise(True)
        return button

    def _glyph_tool(self, text: str, tip: str, glyph: str) -> GlyphButton:
        button = GlyphButton(glyph, self)
        button.setToolTip(tip)
        button.setAccessibleName(text)
        return button

    def _build_transport(self) -> None:
        self.transport = QWidget(self)
        self.play_button = self._glyph_tool("Play", "Play/Pause (Space)", "play")
        self.stop_button = self._glyph_tool("Stop", "Stop (S)", "stop")
        self.back_button = self._glyph_tool("Skip back", "Skip back (J)", "seek-back")
        self.fwd_button = self._glyph_tool("Skip forward", "Skip forward (L)", "seek-forward")
        self.prev_cue_button = self._glyph_tool("Previous cue", "Previous cue (P)", "previous")
        self.next_cue_button = self._glyph_tool("Next cue", "Next cue (N)", "next")
        self.chapter_button = QToolButton(self)
        self.chapter_button.setText("Chapters")
        self.chapter_button.setToolTip(
            "Chapters: choose one to go there (Alt+PgUp / Alt+PgDown: previous / next)"
        )
        self.chapter_button.setAccessibleName("Chapter")
        self.chapter_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.chapter_button.setAutoRaise(True)
        self.chapter_button.setMenu(QMenu(self.chapter_button))
        self.chapter_button.hide()
        self.slider = TimelineSlider(self)
        self.elapsed = plain_label("0:00", self)
        self.elapsed.setAccessibleName("Elapsed time")
        self.remaining = plain_label("-0:00", self)
        self.remaining.setAccessibleName("Remaining time")
        self.rate_box = QComboBox(self)
        self.rate_box.setAccessibleName("Speed")
        self.rate_box.setToolTip("Playback speed ([ slower, ] faster, = normal)")
        for r in RATE_STEPS:
            self.rate_box.addItem(f"{r:g}×", r)
        self.rate_box.setCurrentIndex(RATE_STEPS.index(1.0))
        self.rate_reset = self._tool("1×", "Normal speed (=)")
        self.mute_button = self._glyph_tool("Mute", "Mute (M)", "volume")
        self.mute_button.setCheckable(True)
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setRange(0, 100)
        self.volume.setFixedWidth(90)
        self.volume.setAccessibleName("Volume")
        row = QHBoxLayout(self.transport)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (
            self.play_button,
            self.stop_button,
            self.prev_cue_button,
            self.back_button,
            self.fwd_button,
            self.next_cue_button,
            self.chapter_button,
            self.elapsed,
        ):
            row.addWidget(w)
        row.addWidget(self.slider, 1)
        for tail in (self.remaining, self.rate_box, self.rate_reset, self.mute_button, self.volume):
            row.addWidget(tail)

    @property
    def archive_db(self) -> Path | None:
        """The archive database's path (None: this window has no archive)."""
        if callable(self._archive_db):
            self._archive_db = self._archive_db()
        return self._archive_db

    def ensure_library(self) -> LibraryPanel | None:
        """Build the library dock and open the archive (once); None without an archive."""
        if self.library is not None or self.archive_db is None:
            return self.library
        from PySide6.QtWidgets import QDockWidget

        from player.ui.library_panel import LibraryPanel

        self.library = LibraryPanel(self.archive_db, self)
        dock = QDockWidget("Library", self)
        dock.setObjectName("library")
        dock.setWidget(self.library)
        dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        dock.hide()
        self.library_dock = dock
        dock.visibilityChanged.connect(self.act_library.setChecked)
        self.library.open_requested.connect(self.open_briefing)
        self.library.archive_changed.connect(self._on_archive_changed)
        self.library.open_archive()
        return self.library

    @Slot(bool)
    def show_library(self, visible: bool) -> None:
        """Show or hide the library dock."""
        self.ensure_library()
        if self.library_dock is not None:
            self.library_dock.setVisible(visible)
            if visible and self.library is not None:
                self.library.filter.setFocus()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_label = plain_label("", self)
        self.status_label.setAccessibleName("Status")
        bar.addWidget(self.status_label, 1)
        self.warnings_button = QPushButton(self)
        self.warnings_button.setFlat(True)
        self.warnings_button.setAccessibleName("Transcript warnings")
        self.warnings_button.clicked.connect(self.show_warnings)
        self.warnings_button.hide()
        bar.addPermanentWidget(self.warnings_button)
        self.language_box = QComboBox(self)
        self.language_box.setAccessibleName("Transcript language")
        self.language_box.setToolTip("Transcript to show")
        self.language_box.hide()
        self.language_box.activated.connect(self._on_language_chosen)
        bar.addPermanentWidget(self.language_box)

    def _action(
        self,
        menu: QMenu,
        text: str,
        slot: object,
        spec: ShortcutSpec | None = None,
        *,
        checkable: bool = False,
    ) -> QAction:
        action = QAction(self)  # not QAction(text, self): see widgets.text_button
        action.setText(text)
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if spec is not None:
            self._single_key_actions.append((action, spec))
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_actions_and_menus(self) -> None:
        mb = self.menuBar()
        c = self.controller
        file_menu = mb.addMenu("&File")
        self._action(file_menu, "Open &Media…", self.choose_media, ShortcutSpec(("Ctrl+O",)))
        self._action(
            file_menu, "Open &Transcript…", self.choose_transcript, ShortcutSpec(("Ctrl+Shift+O",))
        )
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, ShortcutSpec(("Ctrl+Q",)))

        pb = mb.addMenu("&Playback")
        self.act_play = self._action(
            pb, "&Play/Pause", c.toggle_play, ShortcutSpec(("Ctrl+Space",), ("Space", "K"))
        )
        self._action(pb, "&Stop", c.stop, ShortcutSpec(("Ctrl+.",), ("S",)))
        pb.addSeparator()
        self._action(pb, "Skip &Back", self.skip_back, ShortcutSpec(("Alt+Left",), ("J",)))
        self._action(pb, "Skip &Forward", self.skip_forward, ShortcutSpec(("Alt+Right",), ("L",)))
        self._action(pb, "P&revious Cue", self.previous_cue, ShortcutSpec(("Alt+Up",), ("P",)))
        self._action(pb, "&Next Cue", self.next_cue, ShortcutSpec(("Alt+Down",), ("N",)))
        self.act_previous_chapter = self._action(
            pb, "Previous C&hapter", self.previous_chapter, ShortcutSpec(("Alt+PgUp",))
        )
        self.act_next_chapter = self._action(
            pb, "Ne&xt Chapter", self.next_chapter, ShortcutSpec(("Alt+PgDown",))
        )
        self.act_previous_chapter.setEnabled(False)
        self.act_next_chapter.setEnabled(False)
        self.act_add_bookmark = self._action(
            pb, "Add Boo&kmark", self.add_bookmark, ShortcutSpec(("Ctrl+B",), ("B",))
        )
        self.act_add_bookmark.setEnabled(self._has_archive)
        pb.addSeparator()
        self._action(
            pb, "S&lower", lambda: c.step_rate(-1), ShortcutSpec(("Ctrl+Shift+Down",), ("[",))
        )
        self._action(
            pb, "F&aster", lambda: c.step_rate(1), ShortcutSpec(("Ctrl+Shift+Up",), ("]",))
        )
        self._action(pb, "N&ormal Speed", c.reset_rate, ShortcutSpec(("Ctrl+R",), ("=",)))
        pb.addSeparator()
        self._action(
            pb, "Volume &Up", lambda: c.set_volume(c.volume() + 5), ShortcutSpec(("Ctrl+Up",))
        )
        self._action(
            pb, "Volume &Down", lambda: c.set_volume(c.volume() - 5), ShortcutSpec(("Ctrl+Down",))
        )
        self._action(pb, "&Mute", c.toggle_mute, ShortcutSpec(("Ctrl+M",), ("M",)))
        pb.addSeparator()
        self._action(
            pb,
            "&Copy Current Cue as Quote",
            self.copy_current_quote,
            ShortcutSpec(("Ctrl+Shift+C",)),
        )

        find = mb.addMenu("&Search")
        self._action(
            find, "&Find in Transcript…", self.start_search, ShortcutSpec(("Ctrl+F",), ("/",))
        )
        self._action(find, "Find &Next", lambda: self.search.next_hit(), ShortcutSpec(("F3",)))
        self._action(
            find,
            "Find &Previous",
            lambda: self.search.previous_hit(),
            ShortcutSpec(("Shift+F3",)),
        )

        view = mb.addMenu("&View")
        self.act_follow = self._action(
            view,
            "&Follow Playback",
            self.panel.set_follow_enabled,
            ShortcutSpec(("Ctrl+Shift+F",), ("F",)),
            checkable=True,
        )
        self.act_follow.setChecked(True)
        self.act_captions = self._action(
            view,
            "&Captions Under Video",
            self.set_captions,
            ShortcutSpec(("Ctrl+Shift+T",), ("C",)),
            checkable=True,
        )
        self.act_library = self._action(
            view, "&Library", self.show_library, ShortcutSpec(("Ctrl+L",)), checkable=True
        )
        self.act_library.setEnabled(self._has_archive)
        self.act_bookmarks = self._action(
            view,
            "Boo&kmarks",
            self.show_bookmarks,
            ShortcutSpec(("Ctrl+Shift+B",)),
            checkable=True,
        )
        self.act_bookmarks.setEnabled(self._has_archive)
        self._action(view, "&Back to Now", self.escape, ShortcutSpec(("Ctrl+J", "Esc")))
        view.addSeparator()
        self._action(
            view,
            "La&rger Text",
            lambda: self.change_font_size(1),
            ShortcutSpec(("Ctrl++", "Ctrl+=")),
        )
        self._action(
            view, "S&maller Text", lambda: self.change_font_size(-1), ShortcutSpec(("Ctrl+-",))
        )
        self._action(
            view, "&Default Text Size", lambda: self.change_font_size(0), ShortcutSpec(("Ctrl+0",))
        )
        self.act_contrast = self._action(
            view,
            "&High Contrast",
            self.set_high_contrast,
            ShortcutSpec(("Ctrl+Shift+H",)),
            checkable=True,
        )
        view.addSeparator()
        self.act_single_keys = self._action(
            view, "&Single-Key Shortcuts", self.set_single_key_shortcuts, checkable=True
        )
        view.addSeparator()
        self._action(view, "&Preferences…", self.show_preferences, ShortcutSpec(("Ctrl+,",)))
        self.view_menu = view

        help_menu = mb.addMenu("&Help")
        self._action(help_menu, "&Keyboard Shortcuts", self.show_shortcuts, ShortcutSpec(("F1",)))
        self._action(help_menu, "&About Briefing Player", self.show_about)
        self.set_single_key_shortcuts(self.settings.get(S.SINGLE_KEY_SHORTCUTS))

    def _connect(self) -> None:
        c = self.controller
        self.play_button.clicked.connect(c.toggle_play)
        self.stop_button.clicked.connect(c.stop)
        self.back_button.clicked.connect(self.skip_back)
        self.fwd_button.clicked.connect(self.skip_forward)
        self.prev_cue_button.clicked.connect(self.previous_cue)
        self.next_cue_button.clicked.connect(self.next_cue)
        self.slider.seek_requested.connect(c.seek)
        self.rate_box.activated.connect(lambda i: c.set_rate(float(self.rate_box.itemData(i))))
        self.rate_reset.clicked.connect(c.reset_rate)
        self.mute_button.toggled.connect(c.set_muted)
        self.volume.valueChanged.connect(c.set_volume)
        c.position_changed.connect(self._on_position)
        c.position_changed.connect(self.tracker.update_position)
        c.position_changed.connect(self._update_chapter)
        c.state_changed.connect(self._on_state)
        c.length_changed.connect(self._on_length)
        c.error_occurred.connect(self._on_media_error)
        c.rate_changed.connect(self._on_rate)
        c.volume_changed.connect(self._on_volume)
        c.muted_changed.connect(self._on_muted)
        self.tracker.current_cue_changed.connect(self.panel.set_current_row)
        self.tracker.current_cue_changed.connect(self._on_current_cue)
        self.tracker.word_changed.connect(self.panel.set_current_word)
        self.panel.seek_requested.connect(self.seek_and_play)
        self.panel.following_changed.connect(self._on_following_changed)
        self.panel.follow_button.toggled.connect(self._on_follow_toggled)
        self.slider.mark_clicked.connect(self._on_mark_clicked)

    # ----- layout persistence ---------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.get(S.WINDOW_GEOMETRY)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        splitter = self.settings.get(S.SPLITTER_STATE)
        if splitter:
            self.splitter.restoreState(QByteArray(splitter))
        else:
            self.splitter.setSizes([620, 460])

    def save_layout(self) -> None:
        """Remember window geometry and splitter position."""
        self.settings.set(S.WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        self.settings.set(S.SPLITTER_STATE, bytes(self.splitter.saveState().data()))

    # ----- opening --------------------------------------------------------------------------

    def open_media(
        self,
        path: str | Path,
        *,
        transcript: str | Path | None = None,
        at_ms: int | None = None,
        play: bool = True,
    ) -> bool:
        """Open media (and its transcript); errors are shown in the window. True if it plays."""
        self.save_position()
        path = Path(path).expanduser()
        with contextlib.suppress(OSError):
            path = path.resolve()
        self.info_bar.hide()
        self.setWindowTitle(f"{path.name} — Briefing Player")
        self.audio_view.set_title(path.stem.replace("_", " "))
        self.audio_view.set_cue(None, "")
        playable = True
        try:
            self.controller.load(path)
        except PlaybackError as err:
            playable = False
            self._show_media_error(str(err))
        if self.bookmarks is not None:  # the previous file's bookmarks go, whatever happens
            self.bookmarks.set_context(self._archive, self.controller.media_path)
        if not playable:
            self._open_transcripts(path, transcript)
            return False
        self.settings.add_recent(str(path))
        self.media_stack.setCurrentWidget(
            self.video_surface
            if self.video_surface is not None and self.controller.has_video()
            else self.audio_view
        )
        self._update_caption_bar()
        if self.video_surface is not None:
            self.controller.set_video_window(self.video_surface.window_id())
        self.media_opened.emit(str(path))
        resume = self.settings.resume_position(str(path))
        if at_ms is not None:
            self.controller.seek(at_ms)
        elif resume is not None and resume > RESUME_MIN_MS:
            self.info_bar.show_message(
                f"You stopped at {format_clock(resume)} last time.",
                [
                    ("Resume at " + format_clock(resume), lambda: self.seek_and_play(resume)),
                    (
                        "Start from the beginning",
                        lambda: self.settings.set_resume_position(str(path), None),
                    ),
                ],
            )
        if play:
            self.controller.play()
        # The transcript's parse starts last: its worker takes turns with this thread for the
        # GIL, and from here on this thread mostly runs Qt's C++ (layout, first paint), which
        # lets the worker run (measured: 5-10 ms sooner to "playing with the transcript").
        self._open_transcripts(path, transcript)
        self._set_status(f"Opened {path.name}")
        return True

    def _open_transcripts(self, path: Path, transcript: str | Path | None) -> None:
        # The transcript is independent of whether the media plays. One look at the folder
        # finds both the transcripts and the chapters file.
        try:
            sidecars = find_sidecars(path)
        except OSError:
            sidecars = []
        if transcript is not None:
            self.language_box.hide()
            self.open_transcript(transcript)
        else:
            self._open_sidecar(path, [c for c in sidecars if c.kind == "transcript"])
        self._open_chapters(next((c.path for c in sidecars if c.kind == "chapters"), None))

    def _show_media_error(self, message: str) -> None:
        self.media_error.setText(f"⚠ {message}\n\nThe transcript stays readable and searchable.")
        self.media_stack.setCurrentWidget(self.media_error)
        self._update_caption_bar()
        self._set_status(message)

    def _open_sidecar(self, media: Path, candidates: list[SidecarCandidate]) -> None:
        self.language_box.clear()
        if len(candidates) > 1:
            for cand in candidates:
                label = cand.language or "default"
                self.language_box.addItem(f"{label} — {cand.path.name}", str(cand.path))
            self.language_box.show()
        else:
            self.language_box.hide()
        if not candidates:
            self._clear_transcript()
            self.info_bar.show_message(
                f"No transcript found for {media.name}.",
                [("Open transcript…", self.choose_transcript)],
            )
            return
        langs = [n.replace("-", "_") for n in QLocale.system().uiLanguages()]
        langs += [lang.split("_")[0] for lang in langs]
        chosen = preferred_transcript(candidates, langs) or candidates[0]
        if len(candidates) > 1:
            self.language_box.setCurrentIndex(candidates.index(chosen))
        self.open_transcript(chosen.path)

    @Slot(int)
    def _on_language_chosen(self, i: int) -> None:
        path = self.language_box.itemData(i)
        if path:
            self.open_transcript(path)

    def _clear_transcript(self) -> None:
        self._load_token += 1  # a parse still running for the previous file must not land
        self.transcript = None
        self.transcript_path = None
        self.model.set_cues(())
        self.tracker.set_cues(())
        self._search_index = None
        if self._search is not None:
            self._search.set_index(None)
        self.panel.header.setText("Transcript (none)")
        self.warnings_button.hide()

    def open_transcript(self, path: str | Path) -> None:
        """Parse a transcript on a worker thread; the panel fills in when it is ready."""
        self._load_token += 1
        token = self._load_token
        self.panel.header.setText(f"Loading {Path(path).name}…")
        job = start_job(
            token,
            lambda: _load_with_index(str(path)),
            self._on_transcript_ready,
            self._on_transcript_failed,
        )
        self._jobs.add(job)

    @Slot(int, object)
    def _on_transcript_ready(self, token: int, loaded: object) -> None:
        if token != self._load_token or not isinstance(loaded, LoadedTranscript):
            return
        self.set_transcript(loaded.transcript, loaded.path, loaded.cue_index, loaded.search_index)

    @Slot(int, object)
    def _on_transcript_failed(self, token: int, err: object) -> None:
        if token != self._load_token:
            return
        self._clear_transcript()
        if isinstance(err, TranscriptError):
            message = str(err)
            where = err.path or ""
        else:  # an unexpected bug: still a message, never a traceback for the user
            message = f"unexpected error: {err!r}"
            where = ""
        text = f"Could not read the transcript {Path(where).name if where else ''}: {message}"
        self.info_bar.show_message(text, [("Open another transcript…", self.choose_transcript)])
        self._set_status(text)

    def set_transcript(
        self,
        transcript: Transcript,
        path: str,
        index: CueIndex | None = None,
        search_index: SearchIndex | None = None,
    ) -> None:
        """Show a loaded transcript."""
        self.transcript = transcript
        self.transcript_path = path
        self.model.set_cues(transcript.cues)  # a model reset also un-hides every row
        self._hidden_rows = set()
        self._row_filter_token += 1
        self.tracker.set_cues(transcript.cues, index)
        if search_index is not None:
            self._set_search_index(search_index)
        else:
            self._search_index = None
            token = self._load_token
            # A short transcript's search index is built a moment later, once the window has
            # painted it (the search module is not needed for the first frame); a worker
            # holding the GIL would slow every Python call the list makes while it lays out.
            QTimer.singleShot(
                SEARCH_INDEX_DELAY_MS, self, lambda: self._build_search_index(token, transcript)
            )
        self.tracker.update_position(self.controller.position_ms())
        longest = heapq.nlargest(20, transcript.cues, key=lambda c: len(c.text))
        self.caption_bar.fit_to([caption_text(c.speaker, c.text) for c in longest])
        label = f"Transcript — {Path(path).name}"
        if transcript.language:
            label += f" ({transcript.language})"
        if transcript.machine_generated:
            label += " — machine-generated"
        self.panel.header.setText(label)
        count = len(transcript.warnings)
        if count:
            self.warnings_button.setText(f"⚠ {count} transcript warning{'s' if count != 1 else ''}")
            self.warnings_button.show()
        else:
            self.warnings_button.hide()
        self.transcript_loaded.emit(transcript)
        if (
            self._pending_archive_hit is not None
            and path == self._pending_archive_hit.briefing.transcript_path
        ):
            hit, self._pending_archive_hit = self._pending_archive_hit, None
            self._show_archive_hit(hit)

    # ----- user commands --------------------------------------------------------------------

    @Slot()
    def choose_media(self) -> None:
        """File dialog for media."""
        from PySide6.QtWidgets import QFileDialog

        exts = " ".join(f"*{e}" for e in sorted(MEDIA_EXTENSIONS))
        path, _ = QFileDialog.getOpenFileName(
            self, "Open media", "", f"Media files ({exts});;All files (*)"
        )
        if path:
            self.open_media(path)

    @Slot()
    def choose_transcript(self) -> None:
        """File dialog for a transcript."""
        from PySide6.QtWidgets import QFileDialog

        exts = " ".join(f"*{e}" for e in sorted(TRANSCRIPT_EXTENSIONS))
        path, _ = QFileDialog.getOpenFileName(
            self, "Open transcript", "", f"Transcripts ({exts});;All files (*)"
        )
        if path:
            self.info_bar.hide()
            self.open_transcript(path)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.get(S.RECENT_FILES)
        if not recent:
            action = self.recent_menu.addAction("(none)")
            action.setEnabled(False)
        for path in recent:
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _=False, p=path: self.open_media(p))

    @Slot(int)
    def seek_and_play(self, t_ms: int) -> None:
        """Jump to ``t_ms`` and play."""
        self.controller.seek_and_play(t_ms)
        self.tracker.update_position(self.controller.position_ms())

    @Slot()
    def skip_back(self) -> None:
        """Skip back by the configured step."""
        self.controller.skip(-self.settings.get(S.SKIP_BACK_MS))

    @Slot()
    def skip_forward(self) -> None:
        """Skip forward by the configured step."""
        self.controller.skip(self.settings.get(S.SKIP_FORWARD_MS))

    @Slot()
    def next_cue(self) -> None:
        """Jump to the next cue's start."""
        index = self.tracker.index
        if index is None or self.transcript is None:
            return
        found = index.next_start_after(self.controller.position_ms())
        if found is not None:
            self.controller.seek(self.transcript.cues[found].start_ms)

    @Slot()
    def previous_cue(self) -> None:
        """Jump to the current cue's start, or the previous cue when just past a start."""
        index = self.tracker.index
        if index is None or self.transcript is None:
            return
        found = index.previous_start_before(self.controller.position_ms(), grace_ms=1000)
        if found is not None:
            self.controller.seek(self.transcript.cues[found].start_ms)

    # ----- chapters -------------------------------------------------------------------------

    def _open_chapters(self, path: Path | None) -> None:
        """Read a chapters file (``NAME.chapters.vtt`` beside the media) on a worker; None
        clears the chapters."""
        self._chapters_token += 1
        token = self._chapters_token
        self.set_chapters(())
        if path is None:
            return
        # Read a moment later: the chapter menu is not needed for the first frame, and a second
        # parse at once takes turns with the transcript's and the first paint for the GIL and
        # the CPU (measured: 2-10 ms later to "playing with the transcript" when read at once).
        QTimer.singleShot(CHAPTERS_DELAY_MS, self, lambda: self._start_chapters(token, path))

    def _start_chapters(self, token: int, path: Path) -> None:
        if token != self._chapters_token:  # another file was opened meanwhile
            return
        job = start_job(
            token, lambda: load_transcript(path), self._on_chapters_ready, self._on_chapters_failed
        )
        self._jobs.add(job)

    @Slot(int, object)
    def _on_chapters_ready(self, token: int, loaded: object) -> None:
        if token == self._chapters_token and isinstance(loaded, Transcript):
            self.set_chapters(loaded.cues)
            if loaded.warnings:
                w = loaded.warnings[0]
                name = Path(loaded.source or "chapters").name
                where = f"{name}:{w.line}" if w.line is not None else name
                self._set_status(f"Chapters: {where}: {w.message}")

    @Slot(int, object)
    def _on_chapters_failed(self, token: int, err: object) -> None:
        if token == self._chapters_token:
            if isinstance(err, TranscriptError):
                detail = f"{Path(err.path).name}: {err}" if err.path else str(err)
            else:  # a bug: still one line in the status bar, never a traceback
                detail = f"unexpected error: {err!r}"
            self._set_status(f"Chapters not shown: {detail}")

    def set_chapters(self, cues: tuple[Cue, ...] | list[Cue]) -> None:
        """Show these chapter cues (title = cue text) in the chapter menu; () for none."""
        chapters = tuple(sorted((c for c in cues if c.text.strip()), key=lambda c: c.start_ms))
        self.chapters = chapters
        self._chapter_starts = [c.start_ms for c in chapters]
        self._current_chapter = -2  # whatever the position, the next update refreshes
        menu = self.chapter_button.menu()
        menu.clear()
        # One checked at a time; none before the first chapter. Choosing the current chapter
        # again keeps its mark (a plain checkable action would toggle it off).
        group = QActionGroup(menu)
        group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        for c in chapters[:MAX_CHAPTER_MENU]:
            title = " ".join(c.text.split())
            action = menu.addAction(f"{format_clock(c.start_ms)}   {title.replace('&', '&&')}")
            action.setCheckable(True)
            group.addAction(action)
            action.triggered.connect(lambda _checked=False, t=c.start_ms: self.seek_and_play(t))
            action.triggered.connect(lambda _checked=False, a=action: a.setChecked(True))
        if len(chapters) > MAX_CHAPTER_MENU:
            more = menu.addAction(
                f"… {len(chapters) - MAX_CHAPTER_MENU} more (Alt+PgUp / Alt+PgDown go through all)"
            )
            more.setEnabled(False)
        self.chapter_button.setVisible(bool(chapters))
        self.act_previous_chapter.setEnabled(bool(chapters))
        self.act_next_chapter.setEnabled(bool(chapters))
        self._update_chapter(self.controller.position_ms())

    @Slot(int)
    def _update_chapter(self, t_ms: int) -> None:
        i = bisect_right(self._chapter_starts, t_ms) - 1
        if i == self._current_chapter:
            return
        self._current_chapter = i
        actions = self.chapter_button.menu().actions()[:MAX_CHAPTER_MENU]
        for j, action in enumerate(actions):
            action.setChecked(j == i)
        if i < 0:
            self.chapter_button.setText("Chapters")
            self.chapter_button.setAccessibleDescription("")
            return
        title = " ".join(self.chapters[i].text.split())
        metrics = self.chapter_button.fontMetrics()
        self.chapter_button.setText(
            metrics.elidedText(title, Qt.TextElideMode.ElideRight, 220).replace("&", "&&")
        )
        self.chapter_button.setAccessibleDescription(
            f"Chapter {i + 1} of {len(self.chapters)}: {title}"
        )

    @Slot()
    def next_chapter(self) -> None:
        """Jump to the start of the next chapter."""
        i = bisect_right(self._chapter_starts, self.controller.position_ms())
        if i < len(self._chapter_starts):
            self.controller.seek(self._chapter_starts[i])

    @Slot()
    def previous_chapter(self) -> None:
        """Jump to the current chapter's start, or the previous one when just past a start."""
        if not self._chapter_starts:
            return
        i = bisect_right(self._chapter_starts, self.controller.position_ms() - 1000) - 1
        self.controller.seek(self._chapter_starts[i] if i >= 0 else 0)

    @Slot()
    def back_to_now(self) -> None:
        """Return the transcript to the current cue and resume following."""
        self.panel.back_to_now()

    def _set_search_index(self, index: SearchIndex | None) -> None:
        self._search_index = index
        if self._search is not None:
            self._search.set_index(index)

    def _build_search_index(self, token: int, transcript: Transcript) -> None:
        if token != self._load_token:
            return  # another transcript was opened meanwhile
        job = start_job(
            token,
            lambda: _search_index(transcript),
            self._on_search_index_ready,
            self._on_search_index_failed,
        )
        self._jobs.add(job)

    @Slot(int, object)
    def _on_search_index_ready(self, token: int, index: object) -> None:
        if token == self._load_token:
            self._set_search_index(index)  # type: ignore[arg-type]

    @Slot(int, object)
    def _on_search_index_failed(self, token: int, err: object) -> None:
        if token == self._load_token:
            self._set_status(f"Search is not available for this transcript: {err}")

    @property
    def search_ready(self) -> bool:
        """Whether the open transcript can be searched (its index is built)."""
        return self._search_index is not None

    @property
    def search(self) -> SearchPanel:
        """The search panel, built (hidden) on first use."""
        if self._search is None:
            from player.ui.search_panel import SearchPanel

            panel = SearchPanel(self)
            panel.hide()
            self._right_layout.insertWidget(0, panel)
            panel.hit_chosen.connect(self._go_to_hit)
            panel.archive_hit_chosen.connect(self.open_archive_hit)
            panel.outcome_changed.connect(self._on_search_outcome)
            panel.focus_changed.connect(lambda f: self.panel.hold_following("search", f))
            panel.closed.connect(self.back_to_now)
            panel.speaker_only_changed.connect(self._show_only_speaker)
            panel.set_archive(self._archive)
            panel.set_index(self._search_index)
            self._search = panel
        return self._search

    @Slot(object)
    def _on_archive_changed(self, archive: Archive | None) -> None:
        self._archive = archive
        if self._search is not None:
            self._search.set_archive(archive)
        if self.bookmarks is not None:
            self.bookmarks.set_context(archive, self.controller.media_path)

    # ----- bookmarks -------------------------------------------------------------------------

    def ensure_bookmarks(self) -> BookmarksPanel:
        """Build the bookmarks dock (once) for the media now open."""
        if self.bookmarks is None:
            from PySide6.QtWidgets import QDockWidget

            from player.ui.bookmarks_panel import BookmarksPanel

            self.ensure_library()  # opens the library database, where bookmarks are kept
            panel = BookmarksPanel(self)
            dock = QDockWidget("Bookmarks", self)
            dock.setObjectName("bookmarks")
            dock.setWidget(panel)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            dock.hide()
            dock.visibilityChanged.connect(self.act_bookmarks.setChecked)
            panel.seek_requested.connect(self.seek_and_play)
            panel.message.connect(self._set_status)
            self.bookmarks, self.bookmarks_dock = panel, dock
            panel.set_context(self._archive, self.controller.media_path)
        return self.bookmarks

    @Slot(bool)
    def show_bookmarks(self, visible: bool) -> None:
        """Show or hide the bookmarks dock."""
        panel = self.ensure_bookmarks()
        assert self.bookmarks_dock is not None
        self.bookmarks_dock.setVisible(visible)
        if visible:
            panel.list.setFocus()

    @Slot()
    def add_bookmark(self) -> None:
        """Bookmark the current moment, labelled with the line being spoken."""
        panel = self.ensure_bookmarks()
        if not panel.available:
            self._set_status(
                "No bookmark: open a media file; bookmarks are kept in the library database"
                + ("" if self._archive is not None else ", which is not open")
            )
            return
        t_ms = self.controller.position_ms()
        label = ""
        row = self.tracker.current
        if row < 0 and self.transcript is not None:  # between lines: the one just spoken
            starts = [c.start_ms for c in self.transcript.cues]
            row = bisect_right(starts, t_ms) - 1 if starts == sorted(starts) else -1
        if row >= 0 and self.transcript is not None:
            cue = self.transcript.cues[row]
            text = " / ".join(line.strip() for line in cue.text.split("\n"))
            label = f"{cue.speaker}: {text}" if cue.speaker else text
        if panel.add(t_ms, label) is not None:
            assert self.bookmarks_dock is not None
            self.bookmarks_dock.show()
            self._set_status(f"Bookmark added at {format_clock(t_ms)}")

    @Slot()
    def escape(self) -> None:
        """Esc: close the search if it is open, then go back to the current cue."""
        if self._search is not None and self._search.isVisible():
            self._search.close_search()  # emits closed -> back_to_now
        else:
            self.back_to_now()

    def start_search(self, text: str | None = None, *, go_to_first: bool = False) -> None:
        """Open the search box (with ``text``; ``go_to_first`` selects the first hit when the
        results arrive, as ``--search`` does)."""
        self.search.open_search(text if isinstance(text, str) else None, go_to_first=go_to_first)

    @Slot(int)
    def _go_to_hit(self, i: int) -> None:
        outcome = self.search.outcome
        if outcome is None or self.transcript is None:
            return
        hit = outcome.result.hit(i)
        cue = self.transcript.cues[hit.cue_index]
        self.panel.pause_following()
        self.model.set_active_match(hit.cue_index, hit.start, hit.end)
        if self.controller.media_path is not None:
            lead_in = self.settings.get(S.SEARCH_LEAD_IN_MS)
            self.seek_and_play(max(0, cue.start_ms - lead_in))
        self.panel.show_row(hit.cue_index)

    @Slot(object)
    def _on_search_outcome(self, outcome: SearchOutcome | None) -> None:
        self.model.set_active_match(-1, 0, 0)
        if outcome is None:
            self.model.set_matches({})
            self.slider.set_marks([])
        else:
            self.model.set_matches(outcome.matches)
            self.slider.set_marks(outcome.tick_ms)

    @Slot(int)
    def _on_mark_clicked(self, mark: int) -> None:
        outcome = self.search.outcome
        index = self.search.index
        if outcome is None or index is None:
            return
        marks = self.slider.marks
        if 0 <= mark < len(marks):
            first = index.first_hit_at_or_after(outcome.result, marks[mark])
            if first is not None:
                self.search.go_to(first)

    @Slot(str)
    def _show_only_speaker(self, name: str) -> None:
        """Hide the other speakers' lines in the transcript ("" shows everyone again).

        Rows are hidden in chunks between events, so a 200,000-cue transcript does not freeze
        the window while its rows are filtered.
        """
        count = self.model.rowCount()
        if name:
            index = self._search_index
            allowed = set(index.cue_indices_for_speaker(name)) if index is not None else set()
            wanted = {row for row in range(count) if row not in allowed}
        else:
            wanted = set()
        changes = sorted(wanted ^ self._hidden_rows)
        self._hidden_rows = wanted
        self._row_filter_token += 1
        self._hide_rows(self._row_filter_token, changes, 0)
        self.panel.header.setText(
            self.panel.header.text().split(" — only ")[0] + (f" — only {name}" if name else "")
        )

    def _hide_rows(self, token: int, rows: list[int], start: int) -> None:
        if token != self._row_filter_token:
            return  # the filter changed again; a newer pass is running
        view = self.panel.view
        end = min(len(rows), start + ROW_FILTER_CHUNK)
        hidden = self._hidden_rows
        for row in rows[start:end]:
            view.setRowHidden(row, row in hidden)
        if end < len(rows):
            QTimer.singleShot(0, lambda: self._hide_rows(token, rows, end))
        else:
            self.panel.delegate.clear_cache()

    @Slot(object)
    def open_briefing(self, row: BriefingRow) -> None:
        """Open a briefing chosen in the library (its indexed transcript, if any)."""
        if row.has_media:
            self.open_media(row.path, transcript=row.transcript_path)
        elif row.transcript_path:
            self.controller.stop()
            self._show_media_error(f"No media file was found for {Path(row.path).name}.")
            self.language_box.hide()
            self.open_transcript(row.transcript_path)

    @Slot(object)
    def open_archive_hit(self, hit: ArchiveHit) -> None:
        """Open the hit's briefing at the hit (minus the lead-in) with the match highlighted."""
        b = hit.briefing
        lead_in = self.settings.get(S.SEARCH_LEAD_IN_MS)
        at_ms = max(0, hit.start_ms - lead_in)
        same_media = self.controller.media_path is not None and (
            Path(self.controller.media_path) == Path(b.path)
        )
        if (
            b.transcript_path
            and self.transcript_path == b.transcript_path
            and (same_media or not b.has_media)
        ):
            if same_media:
                self.seek_and_play(at_ms)
            self._show_archive_hit(hit)
            return
        self._pending_archive_hit = hit
        if b.has_media:
            self.open_media(b.path, transcript=b.transcript_path, at_ms=at_ms)
        else:
            self.open_briefing(b)

    def _show_archive_hit(self, hit: ArchiveHit) -> None:
        row = hit.cue_idx
        if not 0 <= row < self.model.rowCount():
            return
        self.panel.pause_following()
        self.model.set_matches({row: list(hit.matches)})
        if hit.matches:
            start, end = hit.matches[0]
            self.model.set_active_match(row, start, end)
        self.panel.show_row(row)

    @Slot()
    def copy_current_quote(self) -> None:
        """Copy the current cue as ``[time] Speaker: text``."""
        row = self.model.current_row
        if row >= 0:
            text = quote_for(self.model.cues[row])
            QGuiApplication.clipboard().setText(text)
            self._set_status(f"Copied: {text[:80]}")

    def change_font_size(self, direction: int) -> None:
        """Bigger (+1), smaller (-1) or default (0) transcript text."""
        current = self.settings.get(S.TRANSCRIPT_FONT_PT) or self.font().pointSize()
        size = 0 if direction == 0 else max(7, min(48, current + 2 * direction))
        self.settings.set(S.TRANSCRIPT_FONT_PT, size)
        self.apply_reading_style()

    def apply_reading_style(self) -> None:
        """The transcript's and caption view's font, size, line spacing and colours from the
        settings (high contrast, when on, decides the colours)."""
        get = self.settings.get
        family, points = get(S.TRANSCRIPT_FONT_FAMILY), get(S.TRANSCRIPT_FONT_PT)
        self.panel.set_text_style(family, points, get(S.TRANSCRIPT_LINE_SPACING) / 100)
        self.audio_view.set_text_style(family, points)
        palette = QPalette(self.palette())
        role = QPalette.ColorRole
        colors: tuple[tuple[QPalette.ColorRole, str], ...] = ()
        if get(S.HIGH_CONTRAST):
            colors = (
                (role.Base, "#000000"),
                (role.Window, "#000000"),
                (role.Text, "#ffffff"),
                (role.WindowText, "#ffffff"),
                (role.AlternateBase, "#3a3a00"),
                (role.Highlight, "#ffe600"),
                (role.HighlightedText, "#000000"),
                (role.PlaceholderText, "#e0e0e0"),
            )
        else:
            fg = valid_hex(get(S.TRANSCRIPT_TEXT_COLOR)) or palette.color(role.Text).name()
            bg = valid_hex(get(S.TRANSCRIPT_BACKGROUND)) or palette.color(role.Base).name()
            if get(S.TRANSCRIPT_TEXT_COLOR) or get(S.TRANSCRIPT_BACKGROUND):
                colors = (
                    (role.Base, bg),
                    (role.Window, bg),
                    (role.Text, fg),
                    (role.WindowText, fg),
                    (role.AlternateBase, blend(fg, bg, 0.12)),  # the current line's band
                    (role.PlaceholderText, blend(fg, bg, 0.7)),  # timestamps
                )
        for r, color in colors:
            palette.setColor(r, QColor(color))
        # Captions are white on black unless the user chose colours (or high contrast).
        caption_fg, caption_bg = "#ffffff", "#000000"
        if colors:
            caption_fg = palette.color(role.Text).name()
            caption_bg = palette.color(role.Base).name()
        self.caption_bar.set_style(family, points, caption_fg, caption_bg)
        for widget in (self.panel.view, self.audio_view):
            widget.setPalette(palette)
            widget.setAutoFillBackground(True)
        self.panel.view.viewport().update()

    @Slot(bool)
    def set_high_contrast(self, enabled: bool) -> None:
        """White text on black (contrast 21:1) with a yellow current line, for low vision."""
        self.settings.set(S.HIGH_CONTRAST, enabled)
        self.act_contrast.setChecked(enabled)
        self.apply_reading_style()

    @Slot(bool)
    def set_captions(self, enabled: bool) -> None:
        """Show (or hide) the current line as a caption under the video."""
        self.settings.set(S.CAPTIONS, enabled)
        self.act_captions.setChecked(enabled)
        self._update_caption_bar()

    def _update_caption_bar(self) -> None:
        """Captions show under video only: audio-only media shows the line in its own view."""
        showing_video = (
            self.video_surface is not None
            and self.media_stack.currentWidget() is self.video_surface
        )
        self.caption_bar.setVisible(self.settings.get(S.CAPTIONS) and showing_video)

    @Slot(bool)
    def set_single_key_shortcuts(self, enabled: bool) -> None:
        """Turn single-letter shortcuts on or off (WCAG 2.1.4)."""
        self.settings.set(S.SINGLE_KEY_SHORTCUTS, enabled)
        self.act_single_keys.setChecked(enabled)
        for action, spec in self._single_key_actions:
            keys = list(spec.keys) + (list(spec.single_keys) if enabled else [])
            action.setShortcuts([QKeySequence(k) for k in keys])

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(action, keys) for the shortcuts dialog and the README."""
        rows = []
        for action, spec in self._single_key_actions:
            keys = ", ".join(list(spec.keys) + list(spec.single_keys))
            rows.append((action.text().replace("&", ""), keys))
        return rows

    @Slot()
    def show_shortcuts(self) -> None:
        """A table of all keyboard shortcuts."""
        from PySide6.QtWidgets import (
            QDialog,
            QDialogButtonBox,
            QHeaderView,
            QTableWidget,
            QTableWidgetItem,
        )

        dialog = QDialog(self)
        dialog.setWindowTitle("Keyboard shortcuts")
        table = QTableWidget(0, 2, dialog)
        table.setHorizontalHeaderLabels(["Action", "Keys"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        rows = [
            *self.shortcut_rows(),
            ("Play the selected cue (transcript)", "Enter"),
            ("Copy selected cues as quotes", "Ctrl+C"),
        ]
        for action_name, keys in rows:
            r = table.rowCount()
            table.insertRow(r)
            table.setItem(r, 0, QTableWidgetItem(action_name))
            table.setItem(r, 1, QTableWidgetItem(keys))
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        note = plain_label(
            "Single-letter keys never act while you type in a text field, and can be turned "
            "off in View ▸ Single-Key Shortcuts.",
            dialog,
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        layout.addWidget(note)
        layout.addWidget(buttons)
        dialog.resize(520, 560)
        dialog.open()

    @Slot()
    def show_preferences(self) -> None:
        """Edit skip steps, search lead-in, text size and single-key shortcuts."""
        from player.ui.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self)
        dialog.accepted.connect(lambda: self._apply_preferences(dialog))
        dialog.open()
        self.preferences_dialog = dialog

    def _apply_preferences(self, dialog: PreferencesDialog) -> None:
        dialog.apply()
        self.apply_reading_style()
        self.set_single_key_shortcuts(self.settings.get(S.SINGLE_KEY_SHORTCUTS))

    @Slot()
    def show_about(self) -> None:
        """Version and a one-line description."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setWindowTitle("About Briefing Player")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            f"Briefing Player {__version__}\n\n"
            "Play briefings with synchronized, searchable transcripts. Works offline."
        )
        box.open()

    @Slot()
    def show_warnings(self) -> None:
        """List the transcript's load warnings with their line numbers."""
        if self.transcript is None:
            return
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidget

        dialog = QDialog(self)
        dialog.setWindowTitle("Transcript warnings")
        listing = QListWidget(dialog)
        name = Path(self.transcript_path or "").name
        for w in self.transcript.warnings:
            where = f"{name}:{w.line}" if w.line is not None else name
            listing.addItem(f"{where}: {w.message}")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(
            plain_label(
                "These parts of the transcript were skipped or repaired while loading:", dialog
            )
        )
        layout.addWidget(listing)
        layout.addWidget(buttons)
        dialog.resize(640, 400)
        dialog.open()
        self.warnings_dialog = dialog

    # ----- controller → widgets ---------------------------------------------------------------

    @Slot(int)
    def _on_position(self, t_ms: int) -> None:
        self.slider.set_position(t_ms)
        length = self.controller.length_ms()
        self.elapsed.setText(format_clock(t_ms))
        self.remaining.setText("-" + format_clock(max(0, length - t_ms)))

    @Slot(object)
    def _on_state(self, state: PlaybackState) -> None:
        playing = state is PlaybackState.PLAYING
        self.play_button.set_glyph("pause" if playing else "play")
        self.play_button.setAccessibleName("Pause" if playing else "Play")
        if state is PlaybackState.ENDED:
            self._set_status("Finished")
            if self.controller.media_path:
                self.settings.set_resume_position(self.controller.media_path, None)

    @Slot(int)
    def _on_length(self, length_ms: int) -> None:
        self.slider.setRange(0, max(0, length_ms))
        self._on_position(self.controller.position_ms())

    @Slot(str)
    def _on_media_error(self, message: str) -> None:
        self._show_media_error(message)

    @Slot(float)
    def _on_rate(self, rate: float) -> None:
        i = self.rate_box.findData(rate)
        if i < 0:
            self.rate_box.addItem(f"{rate:g}×", rate)
            i = self.rate_box.count() - 1
        self.rate_box.setCurrentIndex(i)
        self._set_status(f"Speed {rate:g}×")

    @Slot(int)
    def _on_volume(self, volume: int) -> None:
        if self.volume.value() != volume:
            self.volume.blockSignals(True)
            self.volume.setValue(volume)
            self.volume.blockSignals(False)
        self.settings.set(S.VOLUME, volume)

    @Slot(bool)
    def _on_muted(self, muted: bool) -> None:
        self.mute_button.blockSignals(True)
        self.mute_button.setChecked(muted)
        self.mute_button.blockSignals(False)
        self.mute_button.set_glyph("muted" if muted else "volume")
        self._set_status("Muted" if muted else "Sound on")

    @Slot(int)
    def _on_current_cue(self, row: int) -> None:
        if row >= 0 and self.transcript is not None:
            cue = self.transcript.cues[row]
            self.audio_view.set_cue(cue.speaker, cue.text)
            self.caption_bar.set_caption(cue.speaker, cue.text)
        else:
            self.audio_view.set_cue(None, "")
            self.caption_bar.set_caption(None, "")

    @Slot(bool)
    def _on_following_changed(self, following: bool) -> None:
        self._set_status(
            "Following playback" if following else "Following paused — Ctrl+J or Esc: back to now"
        )

    @Slot(bool)
    def _on_follow_toggled(self, enabled: bool) -> None:
        self.act_follow.setChecked(enabled)
        self.settings.set(S.FOLLOW_ENABLED, enabled)

    def _set_status(self, text: str) -> None:
        self.status_label.setText(text)

    # ----- resume, drag & drop, closing -----------------------------------------------------

    @Slot()
    def save_position(self) -> None:
        """Remember where the current media is, for the resume offer next time."""
        path = self.controller.media_path
        if not path:
            return
        t_ms = self.controller.position_ms()
        length = self.controller.length_ms()
        near_end = length > 0 and t_ms > length - RESUME_MIN_MS
        state = self.controller.state()
        archive = self.library.archive if self.library is not None else None
        if state is PlaybackState.ENDED or near_end:
            self.settings.set_resume_position(path, None)
            remembered = 0
        elif t_ms > RESUME_MIN_MS:
            self.settings.set_resume_position(path, t_ms)
            remembered = t_ms
        else:
            return
        if archive is not None:
            # The library shows "last position"; the settings file stays the main copy.
            from player.core.archive.library import ArchiveError

            with contextlib.suppress(ArchiveError):
                archive.set_position(path, remembered)

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
        subs = [p for p in paths if Path(p).suffix.lower() in TRANSCRIPT_EXTENSIONS]
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
        self.save_position()
        self.save_layout()
        self.settings.sync()
        self._save_timer.stop()
        if self.library is not None:
            self.library.close_archive()
        self.controller.shutdown()
        super().closeEvent(event)
