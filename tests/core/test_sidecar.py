"""Sidecar discovery: which transcript / chapters files belong to a media file, in what order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from player.core.media.sidecar import (
    MEDIA_EXTENSIONS,
    TEXT_EXTENSIONS,
    TEXT_SIDECAR_EXTENSIONS,
    TRANSCRIPT_EXTENSIONS,
    SidecarCandidate,
    TextSidecar,
    chapters_for,
    find_sidecars,
    is_media_file,
    normalize_language_tag,
    preferred_text,
    preferred_transcript,
    texts_for,
    transcripts_for,
)


def touch(folder: Path, *names: str) -> None:
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("WEBVTT\n", encoding="utf-8")


def names(candidates: list[SidecarCandidate], root: Path) -> list[str]:
    return [c.path.relative_to(root).as_posix() for c in candidates]


@pytest.fixture
def media(tmp_path: Path) -> Path:
    path = tmp_path / "briefing.mp3"
    path.write_bytes(b"ID3")
    return path


def test_constants() -> None:
    assert {".vtt", ".srt", ".sbv"} == TRANSCRIPT_EXTENSIONS
    assert {".mp3", ".opus", ".mkv", ".webm", ".3gp", ".ts"} <= MEDIA_EXTENSIONS
    assert all(ext.startswith(".") and ext == ext.lower() for ext in MEDIA_EXTENSIONS)
    assert is_media_file(Path("a/B.MP4"))
    assert not is_media_file(Path("a/b.vtt"))


def test_same_stem_all_formats_any_extension_case(media: Path, tmp_path: Path) -> None:
    touch(tmp_path, "briefing.SRT", "briefing.sbv", "briefing.vtt", "briefing.txt", "other.vtt")
    found = find_sidecars(media)
    assert names(found, tmp_path) == ["briefing.vtt", "briefing.SRT", "briefing.sbv"]
    assert [c.format for c in found] == ["vtt", "srt", "sbv"]
    assert all(c.kind == "transcript" and c.language is None for c in found)


def test_language_tagged_variants_are_normalised(media: Path, tmp_path: Path) -> None:
    touch(
        tmp_path,
        "briefing.pt_BR.vtt",
        "briefing.en-US.srt",
        "briefing.en.vtt",
        "briefing.vtt",
        "briefing.zh-Hant-TW.vtt",
        "briefing.es-419.vtt",
    )
    found = find_sidecars(media)
    assert [(c.path.name, c.language) for c in found] == [
        ("briefing.vtt", None),
        ("briefing.en.vtt", "en"),
        ("briefing.en-US.srt", "en-US"),
        ("briefing.es-419.vtt", "es-419"),
        ("briefing.pt_BR.vtt", "pt-BR"),
        ("briefing.zh-Hant-TW.vtt", "zh-Hant-TW"),
    ]


def test_non_language_middle_parts_are_not_candidates(media: Path, tmp_path: Path) -> None:
    touch(
        tmp_path,
        "briefing.final.vtt",
        "briefing.2.vtt",
        "briefing.old.vtt",
        "briefing.en.final.vtt",
        "briefing.english.srt",
        "briefing.vtt.bak",
        "briefing.srt.vtt",
        "briefing.en.vtt",
    )
    assert names(find_sidecars(media), tmp_path) == ["briefing.en.vtt"]


def test_similar_stems_are_not_confused(tmp_path: Path) -> None:
    touch(tmp_path, "briefing.vtt", "briefing-2.vtt", "briefing-2.en.vtt", "briefing 2.vtt")
    two = tmp_path / "briefing-2.mp3"
    assert names(find_sidecars(two), tmp_path) == ["briefing-2.vtt", "briefing-2.en.vtt"]
    one = tmp_path / "briefing.mp3"
    assert names(find_sidecars(one), tmp_path) == ["briefing.vtt"]


def test_stem_with_dots(tmp_path: Path) -> None:
    touch(tmp_path, "press.2024-05-01.vtt", "press.2024-05-01.fr.vtt", "press.vtt")
    media = tmp_path / "press.2024-05-01.mp4"
    assert names(find_sidecars(media), tmp_path) == [
        "press.2024-05-01.vtt",
        "press.2024-05-01.fr.vtt",
    ]


def test_stem_match_ignores_case(tmp_path: Path) -> None:
    touch(tmp_path, "Briefing.VTT")
    assert names(find_sidecars(tmp_path / "briefing.mp3"), tmp_path) == ["Briefing.VTT"]


def test_sidecar_folders(media: Path, tmp_path: Path) -> None:
    touch(
        tmp_path,
        "Subs/briefing.en.srt",
        "subtitles/briefing.de.vtt",
        "transcripts/briefing.vtt",
        "transcripts/briefing.en.vtt",
        "transcripts/other.vtt",
        "misc/briefing.vtt",
        "briefing.en.vtt",
    )
    found = find_sidecars(media)
    assert names(found, tmp_path) == [
        "transcripts/briefing.vtt",
        "subtitles/briefing.de.vtt",
        "briefing.en.vtt",
        "transcripts/briefing.en.vtt",
        "Subs/briefing.en.srt",
    ]


def test_untagged_beside_media_comes_first(media: Path, tmp_path: Path) -> None:
    touch(tmp_path, "transcripts/briefing.vtt", "briefing.srt", "briefing.en.vtt")
    assert names(find_sidecars(media), tmp_path) == [
        "briefing.srt",
        "transcripts/briefing.vtt",
        "briefing.en.vtt",
    ]


def test_chapters_are_not_transcripts(media: Path, tmp_path: Path) -> None:
    touch(
        tmp_path,
        "briefing.vtt",
        "briefing.chapters.vtt",
        "briefing.en.chapters.vtt",
        "subs/briefing.chapters.en.vtt",
    )
    found = find_sidecars(media)
    assert [(c.path.name, c.kind, c.language) for c in found] == [
        ("briefing.vtt", "transcript", None),
        ("briefing.chapters.vtt", "chapters", None),
        ("briefing.en.chapters.vtt", "chapters", "en"),
        ("briefing.chapters.en.vtt", "chapters", "en"),
    ]
    assert names(transcripts_for(media), tmp_path) == ["briefing.vtt"]
    chapters = chapters_for(media)
    assert chapters is not None and chapters.path == tmp_path / "briefing.chapters.vtt"


def test_chapters_for_none(media: Path, tmp_path: Path) -> None:
    touch(tmp_path, "briefing.vtt")
    assert chapters_for(media) is None


def test_directories_named_like_sidecars_are_ignored(media: Path, tmp_path: Path) -> None:
    (tmp_path / "briefing.vtt").mkdir()
    assert find_sidecars(media) == []


def test_missing_folder_gives_nothing(tmp_path: Path) -> None:
    assert find_sidecars(tmp_path / "nowhere" / "briefing.mp3") == []


def test_media_need_not_exist(tmp_path: Path) -> None:
    touch(tmp_path, "briefing.vtt")
    assert names(find_sidecars(tmp_path / "briefing.mp3"), tmp_path) == ["briefing.vtt"]


def test_unreadable_folders_are_skipped(
    media: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    touch(tmp_path, "briefing.vtt", "subs/briefing.en.vtt", "transcripts/briefing.fr.vtt")
    real_scandir = os.scandir

    def scandir(path: os.PathLike[str] | str) -> object:
        if Path(path).name == "subs":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert names(find_sidecars(media), tmp_path) == ["briefing.vtt", "transcripts/briefing.fr.vtt"]

    def broken(path: os.PathLike[str] | str) -> object:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "scandir", broken)
    assert find_sidecars(media) == []


def test_unreadable_folder_on_disk(media: Path, tmp_path: Path) -> None:
    touch(tmp_path, "briefing.vtt", "subs/briefing.en.vtt")
    locked = tmp_path / "subs"
    locked.chmod(0)
    try:
        found = names(find_sidecars(media), tmp_path)
    finally:
        locked.chmod(0o755)
    # As root the folder stays readable; either way nothing raises and the media's own is found.
    assert found[0] == "briefing.vtt"


def test_broken_symlink_is_ignored(media: Path, tmp_path: Path) -> None:
    (tmp_path / "briefing.en.vtt").symlink_to(tmp_path / "gone.vtt")
    touch(tmp_path, "briefing.vtt")
    assert names(find_sidecars(media), tmp_path) == ["briefing.vtt"]


def test_one_scandir_per_folder(
    media: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    touch(tmp_path, "briefing.vtt", "subs/briefing.en.vtt", "transcripts/x.vtt", "misc/y.vtt")
    calls: list[str] = []
    real_scandir = os.scandir

    def scandir(path: os.PathLike[str] | str) -> object:
        calls.append(Path(path).name)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    find_sidecars(media)
    assert sorted(calls) == sorted([tmp_path.name, "transcripts", "subs"])


def test_ordering_is_deterministic(media: Path, tmp_path: Path) -> None:
    touch(tmp_path, "briefing.de.vtt", "briefing.DE.srt", "briefing.de.sbv", "briefing.fr.vtt")
    first = find_sidecars(media)
    assert first == find_sidecars(media)
    assert names(first, tmp_path) == [
        "briefing.de.vtt",
        "briefing.DE.srt",
        "briefing.de.sbv",
        "briefing.fr.vtt",
    ]


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("en-us", "en-US"),
        ("pt_BR", "pt-BR"),
        ("zh_hans", "zh-Hans"),
        ("zh-Hant-TW", "zh-Hant-TW"),
        ("es-419", "es-419"),
        ("fil", "fil"),
        ("final", None),
        ("e", None),
        ("english", None),
        ("en-", None),
        ("en-USA", None),
        ("2", None),
        ("old", None),
        ("cc", None),
        ("", None),
    ],
)
def test_normalize_language_tag(text: str, tag: str | None) -> None:
    assert normalize_language_tag(text) == tag


def make(name: str, language: str | None, kind: str = "transcript") -> SidecarCandidate:
    return SidecarCandidate(Path(name), language, kind, "vtt")  # type: ignore[arg-type]


def test_preferred_transcript() -> None:
    plain = make("b.vtt", None)
    en_us = make("b.en-US.vtt", "en-US")
    en = make("b.en.vtt", "en")
    fr = make("b.fr.vtt", "fr")
    chapters = make("b.chapters.vtt", None, "chapters")
    candidates = [plain, en, en_us, fr]
    assert preferred_transcript([]) is None
    assert preferred_transcript([chapters]) is None
    assert preferred_transcript(candidates) is plain
    assert preferred_transcript(candidates, ["fr"]) is fr
    assert preferred_transcript(candidates, ["en_us"]) is en_us
    assert preferred_transcript(candidates, ["en-GB", "fr"]) is en  # same primary language
    assert preferred_transcript([plain, en_us, fr], ["en"]) is en_us
    assert preferred_transcript(candidates, ["de", "FR"]) is fr
    assert preferred_transcript(candidates, ["de", "not a tag"]) is plain
    assert preferred_transcript([chapters, fr, en], ["de"]) is fr


def test_preferred_transcript_end_to_end(media: Path, tmp_path: Path) -> None:
    touch(tmp_path, "briefing.vtt", "briefing.de.vtt", "subs/briefing.fr.srt")
    found = find_sidecars(media)
    chosen = preferred_transcript(found, ["fr-CA", "de"])
    assert chosen is not None and chosen.path == tmp_path / "subs" / "briefing.fr.srt"
    assert chosen.format == "srt"


# --- texts without timings ---------------------------------------------------------------------


def text_names(media: Path, root: Path) -> list[str]:
    return [t.path.relative_to(root).as_posix() for t in texts_for(media)]


def test_text_extensions() -> None:
    assert set(TEXT_SIDECAR_EXTENSIONS) == {".txt", ".md", ".docx", ".html", ".htm"}
    assert {*TEXT_SIDECAR_EXTENSIONS, ".pdf"} == TEXT_EXTENSIONS
    assert not TEXT_EXTENSIONS & TRANSCRIPT_EXTENSIONS


def test_texts_beside_media_in_preference_order(media: Path, tmp_path: Path) -> None:
    touch(
        tmp_path,
        "briefing.htm",
        "briefing.HTML",
        "briefing.docx",
        "briefing.md",
        "briefing.TXT",
        "briefing.pdf",  # a PDF is only read when the user picks it
        "briefing.vtt",  # a transcript, not a text
        "other.txt",
        "briefing-2.txt",
    )
    assert text_names(media, tmp_path) == [
        "briefing.TXT",
        "briefing.md",
        "briefing.docx",
        "briefing.HTML",
        "briefing.htm",
    ]
    first = texts_for(media)[0]
    assert first == TextSidecar(tmp_path / "briefing.TXT", None, ".txt")


def test_texts_with_languages_folders_and_other_names(media: Path, tmp_path: Path) -> None:
    touch(
        tmp_path,
        "briefing.en.txt",
        "briefing.pt_br.md",
        "briefing.notes.txt",  # not a language: a different file
        "briefing.chapters.txt",
        "briefing.en.final.txt",
        "transcripts/briefing.txt",
        "Subs/briefing.fr.docx",
    )
    assert text_names(media, tmp_path) == [
        "transcripts/briefing.txt",
        "briefing.en.txt",
        "Subs/briefing.fr.docx",
        "briefing.pt_br.md",
    ]
    assert [t.language for t in texts_for(media)] == [None, "en", "fr", "pt-BR"]


def test_preferred_text_follows_languages(media: Path, tmp_path: Path) -> None:
    touch(tmp_path, "briefing.fr.txt", "briefing.en-GB.txt")
    texts = texts_for(media)
    assert preferred_text(texts, ["en_US"]) == texts[0]
    assert texts[0].language == "en-GB"
    assert preferred_text(texts, ["fr"]) == texts[1]
    assert preferred_text(texts, ["de"]) == texts[0]
    assert preferred_text([], ["en"]) is None


def test_texts_for_missing_or_unreadable_folder(tmp_path: Path) -> None:
    assert texts_for(tmp_path / "nowhere" / "briefing.mp3") == []
    (tmp_path / "briefing.txt").mkdir()  # a folder named like a text is not a text
    assert texts_for(tmp_path / "briefing.mp3") == []
