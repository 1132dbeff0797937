"""The one quote format: ``[HH:MM:SS.mmm] Speaker: text — note`` and its one-line text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from player.core.model import Cue
from player.core.text.quote import (
    PLAIN_TEMPLATE,
    Quote,
    QuoteFormatter,
    QuoteSource,
    format_hit_line,
    format_quote,
    one_line,
    prose,
    quote_cue,
    said_line,
    template_problem,
)


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


# --- the quote template (issue 16) ---------------------------------------------------------------


def test_prose_joins_lines_and_undoes_hyphenation_at_line_ends() -> None:
    assert prose("pay more for water once\nthe desali-\nnation plant") == (
        "pay more for water once the desalination plant"
    )
    assert prose("the well-\nKnown one") == "the well-Known one"  # capital after: a real hyphen
    assert prose("  a \n\n  b  ") == "a b"
    assert prose("2020-\n2024") == "2020- 2024"  # digits are not hyphenated words


def test_default_template_is_quote_speaker_title_time() -> None:
    source = QuoteSource.from_media("/media/briefing.mp4", None, "2024-05-01")
    quote = Quote(
        61_154, "Will households pay more for water once\nthe plant is running?", "Ana Ruiz"
    )
    assert QuoteFormatter(source=source).format(quote) == (
        '"Will households pay more for water once the plant is running?" '
        "— Ana Ruiz, briefing, 00:01:01"
    )


def test_empty_fields_take_their_separators_with_them() -> None:
    assert QuoteFormatter().format(Quote(83_456, "x")) == '"x" — 00:01:23'
    plain = QuoteFormatter(PLAIN_TEMPLATE)
    assert plain.format(Quote(83_456, "Hello\nthere", "Ana")) == "[00:01:23.4] Ana: Hello there"
    assert plain.format(Quote(83_456, "Hello", None)) == "[00:01:23.4] Hello"
    assert plain.format(Quote(0, "a", None, note=" check\nthis ")) == "[00:00:00.0] a — check this"


def test_title_from_tags_else_file_name_and_template_checks() -> None:
    assert QuoteSource.from_media("x/a.b.mp4", "  Weekly   briefing ").title == "Weekly briefing"
    assert QuoteSource.from_media("x/a.b.mp4").title == "a.b"
    assert template_problem("{text} {date}") is None
    assert template_problem("{nope}") is not None and template_problem("{text") is not None
    assert template_problem("no text") is not None
    assert QuoteFormatter("{bad}").template != "{bad}"  # falls back to the default
    dated = QuoteFormatter("{text} ({title}, {date})", QuoteSource("T", "2024-05-01"))
    assert dated.format(Quote(0, "a")) == "a (T, 2024-05-01)"
