"""Loading python-vlc and libVLC: the only module in the program that imports ``vlc``.

python-vlc has several ways of failing at import (an exception, a ``sys.exit`` from inside, a
logged error and a half-made module); :func:`import_vlc` turns them all into one
:class:`~player.playback.base.PlaybackError` with a one-line reason. The libVLC adapter
(:mod:`player.playback.vlc_backend`) gets the module from here and never imports it itself.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import Any

from player.playback.base import PlaybackError

_unavailable_cache: list[str | None] = []
_vlc_module: Any = None


def import_vlc(*, libvlc_path: str | None = None, bind_functions: bool = True) -> Any:
    """Import python-vlc, turning its ways of failing (it may call sys.exit) into PlaybackError.

    ``libvlc_path``: where libVLC is, handed to python-vlc (``PYTHON_VLC_LIB_PATH``, set for the
    import only) so that it does not search; the caller makes sure no other thread reads the
    environment meanwhile (see ``player.app.startup_tweaks``). ``bind_functions``: see
    :func:`_bind_functions`. Both only matter on the first call, which imports.
    """
    global _vlc_module
    if _vlc_module is not None:
        return _vlc_module
    records: list[logging.LogRecord] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    vlc_logger = logging.getLogger("vlc")
    handler = _Collect(level=logging.DEBUG)
    vlc_logger.addHandler(handler)
    propagate = vlc_logger.propagate
    vlc_logger.propagate = False  # python-vlc logs its failure; we report it ourselves
    named = libvlc_path is not None and "PYTHON_VLC_LIB_PATH" not in os.environ
    if named:
        os.environ["PYTHON_VLC_LIB_PATH"] = str(libvlc_path)
    try:
        import vlc
    except (ImportError, OSError, NotImplementedError, AttributeError, SystemExit) as exc:
        detail = "; ".join(r.getMessage() for r in records) or str(exc) or type(exc).__name__
        raise PlaybackError(f"python-vlc could not load the libVLC library ({detail})") from None
    finally:
        if named:
            del os.environ["PYTHON_VLC_LIB_PATH"]
        vlc_logger.removeHandler(handler)
        vlc_logger.propagate = propagate
    if bind_functions:
        _bind_functions(vlc)
    _vlc_module = vlc
    return vlc


# The libVLC functions the backend calls (python-vlc's names).
BOUND_AT_IMPORT = (
    "libvlc_audio_set_callbacks",
    "libvlc_audio_set_format",
    "libvlc_audio_set_mute",
    "libvlc_audio_set_volume",
    "libvlc_event_attach",
    "libvlc_event_detach",
    "libvlc_media_add_option",
    "libvlc_media_event_manager",
    "libvlc_media_get_duration",
    "libvlc_media_get_parsed_status",
    "libvlc_media_new_path",
    "libvlc_media_parse_with_options",
    "libvlc_media_player_event_manager",
    "libvlc_media_player_get_time",
    "libvlc_media_player_new",
    "libvlc_media_player_play",
    "libvlc_media_player_release",
    "libvlc_media_player_set_hwnd",
    "libvlc_media_player_set_media",
    "libvlc_media_player_set_nsobject",
    "libvlc_media_player_set_pause",
    "libvlc_media_player_set_rate",
    "libvlc_media_player_set_time",
    "libvlc_media_player_set_xwindow",
    "libvlc_media_player_stop",
    "libvlc_media_release",
    "libvlc_media_tracks_get",
    "libvlc_media_tracks_release",
    "libvlc_release",
)


class _Unconvertible:
    """An argument ctypes refuses to convert, so a call never reaches libVLC."""


def _bind_functions(vlc: Any) -> None:
    """Have python-vlc look up, now, every libVLC function the backend calls.

    python-vlc finds a C function (``dlsym``) the first time it is called, holding the GIL, and
    ``dlsym`` waits while another thread is inside ``dlopen``. libVLC loads its plugins (tens of
    ms for the demuxers and decoders) on its own threads just when the backend first parses or
    plays, so a first call there held the GIL, and the GUI thread with it, that long. Each
    wrapper is called with arguments ctypes refuses to convert: the lookup happens, the call to
    libVLC does not. Only an optimisation: anything unexpected is ignored.
    """
    bad = _Unconvertible()
    for name in BOUND_AT_IMPORT:
        wrapper = getattr(vlc, name, None)
        code = getattr(wrapper, "__code__", None)
        if wrapper is None or code is None or code.co_argcount == 0:
            continue
        try:
            wrapper(*([bad] * code.co_argcount))
        except Exception:  # ctypes.ArgumentError (expected), or a python-vlc that differs
            continue


def libvlc_unavailable_reason() -> str | None:
    """Why libVLC cannot be used (one line), or None when it can. The result is cached."""
    if _unavailable_cache:
        return _unavailable_cache[0]
    reason: str | None = None
    try:
        vlc = import_vlc()
        instance = vlc.Instance(["--quiet", "--no-lua"])
        if instance is None:
            reason = "libVLC was found but could not start (are its plugins installed?)"
        else:
            instance.release()
    except PlaybackError as exc:
        reason = str(exc)
    _unavailable_cache.append(reason)
    return reason


BASE_ARGS: tuple[str, ...] = (
    # A same-named .vtt next to the media would be loaded as a subtitle track and then the
    # end-of-media event never fires; the transcript is ours to show anyway.
    "--no-sub-autodetect-file",
    "--no-video-title-show",
    "--no-osd",
    "--quiet",
    "--no-stats",
    # The program never touches the network: no Lua (playlist/art fetchers), no metadata lookups.
    "--no-lua",
    "--no-metadata-network-access",
    # Keep the pitch when the rate changes (libVLC's default, made explicit).
    "--audio-filter=scaletempo",
)


def instance_args(extra_args: Sequence[str], audio_output: str | None, video: bool) -> list[str]:
    """libVLC's start-up options: :data:`BASE_ARGS`, the audio output and video choice, extras."""
    args = list(BASE_ARGS)
    if audio_output is not None:
        args.append(f"--aout={audio_output}")
    if not video:
        # --no-video would skip the timeline of video-only files (they end at once).
        args.append("--vout=dummy")
    args.extend(extra_args)
    return args
