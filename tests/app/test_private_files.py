"""Files the program writes are private to the user (0600 files, 0700 folders) whatever the
umask: the settings file (it lists the recent files), the data folder, the log folder and file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from player.app import logs
from player.app.paths import default_config_dir, default_db_path
from player.ui.settings import RECENT_FILES, Settings
from tests.conftest import REPO, SAMPLE_DIR


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.usefixtures("umask_022")
def test_the_settings_file_and_its_new_folder_are_private(tmp_path: Path) -> None:
    path = tmp_path / "config" / "briefing-player" / "settings.ini"
    settings = Settings(path)
    settings.add_recent("/home/user/secret-briefing.mp3")
    settings.sync()
    assert "secret-briefing" in path.read_text(encoding="utf-8")
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    # Written again (QSettings saves through a new file): still private.
    settings.add_recent("/home/user/other.mp3")
    settings.sync()
    assert _mode(path) == 0o600
    assert Settings(path).get(RECENT_FILES)[0] == "/home/user/other.mp3"


@pytest.mark.usefixtures("umask_022")
def test_a_settings_file_left_readable_is_made_private(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    path = shared / "settings.ini"
    path.write_text('[files]\nrecent="[\\"/a.mp3\\"]"\n', encoding="utf-8")
    path.chmod(0o644)
    Settings(path)
    assert _mode(path) == 0o600
    assert _mode(shared) == 0o755  # a folder that already existed keeps its permissions


@pytest.mark.usefixtures("umask_022")
def test_the_default_data_folder_is_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("XDG folders: Linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    db = default_db_path()
    assert db == tmp_path / "data" / "briefing-player" / "archive.sqlite"
    assert _mode(db.parent) == 0o700
    db.parent.chmod(0o755)  # made by an older version
    default_db_path()
    assert _mode(db.parent) == 0o700


@pytest.mark.usefixtures("umask_022")
def test_the_default_settings_folder_is_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("XDG folders: Linux")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    folder = default_config_dir()
    assert folder == tmp_path / "config" / "briefing-player"
    assert _mode(folder) == 0o700
    folder.chmod(0o755)  # made by an older version
    default_config_dir()
    assert _mode(folder) == 0o700


def test_a_real_run_under_umask_022_leaves_only_private_folders(tmp_path: Path) -> None:
    """``index`` with the default archive and log locations, as a user runs it."""
    if not sys.platform.startswith("linux"):
        pytest.skip("XDG folders: Linux")
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "player", "index", str(SAMPLE_DIR)],
        umask=0o022,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = tmp_path / "data" / "briefing-player"
    assert (data / "archive.sqlite").is_file()
    assert _mode(data) == 0o700
    log_dir = tmp_path / "state" / "briefing-player" / "log"
    assert _mode(log_dir) == 0o700
    assert _mode(log_dir / logs.LOG_FILE_NAME) == 0o600
