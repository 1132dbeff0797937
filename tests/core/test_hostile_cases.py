"""Hostile and real-world transcripts: the suite's own cases and a seeded generator.

Real-world habits (Windows encodings, SubRip quirks, overlapping and unordered cues, absurd
times, markup injection, bidi and CJK text, trailing junk, truncated downloads) are written out
below; large and random files come from ``tests/corpus/hostile.py``. Every file gives cues plus
line-numbered warnings, or one clean one-line ``TranscriptError``, within a time bound that is
generous for a loaded two-core machine (the benchmarks hold the real targets); cue text is
inert data.
"""

from __future__ import annotations

import codecs
import re
import time
from pathlib import Path

import pytest

from player.core.formats.encoding import decode_transcript_bytes
from player.core.formats.load import load_transcript, parse_transcript_bytes
from player.core.formats.webvtt import parse_vtt
from player.core.model import MAX_TIME_MS, Transcript, TranscriptError, TranscriptFormat
from tests.corpus import hostile

SAFE_CLASS = re.compile(r"[\w-]+\Z")


def _parse(data: bytes, name: str = "t.vtt") -> Transcript:
    hint: TranscriptFormat = (
        "srt" if name.endswith(".srt") else "sbv" if name.endswith(".sbv") else "vtt"
    )
    return parse_transcript_bytes(data, source=name, format_hint=hint)


def _lines_with(t: Transcript, fragment: str) -> set[int | None]:
    return {w.line for w in t.warnings if fragment in w.message}


def check_invariants(data: bytes, t: Transcript) -> None:
    """What must hold for any transcript the loader returns, however hostile the input."""
    text = decode_transcript_bytes(data).text
    line_count = text.count("\n") + 1
    starts = [c.start_ms for c in t.cues]
    assert starts == sorted(starts)
    for cue in t.cues:
        assert 0 <= cue.start_ms <= MAX_TIME_MS and 0 <= cue.end_ms <= MAX_TIME_MS
        assert "\r" not in cue.text and "\x00" not in cue.text
        if cue.spans:
            assert "".join(s.text for s in cue.spans) == cue.text
        for span in cue.spans:
            assert all(SAFE_CLASS.match(c) for c in span.classes)
        offsets = [w.char_offset for w in cue.word_timings]
        assert offsets == sorted(offsets) and all(0 <= o <= len(cue.text) for o in offsets)
        times = [w.start_ms for w in cue.word_timings]
        assert times == sorted(times) and all(cue.start_ms <= s <= cue.end_ms for s in times)
        assert all(s and s == s.strip(" \t\n\f") for s in cue.speakers)
        assert cue.line is not None and 1 <= cue.line <= line_count
    for warning in t.warnings:
        assert warning.message and "\n" not in warning.message
        assert warning.line is None or 1 <= warning.line <= line_count
    if t.format == "vtt":
        assert len(parse_vtt(text).cues) == len(t.cues)


def check_clean_error(err: TranscriptError) -> None:
    assert str(err) and "\n" not in str(err)


# ---------------------------------------------------------------------------------------------
# Encodings from Windows tools

CP1252_VTT = (
    "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n"
    "<v Director>We’re “on budget” — costs are €5 million.\n\n"
    "2\n00:00:04.000 --> 00:00:06.000\nThe café in Bogotá reopens.\n"
)


def test_cp1252_is_decoded_and_reported() -> None:
    t = _parse(CP1252_VTT.encode("cp1252"))
    assert t.encoding == "cp1252"
    assert [c.text for c in t.cues] == [
        "We’re “on budget” — costs are €5 million.",
        "The café in Bogotá reopens.",
    ]
    assert t.cues[0].speakers == ("Director",)
    assert _lines_with(t, "windows-1252") == {5}  # the line of the first non-UTF-8 byte
    srt = "1\r\n00:00:01,000 --> 00:00:02,000\r\nSeñor Pérez’s “plan”\r\n".encode("cp1252")
    s = _parse(srt, "t.srt")
    assert (s.format, s.encoding, s.cues[0].text) == ("srt", "cp1252", "Señor Pérez’s “plan”")


def test_stray_bytes_in_a_utf8_file_become_replacement_characters() -> None:
    data = "WEBVTT\n\n00:00.000 --> 00:01.000\ncafé ok\n\n00:01.000 --> 00:02.000\n".encode()
    t = _parse(data + b"bad \x92 byte\n")
    assert t.encoding == "utf-8"
    assert [c.text for c in t.cues] == ["café ok", "bad \ufffd byte"]
    assert _lines_with(t, "invalid UTF-8") == {7}


def test_utf16_with_a_bom_is_transcoded() -> None:
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nÁgua e saneamento\n"
    t = _parse(codecs.BOM_UTF16_LE + vtt.encode("utf-16-le"))
    assert t.encoding == "utf-16-le" and [c.text for c in t.cues] == ["Água e saneamento"]
    assert _lines_with(t, "UTF-16") == {None}  # WebVTT must be UTF-8: said once
    srt = "1\r\n00:00:01,000 --> 00:00:02,000\r\nÁgua\r\n\r\n"
    s = _parse(codecs.BOM_UTF16_BE + srt.encode("utf-16-be"), "t.srt")
    assert (s.format, s.encoding, s.cues[0].text) == ("srt", "utf-16-be", "Água")
    assert not _lines_with(s, "UTF-16")  # normal for SubRip from Windows tools
    assert not any("\x00" in c.text for c in (*t.cues, *s.cues))


# ---------------------------------------------------------------------------------------------
# SubRip and SBV habits


def test_srt_with_bom_crlf_and_comma_or_period_decimals() -> None:
    srt = b"\xef\xbb\xbf1\r\n00:00:01,250 --> 00:00:02,000\r\nComma\r\n\r\n"
    srt += b"2\r\n00:00:03.500 --> 00:00:04.000\r\nPeriod\r\n"
    t = _parse(srt, "t.srt")
    assert t.format == "srt" and t.warnings == ()
    assert [(c.id, c.start_ms, c.end_ms, c.text) for c in t.cues] == [
        ("1", 1250, 2000, "Comma"),
        ("2", 3500, 4000, "Period"),
    ]


def test_srt_missing_blank_lines_and_numbers_are_repaired_and_reported() -> None:
    srt = (
        "1\n00:00:01,000 --> 00:00:02,000\nfirst\n"
        "2\n00:00:03,000 --> 00:00:04,000\nsecond\n\n"
        "00:00:05,000 --> 00:00:06,000\nno number\n"
    )
    t = _parse(srt.encode(), "t.srt")
    assert [(c.id, c.text) for c in t.cues] == [
        ("1", "first"),
        ("2", "second"),
        (None, "no number"),
    ]
    assert _lines_with(t, "no blank line") == {4}
    assert _lines_with(t, "no number") == {8}  # on the timing line


def test_srt_named_vtt(tmp_path: Path) -> None:
    path = tmp_path / "renamed.vtt"
    path.write_bytes(b"1\r\n00:00:01,000 --> 00:00:03,000\r\nHello\r\n\r\n2\r\n00:00:04,000 -->")
    path.write_bytes(path.read_bytes() + b" 00:00:05,000\r\nBye\r\n")
    t = load_transcript(path)
    assert t.format == "srt"
    assert [(c.id, c.start_ms, c.end_ms) for c in t.cues] == [("1", 1000, 3000), ("2", 4000, 5000)]
    assert any("SubRip" in w.message and w.line is None for w in t.warnings)


def test_sbv() -> None:
    t = _parse(b"0:00:01.000,0:00:02.500\nYouTube style\n\n0:00:03.000,0:00:04.000\nx\n", "t.sbv")
    assert t.format == "sbv"
    assert [(c.start_ms, c.end_ms, c.text) for c in t.cues] == [
        (1000, 2500, "YouTube style"),
        (3000, 4000, "x"),
    ]


# ---------------------------------------------------------------------------------------------
# Times: overlap, order, zero length, backwards, absurd hours


def test_overlapping_and_duplicate_cues_are_all_kept_in_stable_order() -> None:
    t = _parse(
        b"WEBVTT\n\nintro\n00:00.000 --> 00:04.000\nWelcome\n\n"
        b"intro-copy\n00:00.000 --> 00:04.000\nWelcome\n\n"
        b"aside\n00:01.000 --> 00:02.000\n(laughter)\n\n"
        b"outro\n00:03.000 --> 00:05.000\nBye\n"
    )
    assert [c.id for c in t.cues] == ["intro", "intro-copy", "aside", "outro"]
    assert t.warnings == ()


def test_cues_out_of_order_are_sorted_and_reported() -> None:
    t = _parse(
        b"WEBVTT\n\nc3\n00:06.000 --> 00:07.000\nthird\n\n"
        b"c1\n00:00.000 --> 00:01.000\nfirst\n\n"
        b"c2\n00:03.000 --> 00:04.000\nsecond\n"
    )
    assert [c.id for c in t.cues] == ["c1", "c2", "c3"]
    assert _lines_with(t, "not in time order") == {8}


def test_zero_length_and_backwards_cues_are_kept_and_reported() -> None:
    t = _parse(
        b"WEBVTT\n\n00:01.000 --> 00:01.000\nzero\n\n00:00:02.000 --> 00:00:02.000\nzero too\n\n"
        b"00:05.000 --> 00:04.000\nbackwards\n\n01:00:00.000 --> 00:59:59.999\nbackwards too\n"
    )
    assert [c.text for c in t.cues] == ["zero", "zero too", "backwards", "backwards too"]
    assert _lines_with(t, "zero length") == {3, 6}
    assert _lines_with(t, "ends before it starts") == {9, 12}


def test_hours_past_a_day_are_kept_and_absurd_ones_clamped() -> None:
    thirty_digits = "123456789012345678901234567890"
    t = _parse(
        (
            "WEBVTT\n\n25:00:00.000 --> 25:00:01.000\nday two\n\n"
            "100:00:00.000 --> 100:00:01.000\nday five\n\n"
            "1000001:00:00.000 --> 1000001:00:01.000\npast a million hours\n\n"
            f"{thirty_digits}:00:00.000 --> {thirty_digits}:00:01.000\nthirty digits\n"
        ).encode()
    )
    day = 24 * 3_600_000
    assert [(c.start_ms, c.end_ms) for c in t.cues] == [
        (day + 3_600_000, day + 3_601_000),
        (100 * 3_600_000, 100 * 3_600_000 + 1000),
        (MAX_TIME_MS, MAX_TIME_MS),
        (MAX_TIME_MS, MAX_TIME_MS),
    ]
    assert _lines_with(t, "past 24 hours") == {3, 6}
    assert _lines_with(t, "clamped") == {9, 12}


# ---------------------------------------------------------------------------------------------
# Text that must stay data


def test_markup_injection_is_plain_text() -> None:
    t = _parse(
        b"WEBVTT\n\n<script>steal()</script>\n00:01.000 --> 00:02.000\n"
        b"<script>document.location='https://evil.example/'</script>\n\n"
        b"00:02.000 --> 00:03.000\n<img src=x onerror=alert(2)>picture\n\n"
        b'00:03.000 --> 00:04.000\n<a href="javascript:void(0)">link</a>'
        b"<iframe srcdoc='<b>x</b>'></iframe>\n\n"
        b'00:04.000 --> 00:05.000\n<b onmouseover="steal()">bold</b>\n\n'
        b"00:05.000 --> 00:06.000\n&lt;script&gt;steal()&lt;/script&gt;\n\n"
        b"00:06.000 --> 00:07.000\nbefore the comment\n<!-- hidden -->\nafter\n\n"
        b'00:07.000 --> 00:08.000\n<c.x" onmouseover="y>class</c> '
        b'<v Mallory" onclick="z>voice</v>\n\n'
        b"NOTE <script>in a comment</script>\n\n"
        b"00:08.000 --> 00:09.000\n{{7*7}} ${7*7} %s%n\n"
    )
    assert [c.text for c in t.cues] == [
        "document.location='https://evil.example/'",
        "picture",
        "linkx'>",  # "<iframe srcdoc='<b>" is one tag: it ends at the first ">"
        "bold",
        "<script>steal()</script>",
        "before the comment",  # the "-->" line ends the cue and is dropped (spec)
        "class voice",
        "{{7*7}} ${7*7} %s%n",
    ]
    assert t.cues[0].id == "<script>steal()</script>"  # an identifier is data too
    assert t.cues[3].spans[0].bold
    assert t.cues[6].spans[0].classes == ()  # 'x"' is no plain class name
    assert t.cues[6].speakers == ('Mallory" onclick="z',)
    assert _lines_with(t, "invalid cue timings") == {21}


def test_bidi_controls_language_and_rtl_text_are_kept_as_data() -> None:
    t = _parse(
        "WEBVTT\nLanguage: he\n\n00:00.000 --> 00:01.000 align:end\n"
        "שלום \u202eevil\u202c עולם\n\n00:01.000 --> 00:02.000\n<v مريم>مرحبا 2024\u200f\n".encode()
    )
    assert t.language == "he"
    assert t.cues[0].text == "שלום \u202eevil\u202c עולם"  # the view isolates it
    assert t.cues[1].speakers == ("مريم",) and t.cues[1].text == "مرحبا 2024\u200f"


def test_cjk_text_and_non_ascii_spaces_or_digits_in_timings() -> None:
    t = _parse(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000 vertical:rl\n記者会見を始めます\n\n"
        "00:00:02.000\u3000-->\u300000:00:03.000\n全角スペース\n\n"
        "００:００:０３.０００ --> ００:００:０４.０００\n全角数字\n\n"
        "00:00:04.000 --> 00:00:05.000\n기자회견　끝\n".encode()
    )
    assert [c.text for c in t.cues] == ["記者会見を始めます", "기자회견　끝"]
    assert t.cues[0].settings == "vertical:rl"
    assert _lines_with(t, "invalid cue timings") == {6, 9}


def test_emoji_combining_marks_and_unicode_separators_are_kept() -> None:
    zalgo = "Z" + "\u0301\u0316" * 60
    t = _parse(
        (
            "WEBVTT\n\n00:00.000 --> 00:01.000\n👨‍👩‍👧 family 🇫🇷 flag 👍🏽\n\n"
            f"00:01.000 --> 00:02.000\n{zalgo}\n\n"
            "00:02.000 --> 00:03.000\none\u2028two\u2029three \ufeffword\u200bjoin\n"
        ).encode()
    )
    assert t.cues[0].text == "👨‍👩‍👧 family 🇫🇷 flag 👍🏽"
    assert t.cues[1].text == zalgo
    assert t.cues[2].text == "one\u2028two\u2029three \ufeffword\u200bjoin"  # not line breaks
    assert len(t.cues) == 3 and t.warnings == ()


# ---------------------------------------------------------------------------------------------
# Broken files


def test_trailing_garbage_keeps_the_good_cues_and_is_reported() -> None:
    good = "WEBVTT\n\n00:01.000 --> 00:02.000\nvalid one — café\n\n"
    good += "00:02.000 --> 00:03.000\nvalid two\n\n"
    junk = b"\xff\xfe\x00\x00junk\x80\x81 -->\n<<>> --> -->\n00:00:09.0\n" + bytes(range(256))
    t = _parse(good.encode() + junk + b"\xde\xad\xbe\xef")
    assert [c.text for c in t.cues] == ["valid one — café", "valid two"]
    assert _lines_with(t, "invalid UTF-8") == {9}
    assert _lines_with(t, "invalid cue timings") == {9, 10}
    check_invariants(good.encode() + junk, t)


def test_truncated_download_keeps_its_cues_and_says_so() -> None:
    t = _parse(b"WEBVTT\n\n00:00.000 --> 00:01.000\nfirst\n\n00:01.000 --> 00:02.000\nthe caf\xc3")
    assert [c.text for c in t.cues] == ["first", "the caf\ufffd"]
    assert _lines_with(t, "truncated") == {7}


def test_header_only_file_has_no_cues_and_no_error() -> None:
    t = _parse(b"WEBVTT - no cues yet\nLanguage: pt-BR\nKind: captions\n")
    assert t.cues == () and t.warnings == () and t.language == "pt-BR"


def test_missing_blank_lines_follow_the_spec_and_are_reported() -> None:
    t = _parse(
        b"WEBVTT\n00:01.000 --> 00:02.000\nfirst\n00:02.000 --> 00:03.000\nsecond\nid-3\n"
        b"00:03.000 --> 00:04.000\nthird\nNOTE not a note here\n00:04.000 --> 00:05.000\nfourth\n"
    )
    assert [c.text for c in t.cues] == [
        "first",
        "second\nid-3",
        "third\nNOTE not a note here",
        "fourth",
    ]
    assert sum("no blank line" in w.message for w in t.warnings) == 4


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"\r\n\n\r  \n", "only blank lines"),
        (hostile.binary_junk(seed=7), "binary data"),
        (b"Dear colleagues,\nthe minutes are attached.\n", "not a WebVTT file"),
        (b"WEBVTT\x0c\n\n00:00.000 --> 00:01.000\nx\n", "WEBVTT"),
    ],
    ids=["empty", "blank", "binary", "prose", "bad-signature"],
)
def test_unusable_files_give_one_clean_error(data: bytes, reason: str) -> None:
    with pytest.raises(TranscriptError, match=re.escape(reason)) as info:
        _parse(data)
    check_clean_error(info.value)


# ---------------------------------------------------------------------------------------------
# Generated: big files must stay linear (limits generous for a loaded two-core machine; a
# quadratic step on these sizes would take minutes)


def _timed_parse(data: bytes, limit_s: float) -> Transcript:
    began = time.perf_counter()
    t = _parse(data)
    elapsed = time.perf_counter() - began
    assert elapsed < limit_s, f"{elapsed:.1f} s"
    return t


def test_huge_single_cue_is_linear() -> None:
    t = _timed_parse(hostile.huge_single_cue(), 10.0)
    assert [c.id for c in t.cues] == ["huge", None]
    assert t.cues[0].text.startswith("briefing briefing") and len(t.cues[0].text) > 500_000
    assert "<" not in t.cues[0].text  # the unclosed "<" run is one tag to the end of the cue
    assert t.cues[1].text == "cue after the huge one"


def test_200k_tiny_cues() -> None:
    data = hostile.many_tiny_cues(200_000)
    t = _timed_parse(data, 30.0)
    assert len(t.cues) == 200_000 and t.warnings == ()
    assert sum(1 for c in t.cues if c.id) == 200
    assert (t.cues[-1].start_ms, t.cues[-1].end_ms, t.cues[-1].text) == (
        1_999_990,
        2_000_000,
        "w199999",
    )
    starts = [c.start_ms for c in t.cues]
    assert starts == sorted(starts)


def test_deep_tag_nesting_is_linear() -> None:
    t = _timed_parse(hostile.deep_nesting(50_000), 10.0)
    deep, unclosed = t.cues
    assert deep.text == "deep after" and deep.speakers == ("Speaker",)
    first = deep.spans[0]
    assert first.text == "deep" and first.italic and first.bold and first.underline
    assert first.classes == ("k",) and first.voice == "Speaker"
    assert deep.spans[1].text == " after" and not deep.spans[1].bold
    assert unclosed.text == "never closed" and unclosed.spans[0].bold


def test_million_character_lines() -> None:
    t = _timed_parse(hostile.long_lines(1_000_000), 10.0)
    (cue,) = t.cues
    assert cue.id == "i" * 1_000_000 and cue.text == "x" * 1_000_000
    assert cue.settings.startswith("align:start align:start")


@pytest.mark.parametrize("seed", range(20))
def test_binary_junk_is_refused_or_survived(seed: int) -> None:
    with pytest.raises(TranscriptError) as info:
        _parse(hostile.binary_junk(seed))
    check_clean_error(info.value)
    signed = hostile.binary_junk(seed, signed=True)
    check_invariants(signed, _timed_parse(signed, 10.0))


@pytest.mark.parametrize("seed", range(300))
def test_mutated_briefings_never_escape(seed: int) -> None:
    data = hostile.mutated(seed)
    began = time.perf_counter()
    try:
        t = _parse(data)
    except TranscriptError as err:
        check_clean_error(err)
    else:
        check_invariants(data, t)
    assert time.perf_counter() - began < 10.0


@pytest.mark.parametrize("seed", range(100))
@pytest.mark.parametrize("fmt", ["srt", "sbv"])
def test_mutated_subrip_and_sbv_never_escape(fmt: str, seed: int) -> None:
    data = hostile.mutated(
        seed, base=hostile.BRIEFING_SRT if fmt == "srt" else hostile.BRIEFING_SBV
    )
    try:
        t = _parse(data, f"t.{fmt}")
    except TranscriptError as err:
        check_clean_error(err)
    else:
        check_invariants(data, t)


def test_the_generator_is_deterministic_and_the_base_file_is_clean() -> None:
    assert hostile.mutated(5) == hostile.mutated(5) != hostile.mutated(6)
    assert hostile.binary_junk(3) == hostile.binary_junk(3)
    base = _parse(hostile.BRIEFING)
    assert len(base.cues) == 6 and base.warnings == () and base.styles
    assert base.speakers == ("Ana Ruiz", "Tomás Ferreira")
    assert base.cues[2].word_timings[2].start_ms == 8000
    check_invariants(hostile.BRIEFING, base)
    srt, sbv = _parse(hostile.BRIEFING_SRT, "t.srt"), _parse(hostile.BRIEFING_SBV, "t.sbv")
    assert (len(srt.cues), srt.warnings, len(sbv.cues), sbv.warnings) == (3, (), 2, ())
    changed = sum(hostile.mutated(seed) != hostile.BRIEFING for seed in range(50))
    assert changed >= 45
