"""libVLC's messages into Python logging, ALSA's kept off the terminal, and the "no sound" alarm.

libVLC is started with ``--quiet``, so its own messages never reach the terminal; but with no
usable sound device, ALSA (the library libVLC's ALSA output uses) prints its errors itself on
stderr, eight lines at each of libVLC's attempts to open an output, and libVLC tries again for
every block of audio: thousands of lines a second. :func:`silence_alsa` gives ALSA an error
handler that logs the first few at DEBUG and counts the rest (Linux, process-wide, once).

:class:`MessageLog` hands one libVLC instance's messages to ``logging`` (libVLC's errors at
INFO, as many are harmless, its warnings at DEBUG, each distinct text once: libVLC repeats
itself), and when libVLC says it could not make any audio output, switches the player to the
silent output and calls ``on_no_audio`` (a WARNING is logged). It is started
after the window's first frame (``VlcBackend.watch_messages``): the callback takes the GIL for
every message libVLC sends, debug ones included (80 to 200 in the first second of playback),
which start-up cannot afford; a failing output keeps failing for every block, so it is still
caught then.
"""

from __future__ import annotations

import ctypes
import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

NO_SOUND = "No sound: no audio device could be opened. Playing on silently; restart to try again."
"""What the user is told (``AudioUnavailable``). The player stays on the silent output for the
rest of the session: a device plugged in later is used after a restart."""

NO_AUDIO_OUTPUT = b"failed to create audio output"
"""libVLC's message (ERROR, module "main") when no audio output module could be opened."""

LIBVLC_ERROR = 4
LIBVLC_WARNING = 3
MAX_DISTINCT = 500
"""Distinct libVLC messages logged per instance; later new ones are only counted."""
ALSA_LOGGED = 5
"""ALSA errors logged (DEBUG); the rest are counted."""

_ALSA_HANDLER = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)
_alsa: list[Any] = []  # [library, handler] once installed, kept alive for the process
_alsa_errors = [0]


def _on_alsa_error(file: bytes, line: int, function: bytes, err: int, fmt: bytes) -> None:
    # ALSA passes a printf format and its arguments; the format alone is enough for the log.
    _alsa_errors[0] += 1
    if _alsa_errors[0] <= ALSA_LOGGED:
        where = f"{_text(file)}:{line} {_text(function)}"
        log.debug("ALSA error %d: %s (%s)", err, _text(fmt), where)


def silence_alsa() -> bool:
    """Route ALSA's error messages to the log instead of stderr (Linux; once per process).
    Returns whether ALSA's handler is ours."""
    if _alsa:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        library = ctypes.CDLL("libasound.so.2")
        set_handler = library.snd_lib_error_set_handler
    except (OSError, AttributeError):
        return False  # no ALSA: nothing can print ALSA errors
    handler = _ALSA_HANDLER(_on_alsa_error)
    set_handler.argtypes = [_ALSA_HANDLER]
    set_handler.restype = ctypes.c_int
    if set_handler(handler) != 0:
        return False
    _alsa.extend((library, handler))
    return True


def alsa_error_count() -> int:
    """ALSA errors seen since :func:`silence_alsa` (for tests and the log)."""
    return _alsa_errors[0]


def _text(raw: bytes | None) -> str:
    return "" if raw is None else raw.decode("utf-8", "replace")


def _vsnprintf() -> Any:
    """libc's ``vsnprintf`` to expand libVLC's format with its ``va_list``, or None."""
    try:
        libc = ctypes.cdll.msvcrt if sys.platform.startswith("win") else ctypes.CDLL(None)
        function = libc._vsnprintf if sys.platform.startswith("win") else libc.vsnprintf
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_void_p]
    function.restype = ctypes.c_int
    return function


class MessageLog:
    """One libVLC instance's warnings and errors in ``logging``. The first time libVLC could
    not make an audio output, ``player`` is switched to the silent output (playback goes on,
    without the endless attempts) and ``on_no_audio()`` is called (on a thread of its own)."""

    def __init__(
        self, vlc: Any, instance: Any, player: Any, on_no_audio: Callable[[], None]
    ) -> None:
        self._vlc = vlc
        self._instance = instance
        self._player = player
        self._on_no_audio = on_no_audio
        self._format = _vsnprintf()
        self._lock = threading.Lock()
        self._seen: dict[str, int] = {}
        self._no_audio_told = False
        self._callback: Any = None
        self._silencer: threading.Thread | None = None
        self.dropped = 0
        """Distinct messages not logged (past :data:`MAX_DISTINCT`)."""

    def start(self) -> None:
        """Start receiving libVLC's messages (once)."""
        if self._callback is not None:
            return
        self._callback = self._vlc.CallbackDecorators.LogCb(self._on_message)
        self._instance.log_set(self._callback, None)

    def stop(self) -> None:
        """Stop receiving them, and wait for the switch to the silent output if one is under
        way (before the player and the instance are released)."""
        if self._callback is not None:
            self._instance.log_unset()  # waits for a callback still running (GIL released)
        if self._silencer is not None:
            self._silencer.join(5.0)  # the player must outlive its switch to the silent output

    def _on_message(self, _data: Any, level: int, _ctx: Any, fmt: bytes, args: Any) -> None:
        if level < LIBVLC_WARNING or fmt is None:
            return  # debug and notices: returning at once is all this costs
        try:
            self._handle(level, fmt, args)
        except Exception:  # never let an exception cross into libVLC's thread
            log.debug("libVLC message not handled", exc_info=True)

    def _handle(self, level: int, fmt: bytes, args: Any) -> None:
        text = _text(fmt)
        if self._format is not None:
            buffer = ctypes.create_string_buffer(1024)
            if self._format(buffer, len(buffer), fmt, args) >= 0:
                text = _text(buffer.value)
        no_audio = level >= LIBVLC_ERROR and fmt.startswith(NO_AUDIO_OUTPUT)
        first = False
        with self._lock:
            count = self._seen.get(text)
            if count is not None:
                self._seen[text] = count + 1
            elif len(self._seen) < MAX_DISTINCT:
                self._seen[text] = 1
                first = True
            else:
                self.dropped += 1
            tell = no_audio and not self._no_audio_told
            self._no_audio_told = self._no_audio_told or no_audio
        if first:
            log.log(logging.INFO if level >= LIBVLC_ERROR else logging.DEBUG, "libVLC: %s", text)
        if tell:
            log.warning("no audio output could be opened: playing on without sound")
            # Off libVLC's thread: the player is told to use the silent output, which ends
            # the attempts (and ALSA's errors) at once; then the listener is told.
            self._silencer = threading.Thread(target=self._go_silent, name="libVLC no sound")
            self._silencer.start()

    def _go_silent(self) -> None:
        self._player.audio_output_set("dummy")
        self._on_no_audio()
