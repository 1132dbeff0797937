"""The one quote format: ``[HH:MM:SS.mmm] Speaker: text — note`` and its one-line text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from player.core.model import Cue
from player.core.text.quote import format_hit_line, format_quote, one_line, quote_cue, said_line


def _cue(start_ms: int, text: str, speaker: str | None = None) -> Cue:
    speakers = (speaker,) if speaker else ()
    return Cue(id=None, start_ms=start_ms, end_ms=start_ms + 1000, text=text, speakers=speakers)


def test_one_line_strips_lines_drops_blank_ones_and_joins_them() -> None:
    assert one_line("first\nsecond") == "first / second"
    assert one_line("  padded  \r\n\n   \nlast ") == "padded / last"
    assert one_line("line\u2028separator") == "line / separator"  # no raw break in a quote
    assert one_line("") == "" and one_line(" \n ") == ""


def test_said_line() -> None:
    assert said_line("Hello\nthere", "Ana") == "Ana: Hello / there"
    assert said_line("Hello", None) == "Hello" and said_line("Hello", "") == "Hello"


def test_format_quote() -> None:
    assert format_quote(83_456, "Hello", "Ana") == "[00:01:23.456] Ana: Hello"
    assert format_quote(3_600_000 * 2, "x") == "[02:00:00.000] x"
    assert format_quote(0, "", None) == "[00:00:00.000]"  # no trailing space
    assert format_quote(1000, "label", note=" a  note\nover lines ") == (
        "[00:00:01.000] label — a note over lines"
    )
    assert format_quote(1000, "", note="only a note") == "[00:00:01.000] — only a note"
    assert format_quote(1000, "label", note="  ") == "[00:00:01.000] label"


def test_quote_cue() -> None:
    cue = _cue(61_005, "Waves rose\n by a metre", "Dr. Ngata")
    assert quote_cue(cue) == "[00:01:01.005] Dr. Ngata: Waves rose / by a metre"
    assert quote_cue(_cue(0, "no speaker")) == "[00:00:00.000] no speaker"


def test_format_hit_line_always_has_three_columns() -> None:
    assert format_hit_line("a.vtt", 1500, "x\ny", "Bo") == "a.vtt\t00:00:01.500\tBo: x / y"
    assert format_hit_line("a.vtt", 0, "tab\there") == "a.vtt\t00:00:00.000\ttab here"
    assert format_hit_line("a.vtt", 0, "t", "odd\nname") == "a.vtt\t00:00:00.000\todd / name: t"


@given(
    start_ms=st.integers(0, 10**9),
    text=st.text(max_size=200),
    speaker=st.none() | st.text(max_size=20),
    note=st.none() | st.text(max_size=50),
)
def test_a_quote_is_one_line_starting_with_its_time(
    start_ms: int, text: str, speaker: str | None, note: str | None
) -> None:
    speaker = None if speaker is None else " ".join(speaker.split())
    quote = format_quote(start_ms, text, speaker, note)
    assert quote.splitlines() == [quote]
    assert quote.startswith("[") and quote[1:].startswith(f"{start_ms // 3_600_000:02d}:")
    assert quote == quote.rstrip()
