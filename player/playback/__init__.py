"""Playback layer: the backend protocol, the libVLC adapter, a fake backend and the media clock."""
