#!/usr/bin/env bash
# Build every distributable into dist/: the wheel, the sdist, the self-contained Linux bundle
# (PyInstaller one-folder, as a .tar.gz) and the .deb made from it, each with a .sha256 file.
#
#   bash packaging/build.sh            everything (run bootstrap.sh setup test first)
#   bash packaging/build.sh python     only the wheel and the sdist
#   VARIANT=transcribe bash packaging/build.sh   the bundle with offline transcription added
#
# It builds from the last commit (git archive HEAD), so nothing uncommitted or stale (build/,
# caches) slips in; BUILD_FROM_WORKTREE=1 builds from the working tree instead. Needs: the
# .venv with the test extra (setuptools, pyinstaller), libvlc5 + libvlc-bin + vlc-plugin-base
# (the VLC that is bundled), dpkg-deb; lintian is run when installed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
what=${1:-all}
say() { printf '[build] %s\n' "$*" >&2; }
py=.venv/bin/python
variant=${VARIANT:-base}
version=$("$py" -c 'import re,sys; print(re.search(r"__version__ = \"(.+)\"", open("player/__init__.py").read()).group(1))')
arch=$(dpkg --print-architecture 2>/dev/null || uname -m)

work=$(mktemp -d "${TMPDIR:-/tmp}/briefing-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
src="$work/src"
mkdir -p "$src"
if [ "${BUILD_FROM_WORKTREE:-}" = 1 ] || ! git rev-parse --verify -q HEAD >/dev/null 2>&1; then
  say "source: the working tree"
  tar -C "$here" --exclude=.git --exclude=.venv --exclude=build --exclude=dist \
    --exclude='*.egg-info' --exclude=__pycache__ --exclude='*.pyc' -cf - . | tar -C "$src" -xf -
else
  say "source: $(git rev-parse --short HEAD) (git archive HEAD)"
  git archive HEAD | tar -C "$src" -xf -
fi

rm -rf dist
mkdir -p dist
out="$here/dist"

say "sdist and wheel"
for hook in build_sdist build_wheel; do
  (cd "$src" && "$here/$py" -c "import sys; from setuptools import build_meta as b; b.$hook(sys.argv[1])" "$out" >"$work/$hook.log" 2>&1) \
    || { tail -30 "$work/$hook.log" >&2; exit 1; }
done

if [ "$what" != python ]; then
  if [ ! -x .venv/bin/pyinstaller ]; then
    say "PyInstaller is missing: .venv/bin/pip install -e '.[test]' (or pip install pyinstaller)"
    exit 2
  fi
  say "bundle ($variant): PyInstaller one-folder"
  start=$(date +%s)
  BRIEFING_PLAYER_BUNDLE_VARIANT=$variant .venv/bin/pyinstaller --noconfirm --log-level WARN \
    --distpath "$work/pyi" --workpath "$work/pyi-build" "$src/packaging/pyinstaller/briefing-player.spec" \
    >"$work/pyinstaller.log" 2>&1 || { tail -40 "$work/pyinstaller.log" >&2; exit 1; }
  say "PyInstaller took $(( $(date +%s) - start )) s"
  suffix=""
  [ "$variant" = base ] || suffix="-$variant"
  name="briefing-player${suffix}-${version}-linux-${arch}"
  mv "$work/pyi/briefing-player" "$work/pyi/$name"
  "$work/pyi/$name/briefing-player" --version >/dev/null  # it starts at all
  tar -C "$work/pyi" --sort=name --owner=0 --group=0 --numeric-owner -czf "$out/$name.tar.gz" "$name"
  say "bundle: $(du -sh "$work/pyi/$name" | cut -f1) unpacked, $(du -h "$out/$name.tar.gz" | cut -f1) as $name.tar.gz"

  if command -v dpkg-deb >/dev/null 2>&1; then
    bash "$src/packaging/deb/make_deb.sh" "$work/pyi/$name" "$version" "$out"
  else
    say "dpkg-deb missing: no .deb"
  fi
fi

(cd "$out" && for f in *.whl *.tar.gz *.deb; do [ -f "$f" ] && sha256sum "$f" >"$f.sha256"; done)
say "dist/:"
ls -l "$out" >&2
