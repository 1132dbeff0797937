"""Hand-written WebVTT files with the result the W3C WebVTT file-parsing algorithm gives.

Each ``VttCase`` is the raw bytes of a file and what the spec's parser yields for it: either
``None`` ("not a WebVTT file": the signature check fails) or the cues in file order as
``(identifier, start_ms, end_ms, raw cue text)``. ``warned`` is the exact set of 1-based lines
the player reports (a dropped cue, a skipped block, a missing blank line); ``settings``, when
given, the cue settings text of each cue. The expected values were worked out from the spec's
algorithm by hand (https://www.w3.org/TR/webvtt1/#file-parsing), rule by rule, not recorded
from the player: the rule each case exercises is in its ``rule``.

The spec's steps that matter most here:

* decoding: one UTF-8 BOM is skipped; NUL becomes U+FFFD; CRLF, lone CR and LF all end a line;
* signature: the text is "WEBVTT" alone, or "WEBVTT" followed by a space, a tab or a line
  feed (never a form feed, NBSP or anything else); the rest of that line is ignored;
* a non-blank line right after the signature starts the header block, which ends at a blank
  line or at a line holding "-->" (that line then starts the first block);
* blocks are separated by blank lines; a line holding "-->" is a cue's timing line when it is
  the block's first line, or its second line after a first line without "-->" (the first line
  is then the identifier); anywhere else it ends the block and starts a new one;
* a timestamp is ``[hours:]mm:ss.ttt``: minutes and seconds two ASCII digits each and at most
  59, milliseconds three digits, hours one or more digits (a first field of other than two
  digits, or over 59, is hours, and then the seconds field is required); around "-->" only
  spaces, tabs and form feeds may stand; whatever follows the end time is the cue settings,
  which never make a cue invalid;
* a block whose first line is "STYLE" or "REGION" (plus only whitespace) and that has a
  second line is a style sheet or region, but only before the first cue; "NOTE" blocks and
  every other block without a valid timing line yield nothing.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

RawCueTuple = tuple[str, int, int, str]
"""(identifier, start_ms, end_ms, raw cue text); identifier "" means none."""

BOM = codecs.BOM_UTF8


@dataclass(frozen=True)
class VttCase:
    """One hand-written file and the spec parser's result for it."""

    name: str
    family: str
    data: bytes
    cues: tuple[RawCueTuple, ...] | None  # None: not a WebVTT file
    rule: str
    warned: frozenset[int] = frozenset()
    settings: tuple[str, ...] | None = None


def lines(*text: str, end: str = "\n") -> bytes:
    """UTF-8 bytes of ``text`` joined by LF, ending with ``end``."""
    return ("\n".join(text) + end).encode("utf-8")


def _case(
    name: str,
    family: str,
    data: bytes,
    cues: tuple[RawCueTuple, ...] | None,
    rule: str,
    warned: tuple[int, ...] = (),
    settings: tuple[str, ...] | None = None,
) -> VttCase:
    return VttCase(name, family, data, cues, rule, frozenset(warned), settings)


# ---------------------------------------------------------------------------------------------
# Signature

SIGNATURE = [
    _case("exactly-six-characters", "signature", b"WEBVTT", (), "the text equals 'WEBVTT'"),
    _case("signature-and-newline", "signature", b"WEBVTT\n", (), "7th character is LF"),
    _case(
        "title-after-a-space",
        "signature",
        lines("WEBVTT - Weekly press briefing", "", "00:01.000 --> 00:02.500", "Good morning."),
        (("", 1000, 2500, "Good morning."),),
        "7th character is a space; the rest of the line is ignored",
    ),
    _case("title-after-a-tab", "signature", b"WEBVTT\tBriefing 12\n", (), "7th character: tab"),
    _case("space-then-end-of-file", "signature", b"WEBVTT ", (), "7th character: space"),
    _case("tab-then-end-of-file", "signature", b"WEBVTT\t", (), "7th character: tab"),
    _case("signature-then-lone-cr", "signature", b"WEBVTT\r", (), "CR is a line terminator"),
    _case(
        "one-utf8-bom",
        "signature",
        BOM + lines("WEBVTT", "", "00:00.000 --> 00:01.000", "after a byte order mark"),
        (("", 0, 1000, "after a byte order mark"),),
        "one leading UTF-8 BOM is skipped by the decoder",
    ),
    _case("two-utf8-boms", "signature", BOM + BOM + b"WEBVTT\n", None, "only one BOM skipped"),
    _case("lowercase", "signature", b"webvtt\n", None, "the signature is case-sensitive"),
    _case(
        "mixed-case",
        "signature",
        lines("WebVTT", "", "00:00.000 --> 00:01.000", "x"),
        None,
        "the signature is case-sensitive",
    ),
    _case("letter-after-signature", "signature", b"WEBVTTX\n", None, "7th character: letter"),
    _case("dash-after-signature", "signature", b"WEBVTT-captions\n", None, "7th: '-'"),
    _case("form-feed-after-signature", "signature", b"WEBVTT\x0c\n", None, "7th: form feed"),
    _case("vertical-tab-after-signature", "signature", b"WEBVTT\x0b\n", None, "7th: VT"),
    _case(
        "nbsp-after-signature",
        "signature",
        "WEBVTT\u00a0Title\n".encode(),
        None,
        "7th: NBSP is not a space",
    ),
    _case("nul-after-signature", "signature", b"WEBVTT\x00\n", None, "NUL becomes U+FFFD"),
    _case("five-characters", "signature", b"WEBVT", None, "shorter than six characters"),
    _case("six-characters-wrong", "signature", b"WEBVT\n", None, "six characters, not WEBVTT"),
    _case("leading-space", "signature", b" WEBVTT\n", None, "must start the file"),
    _case("leading-blank-line", "signature", b"\nWEBVTT\n", None, "must start the file"),
    _case(
        "cue-without-signature",
        "signature",
        lines("00:00:01.000 --> 00:00:02.000", "no signature line"),
        None,
        "no signature at all",
    ),
    _case("reversed", "signature", b"TTVBEW\n", None, "not the signature"),
    _case("empty-file", "signature", b"", None, "shorter than six characters"),
    _case(
        "timing-on-the-signature-line",
        "signature",
        lines("WEBVTT 00:00:00.000 --> 00:00:01.000", "spoken?"),
        (),
        "the rest of the signature line is ignored; the next line is header",
    ),
]

# ---------------------------------------------------------------------------------------------
# Header

HEADER = [
    _case(
        "metadata-lines",
        "header",
        lines(
            "WEBVTT",
            "Kind: captions",
            "Language: es-MX",
            "",
            "00:00:01.000 --> 00:00:02.000",
            "Hola a todos",
        ),
        (("", 1000, 2000, "Hola a todos"),),
        "header lines up to the first blank line",
    ),
    _case(
        "cue-glued-to-the-signature",
        "header",
        lines("WEBVTT", "00:00:01.000 --> 00:00:02.000", "no blank line after the signature"),
        (("", 1000, 2000, "no blank line after the signature"),),
        "a '-->' line ends the header and starts the first block",
        warned=(2,),
    ),
    _case(
        "cue-glued-to-metadata",
        "header",
        lines("WEBVTT", "Language: en", "00:00:01.000 --> 00:00:02.000", "glued"),
        (("", 1000, 2000, "glued"),),
        "a '-->' line ends the header and starts the first block",
        warned=(3,),
    ),
    _case(
        "identifier-swallowed-by-the-header",
        "header",
        lines("WEBVTT", "intro", "00:00:00.500 --> 00:00:01.000", "first"),
        (("", 500, 1000, "first"),),
        "the line before the timing line belongs to the header, not to the cue",
        warned=(3,),
    ),
    _case(
        "whitespace-only-header-line",
        "header",
        lines("WEBVTT", "\t ", "00:00:03.000 --> 00:00:04.000", "after a whitespace line"),
        (("", 3000, 4000, "after a whitespace line"),),
        "a line of spaces is not blank: it is header",
        warned=(3,),
    ),
    _case(
        "free-text-header",
        "header",
        lines(
            "WEBVTT",
            "this line is not metadata",
            "=== nor is this one",
            "",
            "c1",
            "00:00:05.000 --> 00:00:06.000",
            "kept",
        ),
        (("c1", 5000, 6000, "kept"),),
        "header lines are not parsed as blocks",
    ),
    _case(
        "old-region-header",
        "header",
        lines(
            "WEBVTT",
            "Region: id=top width=50% lines=2",
            "",
            "00:00.000 --> 00:01.000 region:top",
            "old region syntax",
        ),
        (("", 0, 1000, "old region syntax"),),
        "the old 'Region:' header line is just header text",
        settings=("region:top",),
    ),
    _case(
        "many-blank-lines",
        "header",
        b"WEBVTT\n\n\n\n\n00:00.000 --> 00:01.000\nx\n",
        (("", 0, 1000, "x"),),
        "runs of blank lines separate blocks",
    ),
]

# ---------------------------------------------------------------------------------------------
# Identifiers

IDENTIFIERS = [
    _case(
        "surrounding-spaces",
        "identifiers",
        lines(
            "WEBVTT",
            "",
            "  opening remarks",
            "00:00.000 --> 00:01.000",
            "a",
            "",
            "closing remarks  ",
            "00:01.000 --> 00:02.000",
            "b",
        ),
        (("  opening remarks", 0, 1000, "a"), ("closing remarks  ", 1000, 2000, "b")),
        "the identifier is the whole first line, spaces included",
    ),
    _case(
        "arrow-lookalikes",
        "identifiers",
        lines(
            "WEBVTT",
            "",
            "- ->",
            "00:00.000 --> 00:01.000",
            "one",
            "",
            "->",
            "00:01.000 --> 00:02.000",
            "two",
            "",
            "=>",
            "00:02.000 --> 00:03.000",
            "three",
            "",
            "-- >",
            "00:03.000 --> 00:04.000",
            "four",
            "",
            "--&gt;",
            "00:04.000 --> 00:05.000",
            "five",
        ),
        (
            ("- ->", 0, 1000, "one"),
            ("->", 1000, 2000, "two"),
            ("=>", 2000, 3000, "three"),
            ("-- >", 3000, 4000, "four"),
            ("--&gt;", 4000, 5000, "five"),
        ),
        "only the exact substring '-->' is an arrow; identifiers keep references undecoded",
    ),
    _case(
        "whitespace-only-identifier",
        "identifiers",
        lines("WEBVTT", "", "\t", "00:00.000 --> 00:01.000", "tab identifier"),
        (("\t", 0, 1000, "tab identifier"),),
        "a tab-only line is not blank: it is the identifier",
    ),
    _case(
        "unicode-and-numbers",
        "identifiers",
        lines(
            "WEBVTT",
            "",
            "主持人-1",
            "00:00.000 --> 00:01.000",
            "a",
            "",
            "🎙 intro",
            "00:01.000 --> 00:02.000",
            "b",
            "",
            "42",
            "00:02.000 --> 00:03.000",
            "c",
        ),
        (("主持人-1", 0, 1000, "a"), ("🎙 intro", 1000, 2000, "b"), ("42", 2000, 3000, "c")),
        "identifiers are any text without '-->'",
    ),
    _case(
        "duplicate-identifiers",
        "identifiers",
        lines(
            "WEBVTT",
            "",
            "q",
            "00:00.000 --> 00:01.000",
            "one",
            "",
            "q",
            "00:01.000 --> 00:02.000",
            "two",
        ),
        (("q", 0, 1000, "one"), ("q", 1000, 2000, "two")),
        "identifiers need not be unique to parse",
    ),
    _case(
        "very-long-identifier",
        "identifiers",
        lines("WEBVTT", "", "x" * 5000, "00:00.000 --> 00:01.000", "long id"),
        (("x" * 5000, 0, 1000, "long id"),),
        "no length limit",
    ),
]

# ---------------------------------------------------------------------------------------------
# Arrows: where a '-->' line starts a cue and where it ends a block

ARROWS = [
    _case(
        "arrow-alone-before-a-timing-line",
        "arrows",
        lines("WEBVTT", "", "-->", "00:00:00.000 --> 00:00:01.000", "A"),
        (("", 0, 1000, "A"),),
        "a first line with '-->' is a (bad) timing line; a second '-->' line starts a new block",
        warned=(3, 4),
    ),
    _case(
        "arrow-inside-an-identifier",
        "arrows",
        lines("WEBVTT", "", "speaker-->host", "00:00.000 --> 00:01.000", "B"),
        (("", 0, 1000, "B"),),
        "an identifier cannot contain '-->'",
        warned=(3, 4),
    ),
    _case(
        "arrow-inside-cue-text",
        "arrows",
        lines(
            "WEBVTT", "", "00:00.000 --> 00:01.000", "first line", "then --> an arrow", "last line"
        ),
        (("", 0, 1000, "first line"),),
        "a '-->' line in cue text ends the cue; its block has bad timings and is dropped",
        warned=(5,),
    ),
    _case(
        "cues-without-blank-lines",
        "arrows",
        lines(
            "WEBVTT",
            "",
            "00:00.000 --> 00:01.000",
            "one",
            "00:01.000 --> 00:02.000",
            "two",
            "id-three",
            "00:02.000 --> 00:03.000",
            "three",
        ),
        (
            ("", 0, 1000, "one"),
            ("", 1000, 2000, "two\nid-three"),
            ("", 2000, 3000, "three"),
        ),
        "each '-->' line starts a new cue; the line before it stays in the previous cue",
        warned=(5, 8),
    ),
    _case(
        "two-timing-lines",
        "arrows",
        lines("WEBVTT", "", "00:00.000 --> 00:01.000", "00:02.000 --> 00:03.000", "text"),
        (("", 0, 1000, ""), ("", 2000, 3000, "text")),
        "a second '-->' line after a timing line starts a new block; the first cue is empty",
        warned=(4,),
    ),
    _case(
        "spaced-arrow-is-no-arrow",
        "arrows",
        lines("WEBVTT", "", "00:00.000 -- > 00:01.000", "not a cue"),
        (),
        "'-- >' is not '-->': a block without a timing line yields nothing",
        warned=(3,),
    ),
    _case(
        "arrows-with-extra-characters",
        "arrows",
        lines(
            "WEBVTT",
            "",
            "00:00.000 ---> 00:01.000",
            "x",
            "",
            "00:01.000 -->> 00:02.000",
            "y",
            "",
            "00:02.000 --> --> 00:03.000",
            "z",
            "",
            "00:03.000 --> 00:04.000",
            "kept",
        ),
        (("", 3000, 4000, "kept"),),
        "'-' '-' '>' must follow the start time, and a timestamp must follow the arrow",
        warned=(3, 6, 9),
    ),
    _case(
        "no-spaces-around-the-arrow",
        "arrows",
        lines("WEBVTT", "", "00:00.000-->00:01.000", "tight"),
        (("", 0, 1000, "tight"),),
        "whitespace around '-->' is optional",
    ),
]

# ---------------------------------------------------------------------------------------------
# NOTE blocks

COMMENTS = [
    _case(
        "notes-are-skipped",
        "comments",
        lines(
            "WEBVTT",
            "",
            "NOTE Recorded in the press room",
            "",
            "NOTE",
            "two lines",
            "of comment",
            "",
            "NOTE\ttab separated",
            "",
            "00:00.000 --> 00:01.000",
            "spoken",
        ),
        (("", 0, 1000, "spoken"),),
        "a block without a timing line yields nothing",
    ),
    _case(
        "note-word-in-cue-text",
        "comments",
        lines(
            "WEBVTT",
            "",
            "00:00.000 --> 00:01.000",
            "NOTE this is spoken, not a comment",
            "NOTE again",
        ),
        (("", 0, 1000, "NOTE this is spoken, not a comment\nNOTE again"),),
        "inside a cue, 'NOTE' is text",
    ),
    _case(
        "note-with-a-timing-on-line-2",
        "comments",
        lines("WEBVTT", "", "NOTE", "00:00:01.000 --> 00:00:02.000", "not a note after all"),
        (("NOTE", 1000, 2000, "not a note after all"),),
        "a timing line on line 2 makes the block a cue; 'NOTE' is its identifier",
    ),
    _case(
        "note-with-a-timing-on-line-3",
        "comments",
        lines("WEBVTT", "", "NOTE line one", "line two", "00:00:03.000 --> 00:00:04.000", "after"),
        (("", 3000, 4000, "after"),),
        "a '-->' line ends the note and starts a cue",
        warned=(5,),
    ),
    _case(
        "notebook-is-not-a-note",
        "comments",
        lines("WEBVTT", "", "NOTEBOOK entries", "", "00:00.000 --> 00:01.000", "x"),
        (("", 0, 1000, "x"),),
        "'NOTE' must be followed by whitespace; the block yields nothing either way",
        warned=(3,),
    ),
]

# ---------------------------------------------------------------------------------------------
# Line terminators

LINE_TERMINATORS = [
    _case(
        "cr-only",
        "line-terminators",
        b"WEBVTT\r\rintro\r00:00:00.000 --> 00:00:01.000\rline one\rline two\r\r"
        b"00:00:01.000 --> 00:00:02.000\rend\r",
        (("intro", 0, 1000, "line one\nline two"), ("", 1000, 2000, "end")),
        "a lone CR ends a line",
    ),
    _case(
        "crlf",
        "line-terminators",
        b"WEBVTT\r\n\r\nintro\r\n00:00:00.000 --> 00:00:01.000\r\nline one\r\nline two\r\n\r\n"
        b"00:00:01.000 --> 00:00:02.000\r\nend\r\n",
        (("intro", 0, 1000, "line one\nline two"), ("", 1000, 2000, "end")),
        "CRLF ends a line",
    ),
    _case(
        "mixed",
        "line-terminators",
        b"WEBVTT\r\n\r\nA\n00:00.000 --> 00:01.000\r\ntext\r\r\nB\r00:01.000 --> 00:02.000\n"
        b"\rorphan\n",
        (("A", 0, 1000, "text"), ("B", 1000, 2000, "")),
        "CR then CRLF is two line ends (a blank line); so is LF then CR",
        warned=(10,),
    ),
    _case(
        "lone-cr-in-cue-text",
        "line-terminators",
        b"WEBVTT\n\n00:00.000 --> 00:01.000\nfirst\rsecond\n",
        (("", 0, 1000, "first\nsecond"),),
        "a CR inside a cue is a line break",
    ),
    _case(
        "no-final-line-terminator",
        "line-terminators",
        b"WEBVTT\n\n00:00.000 --> 00:01.000\nlast words",
        (("", 0, 1000, "last words"),),
        "end of file ends the cue",
    ),
]

# ---------------------------------------------------------------------------------------------
# NUL characters

NULS = [
    _case(
        "nul-in-header-identifier-and-text",
        "nul-characters",
        b"WEBVTT\n\x00\nmore header\n00:00.000 --> 00:01.000\nafter a NUL header line\n\n"
        b"\x00id\n00:01.000 --> 00:02.000\nbefore\x00after\n",
        (
            ("", 0, 1000, "after a NUL header line"),
            ("\ufffdid", 1000, 2000, "before\ufffdafter"),
        ),
        "NUL becomes U+FFFD everywhere; a U+FFFD line is not blank (still header)",
        warned=(4,),
    ),
    _case(
        "nul-in-timing-lines",
        "nul-characters",
        b"WEBVTT\n\n00:00.000 --> 00:01.000 line:0\x00\nnul in settings\n\n"
        b"00:01.000 --> 00:02.000\x00align:end\nnul glued to the end time\n\n"
        b"00:02\x00.000 --> 00:03.000\nnul inside a timestamp\n\n"
        b"00:03.000\x00--> 00:04.000\nnul before the arrow\n",
        (
            ("", 0, 1000, "nul in settings"),
            ("", 1000, 2000, "nul glued to the end time"),
        ),
        "U+FFFD in the settings is harmless; in a timestamp or before '-->' it is not",
        warned=(9, 12),
        settings=("line:0\ufffd", "\ufffdalign:end"),
    ),
]

# ---------------------------------------------------------------------------------------------
# REGION and STYLE blocks

BLOCKS = [
    _case(
        "regions-before-cues",
        "regions",
        lines(
            "WEBVTT",
            "",
            "REGION",
            "id:speaker",
            "width:40% lines:3",
            "regionanchor:0%,100% viewportanchor:10%,90% scroll:up",
            "",
            "REGION ",
            "id:second",
            "",
            "REGION",
            "REGION",
            "id:doubled",
            "",
            "00:00.000 --> 00:01.000 region:speaker",
            "in a region",
            "",
            "00:01.000 --> 00:02.000 region:nowhere",
            "unknown region, still a cue",
        ),
        (("", 0, 1000, "in a region"), ("", 1000, 2000, "unknown region, still a cue")),
        "REGION blocks before the first cue; an unknown region setting keeps the cue",
        settings=("region:speaker", "region:nowhere"),
    ),
    _case(
        "region-and-style-after-a-cue",
        "regions",
        lines(
            "WEBVTT",
            "",
            "00:00.000 --> 00:01.000",
            "first",
            "",
            "REGION",
            "id:late",
            "",
            "STYLE",
            "::cue { color: red }",
            "",
            "00:01.000 --> 00:02.000",
            "second",
        ),
        (("", 0, 1000, "first"), ("", 1000, 2000, "second")),
        "after the first cue, REGION and STYLE blocks are ignored",
        warned=(6, 9),
    ),
    _case(
        "region-lookalikes",
        "regions",
        lines(
            "WEBVTT",
            "",
            "REGIONS",
            "id:plural",
            "",
            "REGION",
            "id:a-->b",
            "",
            "REGION",
            "id:x",
            "00:00.000 --> 00:01.000",
            "region block cut by a timing line",
        ),
        (("", 0, 1000, "region block cut by a timing line"),),
        "'REGIONS' is no region; a '-->' on line 2 is a timing line; on line 3 it cuts the block",
        warned=(3, 7, 11),
    ),
    _case(
        "style-blocks",
        "style-blocks",
        lines(
            "WEBVTT",
            "",
            "STYLE",
            "::cue(.loud) { font-weight: bold }",
            "/* a comment with -- > that is not an arrow */",
            "",
            "STYLE\t",
            "::cue { color: lime }",
            "",
            "STYLES",
            "::cue { color: red }",
            "",
            "STYLE",
            "",
            "STYLE",
            "::cue(b) { color: blue }",
            "00:00:01.000 --> 00:00:02.000",
            "spoken",
            "",
            "STYLE",
            "::cue { color: gray }",
        ),
        (("", 1000, 2000, "spoken"),),
        "STYLE (plus whitespace) with a second line, before the first cue; a '-->' line cuts it",
        warned=(10, 13, 17, 20),
    ),
    _case(
        "style-with-a-timing-on-line-2",
        "style-blocks",
        lines("WEBVTT", "", "STYLE", "00:00.000 --> 00:01.000", "a cue named STYLE"),
        (("STYLE", 0, 1000, "a cue named STYLE"),),
        "a timing line on line 2 makes the block a cue",
    ),
]

# ---------------------------------------------------------------------------------------------
# Timestamps: one file, one block per timing line (valid ones become cues)

_TIMINGS: list[tuple[str, tuple[int, int] | None]] = [
    ("01:02.003 --> 01:03.000", (62_003, 63_000)),  # hours omitted
    ("1:02:03.004 --> 1:02:04.000", (3_723_004, 3_724_000)),  # one-digit hours
    ("123:00:00.000 --> 123:00:01.000", (442_800_000, 442_801_000)),  # three-digit hours
    ("0000:00:11.000 --> 00:00:12.000", (11_000, 12_000)),  # four zero digits are hours
    ("60:00:00.000 --> 60:00:01.000", (216_000_000, 216_001_000)),  # 60 as hours
    ("00:59:59.999 --> 01:00:00.000", (3_599_999, 3_600_000)),
    ("00:00:05.000 --> 00:00:04.000", (5000, 4000)),  # end before start: still a cue
    ("00:00:06.000 --> 00:00:06.000", (6000, 6000)),  # zero length: still a cue
    (" \t00:00:07.000\t-->\x0c00:00:08.000\x0c", (7000, 8000)),  # space, tab, form feed
    ("00:00:09.000 --> 00:00:10.000x", (9000, 10_000)),  # "x" is the cue settings
    ("75:30.000 --> 76:00.000", None),  # 75 > 59 makes it hours: seconds field missing
    ("00:60:00.000 --> 01:00:00.000", None),  # minutes 60
    ("00:00:60.000 --> 00:01:00.000", None),  # seconds 60
    ("00:01.00 --> 00:02.000", None),  # two-digit milliseconds
    ("00:01.0000 --> 00:02.000", None),  # four-digit milliseconds
    ("00:01 --> 00:02", None),  # no milliseconds
    ("00:00:01,000 --> 00:00:02,000", None),  # SubRip comma
    ("00:00:01:000 --> 00:00:02.000", None),  # colon before milliseconds
    ("00:00:1.000 --> 00:00:02.000", None),  # one-digit seconds
    ("0:1:02.500 --> 0:1:03.000", None),  # one-digit minutes
    ("00:000:01.000 --> 00:00:02.000", None),  # three-digit minutes
    ("000:01.000 --> 00:02.000", None),  # three-digit first field is hours: seconds missing
    ("00::01.000 --> 00:02.000", None),  # empty field
    ("-00:01.000 --> 00:02.000", None),  # negative
    ("\u221200:01.000 --> 00:02.000", None),  # U+2212 minus sign
    ("+00:01.000 --> 00:02.000", None),  # plus sign
    ("00:01.000 --> -00:02.000", None),  # negative end
    ("x00:01.000 --> 00:02.000", None),  # garbage before
    ("00:01.000x --> 00:02.000", None),  # garbage between the start and the arrow
    ("00:01.000 -x-> 00:02.000", None),  # no arrow at all: the block yields nothing
    ("\x0b00:01.000 --> 00:02.000", None),  # vertical tab is not whitespace here
    ("00:01.000\u00a0--> 00:02.000", None),  # NBSP
    ("00:01.000\u3000-->\u300000:02.000", None),  # ideographic space
    ("００:０１.０００ --> ００:０２.０００", None),  # full-width digits
    ("٠٠:٠١.٠٠٠ --> ٠٠:٠٢.٠٠٠", None),  # Arabic-Indic digits
    ("00:01.000 --> ", None),  # no end time
    ("00:01.000 -->00:02", None),  # short end time
]


def _timings_case() -> VttCase:
    text = ["WEBVTT", ""]
    cues: list[RawCueTuple] = []
    settings: list[str] = []
    warned: list[int] = []
    for number, (timing, times) in enumerate(_TIMINGS):
        line = len(text) + 1
        text += [timing, f"t{number}", ""]
        if times is None:
            warned.append(line)
        else:
            cues.append(("", times[0], times[1], f"t{number}"))
            settings.append("x" if timing.endswith("x") else "")
    return _case(
        "timestamps",
        "timestamps",
        lines(*text),
        tuple(cues),
        "[h+:]mm:ss.ttt with ASCII digits, minutes and seconds <= 59; whitespace: space/tab/FF",
        tuple(warned),
        tuple(settings),
    )


TIMESTAMPS = [
    _timings_case(),
    _case(
        "timing-line-at-end-of-file",
        "timestamps",
        b"WEBVTT\n\n00:00:00.000 -->",
        (),
        "the end time is missing",
        warned=(3,),
    ),
]

# ---------------------------------------------------------------------------------------------
# Cue settings: never make a cue invalid; kept as written (outer whitespace trimmed)

_SETTINGS = [
    "align:middle",
    "align:",
    "align",
    "line:-1",
    "line:1.5",
    "line:101%",
    "line:abc",
    "position:-1%",
    "position:50%,line-left",
    "size:150%",
    "size:%",
    "vertical:RL",
    "vertical:lr",
    "region:",
    "region: x",
    "line:0 line:1 line:2",
    "a:b:c",
    ":",
    "note:-->",
    "\t align:start \t size:50% ",
    "align:end " * 400,
]


def _settings_case() -> VttCase:
    text = ["WEBVTT", ""]
    cues: list[RawCueTuple] = []
    for number, setting in enumerate(_SETTINGS):
        start_ms = number * 1000
        text += [f"00:{number:02d}.000 --> 00:{number:02d}.500 {setting}", f"s{number}", ""]
        cues.append(("", start_ms, start_ms + 500, f"s{number}"))
    text += ["00:59.000 --> 00:59.500align:start", "glued settings"]
    cues.append(("", 59_000, 59_500, "glued settings"))
    expected = (*(s.strip(" \t\f") for s in _SETTINGS), "align:start")
    return _case(
        "cue-settings",
        "cue-settings",
        lines(*text),
        tuple(cues),
        "whatever follows the end time is the settings list; bad settings are ignored",
        settings=expected,
    )


SETTINGS = [_settings_case()]

# ---------------------------------------------------------------------------------------------
# Whitespace in timing lines and cue text

WHITESPACE = [
    _case(
        "whitespace",
        "whitespace",
        lines(
            "WEBVTT",
            "",
            "indented",
            "   00:00:00.000   -->   00:00:01.000   ",
            "   three leading spaces kept",
            "\ttab kept",
            "",
            "form feed",
            "\x0c00:00:01.000\x0c-->\x0c00:00:02.000",
            "ff",
            "",
            "vertical tab",
            "\x0b00:00:02.000 --> 00:00:03.000",
            "vt is not whitespace",
        ),
        (
            ("indented", 0, 1000, "   three leading spaces kept\n\ttab kept"),
            ("form feed", 1000, 2000, "ff"),
        ),
        "timing lines skip spaces, tabs and form feeds; cue text keeps its whitespace",
        warned=(13,),
        settings=("", ""),
    ),
]

CASES: tuple[VttCase, ...] = (
    *SIGNATURE,
    *HEADER,
    *IDENTIFIERS,
    *ARROWS,
    *COMMENTS,
    *LINE_TERMINATORS,
    *NULS,
    *BLOCKS,
    *TIMESTAMPS,
    *SETTINGS,
    *WHITESPACE,
)

FAMILIES = frozenset(case.family for case in CASES)
