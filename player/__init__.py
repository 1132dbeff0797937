"""Briefing Player: a desktop media player for briefings with synchronized transcripts."""

__version__ = "0.1.0"
