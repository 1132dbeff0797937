"""Every command of the window with its menu entry and keys, in one table.

:class:`WindowActions` builds the menus; each action calls the part of the window that does the
work (the controller, the transport bar, the transcript session, the search, the docks, the
reading style, the dialogs). Keys come in two kinds (:class:`ShortcutSpec`): keys with a
modifier always work; single letters can be turned off (WCAG 2.1.4) and never act while the user
types in a text field. The same table gives the shortcuts dialog its rows.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, NamedTuple, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence

from player.ui import settings as S

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QMainWindow, QMenu, QSplitter

    from player.ui.controller import PlaybackController
    from player.ui.desk import Desk
    from player.ui.dialogs import Dialogs
    from player.ui.docks import Docks
    from player.ui.keyboard import KeyboardAccess
    from player.ui.quote_selection import QuoteContext, WordSelector
    from player.ui.search_coordinator import SearchCoordinator
    from player.ui.style import ReadingStyle
    from player.ui.transcript_session import TranscriptSession
    from player.ui.transcript_view import TranscriptPanel
    from player.ui.transport import TransportBar

KEYBOARD_DELAY_MS = 200  # the keyboard's helpers are built this long after the window is made
KEYBOARD_LATEST_MS = 3000  # ... or, while a transcript is being read, when it is read or by then


class ShortcutSpec(NamedTuple):
    """An action's keys: ``keys`` always work; ``single_keys`` only when single-key shortcuts
    are enabled (and never while typing in a text field — QLineEdit overrides them).

    Named tuples rather than frozen dataclasses for the window's own records: defining a
    dataclass compiles its methods (0.4-0.6 ms each at start-up)."""

    keys: tuple[str, ...]
    single_keys: tuple[str, ...] = ()


class WindowCommands(Protocol):
    """What the menus ask of the window itself (the rest goes to its parts)."""

    def choose_media(self) -> None:
        """Ask for a media file and open it."""

    def choose_transcript(self) -> None:
        """Ask for a transcript file and show it."""

    def synchronize_text(self) -> None:
        """Ask for a text without timings and synchronize it with the audio."""

    def transcribe_recording(self) -> None:
        """Transcribe the open recording on this computer."""

    def open_media(self, path: str) -> object:
        """Open a media file (a recent one)."""

    def copy_current_quote(self) -> None:
        """Copy the current cue as a quote."""

    def close(self) -> bool:
        """Close the window."""


class WindowActions(QObject):
    """The window's menus and actions; the actions other parts need are attributes
    (``act_play``, ``act_follow``, ``act_captions``...)."""

    def __init__(
        self,
        window: QMainWindow,
        commands: WindowCommands,
        *,
        settings: S.Settings,
        controller: PlaybackController,
        session: TranscriptSession,
        transport: TransportBar,
        panel: TranscriptPanel,
        search: SearchCoordinator,
        docks: Docks,
        style: ReadingStyle,
        dialogs: Dialogs,
        splitter: QSplitter,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._settings = settings
        self._splitter = splitter
        self._keyboard: KeyboardAccess | None = None
        self._desk: Desk | None = None
        self._desk_parts = (controller, transport, session)
        self._session = session
        self._quotes: tuple[QuoteContext, WordSelector] | None = None
        self._quote_parts = (settings, panel, session, dialogs, controller, docks, search)
        panel.view.quote_lines = self._first_quote  # a copy before the formatter is built
        self._keyed: list[tuple[QAction, ShortcutSpec]] = []
        self._open_recent = commands.open_media
        add, c = self._add, controller
        mb = window.menuBar()

        file_menu = mb.addMenu("&File")
        add(file_menu, "Open &Media…", commands.choose_media, ShortcutSpec(("Ctrl+O",)))
        add(
            file_menu,
            "Open &Transcript…",
            commands.choose_transcript,
            ShortcutSpec(("Ctrl+Shift+O",)),
        )
        add(file_menu, "S&ynchronize Text with Audio…", commands.synchronize_text)
        add(file_menu, "Tra&nscribe Recording…", commands.transcribe_recording)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        add(file_menu, "&Export…", self.show_export, ShortcutSpec(("Ctrl+E",)))
        add(
            file_menu,
            "Export C&lip…",
            lambda: self.desk().export_clip(),
            ShortcutSpec(("Ctrl+Shift+E",)),
        )
        file_menu.addSeparator()
        add(file_menu, "&Quit", commands.close, ShortcutSpec(("Ctrl+Q",)))

        pb = mb.addMenu("&Playback")
        self.act_play = add(
            pb, "&Play/Pause", c.toggle_play, ShortcutSpec(("Ctrl+Space",), ("Space", "K"))
        )
        add(pb, "&Stop", c.stop, ShortcutSpec(("Ctrl+.",), ("S",)))
        pb.addSeparator()
        add(pb, "Skip &Back", transport.skip_back, ShortcutSpec(("Alt+Left",), ("J",)))
        add(pb, "Skip &Forward", transport.skip_forward, ShortcutSpec(("Alt+Right",), ("L",)))
        add(pb, "P&revious Line", lambda: session.step_cue(-1), ShortcutSpec(("Alt+Up",), ("P",)))
        add(pb, "&Next Line", lambda: session.step_cue(1), ShortcutSpec(("Alt+Down",), ("N",)))
        self.act_previous_chapter = add(
            pb, "Previous C&hapter", transport.previous_chapter, ShortcutSpec(("Alt+PgUp",))
        )
        self.act_next_chapter = add(
            pb, "Ne&xt Chapter", transport.next_chapter, ShortcutSpec(("Alt+PgDown",))
        )
        self.set_chapters_available(0)
        self.act_add_bookmark = add(
            pb, "Add Boo&kmark", docks.add_bookmark, ShortcutSpec(("Ctrl+B",), ("B",))
        )
        self.act_add_bookmark.setEnabled(docks.has_archive)
        pb.addSeparator()  # marks and the A-B loop (ui.desk)
        add(
            pb, "Set &In Mark", lambda: self.desk().marks.set_in(), ShortcutSpec(("Alt+I",), ("I",))
        )
        add(
            pb,
            "Set Ou&t Mark",
            lambda: self.desk().marks.set_out(),
            ShortcutSpec(("Alt+O",), ("O",)),
        )
        self.act_loop = add(
            pb,
            "Loop Bet&ween Marks",
            lambda on: self.desk().marks.set_looping(on),
            ShortcutSpec(("Alt+L",), ("Shift+L",)),
            checkable=True,
        )
        add(pb, "Cl&ear Marks", lambda: self.desk().marks.clear(), ShortcutSpec(("Alt+X",)))
        pb.addSeparator()
        add(pb, "S&lower", lambda: c.step_rate(-1), ShortcutSpec(("Ctrl+Shift+Down",), ("[",)))
        add(pb, "F&aster", lambda: c.step_rate(1), ShortcutSpec(("Ctrl+Shift+Up",), ("]",)))
        add(pb, "N&ormal Speed", c.reset_rate, ShortcutSpec(("Ctrl+R",), ("=",)))
        pb.addSeparator()
        add(pb, "Volume &Up", lambda: c.set_volume(c.volume() + 5), ShortcutSpec(("Ctrl+Up",)))
        add(pb, "Volume &Down", lambda: c.set_volume(c.volume() - 5), ShortcutSpec(("Ctrl+Down",)))
        add(pb, "&Mute", c.toggle_mute, ShortcutSpec(("Ctrl+M",), ("M",)))
        pb.addSeparator()
        add(
            pb,
            "&Copy Current Line as Quote",
            commands.copy_current_quote,
            ShortcutSpec(("Ctrl+Shift+C",)),
        )
        add(pb, "Select &Words to Quote", self.select_words, ShortcutSpec(("Ctrl+Shift+W",)))

        find = mb.addMenu("&Search")
        add(find, "&Find in Transcript…", search.start_search, ShortcutSpec(("Ctrl+F",), ("/",)))
        add(find, "Find &Next", search.next_hit, ShortcutSpec(("F3",)))
        add(find, "Find &Previous", search.previous_hit, ShortcutSpec(("Shift+F3",)))

        go = mb.addMenu("&Go")
        add(go, "&Go to Time…", lambda: self.desk().go_to_time(), ShortcutSpec(("Ctrl+G",)))
        self.act_back = add(go, "&Back", lambda: self.desk().jumps.back(), ShortcutSpec(("Alt+[",)))
        self.act_forward = add(
            go, "&Forward", lambda: self.desk().jumps.forward(), ShortcutSpec(("Alt+]",))
        )

        view = mb.addMenu("&View")
        self.act_follow = add(
            view,
            "&Follow Playback",
            panel.set_follow_enabled,
            ShortcutSpec(("Ctrl+Shift+F",), ("F",)),
            checkable=True,
        )
        self.act_follow.setChecked(True)
        self.act_captions = add(
            view,
            "&Captions Under Video",
            style.set_captions,
            ShortcutSpec(("Ctrl+Shift+T",), ("C",)),
            checkable=True,
        )
        self.act_library = add(
            view, "&Library", docks.show_library, ShortcutSpec(("Ctrl+L",)), checkable=True
        )
        self.act_library.setEnabled(docks.has_archive)
        self.act_bookmarks = add(
            view,
            "Boo&kmarks",
            docks.show_bookmarks,
            ShortcutSpec(("Ctrl+Shift+B",)),
            checkable=True,
        )
        self.act_bookmarks.setEnabled(docks.has_archive)
        self.act_float_library = add(
            view,
            "Float or Dock the Library",
            lambda: self.keyboard().toggle_floating(docks.library_dock),
        )
        self.act_float_library.setEnabled(docks.has_archive)
        self.act_float_bookmarks = add(
            view,
            "Float or Dock the Bookmarks",
            lambda: (
                docks.ensure_bookmarks(),
                self.keyboard().toggle_floating(docks.bookmarks_dock),
            ),
        )
        self.act_float_bookmarks.setEnabled(docks.has_archive)
        add(view, "&Back to Now", search.escape, ShortcutSpec(("Ctrl+J", "Esc")))
        view.addSeparator()
        add(
            view,
            "La&rger Text",
            lambda: style.change_font_size(1),
            ShortcutSpec(("Ctrl++", "Ctrl+=")),
        )
        add(view, "S&maller Text", lambda: style.change_font_size(-1), ShortcutSpec(("Ctrl+-",)))
        add(
            view,
            "&Default Text Size",
            lambda: style.change_font_size(0),
            ShortcutSpec(("Ctrl+0",)),
        )
        add(
            view,
            "&Wider Transcript",
            lambda: self.keyboard().resize_split(1),
            ShortcutSpec(("Ctrl+Shift+Left",)),
        )
        add(
            view,
            "&Narrower Transcript",
            lambda: self.keyboard().resize_split(-1),
            ShortcutSpec(("Ctrl+Shift+Right",)),
        )
        self.act_contrast = add(
            view,
            "&High Contrast",
            style.set_high_contrast,
            ShortcutSpec(("Ctrl+Shift+H",)),
            checkable=True,
        )
        view.addSeparator()
        self.act_single_keys = add(
            view, "&Single-Key Shortcuts", self.set_single_key_shortcuts, checkable=True
        )
        view.addSeparator()
        add(view, "&Preferences…", dialogs.show_preferences, ShortcutSpec(("Ctrl+,",)))
        self.view_menu = view

        help_menu = mb.addMenu("&Help")
        add(
            help_menu,
            "&Keyboard Shortcuts",
            lambda: dialogs.show_shortcuts(self.shortcut_rows()),
            ShortcutSpec(("F1",)),
        )
        add(help_menu, "&About Briefing Player", dialogs.show_about)
        # F10 opens the menus (as in GTK and Windows programs); an action of the window, in
        # no menu (its place would be the menus it opens).
        self.act_menus = QAction(window)
        self.act_menus.setText("Open the &Menus")
        self.act_menus.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.act_menus.triggered.connect(lambda: self.keyboard().open_menus())
        window.addAction(self.act_menus)
        self._keyed.append((self.act_menus, ShortcutSpec(("F10",))))
        self.set_single_key_shortcuts(settings.get(S.SINGLE_KEY_SHORTCUTS))

        # Check marks and availability follow the parts' state, however it was changed.
        panel.follow_enabled_changed.connect(self.act_follow.setChecked)
        style.captions_changed.connect(self.act_captions.setChecked)
        style.high_contrast_changed.connect(self.act_contrast.setChecked)
        docks.library_shown.connect(self.act_library.setChecked)
        docks.bookmarks_shown.connect(self.act_bookmarks.setChecked)
        transport.chapters_changed.connect(self.set_chapters_available)
        # The transport bar's Captions button is the same switch as View ▸ Captions and C.
        transport.captions_button.toggled.connect(style.set_captions)
        style.captions_changed.connect(transport.captions_button.setChecked)
        self._helpers_timer = QTimer(self)
        self._helpers_timer.setInterval(KEYBOARD_DELAY_MS)
        self._helpers_timer.timeout.connect(self._build_helpers)
        self._helpers_timer.start()
        self._helpers_since = time.monotonic()

    def _build_helpers(self) -> None:
        """Build the keyboard helpers, the desk and the quotes after the first frame, but not
        while a transcript is being read (until :data:`KEYBOARD_LATEST_MS`): importing them
        on the GUI thread while a worker parses waits for the interpreter's lock at every step
        (a 70 ms stall of the window on a 50,000-line file). One per turn of the event loop."""
        waited_ms = (time.monotonic() - self._helpers_since) * 1000
        if self._session.is_busy() and waited_ms < KEYBOARD_LATEST_MS:
            return
        self._helpers_timer.stop()
        for build in (self.keyboard, self.desk, self.quotes):
            QTimer.singleShot(0, self, build)

    def keyboard(self) -> KeyboardAccess:
        """The window's keyboard helpers (focus keys, Esc on docks, Tab order, focus ring,
        F10, the splitter), built after the first frame or when first needed."""
        if self._keyboard is None:
            from player.ui.keyboard import KeyboardAccess

            self._keyboard = KeyboardAccess(self._window, self._splitter)
        return self._keyboard

    def desk(self) -> Desk:
        """Marks, the A-B loop, Go to time, Back/Forward and clip export (``ui.desk``), built
        after the first frame or when first needed."""
        if self._desk is None:
            from player.ui.desk import Desk

            self._desk = Desk(self._window, *self._desk_parts)
            self._desk.marks.looping_changed.connect(self.act_loop.setChecked)
        return self._desk

    def quotes(self) -> tuple[QuoteContext, WordSelector]:
        """The quote formatter and the word selection (``ui.quote_selection``), built after
        the first frame or when first needed."""
        if self._quotes is None:
            from player.ui.quote_selection import install

            settings, panel, session, dialogs, controller = self._quote_parts[:5]
            self._quotes = install(
                self._window, settings, panel, session, dialogs, controller.media_path
            )
        return self._quotes

    def _first_quote(self, rows: list[int]) -> str:
        """Rows as quotes when the formatter is not built yet: build it (it takes over the
        view's ``quote_lines``), then quote through it, so every copy has one format."""
        self.quotes()  # builds the formatter, which takes over the view's quote_lines
        quote_lines = self._quote_parts[1].view.quote_lines
        return quote_lines(rows) if quote_lines and quote_lines != self._first_quote else ""

    def select_words(self) -> None:
        """Open the selected line (else the line playing now) for selecting words."""
        panel = self._quote_parts[1]
        row = panel.view.currentIndex().row()
        self.quotes()[1].open_row(row if row >= 0 else panel.current_row())

    def show_export(self) -> None:
        """File ▸ Export… (``ui.export_dialog``)."""
        from player.ui.export_dialog import show_export

        show_export(self._window, self.quotes()[0], self.desk(), *self._quote_parts)

    def _add(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[..., object],
        spec: ShortcutSpec | None = None,
        *,
        checkable: bool = False,
    ) -> QAction:
        action = QAction(self._window)  # not QAction(text, parent): see widgets.text_button
        action.setText(text)
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if spec is not None:
            self._keyed.append((action, spec))
        menu.addAction(action)
        self._window.addAction(action)
        return action

    @Slot(bool)
    def set_single_key_shortcuts(self, enabled: bool) -> None:
        """Turn single-letter shortcuts on or off (WCAG 2.1.4)."""
        self._settings.set(S.SINGLE_KEY_SHORTCUTS, enabled)
        self.act_single_keys.setChecked(enabled)
        for action, spec in self._keyed:
            keys = list(spec.keys) + (list(spec.single_keys) if enabled else [])
            action.setShortcuts([QKeySequence(k) for k in keys])

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(action, keys) for the shortcuts dialog and the README."""
        rows = []
        for action, spec in self._keyed:
            keys = ", ".join(list(spec.keys) + list(spec.single_keys))
            rows.append((action.text().replace("&", ""), keys))
        return rows

    @Slot(int)
    def set_chapters_available(self, count: int) -> None:
        """Enable the chapter keys when there are chapters."""
        self.act_previous_chapter.setEnabled(count > 0)
        self.act_next_chapter.setEnabled(count > 0)

    @Slot()
    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self._settings.get(S.RECENT_FILES)
        if not recent:
            action = self.recent_menu.addAction("(none)")
            action.setEnabled(False)
        for path in recent:
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _=False, p=str(path): self._open_recent(p))
