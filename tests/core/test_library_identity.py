"""Telling briefings apart in the library: the media type and the folder of a row."""

from __future__ import annotations

import pytest

from player.core.archive.listing import media_type, shown_folder
from player.core.archive.records import BriefingRow


def _row(path: str, folder: str = "/lib", *, has_media: bool = True) -> BriefingRow:
    return BriefingRow(
        id=1,
        path=path,
        folder=folder,
        has_media=has_media,
        title="briefing",
        date="2024-05-01",
        date_from_name=True,
        duration_ms=85_000,
        transcript_path=None,
        language=None,
        transcript_format=None,
        cue_count=0,
        warnings=(),
        error=None,
        machine_generated=False,
        size=1,
        mtime_ns=1,
        indexed_at="2024-05-01T00:00:00",
    )


@pytest.mark.parametrize(
    ("path", "has_media", "expected"),
    [
        ("/lib/briefing.mp4", True, "video (MP4)"),
        ("/lib/briefing.opus", True, "audio (Opus)"),
        ("/lib/briefing.MP3", True, "audio (MP3)"),
        ("/lib/talk.webm", True, "video (WebM)"),
        ("/lib/briefing.vtt", False, "transcript only (VTT)"),
    ],
)
def test_media_type(path: str, has_media: bool, expected: str) -> None:
    assert media_type(_row(path, has_media=has_media)) == expected


def test_shown_folder_is_inside_the_library_folder() -> None:
    assert shown_folder(_row("/lib/2024/May/briefing.mp4")) == "2024/May"
    assert shown_folder(_row("/lib/briefing.mp4")) == "lib"  # at the top: the folder's name
    assert shown_folder(_row("/elsewhere/x/briefing.mp4")) == "x"  # not under it: its parent
