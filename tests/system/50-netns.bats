#!/usr/bin/env bats
# roost's container networking without roostd: roost-netns (bridges, container
# network namespaces, veths), roost-slirp (the libslirp uplink) and
# roost-portfwd (published ports), with real crun containers of the net
# fixture image (busybox + iperf3, /www/index.html) and plain processes
# entered into the container namespaces with nsenter.
#
# The namespace holder is stood in for by `unshare --user --map-root-user
# --map-auto --mount --net`: a user namespace with the /etc/subuid range, a
# mount namespace and a network namespace (the detached one), as roostd's.
#
# ROOST_NET_HELPERS: the directory holding roost-netns, roost-slirp and
# roost-portfwd (default: the build tree, else the installed libexec dir).

bats_require_minimum_version 1.5.0
load helpers

OCI_LAYOUT=/var/cache/roost-test/fixtures/oci

setup_file() {
        local prefix=${ROOST_TEST_PREFIX:-/usr/local} d
        if [ -z "${ROOST_NET_HELPERS:-}" ]; then
                for d in "$BATS_TEST_DIRNAME/../../build/netns" "$ROOST_TEST_SRC/../build/netns" "$prefix/libexec/roost"; do
                        [ -x "$d/roost-portfwd" ] && ROOST_NET_HELPERS=$(cd "$d" && pwd) && break
                done
        fi
        export ROOST_NET_HELPERS
        [ -x "${ROOST_NET_HELPERS:-}/roost-slirp" ] || { echo "no roost-slirp (set ROOST_NET_HELPERS)" >&3; return 1; }
        [ -d "$OCI_LAYOUT" ] || { echo "$OCI_LAYOUT missing: sudo tests/harness/fixtures build" >&3; return 1; }
        command -v nc >/dev/null || { echo "nc missing: apt-get install netcat-openbsd" >&3; return 1; }

        export T RUN
        T=$(mktemp -d "$XDG_RUNTIME_DIR/netns-test.XXXXXX")
        RUN=$T/run
        mkdir -m 0700 "$RUN"

        # the net image as a rootfs, and crun's rootless spec without a user
        # namespace of its own (containers share the holder's), with
        # CAP_NET_RAW as docker gives it (busybox ping needs a raw socket).
        # (wget runs under timeout: busybox 1.35's wget -T crashes.)
        umoci unpack --rootless --image "$OCI_LAYOUT:net:latest" "$T/img" >/dev/null
        (cd "$T" && crun spec --rootless)
        jq --arg root "$T/img/rootfs" '
                .root.path = $root | .root.readonly = true |
                .linux.namespaces |= map(select(.type != "user")) |
                del(.linux.uidMappings, .linux.gidMappings) |
                .process.terminal = false |
                .process.capabilities |= with_entries(.value += ["CAP_NET_RAW"])' "$T/config.json" >"$T/base.json"

        # the stand-in for roostd's namespace holder; by PID, killed at the end
        standin_holder --net

        # a web server on the host's loopback, and one on every address
        mkdir "$T/www"
        echo "hello from the host" >"$T/www/index.html"
        busybox httpd -f -p 127.0.0.1:18091 -h "$T/www" </dev/null >/dev/null 2>&1 3>&- &
        echo $! >"$T/pids.httpd-lo"
        busybox httpd -f -p 0.0.0.0:18092 -h "$T/www" </dev/null >/dev/null 2>&1 3>&- &
        echo $! >"$T/pids.httpd-any"
}

teardown_file() {
        local f pid
        for c in $(in_holder crun --root "$T/crun" list -q 2>/dev/null); do
                in_holder crun --root "$T/crun" delete -f "$c" >/dev/null 2>&1 || true
        done
        # helpers and servers a failed test left behind, by their recorded PIDs
        for f in "$T"/pids.*; do
                [ -e "$f" ] || continue
                for pid in $(cat "$f"); do kill "$pid" 2>/dev/null || true; done
        done
        pid=$(cat "$T/holder.pid" 2>/dev/null) && kill "$pid" 2>/dev/null || true
        pid=$(cat "$T/unshare.pid" 2>/dev/null) && wait "$pid" 2>/dev/null || true
        rm -rf "$T"
}

holder() { cat "$T/holder.pid"; }
in_holder() { nsenter -t "$(holder)" -U -m --preserve-credentials -- "$@"; }
# in the detached network namespace
in_detached() { nsenter -t "$(holder)" -U -m -n --preserve-credentials -- "$@"; }
# in container ID's network namespace (a plain process, no crun)
in_ctr() { local id=$1; shift; in_holder nsenter --net="$RUN/netns.d/$id" -- "$@"; }
netns() { "$ROOST_NET_HELPERS/roost-netns" --holder "$(holder)" --runtime-dir "$RUN" "$@"; }

# bg NAME CMD...: runs CMD (a program, not a function) in the background,
# stdin from $BG_STDIN (default /dev/null), stdout and stderr to
# $T/NAME.log, its PID appended to $T/pids.NAME
bg() {
        local name=$1; shift
        ( exec "$@" <"${BG_STDIN:-/dev/null}" >>"$T/$name.log" 2>&1 3>&- ) &
        echo $! >>"$T/pids.$name"
}

# bg_ctr NAME ID CMD...: bg, in container ID's network namespace (nsenter
# does not fork: the PID recorded is CMD's)
bg_ctr() {
        local name=$1 id=$2; shift 2
        bg "$name" nsenter -t "$(holder)" -U -m --preserve-credentials -- nsenter --net="$RUN/netns.d/$id" -- "$@"
}

# slirp NAME ARGS...: starts roost-slirp for a network and waits for its
# READY (or ERROR) line
slirp() {
        local name=$1; shift
        # a restart must not read the READY of the one before
        rm -f "$T/slirp-$name.ready"
        ( exec "$ROOST_NET_HELPERS/roost-slirp" --holder "$(holder)" --ready-fd 9 "$@" \
                </dev/null >>"$T/slirp-$name.log" 2>&1 3>&- 9>"$T/slirp-$name.ready" ) &
        echo $! >>"$T/pids.slirp-$name"
        retry 50 grep -q "^READY\|^ERROR" "$T/slirp-$name.ready" || true
        grep -q "^READY" "$T/slirp-$name.ready" || { cat "$T/slirp-$name.ready" "$T/slirp-$name.log"; return 1; }
}

# ctr NAME NETNS_ID ARGS_JSON [-d]: a crun container of the net image in
# the network namespace of NETNS_ID; -d runs it detached
ctr() {
        local name=$1 id=$2 args=$3 detach=${4:-}
        mkdir -p "$T/bundles/$name"
        jq --argjson args "$args" --arg ns "$RUN/netns.d/$id" '
                .process.args = $args |
                .linux.namespaces += [{type: "network", path: $ns}]' \
                "$T/base.json" >"$T/bundles/$name/config.json"
        if [ "$detach" = -d ]; then
                in_holder crun --root "$T/crun" --cgroup-manager=disabled run -d \
                        --bundle "$T/bundles/$name" "$name" </dev/null >"$T/$name.log" 2>&1 3>&-
        else
                in_holder crun --root "$T/crun" --cgroup-manager=disabled run \
                        --bundle "$T/bundles/$name" "$name" </dev/null 3>&-
        fi
}

ctr_rm() { in_holder crun --root "$T/crun" delete -f "$1" >/dev/null 2>&1 || true; }

# retry N CMD...: runs CMD until it succeeds, at most N times, 0.2 s apart
retry() {
        local n=$1 i; shift
        for i in $(seq 1 "$n"); do
                "$@" && return 0
                sleep 0.2
        done
        return 1
}

only_lo() { [ "$(in_detached ip -o link show | wc -l)" -eq 1 ]; }

host_address() { ip -4 -o addr show scope global | awk '{sub("/.*", "", $4); print $4; exit}'; }

@test "network-up makes a bridge, idempotently; roost-slirp puts its tap on it, sandboxed" {
        netns network-up roost0
        netns network-up roost0
        run in_detached ip -d link show roost0
        assert_status 0
        assert_output_contains "mtu 65520"
        assert_output_contains "bridge forward_delay 0"

        slirp roost0 --bridge roost0 --subnet 10.88.0.0/16
        run cat "$T/slirp-roost0.ready"
        assert_output_contains "READY tap=rslirp"
        assert_output_contains "gateway=10.88.0.1 dns=10.88.255.254 host-loopback=no"
        tap=$(sed 's/.*tap=\([^ ]*\).*/\1/' "$T/slirp-roost0.ready")
        run in_detached ip -d link show "$tap"
        assert_output_contains "master roost0"
        assert_output_contains "mtu 65520"
        # in the host netns itself: its tap is not here
        run ip link show "$tap"
        [ "$status" -ne 0 ]
        pid=$(tail -1 "$T/pids.slirp-roost0")
        [ "$(readlink /proc/$pid/ns/net)" = "$(readlink /proc/self/ns/net)" ]
        grep -q '^Seccomp:[[:space:]]*2' /proc/$pid/status
        grep -q '^NoNewPrivs:[[:space:]]*1' /proc/$pid/status
}

@test "two containers on a network reach each other by address" {
        netns create web --bridge roost0 --address 10.88.0.2/16 --gateway 10.88.0.1
        netns create client --bridge roost0 --address 10.88.0.3/16 --gateway 10.88.0.1
        run in_ctr web ip -o addr show eth0
        assert_output_contains "inet 10.88.0.2/16"
        run in_ctr web ip route
        assert_output_contains "default via 10.88.0.1 dev eth0"

        ctr web web '["httpd", "-f", "-p", "80", "-h", "/www"]' -d
        run retry 25 ctr get client '["timeout", "3", "wget", "-q", "-O-", "http://10.88.0.2/"]'
        ctr_rm get
        assert_status 0
        [ "$output" = "hello from roost" ]

        run ctr ping client '["ping", "-c", "1", "-W", "3", "10.88.0.2"]'
        ctr_rm ping
        assert_status 0
        assert_output_contains "1 packets received"
}

@test "containers reach the outside world through roost-slirp, not the host's loopback by default" {
        addr=$(host_address)
        [ -n "$addr" ] || skip "the host has no global IPv4 address"
        run ctr out client "[\"timeout\", \"5\", \"wget\", \"-q\", \"-O-\", \"http://$addr:18092/\"]"
        ctr_rm out
        assert_status 0
        [ "$output" = "hello from the host" ]

        # the gateway does not lead to the host's 127.0.0.1 unless allowed
        run ctr lo client '["timeout", "3", "wget", "-q", "-O-", "http://10.88.0.1:18091/"]'
        ctr_rm lo
        [ "$status" -ne 0 ]
        [[ "$output" != *"hello from the host"* ]]

        # the DNS forwarder answers (with the host resolver's reply)
        run ctr dns client '["nslookup", "localhost.", "10.88.255.254"]'
        ctr_rm dns
        assert_output_contains "Server:		10.88.255.254"
}

@test "a second network with --allow-host-loopback: the gateway is the host's 127.0.0.1; the networks are isolated" {
        netns network-up roost1
        slirp roost1 --bridge roost1 --subnet 10.89.0.0/24 --allow-host-loopback
        grep -q "host-loopback=yes" "$T/slirp-roost1.ready"
        netns create other --bridge roost1 --address 10.89.0.2/24 --gateway 10.89.0.1

        run ctr lo2 other '["timeout", "3", "wget", "-q", "-O-", "http://10.89.0.1:18091/"]'
        ctr_rm lo2
        assert_status 0
        [ "$output" = "hello from the host" ]

        # nothing on roost0 is reachable from roost1
        run ctr cross other '["timeout", "2", "wget", "-q", "-O-", "http://10.88.0.2/"]'
        ctr_rm cross
        [ "$status" -ne 0 ]
        run ctr crossping other '["ping", "-c", "1", "-W", "2", "10.88.0.2"]'
        ctr_rm crossping
        [ "$status" -ne 0 ]
}

@test "connect gives a container eth1 on another network; disconnect takes it away" {
        run netns connect web --bridge roost1 --address 10.89.0.3/24
        assert_status 0
        [ "$output" = eth1 ]
        run in_ctr web ip -o addr show eth1
        assert_output_contains "inet 10.89.0.3/24"
        # the default route stays on the first network
        run in_ctr web ip route show default
        assert_output_contains "via 10.88.0.1 dev eth0"
        run ctr via1 other '["timeout", "3", "wget", "-q", "-O-", "http://10.89.0.3/"]'
        ctr_rm via1
        [ "$output" = "hello from roost" ]

        netns disconnect web eth1
        run in_ctr web ip link show eth1
        [ "$status" -ne 0 ]
        run in_detached ip -o link show
        [[ "$output" != *"rweb-1"* ]]
        run ctr via1 other '["timeout", "2", "wget", "-q", "-O-", "http://10.89.0.3/"]'
        ctr_rm via1
        [ "$status" -ne 0 ]
}

@test "roost-portfwd publishes the container's httpd on 127.0.0.1:18080 and says which ports" {
        bg portfwd-web "$ROOST_NET_HELPERS/roost-portfwd" --holder "$(holder)" --netns "$RUN/netns.d/web" \
                --container-ip 10.88.0.2 --ready-fd 9 127.0.0.1:18080:80 18081-18089:80 15201:5201 15353:5353/udp 15400:5400 \
                9>"$T/portfwd-web.out"
        retry 25 grep -q READY "$T/portfwd-web.out"
        run cat "$T/portfwd-web.out"
        assert_output_contains "PORT 127.0.0.1:18080:80/tcp"
        assert_output_contains "PORT 18081:80/tcp"
        assert_output_contains "PORT 15201:5201/tcp"
        assert_output_contains "PORT 15353:5353/udp"
        assert_output_contains "PORT 15400:5400/tcp"
        assert_output_contains "READY preserve-source=yes"

        run curl -s --max-time 5 http://127.0.0.1:18080/
        assert_status 0
        [ "$output" = "hello from roost" ]
        run curl -s --max-time 5 http://127.0.0.1:18081/
        [ "$output" = "hello from roost" ]
        # bound to 127.0.0.1 only
        addr=$(host_address)
        if [ -n "$addr" ]; then
                run curl -s --max-time 2 "http://$addr:18080/"
                [ "$status" -ne 0 ]
                run curl -s --max-time 5 "http://$addr:18081/"
                [ "$output" = "hello from roost" ]
        fi
}

@test "the container sees the client's address: the gateway for the host's loopback, the host's own otherwise" {
        bg_ctr iperf-srv web iperf3 -s -p 5201
        retry 25 in_ctr web sh -c 'ss -ltn | grep -q :5201'
        run iperf3 -c 127.0.0.1 -p 15201 -t 1 -J
        assert_status 0
        retry 10 grep -q "Accepted connection from 10.88.0.1" "$T/iperf-srv.log"
        addr=$(host_address)
        if [ -n "$addr" ]; then
                iperf3 -c "$addr" -p 15201 -t 1 -J >/dev/null
                retry 10 grep -q "Accepted connection from $addr" "$T/iperf-srv.log"
        fi
        kill "$(cat "$T/pids.iperf-srv")"
}

@test "UDP is forwarded both ways (nc -u)" {
        # in the container: answer the first datagram's sender with "pong"
        echo pong >"$T/pong"
        BG_STDIN=$T/pong bg_ctr udp web nc -u -l 5353
        retry 25 in_ctr web sh -c 'ss -lun | grep -q :5353'
        run sh -c 'echo ping | nc -u -w 2 127.0.0.1 15353'
        assert_output_contains "pong"
        retry 10 grep -q ping "$T/udp.log"
        kill "$(cat "$T/pids.udp")"
}

@test "TCP through roost-portfwd: 32 MiB arrive intact, the half-close reaches the container, its answer comes back" {
        # in the container: read to EOF, answer with the SHA-256 of what came
        bg_ctr sha web python3 -c '
import hashlib, socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5400)); s.listen()
c, _ = s.accept(); h = hashlib.sha256()
while True:
        d = c.recv(1 << 20)
        if not d: break
        h.update(d)
c.sendall(h.hexdigest().encode()); c.close()'
        retry 25 in_ctr web sh -c 'ss -ltn | grep -q :5400'
        run python3 -c '
import hashlib, os, socket
data = os.urandom(32 << 20)
s = socket.create_connection(("127.0.0.1", 15400), timeout=20)
s.sendall(data); s.shutdown(socket.SHUT_WR)
got = b""
while True:
        d = s.recv(4096)
        if not d: break
        got += d
print("ok" if got.decode() == hashlib.sha256(data).hexdigest() else "mismatch: " + got.decode())'
        assert_status 0
        [ "$output" = ok ]
}

@test "errors: a taken port names its holder, a low port names the sysctl, a bad spec says why" {
        run "$ROOST_NET_HELPERS/roost-portfwd" --holder "$(holder)" --netns "$RUN/netns.d/web" \
                --container-ip 10.88.0.2 18080:80
        [ "$status" -eq 1 ]
        assert_output_contains "Host port 18080/tcp is already in use by roost-portfwd (PID $(cat "$T/pids.portfwd-web"))"

        start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
        [ "$start" -gt 80 ] || skip "net.ipv4.ip_unprivileged_port_start is $start here"
        run "$ROOST_NET_HELPERS/roost-portfwd" --holder "$(holder)" --netns "$RUN/netns.d/web" \
                --container-ip 10.88.0.2 --ready-fd 1 80:80
        [ "$status" -eq 1 ]
        assert_output_contains "ERROR Host port 80/tcp is below net.ipv4.ip_unprivileged_port_start ($start)"

        run "$ROOST_NET_HELPERS/roost-portfwd" --holder "$(holder)" --netns "$RUN/netns.d/web" \
                --container-ip 10.88.0.2 18080:80-81
        [ "$status" -eq 1 ]
        assert_output_contains "Invalid port spec '18080:80-81': the host and container port ranges differ in length"

        # every port of a range taken
        run "$ROOST_NET_HELPERS/roost-portfwd" --holder "$(holder)" --netns "$RUN/netns.d/web" \
                --container-ip 10.88.0.2 127.0.0.1:18080-18080:80
        [ "$status" -eq 1 ]

        # and for the networks: a bridge name taken by something else, a missing bridge
        in_detached ip link add notabridge type dummy 2>/dev/null || in_detached ip link add notabridge type veth peer name notabridge1
        run netns network-up notabridge
        [ "$status" -eq 1 ]
        assert_output_contains "notabridge exists and is not a bridge"
        in_detached ip link del notabridge
        run netns create nobr --bridge nosuch --address 10.88.0.9/16
        [ "$status" -eq 1 ]
        assert_output_contains "no bridge or interface nosuch"
        [ ! -e "$RUN/netns.d/nobr" ]
        run netns create web --bridge roost0 --address 10.88.0.9/16
        assert_output_contains "already has a network namespace"
}

@test "killing roost-slirp and starting another restores connectivity for new connections" {
        addr=$(host_address)
        [ -n "$addr" ] || skip "the host has no global IPv4 address"
        pid=$(tail -1 "$T/pids.slirp-roost0")
        kill -9 "$pid"
        retry 25 sh -c "! kill -0 $pid 2>/dev/null"
        run ctr down client "[\"timeout\", \"2\", \"wget\", \"-q\", \"-O-\", \"http://$addr:18092/\"]"
        ctr_rm down
        [ "$status" -ne 0 ]
        # its tap went with it
        run in_detached ip -o link show master roost0
        [[ "$output" != *rslirp* ]]

        slirp roost0 --bridge roost0 --subnet 10.88.0.0/16
        run ctr up client "[\"timeout\", \"5\", \"wget\", \"-q\", \"-O-\", \"http://$addr:18092/\"]"
        ctr_rm up
        assert_status 0
        [ "$output" = "hello from the host" ]
}

@test "SIGTERM ends the helpers cleanly and releases the ports; teardown leaves no veth, mount, netns or process" {
        pid=$(cat "$T/pids.portfwd-web")
        kill "$pid"
        retry 25 sh -c "! kill -0 $pid 2>/dev/null"
        wait "$pid" 2>/dev/null || true
        run curl -s --max-time 2 http://127.0.0.1:18080/
        [ "$status" -ne 0 ]
        # the port is free again
        bg rebind nc -l 127.0.0.1 18080
        retry 25 sh -c 'ss -ltn | grep -q 127.0.0.1:18080'
        kill "$(cat "$T/pids.rebind")"

        for name in roost0 roost1; do
                for pid in $(cat "$T/pids.slirp-$name"); do
                        kill "$pid" 2>/dev/null || true
                        retry 25 sh -c "! kill -0 $pid 2>/dev/null"
                done
        done
        ctr_rm web
        netns destroy web
        # cut off the bridge at once
        run in_detached ip -o link show master roost0
        [[ "$output" != *rweb-0* ]]
        netns destroy client
        netns destroy other
        netns destroy other   # again: nothing to do, no error
        netns network-down roost0
        netns network-down roost1

        # the veth pairs go with their namespaces, in the kernel's own time
        retry 50 only_lo || { in_detached ip -o link show; false; }
        run in_detached ip -o link show
        assert_output_contains "lo:"
        run in_holder grep -c "$RUN/netns.d" /proc/self/mountinfo
        [ "$output" = 0 ]
        [ -z "$(ls -A "$RUN/netns.d")" ]
        for f in "$T"/pids.slirp-* "$T/pids.portfwd-web"; do
                for pid in $(cat "$f"); do
                        ! kill -0 "$pid" 2>/dev/null
                done
        done
}
