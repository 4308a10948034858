#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/run.sh: container start-up and scale (issue 5), side by side in one
# session run:
#   1. `roost run --rm busybox true` vs `podman run --rm busybox true` vs raw
#      `crun run` of an equivalent rootless bundle, alternating, N rounds;
#      medians and ratios
#   2. 100 containers at once: roostd RSS, roost-shim RSS (max, mean),
#      `roost ps` wall time (and podman's conmon for scale)
# Run as the test user inside the session, with the fixture registry up:
#   sudo tests/harness/as-user bench/run.sh [ROUNDS] [CONTAINERS]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
N=${1:-30}
M=${2:-100}
REG=${ROOST_TEST_REGISTRY:-127.0.0.1:$(cat /run/roost-test/registry.port)}
IMG=$REG/roost-test/busybox:latest
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

now_us() { echo "${EPOCHREALTIME/./}"; }

roost pull -q "$IMG" >/dev/null
podman pull -q --tls-verify=false "$IMG" >/dev/null

# An equivalent bundle for raw crun: the config.json roost writes for the
# same command (seccomp profile, masked paths, namespaces, mounts), the same
# rootfs unpacked, run by crun in the same (holder's) namespaces, without
# roost's scope, shim and bookkeeping. Plus `crun spec --rootless` minimal
# bundle for scale.
holder=$(busctl --user get-property io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 HolderPID | cut -d' ' -f2)
id=$(roost run -d "$IMG" sleep 60)
mkdir -p "$WORK/bundle/rootfs" "$WORK/minimal/rootfs"
tar -C "$WORK/bundle/rootfs" -xf /var/cache/roost-test/fixtures/busybox-rootfs.tar 2>/dev/null || true
tar -C "$WORK/minimal/rootfs" -xf /var/cache/roost-test/fixtures/busybox-rootfs.tar 2>/dev/null || true
python3 - "$XDG_RUNTIME_DIR/roost/containers/$id/bundle/config.json" "$WORK/bundle" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["root"]["path"] = sys.argv[2] + "/rootfs"
c["linux"].pop("cgroupsPath", None)
c["process"]["args"] = ["true"]
# the /etc files roost binds in live with the container; leave them out
c["mounts"] = [m for m in c["mounts"] if not m["destination"].startswith("/etc/")]
# its network namespace went with it: a new, empty one (as --network none)
for ns in c["linux"]["namespaces"]:
    if ns["type"] == "network":
        ns.pop("path", None)
json.dump(c, open(sys.argv[2] + "/config.json", "w"))
PY
roost rm -f "$id" >/dev/null
( cd "$WORK/minimal" && crun spec --rootless && sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"true"/' config.json )
crun_equivalent() {
        nsenter -t "$holder" -U -m --preserve-credentials crun --cgroup-manager=disabled --root "$WORK/crun-root" \
                run --bundle "$WORK/bundle" "bench-$1"
}

roost run --rm "$IMG" true
podman run --rm "$IMG" true
for i in $(seq "$N"); do
        s=$(now_us); roost run --rm "$IMG" true; e=$(now_us); echo $((e - s)) >>"$WORK/roost"
        s=$(now_us); roost run --rm --network none "$IMG" true; e=$(now_us); echo $((e - s)) >>"$WORK/roost-none"
        s=$(now_us); podman run --rm "$IMG" true >/dev/null; e=$(now_us); echo $((e - s)) >>"$WORK/podman"
        s=$(now_us); podman run --rm --network none "$IMG" true >/dev/null; e=$(now_us); echo $((e - s)) >>"$WORK/podman-none"
        s=$(now_us); crun_equivalent "$i" >/dev/null; e=$(now_us); echo $((e - s)) >>"$WORK/crun.times"
        s=$(now_us); crun --root "$WORK/crun-min" run --bundle "$WORK/minimal" "min-$i" >/dev/null; e=$(now_us); echo $((e - s)) >>"$WORK/crun-min.times"
done
r=$(median <"$WORK/roost"); p=$(median <"$WORK/podman"); c=$(median <"$WORK/crun.times"); m=$(median <"$WORK/crun-min.times")
report "run --rm true: roost median (ms, n=$N)" "$(echo "scale=1; $r / 1000" | bc)"
rn=$(median <"$WORK/roost-none")
report "run --rm --network none true: roost median (ms)" "$(echo "scale=1; $rn / 1000" | bc)"
report "run --rm true: podman median (ms)" "$(echo "scale=1; $p / 1000" | bc)"
pn=$(median <"$WORK/podman-none")
report "run --rm --network none true: podman median (ms)" "$(echo "scale=1; $pn / 1000" | bc)"
report "run true: raw crun, equivalent bundle (ms)" "$(echo "scale=1; $c / 1000" | bc)"
report "run true: raw crun, minimal rootless spec (ms)" "$(echo "scale=1; $m / 1000" | bc)"
report "ratio roost / podman (target <= 0.35)" "$(ratio "$r" "$p")"
report "ratio roost / podman --network none" "$(ratio "$r" "$pn")"
report "ratio roost / crun (target <= 3)" "$(ratio "$r" "$c")"
report "ratio roost --network none / crun (the same network)" "$(ratio "$rn" "$c")"

# --- many containers ---------------------------------------------------------
for i in $(seq "$M"); do
        roost run -d --name "bench-many-$i" "$IMG" sleep 3600 >/dev/null
done
sleep 1
pid=$(systemctl --user show -p MainPID --value roostd)
report "roostd RSS with $M containers, just started (KiB)" "$(rss_kib "$pid")"
# settled: roostd unloads libcurl 30 s after the pull at the top
sleep 32
report "roostd RSS with $M containers, settled (KiB, target <= 16384)" "$(rss_kib "$pid")"
shims=$(pgrep -u "$(id -u)" -x roost-shim || true)
max=0; sum=0; n=0
for s in $shims; do
        k=$(rss_kib "$s"); sum=$((sum + k)); n=$((n + 1)); [ "$k" -gt "$max" ] && max=$k
done
report "roost-shim RSS, max of $n (KiB, target <= 1024)" "$max"
[ "$n" -gt 0 ] && report "roost-shim RSS, mean (KiB)" "$((sum / n))"
ps_ms=$(hyperfine_median 20 roost ps)
report "roost ps with $M running, median (ms, target <= 20)" "$ps_ms"
roost rm -f $(roost ps -aq --filter name=bench-many) >/dev/null

# podman's per-container monitor, for scale
podman run -d --name bench-conmon "$IMG" sleep 3600 >/dev/null
cpid=$(pgrep -u "$(id -u)" -x conmon | head -1 || true)
[ -n "$cpid" ] && report "podman conmon RSS, one container (KiB)" "$(rss_kib "$cpid")"
podman rm -f -t 0 bench-conmon >/dev/null
