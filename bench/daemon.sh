#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/daemon.sh: roostd's idle footprint and the cost of talking to it
# (issue 3): idle RSS (and PSS), `roost info` end to end (process start to
# exit, with hyperfine), a D-Bus round trip to roostd on one connection, and
# `podman info` / `podman version` in the same run for scale; then idle RSS
# again after a pull and a few containers.
# Run as the test user inside the session:
#   sudo tests/harness/as-user bench/daemon.sh [ROUNDS]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
N=${1:-50}

roost info >/dev/null
pid=$(systemctl --user show -p MainPID --value roostd)
sleep 1
report "roostd RSS 1 s after a call (KiB)" "$(rss_kib "$pid")"
# idle: 30 s after its last call roostd closes its database and unloads
# libsqlite3 (and libcurl after a pull); measured once that has happened
sleep "${IDLE_WAIT:-35}"
report "roostd idle RSS, ${IDLE_WAIT:-35} s after the last call (KiB, target <= 4096)" "$(rss_kib "$pid")"
report "roostd idle PSS (KiB)" "$(awk '/^Pss:/ {print $2}' /proc/$pid/smaps_rollup)"
report "roostd idle anonymous memory (KiB)" "$(awk '/^Anonymous:/ {print $2}' /proc/$pid/smaps_rollup)"

# For scale: a program that only waits, linked against the libraries roostd
# links (its DT_NEEDED list; those libraries load theirs). What it holds is
# what loading them costs, before roostd does anything.
floor_dir=$(mktemp -d)
printf '#include <unistd.h>\nint main(void) { pause(); return 0; }\n' >"$floor_dir/floor.c"
needed=$(readelf -d "$(readlink -f /proc/$pid/exe)" | sed -n 's/.*NEEDED.*\[\(.*\)\]/-l:\1/p' | grep -v -- '-l:libc\.so' | tr '\n' ' ')
# shellcheck disable=SC2086
if gcc -o "$floor_dir/floor" "$floor_dir/floor.c" -Wl,--no-as-needed $needed 2>/dev/null; then
        "$floor_dir/floor" & floor_pid=$!
        sleep 0.5
        report "a do-nothing program linking roostd's libraries: RSS (KiB)" "$(rss_kib "$floor_pid")"
        kill "$floor_pid"
fi
rm -rf "$floor_dir"

info_ms=$(hyperfine_median "$N" roost info)
report "roost info, median wall (ms, n=$N)" "$info_ms"
busctl_ms=$(hyperfine_median "$N" busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 Version)
report "busctl --user call ... Version, median wall (ms)" "$busctl_ms"

# the round trip alone: one connection, many calls
rt_us=$(python3 - "$((N * 20))" <<'PY'
import sys, time
from gi.repository import Gio
n = int(sys.argv[1])
bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
samples = []
for _ in range(n):
    t = time.perf_counter_ns()
    bus.call_sync("io.roost.Roost1", "/io/roost/Roost1", "io.roost.Manager1", "Version",
                  None, None, Gio.DBusCallFlags.NONE, 5000, None)
    samples.append(time.perf_counter_ns() - t)
samples.sort()
print("%.1f" % (samples[len(samples) // 2] / 1000))
PY
)
report "D-Bus round trip Version on one connection, median (us)" "$rt_us"

if command -v podman >/dev/null; then
        pinfo_ms=$(hyperfine_median 10 podman info)
        report "podman info, median wall (ms, n=10)" "$pinfo_ms"
        report "ratio roost info / podman info" "$(ratio "$info_ms" "$pinfo_ms")"
fi
report "roostd RSS after the runs (KiB)" "$(rss_kib "$pid")"

# idle again after real work: the same measure once roostd has pulled an
# image (a fresh copy of the fixture, under a tag of its own), run a container
# and removed both; what the work loaded must have gone again
REG=${ROOST_TEST_REGISTRY:-$(cat /run/roost-test/registry.port 2>/dev/null | sed 's/^/127.0.0.1:/')}
if [ -n "$REG" ]; then
        img=$REG/roost-test/busybox:latest
        roost rmi -f "$img" >/dev/null 2>&1 || true
        roost pull -q "$img" >/dev/null
        roost run --rm "$img" true
        name=bench-idle-$$
        roost run -d --name "$name" "$img" sleep 600 >/dev/null
        roost exec "$name" true
        roost rm -f "$name" >/dev/null
        sleep "${IDLE_WAIT:-35}"
        report "roostd idle RSS after a pull and containers (KiB, target <= 4096)" "$(rss_kib "$pid")"
        report "roostd idle PSS after a pull and containers (KiB)" "$(awk '/^Pss:/ {print $2}' /proc/$pid/smaps_rollup)"
fi
