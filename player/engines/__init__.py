"""Adapters over foreign engines (speech, audio decoding, document readers), each with a fake.

``recognizer`` names the speech port; ``pocketsphinx_aligner`` is the only module importing
pocketsphinx, ``audio_decode`` and ``media_cut`` (clips; its fake ``fake_cut``) the only ones
importing PyAV, ``documents`` the only one importing
trafilatura, python-docx and pypdf; ``letter_to_sound`` guesses pronunciations for words the
dictionary lacks; ``fake_aligner`` is the deterministic stand-in for tests (speech and decoding);
``alignment`` is the one-call entry (read the text, decode the audio, align, write WebVTT).
"""
