"""Default locations of the user's files (platformdirs), in one place for the CLI and the window.

Nothing here is looked up implicitly elsewhere: ``player.app.main`` and ``player.app.compose``
(and the CLI) call these to fill in defaults, and every component receives its paths as
arguments, so tests pass their own folders.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

APP_NAME = "briefing-player"

log = logging.getLogger(__name__)


def default_db_path() -> Path:
    """The archive database unless ``--db`` says otherwise. Its folder (the program's own data
    folder: index, notes, positions) is made private (0700) here, whatever the umask; a folder
    left readable by an older version is made private too."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir(APP_NAME, appauthor=False))
    make_private_dir(folder)
    return folder / "archive.sqlite"


def make_private_dir(folder: Path) -> None:
    """Make ``folder`` (and missing parents) and set it to 0700 (the user only). Never raises:
    a folder that cannot be made is reported by whoever writes in it."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
    except OSError as err:
        log.warning("cannot make the folder %s private: %s", folder, err)


def default_config_dir() -> Path:
    """The settings folder unless ``--config-dir`` says otherwise; made private (0700), as the
    data folder is (a folder given by ``--config-dir`` keeps its permissions: its settings
    file is private all the same)."""
    from platformdirs import user_config_dir

    folder = Path(user_config_dir(APP_NAME, appauthor=False))
    make_private_dir(folder)
    return folder


def default_log_dir() -> Path:
    """The log folder unless ``--log-dir`` says otherwise (in the user state folder on Linux:
    ``~/.local/state/briefing-player/log``)."""
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))
