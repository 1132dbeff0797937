"""The one owner of resume positions: the archive's user-data store behind ResumeStore."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from player.core.archive.library import Archive
from player.core.archive.schema import user_db_path_for
from player.ui import settings as S
from player.ui.resume_store import ResumeStore

MEDIA = "/m/briefing.opus"
WAIT_MS = 10_000


def _settings(tmp_path: Path) -> S.Settings:
    return S.Settings(tmp_path / "cfg" / "settings.ini")


def test_a_position_survives_a_restart(tmp_path: Path) -> None:
    user_db = tmp_path / "data" / "archive.user.sqlite"
    first = ResumeStore(user_db)
    assert first.resume_position(MEDIA) is None
    first.set_resume_position(MEDIA, 61_000)
    assert first.resume_position(MEDIA) == 61_000
    first.close()
    again = ResumeStore(user_db)
    assert again.resume_position(MEDIA) == 61_000
    assert again.problem is None
    again.set_resume_position(MEDIA, None)  # reaching the end: start from the beginning
    again.close()
    assert again.user_store() is None  # closed for good: never opened again
    assert ResumeStore(user_db).resume_position(MEDIA) is None


def test_zero_forgets_and_saving_again_replaces(tmp_path: Path) -> None:
    store = ResumeStore(tmp_path / "u.sqlite")
    store.set_resume_position(MEDIA, 10_000)
    store.set_resume_position(MEDIA, 20_000)
    assert store.resume_position(MEDIA) == 20_000
    store.set_resume_position(MEDIA, 0)
    assert store.resume_position(MEDIA) is None
    store.close()


def test_look_up_answers_by_signal_from_a_worker(qtbot: QtBot, tmp_path: Path) -> None:
    store = ResumeStore(tmp_path / "u.sqlite")
    store.set_resume_position(MEDIA, 42_000)
    with qtbot.waitSignal(store.position_found, timeout=WAIT_MS) as found:
        store.look_up(MEDIA)
    assert found.args == [MEDIA, 42_000]
    with qtbot.waitSignal(store.position_found, timeout=WAIT_MS) as found:
        store.look_up("/m/never.opus")
    assert found.args == ["/m/never.opus", None]
    store.close()


def test_the_store_opens_on_first_use_only(tmp_path: Path) -> None:
    asked: list[int] = []

    def archive_db() -> Path:
        asked.append(1)
        return tmp_path / "db" / "archive.sqlite"

    store = ResumeStore.for_archive(archive_db)
    assert asked == []  # looking up the user's data folder waits for the first use
    store.set_resume_position(MEDIA, 7000)
    assert asked == [1]
    user_store = store.user_store()
    assert user_store is not None
    assert user_store.path == user_db_path_for(tmp_path / "db" / "archive.sqlite")
    store.close()


def test_positions_of_the_settings_file_move_into_the_store_once(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    settings.set(S.RESUME_POSITIONS, {MEDIA: 30_000, "/m/other.mp4": 90_000, "/m/bad": "x"})
    settings.sync()
    user_db = tmp_path / "u.sqlite"
    store = ResumeStore(user_db, legacy=settings)
    assert store.resume_position(MEDIA) == 30_000
    assert store.resume_position("/m/other.mp4") == 90_000
    settings.sync()
    assert "resume_positions" not in Path(settings.path).read_text(encoding="utf-8")
    store.set_resume_position(MEDIA, None)
    store.close()
    # The next start finds nothing to move: a forgotten position stays forgotten.
    again = ResumeStore(user_db, legacy=_settings(tmp_path))
    assert again.resume_position(MEDIA) is None
    assert again.resume_position("/m/other.mp4") == 90_000
    again.close()


def test_an_unusable_user_file_keeps_positions_for_the_session(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    user_db = tmp_path / "u.sqlite"
    user_db.write_bytes(b"not a database at all" * 100)
    settings = _settings(tmp_path)
    settings.set(S.RESUME_POSITIONS, {MEDIA: 30_000})
    with caplog.at_level(logging.WARNING, logger="player.ui.resume_store"):
        store = ResumeStore(user_db, legacy=settings)
        assert store.resume_position(MEDIA) == 30_000  # the old copy still serves
    assert store.problem is not None and "not a database" in store.problem
    assert "session only" in caplog.text
    store.set_resume_position("/m/new.opus", 12_000)
    assert store.resume_position("/m/new.opus") == 12_000
    assert settings.legacy_resume_positions() == {MEDIA: 30_000}  # kept until it can move
    assert user_db.read_bytes().startswith(b"not a database")  # never overwritten
    store.close()


def test_without_a_file_positions_last_the_session(tmp_path: Path) -> None:
    store = ResumeStore(None)
    store.set_resume_position(MEDIA, 9000)
    assert store.resume_position(MEDIA) == 9000
    assert store.user_store() is None and store.problem is None


def test_the_library_reads_the_same_positions(tmp_path: Path) -> None:
    db = tmp_path / "db" / "archive.sqlite"
    store = ResumeStore.for_archive(db)
    media = tmp_path / "talk.opus"
    store.set_resume_position(str(media), 42_000)
    shared = store.user_store()
    assert shared is not None
    with Archive.open(db, user_store=shared) as archive:
        assert archive.get_position(media) == 42_000
        archive.set_position(media, 43_000)
    assert store.resume_position(str(media)) == 43_000  # the archive left the store open
    store.close()
