"""libVLC's messages in the log (each once), ALSA's errors off stderr, the no-sound switch."""

from __future__ import annotations

import ctypes
import logging
import sys
import threading
from typing import Any

import pytest

from player.playback import vlc_log
from player.playback.vlc_log import MessageLog


class _Player:
    def __init__(self) -> None:
        self.outputs: list[str] = []

    def audio_output_set(self, name: str) -> int:
        self.outputs.append(name)
        return 0


def _message_log(player: _Player, told: threading.Event) -> MessageLog:
    messages = MessageLog(vlc=None, instance=None, player=player, on_no_audio=told.set)
    messages._format = None  # the test's formats have no arguments to expand
    return messages


def test_each_message_is_logged_once_and_no_audio_switches_to_the_silent_output(
    caplog: pytest.LogCaptureFixture,
) -> None:
    player, told = _Player(), threading.Event()
    messages = _message_log(player, told)
    with caplog.at_level(logging.DEBUG, logger="player.playback.vlc_log"):
        for _ in range(300):  # libVLC's attempts, one per block of audio
            messages._on_message(None, 0, None, b"looking for audio output module", None)
            messages._on_message(None, 4, None, b"Audio output failed", None)
            messages._on_message(None, 4, None, b"failed to create audio output", None)
        assert told.wait(10)
    texts = [r.getMessage() for r in caplog.records]
    assert texts.count("libVLC: Audio output failed") == 1
    assert texts.count("libVLC: failed to create audio output") == 1
    assert not [t for t in texts if "looking for" in t]  # debug messages are not even read
    assert texts.count("no audio output could be opened: playing on without sound") == 1
    assert player.outputs == ["dummy"]
    levels = {r.getMessage(): r.levelno for r in caplog.records}
    assert levels["libVLC: Audio output failed"] == logging.INFO  # libVLC's errors: often benign
    assert levels["no audio output could be opened: playing on without sound"] == logging.WARNING


def test_distinct_messages_are_capped(caplog: pytest.LogCaptureFixture) -> None:
    messages = _message_log(_Player(), threading.Event())
    with caplog.at_level(logging.DEBUG, logger="player.playback.vlc_log"):
        for n in range(vlc_log.MAX_DISTINCT + 50):
            messages._on_message(None, 3, None, f"warning {n}".encode(), None)
    assert len(caplog.records) == vlc_log.MAX_DISTINCT
    assert messages.dropped == 50


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ALSA: Linux")
def test_alsa_errors_are_counted_not_printed(capfd: pytest.CaptureFixture[str]) -> None:
    try:
        alsa: Any = ctypes.CDLL("libasound.so.2")
    except OSError:
        pytest.skip("no libasound.so.2")
    assert vlc_log.silence_alsa()
    before = vlc_log.alsa_error_count()
    pcm = ctypes.c_void_p()
    assert alsa.snd_pcm_open(ctypes.byref(pcm), b"no-such-device", 0, 0) < 0
    assert "ALSA" not in capfd.readouterr().err
    assert vlc_log.alsa_error_count() > before
