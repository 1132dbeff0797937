"""Render the program's hicolor PNG icons from its SVG (run after changing the SVG, commit both).

    .venv/bin/python packaging/make_icons.py

Writes ``resources/icons/hicolor/NxN/apps/briefing-player.png`` for the sizes desktops ask for,
with Qt's SVG renderer (PySide6-Essentials has QtSvg; no other tool needed). The SVG itself is
installed as the scalable icon. PNG output is deterministic for one Qt version.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SVG = REPO / "resources" / "icons" / "briefing-player.svg"
HICOLOR = REPO / "resources" / "icons" / "hicolor"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def render(svg: Path, folder: Path, sizes: tuple[int, ...] = SIZES) -> list[Path]:
    """Write one PNG per size under ``folder/NxN/apps/``; returns the files written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = folder / f"{size}x{size}" / "apps" / f"{svg.stem}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"could not write {target}")
        written.append(target)
    return written


if __name__ == "__main__":
    for path in render(SVG, HICOLOR):
        print(path.relative_to(REPO))
