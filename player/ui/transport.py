"""The transport bar: play/pause, stop, skips, cue steps, chapters, the seek bar with elapsed
and remaining time, speed and volume.

It talks only to the :class:`~player.ui.controller.PlaybackController`: its buttons give the
controller commands, and the controller's signals move its handle, times and buttons. The one
thing it cannot do alone, stepping to the previous or next cue, it asks for by signal.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QMenu, QSlider, QToolButton, QWidget

from player.core.timeline.timecode import format_clock
from player.playback.base import PlaybackState
from player.ui import settings as S
from player.ui.accessible import mark_live_label
from player.ui.controller import RATE_STEPS
from player.ui.eliding_label import elide_words, fix_text_room
from player.ui.timeline_slider import TimelineSlider
from player.ui.widgets import GlyphButton, plain_label

if TYPE_CHECKING:
    from collections.abc import Iterable

    from player.core.model import Cue
    from player.ui.controller import PlaybackController

MAX_CHAPTER_MENU = 200  # a hostile chapters file with 50,000 cues must not build a huge menu
CHAPTER_TEXT_CHARS = 28  # the chapter button's fixed room: the seek bar never moves...
CHAPTER_TEXT_MAX_PX = 240  # ...and with large text still leaves the seek bar its length
CHAPTER_GRACE_MS = 1000  # "previous chapter" this soon after a chapter's start: the one before


class TransportBar(QWidget):
    """Playback controls over the controller (widgets are public for reading and tests).

    Signals:
      cue_step_requested(int): go to the previous (-1) or next (+1) cue.
      chapters_changed(int): the number of chapters now offered (0: none).
      mark_clicked(int): the user clicked the seek bar's tick with this index in ``marks``.
      message(str): a one-line status ("Speed 1.5×", "Muted", "Finished").
    """

    cue_step_requested = Signal(int)
    chapters_changed = Signal(int)
    mark_clicked = Signal(int)
    message = Signal(str)

    def __init__(
        self,
        controller: PlaybackController,
        settings: S.Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._settings = settings
        self._chapters: tuple[Cue, ...] = ()
        self._chapter_starts: list[int] = []
        self._current_chapter = -1
        self._chapter_room_px = 220
        self._build()
        self._connect()
        controller.set_volume(settings.get(S.VOLUME))
        self._on_volume(controller.volume())  # the slider shows it even when unchanged

    # ----- construction ---------------------------------------------------------------------

    def _glyph_tool(self, text: str, tip: str, glyph: str) -> GlyphButton:
        button = GlyphButton(glyph, self)
        button.setToolTip(tip)
        button.setAccessibleName(text)
        return button

    def _build(self) -> None:
        self.play_button = self._glyph_tool("Play", "Play/Pause (Space)", "play")
        self.stop_button = self._glyph_tool("Stop", "Stop (S)", "stop")
        self.back_button = self._glyph_tool("Skip back", "Skip back (J)", "seek-back")
        self.fwd_button = self._glyph_tool("Skip forward", "Skip forward (L)", "seek-forward")
        self.prev_cue_button = self._glyph_tool("Previous line", "Previous line (P)", "previous")
        self.next_cue_button = self._glyph_tool("Next line", "Next line (N)", "next")
        self.chapter_button = QToolButton(self)
        self.chapter_button.setText("Chapters")
        self.chapter_button.setToolTip(
            "Chapters: choose one to go there (Alt+PgUp / Alt+PgDown: previous / next)"
        )
        self.chapter_button.setAccessibleName("Chapters")  # then "Chapter: <the one shown>"
        self.chapter_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.chapter_button.setAutoRaise(True)
        self.chapter_button.setMenu(QMenu(self.chapter_button))
        self.chapter_button.hide()
        self.slider = TimelineSlider(self)
        self.elapsed = plain_label("0:00", self)
        mark_live_label(self.elapsed, "Elapsed")  # "Elapsed 0:20", read when asked
        self.remaining = plain_label("-0:00", self)
        mark_live_label(self.remaining, "Remaining")
        # Qt names a combo box by its current value: the visible label names it (buddy).
        self.rate_label = plain_label("Speed", self)
        self.rate_box = QComboBox(self)
        self.rate_label.setBuddy(self.rate_box)
        self.rate_box.setAccessibleName("Speed")
        self.rate_box.setToolTip("Playback speed ([ slower, ] faster, = normal)")
        for r in RATE_STEPS:
            self.rate_box.addItem(f"{r:g}×", r)
        self.rate_box.setCurrentIndex(RATE_STEPS.index(1.0))
        self.rate_reset = QToolButton(self)
        self.rate_reset.setText("↺")  # an action, not a second "1×" beside the speed box
        self.rate_reset.setToolTip("Normal speed (=)")
        self.rate_reset.setAccessibleName("Normal speed")
        self.rate_reset.setAutoRaise(True)
        self.mute_button = self._glyph_tool("Mute", "Mute (M)", "volume")
        self.mute_button.setCheckable(True)
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setRange(0, 100)
        self.volume.setFixedWidth(90)
        self.volume.setAccessibleName("Volume")
        self.captions_button = QToolButton(self)  # wired to View ▸ Captions by the actions
        self.captions_button.setText("Captions")
        self.captions_button.setCheckable(True)
        self.captions_button.setAutoRaise(True)
        self.captions_button.setToolTip("Captions under the video (C)")
        self.captions_button.setAccessibleName("Captions")
        row = QHBoxLayout(self)
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
        for tail in (
            self.remaining,
            self.rate_label,
            self.rate_box,
            self.rate_reset,
            self.captions_button,
        ):
            row.addWidget(tail)
        for sound in (self.mute_button, self.volume):
            row.addWidget(sound)

    def _connect(self) -> None:
        c = self._controller
        self.play_button.clicked.connect(c.toggle_play)
        self.stop_button.clicked.connect(c.stop)
        self.back_button.clicked.connect(self.skip_back)
        self.fwd_button.clicked.connect(self.skip_forward)
        self.prev_cue_button.clicked.connect(lambda: self.cue_step_requested.emit(-1))
        self.next_cue_button.clicked.connect(lambda: self.cue_step_requested.emit(1))
        self.slider.seek_requested.connect(c.seek)
        self.slider.mark_clicked.connect(self.mark_clicked)
        self.rate_box.activated.connect(lambda i: c.set_rate(float(self.rate_box.itemData(i))))
        self.rate_reset.clicked.connect(c.reset_rate)
        self.mute_button.toggled.connect(c.set_muted)
        self.volume.valueChanged.connect(c.set_volume)
        c.position_changed.connect(self._on_position)
        c.position_changed.connect(self._update_chapter)
        c.state_changed.connect(self._on_state)
        c.length_changed.connect(self._on_length)
        c.rate_changed.connect(self._on_rate)
        c.volume_changed.connect(self._on_volume)
        c.muted_changed.connect(self._on_muted)

    # ----- commands -------------------------------------------------------------------------

    @Slot()
    def skip_back(self) -> None:
        """Skip back by the configured step."""
        self._controller.skip(-self._settings.get(S.SKIP_BACK_MS))

    @Slot()
    def skip_forward(self) -> None:
        """Skip forward by the configured step."""
        self._controller.skip(self._settings.get(S.SKIP_FORWARD_MS))

    @property
    def marks(self) -> list[int]:
        """The seek bar's ticks (ms)."""
        return self.slider.marks

    def set_marks(self, marks_ms: list[int]) -> None:
        """Ticks on the seek bar (search hits); [] clears them."""
        self.slider.set_marks(marks_ms)

    # ----- chapters -------------------------------------------------------------------------

    @property
    def chapters(self) -> tuple[Cue, ...]:
        """The chapters offered (title = cue text), in time order."""
        return self._chapters

    def set_chapters(self, cues: Iterable[Cue]) -> None:
        """Offer these chapter cues in the chapter menu; () for none."""
        chapters = tuple(sorted((c for c in cues if c.text.strip()), key=lambda c: c.start_ms))
        self._chapters = chapters
        self._chapter_starts = [c.start_ms for c in chapters]
        self._current_chapter = -2  # whatever the position, the next update refreshes
        menu = self.chapter_button.menu()
        menu.clear()
        # One checked at a time; none before the first chapter. Choosing the current chapter
        # again keeps its mark (a plain checkable action would toggle it off).
        group = QActionGroup(menu)
        group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        seek_and_play = self._controller.seek_and_play
        for c in chapters[:MAX_CHAPTER_MENU]:
            title = " ".join(c.text.split())
            action = menu.addAction(f"{format_clock(c.start_ms)}   {title.replace('&', '&&')}")
            action.setCheckable(True)
            group.addAction(action)
            action.triggered.connect(lambda _checked=False, t=c.start_ms: seek_and_play(t))
            action.triggered.connect(lambda _checked=False, a=action: a.setChecked(True))
        if len(chapters) > MAX_CHAPTER_MENU:
            more = menu.addAction(
                f"… {len(chapters) - MAX_CHAPTER_MENU} more (Alt+PgUp / Alt+PgDown go through all)"
            )
            more.setEnabled(False)
        self._chapter_room_px = fix_text_room(
            self.chapter_button, CHAPTER_TEXT_CHARS, CHAPTER_TEXT_MAX_PX
        )
        self.chapter_button.setVisible(bool(chapters))
        self._update_chapter(self._controller.position_ms())
        self.chapters_changed.emit(len(chapters))

    @Slot()
    def next_chapter(self) -> None:
        """Jump to the start of the next chapter."""
        i = bisect_right(self._chapter_starts, self._controller.position_ms())
        if i < len(self._chapter_starts):
            self._controller.seek(self._chapter_starts[i])

    @Slot()
    def previous_chapter(self) -> None:
        """Jump to the current chapter's start, or the previous one when just past a start."""
        if not self._chapter_starts:
            return
        t_ms = self._controller.position_ms() - CHAPTER_GRACE_MS
        i = bisect_right(self._chapter_starts, t_ms) - 1
        self._controller.seek(self._chapter_starts[i] if i >= 0 else 0)

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
            self.chapter_button.setAccessibleName("Chapters")
            self.chapter_button.setAccessibleDescription("")
            return
        title = " ".join(self._chapters[i].text.split())
        metrics = self.chapter_button.fontMetrics()
        self.chapter_button.setText(
            elide_words(title, self._chapter_room_px, metrics).replace("&", "&&")
        )
        self.chapter_button.setAccessibleName(f"Chapter: {title}")  # the text shown is in it
        self.chapter_button.setAccessibleDescription(
            f"Chapter {i + 1} of {len(self._chapters)}: {title}"
        )

    # ----- controller → widgets -------------------------------------------------------------

    @Slot(int)
    def _on_position(self, t_ms: int) -> None:
        self.slider.set_position(t_ms)
        length = self._controller.length_ms()
        self.elapsed.setText(format_clock(t_ms))
        self.remaining.setText("-" + format_clock(max(0, length - t_ms)))

    @Slot(object)
    def _on_state(self, state: PlaybackState) -> None:
        playing = state is PlaybackState.PLAYING
        self.play_button.set_glyph("pause" if playing else "play")
        self.play_button.setAccessibleName("Pause" if playing else "Play")
        if state is PlaybackState.ENDED:
            self.message.emit("Finished")

    @Slot(int)
    def _on_length(self, length_ms: int) -> None:
        self.slider.setRange(0, max(0, length_ms))
        self._on_position(self._controller.position_ms())

    @Slot(float)
    def _on_rate(self, rate: float) -> None:
        i = self.rate_box.findData(rate)
        if i < 0:
            self.rate_box.addItem(f"{rate:g}×", rate)
            i = self.rate_box.count() - 1
        self.rate_box.setCurrentIndex(i)
        self.message.emit(f"Speed {rate:g}×")

    @Slot(int)
    def _on_volume(self, volume: int) -> None:
        if self.volume.value() != volume:
            self.volume.blockSignals(True)
            self.volume.setValue(volume)
            self.volume.blockSignals(False)
        self._settings.set(S.VOLUME, volume)

    @Slot(bool)
    def _on_muted(self, muted: bool) -> None:
        self.mute_button.blockSignals(True)
        self.mute_button.setChecked(muted)
        self.mute_button.blockSignals(False)
        self.mute_button.set_glyph("muted" if muted else "volume")
        self.message.emit("Muted" if muted else "Sound on")
