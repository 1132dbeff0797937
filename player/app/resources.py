"""The files shipped with the program: the sample briefing, the icon, the desktop entry.

They live in the top-level ``resources/`` folder of the source tree, which the wheel installs
as the package ``player.resources`` (pyproject.toml maps one to the other). They are found
through the import system (``importlib.util.find_spec``: where the package ``player.resources``
is, without importing anything) wherever the program is installed (a wheel, an editable
install), and in the source folder itself when the package is not installed at all (a clone run
with ``python -m player``). libVLC opens files by name, so the package must be a folder on disk
(not a zip archive). ``importlib.resources.files`` would give the same folder for a package on
disk; it is not used because its modules cost 2-3 ms of every start, before the first frame.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

PACKAGE = "player.resources"
SOURCE_FOLDER = Path(__file__).resolve().parents[2] / "resources"
"""``resources/`` of a source tree, used when ``player.resources`` is not installed."""


class ResourceError(RuntimeError):
    """The shipped files cannot be found as files on disk."""


def resource_dir() -> Path:
    """The folder holding the shipped files."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return SOURCE_FOLDER
    folder = Path(next(iter(spec.submodule_search_locations)))
    if not folder.is_dir():  # inside a zip archive: libVLC could not open the sample
        raise ResourceError(f"{PACKAGE} is not a folder on disk ({folder}): install it unzipped")
    return folder


def sample_media() -> Path:
    """The bundled sample briefing, video version (its transcript and chapters beside it)."""
    return resource_dir() / "sample" / "briefing.mp4"


def sample_audio() -> Path:
    """The bundled sample briefing, audio version (same transcript as the video)."""
    return resource_dir() / "sample" / "briefing.opus"


def icon_path() -> Path:
    """The program's icon (SVG)."""
    return resource_dir() / "icons" / "briefing-player.svg"


def desktop_entry() -> Path:
    """The freedesktop.org desktop entry (``briefing-player.desktop``)."""
    return resource_dir() / "desktop" / "briefing-player.desktop"


def metainfo() -> Path:
    """The AppStream metainfo file."""
    return resource_dir() / "desktop" / "io.github.briefing_player.metainfo.xml"
