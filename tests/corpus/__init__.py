"""The suite's own transcript corpora, written for this project and committed with it.

``webvtt_cases`` holds hand-written WebVTT files, each with the result the W3C WebVTT parser
gives for it (signature, header, identifiers, timings, settings, NOTE/STYLE/REGION blocks, line
terminators, NUL characters...). ``hostile`` generates hostile files from a seed (mutations of a
valid briefing, long lines, deep tag nesting, many tiny cues, binary junk). Together they cover
what the external corpora under ``../shared/corpus`` cover, so a plain clone tests everything;
the external corpora run as an extra check when they are present (``tests/conftest.py``).
"""
