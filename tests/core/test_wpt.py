"""The W3C web-platform-tests WebVTT file-parsing cases, run against the player's loader.

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
from tests.conftest import SHARED

WPT = SHARED / "corpus" / "webvtt-wpt"
EXPECTED: dict[str, Any] = json.loads((WPT / "expected.json").read_text(encoding="utf-8"))

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


def test_corpus_is_complete() -> None:
    files = {p.stem for p in WPT.glob("*.vtt")}
    assert files == set(EXPECTED)
    assert len(files) == 53


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


SOURCES: dict[str, Any] = json.loads((WPT / "wpt_sources.json").read_text(encoding="utf-8"))


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
