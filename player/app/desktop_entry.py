"""``briefing-player --install-desktop-entry``: the menu entry and icons for one user.

For installs that put no menu entry in place themselves (the bundle unpacked from its tarball, a
``pip install`` into a virtual environment): writes the desktop entry into
``$XDG_DATA_HOME/applications`` (``~/.local/share/applications``), pointing at the program that
is running, the hicolor icons into ``$XDG_DATA_HOME/icons/hicolor`` and the AppStream metainfo
into ``$XDG_DATA_HOME/metainfo``. Each file is written atomically (a temporary file renamed
over the old one); folders it creates are private. ``--uninstall-desktop-entry`` removes exactly
those files. The desktop's caches are refreshed when their tools are there (optional: desktops
also watch the folders). freedesktop.org desktops only (Linux and the BSDs).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from player.app import resources

log = logging.getLogger(__name__)

DESKTOP_FILE = "briefing-player.desktop"
ICON_NAME = "briefing-player"


def data_home(environ: Mapping[str, str]) -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset or not absolute."""
    value = environ.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".local" / "share"


def running_command() -> list[str]:
    """The command that starts the program that is running now (absolute paths)."""
    if getattr(sys, "frozen", False):  # the bundle: its own executable
        return [str(Path(sys.executable).resolve())]
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is not None and script.name == "briefing-player" and script.exists():
        return [str(script.resolve())]  # the console script of a wheel or editable install
    return [str(Path(sys.executable).resolve()), "-m", "player"]


def exec_quote(argument: str) -> str:
    """One argument of a desktop entry's ``Exec`` key, quoted as the specification says."""
    if argument and not any(c in argument for c in " \t\n\"'\\><~|&;$*?#()`%"):
        return argument
    escaped = argument.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("`", "\\`").replace("$", "\\$").replace("%", "%%")
    # The desktop file's own string escaping doubles backslashes once more.
    return '"' + escaped.replace("\\", "\\\\") + '"'


def entry_text(template: str, command: Sequence[str]) -> str:
    """The shipped desktop entry with ``Exec`` and ``TryExec`` pointing at ``command``."""
    exec_line = " ".join(exec_quote(part) for part in command) + " %f"
    lines = []
    for line in template.splitlines():
        if line.startswith("Exec="):
            lines.append(f"Exec={exec_line}")
            lines.append(f"TryExec={exec_quote(command[0])}")
        elif not line.startswith("TryExec="):
            lines.append(line)
    return "\n".join(lines) + "\n"


def _write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a private temporary file renamed over it."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def planned_files(share: Path) -> dict[Path, Path | None]:
    """Where each file goes (key) and the shipped file it copies (None: the desktop entry)."""
    icons = resources.resource_dir() / "icons"
    files: dict[Path, Path | None] = {share / "applications" / DESKTOP_FILE: None}
    files[share / "icons" / "hicolor" / "scalable" / "apps" / f"{ICON_NAME}.svg"] = (
        resources.icon_path()
    )
    for png in sorted((icons / "hicolor").glob(f"*/apps/{ICON_NAME}.png")):
        files[share / "icons" / "hicolor" / png.relative_to(icons / "hicolor")] = png
    files[share / "metainfo" / resources.metainfo().name] = resources.metainfo()
    return files


def install(environ: Mapping[str, str], command: Sequence[str] | None = None) -> list[Path]:
    """Write the desktop entry, icons and metainfo for this user; returns the files written."""
    share = data_home(environ)
    template = resources.desktop_entry().read_text(encoding="utf-8")
    written = []
    for target, source in planned_files(share).items():
        if source is None:
            data = entry_text(template, command or running_command()).encode("utf-8")
        else:
            data = source.read_bytes()
        _write_atomically(target, data)
        written.append(target)
    _refresh_caches(share)
    return written


def uninstall(environ: Mapping[str, str]) -> list[Path]:
    """Remove what :func:`install` wrote (folders are left); returns the files removed."""
    share = data_home(environ)
    removed = []
    for target in planned_files(share):
        if target.is_file():
            target.unlink()
            removed.append(target)
    _refresh_caches(share)
    return removed


def system_environment() -> dict[str, str]:
    """The environment for a system program: in the bundle, without the bundle's libraries.

    PyInstaller's bootloader puts the bundle's folder first in ``LD_LIBRARY_PATH`` (and keeps
    the user's value in ``LD_LIBRARY_PATH_ORIG``); a system program must not load those.
    """
    environ = dict(os.environ)
    if getattr(sys, "frozen", False):
        original = environ.pop("LD_LIBRARY_PATH_ORIG", None)
        if original is None:
            environ.pop("LD_LIBRARY_PATH", None)
        else:
            environ["LD_LIBRARY_PATH"] = original
    return environ


def _refresh_caches(share: Path) -> None:
    """Tell the desktop about the change when its tools are installed (never required)."""
    commands = (
        ["update-desktop-database", "-q", str(share / "applications")],
        ["gtk-update-icon-cache", "-q", "-t", "-f", str(share / "icons" / "hicolor")],
    )
    for command in commands:
        if shutil.which(command[0]) and Path(command[-1]).is_dir():
            try:
                subprocess.run(
                    command, capture_output=True, timeout=30, check=False, env=system_environment()
                )
            except (OSError, subprocess.SubprocessError) as err:
                log.info("%s: %s", command[0], err)


def run(*, remove: bool = False, environ: Mapping[str, str] | None = None) -> int:
    """The command-line action: install (or remove) and say what was done; exit status."""
    if sys.platform in ("win32", "darwin"):
        print(
            "error: desktop entries are for Linux desktops; see packaging/README.md for "
            "this system",
            file=sys.stderr,
        )
        return 2
    environ = os.environ if environ is None else environ
    try:
        files = uninstall(environ) if remove else install(environ)
    except (OSError, resources.ResourceError) as err:
        log.error("desktop entry: %s", err)
        print(f"error: could not write the desktop entry: {err}", file=sys.stderr)
        return 1
    verb = "removed" if remove else "installed"
    log.info("desktop entry %s: %s", verb, [str(f) for f in files])
    print(f"{verb} {len(files)} files under {data_home(environ)}")
    if not remove:
        print("Briefing Player is in the applications menu (log in again if it is not shown).")
    return 0
