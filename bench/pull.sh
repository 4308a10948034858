#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/pull.sh [ROUNDS]: pull wall time of roost against podman, side by
# side in one run, as the test user in its session (tests/harness/session):
# for each of roost-test/big:latest (gzip) and big:zstd from the local
# registry (tests/harness/registry + fixtures push), ROUNDS rounds (default
# 5) alternating `roost pull` (after roost rmi + prune) and
# `podman pull --tls-verify=false` (after podman rmi; podman's default
# storage), and podman with --storage-driver overlay in a store of its own
# (podman's default here may be vfs). Prints the medians, the ratios
# roost/podman, and roostd's RSS
# during the pulls (the largest VmRSS sampled every 10 ms, and VmHWM of a
# roostd started fresh before the round).
#
# As root: ROOST_TEST_USER and ROOST_TEST_PREFIX pick the session and the
# roost install, as for the system tests.
set -euo pipefail

ROUNDS=${1:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(dirname "$HERE")

if [ "${BENCH_INSIDE:-}" != 1 ]; then
        [ "$(id -u)" = 0 ] || { echo "bench/pull.sh: run as root (it runs the test user's session)" >&2; exit 1; }
        REG=$("$SRC/tests/harness/registry" addr) || { echo "bench/pull.sh: no registry: sudo tests/harness/registry up; fixtures build; fixtures push" >&2; exit 1; }
        "$SRC/tests/harness/session" status >/dev/null || { echo "bench/pull.sh: no session: sudo tests/harness/session up" >&2; exit 1; }
        tmp=$(mktemp -d /var/tmp/roost-bench.XXXXXX)
        cp "$0" "$tmp/pull.sh"
        chmod -R a+rX "$tmp"
        export BENCH_INSIDE=1 BENCH_REGISTRY=$REG BENCH_ROUNDS=$ROUNDS
        AS_USER_KEEP_ENV="BENCH_INSIDE BENCH_REGISTRY BENCH_ROUNDS" "$SRC/tests/harness/as-user" bash "$tmp/pull.sh"
        rc=$?
        rm -rf "$tmp"
        exit $rc
fi

REG=$BENCH_REGISTRY
ROUNDS=$BENCH_ROUNDS
now_ms() { echo $(($(date +%s%N) / 1000000)); }

roostd_pid() { systemctl --user show -p MainPID --value roostd; }

# samples roostd's VmRSS (kB) every 10 ms until told to stop; prints the max
sample_rss() {
        local pid=$1 max=0 v
        while [ ! -e "$2" ]; do
                v=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
                [ "${v:-0}" -gt "$max" ] && max=$v
                sleep 0.01
        done
        echo "$max"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

roost_round() {
        local ref=$1 t0 t1 pid stop rss hwm
        roost rmi -f "$ref" >/dev/null 2>&1 || true
        roost image prune -a -f >/dev/null 2>&1 || true
        # a fresh roostd, so VmHWM is this pull's peak
        systemctl --user restart roostd
        roost info >/dev/null
        pid=$(roostd_pid)
        stop=$(mktemp)
        rm -f "$stop"
        sample_rss "$pid" "$stop" >"$stop.rss" &
        t0=$(now_ms)
        roost pull -q "$ref" >/dev/null
        t1=$(now_ms)
        touch "$stop"
        wait
        rss=$(cat "$stop.rss")
        hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
        rm -f "$stop" "$stop.rss"
        echo "$((t1 - t0)) $rss $hwm"
}

OVL=$(mktemp -d /var/tmp/roost-bench-podman.XXXXXX)
podman_ovl() { podman --root "$OVL/root" --runroot "$OVL/run" --storage-driver overlay "$@"; }
trap 'podman unshare rm -rf "$OVL" 2>/dev/null || rm -rf "$OVL"' EXIT

# podman_round REF [ovl]: ms, or "n/a" when that podman cannot pull
podman_round() {
        local ref=$1 t0 t1 pm=podman
        [ "${2:-}" = ovl ] && pm=podman_ovl
        $pm rmi -f "$ref" >/dev/null 2>&1 || true
        $pm image prune -a -f >/dev/null 2>&1 || true
        t0=$(now_ms)
        $pm pull -q --tls-verify=false "$ref" >/dev/null 2>&1 || { echo n/a; return; }
        t1=$(now_ms)
        echo "$((t1 - t0))"
}

echo "roost $(roost version --format '{{.Server.Version}}' 2>/dev/null || echo '?'), $(podman --version), storage: roost $(roost info --format '{{.StorageDriver}}'), podman $(podman info --format '{{.Store.GraphDriverName}}' 2>/dev/null)"
echo "$ROUNDS rounds each, alternating; registry $REG"
declare -A med
for tag in latest zstd; do
        ref=$REG/roost-test/big:$tag
        : >/tmp/bench-roost.$$ ; : >/tmp/bench-podman.$$ ; : >/tmp/bench-ovl.$$ ; : >/tmp/bench-rss.$$ ; : >/tmp/bench-hwm.$$
        # warm-up: podman's first run sets up its storage
        podman_round "$ref" >/dev/null
        podman_round "$ref" ovl >/dev/null
        for i in $(seq 1 "$ROUNDS"); do
                read -r ms rss hwm < <(roost_round "$ref")
                echo "$ms" >>/tmp/bench-roost.$$
                echo "$rss" >>/tmp/bench-rss.$$
                echo "$hwm" >>/tmp/bench-hwm.$$
                p=$(podman_round "$ref")
                [ "$p" != n/a ] && echo "$p" >>/tmp/bench-podman.$$
                o=$(podman_round "$ref" ovl)
                [ "$o" != n/a ] && echo "$o" >>/tmp/bench-ovl.$$
                printf '  big:%-6s round %d: roost %5d ms (roostd RSS max %d kB, HWM %d kB)  podman %5s ms  podman overlay %5s ms\n' \
                        "$tag" "$i" "$ms" "$rss" "$hwm" "$p" "$o"
        done
        r=$(median </tmp/bench-roost.$$)
        p=$(median </tmp/bench-podman.$$)
        o=$([ -s /tmp/bench-ovl.$$ ] && median </tmp/bench-ovl.$$ || echo 0)
        rss=$(sort -n /tmp/bench-rss.$$ | tail -1)
        hwm=$(sort -n /tmp/bench-hwm.$$ | tail -1)
        med[$tag]=$r
        printf 'big:%-6s median: roost %s ms, podman (%s) %s ms, ratio %.2f; podman overlay %s ms, ratio %s; roostd RSS during pull max %.1f MiB (VmHWM %.1f MiB)\n' \
                "$tag" "$r" "$(podman info --format '{{.Store.GraphDriverName}}' 2>/dev/null)" "$p" "$(echo "$r / $p" | bc -l)" \
                "$o" "$([ "$o" != 0 ] && printf '%.2f' "$(echo "$r / $o" | bc -l)" || echo n/a)" \
                "$(echo "$rss / 1024" | bc -l)" "$(echo "$hwm / 1024" | bc -l)"
        rm -f /tmp/bench-*.$$
done
printf 'zstd vs gzip (roost medians): %s ms vs %s ms, ratio %.2f\n' "${med[zstd]}" "${med[latest]}" "$(echo "${med[zstd]} / ${med[latest]}" | bc -l)"
roost rmi -f "$REG/roost-test/big:latest" "$REG/roost-test/big:zstd" >/dev/null 2>&1 || true
podman rmi -f "$REG/roost-test/big:latest" "$REG/roost-test/big:zstd" >/dev/null 2>&1 || true
podman_ovl rmi -a -f >/dev/null 2>&1 || true
