#!/usr/bin/env bats
# Networking through roostd (issue 6): the default network, user networks,
# published ports (TCP and UDP), DNS and /etc/hosts, --network
# host/none/container:, host loopback, survival of roostd restarts and of
# roost-slirp's death, and bad input.

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
        containers_setup_file
        setup_net_image
}

teardown_file() {
        remove_all_containers
        roost network prune -f >/dev/null 2>&1 || true
        roost_reset
}

teardown() {
        [ -z "${HTTP_PID:-}" ] || kill "$HTTP_PID" 2>/dev/null || true
        remove_all_containers
        roost network prune -f >/dev/null 2>&1 || true
}

# GET PATH from ADDR:PORT with busybox nc inside a container (the whole
# response, headers too)
http_get_cmd() {
        printf "printf 'GET %s HTTP/1.0\\\\r\\\\n\\\\r\\\\n' | nc -w 3 %s %s" "$3" "$1" "$2"
}

# the veths of containers in the detached network namespace
container_veths() {
        nsenter -t "$(manager_prop HolderPID)" -U -n --preserve-credentials ip -o link | grep -c ': r[0-9a-f]\{12\}-' || true
}

@test "the default network: an address, a default route, resolv.conf and /etc/hosts" {
        run roost network ls --format '{{.Name}} {{.Driver}}'
        assert_output_contains "roost bridge"
        run roost run --rm --name netcheck busybox sh -c 'ip -o -4 addr show eth0; ip route; cat /etc/resolv.conf /etc/hosts'
        assert_status 0
        assert_output_contains "inet 10.88."
        assert_output_contains "default via 10.88.0.1"
        assert_output_contains "nameserver 10.88.255.254"
        assert_output_contains "netcheck"
}

@test "-p publishes a TCP port; roost port and ps show it; stop closes it and start opens it again" {
        port=$(free_port)
        roost run -d --name web -p "$port:80" net httpd -f -p 80 -h /www
        wait_for "curl -sf http://127.0.0.1:$port/"
        run curl -s "http://127.0.0.1:$port/"
        [ "$output" = "$(roost exec web cat /www/index.html)" ]
        run roost port web
        assert_output_contains "80/tcp -> 0.0.0.0:$port"
        run roost port web 80
        assert_output_contains "0.0.0.0:$port"
        run roost ps --format '{{.Names}} {{.Ports}}'
        assert_output_contains "web 0.0.0.0:$port->80/tcp"
        roost stop -t 1 web
        run curl -s -m 2 "http://127.0.0.1:$port/"
        [ "$status" -ne 0 ]
        roost start web
        wait_for "curl -sf http://127.0.0.1:$port/"
}

@test "-P publishes every exposed port to a free host port" {
        roost run -d --name pall -P net httpd -f -p 80 -h /www
        run roost port pall
        assert_output_contains "80/tcp -> 0.0.0.0:"
        assert_output_contains "5201/tcp -> 0.0.0.0:"
        port=$(roost port pall 80 | head -1 | cut -d: -f2)
        wait_for "curl -sf http://127.0.0.1:$port/"
}

@test "UDP is forwarded both ways (iperf3 -u through -p PORT/udp)" {
        port=$(free_port)
        roost run -d --name perf -p "$port:5201" -p "$port:5201/udp" net iperf3 -s
        wait_for "roost exec perf netstat -ltn | grep -q ':5201 '"
        run iperf3 -c 127.0.0.1 -p "$port" -u -b 10M -t 1 -J
        assert_status 0
        packets=$(echo "$output" | jq '.end.sum.packets')
        [ "$packets" -gt 0 ]
        # the server's report came back: it received what was sent
        received=$(echo "$output" | jq '.end.sum.packets - .end.sum.lost_packets')
        [ "$received" -gt 0 ]
}

@test "containers on a user network reach each other by name and alias; another network does not" {
        roost network create n1 >/dev/null
        roost network create n2 >/dev/null
        roost run -d --name srv --network n1 --network-alias www net httpd -f -p 80 -h /www
        expected=$(roost exec srv cat /www/index.html)
        wait_for "roost exec srv netstat -ltn | grep -q ':80 '"
        run roost run --rm --network n1 busybox wget -q -O- http://srv/
        [ "$output" = "$expected" ]
        run roost run --rm --network n1 busybox wget -q -O- http://www/
        [ "$output" = "$expected" ]
        ip=$(roost inspect srv | jq -r '.[0].NetworkSettings.Networks.n1.IPAddress')
        [[ "$ip" == 10.89.* ]]
        # the template docker users write for it
        [ "$(roost inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' srv)" = "$ip" ]
        [ "$(roost inspect -f '{{range $name, $n := .NetworkSettings.Networks}}{{$name}}={{$n.IPAddress}}{{end}}' srv)" = "n1=$ip" ]
        # n2 knows no srv, and srv's address does not answer from n2
        run roost run --rm --network n2 busybox grep -w srv /etc/hosts
        [ "$status" -ne 0 ]
        run roost run --rm --network n2 busybox sh -c "$(http_get_cmd "$ip" 80 /)"
        [[ "$output" != *"$expected"* ]]
        run roost network inspect n1
        assert_output_contains '"Name": "srv"'
}

@test "network connect and disconnect a running container" {
        roost network create n3 >/dev/null
        roost run -d --name c1 busybox sleep 600
        roost network connect --alias c1alias n3 c1
        run roost exec c1 ip -o -4 addr show eth1
        assert_status 0
        assert_output_contains "inet 10.89."
        run roost run --rm --network n3 busybox grep c1alias /etc/hosts
        assert_status 0
        run roost network rm n3
        [ "$status" -ne 0 ]
        assert_output_contains "in use by container c1"
        roost network disconnect n3 c1
        run roost exec c1 ip -o link show eth1
        [ "$status" -ne 0 ]
        run roost network rm n3
        assert_status 0
}

@test "--ip, --hostname, --dns, --dns-search and --add-host shape the container's network files" {
        roost network create --subnet 10.95.0.0/24 fixed >/dev/null
        run roost run --rm --network fixed --ip 10.95.0.50 --hostname box --dns 192.0.2.53 --dns-search example.test \
                --add-host reg.example:10.1.2.3 busybox sh -c 'ip -o -4 addr show eth0; hostname; cat /etc/resolv.conf /etc/hosts'
        assert_status 0
        assert_output_contains "inet 10.95.0.50/24"
        assert_output_contains "box"
        assert_output_contains "nameserver 192.0.2.53"
        assert_output_contains "search example.test"
        [[ "$output" =~ 10\.1\.2\.3[[:space:]]+reg\.example ]]
}

@test "--network host shows the host's interfaces; none has only lo; container: shares another's" {
        first=$(ip -o link | awk -F': ' '$2 != "lo" { sub(/@.*/, "", $2); print $2; exit }')
        run roost run --rm --network host busybox ip -o link
        assert_status 0
        assert_output_contains ": $first"
        run roost run --rm --network none busybox ip -o link
        assert_status 0
        [ "$(echo "$output" | wc -l)" -eq 1 ]
        assert_output_contains ": lo:"
        roost run -d --name base busybox sleep 600
        want=$(roost exec base ip -o -4 addr show eth0)
        run roost run --rm --network container:base busybox ip -o -4 addr show eth0
        [ "$output" = "$want" ]
}

@test "host loopback: unreachable by default; HostLoopback=yes makes it the gateway and host.roost.internal" {
        port=$(free_port)
        echo hello-host >"$BATS_TEST_TMPDIR/hello"
        python3 -m http.server "$port" --bind 127.0.0.1 --directory "$BATS_TEST_TMPDIR" >/dev/null 2>&1 &
        HTTP_PID=$!
        wait_for "curl -sf http://127.0.0.1:$port/hello"
        run roost run --rm busybox sh -c "$(http_get_cmd 10.88.0.1 "$port" /hello)"
        [[ "$output" != *hello-host* ]]
        mkdir -p ~/.config/roost
        printf '[Network]\nHostLoopback=yes\n' >~/.config/roost/roost.conf
        systemctl --user restart roostd
        run roost run --rm busybox sh -c "$(http_get_cmd host.roost.internal "$port" /hello)"
        rm -f ~/.config/roost/roost.conf
        systemctl --user restart roostd
        assert_output_contains hello-host
}

@test "published ports survive roostd restarts and kills; a killed roost-slirp comes back" {
        port=$(free_port)
        roost run -d --name web -p "$port:80" net httpd -f -p 80 -h /www
        expected=$(roost exec web cat /www/index.html)
        wait_for "curl -sf http://127.0.0.1:$port/"
        # (not counting the earlier tests' restarts against systemd's start limit)
        systemctl --user reset-failed roostd
        systemctl --user restart roostd
        run curl -sf "http://127.0.0.1:$port/"
        [ "$output" = "$expected" ]
        systemctl --user kill -s KILL roostd.service
        run curl -sf "http://127.0.0.1:$port/"
        [ "$output" = "$expected" ]
        # systemd starts it again (Restart=on-failure)
        wait_for "systemctl --user is-active -q roostd"
        run roost port web
        assert_output_contains "0.0.0.0:$port"

        me=$(id -u)
        slirp=$(pgrep -u "$me" -f 'roost-slirp .*--bridge roost0 ')
        [ -n "$slirp" ]
        kill -KILL "$slirp"
        wait_for "pgrep -u $me -f 'roost-slirp .*--bridge roost0 ' | grep -vqx $slirp"
        # a new connection from the container leaves through the new
        # roost-slirp: to the published port at the host's own address
        hostip=$(ip -o -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
        [ -n "$hostip" ] || skip "the host has no address outside loopback"
        run roost exec web sh -c "$(http_get_cmd "$hostip" "$port" /)"
        assert_output_contains "$expected"
}

@test "rm leaves no veth, namespace or lease behind" {
        roost network create n4 >/dev/null
        roost run -d --name gone --network n4 -p "$(free_port):80" busybox sleep 600
        roost network connect roost gone
        [ "$(container_veths)" -eq 2 ]
        roost rm -f gone
        [ "$(container_veths)" -eq 0 ]
        [ -z "$(ls "$XDG_RUNTIME_DIR/roost/netns.d")" ]
        [ "$(roost network inspect n4 | jq '.[0].Containers | length')" -eq 0 ]
        run roost network rm n4
        assert_status 0
}

@test "bad input: a clear message naming the culprit, exit 125, nothing left behind" {
        roost network create --subnet 10.96.0.0/24 bad1 >/dev/null
        run roost run --rm --network nope busybox true
        assert_status 125
        assert_output_contains "network nope not found"
        run roost run --rm -p 99999:80 busybox true
        assert_status 125
        assert_output_contains "99999"
        run roost run --rm --network bad1 --ip 10.97.0.5 busybox true
        assert_status 125
        assert_output_contains "not in the subnet 10.96.0.0/24"
        roost run -d --name holder1 --network bad1 --ip 10.96.0.5 busybox sleep 600
        run roost run --rm --network bad1 --ip 10.96.0.5 busybox true
        assert_status 125
        assert_output_contains "10.96.0.5 is already in use on network bad1 (by container holder1)"
        run roost network create --subnet 10.88.0.0/24 clash
        assert_status 125
        assert_output_contains "overlaps network roost"
        run roost network create --subnet 10.99.0.1/24 hostbits
        assert_status 125
        assert_output_contains "host bits"
        run roost network create bad1
        assert_status 125
        assert_output_contains "already exists"
        run roost network rm roost
        [ "$status" -ne 0 ]
        assert_output_contains "default network"
        port=$(free_port)
        python3 -m http.server "$port" --bind 0.0.0.0 --directory "$BATS_TEST_TMPDIR" >/dev/null 2>&1 &
        HTTP_PID=$!
        wait_for "curl -sf http://127.0.0.1:$port/"
        run roost run --rm -p "$port:80" busybox true
        assert_status 125
        assert_output_contains "$port"
        assert_output_contains "in use"
        if [ "$(sysctl -n net.ipv4.ip_unprivileged_port_start)" -gt 80 ]; then
                run roost run --rm -p 80:80 busybox true
                assert_status 125
                assert_output_contains "net.ipv4.ip_unprivileged_port_start"
        fi
        # only holder1 is left, with its one namespace
        [ "$(roost ps -aq | wc -l)" -eq 1 ]
        [ "$(ls "$XDG_RUNTIME_DIR/roost/netns.d" | wc -l)" -eq 1 ]
}

@test "network prune removes the networks no container uses" {
        roost network create used >/dev/null
        roost network create unused >/dev/null
        roost create --name u --network used busybox true >/dev/null
        run roost network prune -f
        assert_status 0
        assert_output_contains "unused"
        run roost network ls --format '{{.Name}}'
        assert_output_contains "used"
        [[ "$output" != *unused* ]]
}

@test "a state database roostd cannot re-open: network rm refuses and takes nothing down; volume commands and ps say why" {
        roost network create dbfail >/dev/null
        roost volume create dbvol >/dev/null
        roost run -d --name dbf --network dbfail net sleep 300 >/dev/null
        db=${XDG_DATA_HOME:-$HOME/.local/share}/roost/state.db
        pid=$(systemctl --user show -p MainPID --value roostd)
        # idle, roostd closes the database; it opens it again on the next use
        wait_for "! grep -q libsqlite3 /proc/$pid/maps" 45
        chmod 000 "$db"
        run roost volume inspect dbvol
        inspect_status=$status inspect_output=$output
        run roost volume rm -f dbvol
        rm_status=$status rm_output=$output
        run roost ps -a
        ps_status=$status ps_output=$output
        run roost network rm dbfail
        chmod 600 "$db"
        # docker's exit status for a network rm that failed
        assert_status 1
        assert_output_contains "cannot tell whether network dbfail is in use"
        assert_output_contains "state.db"
        # not "no such volume", and rm -f does not pretend it removed it
        [ "$inspect_status" -ne 0 ]
        [[ "$inspect_output" == *"cannot inspect volume dbvol: "*"state.db"* ]]
        [ "$rm_status" -ne 0 ]
        [[ "$rm_output" == *"cannot remove volume dbvol: "*"state.db"* ]]
        # ps does not list the containers as on no network
        [ "$ps_status" -ne 0 ]
        [[ "$ps_output" == *"cannot list the containers' networks: "*"state.db"* ]]
        run roost ps -a
        assert_status 0
        assert_output_contains dbf
        run roost volume inspect dbvol
        assert_status 0
        roost volume rm dbvol
        # nothing was taken down: the container keeps its address on the network
        run roost exec dbf ip -4 addr show eth0
        assert_output_contains "inet 10."
        run roost network rm dbfail
        assert_status 1
        assert_output_contains "in use by container dbf"
}
