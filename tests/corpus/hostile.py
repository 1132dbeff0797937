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
