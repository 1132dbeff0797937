"""A deterministic generator of hostile transcript files.

Every function returns bytes and takes its sizes (and, where random, a seed) as arguments, so a
failure names a file that can be rebuilt exactly: ``mutated(seed)``, ``binary_junk(seed)``...

Families:

* ``huge_single_cue``: one cue of about 1 MiB (a 512 KiB line, a run of unclosed ``<``,
  thousands of short lines), then a normal cue: the parser and the tag stripper must be linear.
* ``many_tiny_cues``: 200,000 cues of 10 ms, an identifier on every 1,000th.
* ``deep_nesting``: tens of thousands of nested tags around one word.
* ``long_lines``: a single cue line of a million characters, a million-character identifier
  and settings list.
* ``binary_junk``: random bytes, bare or behind a valid signature.
* issue 12's families, each a single function of its size: ``class_tags`` (``<c.kN>``),
  ``nested_styles`` (``<b><i><u>``), ``voices`` (``<v sN>``), ``unknown_tags`` (``a<x>``),
  ``ruby_rt`` (``<ruby><rt>``), ``alternating_styles`` (``<i>x</i>y``), ``empty_cues``,
  ``huge_hours`` (hour fields and inline timestamps of thousands of digits) and ``ass_subrip``
  (SubRip with ASS override codes).
  ``FAMILIES`` names the cue-text and cue-count families with the sizes of the issue.
* ``mutated``: a normal briefing transcript (``BRIEFING``, or its SubRip or SBV form) with a
  handful of random edits:
  bytes flipped, hostile tokens inserted (arrows, CR, NUL, BOM, broken UTF-8, tags, huge
  hours...), ranges deleted or repeated, lines swapped, the end cut off.
"""

from __future__ import annotations

import random

BRIEFING = (
    "WEBVTT - Ministry of Water weekly briefing\n"
    "Kind: captions\n"
    "Language: en\n"
    "\n"
    "NOTE Generated for the test suite; every family of cue text appears once.\n"
    "\n"
    "STYLE\n"
    "::cue(.loud) { font-weight: bold }\n"
    "\n"
    "opening\n"
    "00:00:00.500 --> 00:00:03.000 align:start line:-2\n"
    "<v Ana Ruiz>Good morning, and welcome.</v>\n"
    "\n"
    "00:00:03.000 --> 00:00:06.250\n"
    "<v.loud Tomás Ferreira>Reservoirs are at <b>61 %</b> &amp; rising.\n"
    "Second line of the same cue.\n"
    "\n"
    "00:00:06.250 --> 00:00:09.000 position:20%\n"
    "<00:00:06.250>Word <00:00:07.000>by <00:00:08.000>word\n"
    "\n"
    "q-and-a\n"
    "00:00:09.000 --> 00:00:12.000\n"
    "<v Ana Ruiz>Questions? <i>Yes,</i> <c.note>in the back</c>.\n"
    "\n"
    "00:00:12.000 --> 00:00:15.500 size:80%\n"
    "<ruby>漢<rt>kan</rt>字<rt>ji</rt></ruby> &lt;not a tag&gt; café — €5\n"
    "\n"
    "00:00:15.500 --> 00:00:18.000\n"
    "<v Tomás Ferreira>Thank you.\n"
).encode()

# The same briefing as Windows tools write SubRip (CRLF, comma decimals) and as YouTube SBV.
BRIEFING_SRT = (
    "1\r\n00:00:00,500 --> 00:00:03,000\r\n<i>Good morning</i>, and welcome.\r\n\r\n"
    "2\r\n00:00:03,000 --> 00:00:06,250\r\nReservoirs are at <b>61 %</b> &amp; rising.\r\n"
    "Second line of the same cue.\r\n\r\n"
    "3\r\n00:00:06.250 --> 00:00:09,000\r\nQuestions? café — €5\r\n"
).encode()
BRIEFING_SBV = (
    b"0:00:00.500,0:00:03.000\nGood morning, and welcome.\n\n"
    b"0:00:03.000,0:00:06.250\n>> Reservoirs are at 61 %\nSecond line\n"
)

# Inserted by ``mutated``: the tokens the parser treats specially, and bytes that break decoding.
TOKENS: tuple[bytes, ...] = (
    b"-->",
    b" --> ",
    b"\r",
    b"\r\n",
    b"\n\n",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xc3",
    b"\x80\x81",
    b"\xe2\x80\xae",
    b"<",
    b">",
    b"</v>",
    b"<v ",
    b"<c.",
    b"<ruby><rt>",
    b"&",
    b"&#x",
    b"&amp",
    b"WEBVTT",
    b"NOTE ",
    b"STYLE\n",
    b"REGION\n",
    b"99999999999999999999:",
    b"<00:00:01.000>",
    b"00:00:00.000 --> 00:00:01.000\n",
    b"\t",
    b"\x0c",
    b"\x0b",
)


def huge_single_cue(
    line_chars: int = 512 * 1024, unclosed: int = 100_000, extra_lines: int = 4000
) -> bytes:
    """A cue ``huge`` of one very long line, a run of ``<`` without ``>``, many short lines."""
    body = "\n".join(
        [
            " ".join(["briefing"] * (line_chars // 9)),
            "an unclosed tag run " + "<" * unclosed,
            *(f"line {n} of the huge cue" for n in range(extra_lines)),
        ]
    )
    text = (
        f"WEBVTT\n\nhuge\n00:00:00.000 --> 00:10:00.000\n{body}\n\n"
        "00:10:00.000 --> 00:10:01.000\ncue after the huge one\n"
    )
    return text.encode()


def many_tiny_cues(count: int = 200_000, id_every: int = 1000) -> bytes:
    """``count`` cues of 10 ms each, back to back; every ``id_every``-th has an identifier."""
    parts = ["WEBVTT\n\n"]
    for n in range(count):
        start_ms = n * 10
        ident = f"cue-{n}\n" if n % id_every == 0 else ""
        parts.append(f"{ident}{_ts(start_ms)} --> {_ts(start_ms + 10)}\nw{n}\n\n")
    return "".join(parts).encode()


def deep_nesting(depth: int = 50_000) -> bytes:
    """One word inside ``depth`` nested tags (``c``, ``i``, ``b``, ``u``, ``v`` in turn, some
    with classes), each closed; then a second cue with ``depth`` tags never closed."""
    kinds = ["<c.k>", "<i>", "<b>", "<u>", "<v Speaker>"]
    opened = "".join(kinds[n % len(kinds)] for n in range(depth))
    closed = "".join(f"</{kinds[n % len(kinds)][1]}>" for n in reversed(range(depth)))
    text = (
        f"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n{opened}deep{closed} after\n\n"
        f"00:00:01.000 --> 00:00:02.000\n{'<b><i>' * (depth // 2)}never closed\n"
    )
    return text.encode()


def long_lines(chars: int = 1_000_000) -> bytes:
    """A million-character identifier, settings list and cue line (no spaces in the text)."""
    text = (
        f"WEBVTT\n\n{'i' * chars}\n00:00:00.000 --> 00:00:01.000 {'align:start ' * (chars // 12)}\n"
        f"{'x' * chars}\n"
    )
    return text.encode()


def _one_cue(body: str) -> bytes:
    return f"WEBVTT\n\n00:00:00.000 --> 00:10:00.000\n{body}\n".encode()


def class_tags(count: int = 2000) -> bytes:
    """One cue of ``count`` different class tags ``<c.kN>w`` (a rescan per tag was quadratic)."""
    return _one_cue("".join(f"<c.k{n}>w" for n in range(count)))


def nested_styles(count: int = 20_000) -> bytes:
    """One word inside ``count`` nested ``<b><i><u>`` triples, never closed."""
    return _one_cue("<b><i><u>" * count + "deep")


def voices(count: int = 50_000) -> bytes:
    """One cue of ``count`` different voices ``<v sN>w`` (each one a new speaker)."""
    return _one_cue("".join(f"<v s{n}>w " for n in range(count)))


def unknown_tags(count: int = 1_000_000) -> bytes:
    """``a<x>`` repeated ``count`` times in one cue: unknown tags between one-letter texts."""
    return _one_cue("a<x>" * count)


def alternating_styles(count: int = 400_000) -> bytes:
    """``<i>x</i>y`` repeated ``count`` times in one cue: two styled runs every nine bytes."""
    return _one_cue("<i>x</i>y" * count)


def ruby_rt(count: int = 20_000) -> bytes:
    """``count`` ``<ruby><rt>`` pairs, never closed."""
    return _one_cue("<ruby><rt>" * count + "x")


def empty_cues(count: int = 1_000_000) -> bytes:
    """``count`` cues without text, all at the same time."""
    return ("WEBVTT\n\n" + "00:00.000 --> 00:01.000\n\n" * count).encode()


def huge_hours(digits: int = 5000) -> bytes:
    """Hour fields and inline timestamps of ``digits`` digits (past Python's 4,300-digit limit
    for converting text to an integer), beside a normal cue."""
    hours = "9" * digits
    return (
        f"WEBVTT\n\n{hours}:00:00.000 --> {hours}:00:01.000\nhuge hours\n\n"
        f"00:00:01.000 --> 00:00:02.000\nword <{hours}:00:01.500>timestamp\n\n"
        "00:00:02.000 --> 00:00:03.000\nnormal\n"
    ).encode()


def ass_subrip() -> bytes:
    """SubRip as real-world tools write it, with ASS override codes in the cue text."""
    return (
        b"1\n00:00:01,000 --> 00:00:02,000\n{\\an8}Top of the screen\n\n"
        b"2\n00:00:02,000 --> 00:00:03,000\n{\\i1}Italic{\\i0} and {\\b1\\c&H00FFFF&}bold{\\b0}\n\n"
        b"3\n00:00:03,000 --> 00:00:04,000\n{\\pos(10,20)\\fs20}Placed {not a code}\n"
    )


FAMILIES = {
    "class_tags 2,000": lambda: class_tags(2000),
    "nested b-i-u 20k": lambda: nested_styles(20_000),
    "nested b-i-u 100k": lambda: nested_styles(100_000),
    "voices 50k": lambda: voices(50_000),
    "a<x> x 1M": lambda: unknown_tags(1_000_000),
    "ruby-rt 20k": lambda: ruby_rt(20_000),
    "alternating <i>x</i>y 400k": lambda: alternating_styles(400_000),
    "empty cues 1M": lambda: empty_cues(1_000_000),
    "huge hours 5,000 digits": lambda: huge_hours(5000),
}
"""Issue 12's hostile transcript families at the sizes it names (for the benchmark)."""


def binary_junk(seed: int, size: int = 4096, signed: bool = False) -> bytes:
    """``size`` random bytes; behind a valid ``WEBVTT`` signature when ``signed``."""
    rng = random.Random(seed)
    junk = rng.randbytes(size)
    return b"WEBVTT\n\n" + junk if signed else junk


def mutated(seed: int, base: bytes = BRIEFING, edits: int | None = None) -> bytes:
    """``base`` with 1-8 (or ``edits``) random edits, the same ones for the same seed."""
    rng = random.Random(seed)
    data = bytearray(base)
    for _ in range(edits if edits is not None else rng.randint(1, 8)):
        if not data:
            data += rng.choice(TOKENS)
            continue
        at = rng.randrange(len(data))
        op = rng.randrange(7)
        if op == 0:  # flip one byte
            data[at] = rng.randrange(256)
        elif op in (1, 2):  # insert a hostile token
            data[at:at] = rng.choice(TOKENS)
        elif op == 3:  # delete a range
            del data[at : at + rng.randint(1, 40)]
        elif op == 4:  # repeat a range
            chunk = data[at : at + rng.randint(1, 200)]
            data[at:at] = chunk * rng.randint(1, 50)
        elif op == 5:  # swap two lines
            lines = bytes(data).split(b"\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
        else:  # cut the file off
            del data[at:]
    return bytes(data)


def _ts(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"
