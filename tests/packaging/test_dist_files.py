"""The wheel and the sdist carry everything: the shipped files (sample, icons, desktop entry,
metainfo) in both, and in the sdist what a distribution needs to build and test from it
(tests, packaging scripts, docs). Both are built offline from a copy of the checkout's files, as
``tests/test_wheel.py`` does (which also installs the wheel and plays the sample)."""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from player import __version__
from tests.conftest import REPO

SOURCES = (
    "pyproject.toml",
    "README.md",
    "CHANGELOG.md",
    "LICENSE",
    "MANIFEST.in",
    "player",
    "resources",
    "tests",
    "packaging",
    "docs",
    "benchmarks",
)
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
RESOURCES = [
    "sample/briefing.mp4",
    "sample/briefing.opus",
    "sample/briefing.vtt",
    "sample/briefing.chapters.vtt",
    "icons/briefing-player.svg",
    *(f"icons/hicolor/{n}x{n}/apps/briefing-player.png" for n in ICON_SIZES),
    "desktop/briefing-player.desktop",
    "desktop/io.github.briefing_player.metainfo.xml",
]
SDIST_EXTRAS = [
    "MANIFEST.in",
    "CHANGELOG.md",
    "packaging/bootstrap.sh",
    "packaging/make_icons.py",
    "packaging/pyinstaller/briefing-player.spec",
    "packaging/pyinstaller/rthook_vlc.py",
    "tests/conftest.py",
    "tests/packaging/test_dist_files.py",
    "docs/ARCHITECTURE.md",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(wheel, sdist) built with the development environment's setuptools, offline."""
    version = importlib.metadata.version("setuptools")
    if int(version.split(".")[0]) < 77:
        pytest.fail(f"setuptools {version} < 77: run `.venv/bin/pip install -e '.[test]'`")
    root = tmp_path_factory.mktemp("dist")
    source = root / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "build", "dist", "*.egg-info")
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=ignore)
        elif (REPO / name).is_file():
            shutil.copy2(REPO / name, source / name)
    out = root / "out"
    built_names = []
    for hook in ("build_sdist", "build_wheel"):  # one process each, as a build frontend does
        script = (
            "import sys; from setuptools import build_meta as b; "
            f"print('BUILT', b.{hook}(sys.argv[1]))"
        )
        proc = subprocess.run(
            [sys.executable, "-c", script, str(out)],
            cwd=source,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        built_line = [line for line in proc.stdout.splitlines() if line.startswith("BUILT ")][-1]
        built_names.append(built_line.split()[1])
    sdist_name, wheel_name = built_names
    return out / wheel_name, out / sdist_name


def test_the_wheel_holds_every_shipped_file(built: tuple[Path, Path]) -> None:
    wheel, _ = built
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in RESOURCES if f"player/resources/{name}" not in names]
    assert not missing, f"missing from the wheel: {missing}"
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "player").rglob("*.py")}
    assert not modules - names, f"modules missing from the wheel: {sorted(modules - names)}"
    assert not [n for n in names if n.startswith(("tests/", "packaging/")) or "__pycache__" in n]
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "briefing-player = player.app.main:main" in text


def test_the_sdist_holds_the_resources_tests_and_packaging(built: tuple[Path, Path]) -> None:
    _, sdist = built
    prefix = f"briefing_player-{__version__}/"
    with tarfile.open(sdist) as archive:
        names = {member.name.removeprefix(prefix) for member in archive.getmembers()}
    missing = [f"resources/{name}" for name in RESOURCES if f"resources/{name}" not in names]
    missing += [name for name in SDIST_EXTRAS if name not in names]
    assert not missing, f"missing from the sdist: {missing}"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_the_png_icons_are_rendered_from_the_svg_at_their_size() -> None:
    """``packaging/make_icons.py`` was run: every size is there, square, of that size."""
    for size in ICON_SIZES:
        png = REPO / "resources" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        data = (png / "briefing-player.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (size, size)
