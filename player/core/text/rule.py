"""The one meaning of a hit, the same in the transcript search, the archive and the commands.

**Whole words by default, everywhere**: "water" finds "water" and "water's" but not
"watering". The option **part of words** (the search bar's ``W`` toggle turned off, ``--part``
on the command line) finds the query anywhere, also inside longer words: "water" then also finds
"watering", in the archive as in one transcript (``Archive.search_part``). Case and accents are
ignored unless "match case"; several words match as a phrase (see ``player.core.text.search``).
A hit is one match; the archive and the commands list each line (cue) with a match once, so
their count is the number of lines with a match (equal to the hits unless a line holds a word
twice).
"""

from __future__ import annotations

from player.core.text.search import SearchOptions

__all__ = ["DEFAULT_WHOLE_WORDS", "default_options", "rule_label"]

DEFAULT_WHOLE_WORDS = True
"""Whether a new search matches whole words (the rule stated in the module docstring)."""


def default_options(
    *,
    part_of_words: bool = False,
    case_sensitive: bool = False,
    regex: bool = False,
    speaker: str | None = None,
) -> SearchOptions:
    """The options of a search made with the default rule, changed only where asked."""
    return SearchOptions(
        case_sensitive=case_sensitive,
        whole_word=DEFAULT_WHOLE_WORDS and not part_of_words,
        regex=regex,
        speaker=speaker,
    )


def rule_label(options: SearchOptions) -> str:
    """What the search bar says about the rule in force: "whole words", "part of words" or
    "regular expression"."""
    if options.regex:
        return "regular expression"
    return "whole words" if options.whole_word else "part of words"
