"""The suite's own WebVTT cases (``tests/corpus/webvtt_cases.py``) and the cue-text algorithm.

Every case is checked twice, as the external W3C corpus is in ``test_wpt.py``: at the raw level
(``parse_vtt``: identifiers, times, raw text and settings in file order, and exactly which lines
are reported) and through the public loader (cues sorted by start, plain text, one-line errors).
The cue-text tests below cover tags, classes, voices, ruby, language spans, character
references and inline timestamps, with the results worked out from the spec's tokenizer and
tree-building rules.
"""

from __future__ import annotations

import pytest

from player.core.formats.cue_text import parse_cue_text
from player.core.formats.encoding import decode_transcript_bytes
from player.core.formats.load import parse_transcript_bytes, parse_transcript_text
from player.core.formats.webvtt import VttSignatureError, parse_vtt
from player.core.model import Span, TranscriptError, WordTiming
from tests.corpus.webvtt_cases import CASES, FAMILIES, VttCase

BY_NAME = {case.name: case for case in CASES}

# The families the external W3C corpus (../shared/corpus/webvtt-wpt) exercises; ``test_wpt.py``
# maps each of its files onto one of these.
SPEC_FAMILIES = {
    "signature",
    "header",
    "identifiers",
    "arrows",
    "comments",
    "line-terminators",
    "nul-characters",
    "regions",
    "style-blocks",
    "timestamps",
    "cue-settings",
    "whitespace",
}


def test_every_family_has_cases_and_names_are_unique() -> None:
    assert FAMILIES == SPEC_FAMILIES
    assert len(BY_NAME) == len(CASES)
    invalid = [case for case in CASES if case.cues is None]
    assert len(invalid) >= 15 and len(CASES) - len(invalid) >= 35


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.family}/{c.name}")
def test_raw_cues_settings_and_reported_lines(case: VttCase) -> None:
    text = decode_transcript_bytes(case.data).text
    if case.cues is None:
        with pytest.raises(VttSignatureError):
            parse_vtt(text)
        return
    parsed = parse_vtt(text)
    assert [(c.identifier, c.start_ms, c.end_ms, c.text) for c in parsed.cues] == list(case.cues)
    assert {line for line, _ in parsed.warnings} == case.warned
    if case.settings is not None:
        assert tuple(c.settings for c in parsed.cues) == case.settings


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.family}/{c.name}")
def test_through_the_loader(case: VttCase) -> None:
    source = f"{case.name}.vtt"
    if case.cues is None:
        with pytest.raises(TranscriptError) as info:
            parse_transcript_bytes(case.data, source=source, format_hint="vtt")
        assert str(info.value) and "\n" not in str(info.value)
        return
    transcript = parse_transcript_bytes(case.data, source=source, format_hint="vtt")
    assert transcript.format == "vtt"
    ordered = sorted(case.cues, key=lambda cue: cue[1])  # stable, like the loader
    want = [(i or None, s, e, parse_cue_text(raw, s, e).text) for i, s, e, raw in ordered]
    assert [(c.id, c.start_ms, c.end_ms, c.text) for c in transcript.cues] == want
    reported = {w.line for w in transcript.warnings}
    assert case.warned <= reported  # the loader adds its own (order, zero length...)


def test_header_metadata_and_text() -> None:
    t = parse_transcript_bytes(BY_NAME["metadata-lines"].data)
    assert t.language == "es-MX"
    assert t.header == "WEBVTT\nKind: captions\nLanguage: es-MX"
    assert t.extra["Kind"] == "captions"
    swallowed = parse_transcript_bytes(BY_NAME["identifier-swallowed-by-the-header"].data)
    assert swallowed.header == "WEBVTT\nintro" and swallowed.cues[0].id is None
    assert parse_transcript_bytes(b"WEBVTT - Title\n").header == "WEBVTT - Title"


def test_notes_style_sheets_and_regions_are_kept_apart_from_cues() -> None:
    t = parse_transcript_bytes(BY_NAME["notes-are-skipped"].data)
    assert t.notes == ("Recorded in the press room", "two lines\nof comment", "tab separated")
    styles = parse_transcript_bytes(BY_NAME["style-blocks"].data).styles
    assert styles == (
        "::cue(.loud) { font-weight: bold }\n/* a comment with -- > that is not an arrow */",
        "::cue { color: lime }",
        "::cue(b) { color: blue }",
    )
    regions = parse_vtt(BY_NAME["regions-before-cues"].data.decode()).regions
    assert len(regions) == 3 and regions[2] == "REGION\nid:doubled"
    assert parse_vtt(BY_NAME["region-lookalikes"].data.decode()).regions == ["id:x"]
    late = parse_transcript_bytes(BY_NAME["region-and-style-after-a-cue"].data)
    assert late.styles == () and len(late.cues) == 2


# ---------------------------------------------------------------------------------------------
# Cue text: tags and styles


def _runs(raw: str) -> list[tuple[str, str]]:
    """(text, flags) per span; flags: i, b, u, then .class... and @voice."""
    out = []
    for span in parse_cue_text(raw).spans:
        flags = "".join(
            f for f, on in (("i", span.italic), ("b", span.bold), ("u", span.underline)) if on
        )
        flags += "".join(f".{c}" for c in span.classes)
        flags += f"@{span.voice}" if span.voice else ""
        out.append((span.text, flags))
    return out


def test_style_tags_and_classes() -> None:
    raw = "<i>Italic</i> and <b>bold</b> and <u>under</u> <c.highlight.urgent>Breaking</c>"
    assert parse_cue_text(raw).text == "Italic and bold and under Breaking"
    assert _runs(raw) == [
        ("Italic", "i"),
        (" and ", ""),
        ("bold", "b"),
        (" and ", ""),
        ("under", "u"),
        (" ", ""),
        ("Breaking", ".highlight.urgent"),
    ]
    assert _runs("<b><i><u>all three</u></i></b>") == [("all three", "ibu")]
    assert _runs("<c.a><c.b.a>inner</c>outer</c>") == [("inner", ".a.b"), ("outer", ".a")]


def test_misnested_and_unclosed_tags_follow_the_tree_rules() -> None:
    # "</b>" while <i> is open is ignored; "</i>" closes <i>; <b> stays open to the end.
    assert _runs("<b><i>x</b>y</i>z") == [("xy", "ib"), ("z", "b")]
    assert _runs("<i>never closed\nsecond line") == [("never closed\nsecond line", "i")]
    assert _runs("plain</i> <u>u</b>") == [("plain ", ""), ("u", "u")]


def test_unknown_tags_are_dropped_never_kept_as_markup() -> None:
    raw = '<script>alert(1)</script> <font color="red">red</font> <B>upper</B> <span>s</span>'
    parsed = parse_cue_text(raw)
    assert parsed.text == "alert(1) red upper s"
    assert all(not (s.italic or s.bold or s.underline or s.classes) for s in parsed.spans)
    assert parse_cue_text("a<>b</>c").text == "abc"  # empty tag names are tags too


def test_a_lone_less_than_sign_opens_a_tag_to_the_next_greater_than_sign() -> None:
    assert parse_cue_text("5 < 6 and more").text == "5 "
    assert parse_cue_text("x <").text == "x "
    assert parse_cue_text("a < b > c").text == "a  c"
    assert parse_cue_text("<" * 10_000 + "tail").text == ""


def test_only_plain_identifier_classes_reach_the_display() -> None:
    assert _runs('<c.ok.a"b.c-d.e_f.>x</c>') == [("x", ".ok.c-d.e_f")]
    many = "<c." + ".".join(f"k{i}" for i in range(100)) + ">x</c>"
    assert len(parse_cue_text(many).spans[0].classes) == 32  # bounded


# ---------------------------------------------------------------------------------------------
# Cue text: voices


@pytest.mark.parametrize(
    ("raw", "speakers", "runs"),
    [
        ("<v Ann>Hello</v>", ("Ann",), [("Hello", "@Ann")]),
        ("<v.loud Ann Lee>x", ("Ann Lee",), [("x", ".loud@Ann Lee")]),
        ("<v>nameless</v>", (), [("nameless", "")]),
        ("<v   Ann \t  Lee  >x", ("Ann Lee",), [("x", "@Ann Lee")]),
        ("<v Ann\nLee>x", ("Ann Lee",), [("x", "@Ann Lee")]),
        (
            "<v A>outer <v B>inner</v> back</v>",
            ("A", "B"),
            [("outer ", "@A"), ("inner", "@B"), (" back", "@A")],
        ),
        ("said <v Bo>hi", ("Bo",), [("said ", ""), ("hi", "@Bo")]),
        (
            "<v Ann><i>Laughs</i>\nstill Ann",
            ("Ann",),
            [("Laughs", "i@Ann"), ("\nstill Ann", "@Ann")],
        ),
        ("<v Ann>a</v> <v Ann>b</v>", ("Ann",), [("a", "@Ann"), (" ", ""), ("b", "@Ann")]),
    ],
    ids=[
        "closed",
        "with-class",
        "no-name",
        "whitespace-collapsed",
        "name-across-lines",
        "nested",
        "mid-cue",
        "unclosed-multi-line",
        "same-speaker-twice",
    ],
)
def test_voice_spans(raw: str, speakers: tuple[str, ...], runs: list[tuple[str, str]]) -> None:
    parsed = parse_cue_text(raw)
    assert parsed.speakers == speakers
    assert _runs(raw) == runs


def test_a_voice_name_is_data_never_attributes() -> None:
    parsed = parse_cue_text('<v Eve" onclick="alert(1)>hi</v>')
    assert parsed.speakers == ('Eve" onclick="alert(1)',)
    assert parsed.text == "hi"


# ---------------------------------------------------------------------------------------------
# Cue text: ruby, language, character references


def test_ruby_and_language_spans_keep_their_text() -> None:
    assert parse_cue_text("<ruby>東<rt>とう</rt>京<rt>きょう</rt></ruby>").text == "東とう京きょう"
    assert parse_cue_text("<rt>orphan</rt> text").text == "orphan text"  # rt outside ruby
    # "</ruby>" while <rt> is open closes both: "c" is outside the ruby again.
    assert _runs("<i><ruby>a<rt>b</ruby>c</i>d") == [("abc", "i"), ("d", "")]
    assert parse_cue_text("<lang fr>bonjour</lang> <lang>x</lang>").text == "bonjour x"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("&amp; &lt; &gt; &nbsp; &lrm; &rlm;", "& < > \xa0 \u200e \u200f"),
        ("&#233;t&#xE9; caf&eacute;", "été café"),
        ("&bogus; AT&T & alone", "&bogus; AT&T & alone"),
        ("&lt;i&gt;not italic&lt;/i&gt; &amp;lt;", "<i>not italic</i> &lt;"),
        ("<b>&lt;script&gt;</b>", "<script>"),
    ],
    ids=["named", "numeric", "not-references", "markup-as-data", "inside-a-tag"],
)
def test_character_references_are_decoded_to_plain_text(raw: str, text: str) -> None:
    parsed = parse_cue_text(raw)
    assert parsed.text == text
    assert not any(span.italic for span in parsed.spans)


# ---------------------------------------------------------------------------------------------
# Cue text: inline timestamps (karaoke)


def test_inline_timestamps_become_word_timings() -> None:
    raw = "<00:00:01.000>Ministers <00:00:01.600>met <00:00:02.200>today"
    parsed = parse_cue_text(raw, 1000, 3000)
    assert parsed.text == "Ministers met today"
    assert parsed.word_timings == (WordTiming(1000, 0), WordTiming(1600, 10), WordTiming(2200, 14))
    assert parsed.ignored_timestamps == 0
    short = parse_cue_text("<00:08.250>w <00:09.000>end", 8000, 9000)  # both ends inclusive
    assert short.word_timings == (WordTiming(8250, 0), WordTiming(9000, 2))


def test_backwards_and_outside_timestamps_are_counted_and_left_out() -> None:
    back = parse_cue_text("<00:00:06.500>later <00:00:05.500>earlier", 5000, 7000)
    assert back.word_timings == (WordTiming(6500, 0),) and back.ignored_timestamps == 1
    outside = parse_cue_text("<00:00:07.000>before <00:00:09.500>after", 8000, 9000)
    assert outside.word_timings == () and outside.ignored_timestamps == 2
    assert outside.text == "before after"


def test_malformed_timestamp_tags_are_ignored_silently() -> None:
    parsed = parse_cue_text("<00:09.5>x <00:00:08.5000>y <1:00:00:00.000>z <00:61.000>w", 0, 10**9)
    assert parsed.text == "x y z w"
    assert parsed.word_timings == () and parsed.ignored_timestamps == 0


def test_the_loader_reports_ignored_timestamps_on_the_cue_line() -> None:
    t = parse_transcript_text(
        "WEBVTT\n\n00:00:05.000 --> 00:00:07.000\n<00:00:06.500>a <00:00:05.500>b\n"
    )
    assert [(w.line, "inline timestamp" in w.message) for w in t.warnings] == [(3, True)]


def test_plain_text_has_no_spans() -> None:
    assert parse_cue_text("no tags &amp; one reference").spans == ()
    assert parse_cue_text("<i>x</i>").spans == (Span("x", italic=True),)
