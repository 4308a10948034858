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
        # unpacked layers belong to subordinate IDs: remove them from inside
        # a user namespace with that mapping, as `podman unshare rm` would
        unshare --user --map-root-user --map-auto rm -rf "${XDG_DATA_HOME:-$HOME/.local/share}/roost" \
                "${XDG_CONFIG_HOME:-$HOME/.config}/roost" "$XDG_RUNTIME_DIR/roost" 2>/dev/null ||
                rm -rf "${XDG_DATA_HOME:-$HOME/.local/share}/roost" "${XDG_CONFIG_HOME:-$HOME/.config}/roost" \
                        "$XDG_RUNTIME_DIR/roost"
}

# The fixture registry (tests/harness/registry) and its images.
registry_addr() {
        if [ -n "${ROOST_TEST_REGISTRY:-}" ]; then
                echo "$ROOST_TEST_REGISTRY"
        else
                echo "127.0.0.1:$(cat /run/roost-test/registry.port)"
        fi
}

# Pulls the busybox fixture and names it "busybox" (docker.io/library/busybox:latest).
# What the container suites share: a fresh roostd with the test busybox, and
# no container left behind by a test or by the file.
remove_all_containers() {
        roost rm -f $(roost ps -aq) >/dev/null 2>&1 || true
}
containers_setup_file() {
        roost_reset
        setup_busybox
}
containers_teardown_file() {
        remove_all_containers
        roost_reset
}

setup_busybox() {
        local ref
        ref="$(registry_addr)/roost-test/busybox:latest"
        roost pull -q "$ref" >/dev/null
        roost tag "$ref" busybox
}

# Pulls the net fixture (busybox, iperf3, httpd) and names it "net".
setup_net_image() {
        local ref
        ref="$(registry_addr)/roost-test/net:latest"
        roost pull -q "$ref" >/dev/null
        roost tag "$ref" net
}

# the scopes of running containers
container_scopes() {
        systemctl --user list-units --plain --no-legend 'roost-*.scope' | grep -v -e 'roost-holder' -e 'roost-slirp-' | awk '{print $1}'
}

# mounts in the holder's mount namespace below $XDG_RUNTIME_DIR/roost/containers
container_mounts() {
        local h
        h=$(manager_prop HolderPID)
        nsenter -t "$h" -U -m --preserve-credentials cat /proc/self/mountinfo | grep -c " $XDG_RUNTIME_DIR/roost/containers/" || true
}

# A TCP port of 127.0.0.1 free right now.
free_port() {
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits (up to $2 seconds, default 10) until "$1" succeeds.
wait_for() {
        local i
        for i in $(seq $((${2:-10} * 10))); do
                if eval "$1" >/dev/null 2>&1; then return 0; fi
                sleep 0.1
        done
        echo "timed out waiting for: $1"
        return 1
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

# standin_holder [UNSHARE_FLAGS...]: a stand-in for roostd's namespace holder
# (user and mount namespaces, and what the flags add) running `sleep`; its
# PID goes to $T/holder.pid, unshare's to $T/unshare.pid (kill both at the end)
standin_holder() {
        unshare --user --map-root-user --map-auto --mount "$@" --fork sleep infinity </dev/null >/dev/null 2>&1 3>&- &
        local launcher=$! i holder=""
        echo "$launcher" >"$T/unshare.pid"
        # unshare's first children are newuidmap/newgidmap; the holder is
        # the one that has become `sleep`, with the maps written
        for i in $(seq 1 50); do
                for holder in $(cat "/proc/$launcher/task/$launcher/children" 2>/dev/null) ""; do
                        [ "$(cat "/proc/$holder/comm" 2>/dev/null)" = sleep ] && break
                done
                [ -n "$holder" ] && break
                sleep 0.1
        done
        [ -n "$holder" ] || { echo "the holder namespace did not come up" >&3; return 1; }
        echo "$holder" >"$T/holder.pid"
}
