"""Transcribing a recording that came with no text (pure; the engines are injected).

* ``types`` -- recognised words and segments, the ``Transcriber`` port, results, errors.
* ``models`` -- which speech model to use: ``resolve_model(request, lookups)``.
* ``retime`` -- the recogniser's words re-timed by the aligner (forced alignment).
* ``cues`` -- words made into sentence cues with word timings and likely speaker changes.
* ``vtt`` -- the WebVTT file: ``Kind: captions``, the machine-transcript header NOTE, voices.

The one-call entry that decodes the audio and runs the engines is
``player.engines.transcription.transcribe_media``.
"""
