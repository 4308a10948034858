#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/net.sh [ROUNDS] [SECONDS]: roost's container networking against
# podman's, side by side in one session, rounds alternating:
#
#   published port, host -> container (iperf3 -c 127.0.0.1 -p PORT):
#       roost-portfwd               vs podman's rootlessport (-p)
#   container -> host loopback (iperf3 -c GATEWAY in the container):
#       roost-slirp --allow-host-loopback
#                                   vs podman's slirp4netns allow_host_loopback=true
#   and host loopback itself (iperf3 -c 127.0.0.1) for scale.
#
# Prints each figure's median (Gbit/s), the ratios, the helpers' RSS, and
# the time roost-netns takes to give a container a network namespace on a
# bridge and take it away again.
#
# Runs as the test user in the harness session, without roostd:
#   sudo tests/harness/as-user bench/net.sh
# ROOST_NET_HELPERS: where roost-netns, roost-slirp and roost-portfwd are
# (default: the build tree). Needs iperf3, jq, umoci, skopeo, crun, podman,
# and the fixture images (sudo tests/harness/fixtures build).
#
# podman on these machines: rootless podman 4.3.1 (crun, slirp4netns,
# rootlessport) ran every container here with its defaults, in the harness
# session whose nofile limit is 20000 soft and hard. Where crun fails with
# "setrlimit RLIMIT_NOFILE: Operation not permitted" instead (a session whose
# hard limit is below what podman asks for), pass
# PODMAN_ARGS="--ulimit nofile=1024:1024", or set default_ulimits =
# ["nofile=1024:1024"] under [containers] in
# ~/.config/containers/containers.conf.
set -euo pipefail

ROUNDS=${1:-3}
SECS=${2:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

OCI_LAYOUT=/var/cache/roost-test/fixtures/oci
PODMAN_IMAGE=localhost/roost-bench-net:latest
PODMAN_ARGS=${PODMAN_ARGS:-}
if [ -z "${ROOST_NET_HELPERS:-}" ]; then
        for d in "$HERE/../build/netns" "${ROOST_TEST_PREFIX:-/usr/local}/libexec/roost"; do
                [ -x "$d/roost-portfwd" ] && ROOST_NET_HELPERS=$(cd "$d" && pwd) && break
        done
fi
[ -x "${ROOST_NET_HELPERS:-}/roost-portfwd" ] || { echo "net.sh: no roost-portfwd (set ROOST_NET_HELPERS)" >&2; exit 1; }
for c in iperf3 jq umoci skopeo crun podman; do
        command -v "$c" >/dev/null || { echo "net.sh: $c is missing" >&2; exit 1; }
done

T=$(mktemp -d "$XDG_RUNTIME_DIR/bench-net.XXXXXX")
RUN=$T/run
mkdir -m 0700 "$RUN"
PIDS=()
PODMAN_CTRS=()

cleanup() {
        local p c
        for c in $(nsenter -t "$(cat "$T/holder.pid" 2>/dev/null || echo 0)" -U -m --preserve-credentials -- \
                        crun --root "$T/crun" list -q 2>/dev/null); do
                nsenter -t "$(cat "$T/holder.pid")" -U -m --preserve-credentials -- crun --root "$T/crun" delete -f "$c" >/dev/null 2>&1 || true
        done
        for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
        for c in "${PODMAN_CTRS[@]}"; do podman rm -f "$c" >/dev/null 2>&1 || true; done
        [ -f "$T/holder.pid" ] && kill "$(cat "$T/holder.pid")" 2>/dev/null || true
        wait 2>/dev/null || true
        rm -rf "$T"
}
trap cleanup EXIT

holder() { cat "$T/holder.pid"; }
in_holder() { nsenter -t "$(holder)" -U -m --preserve-credentials -- "$@"; }
netns() { "$ROOST_NET_HELPERS/roost-netns" --holder "$(holder)" --runtime-dir "$RUN" "$@"; }
crun_() { in_holder crun --root "$T/crun" --cgroup-manager=disabled "$@"; }

# bundle NAME NETNS_ID ARGS_JSON
bundle() {
        mkdir -p "$T/b/$1"
        jq --argjson args "$3" --arg ns "$RUN/netns.d/$2" \
                '.process.args = $args | .linux.namespaces += [{type: "network", path: $ns}]' \
                "$T/base.json" >"$T/b/$1/config.json"
}

# waitready FILE: until the helper wrote READY (or ERROR) there
waitready() {
        local i
        for i in $(seq 1 100); do
                grep -q '^READY\|^ERROR' "$1" 2>/dev/null && break
                sleep 0.1
        done
        grep -q '^READY' "$1" || { echo "net.sh: $(cat "$1")" >&2; exit 1; }
}


echo "== set-up"
# the holder, as roostd's: user namespace with the subordinate IDs, mount and network namespaces
unshare --user --map-root-user --map-auto --mount --net --fork sleep infinity </dev/null >/dev/null 2>&1 &
U=$!
PIDS+=("$U")
for i in $(seq 1 50); do
        h=$(cat /proc/$U/task/$U/children 2>/dev/null || true); h=${h%% *}
        [ -n "$h" ] && [ "$(cat /proc/$h/comm 2>/dev/null)" = sleep ] && break
        sleep 0.1
done
echo "$h" >"$T/holder.pid"

umoci unpack --rootless --image "$OCI_LAYOUT:net:latest" "$T/img" >/dev/null
(cd "$T" && crun spec --rootless)
# (iperf3 keeps its buffers in a file under /tmp: a tmpfs there, as podman has)
jq --arg root "$T/img/rootfs" '.root.path = $root | .root.readonly = true |
        .linux.namespaces |= map(select(.type != "user")) | del(.linux.uidMappings, .linux.gidMappings) |
        .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]}] |
        .process.terminal = false' "$T/config.json" >"$T/base.json"
podman image exists "$PODMAN_IMAGE" 2>/dev/null ||
        skopeo copy -q "oci:$OCI_LAYOUT:net:latest" "containers-storage:$PODMAN_IMAGE"

netns network-up roost0
"$ROOST_NET_HELPERS/roost-slirp" --holder "$(holder)" --bridge roost0 --subnet 10.88.0.0/16 \
        --allow-host-loopback --ready-fd 9 </dev/null >/dev/null 2>&1 9>"$T/slirp.ready" &
SLIRP=$!
PIDS+=("$SLIRP")
waitready "$T/slirp.ready"
netns create srv --bridge roost0 --address 10.88.0.2/16 --gateway 10.88.0.1 >/dev/null
netns create cli --bridge roost0 --address 10.88.0.3/16 --gateway 10.88.0.1 >/dev/null

# servers: a roost container behind roost-portfwd, a podman container behind
# rootlessport, iperf3 on the host for loopback and for the containers
bundle srv srv '["iperf3", "-s", "-p", "5201"]'
crun_ run -d --bundle "$T/b/srv" bench-srv </dev/null >"$T/srv.log" 2>&1 || { cat "$T/srv.log" >&2; exit 1; }
"$ROOST_NET_HELPERS/roost-portfwd" --holder "$(holder)" --netns "$RUN/netns.d/srv" --container-ip 10.88.0.2 \
        --ready-fd 9 15201:5201 </dev/null >/dev/null 2>&1 9>"$T/portfwd.ready" &
PORTFWD=$!
PIDS+=("$PORTFWD")
waitready "$T/portfwd.ready"
# shellcheck disable=SC2086
PODMAN_SRV=$(podman run -d $PODMAN_ARGS -p 15202:5201 "$PODMAN_IMAGE" iperf3 -s -p 5201 2>/dev/null)
PODMAN_CTRS+=("$PODMAN_SRV")
iperf3 -s -p 15203 >/dev/null 2>&1 &
PIDS+=($!)
until_listening 15201
until_listening 15202
until_listening 15203

bundle cli cli "[\"iperf3\", \"-c\", \"10.88.0.1\", \"-p\", \"15203\", \"-t\", \"$SECS\", \"-J\"]"

: >"$T/lo" ; : >"$T/pf-roost" ; : >"$T/pf-podman" ; : >"$T/c2h-roost" ; : >"$T/c2h-podman"
for r in $(seq 1 "$ROUNDS"); do
        echo "== round $r/$ROUNDS"
        echo "   host loopback"
        iperf3 -c 127.0.0.1 -p 15203 -t "$SECS" -J | gbit >>"$T/lo"
        echo "   published port, roost-portfwd"
        iperf3 -c 127.0.0.1 -p 15201 -t "$SECS" -J | gbit >>"$T/pf-roost"
        echo "   published port, podman rootlessport"
        iperf3 -c 127.0.0.1 -p 15202 -t "$SECS" -J | gbit >>"$T/pf-podman"
        echo "   container -> host loopback, roost-slirp"
        crun_ run --bundle "$T/b/cli" "bench-cli-$r" </dev/null 2>/dev/null | gbit >>"$T/c2h-roost"
        echo "   container -> host loopback, podman slirp4netns"
        # shellcheck disable=SC2086
        podman run --rm $PODMAN_ARGS --network slirp4netns:allow_host_loopback=true "$PODMAN_IMAGE" \
                iperf3 -c 10.0.2.2 -p 15203 -t "$SECS" -J 2>/dev/null | gbit >>"$T/c2h-podman"
done

# RSS of the helpers after the runs, beside podman's: one more podman run,
# left running after its transfer so its slirp4netns can be measured
# shellcheck disable=SC2086
C2H=$(podman run -d $PODMAN_ARGS --network slirp4netns:allow_host_loopback=true "$PODMAN_IMAGE" \
        sh -c "iperf3 -c 10.0.2.2 -p 15203 -t $SECS >/dev/null; echo done; sleep 300" 2>/dev/null)
PODMAN_CTRS+=("$C2H")
for i in $(seq 1 $((SECS * 10 + 100))); do
        podman logs "$C2H" 2>/dev/null | grep -q done && break
        sleep 0.1
done
SLIRP4NETNS_RSS=0
for p in $(pgrep -u "$(id -u)" -x slirp4netns); do
        k=$(rss_kib "$p")
        [ "$k" -gt "$SLIRP4NETNS_RSS" ] && SLIRP4NETNS_RSS=$k
done
ROOTLESSPORT_RSS=0
for p in $(pgrep -u "$(id -u)" -f '^rootlessport'); do ROOTLESSPORT_RSS=$((ROOTLESSPORT_RSS + $(rss_kib "$p"))); done

med() { median <"$1"; }
LO=$(med "$T/lo"); PFR=$(med "$T/pf-roost"); PFP=$(med "$T/pf-podman")
CHR=$(med "$T/c2h-roost"); CHP=$(med "$T/c2h-podman")

# network namespace set-up and teardown for a container, as roost-netns does it
NS_MS=$(for i in $(seq 1 20); do
        s=$(now_ns)
        netns create "t$i" --bridge roost0 --address "10.88.1.$i/16" --gateway 10.88.0.1 >/dev/null
        netns destroy "t$i"
        e=$(now_ns)
        echo "scale=3; ($e - $s) / 1000000" | bc
done | median)

echo
echo "== results (medians of $ROUNDS runs of ${SECS} s; Gbit/s)"
report "host loopback (iperf3 -c 127.0.0.1)" "$LO"
report "published port: roost-portfwd" "$PFR"
report "published port: podman rootlessport" "$PFP"
report "  ratio roost / podman" "$(ratio "$PFR" "$PFP")"
report "  ratio roost / host loopback" "$(ratio "$PFR" "$LO")"
report "container -> host loopback: roost-slirp" "$CHR"
report "container -> host loopback: podman slirp4netns" "$CHP"
report "  ratio roost / podman" "$(ratio "$CHR" "$CHP")"
echo
echo "== memory (RSS, KiB)"
report "roost-slirp (after the runs)" "$(rss_kib "$SLIRP")"
report "roost-portfwd (after the runs)" "$(rss_kib "$PORTFWD")"
report "slirp4netns (the largest of ours)" "$SLIRP4NETNS_RSS"
report "rootlessport (parent + child)" "$ROOTLESSPORT_RSS"
echo
echo "== set-up cost"
report "roost-netns create + destroy (ms, median of 20)" "$NS_MS"
echo
echo "all runs: loopback $(tr '\n' ' ' <"$T/lo")"
echo "          roost-portfwd $(tr '\n' ' ' <"$T/pf-roost")"
echo "          rootlessport $(tr '\n' ' ' <"$T/pf-podman")"
echo "          roost-slirp $(tr '\n' ' ' <"$T/c2h-roost")"
echo "          slirp4netns $(tr '\n' ' ' <"$T/c2h-podman")"
