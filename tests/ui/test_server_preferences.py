"""Preferences ▸ Shared archive without a server: an address with a password is refused (and
never reaches the settings file), the environment variables win over the settings and the
dialog says so, the roots table goes to the settings and back, every field is labelled and
reachable by the keyboard, and a connection test to nowhere reports the reason (without the
password). The library rows of a shared archive say where a briefing is, and why one cannot be
opened here."""

from __future__ import annotations

import itertools
from dataclasses import fields
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from player.core.archive.records import BriefingRow
from player.core.archive.roots import RootMap
from player.core.archive.store import StoredBriefing
from player.ui import settings as S
from player.ui.preferences import PreferencesDialog
from player.ui.server_config import AddressError, check_address, read_config
from player.ui.server_library import listed_status, open_problem, shared_row
from player.ui.server_preferences import SharedArchiveGroup
from player.ui.server_user_data import available

SECRET = "Pa55word"


@pytest.fixture(autouse=True)
def _no_server_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRIEFING_PLAYER_DB", raising=False)
    monkeypatch.delenv("BRIEFING_PLAYER_ROOTS", raising=False)


def _dialog(qtbot: QtBot, settings: S.Settings) -> PreferencesDialog:
    dialog = PreferencesDialog(settings)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://reporter:{SECRET}@db.newsroom:5432/archive",
        f"postgres://reporter@db.newsroom/archive?sslmode=require&password={SECRET}",
    ],
)
def test_an_address_with_a_password_is_refused(qtbot: QtBot, tmp_path: Path, url: str) -> None:
    settings = S.Settings(tmp_path / "settings.ini")
    dialog = _dialog(qtbot, settings)
    group = dialog.shared_archive
    group.address.setText(url)
    dialog.accept()
    assert dialog.isVisible()  # not closed: nothing saved
    assert group.address_note.isVisible() and "~/.pgpass" in group.address_note.text()
    assert "PGPASSWORD" in group.address_note.text() and SECRET not in group.address_note.text()
    assert dialog.focusWidget() is group.address  # the field to fix has the focus
    group.apply()  # even if asked to save, the password never goes to the file
    settings.sync()
    assert SECRET not in Path(settings.path).read_text(encoding="utf-8")
    assert settings.get(S.ARCHIVE_SERVER_URL) == ""
    group.address.setText("postgresql://reporter@db.newsroom:5432/archive")
    dialog.accept()
    assert not dialog.isVisible() and not group.address_note.isVisible()
    dialog.apply()
    assert settings.get(S.ARCHIVE_SERVER_URL) == "postgresql://reporter@db.newsroom:5432/archive"


def test_addresses_are_checked() -> None:
    assert check_address("  ") == ""
    assert (
        check_address(" postgresql://me@/news?host=/run/pg ")
        == "postgresql://me@/news?host=/run/pg"
    )
    with pytest.raises(AddressError, match="postgresql://"):
        check_address("/home/me/archive.sqlite")
    with pytest.raises(AddressError, match="pgpass") as err:
        check_address(f"postgresql://me:{SECRET}@db/news")
    assert SECRET not in str(err.value)


def test_a_password_written_into_the_settings_file_by_hand_is_not_used(tmp_path: Path) -> None:
    settings = S.Settings(tmp_path / "settings.ini")
    settings.set(S.ARCHIVE_SERVER_URL, f"postgresql://me:{SECRET}@db/news")
    assert read_config(settings, {}).url == ""


def test_the_environment_wins_over_the_settings_and_the_dialog_says_so(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = S.Settings(tmp_path / "settings.ini")
    settings.set(S.ARCHIVE_SERVER_URL, "postgresql://me@settings-host/news")
    settings.set(S.ARCHIVE_ROOTS, f"news={tmp_path}/from-settings")
    settings.set(S.ARCHIVE_USER_DATA_ON_SERVER, True)
    config = read_config(settings, {})
    assert config.url == "postgresql://me@settings-host/news" and not config.url_from_env
    assert config.roots.folders == {"news": tmp_path / "from-settings"}
    assert config.user_data_on_server
    env = {
        "BRIEFING_PLAYER_DB": f"postgresql://ed:{SECRET}@env-host/news",
        "BRIEFING_PLAYER_ROOTS": f"news={tmp_path}/from-env",
    }
    config = read_config(settings, env)
    assert config.url == env["BRIEFING_PLAYER_DB"] and config.url_from_env
    assert config.shown == "postgresql://ed@env-host/news"
    assert config.roots.folders == {"news": tmp_path / "from-env"} and config.roots_from_env
    bad = read_config(settings, {"BRIEFING_PLAYER_ROOTS": "news"})  # not NAME=FOLDER
    assert bad.roots.folders == {} and "BRIEFING_PLAYER_ROOTS" in (bad.roots_problem or "")
    assert read_config(settings, {"BRIEFING_PLAYER_DB": "/a/file.sqlite"}).url.endswith("/news")

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    dialog = _dialog(qtbot, settings)
    note = dialog.shared_archive.env_note
    assert note.isVisible()
    assert "BRIEFING_PLAYER_DB is set (postgresql://ed@env-host/news)" in note.text()
    assert "BRIEFING_PLAYER_ROOTS is set" in note.text() and SECRET not in note.text()
    assert dialog.shared_archive.address.text() == "postgresql://me@settings-host/news"
    dialog.reject()


def test_the_roots_table_goes_to_the_settings_and_back(qtbot: QtBot, tmp_path: Path) -> None:
    settings = S.Settings(tmp_path / "settings.ini")
    settings.set(S.ARCHIVE_ROOTS, f"sport={tmp_path}/sport;news={tmp_path}/news")
    dialog = _dialog(qtbot, settings)
    group = dialog.shared_archive
    assert group.rows() == [("news", f"{tmp_path}/news"), ("sport", f"{tmp_path}/sport")]
    assert (group.user_data is not None) == available()  # left out until it can work
    group.roots.setCurrentCell(1, 0)
    group.remove_root_row()
    row = group.add_root_row()
    group.set_root_folder(row, str(tmp_path / "archives" / "parliament"))
    assert group.rows()[-1] == ("parliament", str(tmp_path / "archives" / "parliament"))
    dialog.accept()
    dialog.apply()
    settings.sync()
    again = S.Settings(tmp_path / "settings.ini")
    assert RootMap.parse(again.get(S.ARCHIVE_ROOTS)).folders == {
        "news": tmp_path / "news",
        "parliament": tmp_path / "archives" / "parliament",
    }
    reopened = _dialog(qtbot, again)
    assert [name for name, _ in reopened.shared_archive.rows()] == ["news", "parliament"]
    reopened.reject()


def test_keeping_user_data_on_the_server_is_opt_in(qtbot: QtBot, tmp_path: Path) -> None:
    settings = S.Settings(tmp_path / "settings.ini")
    group = SharedArchiveGroup(settings, user_data_available=True)
    qtbot.addWidget(group)
    assert group.user_data is not None and not group.user_data.isChecked()  # off by default
    assert not read_config(settings, {}).user_data_on_server
    group.address.setText("postgresql://me@db/news")
    group.user_data.setChecked(True)
    assert group.validate()
    group.apply()
    assert (
        settings.get(S.ARCHIVE_USER_DATA_ON_SERVER)
        and read_config(settings, {}).user_data_on_server
    )
    again = SharedArchiveGroup(settings, user_data_available=True)
    qtbot.addWidget(again)
    assert again.user_data is not None and again.user_data.isChecked()
    settings.set(S.ARCHIVE_SERVER_URL, "")
    assert not read_config(settings, {}).user_data_on_server  # no server: nothing goes there
    assert SharedArchiveGroup(settings, user_data_available=False).user_data is None


@pytest.mark.parametrize(
    ("rows", "why"),
    [
        ([("news", "")], "choose its folder"),
        ([("a/b", "/x")], "not a usable library root name"),
        ([("news", "/x"), ("news", "/y")], "given twice"),
    ],
)
def test_a_root_that_cannot_be_used_keeps_the_dialog_open(
    qtbot: QtBot, tmp_path: Path, rows: list[tuple[str, str]], why: str
) -> None:
    settings = S.Settings(tmp_path / "settings.ini")
    dialog = _dialog(qtbot, settings)
    group = dialog.shared_archive
    for name, folder in rows:
        group.add_root_row(name, folder)
    group.add_root_row()  # a blank row is skipped, not refused
    dialog.accept()
    assert dialog.isVisible() and why in group.roots_note.text()
    assert group.roots_note.text().startswith("Root ")
    dialog.reject()


def test_every_field_is_labelled_and_reachable_by_tab(qtbot: QtBot, tmp_path: Path) -> None:
    settings = S.Settings(tmp_path / "settings.ini")
    dialog = _dialog(qtbot, settings)
    group = dialog.shared_archive
    buddies = {label.buddy() for label in group.findChildren(QLabel) if label.buddy()}
    assert group.address in buddies and group.roots in buddies
    for widget in (group.address, group.roots, group.test_button, group.choose_folder):
        assert widget.accessibleName()
    dialog.activateWindow()
    dialog.skip_back.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.skip_back, timeout=5000)
    walk: list[QWidget] = []
    for _ in range(60):
        widget = QApplication.focusWidget()
        assert widget is not None
        walk.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        if QApplication.focusWidget() is dialog.skip_back:
            break
    assert QApplication.focusWidget() is dialog.skip_back  # no trap (the table lets Tab go)
    controls = [group.address, group.test_button, group.roots, group.add_root, group.remove_root]
    assert all(walk.count(c) == 1 for c in controls)
    assert group.user_data is None or group.user_data in walk
    ys = [x.mapTo(dialog, QPoint(0, 0)).y() for x in walk]
    assert all(b >= a - 2 for a, b in itertools.pairwise(ys))  # top to bottom
    dialog.reject()


def test_a_connection_test_to_nowhere_says_why(qtbot: QtBot, tmp_path: Path) -> None:
    settings = S.Settings(tmp_path / "settings.ini")
    dialog = _dialog(qtbot, settings)
    group = dialog.shared_archive
    group.address.setText(f"postgresql://reporter:{SECRET}@/news?host={tmp_path}/nowhere")
    group.test_connection()
    assert "Not tested" in group.test_result.text() and SECRET not in group.test_result.text()
    group.address.setText(f"postgresql://reporter@/news?host={tmp_path}/nowhere")
    group.test_connection()
    assert not group.test_button.isEnabled()
    qtbot.waitUntil(group.test_button.isEnabled, timeout=30000)
    text = group.test_result.text()
    assert text.startswith("Not connected:") and "postgresql://reporter@/news" in text
    dialog.reject()


def test_shared_rows_say_where_they_are(tmp_path: Path) -> None:
    roots = RootMap.parse(f"news={tmp_path}/news")
    (tmp_path / "news" / "2024").mkdir(parents=True)
    media = tmp_path / "news" / "2024" / "2024-05-01 budget.opus"
    media.write_bytes(b"")
    here = shared_row(
        StoredBriefing("news", "2024/2024-05-01 budget.opus", "Budget", "", 60000, "en", "h", 3),
        roots,
        {str(media): 27000},
    )
    assert here.path == str(media) and here.mapped and here.has_media
    assert here.date == "2024-05-01" and here.position_ms == 27000 and here.id < 0
    assert here.folder_cell() == "news: 2024" and f"On this computer: {media}" in here.where()
    assert open_problem(here) is None
    away = shared_row(StoredBriefing("sport", "cup.vtt", "Cup", "", None, None, "h", 2), roots, {})
    assert away.path == "sport:cup.vtt" and not away.mapped
    problem = open_problem(away) or ""
    assert "“sport”" in problem and "not mapped on this computer" in problem
    assert "Preferences ▸ Shared archive" in problem
    hit_briefing = BriefingRow(**{f.name: getattr(away, f.name) for f in fields(BriefingRow)})
    assert "“sport”" in (open_problem(hit_briefing) or "")  # a search hit's briefing too
    local = BriefingRow(**{f.name: getattr(here, f.name) for f in fields(BriefingRow)} | {"id": 7})
    media.unlink()
    assert "is not at" in (open_problem(here) or "")
    assert open_problem(local) is None  # this computer's archive: opened as before
    status = listed_status("postgresql://me@db/news", [here, away])
    assert status.startswith("Shared archive postgresql://me@db/news: 2 briefings")
    assert "Not mapped on this computer: “sport”" in status
