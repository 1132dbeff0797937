"""Correcting a machine transcript's lines in place: F2 or a double-click on a line edits its
text, Ctrl+Z / Ctrl+Shift+Z undo and redo, every change saved to the sidecar.

:class:`CueEditing` is attached when a machine-made WebVTT transcript is shown (``ui.offers``
does it, after the first frame). Editing puts a one-line editor over the row (Enter or leaving
it keeps the text, Esc drops it; a double-click also plays from the line, so the user hears
what they correct). A change is an undoable step; each step writes the whole transcript back
to its file atomically, the previous version kept as ``NAME.vtt.bak``
(``player.engines.transcription.write_text_atomically``). The words the user did not change
keep their timings (``player.core.transcribe.editing.retext``); the changed ones get a time
between their neighbours at once and are re-timed by the aligner on the background pool
(forced alignment of the line's words in its stretch of audio; the audio decoded once per
recording). Problems are messages, never tracebacks.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QLineEdit

if TYPE_CHECKING:
    from player.core.align.types import Audio, SpeechAligner
    from player.core.model import Cue, Transcript
    from player.ui.controller import PlaybackController
    from player.ui.jobs import JobRunner
    from player.ui.transcript_session import TranscriptSession
    from player.ui.transcript_view import TranscriptPanel

log = logging.getLogger(__name__)


class LineEditor(QLineEdit):
    """The one-line editor over a row: Enter keeps, Esc drops."""

    cancelled = Signal()

    def event(self, event: QEvent) -> bool:
        """Esc belongs to the editor, not to a window shortcut."""
        override = event.type() == QEvent.Type.ShortcutOverride
        if override and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc drops the edit; everything else edits."""
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class _Edit(QUndoCommand):
    """One corrected line: its cue before and after."""

    def __init__(self, owner: CueEditing, row: int, before: Cue, after: Cue, changed: list[int]):
        super().__init__(f"Correct line {row + 1}")
        self._owner, self._row = owner, row
        self._before, self._after, self._changed = before, after, changed

    def redo(self) -> None:
        self._owner.put(self._row, self._after, self._changed)

    def undo(self) -> None:
        self._owner.put(self._row, self._before, [])


class CueEditing(QObject):
    """Edits, undo/redo, saving and background re-timing (see the module docstring).

    ``aligner`` replaces the speech engine (tests).

    Signals:
      saved(str): the transcript file was written (its path).
      retimed(int): a line's changed words were re-timed (its row).
      message(str): a one-line status for the user.
    """

    saved = Signal(str)
    retimed = Signal(int)
    message = Signal(str)

    def __init__(
        self,
        *,
        session: TranscriptSession,
        panel: TranscriptPanel,
        controller: PlaybackController,
        runner: JobRunner,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session, self._panel = session, panel
        self._controller, self._runner = controller, runner
        self.undo_stack = QUndoStack(self)
        self.aligner: SpeechAligner | None = None
        self.editor: LineEditor | None = None
        self._row = -1
        self._attached = False
        self._audio: tuple[str, Audio] | None = None
        self._path: str | None = None

    # ----- attaching ----------------------------------------------------------------------

    def attach(self) -> None:
        """Listen to F2, double-clicks and undo/redo on the transcript list (once)."""
        if self._path != self._session.path:
            self.undo_stack.clear()  # another transcript: its own history
            self._path = self._session.path
        if self._attached:
            return
        self._attached = True
        self._panel.view.installEventFilter(self)
        self._panel.view.viewport().installEventFilter(self)

    def editable(self) -> bool:
        """Whether the transcript shown is a machine-made WebVTT file that can be corrected."""
        transcript, path = self._session.transcript, self._session.path
        return (
            transcript is not None
            and self._session.timed
            and transcript.machine_generated
            and path is not None
            and path.lower().endswith(".vtt")
            and Path(path).is_file()
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """F2 and double-click edit; Ctrl+Z / Ctrl+Shift+Z undo and redo."""
        view = self._panel.view
        if event.type() == QEvent.Type.KeyPress and watched is view and self.editable():
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_F2 and not event.modifiers():
                self.begin(view.currentIndex().row())
                return True
            if event.matches(QKeySequence.StandardKey.Undo):
                self.undo_stack.undo()
                return True
            if event.matches(QKeySequence.StandardKey.Redo):
                self.undo_stack.redo()
                return True
        elif event.type() == QEvent.Type.MouseButtonDblClick and self.editable():
            position = getattr(event, "position", None)
            if position is not None:
                row = view.indexAt(position().toPoint()).row()
                if row >= 0:
                    self.begin(row)  # the view still plays from the line: heard while edited
        return False

    # ----- editing --------------------------------------------------------------------------

    def begin(self, row: int) -> bool:
        """Open the editor over ``row``; False when that line cannot be edited."""
        transcript = self._session.transcript
        if transcript is None or not 0 <= row < len(transcript.cues) or not self.editable():
            return False
        view = self._panel.view
        model = view.model()
        if model is None:
            return False
        self.finish(keep=True)
        index = model.index(row, 0)
        view.scrollTo(index)
        editor = LineEditor(view.viewport())
        editor.setAccessibleName(f"Correct line {row + 1}")
        editor.setText(transcript.cues[row].text.replace("\n", " "))
        rect = view.visualRect(index)
        editor.setGeometry(rect.x(), rect.y(), rect.width(), max(rect.height(), 28))
        editor.editingFinished.connect(lambda: self.finish(keep=True))
        editor.cancelled.connect(lambda: self.finish(keep=False))
        self.editor, self._row = editor, row
        editor.show()
        editor.selectAll()
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def finish(self, *, keep: bool) -> None:
        """Close the editor; with ``keep`` a changed text becomes an undoable correction."""
        editor, row = self.editor, self._row
        if editor is None:
            return
        self.editor, self._row = None, -1
        text = editor.text()
        editor.hide()
        editor.deleteLater()
        self._panel.view.setFocus(Qt.FocusReason.OtherFocusReason)
        transcript = self._session.transcript
        if not keep or transcript is None or not 0 <= row < len(transcript.cues):
            return
        before = transcript.cues[row]
        if " ".join(text.split()) in ("", " ".join(before.text.split())):
            return
        from player.core.transcribe.editing import retext

        after, changed = retext(before, text)
        self.undo_stack.push(_Edit(self, row, before, after, changed))

    # ----- applying, saving, re-timing --------------------------------------------------------

    def put(self, row: int, cue: Cue, changed: list[int], *, retiming: bool = False) -> None:
        """Show ``cue`` at ``row``, save the file, and re-time ``changed`` words meanwhile.
        ``retiming``: the aligner's times for a correction just saved (its backup stays)."""
        transcript, path = self._session.transcript, self._session.path
        if transcript is None or path is None or not 0 <= row < len(transcript.cues):
            return
        cues = list(transcript.cues)
        cues[row] = cue
        updated = dataclasses.replace(transcript, cues=tuple(cues))
        if not self._save(updated, path, backup=bool(changed) or not retiming):
            return
        view = self._panel.view
        scroll = view.verticalScrollBar().value()
        self._session.set_transcript(updated, path)
        view.verticalScrollBar().setValue(scroll)
        model = view.model()
        if model is not None:
            view.setCurrentIndex(model.index(row, 0))
        if changed:
            self._retime(row, cue, changed)

    def _save(self, transcript: Transcript, path: str, *, backup: bool) -> bool:
        from player.core.align.types import AlignError
        from player.core.transcribe.editing import render_transcript
        from player.engines.transcription import write_text_atomically

        try:
            write_text_atomically(Path(path), render_transcript(transcript), backup=backup)
        except AlignError as err:
            self.message.emit(f"Could not save the correction: {err.message}")
            return False
        self.saved.emit(path)
        self.message.emit(f"Saved {Path(path).name} (the previous version is kept as .bak).")
        return True

    def _retime(self, row: int, cue: Cue, changed: list[int]) -> None:
        media = self._controller.media_path
        if media is None:
            return
        aligner = self.aligner
        cached = self._audio if self._audio is not None and self._audio[0] == media else None

        def work() -> tuple[dict[int, int], tuple[str, Audio]]:
            from player.core.align.normalize import spoken_tokens
            from player.core.transcribe.editing import cue_words

            engine: Any = aligner
            if engine is None:
                from player.engines.pocketsphinx_aligner import PocketsphinxAligner

                engine = PocketsphinxAligner()
            audio = cached[1] if cached else engine.load_audio(media)
            words = [w for _o, w in cue_words(cue.text)]
            tokens: list[str] = []
            ranges: list[tuple[int, int]] = []
            for index, word in enumerate(words):
                following = words[index + 1] if index + 1 < len(words) else ""
                first = len(tokens)
                tokens.extend(spoken_tokens(word, following))
                ranges.append((first, len(tokens)))
            clip = audio.clip(max(0, cue.start_ms - 200), cue.end_ms + 200)
            times = engine.align(clip, tokens, should_stop=lambda: False) if tokens else []
            starts: dict[int, int] = {}
            for index in changed:
                first, last = ranges[index] if index < len(ranges) else (0, 0)
                found = times[first] if first < last <= len(times) else None
                if found is not None:
                    starts[index] = found.start_ms
            return starts, (media, audio)

        def done(_token: int, result: tuple[dict[int, int], tuple[str, Audio]]) -> None:
            starts, self._audio = result
            self._apply_times(row, cue, starts)

        def failed(_token: int, err: Exception) -> None:
            log.warning("re-timing a corrected line failed: %s", err)

        self._runner.start(work, done, failed, name="re-time corrected line")

    def _apply_times(self, row: int, cue: Cue, starts: dict[int, int]) -> None:
        """The aligner's times for the changed words, if the line is still as it was."""
        from player.core.transcribe.editing import with_word_starts

        transcript, path = self._session.transcript, self._session.path
        if transcript is None or path is None or not 0 <= row < len(transcript.cues):
            return
        if transcript.cues[row] != cue or not starts:
            return
        from player.core.transcribe.editing import cue_words

        known = {i: t.start_ms for i, t in _word_starts(cue, cue_words(cue.text)).items()}
        kept = {i: t for i, t in known.items() if i not in starts}
        for index, start in starts.items():
            # Between the unchanged words around it, which keep their times.
            low = max((t for i, t in kept.items() if i < index), default=cue.start_ms)
            high = min((t for i, t in kept.items() if i > index), default=cue.end_ms)
            if low < start < high:
                known[index] = start
        self.put(row, with_word_starts(cue, known), [], retiming=True)
        self.retimed.emit(row)


def _word_starts(cue: Cue, words: list[tuple[int, str]]) -> dict[int, Any]:
    """Each word index with an inline timestamp -> that timing."""
    by_offset = {t.char_offset: t for t in cue.word_timings}
    return {i: by_offset[o] for i, (o, _w) in enumerate(words) if o in by_offset}
