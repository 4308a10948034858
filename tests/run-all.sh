#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/run-all.sh: runs every test of roost, on a Debian 12 machine, as root.
#
#   1. installs what the build and the tests need (tools/install-deps --tests)
#   2. builds with -Werror and runs the unit tests (GLib GTest, meson test)
#   3. builds again with -Db_sanitize=address,undefined and runs them again
#   4. installs roost (meson install, prefix /usr/local by default)
#   5. brings up the harness: a real systemd --user session for the test
#      user, a local registry with the fixture images, the hostile registry
#   6. runs the system tests (bats): tests/system/*.bats as the test user in
#      that session, tests/system/root/*.bats as root
#   7. takes down what it brought up
#
# The last line is "N passed, N failed" (", N skipped" when some were, with
# the reasons in the log above); the exit status is non-zero on any failure.
#
# Environment: ROOST_PREFIX (default /usr/local), ROOST_TEST_USER (the test
# user, default roosttest: several users can run their sessions at once),
# ROOST_BUILD_DIR (default
# <source>/build-ci), ROOST_SKIP_ASAN=1 to leave out step 3 (the count then
# says so), BATS_FILTER (a regex passed to bats --filter).
set -uo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${ROOST_PREFIX:-/usr/local}
BUILD=${ROOST_BUILD_DIR:-$SRC/build-ci}
ASAN_BUILD=${BUILD}-asan
H=$SRC/tests/harness
LOG=$(mktemp -d /tmp/roost-test-log.XXXXXX)
chmod 0755 "$LOG"
export TAP_TOTALS=$LOG/totals
: >"$TAP_TOTALS"
started=()

step() { printf '\n=== %s\n' "$*"; }
# a step that failed before it could count its tests counts as one failure
broken() { echo "0 1 0" >>"$TAP_TOTALS"; echo "FAILED: $*"; }

finish() {
        local p=0 f=0 s=0 a b c
        for item in "${started[@]}"; do
                step "tear down: $item"
                case "$item" in
                session) "$H/session" down ;;
                registry) "$H/registry" down ;;
                hostile) "$H/hostile" down ;;
                esac
        done
        while read -r a b c; do p=$((p + a)); f=$((f + b)); s=$((s + c)); done <"$TAP_TOTALS"
        echo
        echo "logs: $LOG"
        if [ "$s" -gt 0 ]; then
                echo "$p passed, $f failed, $s skipped"
        else
                echo "$p passed, $f failed"
        fi
        [ "$f" -eq 0 ] && [ "$p" -gt 0 ]
        exit $?
}
trap finish EXIT

if [ "$(id -u)" != 0 ]; then
        echo "run-all: run as root (sudo $0): the harness creates a test user and a systemd --user session" >&2
        broken "not root"
        exit 1
fi

step "dependencies"
"$SRC/tools/install-deps" --tests || { broken "installing dependencies"; exit 1; }

step "build ($BUILD, -Werror)"
if [ -d "$BUILD" ]; then
        meson setup --reconfigure "$BUILD" "$SRC" -Dwerror=true --prefix="$PREFIX" >"$LOG/setup.log" 2>&1
else
        meson setup "$BUILD" "$SRC" -Dwerror=true --prefix="$PREFIX" >"$LOG/setup.log" 2>&1
fi || { cat "$LOG/setup.log"; broken "meson setup"; exit 1; }
ninja -C "$BUILD" >"$LOG/build.log" 2>&1 || { tail -50 "$LOG/build.log"; broken "build"; exit 1; }

step "unit tests"
meson test -C "$BUILD" --suite unit --print-errorlogs >"$LOG/unit.log" 2>&1
"$H/tap-count" meson "$BUILD/meson-logs/testlog.json" "unit tests" || broken "counting unit tests"

if [ "${ROOST_SKIP_ASAN:-0}" = 1 ]; then
        echo "0 0 1" >>"$TAP_TOTALS"
        echo "SKIPPED: unit tests under ASan+UBSan (ROOST_SKIP_ASAN=1)"
else
        step "unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
        if [ ! -d "$ASAN_BUILD" ]; then
                meson setup "$ASAN_BUILD" "$SRC" -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
                        -Dbuildtype=debug >"$LOG/asan-setup.log" 2>&1 || { cat "$LOG/asan-setup.log"; broken "ASan setup"; }
        fi
        if ninja -C "$ASAN_BUILD" >"$LOG/asan-build.log" 2>&1; then
                UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
                        meson test -C "$ASAN_BUILD" --suite unit --print-errorlogs >"$LOG/asan-unit.log" 2>&1
                "$H/tap-count" meson "$ASAN_BUILD/meson-logs/testlog.json" "unit tests (ASan+UBSan)" || broken "counting"
        else
                tail -50 "$LOG/asan-build.log"; broken "ASan build"
        fi
fi

step "install into $PREFIX"
meson install -C "$BUILD" --quiet >"$LOG/install.log" 2>&1 || { cat "$LOG/install.log"; broken "meson install"; exit 1; }

step "harness: session, registry, fixtures, hostile registry"
# the session links the units and D-Bus file of this prefix into the test
# user's home; without it, `session up` would point them back at /usr/local
export ROOST_TEST_PREFIX=$PREFIX
"$H/session" status >/dev/null 2>&1 || started+=(session)
"$H/session" up || { broken "session up"; exit 1; }
"$H/registry" addr >/dev/null 2>&1 || started+=(registry)
"$H/registry" up || { broken "registry up"; exit 1; }
"$H/fixtures" build >"$LOG/fixtures.log" 2>&1 || { tail -30 "$LOG/fixtures.log"; broken "building fixtures"; exit 1; }
"$H/fixtures" push >>"$LOG/fixtures.log" 2>&1 || { tail -30 "$LOG/fixtures.log"; broken "pushing fixtures"; exit 1; }
"$H/hostile" addr >/dev/null 2>&1 || started+=(hostile)
"$H/hostile" up || { broken "hostile registry up"; exit 1; }

export ROOST_TEST_REGISTRY=$("$H/registry" addr)
export ROOST_TEST_HOSTILE=$("$H/hostile" addr)
export ROOST_TEST_PREFIX=$PREFIX
eval "$("$H/session" env | sed 's/^/export /')"

# the test user reads the tests from a copy it can reach (the checkout may
# live under /root)
TESTS=$(mktemp -d /var/tmp/roost-tests.XXXXXX)
cp -a "$SRC/tests/." "$TESTS/"
cp -a "$SRC/dbus" "$TESTS/dbus"
# the shim's protocol client (built, not installed) for 20-shim.bats
cp "$BUILD/tests/shim-client" "$TESTS/shim-client"
chmod -R a+rX "$TESTS"
export ROOST_TEST_SRC=$TESTS

filter=()
[ -n "${BATS_FILTER:-}" ] && filter=(--filter "$BATS_FILTER")

step "system tests as $ROOST_TEST_USER in the session"
( cd "$TESTS" && timeout 2400 "$H/as-user" bats --tap "${filter[@]}" "$TESTS"/system/*.bats ) >"$LOG/system-user.tap" 2>&1
cat "$LOG/system-user.tap"
"$H/tap-count" tap "$LOG/system-user.tap" "system tests (user)" || broken "counting"

if compgen -G "$TESTS/system/root/*.bats" >/dev/null; then
        step "system tests as root"
        ( cd "$TESTS" && timeout 1200 bats --tap "${filter[@]}" "$TESTS"/system/root/*.bats ) >"$LOG/system-root.tap" 2>&1
        cat "$LOG/system-root.tap"
        "$H/tap-count" tap "$LOG/system-root.tap" "system tests (root)" || broken "counting"
fi
rm -rf "$TESTS"
