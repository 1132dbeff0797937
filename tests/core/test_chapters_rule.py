"""The one chapters rule (``sidecar.is_chapters_name``): the sidecar finder and the transcript
loader answer the same for every name (``talk.chapters.en.vtt`` was chapters for one and a
transcript for the other)."""

from __future__ import annotations

from pathlib import Path

import pytest

from player.core.formats.load import load_transcript
from player.core.media.sidecar import find_sidecars, is_chapters_name, language_of_name

VTT = "WEBVTT\n\n00:00.000 --> 01:00.000\nIntro\n"

# name -> is a chapters file
NAMES = {
    "talk.chapters.vtt": True,
    "talk.chapters.en.vtt": True,
    "talk.en.chapters.vtt": True,
    "talk.chapters.pt_BR.srt": True,
    "TALK.Chapters.EN.VTT": True,
    "chapters.vtt": False,  # the transcript of chapters.mp3
    "talk.vtt": False,
    "talk.en.vtt": False,
    "talk.chaptersx.vtt": False,
    "talk.chapters.en.extra.vtt": False,  # not two parts from the end
}


@pytest.mark.parametrize("name", sorted(NAMES))
def test_is_chapters_name(name: str) -> None:
    assert is_chapters_name(name) is NAMES[name]


@pytest.mark.parametrize("name", sorted(NAMES))
def test_the_finder_and_the_loader_agree(tmp_path: Path, name: str) -> None:
    media = tmp_path / f"{name.split('.')[0]}.mp3"
    media.write_bytes(b"ID3")
    path = tmp_path / name
    path.write_text(VTT, encoding="utf-8")
    expected = "chapters" if NAMES[name] else "transcript"
    assert load_transcript(path).kind == expected
    found = {c.path.name: c.kind for c in find_sidecars(media)}
    if name in found:  # names with an unknown middle part belong to no media
        assert found[name] == expected
    else:
        assert name in ("talk.chaptersx.vtt", "talk.chapters.en.extra.vtt")


def test_a_header_marks_chapters_where_the_finder_sees_only_a_name(tmp_path: Path) -> None:
    """The one place they differ, on purpose: the finder goes by names (it reads no file), the
    loader also honours a ``Kind: chapters`` header line."""
    media = tmp_path / "talk.mp3"
    media.write_bytes(b"ID3")
    path = tmp_path / "talk.vtt"
    path.write_text("WEBVTT\nKind: chapters\n\n00:00.000 --> 01:00.000\nIntro\n", encoding="utf-8")
    assert [(c.path, c.kind) for c in find_sidecars(media)] == [(path, "transcript")]
    assert load_transcript(path).kind == "chapters"


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("talk.vtt", None),
        ("talk.en.vtt", "en"),
        ("talk.pt_BR.srt", "pt-BR"),
        ("talk.chapters.en.vtt", "en"),
        ("talk.en.chapters.vtt", "en"),
        ("talk.chapters.vtt", None),
        ("talk.final.vtt", None),
        ("talk.old.vtt", None),
        ("my.talk.sbv", None),
    ],
)
def test_language_of_name(name: str, language: str | None) -> None:
    assert language_of_name(name) == language
