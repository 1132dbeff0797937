"""Fitness tests: the architecture of ``docs/ARCHITECTURE.md``, checked on the sources.

* no import cycles among the program's modules, lazy imports inside functions included (every
  ``import`` statement anywhere in a module is an edge of the module graph);
* no module over ``MAX_MODULE_LINES`` lines;
* ``player/core`` is pure: it imports nothing from the rest of the program, and neither Qt nor
  python-vlc nor any engine (not even the text "PySide6": PySide6 is told at start-up that these
  packages do not use it, see ``player.app.startup_tweaks.spare_source_scans``);
* PySide6 is imported only under ``player/ui`` and ``player/app``;
* every foreign engine is imported by exactly one adapter module, which has a fake and a
  contract suite that runs against both (``ENGINES``; add a row with each new engine);
* every public module and class has a docstring.

Failures name the file and line to look at.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PLAYER = REPO / "player"
MAX_MODULE_LINES = 600

QT_PACKAGES = frozenset({"PySide6", "shiboken6"})
QT_ALLOWED_UNDER = ("player.ui", "player.app")


@dataclass(frozen=True)
class Engine:
    """A foreign engine, the one adapter module that imports it, its fake and its contract suite.

    ``imports`` are the top-level modules of the foreign library; ``adapter`` and ``fake`` are
    module names under ``player``; ``contract`` is the test files of the one suite that runs
    against both (the tests and the fixture that gives them each implementation in turn).
    """

    name: str
    imports: frozenset[str]
    adapter: str
    fake: str
    contract: tuple[str, ...]
    binding: str = ""
    """The one module that imports the library, when it is not the adapter itself (libVLC's
    loading is its own module, so the adapter stays under the line limit)."""

    @property
    def importer(self) -> str:
        """The one module allowed to import the engine."""
        return self.binding or self.adapter


ENGINES = (
    Engine(
        "libVLC (python-vlc)",
        frozenset({"vlc"}),
        adapter="player.playback.vlc_backend",
        fake="player.playback.fake",
        contract=("tests/playback/test_contract.py", "tests/playback/conftest.py"),
        binding="player.playback.vlc_binding",
    ),
    Engine(
        "pocketsphinx (speech alignment)",
        frozenset({"pocketsphinx"}),
        adapter="player.engines.pocketsphinx_aligner",
        fake="player.engines.fake_aligner",
        contract=("tests/engines/test_aligner_contract.py", "tests/engines/conftest.py"),
    ),
    Engine(
        "PyAV (audio decoding)",
        frozenset({"av"}),
        adapter="player.engines.audio_decode",
        fake="player.engines.fake_aligner",
        contract=("tests/engines/test_audio_decode_contract.py",),
    ),
    Engine(  # the same library as audio decoding, a second adapter with its own contract
        "PyAV (clip cutting)",
        frozenset({"av"}),
        adapter="player.engines.media_cut",
        fake="player.engines.fake_cut",
        contract=("tests/engines/test_media_cut_contract.py",),
    ),
    Engine(
        "faster-whisper (transcription)",
        frozenset({"faster_whisper", "ctranslate2"}),
        adapter="player.engines.whisper_transcriber",
        fake="player.engines.fake_transcriber",
        contract=("tests/engines/test_transcriber_contract.py",),
    ),
    Engine(  # the embedded SQLite store is the reference that needs no server
        "psycopg (PostgreSQL archive store)",
        frozenset({"psycopg", "psycopg_binary", "psycopg2"}),
        adapter="player.engines.postgres_store",
        fake="player.core.archive.sqlite_store",
        contract=("tests/pg/test_store_contract.py", "tests/pg/conftest.py"),
    ),
)

# Foreign engines known to be coming: importing one without an ENGINES row fails the test.
KNOWN_ENGINE_IMPORTS = frozenset(
    {"vlc", "pocketsphinx", "faster_whisper", "ctranslate2", "whisper", "av", "vosk", "psycopg"}
)


# ---------------------------------------------------------------------------------------------
# The program's modules and their imports


@dataclass(frozen=True)
class Module:
    """One source file of the program: its dotted name, path and parsed tree."""

    name: str
    path: Path
    tree: ast.Module
    is_package: bool

    @property
    def rel(self) -> str:
        return self.path.relative_to(REPO).as_posix()


@dataclass(frozen=True)
class ImportEdge:
    """``module`` imports ``target`` (a dotted name, maybe foreign) at ``line``."""

    module: str
    target: str
    line: int


@cache
def modules() -> dict[str, Module]:
    found: dict[str, Module] = {}
    for path in sorted(PLAYER.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found[name] = Module(name, path, tree, is_package)
    assert len(found) > 20, f"no program found under {PLAYER}"
    return found


def _resolve_relative(module: Module, level: int, name: str | None) -> str:
    package = module.name.split(".") if module.is_package else module.name.split(".")[:-1]
    base = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join([*base, name] if name else base)


def _imports(module: Module) -> Iterator[ImportEdge]:
    """Every import statement anywhere in the module (functions, ``if TYPE_CHECKING:``...)."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield ImportEdge(module.name, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = _resolve_relative(module, node.level, node.module)
            for alias in node.names:
                # "from package import submodule" imports the submodule.
                sub = f"{base}.{alias.name}"
                yield ImportEdge(module.name, sub if sub in modules() else base, node.lineno)


@cache
def all_imports() -> tuple[ImportEdge, ...]:
    return tuple(edge for module in modules().values() for edge in _imports(module))


def _internal_target(target: str) -> str | None:
    """The program module an import names (the longest known prefix), or None if foreign."""
    parts = target.split(".")
    while parts:
        name = ".".join(parts)
        if name in modules():
            return name
        parts.pop()
    return None


def _top(target: str) -> str:
    return target.split(".", 1)[0]


def _where(edge: ImportEdge) -> str:
    return f"{modules()[edge.module].rel}:{edge.line}"


# ---------------------------------------------------------------------------------------------
# Import cycles


def _graph() -> dict[str, dict[str, ImportEdge]]:
    graph: dict[str, dict[str, ImportEdge]] = {name: {} for name in modules()}
    for edge in all_imports():
        target = _internal_target(edge.target)
        if target is not None and target != edge.module:
            graph[edge.module].setdefault(target, edge)
    return graph


def _strongly_connected(graph: dict[str, dict[str, ImportEdge]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative); components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def _one_cycle(graph: dict[str, dict[str, ImportEdge]], component: list[str]) -> list[ImportEdge]:
    """A shortest cycle through the component's first module, as the import edges along it."""
    members = set(component)
    start = component[0]
    previous: dict[str, ImportEdge] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target, edge in sorted(graph[node].items()):
                if target not in members:
                    continue
                if target == start:
                    path = [edge]
                    while path[0].module != start:
                        path.insert(0, previous[path[0].module])
                    return path
                if target not in previous:
                    previous[target] = edge
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle found in {component}")  # pragma: no cover


def test_no_import_cycles_lazy_imports_included() -> None:
    graph = _graph()
    report = []
    for component in _strongly_connected(graph):
        steps = [
            f"{e.module} -> {_internal_target(e.target)} ({_where(e)})"
            for e in _one_cycle(graph, component)
        ]
        report.append(f"cycle among {len(component)} modules: " + "; ".join(steps))
    assert report == []


def test_the_cycle_finder_finds_a_lazy_import_cycle() -> None:
    a, b = ImportEdge("a", "b", 3), ImportEdge("b", "a", 9)
    graph = {"a": {"b": a}, "b": {"a": b}, "c": {}}
    assert _strongly_connected(graph) == [["a", "b"]]
    assert _one_cycle(graph, ["a", "b"]) == [a, b]
    lazy = ast.parse("def f():\n    from player.core import model\n")
    module = Module("player.x", PLAYER / "x.py", lazy, is_package=False)
    assert [e.target for e in _imports(module)] == ["player.core.model"]


# ---------------------------------------------------------------------------------------------
# Size


def test_no_module_over_the_line_limit() -> None:
    sizes = {
        m.rel: len(m.path.read_text(encoding="utf-8").splitlines()) for m in modules().values()
    }
    assert {rel: n for rel, n in sorted(sizes.items()) if n > MAX_MODULE_LINES} == {}


# ---------------------------------------------------------------------------------------------
# Layering


def test_core_imports_nothing_but_core_and_no_qt_vlc_or_engine() -> None:
    bad = []
    forbidden = QT_PACKAGES | KNOWN_ENGINE_IMPORTS
    for edge in all_imports():
        if not edge.module.startswith("player.core"):
            continue
        internal = _internal_target(edge.target)
        if internal is not None and not (
            internal == "player" or internal.startswith("player.core")
        ):
            bad.append(f"{_where(edge)} imports {edge.target}")
        if internal is None and _top(edge.target) in forbidden:
            bad.append(f"{_where(edge)} imports {edge.target}")
    assert bad == []


def test_core_and_playback_do_not_even_name_pyside6() -> None:
    named = [
        m.rel
        for m in modules().values()
        if m.name.startswith(("player.core", "player.playback"))
        and "PySide6" in m.path.read_text(encoding="utf-8")
    ]
    assert named == []


def test_pyside6_is_imported_only_under_ui_and_app() -> None:
    bad = [
        f"{_where(edge)} imports {edge.target}"
        for edge in all_imports()
        if _top(edge.target) in QT_PACKAGES and not edge.module.startswith(QT_ALLOWED_UNDER)
    ]
    assert bad == []


def test_vlc_is_imported_by_exactly_one_module() -> None:
    importing = {edge.module for edge in all_imports() if _top(edge.target) == "vlc"}
    assert importing == {"player.playback.vlc_binding"}


# ---------------------------------------------------------------------------------------------
# Engines: one adapter each, with a fake and a contract suite


def test_every_engine_imported_has_a_row() -> None:
    covered = set().union(*(engine.imports for engine in ENGINES))
    imported = {_top(e.target) for e in all_imports() if _internal_target(e.target) is None}
    assert sorted((imported & KNOWN_ENGINE_IMPORTS) - covered) == []


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.name)
def test_engine_behind_one_adapter_with_a_fake_and_a_contract_suite(engine: Engine) -> None:
    importing = {e.module for e in all_imports() if _top(e.target) in engine.imports}
    # One library may serve two engines (PyAV: decoding, cutting), each by its own adapter.
    allowed = {e.importer for e in ENGINES if e.imports & engine.imports}
    assert importing <= allowed, f"{engine.name} imported outside its adapters"
    assert {engine.adapter, engine.importer, engine.fake} <= set(modules())
    fake_imports = {_top(e.target) for e in _imports(modules()[engine.fake])}
    assert not fake_imports & engine.imports, "the fake must not need the engine"
    named = set()
    for test_file in engine.contract:
        for node in ast.walk(ast.parse((REPO / test_file).read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                named |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
            elif isinstance(node, ast.Import):
                named |= {a.name for a in node.names}
    assert {engine.adapter, engine.fake} <= named, f"{engine.contract} must run against both"


# ---------------------------------------------------------------------------------------------
# Docstrings


def _public(name: str) -> bool:
    return not name.startswith("_")


def test_every_public_module_and_class_has_a_docstring() -> None:
    missing = []
    for m in modules().values():
        if not all(_public(part) for part in m.name.split(".")):
            continue
        if m.is_package and not m.tree.body:
            continue  # an empty __init__.py only marks the package
        if ast.get_docstring(m.tree) is None:
            missing.append(f"{m.rel}: module")
        for node in ast.walk(m.tree):
            undocumented = isinstance(node, ast.ClassDef) and ast.get_docstring(node) is None
            if undocumented and _public(node.name):
                missing.append(f"{m.rel}:{node.lineno}: class {node.name}")
    assert missing == []


# ---------------------------------------------------------------------------------------------
# Tools: every program a test runs is installed by the README's test command

# The Debian package of each program the tests run (``packaging/bootstrap.sh test`` installs it).
TOOL_PACKAGES = {
    "ffmpeg": "ffmpeg",
    "ffprobe": "ffmpeg",  # clip lengths read back (tests/engines/test_media_cut.py)
    "xvfb-run": "xvfb",
    "xauth": "xauth",
    "sox": "sox",
    "espeak-ng": "espeak-ng",
    "dbus-daemon": "dbus",  # the AT-SPI tests' private session bus
    "dbus-send": "dbus",
    "orca": "orca",  # Orca 43's debug log: what a screen reader speaks
    "mount": "mount",  # the archive's read-only folder and full disk, as root (tmpfs, bind)
    "umount": "mount",
    "runuser": "util-linux",  # the throw-away PostgreSQL runs as nobody when tests run as root
    "desktop-file-validate": "desktop-file-utils",  # tests/packaging: the desktop entry
    "appstreamcli": "appstream",  # tests/packaging: the AppStream metainfo
    "bash": "bash",  # tests/packaging: packaging/build.sh's argument checks
    "dpkg": "dpkg",  # tests/packaging: which Debian package a bundled library came from
}
ESSENTIAL_PACKAGES = frozenset({"bash", "coreutils", "dpkg", "util-linux"})
"""Debian's Essential packages: on every system, so the set-up need not name them."""
_RUNNERS = frozenset({"run", "Popen", "check_output", "check_call", "call"})


def _tools_run_by_tests() -> dict[str, str]:
    """Program name -> where a test runs it: ``subprocess.*(["prog", ...])``, ``which("prog")``."""
    found = {"xvfb-run": "packaging/bootstrap.sh (the test command runs pytest under it)"}
    for path in sorted((REPO / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            first = node.args[0]
            if name in _RUNNERS and isinstance(first, ast.List | ast.Tuple) and first.elts:
                first = first.elts[0]
            elif name != "which":
                continue
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.setdefault(first.value, f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def _bootstrap_packages() -> set[str]:
    script = (REPO / "packaging" / "bootstrap.sh").read_text(encoding="utf-8")
    packages: set[str] = set()
    for group in ("runtime_pkgs", "test_pkgs"):
        match = re.search(rf"^{group}=\(([^)]*)\)", script, re.MULTILINE)
        assert match, f"packaging/bootstrap.sh has no {group}=(...)"
        packages |= set(match.group(1).split())
    return packages


def test_every_program_a_test_runs_is_installed_by_the_set_up() -> None:
    tools = _tools_run_by_tests()
    assert "ffmpeg" in tools  # the scan sees the tests' subprocess calls
    unknown = {tool: where for tool, where in tools.items() if tool not in TOOL_PACKAGES}
    assert unknown == {}, "add the program's Debian package to TOOL_PACKAGES and bootstrap.sh"
    installed = _bootstrap_packages()
    installed |= ESSENTIAL_PACKAGES
    missing = {t: TOOL_PACKAGES[t] for t in tools if TOOL_PACKAGES[t] not in installed}
    assert missing == {}, f"not installed by packaging/bootstrap.sh test: {missing} ({tools})"
