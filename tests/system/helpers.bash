# SPDX-License-Identifier: Apache-2.0
# Shared by the system tests. User tests (tests/system/*.bats) run as the test
# user inside the session; root tests (tests/system/root/*.bats) as root.

# the tests/ directory (run-all.sh copies it where the test user can read it)
if [ -z "${ROOST_TEST_SRC:-}" ]; then
        ROOST_TEST_SRC=$(cd "$BATS_TEST_DIRNAME" && while [ ! -d harness ] && [ "$PWD" != / ]; do cd ..; done; pwd)
fi
HARNESS=$ROOST_TEST_SRC/harness

busctl_roost() { busctl --user "$@"; }

# Stop roostd and everything it started (holder, containers: all in
# roost.slice), and forget its state, so a test starts from a fresh user.
roost_reset() {
        systemctl --user stop roostd.service 2>/dev/null || true
        systemctl --user stop roost.slice 2>/dev/null || true
        systemctl --user reset-failed roostd.service 2>/dev/null || true
        rm -rf "${XDG_DATA_HOME:-$HOME/.local/share}/roost" "${XDG_CONFIG_HOME:-$HOME/.config}/roost" \
                "$XDG_RUNTIME_DIR/roost"
}

manager_prop() {
        busctl --user get-property io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 "$1" | cut -d' ' -f2- | tr -d '"'
}

# the PIDs of this user's roost-holder processes
holder_pids() {
        pgrep -u "$(id -u)" -x roost-holder || true
}

# Fails the test with the output shown, unless $output contains $1.
assert_output_contains() {
        if [[ "$output" != *"$1"* ]]; then
                echo "expected output to contain: $1"
                echo "output was:"; echo "$output"
                return 1
        fi
}

assert_status() {
        if [ "$status" -ne "$1" ]; then
                echo "expected exit status $1, got $status; output:"; echo "$output"
                return 1
        fi
}
