"""The cycle collector's pauses (player.ui.gc_pause): nesting, and what the last release does."""

from __future__ import annotations

import gc
import threading

from player.ui import gc_pause


def test_pauses_nest_and_the_last_release_freezes_and_resumes() -> None:
    assert gc.isenabled() and gc_pause.active_pauses() == 0
    frozen_before = gc.get_freeze_count()
    gc_pause.hold()
    with gc_pause.paused():
        assert not gc.isenabled()
        assert gc_pause.active_pauses() == 2
        survivors = [[i] for i in range(1000)]  # long-lived, tracked objects
    assert not gc.isenabled()  # the outer pause still holds
    gc_pause.release()
    assert gc.isenabled() and gc_pause.active_pauses() == 0
    assert gc.get_freeze_count() >= frozen_before + len(survivors)
    gc_pause.release()  # one release too many changes nothing
    assert gc.isenabled() and gc_pause.active_pauses() == 0


def test_pauses_from_several_threads() -> None:
    start = threading.Barrier(4)

    def work() -> None:
        start.wait()
        for _ in range(200):
            with gc_pause.paused():
                assert not gc.isenabled()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert gc.isenabled() and gc_pause.active_pauses() == 0


def test_a_pause_ends_once() -> None:
    pause = gc_pause.Pause()
    other = gc_pause.Pause()
    assert gc_pause.active_pauses() == 2
    pause.end()
    pause.end()  # a second end does not release the other pause
    assert gc_pause.active_pauses() == 1 and not gc.isenabled()
    other.end()
    assert gc_pause.active_pauses() == 0 and gc.isenabled()
