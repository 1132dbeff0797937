"""Pure-Python core: transcripts, cue lookup, search and the archive. Imports neither Qt nor vlc."""
