"""The bundle's licence gathering (``packaging/pyinstaller/bundle_licenses.py``) on a few real
files of this machine, without building a bundle (``test_bundle.py`` checks a built one): a
wheel's module brings its distribution's licence, the standard library the interpreter's, a
Debian library its package's copyright; the .deb's copyright lists them."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import webvtt

from tests.conftest import REPO

SCRIPT = REPO / "packaging" / "pyinstaller" / "bundle_licenses.py"
LIBVLC = Path("/usr/lib/x86_64-linux-gnu/libvlc.so.5")


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bundle_licenses", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bundle_licenses"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_each_source_brings_its_components_licence_text(tmp_path: Path) -> None:
    licenses = _module()
    sources = [webvtt.__file__, os.__file__, str(REPO / "player" / "__init__.py")]
    debian = shutil.which("dpkg") is not None and LIBVLC.is_file()
    if debian:
        sources.append(str(LIBVLC))
    out = tmp_path / "licenses"
    licenses.gather(out, sources, REPO)
    components = json.loads((out / "components.json").read_text(encoding="utf-8"))
    by_name = {c["name"]: c for c in components}
    assert by_name["briefing-player"]["files"] == ["briefing-player/LICENSE"]
    assert "Permission is hereby granted" in (out / "briefing-player" / "LICENSE").read_text()
    assert by_name["webvtt-py"]["kind"] == "python"
    assert any(f.startswith("python/webvtt-py/") for f in by_name["webvtt-py"]["files"])
    if (Path(os.__file__).parent / "LICENSE.txt").is_file():
        assert "PYTHON SOFTWARE FOUNDATION" in (out / "python-runtime" / "LICENSE.txt").read_text()
    assert "pyinstaller" in by_name, "the bootloader is always in a bundle"
    if debian:
        assert by_name["libvlc5"]["files"] == ["debian/libvlc5.copyright"]
        assert "LGPL" in (out / "debian" / "libvlc5.copyright").read_text()
    index = (out / "README.txt").read_text(encoding="utf-8")
    assert "webvtt-py" in index and "no licence text found" not in index


def test_the_deb_copyright_lists_the_components_in_its_comment() -> None:
    licenses = _module()
    template = (REPO / "packaging" / "deb" / "copyright").read_text(encoding="utf-8")
    components = [
        {"kind": "program", "name": "briefing-player", "version": "", "license": "MIT"},
        {"kind": "python", "name": "python-vlc", "version": "3.0", "license": "LGPL-2.1+"},
        {"kind": "debian", "name": "libvlc5", "version": "3.0.24", "license": "see copyright"},
    ]
    text = licenses.deb_copyright(template, components, "briefing-player-transcribe")
    assert "/usr/share/doc/briefing-player-transcribe/licenses/" in text
    assert "  python-vlc 3.0 (LGPL-2.1+)\n" in text and "  libvlc5 3.0.24\n" in text
    assert "@" not in text.replace("@users.noreply", "")
    comment = text.split("\nFiles:")[0].splitlines()[3:]
    assert comment and all(line.startswith(" ") for line in comment), "DEP-5 continuation lines"


@pytest.mark.parametrize("argument", [["--variant", "nope"], ["--bogus"]])
def test_build_sh_refuses_an_unknown_variant_or_argument(argument: list[str]) -> None:
    proc = subprocess.run(
        ["bash", str(REPO / "packaging" / "build.sh"), *argument],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "unknown" in proc.stderr
