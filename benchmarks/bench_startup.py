"""Benchmark: startup, from process start to "sample playing with the transcript shown" (issue 4).

Each measurement is a fresh ``python`` process launched by this script, which passes the launch
time (``time.time()`` just before spawning) in argv; the child prints the seconds elapsed since
then when its condition first holds (checked by a 1 ms timer in the Qt event loop):

* ``app``: the real program: ``player.app.main.main([])`` (no argument: the bundled sample video,
  its sidecar transcript, playing). The only addition is a watcher timer, installed by an import
  hook when the program shows its window (nothing of Qt is imported before the program runs, so
  its own start order is what is measured). Condition: the controller reports PLAYING, the
  transcript model has rows and the window is exposed. One config directory is shared by the
  runs: the warm-up run is the first start, the measured ones are starts like a user's next.
* ``bare``: the baseline named in the issue: a script that only imports PySide6 and vlc, shows
  an empty window, embeds libVLC in it and starts the same media. Condition: libVLC reports
  Playing and the window is exposed.

Runs alternate bare/app (so drift hits both alike); the figure is the median of 5 runs each and
the ratio app/bare (target: at most 1.3x). Both depend on libVLC's plugin cache (``plugins.dat``,
from Debian's ``libvlc-bin``, which the bootstrap installs): without it ``libvlc_new`` loads every
plugin (about 75 ms here), which the bare script waits for and the program overlaps.
Under Xvfb with QT_QPA_PLATFORM=xcb, so video is really embedded; the script re-runs itself
under ``xvfb-run -a`` when DISPLAY is not set.

Run: ``.venv/bin/python benchmarks/bench_startup.py [--runs 5] [--importtime] [--phases]``
``--importtime`` also prints the slowest imports of one app start (``python -X importtime``);
``--phases`` prints how long each phase of both starts took (median of the runs): the children
note the time at each phase's end (a few ``time.time()`` calls, in both figures alike).
"""

from __future__ import annotations

# Only what the children need is imported at the top: a child is this file run as a script, and
# everything imported here adds to both figures alike (the parent's modules come in main()).
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

REPO = Path(__file__).resolve().parent.parent
SAMPLE_VIDEO = REPO / "resources" / "sample" / "briefing.mp4"
TIMEOUT_S = 60.0


# ----- children ----------------------------------------------------------------------------------


_MARKS: dict[str, float] = {}
"""Seconds from launch to each phase's end, in the child (``--phases`` prints them)."""


def _mark(name: str, t0: float) -> None:
    _MARKS.setdefault(name, time.time() - t0)


def _report(t0: float) -> None:
    _mark("ready", t0)
    marks = "|".join(f"{name}={seconds:.4f}" for name, seconds in _MARKS.items())
    print(f"READY {time.time() - t0:.4f}\nPHASES {marks}", flush=True)
    os._exit(0)  # the figure is printed; shutting down is not part of startup


def _watch(parent: Any, t0: float, ready: Callable[[], bool]) -> None:
    """Check ``ready()`` every millisecond of the event loop; report the first time it holds."""
    from PySide6.QtCore import Qt, QTimer

    def check() -> None:
        if ready():
            _report(t0)
        if time.time() - t0 > TIMEOUT_S:
            print("TIMEOUT", flush=True)
            os._exit(1)

    timer = QTimer(parent)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(1)
    timer.timeout.connect(check)
    timer.start()


def child_app(t0: float, config_dir: str) -> None:
    """The real program, with a watcher on the event loop.

    Nothing of Qt is imported here before the program runs: the program starts libVLC on a
    thread first and imports Qt while it loads, and importing Qt here would serialise that
    overlap. The watcher is installed by an import hook instead, when the program itself
    imports its window module (by then Qt is loaded), on the first ``MainWindow.show()``.
    """
    import importlib.machinery

    _mark("python started", t0)
    sys.path.insert(0, str(REPO))

    def install_watcher(window: Any) -> None:
        from player.playback.base import PlaybackState

        def ready() -> bool:
            handle = window.windowHandle()
            return bool(
                window.controller.state() is PlaybackState.PLAYING
                and window.model.rowCount() > 0
                and handle is not None
                and handle.isExposed()
            )

        _watch(window, t0, ready)

    class Hook:
        """Wraps MainWindow.show once player.ui.window has been executed."""

        def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
            if name != "player.ui.window":
                return None
            sys.meta_path.remove(self)
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            assert spec is not None and spec.loader is not None
            loader = spec.loader
            run_module = loader.exec_module

            def exec_module(module: Any) -> None:
                run_module(module)
                show, build = module.MainWindow.show, module.MainWindow.__init__

                def build_and_mark(window: Any, *args: Any, **kwargs: Any) -> None:
                    _mark("window modules imported; settings, controller made", t0)
                    build(window, *args, **kwargs)
                    _mark("window built", t0)

                def show_and_watch(window: Any) -> None:
                    show(window)
                    _mark("shown, media opened", t0)
                    install_watcher(window)

                module.MainWindow.__init__ = build_and_mark
                module.MainWindow.show = show_and_watch

            loader.exec_module = exec_module  # type: ignore[method-assign]
            return spec

    sys.meta_path.insert(0, Hook())
    from player.app.main import main
    from player.app.startup_tweaks import StartupTweaks

    _mark("entry module imported", t0)
    import_vlc, preload = StartupTweaks.import_vlc, StartupTweaks.preload_extensions

    def import_vlc_and_mark(tweaks: StartupTweaks) -> None:
        _mark("options read, logging set up", t0)
        import_vlc(tweaks)
        _mark("libVLC binding imported", t0)

    def preload_and_mark(tweaks: StartupTweaks) -> None:  # the first call after QApplication()
        _mark("Qt imported, QApplication made", t0)
        preload(tweaks)

    StartupTweaks.import_vlc = import_vlc_and_mark  # type: ignore[method-assign,assignment]
    StartupTweaks.preload_extensions = preload_and_mark  # type: ignore[method-assign,assignment]

    # Both folders named, as the configuration always was: a user's start looks up its default
    # folders with platformdirs once (the settings need it); named here, neither figure has it.
    sys.exit(main(["--config-dir", config_dir, "--log-dir", f"{config_dir}/log"]))


def child_bare(t0: float, media: str) -> None:
    """Baseline: import PySide6 and vlc, show an empty window, play the same media in it."""
    _mark("python started", t0)
    import vlc

    _mark("libVLC binding imported", t0)
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication([sys.argv[0]])
    _mark("Qt imported, QApplication made", t0)
    window = QWidget()
    window.resize(1100, 680)
    window.show()
    _mark("empty window shown", t0)
    instance = vlc.Instance(["--no-sub-autodetect-file", "--quiet"])
    player = instance.media_player_new()
    player.set_media(instance.media_new_path(media))
    player.set_xwindow(int(window.winId()))
    player.play()
    _mark("libVLC started, media opened", t0)

    def ready() -> bool:
        handle = window.windowHandle()
        return bool(
            player.get_state() == vlc.State.Playing and handle is not None and handle.isExposed()
        )

    _watch(app, t0, ready)
    app.exec()


# ----- parent ------------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "xcb"
    env.pop("PYTHONSTARTUP", None)
    # Steady state, as a user's second start: bytecode caches are written and used (some
    # environments set PYTHONDONTWRITEBYTECODE, which would make every run recompile the
    # program's sources while the baseline's site-packages come precompiled).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure(
    kind: str, workdir: Path, run: int, extra: tuple[str, ...] = ()
) -> tuple[float, dict[str, float]]:
    """Launch one child; return its seconds from launch to ready, and to each phase's end."""
    import subprocess

    config = workdir / f"config-{kind}"  # one per kind: the warm-up run is the first start
    t0 = time.time()
    args = [sys.executable, *extra, __file__, "--child", kind, "--t0", repr(t0)]
    args += ["--config", str(config), "--media", str(SAMPLE_VIDEO)]
    proc = subprocess.run(
        args, capture_output=True, text=True, env=_env(), timeout=TIMEOUT_S + 30, check=False
    )
    ready: float | None = None
    phases: dict[str, float] = {}
    for line in proc.stdout.splitlines():
        if line.startswith("READY "):
            ready = float(line.split()[1])
        elif line.startswith("PHASES "):
            for entry in line[len("PHASES ") :].split("|"):
                name, _, seconds = entry.rpartition("=")
                phases[name] = float(seconds)
    if ready is None:
        raise RuntimeError(f"{kind} run did not get ready:\n{proc.stdout}\n{proc.stderr[-3000:]}")
    if extra:
        _print_importtime(proc.stderr)
    return ready, phases


def _print_phases(kind: str, runs: list[dict[str, float]]) -> None:
    """Each phase's median length (ms), in the order the child reached them."""
    import statistics

    print(f"  {kind}, median ms of each phase (launch -> end of the phase named):")
    previous = "launch"
    for name in runs[0]:
        lengths = [r[name] - r.get(previous, 0.0) for r in runs if name in r]
        ends = [r[name] for r in runs if name in r]
        median_ms = statistics.median(lengths) * 1000
        print(f"    {median_ms:6.1f}  (ends at {statistics.median(ends) * 1000:5.0f})  {name}")
        previous = name


def _print_importtime(stderr: str) -> None:
    rows = []
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            self_us, cumulative_us, name = line[12:].split("|")
            if self_us.strip().isdigit():
                rows.append((int(cumulative_us), int(self_us), name[1:]))
    print("Slowest imports of one app start (cumulative ms, self ms):")
    top_level = [r for r in rows if not r[2].startswith(" ")]
    for cumulative, own, name in sorted(top_level, reverse=True)[:12]:
        print(f"  {cumulative / 1000:7.1f} {own / 1000:7.1f}  {name}")


def _child_options(argv: list[str]) -> dict[str, str]:
    """``--child KIND --t0 T --config DIR --media FILE`` (parsed by hand: no argparse import)."""
    return {argv[i].lstrip("-"): argv[i + 1] for i in range(0, len(argv) - 1, 2)}


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        opts = _child_options(sys.argv[1:])
        if opts["child"] == "app":
            child_app(float(opts["t0"]), opts["config"])
        else:
            child_bare(float(opts["t0"]), opts["media"])
        return

    import argparse
    import shutil
    import statistics
    import subprocess
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument(
        "--phases", action="store_true", help="also print how long each phase of both starts took"
    )
    args = parser.parse_args()

    if not os.environ.get("DISPLAY"):
        if shutil.which("xvfb-run") is None:
            sys.exit("error: no DISPLAY and no xvfb-run: run under an X server")
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24", sys.executable, __file__]
        sys.exit(subprocess.call(cmd + sys.argv[1:]))

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        measure("bare", workdir, -1)  # warm the OS file cache and bytecode caches for both
        measure("app", workdir, -1)
        bare: list[float] = []
        app: list[float] = []
        phases: dict[str, list[dict[str, float]]] = {"bare": [], "app": []}
        for run in range(args.runs):
            for kind, figures in (("bare", bare), ("app", app)):
                seconds, marks = measure(kind, workdir, run)
                figures.append(seconds)
                phases[kind].append(marks)
        if args.importtime:
            measure("app", workdir, 99, ("-X", "importtime"))

    b, a = statistics.median(bare), statistics.median(app)
    print(f"Startup to 'sample playing' (Xvfb, xcb), median of {args.runs} runs, seconds")
    print(f"  bare PySide6 + vlc window: {b:6.3f}   runs: {' '.join(f'{x:.3f}' for x in bare)}")
    print(f"  Briefing Player:           {a:6.3f}   runs: {' '.join(f'{x:.3f}' for x in app)}")
    print(f"  ratio: {a / b:.2f}x  (target <= 1.3x)")
    if args.phases:
        _print_phases("bare", phases["bare"])
        _print_phases("Briefing Player", phases["app"])


if __name__ == "__main__":
    main()
