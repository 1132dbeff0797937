"""One meaning of a hit (issue 16): the same query gives the same matches and counts in a
transcript's search, the archive and the command line, on the same files — whole words by
default ("water" is not "watering"), part of words as the option."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from player.app.main import main
from player.core.archive.library import Archive
from player.core.formats.load import load_transcript
from player.core.text.rule import DEFAULT_WHOLE_WORDS, default_options, rule_label
from player.core.text.search import SearchIndex

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("rule")
    folder = root / "library"
    folder.mkdir()
    for name in ("briefing.opus", "briefing.vtt"):
        shutil.copy(SAMPLE / name, folder / name)
    db = root / "archive.sqlite"
    with Archive.open(db) as archive:
        archive.add_folder(folder)
        archive.scan()
        assert archive.cue_count() > 0
    return folder, db


def _cli_lines(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    capsys.readouterr()
    status = main(["search", *argv])
    out = capsys.readouterr().out
    assert status in (0, 1)
    return [line for line in out.splitlines() if line]


@pytest.mark.parametrize(
    ("query", "part", "expected"),
    [
        ("water", False, 5),
        ("water", True, 6),
        ("wat", False, 0),
        ("Water and Coasts", False, 1),
        ("water bills", False, 1),
        # Both words in one line but not next to each other: a phrase everywhere, so no hit
        # (the archive's plain words once meant "all must occur" and found that line).
        ("water once the plant", False, 0),
    ],
)
def test_counts_are_equal_in_the_three_places(
    library: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    query: str,
    part: bool,
    expected: int,
) -> None:
    folder, db = library
    transcript = folder / "briefing.vtt"
    cues = load_transcript(transcript).cues
    # 1. the transcript search (what the window's search bar runs)
    result = SearchIndex(cues).search(query, default_options(part_of_words=part))
    here = {cues[i].start_ms for i in result.cue_indices}
    assert len(result) == len(result.cue_indices) == expected  # no line holds it twice
    # 2. the archive (the window's "All briefings" runs the same calls)
    with Archive.open(db, read_only=True) as archive:
        if part:
            hits = archive.search_part(query, limit=None)
        else:
            hits = archive.search(query, limit=None)
            assert archive.count(query) == expected
    assert {h.start_ms for h in hits} == here and len(hits) == expected
    # 3. the command line, on the file and on the archive
    flags = ["--part"] if part else []
    on_file = _cli_lines(capsys, query, str(transcript), *flags)
    on_archive = _cli_lines(capsys, query, "--db", str(db), *flags)
    assert len(on_file) == len(on_archive) == expected


def test_archive_part_of_words_folds_case_and_accents_and_highlights(
    library: tuple[Path, Path],
) -> None:
    _folder, db = library
    with Archive.open(db, read_only=True) as archive:
        hits = archive.search_part("BOGOT", limit=None)
        assert len(hits) == 1
        start, end = hits[0].matches[0]
        assert hits[0].text[start:end] == "Bogot"
        assert archive.search_part("bogotá", limit=None)[0].text[slice(*hits[0].matches[0])]
        assert archive.search_part("ATERING", limit=None, case_sensitive=True) == []


def test_the_rule_and_its_label() -> None:
    assert DEFAULT_WHOLE_WORDS is True
    assert default_options().whole_word and not default_options(part_of_words=True).whole_word
    assert rule_label(default_options()) == "whole words"
    assert rule_label(default_options(part_of_words=True)) == "part of words"
    assert rule_label(default_options(regex=True)) == "regular expression"
