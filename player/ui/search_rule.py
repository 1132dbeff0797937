"""The search bar says which rule of a hit applies (``player.core.text.rule``).

:func:`show_rule` sets the whole-word toggle to the default rule (whole words) and keeps the
search box's placeholder and the toggle's tooltip saying the rule in force — "whole words" or
"part of words" (or "regular expression") — in the transcript and in "All briefings" alike.
"""

from __future__ import annotations

from typing import Any

from player.core.text.rule import DEFAULT_WHOLE_WORDS, rule_label

__all__ = ["placeholder_for", "show_rule"]

_WORD_TIP = "Whole words (Alt+W); turned off: part of words too"


def placeholder_for(panel: Any) -> str:
    """The search box's placeholder for the panel's scope and rule."""
    rule = rule_label(panel.options())
    if panel.scope() == "here":
        return f"Search the transcript — {rule} (Ctrl+F)"
    return f'Search all briefings — {rule}: words, "phrases", AND/OR/NOT'


def show_rule(panel: Any) -> None:
    """Start the panel (a ``ui.search_panel.SearchPanel``, not imported here: it imports this
    module) with the default rule and keep its placeholder saying the rule."""
    panel.word_box.setToolTip(_WORD_TIP)
    panel.word_box.setAccessibleName("Whole words")
    panel.word_box.blockSignals(True)
    panel.word_box.setChecked(DEFAULT_WHOLE_WORDS)
    panel.word_box.blockSignals(False)

    def update(*_args: object) -> None:
        panel.edit.setPlaceholderText(placeholder_for(panel))
        panel.word_box.setAccessibleDescription(rule_label(panel.options()))

    for toggle in (panel.word_box, panel.regex_box):
        toggle.toggled.connect(update)
    panel.scope_box.currentIndexChanged.connect(update)
    update()
