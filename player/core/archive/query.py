"""Turn what a user types into the archive's search box into a safe SQLite FTS5 expression.

Users get the FTS5 vocabulary: words, ``"quoted phrases"``, ``prefix*``, ``AND``/``OR``/``NOT``
(upper case, as in FTS5), parentheses, and ``-word`` as a shorthand for ``NOT word``. A query of
plain words only (no operator, quote, bracket, ``*`` or ``-word``) is a phrase, as in one
transcript's search and the command line (``player.core.text.rule``: one meaning of a hit);
once the query uses the vocabulary, words next to each other must all occur (implicit AND).
Anything else is taken literally: the query is
parsed here, never handed to FTS5 raw, so an unbalanced quote, a lone ``-``, ``NEAR(`` or a stray
``)`` can never raise an SQLite syntax error. Every term is emitted as a quoted FTS5 string, so
punctuation inside a word (``covid-19``, ``don't``) becomes a phrase of its tokens, exactly as the
``unicode61`` tokenizer split the indexed text.

``QueryError`` is raised when nothing searchable is left (an empty query, only punctuation,
or only excluded words) and for a query over the limits every search shares
(:mod:`player.core.text.pattern`): at most 1,000 characters and 100 words, and brackets nested
at most :data:`MAX_NESTING` deep. Parsing is iterative where a query can repeat itself (``NOT
NOT NOT ...``), so no query can exhaust the stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeAlias

from player.core.text.pattern import MAX_QUERY_CHARS, MAX_QUERY_WORDS

__all__ = [
    "MAX_NESTING",
    "And",
    "FtsQuery",
    "Not",
    "Or",
    "QueryError",
    "QueryNode",
    "Term",
    "compile_query",
    "parse_query",
]

MAX_NESTING = 20
"""The deepest brackets may nest in an archive query."""
_OPERATORS = frozenset({"(", ")", "AND", "OR", "NOT"})

_WORD_CHAR = re.compile(r"[^\W_]")  # what unicode61 keeps as a token character
_TOKEN = re.compile(r'\s+|-?"[^"]*(?:"|$)\*?|[()]|[^\s"()]+')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PLAIN_WORD = re.compile(r'(?!(?:AND|OR|NOT)$)[^\s"()*-][^\s"()*]*')


class QueryError(ValueError):
    """The query contains nothing that can be searched for; ``str(err)`` says why."""


@dataclass(frozen=True, slots=True)
class FtsQuery:
    """A compiled query: ``expression`` is valid FTS5; ``literals`` are the positive terms.

    ``literals`` (phrases and words the user wants to find, without ``*``) serve the
    case-sensitive filter and highlighting outside FTS5.
    """

    expression: str
    literals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Term:
    text: str
    prefix: bool


@dataclass(frozen=True, slots=True)
class _Not:
    child: _Node


@dataclass(frozen=True, slots=True)
class _And:
    children: tuple[_Node, ...]


@dataclass(frozen=True, slots=True)
class _Or:
    children: tuple[_Node, ...]


_Node = _Term | _Not | _And | _Or


def _tokenize(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text) if not t.isspace()]


class _Parser:
    """Recursive descent that never fails: misplaced operators and brackets are dropped."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self) -> _Node | None:
        node = self.parse_or()
        while self.peek() is not None:  # a stray ")" at top level: skip it and go on
            self.pos += 1
            more = self.parse_or()
            node = _combine_and(node, more)
        return node

    def parse_or(self) -> _Node | None:
        children: list[_Node] = []
        first = self.parse_and()
        if first is not None:
            children.append(first)
        while self.peek() == "OR":
            self.pos += 1
            nxt = self.parse_and()
            if nxt is not None:
                children.append(nxt)
        if not children:
            return None
        return children[0] if len(children) == 1 else _Or(tuple(children))

    def parse_and(self) -> _Node | None:
        children: list[_Node] = []
        while True:
            tok = self.peek()
            if tok is None or tok == "OR" or (tok == ")" and self.depth > 0):
                break
            if tok == ")":  # unmatched closing bracket
                self.pos += 1
                continue
            if tok == "AND":
                self.pos += 1
                continue
            node = self.parse_unary()
            if node is not None:
                children.append(node)
        if not children:
            return None
        return children[0] if len(children) == 1 else _And(tuple(children))

    def parse_unary(self) -> _Node | None:
        tok = self.peek()
        if tok == "NOT":
            while self.peek() == "NOT":  # NOT NOT x is NOT x (see _positive): no recursion
                self.pos += 1
            nxt = self.peek()
            if nxt is None or nxt in ("OR", "AND", ")"):
                return None
            child = self.parse_unary()
            return _Not(child) if child is not None else None
        if tok is not None and tok.startswith("-") and not tok.startswith("--") and len(tok) > 1:
            self.tokens[self.pos] = tok[1:]
            term = self.parse_primary()
            return _Not(term) if term is not None else None
        return self.parse_primary()

    def parse_primary(self) -> _Node | None:
        tok = self.peek()
        if tok is None:
            return None
        self.pos += 1
        if tok == "(":
            if self.depth >= MAX_NESTING:
                raise QueryError(
                    f"the query nests brackets too deeply (at most {MAX_NESTING} levels)"
                )
            self.depth += 1
            inner = self.parse_or()
            self.depth -= 1
            if self.peek() == ")":
                self.pos += 1
            return inner
        if tok.startswith('"'):
            prefix = tok.endswith('"*') and len(tok) > 2
            body = tok[1:]
            if prefix:
                body = body[:-2]
            elif body.endswith('"'):
                body = body[:-1]
            return _make_term(body, prefix=prefix)
        return _make_term(tok)


def _make_term(raw: str, *, prefix: bool = False) -> _Term | None:
    text = raw
    if text.endswith("*"):
        prefix = True
        text = text.rstrip("*")
    text = text.replace("*", " ").strip()
    if not _WORD_CHAR.search(text):
        return None
    return _Term(" ".join(text.split()), prefix)


def _combine_and(a: _Node | None, b: _Node | None) -> _Node | None:
    if a is None:
        return b
    if b is None:
        return a
    return _And((a, b))


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _render(node: _Node) -> str | None:
    """FTS5 text for ``node``, or None when it selects nothing positive (only exclusions)."""
    if isinstance(node, _Term):
        return _quote(node.text) + ("*" if node.prefix else "")
    if isinstance(node, _Not):
        return None
    if isinstance(node, _Or):
        parts = [p for p in (_render(c) for c in node.children) if p is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
    positives = [p for p in (_render(c) for c in node.children if not isinstance(c, _Not)) if p]
    negatives = [
        p
        for p in (_render(_positive(c.child)) for c in node.children if isinstance(c, _Not))
        if p is not None
    ]
    if not positives:
        return None
    expr = positives[0] if len(positives) == 1 else "(" + " AND ".join(positives) + ")"
    if negatives:
        excluded = negatives[0] if len(negatives) == 1 else "(" + " OR ".join(negatives) + ")"
        expr = f"({expr} NOT {excluded})"
    return expr


def _positive(node: _Node) -> _Node:
    # "NOT NOT x" is read as "NOT x": double negation in a search box is a typo, not logic.
    while isinstance(node, _Not):
        node = node.child
    return node


def _literals(node: _Node | None, out: list[str]) -> None:
    if node is None or isinstance(node, _Not):
        return
    if isinstance(node, _Term):
        out.append(node.text)
        return
    for child in node.children:
        _literals(child, out)


Term: TypeAlias = _Term
Not: TypeAlias = _Not
And: TypeAlias = _And
Or: TypeAlias = _Or
QueryNode: TypeAlias = _Node
"""A parsed query (``Term``, ``Not``, ``And``, ``Or``): other stores render it their own way."""


def parse_query(text: str) -> QueryNode:
    """The checked tree of a user's query (the limits and errors of ``compile_query``)."""
    return _checked_tree(text)[0]


def compile_query(text: str) -> FtsQuery:
    """Compile a user's query into FTS5 syntax. Raises QueryError if nothing can be searched."""
    tree, expression = _checked_tree(text)
    literals: list[str] = []
    _literals(tree, literals)
    return FtsQuery(expression, tuple(literals))


def _checked_tree(text: str) -> tuple[_Node, str]:
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is too long: {len(text):,} characters (at most {MAX_QUERY_CHARS:,})"
        )
    # Control characters (a NUL ends an FTS5 string early) are never part of a search.
    text = _CONTROL.sub(" ", text)
    tokens = _tokenize(text)
    words = sum(1 for tok in tokens if tok not in _OPERATORS)
    if words > MAX_QUERY_WORDS:
        raise QueryError(f"the query is too long: {words:,} words (at most {MAX_QUERY_WORDS:,})")
    if len(tokens) > 1 and all(
        _PLAIN_WORD.fullmatch(tok) and _WORD_CHAR.search(tok) for tok in tokens
    ):
        # Plain words, no operator, quote, bracket, prefix* or -word: a phrase, as in one
        # transcript's search and the command line (player.core.text.rule).
        tokens = ['"' + " ".join(tokens) + '"']
    # Lower-case operators and NEAR are ordinary words; "NEAR(" is just the word NEAR.
    tree = _Parser(tokens).parse()
    if tree is None:
        raise QueryError(
            "nothing to search for: type at least one word (letters or digits)"
            if not text.strip() or not _WORD_CHAR.search(text)
            else "nothing to search for: the query has no words to look for"
        )
    expression = _render(tree)
    if expression is None:
        raise QueryError(
            "the query only excludes words (NOT/-word); add at least one word to look for"
        )
    return tree, expression
