"""What a user types turned into a pattern whose preparation and matching stay bounded.

Every search (a transcript in the window or on the command line, and the archive's regular
expressions) compiles its query here, so the limits are the same everywhere:

* **Query size.** A query has at most :data:`MAX_QUERY_CHARS` (1,000) characters and, as plain
  text, at most :data:`MAX_QUERY_WORDS` (100) words; a regular expression has at most
  :data:`MAX_PATTERN_CHARS` (500) characters. Folding (accents, ligatures: "ﬁ" is "fi") may not
  take a query past 1,000 characters either. Past a limit :class:`SearchError` says so.
  Why: the ``regex`` module prepares a literal run of a pattern before matching, outside its
  time limit, in time that grows with the cube of the run's length (a 5,000-character run took
  34 s); at 1,000 characters it is about 0.1 s. Plain matching costs at most the text's length
  times the number of words.
* **Repeats.** The ``regex`` module writes out counted repeats when it compiles (``a{1000000}``
  costs 0.7 s and 290 MB; ``a{4294967294}`` exhausts memory), so a pattern whose counted repeats
  add up to more than :data:`MAX_REPEAT_UNITS` (10,000) pattern items is refused.
* **Recursion.** Calls of the pattern or a group from inside itself (``(?R)``, ``(?1)``,
  ``(?&name)``, ``(?P>name)``) are refused: ``(?R)`` alone took 550 MB before a MemoryError.
  So is verbose mode (``(?x)``), whose spaces and comments could hide a repeat or a call.
* **Folding without new syntax.** Accents are ignored by folding the text and the pattern's
  literal characters; what folding produces is escaped, so a full-width ``（a）`` stays the
  literal text "(a)" and never becomes a group. Inside ``[...]`` a character folds only when it
  folds to one character.

Matching itself is bounded by the callers' deadlines (``regex``'s ``timeout=``).
"""

from __future__ import annotations

import re

import regex

from player.core.text.fold import fold

__all__ = [
    "MAX_PATTERN_CHARS",
    "MAX_QUERY_CHARS",
    "MAX_QUERY_WORDS",
    "MAX_REPEAT_UNITS",
    "SearchError",
    "check_plain_size",
    "compile_regex",
    "plain_source",
    "prepare_regex",
]

MAX_QUERY_CHARS = 1000
"""The longest query, as typed and once folded (characters)."""
MAX_QUERY_WORDS = 100
"""The most words in a plain (not regular-expression) query."""
MAX_PATTERN_CHARS = 500
"""The longest regular expression, as typed (characters)."""
MAX_REPEAT_UNITS = 10_000
"""The most pattern items a regular expression may stand for once counted repeats are written
out (``a{10000}`` is 10,000; ``(?:ab){5000}`` is 10,000; ``(?:a{100}){100}`` is 10,000)."""

_QUOTES = '"“”„'
_GROUP_HEAD = re.compile(r"\(\?(?:[a-zA-Z-]*[:)]|[=!>|]|<[=!])")
_REPEAT = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")


class SearchError(Exception):
    """The query cannot be run (a bad or too large pattern, a too long query); ``str(err)`` is
    for the user."""


def _too_long(what: str, length: int, limit: int, unit: str = "characters") -> SearchError:
    return SearchError(f"{what} is too long: {length:,} {unit} (at most {limit:,})")


def strip_quotes(query: str) -> str:
    """The query without surrounding spaces and one pair of surrounding double quotes."""
    q = query.strip()
    if len(q) >= 2 and q[0] in _QUOTES and q[-1] in _QUOTES:
        q = q[1:-1].strip()
    return q


def check_plain_size(query: str) -> list[str]:
    """The words of a plain query; SearchError past :data:`MAX_QUERY_CHARS` characters or
    :data:`MAX_QUERY_WORDS` words."""
    if len(query) > MAX_QUERY_CHARS:
        raise _too_long("the query", len(query), MAX_QUERY_CHARS)
    words = strip_quotes(query).split()
    if len(words) > MAX_QUERY_WORDS:
        raise _too_long("the query", len(words), MAX_QUERY_WORDS, "words")
    return words


def plain_source(query: str, *, casefold: bool) -> str | None:
    """The pattern source (for ``re`` or ``regex``, no flags) of a plain query over text folded
    the same way: escaped words joined by ``\\s+``. None when nothing is left to search for."""
    tokens = [fold(tok, casefold=casefold) for tok in check_plain_size(query)]
    tokens = [tok for tok in tokens if tok.strip()]
    if not tokens:
        return None
    folded_chars = sum(len(tok) for tok in tokens) + len(tokens) - 1
    if folded_chars > MAX_QUERY_CHARS:
        raise SearchError(
            f"the query is too long once accents and ligatures are spelled out: "
            f"{folded_chars:,} characters (at most {MAX_QUERY_CHARS:,})"
        )
    return r"\s+".join(re.escape(tok) for tok in tokens)


# --- regular expressions ------------------------------------------------------------------------


def _escaped_fold(ch: str, *, in_set: bool) -> str:
    """The pattern text for the literal character ``ch`` once accent-folded, never syntax."""
    out = fold(ch, casefold=False)
    if out == ch:
        return ch
    if in_set:
        # A set holds single characters: what folds to several (or none) stays as it was.
        return regex.escape(out) if len(out) == 1 else ch
    if len(out) == 1:
        return regex.escape(out)
    return "(?:" + regex.escape(out) + ")"


class _Scanner:
    """One pass over a regular expression: folds literals, refuses recursion and counts the
    pattern items its counted repeats stand for."""

    def __init__(self, source: str, *, fold_text: bool) -> None:
        self.src = source
        self.fold_text = fold_text
        self.pos = 0
        self.out: list[str] = []
        self.frames: list[int] = [0]  # items per open group, innermost last
        self.last = 0  # items in the last atom (what a quantifier repeats); 0: nothing

    def run(self) -> str:
        src = self.src
        n = len(src)
        while self.pos < n:
            ch = src[self.pos]
            if ch == "\\":
                self._atom(self._escape(in_set=False))
            elif ch == "[":
                self._atom(self._set())
            elif ch == "(":
                self._open_group()
            elif ch == ")":
                self.pos += 1
                self.out.append(")")
                items = max(1, self.frames.pop()) if len(self.frames) > 1 else 1
                self._add(items)
                self.last = items
            elif (
                ch == "{"
                and (m := _REPEAT.match(src, self.pos))
                and m.group(1) + (m.group(3) or "")
            ):
                self.pos = m.end()
                self.out.append(m.group(0))
                count = max(int(m.group(1) or 0), int(m.group(3) or 0), 1)
                self._add(self.last * (count - 1))
                self.last *= count
            elif ch in "*+?|^$.":
                self.pos += 1
                self.out.append(ch)
                self.last = 1 if ch == "." else 0
                self._add(1 if ch == "." else 0)
            else:
                self.pos += 1
                folded = _escaped_fold(ch, in_set=False) if self.fold_text else ch
                self._atom(folded, items=max(1, len(fold(ch, casefold=False))))
        return "".join(self.out)

    def _add(self, items: int) -> None:
        self.frames[-1] += items
        if self.frames[-1] > MAX_REPEAT_UNITS:
            raise SearchError(
                f"the regular expression repeats too much: its counted repeats ({{n}}) stand "
                f"for more than {MAX_REPEAT_UNITS:,} items; use + or * instead"
            )

    def _atom(self, text: str, *, items: int = 1) -> None:
        self.out.append(text)
        self._add(items)
        self.last = items

    def _copy_until(self, end: str) -> None:
        """Copy up to and including the next ``end`` (names, conditions, comments) verbatim."""
        stop = self.src.find(end, self.pos)
        stop = len(self.src) if stop < 0 else stop + 1
        self.out.append(self.src[self.pos : stop])
        self.pos = stop

    def _escape(self, *, in_set: bool) -> str:
        src = self.src
        start = self.pos
        if start + 1 >= len(src):
            self.pos = len(src)
            return "\\"
        nxt = src[start + 1]
        self.pos = start + 2
        if nxt in "pPNxuU" and self.pos < len(src) and src[self.pos] == "{":
            stop = src.find("}", self.pos)
            self.pos = len(src) if stop < 0 else stop + 1
            return src[start : self.pos]
        if nxt in "gL" and self.pos < len(src) and src[self.pos] == "<":
            stop = src.find(">", self.pos)
            self.pos = len(src) if stop < 0 else stop + 1
            return src[start : self.pos]
        if not nxt.isascii() and self.fold_text:
            return _escaped_fold(nxt, in_set=in_set)
        return src[start : self.pos]

    def _set(self) -> str:
        src = self.src
        parts = ["["]
        self.pos += 1
        if self.pos < len(src) and src[self.pos] == "^":
            parts.append("^")
            self.pos += 1
        if self.pos < len(src) and src[self.pos] == "]":
            parts.append("]")
            self.pos += 1
        while self.pos < len(src):
            ch = src[self.pos]
            if ch == "]":
                parts.append("]")
                self.pos += 1
                break
            if ch == "\\":
                parts.append(self._escape(in_set=True))
                continue
            self.pos += 1
            parts.append(_escaped_fold(ch, in_set=True) if self.fold_text else ch)
        return "".join(parts)

    def _open_group(self) -> None:
        src = self.src
        rest = src[self.pos + 1 : self.pos + 4]
        if rest.startswith("?") and _is_call(src[self.pos + 2 : self.pos + 202]):
            raise _recursion()
        if rest.startswith(("?P=", "?#")):
            self._copy_until(")")  # a back-reference by name, or a comment
            self._add(1)
            self.last = 1
            return
        head = _GROUP_HEAD.match(src, self.pos)
        if head is not None and head.group(0).endswith(")"):
            self.pos = head.end()  # inline flags such as (?i): no group
            self.out.append(head.group(0))
            return
        self.frames.append(0)
        self.last = 0
        if rest.startswith(("?P<", "?<")) and not rest.startswith(("?<=", "?<!")):
            self._copy_until(">")  # a group name
        elif rest.startswith("?(") and not rest.startswith("?(?"):
            self.out.append("(?")
            self.pos += 2
            self._copy_until(")")  # a condition: (?(1)...|...) or (?(name)...)
        elif head is not None:
            self.pos = head.end()  # (?:  (?=  (?<!  (?i:  ...: no pattern items
            self.out.append(head.group(0))
        else:
            self.out.append("(")
            self.pos += 1


_VERBOSE_SPACE = re.compile(r"\s+|#[^\n]*(?:\n|$)")


def _is_call(after_mark: str) -> bool:
    """Whether ``(?`` followed by ``after_mark`` calls the pattern or a group (recursion).

    Spaces and ``#`` comments are skipped first: in verbose mode ``(?P >x)`` is a call too.
    """
    after_mark = _VERBOSE_SPACE.sub("", after_mark)[:3]
    if not after_mark:
        return False
    first = after_mark[0]
    if first in "R&" or first.isdigit() or after_mark.startswith("P>"):
        return True
    return first in "+-" and len(after_mark) > 1 and after_mark[1].isdigit()


def _recursion() -> SearchError:
    return SearchError("recursive patterns ((?R), (?1), (?&name), (?P>name)) are not supported")


_VERBOSE = re.compile(r"[a-zA-Z]*x")


def _check_group_marks(pattern: str) -> None:
    """Refuse calls and verbose mode wherever ``(?`` opens a group, even inside ``[...]`` or a
    comment (cautious on purpose: the scanner reads sets and escapes, this check does not).

    Verbose mode (``(?x)``) is refused because it lets spaces and ``#`` comments into a
    pattern (``a{ 4294967294 }`` is a repeat there), which the scanner does not follow.
    """
    at = pattern.find("(?")
    while at >= 0:
        backslashes = len(pattern[:at]) - len(pattern[:at].rstrip("\\"))
        if backslashes % 2 == 0:  # the bracket is not escaped
            after = pattern[at + 2 : at + 202]
            if _is_call(after):
                raise _recursion()
            if _VERBOSE.match(after):
                raise SearchError("verbose patterns ((?x)) are not supported in a search")
        at = pattern.find("(?", at + 1)


def prepare_regex(pattern: str, *, fold_text: bool) -> str:
    """The source to compile for a user's regular expression, after the checks above.

    ``fold_text``: fold the pattern's literal characters as the searched text is folded (the
    transcript search); the archive matches the original text and leaves them. Raises
    SearchError for a pattern that is too long, repeats too much or calls itself.
    """
    if len(pattern) > MAX_PATTERN_CHARS:
        raise _too_long("the regular expression", len(pattern), MAX_PATTERN_CHARS)
    _check_group_marks(pattern)
    scanner = _Scanner(pattern, fold_text=fold_text)
    source = scanner.run()
    if len(source) > MAX_QUERY_CHARS:
        raise SearchError(
            f"the regular expression is too long once accents and ligatures are spelled out: "
            f"{len(source):,} characters (at most {MAX_QUERY_CHARS:,})"
        )
    return source


def compile_regex(source: str, flags: int, *, typed: str) -> regex.Pattern[str]:
    """Compile a prepared source; SearchError (naming the position in ``typed`` when it is the
    same text) for an invalid or too complex pattern."""
    try:
        return regex.compile(source, flags)
    except regex.error as err:
        raise SearchError(f"invalid regular expression: {_message(err, source, typed)}") from None
    except (ValueError, OverflowError, RecursionError, MemoryError) as err:
        reason = str(err) or "too complex"
        raise SearchError(f"invalid regular expression: {reason}") from None


def _message(err: regex.error, source: str, typed: str) -> str:
    msg = str(getattr(err, "msg", "") or err)
    pos = getattr(err, "pos", None)
    if source == typed and isinstance(pos, int) and 0 <= pos <= len(typed):
        return f"{msg} at position {pos}"
    return msg
