"""Helpers for playback tests: waiting that works for the fake (advance) and the real backend."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from player.playback.base import BackendEvent, PlaybackBackend
from player.playback.fake import FakeBackend

REPO = Path(__file__).resolve().parents[2]
MEDIA = REPO / "tests" / "data" / "media"
SAMPLE = REPO / "resources" / "sample"

FAKE_TICK_MS = 20


def wait_until(
    backend: PlaybackBackend, predicate: Callable[[], bool], timeout_s: float = 2.0
) -> bool:
    """Wait until ``predicate()`` holds, at most ``timeout_s``; return whether it did.

    The fake's time is advanced in small ticks (simulated seconds); the real one is polled.
    """
    if isinstance(backend, FakeBackend):
        elapsed_ms = 0
        while not predicate():
            if elapsed_ms >= timeout_s * 1000:
                return False
            backend.advance(FAKE_TICK_MS)
            elapsed_ms += FAKE_TICK_MS
        return True
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() >= deadline:
            return predicate()
        time.sleep(0.01)
    return True


def pass_time(backend: PlaybackBackend, seconds: float) -> None:
    """Let ``seconds`` go by (simulated for the fake)."""
    if isinstance(backend, FakeBackend):
        backend.advance(int(seconds * 1000))
    else:
        time.sleep(seconds)


class Recorder:
    """A thread-safe listener that keeps every event it receives."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[BackendEvent] = []

    def __call__(self, event: BackendEvent) -> None:
        with self._lock:
            self._events.append(event)

    def events(self) -> list[BackendEvent]:
        """A snapshot of the events so far."""
        with self._lock:
            return list(self._events)

    def of(self, kind: type) -> list[BackendEvent]:
        """The events of one type."""
        return [e for e in self.events() if isinstance(e, kind)]
