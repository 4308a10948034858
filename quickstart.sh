#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# quickstart.sh: set up roost on a fresh Debian 12 machine and run it.
#
#   sudo ./quickstart.sh              install dependencies (apt-get, idempotent),
#                                     build, install into /usr/local, then start
#                                     roostd for a user and show `roost info`
#   sudo ./quickstart.sh --deps-only  only install the dependencies
#
# The user: $SUDO_USER when run through sudo, else ROOST_USER, else the test
# user "roosttest" (created if missing). On a machine booted with systemd the
# user's own systemd --user manager is used (lingering is enabled so it runs);
# where PID 1 is not systemd (containers, CI machines), a real systemd --user
# session is started for the user with tests/harness/session.
set -euo pipefail

SRC=$(cd "$(dirname "$0")" && pwd)
PREFIX=${ROOST_PREFIX:-/usr/local}
BUILD=${ROOST_BUILD_DIR:-$SRC/build}

[ "$(id -u)" = 0 ] || { echo "quickstart: run as root: sudo $0 $*" >&2; exit 1; }

"$SRC/tools/install-deps"
[ "${1:-}" = --deps-only ] && exit 0

echo "quickstart: building in $BUILD"
if [ -d "$BUILD" ]; then
        meson setup --reconfigure "$BUILD" "$SRC" --prefix="$PREFIX" >/dev/null
else
        meson setup "$BUILD" "$SRC" --prefix="$PREFIX" >/dev/null
fi
ninja -C "$BUILD" >/dev/null
meson install -C "$BUILD" --quiet >/dev/null
echo "quickstart: installed roost into $PREFIX"
"$PREFIX/bin/roost" --version

user=${SUDO_USER:-${ROOST_USER:-roosttest}}
[ "$user" = root ] && user=roosttest
export ROOST_TEST_USER=$user
"$SRC/tests/harness/session" up
run() { "$SRC/tests/harness/as-user" "$@"; }

run systemctl --user daemon-reload
run systemctl --user enable --now roostd
echo "quickstart: roostd is $(run systemctl --user is-active roostd) for $user"

# An image that needs no network: Debian's busybox-static as a root file
# system, imported as "busybox".
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/root"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
        [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -cf - . | run roost import - busybox:quickstart >/dev/null
echo "quickstart: imported busybox:quickstart from Debian's busybox-static"
echo
echo "\$ roost run --rm busybox:quickstart sh -c 'echo Hello from a rootless roost container; id; uname -sr'"
run roost run --rm busybox:quickstart sh -c 'echo Hello from a rootless roost container; id; uname -sr'
echo
run roost info
echo
echo "quickstart: done. As $user, try: roost run -it busybox:quickstart sh; roost ps -a; roost --help"
