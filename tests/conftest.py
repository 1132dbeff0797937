"""Shared test setup: Qt runs offscreen unless a test starts its own process on Xvfb; the
``require_libvlc`` fixture skips locally but fails under CI=true when libVLC is missing.

The external corpora in ``../shared/corpus`` (or ``$BRIEFING_SHARED_DIR/corpus``) are an extra
check beside the suite's own cases (``tests/corpus``): ``shared_corpus()`` skips the test module
that needs one when it is absent, with the reason, except under CI=true, where they must run.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("BRIEFING_SHARED_DIR") or REPO.parent / "shared")
SAMPLE_DIR = REPO / "resources" / "sample"


@pytest.fixture(autouse=True, scope="session")
def _logs_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """``main()`` logs to the user's log folder (``$XDG_STATE_HOME/briefing-player/log``):
    during the tests (and in the programs they start) that is a temporary folder."""
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("xdg-state"))


def in_ci() -> bool:
    """True under CI=true: optional checks (libVLC, shared corpora, tools) must run there."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def shared_corpus(name: str) -> Path | None:
    """The external corpus folder ``SHARED/corpus/<name>``, for a test module's extra check.

    Call it at module level. When the folder is absent it skips the whole module with the reason
    (the suite's own cases cover the same ground); under CI=true it returns None instead, and
    the module's ``test_shared_corpus_is_present`` fails through ``require_shared_corpus``.
    """
    path = SHARED / "corpus" / name
    if path.is_dir():
        return path
    if in_ci():
        return None
    caller = Path(sys._getframe(1).f_globals.get("__file__", "?")).name
    pytest.skip(
        f"{caller}: external corpus {path} not found; an optional extra check (the suite's own "
        "cases in tests/corpus cover it; set BRIEFING_SHARED_DIR to run it)",
        allow_module_level=True,
    )


def require_shared_corpus(path: Path | None, name: str) -> Path:
    """``path`` from ``shared_corpus(name)``; fails the test when it is missing (under CI)."""
    if path is None:
        pytest.fail(
            f"CI=true but the external corpus {SHARED / 'corpus' / name} is missing: "
            "CI must provide it (or set BRIEFING_SHARED_DIR)",
            pytrace=False,
        )
    return path


@pytest.fixture
def require_libvlc() -> None:
    """Skip (locally) or fail (under CI=true) when libVLC cannot be loaded."""
    from player.playback.vlc_binding import libvlc_unavailable_reason

    reason = libvlc_unavailable_reason()
    if reason is None:
        return
    if in_ci():
        pytest.fail(f"CI=true but libVLC is unavailable: {reason}")
    pytest.skip(f"libVLC unavailable: {reason}")
