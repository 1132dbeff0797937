"""What the search says when it finds nothing or cannot run: a notice under the search rows,
wrapped (never cut), with what to try next — "No match for 'x': try part of a word, turn off
Whole word, or search All briefings" — and the whole reason of a bad pattern.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent

    from player.core.text.search import SearchOptions

QUOTE_CHARS = 40  # the query quoted in a hint, at most
BUSY = frozenset({"", "Searching…", "Searching all briefings…"})


def no_match_hint(query: str, options: SearchOptions, *, all_briefings: bool, library: bool) -> str:
    """The sentence shown when ``query`` matched nothing: the query, then what to try."""
    shown = " ".join(query.split())
    if len(shown) > QUOTE_CHARS:
        shown = shown[: QUOTE_CHARS - 1] + "…"
    where = " in the library" if all_briefings else ""
    tries: list[str] = []
    if options.whole_word:
        tries.append("try part of words (turn off W)")
    elif not options.regex:
        tries.append("try a shorter part of a word")
    if len(query.split()) > 1:
        tries.append("fewer words")
    if options.case_sensitive:
        tries.append("turn off Match case (Aa)")
    if options.speaker:
        tries.append("all speakers")
    if not all_briefings and library:
        tries.append("search All briefings (In:)")
    if not tries:
        return f"No match for ‘{shown}’{where}."
    said = tries[0] if len(tries) == 1 else ", ".join(tries[:-1]) + " or " + tries[-1]
    return f"No match for ‘{shown}’{where} — {said}."


def no_source_hint(all_briefings: bool) -> str:
    """The sentence shown when there is nothing to search."""
    if all_briefings:
        return "No library to search — View ▸ Library, then Add folder… to index your briefings."
    return (
        "No transcript to search — open one (File ▸ Open Transcript…), or search In: All briefings."
    )


class SearchNotice(QLabel):
    """A wrapped line under the search rows: empty and hidden unless the search has something
    to explain (no match, nothing to search, a bad pattern)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setAccessibleName("Search notice")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.setMinimumWidth(1)
        self.hide()

    # A wrapped label asks its layout for a height for each width, and the window's minimum
    # is then its text at a sliver of width (taller than the screen): this one asks for the
    # lines its text takes at the width it has, and says again when the width changes.
    def hasHeightForWidth(self) -> bool:
        """No: the height follows the width through the size hints."""
        return False

    def minimumSizeHint(self) -> QSize:
        """The lines the text takes at the width the label has."""
        return self.sizeHint()

    def sizeHint(self) -> QSize:
        """The lines the text takes at the width the label has (one line before it has one)."""
        line = self.fontMetrics().lineSpacing()
        if self.width() <= 1 or not self.text():
            return QSize(1, line)
        return QSize(1, max(line, QLabel.heightForWidth(self, self.width())))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A new width: maybe another number of lines."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()

    def say(self, text: str) -> None:
        """Show ``text`` (hide for none)."""
        self.setText(text)
        self.setVisible(bool(text))
        self.updateGeometry()

    def update_for(
        self,
        status: str,
        *,
        query: str,
        options: SearchOptions,
        all_briefings: bool,
        library: bool,
        hits: int | None,
    ) -> None:
        """Explain the search's ``status``: hints for no hits (``hits == 0``), the whole text
        of a failure (``hits is None`` and a status that is not "searching")."""
        if status in BUSY or not query.strip():
            self.say("")
        elif status in ("No transcript to search", "No library to search"):
            self.say(no_source_hint(all_briefings))
        elif hits == 0:
            self.say(no_match_hint(query, options, all_briefings=all_briefings, library=library))
        elif hits is None:
            self.say(status)
        else:
            self.say("")
