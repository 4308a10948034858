# SPDX-License-Identifier: Apache-2.0
# Shared by the benchmarks: timing, medians, ratios. Sourced by bench/*.sh,
# which run as the test user inside the harness session (see README.md).

# now_ns: monotonic-ish wall clock in nanoseconds
now_ns() { date +%s%N; }

# median of the numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "nan"; exit} if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# time_cmd N CMD...: runs CMD N times, prints each wall time in ms (one per line)
time_cmd() {
        local n=$1 i s e; shift
        for i in $(seq "$n"); do
                s=$(now_ns); "$@" >/dev/null 2>&1; e=$(now_ns)
                echo "scale=3; ($e - $s) / 1000000" | bc
        done
}

# rss_kib PID: resident set size in KiB
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

ratio() { echo "scale=3; $1 / $2" | bc; }

report() { printf '%-52s %s\n' "$1" "$2"; }

# hyperfine_median N CMD...: median wall time of CMD in ms over N runs (no shell)
hyperfine_median() {
        local n=$1 j; shift
        j=$(mktemp)
        hyperfine -N -w 3 -r "$n" --export-json "$j" -- "$(printf '%q ' "$@")" >/dev/null 2>&1
        python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$j"
        rm -f "$j"
}

# Gbit/s received, from iperf3 -J on stdin (iperf3's error, on stderr, when it failed)
gbit() { jq -r 'if .end.sum_received then .end.sum_received.bits_per_second / 1e9 else ("iperf3: " + (.error // "no result") | halt_error(1)) end'; }

# until_listening PORT: until an iperf3 server answers on 127.0.0.1:PORT (exits after ~10 s)
until_listening() {
        local i
        for i in $(seq 1 100); do
                timeout 5 iperf3 -c 127.0.0.1 -p "$1" -n 1K -J >/dev/null 2>&1 && return 0
                sleep 0.1
        done
        echo "nothing answers on port $1" >&2; exit 1
}
