"""File ▸ Export…: the transcript, or part of it, as TXT, Markdown, SRT, WebVTT or DOCX.

What to export: the whole transcript, the selected lines (or the words selected in one line),
the range between the In and Out marks (``ui.marks``), or the lines with hits of the current
search. Speakers and timestamps can be left out; a range's subtitle times can start at zero
(for a clip) or be kept; bookmarks and their notes can be added. The writers are the pure ones
of ``player.core.export`` (DOCX: ``player.engines.docx_writer``, imported when chosen); the file
is written privately and atomically (``player.core.export.files``). Transcript text is never
markup: every widget here shows plain text.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from player.core.export import FORMATS, BookmarkNote, ExportRequest, cues_in_range, shift_cues

if TYPE_CHECKING:
    from player.core.model import Cue
    from player.ui.quote_selection import QuoteContext

log = logging.getLogger(__name__)

__all__ = ["ExportDialog", "show_export", "write_export"]

SCOPES = ("all", "selection", "marks", "hits")
_SCOPE_TEXT = {
    "all": "The &whole transcript",
    "selection": "The &selected lines",
    "marks": "Between the &marks",
    "hits": "Lines with search &hits",
}
_FORMAT_TEXT = {
    "txt": "Plain text (.txt)",
    "md": "Markdown (.md)",
    "srt": "SubRip subtitles (.srt)",
    "vtt": "WebVTT subtitles (.vtt)",
    "docx": "Word document (.docx)",
}


def write_export(request: ExportRequest, fmt: str, target: Path) -> None:
    """Write ``request`` as ``fmt`` to ``target`` (private, atomic); OSError on failure."""
    from player.core.export import render
    from player.core.export.files import write_private

    if fmt == "docx":
        from player.engines.docx_writer import render_docx

        data = render_docx(request)
    else:
        data = render(request, fmt).encode("utf-8")
    write_private(target, data)


class ExportDialog(QDialog):
    """Choose what to export and how; :meth:`request` builds the export from the choices.

    ``choices`` maps each scope to its cues (absent or empty: that scope is not offered) and
    ``range_ms`` is the marks' range (its cues are in ``choices["marks"]``)."""

    def __init__(
        self,
        choices: dict[str, tuple[Cue, ...]],
        *,
        title: str,
        date: str,
        range_ms: tuple[int, int] | None,
        bookmarks: tuple[BookmarkNote, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self._choices = choices
        self._title, self._date = title, date
        self._range_ms = range_ms
        self._bookmarks = bookmarks
        self.scope_group = QButtonGroup(self)
        scopes = QVBoxLayout()
        self.scope_buttons: dict[str, QRadioButton] = {}
        for i, scope in enumerate(SCOPES):
            button = QRadioButton(_SCOPE_TEXT[scope], self)
            count = len(choices.get(scope, ()))
            button.setEnabled(count > 0)
            if scope == "marks" and range_ms is not None:
                from player.core.timeline.timecode import format_clock

                button.setText(
                    f"{button.text()} ({format_clock(range_ms[0])}–{format_clock(range_ms[1])})"
                )
            button.setAccessibleDescription(f"{count} line{'s' if count != 1 else ''}")
            self.scope_group.addButton(button, i)
            self.scope_buttons[scope] = button
            scopes.addWidget(button)
        self.scope_buttons["all"].setChecked(True)
        self.format_box = QComboBox(self)
        for fmt in FORMATS:
            self.format_box.addItem(_FORMAT_TEXT[fmt], fmt)
        self.format_box.setAccessibleName("Format")
        self.speakers = QCheckBox("Include s&peakers", self)
        self.speakers.setChecked(True)
        self.timestamps = QCheckBox("Include &timestamps", self)
        self.timestamps.setChecked(True)
        self.shift = QCheckBox("Start a range's times at &zero (subtitles for a clip)", self)
        self.with_bookmarks = QCheckBox("Add &bookmarks and their notes", self)
        self.with_bookmarks.setEnabled(bool(bookmarks))
        form = QFormLayout(self)
        form.addRow(QLabel("Export:", self))
        form.addRow(scopes)
        form.addRow("&Format:", self.format_box)
        form.addRow(self.speakers)
        form.addRow(self.timestamps)
        form.addRow(self.shift)
        form.addRow(self.with_bookmarks)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def scope(self) -> str:
        """The scope chosen (one of :data:`SCOPES`)."""
        return SCOPES[max(0, self.scope_group.checkedId())]

    def set_scope(self, scope: str) -> None:
        """Choose a scope (when offered)."""
        button = self.scope_buttons[scope]
        if button.isEnabled():
            button.setChecked(True)

    def fmt(self) -> str:
        """The format chosen."""
        return str(self.format_box.currentData())

    def set_format(self, fmt: str) -> None:
        """Choose a format."""
        self.format_box.setCurrentIndex(max(0, self.format_box.findData(fmt)))

    def request(self) -> ExportRequest:
        """The export the choices describe."""
        scope = self.scope()
        cues = self._choices.get(scope, ())
        notes = self._bookmarks if self.with_bookmarks.isChecked() else ()
        if scope == "marks" and self._range_ms is not None:
            start, end = self._range_ms
            notes = tuple(n for n in notes if start <= n.position_ms < end)
            if self.shift.isChecked():
                cues = shift_cues(cues, start)
                notes = tuple(BookmarkNote(n.position_ms - start, n.label, n.note) for n in notes)
        return ExportRequest(
            tuple(cues),
            title=self._title,
            date=self._date,
            speakers=self.speakers.isChecked(),
            timestamps=self.timestamps.isChecked(),
            bookmarks=notes,
        )

    def suggested_name(self) -> str:
        """A file name for the save dialog: the title, the scope and the format."""
        stem = "".join(ch if ch.isalnum() or ch in " -_." else "_" for ch in self._title)
        stem = stem.strip() or "transcript"
        part = {"all": "", "selection": " selection", "marks": " range", "hits": " hits"}
        return f"{stem}{part[self.scope()]}.{self.fmt()}"


def _selection(parts: tuple[Any, ...], context: QuoteContext) -> tuple[Cue, ...]:
    """The selected lines, or the words selected in one line (a cue cut to them)."""
    from dataclasses import replace

    panel = parts[1]
    selector = _word_selector(parts)
    cues = context.cues
    quote = getattr(selector, "selected_quote", lambda: None)()
    row = getattr(selector, "row", -1)
    if quote is not None and 0 <= row < len(cues):
        return (replace(cues[row], start_ms=quote.start_ms, text=quote.text, word_timings=()),)
    return tuple(cues[r] for r in panel.view.selected_rows() if 0 <= r < len(cues))


def _hits(parts: tuple[Any, ...], cues: tuple[Cue, ...]) -> tuple[Cue, ...]:
    search = parts[6]
    panel = getattr(search, "_search", None)  # built only once the search was opened
    outcome = getattr(panel, "outcome", None)
    if outcome is None or getattr(panel, "scope", lambda: "here")() != "here":
        return ()
    return tuple(cues[i] for i in outcome.result.cue_indices if 0 <= i < len(cues))


def show_export(
    window: QWidget, context: QuoteContext, desk: Any, *parts: Any
) -> ExportDialog | None:
    """Open the export dialog over ``window`` with the window's parts (``ui.actions``:
    settings, panel, session, dialogs, controller, docks, search); returns it (None when there
    is nothing to export)."""
    _settings, _panel, _session, _dialogs, controller, docks = parts[:6]
    cues = context.cues
    if not cues:
        _say(window, "Nothing to export: open a briefing with a transcript")
        return None
    choices: dict[str, tuple[Cue, ...]] = {"all": cues, "selection": _selection(parts, context)}
    marked = desk.marks.range() if not desk.marks.marks.is_empty else None
    range_ms = (marked.start_ms, marked.end_ms) if marked is not None else None
    if range_ms is not None:
        choices["marks"] = cues_in_range(cues, *range_ms)
    choices["hits"] = _hits(parts, cues)
    panel = getattr(docks, "bookmarks", None)
    items = getattr(panel, "items", []) if controller.media_path else []
    notes = tuple(BookmarkNote(b.position_ms, b.label, b.note) for b in items)
    source = context.source()
    dialog = ExportDialog(
        choices,
        title=source.title,
        date=source.date,
        range_ms=range_ms,
        bookmarks=notes,
        parent=window,
    )
    if range_ms is not None:
        dialog.set_scope("marks")
    elif len(choices["selection"]) > 1 or getattr(_word_selector(parts), "row", -1) >= 0:
        dialog.set_scope("selection")

    def save() -> None:
        start = str(Path(controller.media_path).parent) if controller.media_path else ""
        name, _filter = QFileDialog.getSaveFileName(
            window, "Export", str(Path(start) / dialog.suggested_name())
        )
        if not name:
            return
        target = Path(name)
        if not target.suffix:
            target = target.with_suffix("." + dialog.fmt())
        try:
            write_export(dialog.request(), dialog.fmt(), target)
        except OSError as err:
            log.warning("export to %s failed: %s", target, err)
            message = f"Export failed: {err}"
        else:
            message = f"Exported to {target}"
        _say(window, message)

    dialog.accepted.connect(save)
    dialog.open()
    return dialog


def _say(window: QWidget, message: str) -> None:
    """A status for the user: the window's status line (shown and spoken), else logged."""
    show = getattr(getattr(window, "status", None), "show_status", None)
    if callable(show):
        show(message)
    else:
        log.info("%s", message)


def _word_selector(parts: tuple[Any, ...]) -> Any:
    from PySide6.QtCore import QObject

    return parts[1].findChild(QObject, "word_selector")
