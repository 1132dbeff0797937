#!/usr/bin/env bash
# Make PACKAGE_VERSION_ARCH.deb from an unpacked bundle (called by packaging/build.sh):
#
#   bash packaging/deb/make_deb.sh BUNDLE_DIR VERSION OUT_DIR [PACKAGE]
#
# PACKAGE is briefing-player (default) or briefing-player-transcribe (the transcription variant's
# bundle: same paths, so each Conflicts with and Replaces the other; the variant Provides
# briefing-player).
# Layout: the bundle in /opt/briefing-player, /usr/bin/briefing-player a symlink to it, the
# desktop entry, hicolor icons and AppStream metainfo in /usr/share (the desktop's dpkg triggers
# refresh their caches: no maintainer scripts), a manual page, copyright and changelog, and the
# bundle's licenses/ (licence texts of what it carries) in /usr/share/doc/PACKAGE/licenses.
# Depends: the system libraries the bundle leaves to the system (OpenGL/EGL, xcb, wayland: they
# must match the machine's graphics drivers), found with ldd and dpkg -S. lintian runs when
# installed; packaging/deb/README.md explains each remaining tag.
set -euo pipefail

bundle=$(cd "$1" && pwd)
version=$2
out=$3
package=${4:-briefing-player}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
say() { printf '[deb] %s\n' "$*" >&2; }
arch=$(dpkg --print-architecture)
stage=$(mktemp -d "${TMPDIR:-/tmp}/briefing-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root="$stage/root"

mkdir -p "$root/opt" "$root/usr/bin" "$root/usr/share/applications" "$root/usr/share/metainfo" \
  "$root/usr/share/doc/$package" "$root/usr/share/man/man1" "$root/DEBIAN"
cp -a "$bundle" "$root/opt/briefing-player"
ln -s /opt/briefing-player/briefing-player "$root/usr/bin/briefing-player"
res="$repo/resources"
install -m 0644 "$res/desktop/briefing-player.desktop" "$root/usr/share/applications/"
install -m 0644 "$res/desktop/io.github.briefing_player.metainfo.xml" "$root/usr/share/metainfo/"
install -D -m 0644 "$res/icons/briefing-player.svg" \
  "$root/usr/share/icons/hicolor/scalable/apps/briefing-player.svg"
for png in "$res"/icons/hicolor/*/apps/briefing-player.png; do
  size=$(basename "$(dirname "$(dirname "$png")")")
  install -D -m 0644 "$png" "$root/usr/share/icons/hicolor/$size/apps/briefing-player.png"
done
gzip -9n <"$here/briefing-player.1" >"$root/usr/share/man/man1/briefing-player.1.gz"
doc="$root/usr/share/doc/$package"
licenses="$bundle/licenses/components.json"
[ -f "$licenses" ] || { say "the bundle has no licenses/ (built by the spec)"; exit 1; }
"${PYTHON:-python3}" "$repo/packaging/pyinstaller/bundle_licenses.py" --deb-copyright \
  "$here/copyright" "$licenses" "$package" >"$doc/copyright"
cp -r "$bundle/licenses" "$doc/licenses"
{
  printf '%s (%s) stable; urgency=medium\n\n' "$package" "$version"
  printf '  * Release %s, built from the bundle (see CHANGELOG.md upstream).\n\n' "$version"
  printf ' -- Briefing Player developers <briefing-player@users.noreply.github.com>  %s\n' \
    "$(date -R -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")"
} | gzip -9n >"$doc/changelog.gz"
chmod -R u=rwX,go=rX "$root"
# Shared objects need no execute bit (lintian: shared-library-is-executable); programs keep it.
find "$root/opt" -type f -name '*.so*' -exec chmod 0644 {} +

# The system libraries the bundle needs, as packages.
libs=$(cd "$root/opt/briefing-player/_internal" &&
  find . -type f \( -name '*.so' -o -name '*.so.*' \) -print0 |
  { LD_LIBRARY_PATH=$PWD xargs -0 -n 50 ldd 2>/dev/null || true; } | awk '/=> \//{print $3}' |
  grep -v "^$PWD" | sort -u)
depends=$(for lib in $libs; do dpkg -S "$(readlink -f "$lib")" 2>/dev/null | cut -d: -f1; done |
  sort -u | grep -v '^libc6$' || true)
glibc=$(dpkg-query -W -f='${Version}' libc6 | cut -d- -f1)
depends_line="libc6 (>= $glibc)"
for pkg in $depends fontconfig-config fonts-dejavu-core; do depends_line="$depends_line, $pkg"; done

(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print0 | sort -z |
  xargs -0 md5sum | sed 's| \./| |' >DEBIAN/md5sums)
installed_kb=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
if [ "$package" = briefing-player ]; then
  relations="Conflicts: briefing-player-transcribe
Replaces: briefing-player-transcribe"
  summary="media player for briefings with synchronized transcripts"
  extra=""
else
  relations="Conflicts: briefing-player
Replaces: briefing-player
Provides: briefing-player (= $version)"
  summary="media player for briefings with synchronized transcripts (with transcription)"
  extra="
 .
 This variant also transcribes recordings that have no text, offline
 (faster-whisper, CTranslate2 and the Whisper tiny.en model inside); it
 replaces the package briefing-player."
fi
cat >"$root/DEBIAN/control" <<CONTROL
Package: $package
Version: $version
Architecture: $arch
Maintainer: Briefing Player developers <briefing-player@users.noreply.github.com>
Installed-Size: $installed_kb
Depends: $depends_line
$relations
Section: video
Priority: optional
Description: $summary
 Briefing Player plays press briefings, editorials and hearings (audio or
 video) beside their transcript: the line being spoken is highlighted, any
 line can be clicked to hear it, and a search finds the moment something was
 said, in one briefing or a whole archive, offline.
 .
 This package is the self-contained bundle (Python, Qt, libVLC and its
 plugins inside /opt/briefing-player); it needs no VLC or Python installed.$extra
CONTROL
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

deb="$out/${package}_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zgzip -z6 --build "$root" "$deb" >/dev/null
say "$(basename "$deb"): $(du -h "$deb" | cut -f1); Depends: $depends_line"
if command -v lintian >/dev/null 2>&1; then
  say "lintian (tags explained in packaging/deb/README.md):"
  lintian --no-tag-display-limit "$deb" >"$stage/lintian.txt" 2>/dev/null || true
  grep -E '^[EWIPX]: ' "$stage/lintian.txt" | cut -d' ' -f1,3 | sort | uniq -c | sort -rn | sed 's/^/  /' >&2
fi
