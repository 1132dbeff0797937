"""Desktop integration: the shipped desktop entry and AppStream metainfo validate, the file
types "Open with Briefing Player" offers, and ``--install-desktop-entry`` (per-user install of
the entry, icons and metainfo pointing at the running program, atomically; and its removal).

The validators (desktop-file-validate from desktop-file-utils, appstreamcli from appstream) are
installed by ``packaging/bootstrap.sh test``: required under CI=true, skipped otherwise."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from player.app import desktop_entry, resources
from tests.conftest import REPO
from tests.packaging.conftest import require_tool

DESKTOP = REPO / "resources" / "desktop" / "briefing-player.desktop"
METAINFO = REPO / "resources" / "desktop" / "io.github.briefing_player.metainfo.xml"


def _check(command: list[str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, f"{command}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def _keys(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def test_the_desktop_entry_validates() -> None:
    proc = _check([require_tool("desktop-file-validate", "desktop-file-utils"), str(DESKTOP)])
    assert proc.stdout.strip() == "", proc.stdout  # no warnings or hints either


def test_the_metainfo_validates_pedantically_offline() -> None:
    tool = require_tool("appstreamcli", "appstream")
    _check([tool, "validate", "--no-net", "--pedantic", str(METAINFO)])


def test_the_entry_offers_transcripts_and_common_media() -> None:
    keys = _keys(DESKTOP.read_text(encoding="utf-8"))
    types = set(keys["MimeType"].rstrip(";").split(";"))
    wanted = {"text/vtt", "application/x-subrip", "audio/mpeg", "audio/ogg", "audio/mp4"}
    wanted |= {"audio/x-wav", "audio/flac", "video/mp4", "video/webm", "video/x-matroska"}
    assert wanted <= types
    assert keys["Icon"] == "briefing-player"
    assert keys["Exec"] == "briefing-player %f"
    assert f'<launchable type="desktop-id">{DESKTOP.name}</launchable>' in METAINFO.read_text()


@pytest.mark.parametrize(
    ("argument", "quoted"),
    [
        ("/opt/briefing-player/briefing-player", "/opt/briefing-player/briefing-player"),
        ("/home/a b/bin/briefing-player", '"/home/a b/bin/briefing-player"'),
        ('/x/"q"$`%', '"/x/\\\\"q\\\\"\\\\$\\\\`%%"'),
    ],
)
def test_exec_arguments_are_quoted_as_the_specification_says(argument: str, quoted: str) -> None:
    assert desktop_entry.exec_quote(argument) == quoted


def test_install_writes_the_entry_icons_and_metainfo_pointing_at_the_program(
    tmp_path: Path,
) -> None:
    share = tmp_path / "share"
    command = [str(tmp_path / "my apps" / "briefing-player")]
    written = desktop_entry.install({"XDG_DATA_HOME": str(share)}, command)
    entry = share / "applications" / "briefing-player.desktop"
    assert entry in written
    keys = _keys(entry.read_text(encoding="utf-8"))
    assert keys["Exec"] == f'"{command[0]}" %f'
    assert keys["TryExec"] == f'"{command[0]}"'
    assert keys["MimeType"] == _keys(DESKTOP.read_text(encoding="utf-8"))["MimeType"]
    icons = share / "icons" / "hicolor"
    svg = icons / "scalable" / "apps" / "briefing-player.svg"
    assert svg.read_bytes() == resources.icon_path().read_bytes()
    assert (icons / "256x256" / "apps" / "briefing-player.png").is_file()
    assert (icons / "16x16" / "apps" / "briefing-player.png").is_file()
    assert (share / "metainfo" / METAINFO.name).read_bytes() == METAINFO.read_bytes()
    assert not [p for p in share.rglob(".*") if p.is_file()], "a temporary file was left"
    assert (share / "applications").stat().st_mode & 0o077 == 0  # folders it made are private
    if (tool := shutil.which("desktop-file-validate")) is not None:
        _check([tool, str(entry)])

    removed = desktop_entry.uninstall({"XDG_DATA_HOME": str(share)})
    assert sorted(removed) == sorted(written)
    caches = {"mimeinfo.cache", "icon-theme.cache"}  # the desktop's, refreshed when installed
    assert not [p for p in share.rglob("*") if p.is_file() and p.name not in caches]


def test_the_command_line_option_installs_for_the_running_program(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "XDG_DATA_HOME"}
    env.update(XDG_DATA_HOME=str(tmp_path / "share"), HOME=str(tmp_path))
    base = [sys.executable, "-m", "player", "--log-dir", str(tmp_path / "log")]
    proc = subprocess.run(
        [*base, "--install-desktop-entry"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    assert "installed" in proc.stdout and "Traceback" not in proc.stderr
    entry = tmp_path / "share" / "applications" / "briefing-player.desktop"
    assert f"Exec={Path(sys.executable).resolve()} -m player %f" in entry.read_text()
    proc = subprocess.run(
        [*base, "--uninstall-desktop-entry"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    assert not entry.exists()


def test_system_programs_run_without_the_bundles_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/briefing-player/_internal")
    monkeypatch.delenv("LD_LIBRARY_PATH_ORIG", raising=False)
    assert "LD_LIBRARY_PATH" not in desktop_entry.system_environment()
    monkeypatch.setenv("LD_LIBRARY_PATH_ORIG", "/usr/local/lib")
    assert desktop_entry.system_environment()["LD_LIBRARY_PATH"] == "/usr/local/lib"


def test_a_transcript_opened_as_media_plays_the_media_beside_it(tmp_path: Path) -> None:
    """ "Open with Briefing Player" on a .vtt: the recording beside it opens with it."""
    from player.app.options import OPENED_TRANSCRIPTS, validate_args
    from player.cli.dispatch import window_parser
    from player.core.media.sidecar import TRANSCRIPT_EXTENSIONS

    assert set(OPENED_TRANSCRIPTS) == TRANSCRIPT_EXTENSIONS
    for name in ("talk.opus", "talk.mp4", "talk.en.vtt", "talking.mp4", "other.mp3"):
        (tmp_path / name).write_bytes(b"")
    args = window_parser().parse_args([str(tmp_path / "talk.en.vtt")])
    validate_args(args)
    assert (args.media, args.transcript) == (
        str(tmp_path / "talk.mp4"),
        str(tmp_path / "talk.en.vtt"),
    )
    (tmp_path / "talk.en.webm").write_bytes(b"")  # the more specific name wins
    args = window_parser().parse_args([str(tmp_path / "talk.en.vtt")])
    validate_args(args)
    assert args.media == str(tmp_path / "talk.en.webm")
    (tmp_path / "lonely.srt").write_bytes(b"")
    with pytest.raises(ValueError, match="no media named like it"):
        validate_args(window_parser().parse_args([str(tmp_path / "lonely.srt")]))
