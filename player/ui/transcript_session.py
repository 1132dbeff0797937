"""The briefing that is open: its media, its transcript (parsed off the GUI thread), the other
transcripts beside it, its chapters and its search index.

:class:`TranscriptSession` is the one owner of that state. Every background job it starts
carries a token, and a result whose token is no longer current (the user opened something else
meanwhile) is dropped. The transcript's loading state is an explicit :class:`TranscriptState`
announced by ``state_changed``; the window shows it, nothing reads it back from a label.
It talks to the controller, the model and the tracker; it knows no widget: what the user
should see is announced by signal.

A media file with no timed transcript but a text beside it (``NAME.txt``, ``.docx``...) opens
that text as *untimed* cues (:mod:`player.ui.untimed_text`): readable and searchable at once,
``LoadPhase.UNTIMED``, until it is synchronized (:mod:`player.ui.sync_offer`).
"""

from __future__ import annotations

import contextlib
import enum
import re
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QLocale, QObject, QTimer, Signal, Slot

from player.core.formats.load import load_transcript
from player.core.media.sidecar import (
    TEXT_EXTENSIONS,
    find_sidecars,
    preferred_text,
    preferred_transcript,
    texts_for,
)
from player.core.model import Cue, Transcript, TranscriptError
from player.core.timeline.cue_index import CueIndex
from player.playback.base import PlaybackError
from player.ui import gc_pause
from player.ui import settings as S
from player.ui.jobs import JobRunner
from player.ui.transcript_preview import start_preview, wants_preview

if TYPE_CHECKING:
    from collections.abc import Callable

    from player.core.archive.library import BriefingRow
    from player.core.media.sidecar import SidecarCandidate
    from player.core.text.search import SearchIndex
    from player.ui.controller import CueTracker, PlaybackController
    from player.ui.models import TranscriptModel
    from player.ui.resume import ResumeKeeper

SEARCH_INDEX_DELAY_MS = 100
SEARCH_INDEX_WITH_LOAD_CUES = 2000  # from this length the search index comes with the parse
CHAPTERS_DELAY_MS = 200  # the chapters file is read this long after the media opens
_MACHINE_ALIGNED = re.compile(r"\bmachine[- ]aligned\b", re.IGNORECASE)


def is_machine_aligned(transcript: Transcript) -> bool:
    """Whether the transcript's timings were made by the aligner (its header ``NOTE`` says
    "machine-aligned"): the words are the source's, the times a machine's."""
    return any(_MACHINE_ALIGNED.search(s) for s in (transcript.header, *transcript.notes))


class LoadedTranscript(NamedTuple):
    """A transcript parsed off the GUI thread, with its lookup index (and, for a long one, its
    search index)."""

    path: str
    transcript: Transcript
    cue_index: CueIndex
    search_index: SearchIndex | None = None


def build_search_index(transcript: Transcript) -> SearchIndex:
    """The search index of a transcript (runs on a worker thread)."""
    # Imported only now: the search engine and the regex module are not needed for the first
    # frame.
    from player.core.text.search import SearchIndex

    with gc_pause.paused():
        return SearchIndex(transcript.cues)


def load_with_index(path: str) -> LoadedTranscript:
    """Parse a transcript and build its cue index (runs on a worker thread)."""
    with gc_pause.paused():
        transcript = load_transcript(path)
        index = CueIndex(transcript.cues)
    search_index = None
    if len(transcript.cues) >= SEARCH_INDEX_WITH_LOAD_CUES:
        # A long transcript gets its search index in this job, before it is shown: built in a
        # second job it would compete for the GIL with the list's layout of the first rows
        # (every row height is a Python call), stalling the window for 50-100 ms.
        search_index = build_search_index(transcript)
    return LoadedTranscript(path, transcript, index, search_index)


class LoadPhase(enum.Enum):
    """Where the transcript of the open briefing stands."""

    NONE = "none"  # no transcript (nothing opened yet, or cleared)
    MISSING = "missing"  # the media has no transcript beside it
    LOADING = "loading"  # being parsed on a worker thread
    READY = "ready"  # shown
    UNTIMED = "untimed"  # a text without timings shown (readable, searchable, not synchronized)
    FAILED = "failed"  # could not be read


class TranscriptState(NamedTuple):
    """The transcript's loading state, as ``state_changed`` announces it.

    ``source`` is the file concerned: the transcript (LOADING, READY, FAILED), the text shown
    without timings (UNTIMED) or the media that has none (MISSING). ``transcript`` is set when
    READY or UNTIMED, ``error`` (a message for the user) when FAILED.
    """

    phase: LoadPhase
    source: str | None = None
    transcript: Transcript | None = None
    error: str = ""

    def title(self) -> str:
        """The line shown above the transcript for this state."""
        name = Path(self.source).name if self.source else ""
        if self.phase is LoadPhase.LOADING:
            return f"Loading {name}…"
        if self.phase is LoadPhase.READY and self.transcript is not None:
            title = f"Transcript — {name}"
            if is_machine_aligned(self.transcript):
                # First, where a narrow panel never clips it; before "machine-generated": the
                # aligner's header says both (the words are the source's, the times a machine's).
                title = f"Transcript (machine-aligned) — {name}"
            if self.transcript.language:
                title += f" ({self.transcript.language})"
            if self.transcript.machine_generated and not is_machine_aligned(self.transcript):
                title += " — machine-generated"
            return title
        if self.phase is LoadPhase.UNTIMED:
            return f"Text without timings — {name}"
        return "Transcript (none)"


class TranscriptSession(QObject):
    """Opens media and transcripts; owns the open transcript, its search index and its
    chapters (where to resume is the :class:`~player.ui.resume.ResumeKeeper`'s).

    Signals:
      media_opening(str): this media file is being opened (its path, resolved).
      media_failed(str): the media cannot be played (a message for the user).
      media_changed(object): the media now loaded (str path), None when it could not be loaded.
      media_opened(str, bool): the media plays (path, whether it has video).
      state_changed(object): the transcript's new :class:`TranscriptState`.
      transcript_loaded(object): the Transcript now shown.
      alternatives_changed(object, int): the transcripts found beside the media as (label,
        path) pairs, and the index of the one opened; [] when there is no choice to offer.
      search_index_changed(object): the SearchIndex of the transcript shown (None: not yet).
      chapters_loaded(object): the chapter cues of the media (a tuple, () for none).
      message(str): a one-line status for the user.
    """

    media_opening = Signal(str)
    media_failed = Signal(str)
    media_changed = Signal(object)
    media_opened = Signal(str, bool)
    state_changed = Signal(object)
    transcript_loaded = Signal(object)
    alternatives_changed = Signal(object, int)
    search_index_changed = Signal(object)
    chapters_loaded = Signal(object)
    message = Signal(str)

    def __init__(
        self,
        controller: PlaybackController,
        settings: S.Settings,
        model: TranscriptModel,
        tracker: CueTracker,
        resume: ResumeKeeper,
        runner: JobRunner,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._resume = resume
        self._settings = settings
        self._model = model
        self._tracker = tracker
        self._state = TranscriptState(LoadPhase.NONE)
        self._transcript: Transcript | None = None
        self._path: str | None = None
        self._cue_index: CueIndex | None = None
        self._search_index: SearchIndex | None = None
        self._load_token = 0
        self._chapters_token = 0
        self._runner = runner
        self._pending_jobs = 0  # started, result not yet handed back (stale ones included)
        self._index_timer = self._single_shot(SEARCH_INDEX_DELAY_MS, self._build_search_index)
        self._chapters_timer = self._single_shot(CHAPTERS_DELAY_MS, self._read_chapters)
        self._chapters_path: Path | None = None

    def _single_shot(self, delay_ms: int, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(delay_ms)
        timer.timeout.connect(slot)
        return timer

    # ----- queries ----------------------------------------------------------------------------

    @property
    def state(self) -> TranscriptState:
        """The transcript's loading state."""
        return self._state

    @property
    def transcript(self) -> Transcript | None:
        """The transcript shown, or None."""
        return self._transcript

    @property
    def path(self) -> str | None:
        """The file of the transcript shown, or None."""
        return self._path

    @property
    def timed(self) -> bool:
        """False while the panel shows a text without timings (UNTIMED)."""
        return self._state.phase is not LoadPhase.UNTIMED

    @property
    def search_index(self) -> SearchIndex | None:
        """The search index of the transcript shown (None until it is built)."""
        return self._search_index

    def is_busy(self) -> bool:
        """Whether a parse, an index build or a chapters read is scheduled or running, or its
        result is still to be handed back (even one that will be dropped as stale)."""
        return (
            self._pending_jobs > 0
            or self._index_timer.isActive()
            or self._chapters_timer.isActive()
        )

    # ----- opening media ----------------------------------------------------------------------

    def open_media(
        self,
        path: str | Path,
        *,
        transcript: str | Path | None = None,
        at_ms: int | None = None,
        play: bool = True,
    ) -> bool:
        """Open media (and its transcript); problems are announced, never raised. True if it
        plays."""
        self._resume.save_position()  # of the media open until now
        path = Path(path).expanduser()
        with contextlib.suppress(OSError):
            path = path.resolve()
        self.media_opening.emit(str(path))
        playable = True
        try:
            self._controller.load(path)
        except PlaybackError as err:
            playable = False
            self.media_failed.emit(str(err))
        self.media_changed.emit(self._controller.media_path)
        if not playable:
            self.open_for_media(path, transcript)
            return False
        self._settings.add_recent(str(path))
        self.media_opened.emit(str(path), self._controller.has_video())
        if at_ms is not None:
            self._controller.seek(at_ms)
        else:
            self._resume.offer(str(path))
        if play:
            self._controller.play()
        else:
            self._controller.show_first_frame()  # a video opened paused is not a black square
        # The transcript's parse starts last: its worker takes turns with this thread for the
        # GIL, and from here on this thread mostly runs Qt's C++ (layout, first paint), which
        # lets the worker run (measured: 5-10 ms sooner to "playing with the transcript").
        self.open_for_media(path, transcript)
        self.message.emit(f"Opened {path.name}")
        return True

    def open_briefing(self, row: BriefingRow) -> None:
        """Open a briefing of the library (its indexed transcript, if any)."""
        if row.has_media:
            self.open_media(row.path, transcript=row.transcript_path)
        elif row.transcript_path:
            # The media is gone: the transcript stays readable, and playback stops.
            self._controller.stop()
            self.media_failed.emit(f"No media file was found for {Path(row.path).name}.")
            self.alternatives_changed.emit([], -1)
            self.open_transcript(row.transcript_path)

    def open_for_media(self, media: Path, transcript: str | Path | None = None) -> None:
        """Open ``transcript``, or the one beside ``media`` that suits the user's languages
        best, and the media's chapters file. One look at the folder finds both."""
        try:
            sidecars = find_sidecars(media)
        except OSError:
            sidecars = []
        if transcript is not None:
            self.alternatives_changed.emit([], -1)
            self.open_transcript(transcript)
        else:
            self._open_sidecar(media, [c for c in sidecars if c.kind == "transcript"])
        self._open_chapters(next((c.path for c in sidecars if c.kind == "chapters"), None))

    def _open_sidecar(self, media: Path, candidates: list[SidecarCandidate]) -> None:
        if not candidates:
            self.alternatives_changed.emit([], -1)
            text = preferred_text(texts_for(media), self._languages())
            if text is not None:
                self.open_untimed(text.path)
            else:
                self._clear(TranscriptState(LoadPhase.MISSING, str(media)))
            return
        chosen = preferred_transcript(candidates, self._languages()) or candidates[0]
        if len(candidates) > 1:
            choices = [
                (f"{c.language or 'default'} — {c.path.name}", str(c.path)) for c in candidates
            ]
            self.alternatives_changed.emit(choices, candidates.index(chosen))
        else:
            self.alternatives_changed.emit([], -1)
        self.open_transcript(chosen.path)

    @staticmethod
    def _languages() -> list[str]:
        langs = [n.replace("-", "_") for n in QLocale.system().uiLanguages()]
        return langs + [lang.split("_")[0] for lang in langs]

    # ----- the transcript ---------------------------------------------------------------------

    def open_transcript(self, path: str | Path) -> None:
        """Parse a transcript on a worker thread; it is shown when it is ready. A text without
        timings (``.txt``, ``.docx``...) is shown as untimed cues (:meth:`open_untimed`)."""
        if Path(path).suffix.lower() in TEXT_EXTENSIONS:
            self.open_untimed(path)
            return
        self._load_token += 1
        token = self._load_token
        self._set_state(TranscriptState(LoadPhase.LOADING, str(path)))

        def parse_whole() -> None:
            if token == self._load_token:  # not when another file was opened meanwhile
                load = partial(load_with_index, str(path))
                self._start(token, load, self._on_loaded, self._on_failed, "transcript")

        if not wants_preview(str(path)):
            parse_whole()
            return

        def after_preview() -> None:
            self._pending_jobs -= 1
            parse_whole()

        self._pending_jobs += 1  # the head of a big file first (see transcript_preview)
        start_preview(self._runner, token, str(path), self._show_preview, after_preview)

    def _show_preview(self, token: int, cues: tuple[Cue, ...]) -> None:
        """The first rows of a large transcript, shown while the whole file is parsed."""
        if token == self._load_token and self._state.phase is LoadPhase.LOADING:
            self._model.set_cues(cues)

    def set_transcript(
        self,
        transcript: Transcript,
        path: str,
        index: CueIndex | None = None,
        search_index: SearchIndex | None = None,
    ) -> None:
        """Show a loaded transcript (``index`` and ``search_index`` when they were built off
        the GUI thread)."""
        self._load_token += 1  # a parse still running (a text, another file) must not land
        self._index_timer.stop()
        self._transcript = transcript
        self._path = path
        self._model.set_cues(transcript.cues)
        self._tracker.set_cues(transcript.cues, index)
        self._cue_index = self._tracker.index
        self._set_search_index(search_index)
        if search_index is None:
            # A short transcript's search index is built a moment later, once the window has
            # painted it (the search module is not needed for the first frame); a worker
            # holding the GIL would slow every Python call the list makes while it lays out.
            self._index_timer.start()
        self._tracker.update_position(self._controller.position_ms())
        self._set_state(TranscriptState(LoadPhase.READY, path, transcript))
        self.transcript_loaded.emit(transcript)

    def open_untimed(self, path: str | Path) -> None:
        """Read a text without timings on a worker thread and show its paragraphs as untimed
        cues (state UNTIMED): readable and searchable until it is synchronized."""
        self._load_token += 1
        token = self._load_token
        self._set_state(TranscriptState(LoadPhase.LOADING, str(path)))

        def read() -> Transcript:
            from player.ui.untimed_text import read_untimed  # not needed for the first frame

            return read_untimed(path)

        self._start(token, read, self._on_untimed_loaded, self._on_failed, "untimed text")

    def show_untimed(self, transcript: Transcript, path: str) -> None:
        """Show an untimed transcript (see :mod:`player.ui.untimed_text`): no current cue, no
        seeking; its search index is built a moment later as for any transcript."""
        self._index_timer.stop()
        self._transcript = transcript
        self._path = path
        self._model.set_cues(transcript.cues, timed=False)
        self._tracker.set_cues(())
        self._cue_index = None
        self._set_search_index(None)
        self._index_timer.start()
        self._set_state(TranscriptState(LoadPhase.UNTIMED, path, transcript))
        self.transcript_loaded.emit(transcript)

    @Slot(int, object)
    def _on_untimed_loaded(self, token: int, loaded: object) -> None:
        self._pending_jobs -= 1
        if token == self._load_token and isinstance(loaded, Transcript):
            self.show_untimed(loaded, loaded.source or "")

    def _clear(self, state: TranscriptState) -> None:
        self._load_token += 1  # a parse still running for the previous file must not land
        self._index_timer.stop()
        self._transcript = None
        self._path = None
        self._cue_index = None
        self._model.set_cues(())
        self._tracker.set_cues(())
        self._set_search_index(None)
        self._set_state(state)

    def _set_state(self, state: TranscriptState) -> None:
        self._state = state
        self.state_changed.emit(state)

    @Slot(int, object)
    def _on_loaded(self, token: int, loaded: object) -> None:
        self._pending_jobs -= 1
        if token != self._load_token or not isinstance(loaded, LoadedTranscript):
            return
        self.set_transcript(loaded.transcript, loaded.path, loaded.cue_index, loaded.search_index)

    @Slot(int, object)
    def _on_failed(self, token: int, err: object) -> None:
        self._pending_jobs -= 1
        if token != self._load_token:
            return
        if isinstance(err, TranscriptError):
            message, where = str(err), err.path or ""
        else:  # an unexpected bug: still a message, never a traceback for the user
            message, where = self._runner.failure_message(err), ""
        what = "text" if Path(where).suffix.lower() in TEXT_EXTENSIONS else "transcript"
        text = f"Could not read the {what} {Path(where).name if where else ''}: {message}"
        self._clear(TranscriptState(LoadPhase.FAILED, where or None, error=text))

    def step_cue(self, direction: int) -> None:
        """Go to the next cue's start (+1), or to the current cue's start, or the previous
        cue's when just past a start (-1)."""
        index, transcript = self._cue_index, self._transcript
        if index is None or transcript is None:
            return
        t_ms = self._controller.position_ms()
        if direction > 0:
            found = index.next_start_after(t_ms)
        else:
            found = index.previous_start_before(t_ms, grace_ms=1000)
        if found is not None:
            self._controller.seek(transcript.cues[found].start_ms)

    # ----- the search index -------------------------------------------------------------------

    def _set_search_index(self, index: SearchIndex | None) -> None:
        self._search_index = index
        self.search_index_changed.emit(index)

    @Slot()
    def _build_search_index(self) -> None:
        transcript = self._transcript
        if transcript is None:
            return
        self._start(
            self._load_token,
            lambda: build_search_index(transcript),
            self._on_search_index_ready,
            self._on_search_index_failed,
            "search index",
        )

    @Slot(int, object)
    def _on_search_index_ready(self, token: int, index: object) -> None:
        self._pending_jobs -= 1
        if token == self._load_token:
            self._set_search_index(index)  # type: ignore[arg-type]

    @Slot(int, object)
    def _on_search_index_failed(self, token: int, err: object) -> None:
        self._pending_jobs -= 1
        if token == self._load_token:
            self.message.emit(f"Search is not available for this transcript: {err}")

    # ----- chapters ---------------------------------------------------------------------------

    def _open_chapters(self, path: Path | None) -> None:
        """Read a chapters file (``NAME.chapters.vtt`` beside the media) on a worker; None
        clears the chapters."""
        self._chapters_token += 1
        self._chapters_path = path
        self._chapters_timer.stop()
        self.chapters_loaded.emit(())
        if path is not None:
            # Read a moment later: the chapter menu is not needed for the first frame, and a
            # second parse at once takes turns with the transcript's and the first paint for
            # the GIL and the CPU (measured: 2-10 ms later to "playing with the transcript").
            self._chapters_timer.start()

    @Slot()
    def _read_chapters(self) -> None:
        path = self._chapters_path
        if path is not None:
            self._start(
                self._chapters_token,
                lambda: load_transcript(path),
                self._on_chapters_ready,
                self._on_chapters_failed,
                "chapters",
            )

    @Slot(int, object)
    def _on_chapters_ready(self, token: int, loaded: object) -> None:
        self._pending_jobs -= 1
        if token == self._chapters_token and isinstance(loaded, Transcript):
            self.chapters_loaded.emit(loaded.cues)
            if loaded.warnings:
                w = loaded.warnings[0]
                name = Path(loaded.source or "chapters").name
                where = f"{name}:{w.line}" if w.line is not None else name
                self.message.emit(f"Chapters: {where}: {w.message}")

    @Slot(int, object)
    def _on_chapters_failed(self, token: int, err: object) -> None:
        self._pending_jobs -= 1
        if token == self._chapters_token:
            if isinstance(err, TranscriptError):
                detail = f"{Path(err.path).name}: {err}" if err.path else str(err)
            else:  # a bug: still one line in the status bar, never a traceback
                detail = self._runner.failure_message(err)
            self.message.emit(f"Chapters not shown: {detail}")

    # ----- jobs -------------------------------------------------------------------------------

    def _start(
        self,
        token: int,
        fn: Callable[[], object],
        on_finished: Callable[[int, object], None],
        on_failed: Callable[[int, object], None],
        name: str,
    ) -> None:
        # A file that cannot be read is the user's problem, told in the window: logged as a
        # warning; anything else is a bug, logged as an error with its traceback.
        self._pending_jobs += 1
        self._runner.start(
            fn, on_finished, on_failed, token=token, name=name, expected=(TranscriptError,)
        )
