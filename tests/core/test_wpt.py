"""The W3C web-platform-tests WebVTT file-parsing cases, run against the player's loader.

An extra check: the corpus lives outside the repository (``../shared/corpus/webvtt-wpt``); this
module is skipped, saying why, when it is absent, except under CI=true (see
``tests/conftest.py``). The suite's own cases (``tests/corpus/webvtt_cases.py``, run by
``test_webvtt_cases.py``) cover the same families; ``OWN_FAMILY`` maps every file onto one.

``expected.json`` gives, per file, the cues the spec's parser yields (raw cue text), "no cues" or
"invalid file". Each case is checked twice: at the raw level (``vtt_parse``: identifiers, times
and raw text in file order) and through the public loader (sorted cues, plain text).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from player.core.formats.cue_text import parse_cue_text
from player.core.formats.encoding import decode_transcript_bytes
from player.core.formats.load import parse_transcript_bytes
from player.core.formats.webvtt import VttSignatureError, parse_vtt
from player.core.model import TranscriptError
from tests.conftest import SHARED, require_shared_corpus, shared_corpus
from tests.corpus.webvtt_cases import FAMILIES

CORPUS = shared_corpus("webvtt-wpt")  # skips this module when absent (not under CI=true)
WPT = CORPUS or SHARED / "corpus" / "webvtt-wpt"


def _json(name: str) -> dict[str, Any]:
    if CORPUS is None:
        return {}
    doc: dict[str, Any] = json.loads((CORPUS / name).read_text(encoding="utf-8"))
    return doc


EXPECTED = _json("expected.json")

# Cases where the player deliberately differs from a browser, with the reason.
DELIBERATE: dict[str, str] = {}


def _cases() -> list[Any]:
    params = []
    for stem in sorted(EXPECTED):
        marks = []
        if stem in DELIBERATE:
            marks.append(pytest.mark.xfail(strict=True, reason=DELIBERATE[stem]))
        params.append(pytest.param(stem, marks=marks, id=stem))
    return params


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


# Every file of the corpus, and the family of the suite's own cases that covers it.
OWN_FAMILY = {
    "arrows": "arrows",
    "comment-in-cue-text": "comments",
    "empty": "signature",
    "header-garbage": "header",
    "header-regions": "regions",
    "header-space": "header",
    "header-tab": "header",
    "header-timings": "header",
    "ids": "identifiers",
    "newlines": "line-terminators",
    "nulls": "nul-characters",
    "regions-edge-case": "regions",
    "regions-id": "regions",
    "regions-lines": "regions",
    "regions-old": "header",
    "regions-regionanchor": "regions",
    "regions-scroll": "regions",
    "regions-viewportanchor": "regions",
    "settings-align": "cue-settings",
    "settings-line": "cue-settings",
    "settings-multiple": "cue-settings",
    "settings-position": "cue-settings",
    "settings-region": "cue-settings",
    "settings-size": "cue-settings",
    "settings-vertical": "cue-settings",
    "signature-bom": "signature",
    "signature-formfeed": "signature",
    "signature-invalid": "signature",
    "signature-invalid-whitespace": "signature",
    "signature-lowercase": "signature",
    "signature-missing": "signature",
    "signature-missing-whitespace": "signature",
    "signature-no-newline": "signature",
    "signature-null": "signature",
    "signature-partial": "signature",
    "signature-space": "signature",
    "signature-space-no-newline": "signature",
    "signature-tab": "signature",
    "signature-tab-no-newline": "signature",
    "signature-timings": "signature",
    "signature-two-boms": "signature",
    "signature-websrt": "signature",
    "stylesheets": "style-blocks",
    "stylesheets-newlines": "style-blocks",
    "stylesheets-none": "style-blocks",
    "timings-60": "timestamps",
    "timings-eof": "timestamps",
    "timings-garbage": "timestamps",
    "timings-negative": "timestamps",
    "timings-omitted-hours": "timestamps",
    "timings-too-long": "timestamps",
    "timings-too-short": "timestamps",
    "whitespace-chars": "whitespace",
}


def test_shared_corpus_is_present() -> None:
    require_shared_corpus(CORPUS, "webvtt-wpt")


def test_corpus_is_complete() -> None:
    files = {p.stem for p in require_shared_corpus(CORPUS, "webvtt-wpt").glob("*.vtt")}
    assert files == set(EXPECTED)
    assert len(files) == 53


def test_every_file_has_a_family_of_own_cases() -> None:
    require_shared_corpus(CORPUS, "webvtt-wpt")
    assert set(OWN_FAMILY) == set(EXPECTED)
    assert set(OWN_FAMILY.values()) <= FAMILIES


@pytest.mark.parametrize("stem", _cases())
def test_wpt_raw_cues(stem: str) -> None:
    data = (WPT / f"{stem}.vtt").read_bytes()
    expected = EXPECTED[stem]
    text = decode_transcript_bytes(data).text
    if expected == "invalid file":
        with pytest.raises(VttSignatureError):
            parse_vtt(text)
        return
    parsed = parse_vtt(text)
    got = [(c.identifier, c.start_ms, c.end_ms, c.text) for c in parsed.cues]
    if expected == "no cues":
        assert got == []
        return
    want = [(e["id"], _ms(e["start_seconds"]), _ms(e["end_seconds"]), e["text"]) for e in expected]
    assert got == want


@pytest.mark.parametrize("stem", _cases())
def test_wpt_through_loader(stem: str) -> None:
    data = (WPT / f"{stem}.vtt").read_bytes()
    expected = EXPECTED[stem]
    if expected == "invalid file":
        with pytest.raises(TranscriptError) as info:
            parse_transcript_bytes(data, source=f"{stem}.vtt", format_hint="vtt")
        assert str(info.value)  # a one-line reason, never empty
        assert "\n" not in str(info.value)
        return
    transcript = parse_transcript_bytes(data, source=f"{stem}.vtt", format_hint="vtt")
    assert transcript.format == "vtt"
    if expected == "no cues":
        assert transcript.cues == ()
        return
    ordered = sorted(expected, key=lambda e: e["start_seconds"])  # stable, like the loader
    got = [(c.id, c.start_ms, c.end_ms, c.text) for c in transcript.cues]
    want = [
        (
            e["id"] or None,
            _ms(e["start_seconds"]),
            _ms(e["end_seconds"]),
            parse_cue_text(e["text"]).text,
        )
        for e in ordered
    ]
    assert got == want


SOURCES = _json("wpt_sources.json")


def _asserts_something(stem: str) -> bool:
    asserts = SOURCES[stem].get("wpt_cue_level_asserts") or {}
    return bool(
        asserts.get("error_event")
        or asserts.get("per_cue")
        or asserts.get("cues.length") is not None
    )


@pytest.mark.parametrize("stem", [s for s in sorted(SOURCES) if _asserts_something(s)])
def test_literal_wpt_assertions(stem: str) -> None:
    """Only what the WPT JavaScript asserts literally (cues.length, id, text, times)."""
    asserts = SOURCES[stem]["wpt_cue_level_asserts"]
    text = decode_transcript_bytes((WPT / f"{stem}.vtt").read_bytes()).text
    if asserts.get("error_event"):
        with pytest.raises(VttSignatureError):
            parse_vtt(text)
        return
    parsed = parse_vtt(text)
    if asserts.get("cues.length") is not None:
        assert len(parsed.cues) == asserts["cues.length"]
    for index, fields in asserts.get("per_cue", {}).items():
        cue = parsed.cues[int(index)]
        if "id" in fields:
            assert cue.identifier == fields["id"]
        if "text" in fields:
            assert cue.text == fields["text"]
        if "start" in fields:
            assert cue.start_ms == round(fields["start"] * 1000)
        if "end" in fields:
            assert cue.end_ms == round(fields["end"] * 1000)
