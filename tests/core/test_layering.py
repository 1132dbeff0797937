"""The layering of ARCHITECTURE.md, checked on the sources: Qt only in ``player/ui``, python-vlc
only in the libVLC adapter. (Start-up relies on it too: PySide6 is told that the other packages
do not use it, see ``player.ui.application._spare_source_scans``.)"""

from __future__ import annotations

import re
from pathlib import Path

PLAYER = Path(__file__).resolve().parents[2] / "player"
IMPORTS_VLC = re.compile(r"^\s*(import vlc\b|from vlc import)", re.MULTILINE)
IMPORTS_QT = re.compile(r"^\s*(import PySide6|from PySide6)", re.MULTILINE)


def _sources(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (PLAYER / package).rglob("*.py"))


def test_qt_is_used_only_in_the_ui_package() -> None:
    # Not even named in these packages (PySide6's own check looks for the text).
    files = _sources("core", "playback", "commands")
    assert files
    assert [p.name for p in files if "PySide6" in p.read_text(encoding="utf-8")] == []
    top = sorted(PLAYER.glob("*.py"))  # app, cli, paths, gc_pause...: mention it, never import it
    assert [p.name for p in top if IMPORTS_QT.search(p.read_text(encoding="utf-8"))] == []


def test_python_vlc_is_imported_only_by_the_libvlc_adapter() -> None:
    importing = [
        p.relative_to(PLAYER).as_posix()
        for p in _sources("core", "playback", "commands", "ui")
        if IMPORTS_VLC.search(p.read_text(encoding="utf-8"))
    ]
    assert importing == ["playback/vlc_backend.py"]
