#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/net-roost.sh [ROUNDS] [SECONDS]: roost's networking as users get it,
# through roostd and the roost CLI, side by side with podman in one session,
# rounds alternating (bench/net.sh measures the same helpers without roostd):
#
#   published port, host -> container (iperf3 -c 127.0.0.1 -p PORT):
#       roost run -p                 vs podman run -p (rootlessport)
#       (handed over to the container's iperf3: [Network] Bypass=yes, the
#       default; and forwarded by roost-portfwd, as with a seccomp profile
#       of the user's: --security-opt seccomp=unconfined)
#   container -> host loopback (iperf3 -c GATEWAY in the container):
#       roost with [Network] HostLoopback=yes
#                                    vs podman --network slirp4netns:allow_host_loopback=true
#   host loopback itself for scale, and what the default network costs a
#   container's start: roost run --rm with it and with --network none.
#
# Runs as the test user in the harness session, with roost installed and the
# fixture registry up:
#   sudo tests/harness/as-user bench/net-roost.sh
# It adds a roost.conf.d drop-in (HostLoopback=yes) for its run and restarts
# roostd before and after. Needs iperf3, jq, skopeo, podman, hyperfine.
set -euo pipefail

ROUNDS=${1:-3}
SECS=${2:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

OCI_LAYOUT=/var/cache/roost-test/fixtures/oci
IMAGE=roost-bench-net
PODMAN_IMAGE=localhost/roost-bench-net:latest
PODMAN_ARGS=${PODMAN_ARGS:-}
REG=${ROOST_TEST_REGISTRY:-127.0.0.1:$(cat /run/roost-test/registry.port)}
DROPIN=${XDG_CONFIG_HOME:-$HOME/.config}/roost/roost.conf.d/zz-bench-net.conf
P_ROOST=15211 P_PODMAN=15212 P_HOST=15213 P_FWD=15214
for c in iperf3 jq skopeo podman hyperfine roost; do
        command -v "$c" >/dev/null || { echo "net-roost.sh: $c is missing" >&2; exit 1; }
done

T=$(mktemp -d)
PIDS=()
PODMAN_CTRS=()
cleanup() {
        local p c
        roost rm -f bench-srv bench-fwd >/dev/null 2>&1 || true
        for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
        for c in "${PODMAN_CTRS[@]}"; do podman rm -f "$c" >/dev/null 2>&1 || true; done
        rm -f "$DROPIN"
        systemctl --user restart roostd 2>/dev/null || true
        wait 2>/dev/null || true
        rm -rf "$T"
}
trap cleanup EXIT


echo "== set-up"
mkdir -p "$(dirname "$DROPIN")"
printf '[Network]\nHostLoopback=yes\n' >"$DROPIN"
systemctl --user reset-failed roostd 2>/dev/null || true
systemctl --user restart roostd
roost pull -q "$REG/roost-test/net:latest" >/dev/null
roost tag "$REG/roost-test/net:latest" "$IMAGE"
roost pull -q "$REG/roost-test/busybox:latest" >/dev/null
roost tag "$REG/roost-test/busybox:latest" busybox
podman image exists "$PODMAN_IMAGE" 2>/dev/null ||
        skopeo copy -q "oci:$OCI_LAYOUT:net:latest" "containers-storage:$PODMAN_IMAGE"

roost run -d --name bench-srv -p "$P_ROOST:5201" "$IMAGE" iperf3 -s -p 5201 >/dev/null
roost run -d --name bench-fwd --security-opt seccomp=unconfined -p "$P_FWD:5201" "$IMAGE" iperf3 -s -p 5201 >/dev/null
# shellcheck disable=SC2086
PODMAN_SRV=$(podman run -d $PODMAN_ARGS -p "$P_PODMAN:5201" "$PODMAN_IMAGE" iperf3 -s -p 5201 2>/dev/null)
PODMAN_CTRS+=("$PODMAN_SRV")
iperf3 -s -p "$P_HOST" >/dev/null 2>&1 &
PIDS+=($!)
until_listening "$P_ROOST"
until_listening "$P_FWD"
until_listening "$P_PODMAN"
until_listening "$P_HOST"
GW=$(roost network inspect roost | jq -r '.[0].IPAM.Config[0].Gateway')

: >"$T/lo"; : >"$T/pf-roost"; : >"$T/pf-fwd"; : >"$T/pf-podman"; : >"$T/c2h-roost"; : >"$T/c2h-podman"
for r in $(seq 1 "$ROUNDS"); do
        echo "== round $r/$ROUNDS"
        echo "   host loopback"
        iperf3 -c 127.0.0.1 -p "$P_HOST" -t "$SECS" -J | gbit >>"$T/lo"
        echo "   published port, roost run -p"
        iperf3 -c 127.0.0.1 -p "$P_ROOST" -t "$SECS" -J | gbit >>"$T/pf-roost"
        echo "   published port, roost run -p, forwarded (seccomp=unconfined)"
        iperf3 -c 127.0.0.1 -p "$P_FWD" -t "$SECS" -J | gbit >>"$T/pf-fwd"
        echo "   published port, podman run -p"
        iperf3 -c 127.0.0.1 -p "$P_PODMAN" -t "$SECS" -J | gbit >>"$T/pf-podman"
        echo "   container -> host loopback, roost (HostLoopback=yes)"
        roost run --rm "$IMAGE" iperf3 -c "$GW" -p "$P_HOST" -t "$SECS" -J 2>/dev/null | gbit >>"$T/c2h-roost"
        echo "   container -> host loopback, podman slirp4netns"
        # shellcheck disable=SC2086
        podman run --rm $PODMAN_ARGS --network slirp4netns:allow_host_loopback=true "$PODMAN_IMAGE" \
                iperf3 -c 10.0.2.2 -p "$P_HOST" -t "$SECS" -J 2>/dev/null | gbit >>"$T/c2h-podman"
done

echo "== roost run --rm: default network and --network none"
RUN_NET=$(hyperfine_median 30 roost run --rm busybox true)
RUN_NONE=$(hyperfine_median 30 roost run --rm --network none busybox true)

portfwd_rss() {
        local id p rss=0
        id=$(roost inspect -f '{{.Id}}' "$1")
        for p in $(pgrep -u "$(id -u)" -f "roost-portfwd .*netns.d/$id"); do rss=$(rss_kib "$p"); done
        echo "$rss"
}
PORTFWD_RSS=$(portfwd_rss bench-srv)
PORTFWD_FWD_RSS=$(portfwd_rss bench-fwd)
SLIRP_RSS=0
for p in $(pgrep -u "$(id -u)" -f 'roost-slirp .*--bridge roost0 '); do SLIRP_RSS=$(rss_kib "$p"); done
ROOTLESSPORT_RSS=0
for p in $(pgrep -u "$(id -u)" -f '^rootlessport'); do ROOTLESSPORT_RSS=$((ROOTLESSPORT_RSS + $(rss_kib "$p"))); done

med() { median <"$1"; }
LO=$(med "$T/lo"); PFR=$(med "$T/pf-roost"); PFP=$(med "$T/pf-podman"); PFF=$(med "$T/pf-fwd")
CHR=$(med "$T/c2h-roost"); CHP=$(med "$T/c2h-podman")

echo
echo "== results (medians of $ROUNDS runs of ${SECS} s; Gbit/s)"
report "host loopback (iperf3 -c 127.0.0.1)" "$LO"
report "published port: roost run -p (handed over)" "$PFR"
report "published port: roost run -p, forwarded" "$PFF"
report "published port: podman run -p" "$PFP"
report "  ratio roost / podman (target >= 1.5)" "$(ratio "$PFR" "$PFP")"
report "  ratio roost / host loopback" "$(ratio "$PFR" "$LO")"
report "  ratio roost forwarded / podman" "$(ratio "$PFF" "$PFP")"
report "container -> host loopback: roost" "$CHR"
report "container -> host loopback: podman slirp4netns" "$CHP"
report "  ratio roost / podman" "$(ratio "$CHR" "$CHP")"
echo
echo "== start cost of the default network (ms, medians of 30)"
report "roost run --rm busybox true" "$RUN_NET"
report "roost run --rm --network none busybox true" "$RUN_NONE"
report "  difference" "$(echo "scale=2; $RUN_NET - $RUN_NONE" | bc)"
echo
echo "== memory (RSS, KiB)"
report "roost-portfwd of the handed-over server" "$PORTFWD_RSS"
report "roost-portfwd of the forwarded server" "$PORTFWD_FWD_RSS"
report "roost-slirp of the default network" "$SLIRP_RSS"
report "rootlessport (parent + child)" "$ROOTLESSPORT_RSS"
echo
echo "all runs: loopback $(tr '\n' ' ' <"$T/lo")"
echo "          roost -p $(tr '\n' ' ' <"$T/pf-roost")"
echo "          roost -p forwarded $(tr '\n' ' ' <"$T/pf-fwd")"
echo "          podman -p $(tr '\n' ' ' <"$T/pf-podman")"
echo "          roost -> host $(tr '\n' ' ' <"$T/c2h-roost")"
echo "          podman -> host $(tr '\n' ' ' <"$T/c2h-podman")"
