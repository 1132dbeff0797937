"""The open briefing's transcript state: an explicit TranscriptState announced by signal (the
window's title line is drawn from it, never read back), and the session's busy flag."""

from __future__ import annotations

import shutil
from pathlib import Path

from player.ui.transcript_session import LoadPhase, TranscriptState
from tests.ui.conftest import Harness


def _record(harness: Harness) -> list[TranscriptState]:
    states: list[TranscriptState] = []
    harness.window.session.state_changed.connect(states.append)
    return states


def test_loading_then_ready(harness: Harness, sample_audio: Path) -> None:
    states = _record(harness)
    session = harness.window.session
    assert session.state.phase is LoadPhase.NONE
    harness.open(sample_audio, play=False)
    harness.qtbot.waitUntil(lambda: not session.is_busy(), timeout=10000)
    vtt = str(sample_audio.with_suffix(".vtt"))
    assert [s.phase for s in states] == [LoadPhase.LOADING, LoadPhase.READY]
    assert states[0].source == vtt and states[0].transcript is None
    ready = session.state
    assert ready is states[-1]
    assert ready.source == vtt and ready.transcript is session.transcript
    assert ready.title() == "Transcript — briefing.vtt (en)"
    assert harness.window.panel.header.text() == ready.title()
    assert states[0].title() == "Loading briefing.vtt…"


def test_missing_and_failed(harness: Harness, tmp_path: Path, sample_audio: Path) -> None:
    states = _record(harness)
    lonely = tmp_path / "lonely.opus"
    shutil.copy(sample_audio, lonely)
    harness.open(lonely, play=False)
    state = harness.window.session.state
    assert state.phase is LoadPhase.MISSING
    assert state.source == str(lonely)
    assert harness.window.panel.header.text() == "Transcript (none)"
    broken = tmp_path / "broken.vtt"
    broken.write_bytes(b"\x00\x01 not a transcript \xff" * 40)
    harness.window.open_transcript(broken)
    harness.wait_transcript()
    state = harness.window.session.state
    assert state.phase is LoadPhase.FAILED
    assert state.error.startswith("Could not read the transcript broken.vtt: ")
    assert harness.window.info_bar.label.text() == state.error
    assert harness.window.status.label.text() == state.error
    assert [s.phase for s in states] == [LoadPhase.MISSING, LoadPhase.LOADING, LoadPhase.FAILED]
    assert harness.window.transcript is None and harness.window.model.rowCount() == 0


def test_machine_generated_and_language_in_the_title() -> None:
    from player.core.model import Transcript

    auto = Transcript(cues=(), language="es", machine_generated=True)
    state = TranscriptState(LoadPhase.READY, "/x/talk.es.vtt", auto)
    assert state.title() == "Transcript — talk.es.vtt (es) — machine-generated"
    assert TranscriptState(LoadPhase.FAILED, "/x/a.vtt", error="bad").title() == (
        "Transcript (none)"
    )
