"""Fuzz target: the transcript parsers (WebVTT, SubRip, SBV, the cue-text algorithm).

Any bytes in -> a Transcript that keeps the loader's invariants, or one clean TranscriptError;
never another exception, and within the shared per-example deadline (``conftest.FUZZ_SETTINGS``).
Three kinds of input: raw bytes, documents assembled from the tokens the parsers treat specially
(so that examples get past the signature and timing checks), and seeded mutations of a real
briefing (``tests/corpus/hostile.py``).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from player.core.formats.cue_text import parse_cue_text
from player.core.formats.load import parse_transcript_bytes, parse_transcript_text
from player.core.formats.subrip import strip_ass_overrides
from player.core.model import Transcript, TranscriptError, TranscriptFormat
from tests.core.test_hostile_cases import check_clean_error, check_invariants
from tests.corpus import hostile
from tests.fuzz.conftest import FUZZ_SETTINGS

HINTS: list[TranscriptFormat | None] = [None, "vtt", "srt", "sbv"]

# Pieces of cue text: tags known and unknown, entities, timestamps, ASS codes, odd characters.
CUE_TOKENS = [
    "<v Bob>",
    "<v Bob &amp; Alice>",
    "<v.loud Ana>",
    "</v>",
    "<i>",
    "</i>",
    "<b>",
    "</b>",
    "<u>",
    "</u>",
    "<c.k1.k2>",
    "<c.a-b.!x>",
    "</c>",
    "<ruby>",
    "<rt>",
    "</rt>",
    "</ruby>",
    "<lang en>",
    "<script>",
    "<x>",
    "<",
    ">",
    "&",
    "&amp;",
    "&lt;",
    "&#x2014;",
    "&#99999999;",
    "&eacute",
    "<00:00:01.000>",
    "<00:00.500>",
    "<99999999999999999999999:00:00.000>",
    "{\\an8}",
    "{\\i1}",
    "{\\i0}",
    "{\\b1\\c&HFF&}",
    "{",
    "\\",
    "word",
    " ",
    "\t",
    "\n",
    "\x00",
    "\u202e",
    "\ufffd",
    "漢",
]
# Lines of a document: signatures, timing lines good and bad, block keywords.
LINE_TOKENS = [
    "WEBVTT",
    "WEBVTT - title",
    "Kind: captions",
    "NOTE a note",
    "STYLE",
    "REGION",
    "::cue { color: red }",
    "",
    "1",
    "cue-id",
    "00:00:01.000 --> 00:00:02.000",
    "00:01.000 --> 00:00.500 align:start",
    "00:00:01,000 --> 00:00:02,000",
    "0:00:01.000,0:00:02.000",
    "99999999999999999999:00:00.000 --> 1:00:00.000",
    "00:00:01.000 -->",
    "-->",
    "00:60:00.000 --> 00:00:01.000",
]

cue_text = st.lists(st.sampled_from(CUE_TOKENS) | st.text(max_size=8), max_size=60).map("".join)
document = st.lists(st.sampled_from(LINE_TOKENS) | cue_text, max_size=40).map("\n".join)


def _check(data: bytes, hint: TranscriptFormat | None) -> None:
    try:
        t = parse_transcript_bytes(data, source=f"fuzz.{hint or 'txt'}", format_hint=hint)
    except TranscriptError as err:
        check_clean_error(err)
    else:
        assert isinstance(t, Transcript)
        check_invariants(data, t)


@FUZZ_SETTINGS
@given(data=st.binary(max_size=2048), hint=st.sampled_from(HINTS))
def test_any_bytes(data: bytes, hint: TranscriptFormat | None) -> None:
    _check(data, hint)


@FUZZ_SETTINGS
@given(
    text=document,
    hint=st.sampled_from(HINTS),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_assembled_documents(
    text: str, hint: TranscriptFormat | None, encoding: str, newline: str
) -> None:
    data = text.replace("\n", newline).encode(encoding, errors="replace")
    _check(data, hint)


@FUZZ_SETTINGS
@given(body=cue_text, fmt=st.sampled_from(["vtt", "srt", "sbv"]))
def test_cue_text_inside_each_format(body: str, fmt: TranscriptFormat) -> None:
    """A valid frame around fuzzed cue text, so every example reaches the cue-text parser."""
    body = body.replace("\n\n", "\n") or "x"
    frame = {
        "vtt": f"WEBVTT\n\n00:00:00.000 --> 00:00:10.000\n{body}\n",
        "srt": f"1\n00:00:00,000 --> 00:00:10,000\n{body}\n",
        "sbv": f"0:00:00.000,0:00:10.000\n{body}\n",
    }[fmt]
    try:
        t = parse_transcript_text(frame, source=f"fuzz.{fmt}", format_hint=fmt)
    except TranscriptError as err:
        check_clean_error(err)
    else:
        check_invariants(frame.encode("utf-8", errors="surrogatepass"), t)


@FUZZ_SETTINGS
@given(raw=cue_text, start_ms=st.integers(0, 10**6), length_ms=st.integers(-1000, 10**6))
def test_cue_text_parser(raw: str, start_ms: int, length_ms: int) -> None:
    end_ms = start_ms + length_ms
    parsed = parse_cue_text(raw, start_ms, end_ms)
    if parsed.spans:
        assert "".join(span.text for span in parsed.spans) == parsed.text
    offsets = [w.char_offset for w in parsed.word_timings]
    assert offsets == sorted(offsets) and all(0 <= o <= len(parsed.text) for o in offsets)
    assert all(start_ms <= w.start_ms <= end_ms for w in parsed.word_timings)
    assert all(name and name == name.strip(" \t\n\f") for name in parsed.speakers)
    assert len(strip_ass_overrides(raw)) <= 2 * len(raw)


@FUZZ_SETTINGS
@given(seed=st.integers(0, 2**32 - 1), base=st.sampled_from(["vtt", "srt", "sbv"]))
def test_mutated_briefings(seed: int, base: str) -> None:
    source = {"vtt": hostile.BRIEFING, "srt": hostile.BRIEFING_SRT, "sbv": hostile.BRIEFING_SBV}
    hint: TranscriptFormat = "vtt" if base == "vtt" else "srt" if base == "srt" else "sbv"
    _check(hostile.mutated(seed, base=source[base]), hint)
