"""The typed settings facade: round trips, bad stored values, and no rewrite for no change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from player.ui import settings as S


def _fresh(tmp_path: Path) -> S.Settings:
    return S.Settings(tmp_path / "cfg" / "settings.ini")


def test_every_setting_round_trips_through_the_file(tmp_path: Path) -> None:
    values: list[tuple[S.Setting[Any], object]] = [
        (S.VOLUME, 42),
        (S.FOLLOW_ENABLED, False),
        (S.WINDOW_GEOMETRY, b"\x00\x01geometry\xff"),
        (S.RECENT_FILES, ["/a/b.opus", "/c/d é.mp4"]),
        (S.RESUME_POSITIONS, {"/a/b.opus": 61_000}),
        (S.ARCHIVE_DB, "/tmp/archive.sqlite"),
    ]
    settings = _fresh(tmp_path)
    for setting, value in values:
        settings.set(setting, value)
    settings.sync()
    again = _fresh(tmp_path)
    for setting, value in values:
        assert again.get(setting) == value
    assert again.get(S.SKIP_BACK_MS) == S.SKIP_BACK_MS.default


def test_unreadable_values_give_the_default(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "settings.ini"
    path.parent.mkdir()
    path.write_text(
        '[playback]\nvolume=loud\n[files]\nrecent="{not json"\nresume_positions=[1, 2]\n',
        encoding="utf-8",
    )
    settings = S.Settings(path)
    assert settings.get(S.VOLUME) == S.VOLUME.default
    assert settings.get(S.RECENT_FILES) == []
    assert settings.get(S.RESUME_POSITIONS) == {}
    assert settings.legacy_resume_positions() == {}


def test_setting_the_same_value_does_not_rewrite_the_file(tmp_path: Path) -> None:
    settings = _fresh(tmp_path)
    settings.set(S.VOLUME, 80)
    settings.add_recent("/x/briefing.mp4")
    settings.sync()
    path = Path(settings.path)
    before = path.stat()
    settings.set(S.VOLUME, 80)
    settings.add_recent("/x/briefing.mp4")  # already first: nothing changes
    settings.sync()
    after = path.stat()  # a rewrite replaces the file (new inode) and moves its mtime
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    settings.set(S.VOLUME, 81)  # a real change is still written
    settings.sync()
    assert _fresh(tmp_path).get(S.VOLUME) == 81


def test_recent_files_are_newest_first_without_duplicates_and_capped(tmp_path: Path) -> None:
    settings = _fresh(tmp_path)
    for i in range(S.MAX_RECENT + 3):
        settings.add_recent(f"/m/{i}.opus")
    recent = settings.add_recent("/m/5.opus")
    assert recent[0] == "/m/5.opus"
    assert len(recent) == S.MAX_RECENT
    assert len(set(recent)) == len(recent)


def test_legacy_resume_positions_are_read_and_then_forgotten(tmp_path: Path) -> None:
    """Older versions kept resume positions here; ResumeStore reads them once, then they go."""
    path = tmp_path / "cfg" / "settings.ini"
    path.parent.mkdir()
    path.write_text(
        '[files]\nresume_positions="{\\"/m/a.opus\\": 12345, \\"/m/b.opus\\": 0, '
        '\\"/m/c.opus\\": \\"x\\"}"\n',
        encoding="utf-8",
    )
    settings = S.Settings(path)
    assert settings.legacy_resume_positions() == {"/m/a.opus": 12_345}
    settings.forget_legacy_resume_positions()
    settings.sync()
    assert S.Settings(path).legacy_resume_positions() == {}
    assert "resume_positions" not in path.read_text(encoding="utf-8")
    assert S.RESUME_POSITIONS not in S.ALL_SETTINGS  # declared only to be read once


def test_an_unreadable_value_is_replaced_even_by_the_default(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "settings.ini"
    path.parent.mkdir()
    path.write_text("[playback]\nvolume=loud\n[transcript]\nfollow=maybe\n", encoding="utf-8")
    settings = S.Settings(path)
    settings.set(S.VOLUME, S.VOLUME.default)
    settings.set(S.FOLLOW_ENABLED, S.FOLLOW_ENABLED.default)
    settings.sync()
    text = path.read_text(encoding="utf-8")
    assert "loud" not in text and "maybe" not in text
    assert S.Settings(path).get(S.VOLUME) == S.VOLUME.default


def test_positions_written_in_order_are_read_back_in_order(tmp_path: Path) -> None:
    """What an older version wrote (JSON, oldest first) is read back as it was written."""
    settings = _fresh(tmp_path)
    settings.set(S.RESUME_POSITIONS, {"/m/b.opus": 20_000, "/m/a.opus": 10_000})
    settings.sync()
    assert list(_fresh(tmp_path).legacy_resume_positions()) == ["/m/b.opus", "/m/a.opus"]
