#!/usr/bin/env bats
# The handoff of published TCP ports (bypass/, netns/portfwd-handoff.c): roost's
# seccomp profile traps bind(); when the container binds a port it
# publishes, roost-portfwd gives it a socket bound to the host port, so host
# clients connect straight to the container's process. What the container
# may not do with it, and where roost forwards instead.

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
        containers_setup_file
        setup_net_image
}

teardown_file() {
        remove_all_containers
        roost_reset
}

teardown() {
        remove_all_containers
        if [ -e ~/.config/roost/roost.conf ]; then
                rm -f ~/.config/roost/roost.conf
                systemctl --user restart roostd
        fi
}

# the name of the process listening on host TCP port $1 ("" when none)
holder_of() {
        ss -ltnpH "sport = :$1" | sed -n 's/.*users:(("\([^"]*\)".*/\1/p' | sort -u
}

@test "a published port is handed to the container's server: it holds the host port, every client reaches it" {
        port=$(free_port)
        roost run -d --name web -p "$port:80" net httpd -f -p 80 -h /www
        wait_for "curl -sf http://127.0.0.1:$port/"
        [ "$(holder_of "$port")" = httpd ]
        # the runtime's way in is the user's alone
        id=$(roost inspect -f '{{.Id}}' web)
        [ "$(stat -c %a "$XDG_RUNTIME_DIR/roost/bypass")" = 700 ]
        [ "$(stat -c '%a %F' "$XDG_RUNTIME_DIR/roost/bypass/$id")" = "600 socket" ]
        index=$(roost exec web cat /www/index.html)
        run curl -s "http://127.0.0.1:$port/"
        [ "$output" = "$index" ]
        # the container itself, on its own port
        run roost exec web wget -q -O- http://127.0.0.1/
        assert_status 0
        [ "$output" = "$index" ]
        # another container of the network, by name
        run roost run --rm net wget -q -O- http://web/
        assert_status 0
        [ "$output" = "$index" ]
        # a TCP server sees the host client's own address (no forwarder in between)
        port2=$(free_port)
        roost run -d --name perf -p "$port2:5201" net iperf3 -s -4
        wait_for "[ \"\$(holder_of $port2)\" = iperf3 ]"
        run iperf3 -c 127.0.0.1 -p "$port2" -t 1
        assert_status 0
        run roost logs perf
        assert_output_contains "Accepted connection from 127.0.0.1"
        # stop gives the port up, start hands it over again
        roost stop -t 1 web
        [ -z "$(holder_of "$port")" ]
        roost start web
        wait_for "curl -sf http://127.0.0.1:$port/"
        [ "$(holder_of "$port")" = httpd ]
        roost rm -f web perf
        [ -z "$(holder_of "$port")" ]
        [ -z "$(ls -A "$XDG_RUNTIME_DIR/roost/bypass")" ]
}

@test "a server started by exec, or started again, gets its port handed over too" {
        port=$(free_port)
        roost run -d --name web -p "$port:81" net sleep 600
        roost exec -d web sh -c 'httpd -f -p 81 -h /www & echo $! >/tmp/httpd.pid; wait'
        wait_for "curl -sf http://127.0.0.1:$port/"
        [ "$(holder_of "$port")" = httpd ]
        roost exec web sh -c 'kill $(cat /tmp/httpd.pid)'
        wait_for "[ -z \"\$(holder_of $port)\" ]"
        roost exec -d web httpd -f -p 81 -h /www
        wait_for "curl -sf http://127.0.0.1:$port/"
        [ "$(holder_of "$port")" = httpd ]
}

@test "the container gets no other host port: unpublished ports, loopback-only servers and UDP stay in its namespace" {
        port=$(free_port)
        other=$(free_port)
        roost run -d --name web -p "$port:80" net sh -c "httpd -f -p 127.0.0.1:80 -h /www & httpd -f -p $other -h /www & exec sleep 600"
        wait_for "roost exec web netstat -ltn | grep -q ':$other '"
        # an unpublished port: bound in the container only
        [ -z "$(holder_of "$other")" ]
        # a server on the container's loopback is not published (as with docker)
        [ "$(holder_of "$port")" = roost-portfwd ]
        run curl -s -m 2 "http://127.0.0.1:$port/"
        [ "$status" -ne 0 ]
        # UDP is forwarded, not handed over
        uport=$(free_port)
        roost run -d --name perf -p "$uport:5201" -p "$uport:5201/udp" net iperf3 -s
        wait_for "[ \"\$(holder_of $uport)\" = iperf3 ]"
        ss -lunpH "sport = :$uport" | grep -q roost-portfwd
        run iperf3 -c 127.0.0.1 -p "$uport" -u -b 10M -t 1
        assert_status 0
}

@test "one container port on two host ports is forwarded, both answer" {
        a=$(free_port)
        b=$(free_port)
        roost run -d --name web -p "$a:80" -p "$b:80" net httpd -f -p 80 -h /www
        wait_for "curl -sf http://127.0.0.1:$a/"
        curl -sf "http://127.0.0.1:$b/" >/dev/null
        [ "$(holder_of "$a")" = roost-portfwd ]
        [ "$(holder_of "$b")" = roost-portfwd ]
}

@test "seccomp=unconfined, --privileged and [Network] Bypass=no forward the port instead" {
        port=$(free_port)
        roost run -d --name unconfined --security-opt seccomp=unconfined -p "$port:80" net httpd -f -p 80 -h /www
        wait_for "curl -sf http://127.0.0.1:$port/"
        [ "$(holder_of "$port")" = roost-portfwd ]
        port2=$(free_port)
        roost run -d --name priv --privileged -p "$port2:80" net httpd -f -p 80 -h /www
        wait_for "curl -sf http://127.0.0.1:$port2/"
        [ "$(holder_of "$port2")" = roost-portfwd ]

        mkdir -p ~/.config/roost
        printf '[Network]\nBypass=no\n' >~/.config/roost/roost.conf
        systemctl --user restart roostd
        run roostd --print-config
        assert_output_contains "Bypass=no"
        port3=$(free_port)
        roost run -d --name nobypass -p "$port3:80" net httpd -f -p 80 -h /www
        wait_for "curl -sf http://127.0.0.1:$port3/"
        [ "$(holder_of "$port3")" = roost-portfwd ]
}

@test "a killed roost-portfwd comes back: the handed-over port keeps answering, also inside the network; exec works; new servers are handed over" {
        port=$(free_port)
        port2=$(free_port)
        roost run -d --name web -p "$port:80" -p "$port2:81" net httpd -f -p 80 -h /www
        wait_for "curl -sf http://127.0.0.1:$port/"
        id=$(roost inspect -f '{{.Id}}' web)
        old=$(pgrep -u "$(id -u)" -f "roost-portfwd .*netns.d/$id")
        [ -n "$old" ]
        kill -KILL "$old"
        wait_for "pgrep -u $(id -u) -f 'roost-portfwd .*netns.d/$id' | grep -vx $old"
        # the container's own socket never depended on it
        run curl -s "http://127.0.0.1:$port/"
        assert_status 0
        [ "$(holder_of "$port")" = httpd ]
        # and containers on its network reach the port handed over before the restart
        run roost run --rm net wget -q -O- "http://web:80/"
        assert_status 0
        # the runtime finds a listener again: exec works, and its server gets the port
        run roost exec web true
        assert_status 0
        roost exec -d web httpd -f -p 81 -h /www
        wait_for "curl -sf http://127.0.0.1:$port2/"
        [ "$(holder_of "$port2")" = httpd ]
        run roost run --rm net wget -q -O- "http://web:81/"
        assert_status 0
        # in the container's scope, not roostd's
        new=$(pgrep -u "$(id -u)" -f "roost-portfwd .*netns.d/$id")
        grep -q "roost-$id.scope" "/proc/$new/cgroup"
}
