"""Where a file dialog opens: the current media's folder, then the last folder a dialog was
used in (remembered in the settings), then the user's home; never the working directory."""

from __future__ import annotations

from pathlib import Path

from player.ui import settings as S


def start_folder(settings: S.Settings, media: str | None) -> str:
    """The folder to open a file dialog in, for the media now open (None: none)."""
    candidates = [Path(media).parent] if media else []
    last = settings.get(S.LAST_FOLDER)
    if last:
        candidates.append(Path(last))
    for folder in candidates:
        if folder.is_dir():
            return str(folder)
    return str(Path.home())


def remember_folder(settings: S.Settings, chosen: str | None) -> None:
    """Remember the folder of a file chosen in a dialog (nothing for a cancelled one)."""
    if chosen:
        settings.set(S.LAST_FOLDER, str(Path(chosen).parent))


def start_folder_for(widget: object) -> str:
    """``start_folder`` for a widget inside the main window (its settings and controller);
    the user's home when it is not in one."""
    window = widget.window() if hasattr(widget, "window") else None
    settings = getattr(window, "settings", None)
    media = getattr(getattr(window, "controller", None), "media_path", None)
    if isinstance(settings, S.Settings):
        return start_folder(settings, media)
    return str(Path(media).parent) if media else str(Path.home())
