"""The wheel: every package and the shipped files are in it, and installed into a fresh virtual
environment, ``briefing-player`` with no media plays the bundled sample.

The wheel is built offline from a copy of the files it is made of (``--no-build-isolation``:
the set-up installs setuptools with the test extras), so that no stale ``build/`` folder of the
checkout can slip into it. The fresh environment gets the wheel alone; its dependencies (PySide6,
python-vlc...) come from the development environment's site-packages through a ``.pth`` line,
which adds that folder to ``sys.path`` without running its ``.pth`` files, so the editable
install of this checkout is not seen there.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLE_DIR

SHIPPED = [
    "player/resources/__init__.py",
    "player/resources/sample/briefing.mp4",
    "player/resources/sample/briefing.opus",
    "player/resources/sample/briefing.vtt",
    "player/resources/sample/briefing.chapters.vtt",
    "player/resources/icons/briefing-player.svg",
    "player/resources/desktop/briefing-player.desktop",
    "player/resources/desktop/io.github.briefing_player.metainfo.xml",
]
WHEEL_SOURCES = ("pyproject.toml", "README.md", "LICENSE", "player", "resources")


def _packages_in_the_tree() -> set[str]:
    found = {"player.resources"}  # resources/, mapped into the package (pyproject.toml)
    for init in (REPO / "player").rglob("*.py"):
        found.add(".".join(init.parent.relative_to(REPO).parts))
    return found


def test_every_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    missing = sorted(_packages_in_the_tree() - listed)
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"
    assert listed <= _packages_in_the_tree(), "pyproject.toml lists a package that is gone"


def _run(
    command: Sequence[object], *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(c) for c in command],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
        env=env,
    )
    assert proc.returncode == 0, f"{command}:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc


def _build_wheel(tmp_path: Path) -> Path:
    version = importlib.metadata.version("setuptools")
    if int(version.split(".")[0]) < 77:
        pytest.fail(f"setuptools {version} < 77: run `.venv/bin/pip install -e '.[test]'`")
    source = tmp_path / "source"
    source.mkdir()
    for name in WHEEL_SOURCES:
        if (REPO / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(REPO / name, source / name, ignore=ignore)
        else:
            shutil.copy2(REPO / name, source / name)
    dist = tmp_path / "dist"
    pip_wheel = [sys.executable, "-m", "pip", "wheel", source, "--no-deps", "--no-build-isolation"]
    _run([*pip_wheel, "--no-index", "--disable-pip-version-check", "-q", "-w", dist])
    (wheel,) = dist.glob("briefing_player-*.whl")
    return wheel


def _fresh_venv_with(wheel: Path, root: Path) -> Path:
    """A new virtual environment holding the wheel; returns its ``bin`` folder."""
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    bin_dir = venv / ("Scripts" if sys.platform == "win32" else "bin")
    python = bin_dir / "python"
    install = [sys.executable, "-m", "pip", "--python", python, "install", "--no-index"]
    _run([*install, "--no-deps", "--disable-pip-version-check", "-q", wheel])
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    import PySide6

    dependencies = Path(PySide6.__file__).resolve().parent.parent
    (Path(site.stdout.strip()) / "dev_dependencies.pth").write_text(f"{dependencies}\n")
    return bin_dir


@pytest.mark.slow
@pytest.mark.vlc
def test_the_installed_wheel_plays_the_bundled_sample(require_libvlc: None, tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    assert not [name for name in SHIPPED if name not in names]
    sources = {p.relative_to(REPO).as_posix() for p in (REPO / "player").rglob("*.py")}
    assert not sources - names, "modules missing from the wheel"

    bin_dir = _fresh_venv_with(wheel, tmp_path)
    work = tmp_path / "work"  # not the checkout: its player/ must not be importable
    work.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    env.update(QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"))
    where = _run(
        [bin_dir / "python", "-c", "import player; print(player.__file__)"], cwd=work, env=env
    )
    installed = Path(where.stdout.strip()).parent
    assert installed.is_relative_to(tmp_path / "venv"), installed

    log_dir = tmp_path / "log"
    program = [bin_dir / "briefing-player", "--exit-after-playing", "1000", "--log-dir", log_dir]
    proc = _run([*program, "--config-dir", tmp_path / "cfg"], cwd=work, env=env)
    assert "Traceback" not in proc.stderr
    log = (log_dir / "briefing-player.log").read_text(encoding="utf-8")
    sample = installed / "resources" / "sample" / "briefing.mp4"
    assert f"played {sample} to " in log
    lines = (SAMPLE_DIR / "briefing.vtt").read_text(encoding="utf-8").count(" --> ")
    assert f" ms, {lines} transcript lines shown" in log
