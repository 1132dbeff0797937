"""Default locations of the user's files (platformdirs), in one place for the CLI and the window.

Nothing here is looked up implicitly elsewhere: ``player.app.main`` and ``player.app.compose``
(and the CLI) call these to fill in defaults, and every component receives its paths as
arguments, so tests pass their own folders.
"""

from __future__ import annotations

from pathlib import Path

APP_NAME = "briefing-player"


def default_db_path() -> Path:
    """The archive database unless ``--db`` says otherwise."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "archive.sqlite"


def default_config_dir() -> Path:
    """The settings folder unless ``--config-dir`` says otherwise."""
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def default_log_dir() -> Path:
    """The log folder unless ``--log-dir`` says otherwise (in the user state folder on Linux:
    ``~/.local/state/briefing-player/log``)."""
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))
