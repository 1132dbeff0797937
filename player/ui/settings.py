"""One typed facade over QSettings: every setting is declared once (name, type, default, help).

The settings file location is injected (``app.py`` passes the user config dir, tests pass
``tmp_path``), so nothing here looks up global state.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T")

log = logging.getLogger(__name__)


class Setting(NamedTuple, Generic[T]):
    """Declaration of one setting (a named tuple: a quarter of a frozen dataclass's cost to
    define, which start-up pays once per record class)."""

    key: str
    type: type[T]
    default: T
    description: str
    bounds: tuple[int, int] | None = None  # for int settings: a stored value is clamped into it


SKIP_BACK_MS = Setting("playback/skip_back_ms", int, 5000, "Skip back step (ms)", (500, 600_000))
SKIP_FORWARD_MS = Setting(
    "playback/skip_forward_ms", int, 15000, "Skip forward step (ms)", (500, 600_000)
)
SEARCH_LEAD_IN_MS = Setting(
    "search/lead_in_ms",
    int,
    1000,
    "How far before a search hit's cue playback starts (ms)",
    (0, 600_000),
)
VOLUME = Setting("playback/volume", int, 80, "Volume 0..100", (0, 100))
FOLLOW_ENABLED = Setting(
    "transcript/follow", bool, True, "Keep the current cue in view as playback moves"
)
SINGLE_KEY_SHORTCUTS = Setting(
    "keyboard/single_key_shortcuts",
    bool,
    True,
    "Allow single-letter shortcuts (they never act while typing in a text field)",
)
TRANSCRIPT_FONT_PT = Setting(
    "transcript/font_pt", int, 0, "Transcript font size, 0 = default", (0, 96)
)
HIGH_CONTRAST = Setting(
    "transcript/high_contrast", bool, False, "White on black transcript and caption view"
)
CAPTIONS = Setting("video/captions", bool, False, "Show the current line as a caption under video")
TRANSCRIPT_FONT_FAMILY = Setting(
    "transcript/font_family", str, "", "Transcript and caption font family, empty = default"
)
TRANSCRIPT_LINE_SPACING = Setting(
    "transcript/line_spacing_pct",
    int,
    100,
    "Transcript line spacing in percent (100..250)",
    (100, 250),
)
TRANSCRIPT_TEXT_COLOR = Setting(
    "transcript/text_color", str, "", "Transcript and caption text colour #rrggbb, empty = theme"
)
TRANSCRIPT_BACKGROUND = Setting(
    "transcript/background", str, "", "Transcript and caption background #rrggbb, empty = theme"
)
TRANSCRIPT_KEEP_LINE_BREAKS = Setting(
    "transcript/keep_line_breaks",
    bool,
    False,
    "Keep the file's line breaks inside a transcript line (off: a line reads as prose; captions "
    "always keep them)",
)
LAST_FOLDER = Setting("files/last_folder", str, "", "The folder a file dialog was last used in")
WINDOW_GEOMETRY = Setting("window/geometry", bytes, b"", "Main window geometry")
WINDOW_STATE = Setting("window/state", bytes, b"", "Main window toolbars/docks state")
SPLITTER_STATE = Setting("window/splitter", bytes, b"", "Media/transcript splitter sizes")
RECENT_FILES = Setting("files/recent", list, [], "Recently opened media, newest first")
RESUME_POSITIONS = Setting(
    "files/resume_positions",
    dict,
    {},
    "Legacy, not written any more: the last position per media file (path -> ms) that older "
    "versions kept here; ResumeStore moves it once into the archive's user-data store, the one "
    "owner of resume positions, and removes it",
)
ARCHIVE_DB = Setting("archive/db_path", str, "", "Archive database path, empty = default")
QUOTE_TEMPLATE = Setting(
    "quotes/template",
    str,
    '"{text}" — {speaker}, {title}, {time}',
    "How quotes are copied: {text} {speaker} {title} {date} {time} {timestamp} {note}",
)
CLICK_PLAYS = Setting(
    "transcript/click_plays",
    bool,
    False,
    "A single click on a line plays from it (off: a click selects; double-click or Enter plays)",
)
TRANSCRIBE_MODEL = Setting(
    "transcribe/model",
    str,
    "",
    "Speech model for transcribing: a name (tiny.en, base.en, small.en…) or a model folder; "
    "empty = the installed tiny.en",
)
ARCHIVE_SERVER_URL = Setting(
    "archive/server_url",
    str,
    "",
    "Shared archive server, postgresql://user@host:port/dbname (never a password: ~/.pgpass or "
    "PGPASSWORD hold it), empty = none; BRIEFING_PLAYER_DB wins when set",
)
ARCHIVE_ROOTS = Setting(
    "archive/roots",
    str,
    "",
    "Library roots of the shared archive mapped to this computer's folders, NAME=FOLDER;...; "
    "BRIEFING_PLAYER_ROOTS wins when set",
)
ARCHIVE_USER_DATA_ON_SERVER = Setting(
    "archive/user_data_on_server",
    bool,
    False,
    "Keep positions, bookmarks and notes on the shared archive server under the login role",
)

ALL_SETTINGS: tuple[Setting[Any], ...] = (
    TRANSCRIBE_MODEL,
    SKIP_BACK_MS,
    SKIP_FORWARD_MS,
    SEARCH_LEAD_IN_MS,
    VOLUME,
    FOLLOW_ENABLED,
    SINGLE_KEY_SHORTCUTS,
    TRANSCRIPT_FONT_PT,
    HIGH_CONTRAST,
    CAPTIONS,
    TRANSCRIPT_FONT_FAMILY,
    TRANSCRIPT_LINE_SPACING,
    TRANSCRIPT_TEXT_COLOR,
    TRANSCRIPT_BACKGROUND,
    TRANSCRIPT_KEEP_LINE_BREAKS,
    LAST_FOLDER,
    WINDOW_GEOMETRY,
    WINDOW_STATE,
    SPLITTER_STATE,
    RECENT_FILES,
    ARCHIVE_DB,
    QUOTE_TEMPLATE,
    CLICK_PLAYS,
    ARCHIVE_SERVER_URL,
    ARCHIVE_ROOTS,
    ARCHIVE_USER_DATA_ON_SERVER,
)

MAX_RECENT = 10


def _make_private(path: Path) -> None:
    """Make the settings file (it names the files the user opened) readable by the user only,
    whatever the umask: its folder, when made here, is 0700; the file is created 0600 or set to
    0600 (QSettings saves through a new file that takes the old file's permissions). A folder
    that already existed keeps its permissions (``--config-dir`` may name a shared one)."""
    folder = path.parent
    if not folder.is_dir():
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(folder, 0o700)
        except OSError as err:
            log.warning("cannot make the settings folder %s: %s", folder, err)
            return
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o600)
        try:
            os.fchmod(fd, 0o600)
        finally:
            os.close(fd)
    except OSError as err:  # a read-only folder, someone else's file: QSettings copes
        log.warning("cannot make the settings file %s private: %s", path, err)


class Settings:
    """Typed access to the settings stored in an INI file at an injected path."""

    def __init__(self, path: Path) -> None:
        _make_private(path)
        self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def path(self) -> str:
        """The settings file."""
        return self._qs.fileName()

    def get(self, setting: Setting[T]) -> T:
        """Read a setting; a missing or unreadable value gives the default."""
        raw = self._qs.value(setting.key)
        if raw is None:
            return setting.default
        try:
            return self._convert(setting, raw)
        except (TypeError, ValueError):
            return setting.default

    def _stored_as(self, setting: Setting[T], value: T) -> bool:
        """Whether the file already holds exactly ``value`` (readable, and in the same order)."""
        if not self._qs.contains(setting.key):
            return False
        raw = self._qs.value(setting.key)
        if setting.type in (list, dict):
            return isinstance(raw, str) and raw == json.dumps(value)
        unclear_bool = not isinstance(raw, bool) and str(raw).lower() not in ("true", "false")
        if setting.type is bool and unclear_bool:
            return False  # e.g. "maybe": rewrite it, even with the default value
        try:
            return self._convert(setting, raw) == value
        except (TypeError, ValueError):
            return False

    def set(self, setting: Setting[T], value: T) -> None:
        """Store a setting (nothing is written when the file already holds this value)."""
        if self._stored_as(setting, value):
            return  # QSettings would rewrite the whole file (with a lock file) for nothing
        if setting.type in (list, dict):
            self._qs.setValue(setting.key, json.dumps(value))
        elif setting.type is bytes:
            self._qs.setValue(setting.key, QByteArray(bytes(value)))  # type: ignore[call-overload]
        else:
            self._qs.setValue(setting.key, value)

    def sync(self) -> None:
        """Write pending changes to disk."""
        self._qs.sync()

    @staticmethod
    def _convert(setting: Setting[T], raw: object) -> T:
        kind = setting.type
        value: object
        if kind is bool:
            value = raw if isinstance(raw, bool) else str(raw).lower() in ("true", "1", "yes")
        elif kind is int:
            number = int(raw)  # type: ignore[call-overload]
            if setting.bounds is not None:  # a hand-edited file: never a size Qt cannot take
                low, high = setting.bounds
                number = max(low, min(high, number))
            value = number
        elif kind is str:
            value = str(raw)
        elif kind is bytes:
            value = bytes(raw.data()) if isinstance(raw, QByteArray) else bytes(raw)  # type: ignore[call-overload]
        elif kind in (list, dict):
            value = json.loads(str(raw))
            if not isinstance(value, kind):
                raise TypeError("wrong JSON type")
        else:
            raise TypeError(f"unsupported setting type {kind}")
        return value  # type: ignore[return-value]

    # Convenience helpers for the structured settings.

    def add_recent(self, path: str) -> list[str]:
        """Put ``path`` first in the recent-files list and return the list."""
        recent = [p for p in self.get(RECENT_FILES) if isinstance(p, str) and p != path]
        recent.insert(0, path)
        del recent[MAX_RECENT:]
        self.set(RECENT_FILES, recent)
        return recent

    def remove_recent(self, path: str) -> list[str]:
        """Take ``path`` out of the recent-files list (a file that could not be played) and
        return the list."""
        recent = [p for p in self.get(RECENT_FILES) if isinstance(p, str) and p != path]
        self.set(RECENT_FILES, recent)
        return recent

    def legacy_resume_positions(self) -> dict[str, int]:
        """The positions an older version kept here (path -> ms), for ``ResumeStore`` to move
        into the user-data store; unreadable entries are left out."""
        stored = self.get(RESUME_POSITIONS)
        return {str(k): v for k, v in stored.items() if isinstance(v, int) and v > 0}

    def forget_legacy_resume_positions(self) -> None:
        """Remove the old copy of the resume positions (once they are in the user-data store)."""
        self._qs.remove(RESUME_POSITIONS.key)
