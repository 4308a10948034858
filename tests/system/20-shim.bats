#!/usr/bin/env bats
# roost-shim on its own, without roostd: real crun, real busybox containers,
# driven over DIR/shim.sock by tests/shim-client (which speaks
# common/shim-proto, as roostd and the CLI do). The namespace holder is
# stood in for by `unshare --user --map-root-user --map-auto --mount`, a user
# namespace with the /etc/subuid range and a mount namespace, as roostd's.
#
# ROOST_SHIM: the shim to test (default: the installed one);
# ROOST_SHIM_CLIENT: the test client (default: the copy run-all.sh puts
# beside the tests, else ../../build/tests/shim-client).

bats_require_minimum_version 1.5.0
load helpers

FIXTURE_ROOTFS=/var/cache/roost-test/fixtures/busybox-rootfs.tar

setup_file() {
        local prefix=${ROOST_TEST_PREFIX:-/usr/local} c
        export ROOST_SHIM=${ROOST_SHIM:-$prefix/libexec/roost/roost-shim}
        if [ -z "${ROOST_SHIM_CLIENT:-}" ]; then
                for c in "$ROOST_TEST_SRC/shim-client" "$BATS_TEST_DIRNAME/../../build/tests/shim-client"; do
                        [ -x "$c" ] && ROOST_SHIM_CLIENT=$c && break
                done
        fi
        export ROOST_SHIM_CLIENT
        [ -x "$ROOST_SHIM" ] || { echo "no roost-shim at $ROOST_SHIM (set ROOST_SHIM)" >&3; return 1; }
        [ -x "${ROOST_SHIM_CLIENT:-}" ] || { echo "no shim-client (set ROOST_SHIM_CLIENT)" >&3; return 1; }
        [ -f "$FIXTURE_ROOTFS" ] || { echo "$FIXTURE_ROOTFS missing: sudo tests/harness/fixtures build" >&3; return 1; }

        export T
        T=$(mktemp -d "$XDG_RUNTIME_DIR/shim-test.XXXXXX")
        mkdir "$T/rootfs" "$T/spec"
        tar -C "$T/rootfs" -xf "$FIXTURE_ROOTFS"
        # the base config: crun's rootless spec without a user namespace of
        # its own (the container shares the holder's)
        (cd "$T/spec" && crun spec --rootless)
        jq --arg root "$T/rootfs" '
                .root.path = $root | .root.readonly = true |
                .linux.namespaces |= map(select(.type != "user")) |
                del(.linux.uidMappings, .linux.gidMappings) |
                .process.terminal = false' "$T/spec/config.json" >"$T/base.json"

        # the stand-in for roostd's namespace holder; by PID, killed at the end
        standin_holder
}

teardown_file() {
        local pid
        for pid in $(cat "$T"/*/shim.pid 2>/dev/null); do
                # a shim a failed test left behind: its container goes with it
                [ "$(cat /proc/$pid/comm 2>/dev/null)" = roost-shim ] && kill -9 "$pid" 2>/dev/null || true
        done
        pid=$(cat "$T/holder.pid" 2>/dev/null) && kill "$pid" 2>/dev/null || true
        pid=$(cat "$T/unshare.pid" 2>/dev/null) && wait "$pid" 2>/dev/null || true
        for pid in $(cat "$T"/*.pid 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
        rm -rf "$T"
}

holder() { cat "$T/holder.pid"; }

# in the holder's namespaces, as the shim runs crun
in_holder() { nsenter -t "$(holder)" -U -m --preserve-credentials -- "$@"; }

# new_container NAME ARGS_JSON [KEY=VALUE...]: a bundle in $T/NAME/bundle and a
# state directory $T/NAME/state with its shim.conf; prints the state dir.
# Keys terminal=true, stdin=true, log_* ... go into shim.conf; nopidns=1
# drops the pid namespace from config.json (and bind-mounts /proc, which a
# container without its own pid namespace may not mount afresh);
# statedir=PATH puts the state directory there.
new_container() {
        local name=$1 args=$2; shift 2
        local dir=$T/$name terminal=false nopidns=0 state=$T/$name/state kv
        for kv in "$@"; do
                case "$kv" in
                terminal=true) terminal=true ;;
                nopidns=1) nopidns=1 ;;
                statedir=*) state=${kv#statedir=} ;;
                esac
        done
        mkdir -p "$dir/bundle" "$(dirname "$state")"
        mkdir -m 0700 "$state"
        jq --argjson args "$args" --argjson tty "$terminal" --argjson nopid "$nopidns" '
                .process.args = $args | .process.terminal = $tty |
                if $nopid == 1 then
                        .linux.namespaces |= map(select(.type != "pid")) |
                        .mounts |= map(if .destination == "/proc"
                                then {destination: "/proc", type: "bind", source: "/proc", options: ["rbind", "nosuid", "noexec", "nodev"]}
                                else . end)
                else . end' \
                "$T/base.json" >"$dir/bundle/config.json"
        {
                echo "id=$name"
                echo "name=test-$name"
                echo "bundle=$dir/bundle"
                echo "runtime=crun"
                echo "runtime_root=$T/crun"
                echo "holder_pid=$(holder)"
                echo "log_path=$state/ctr.log"
                for kv in "$@"; do
                        case "$kv" in nopidns=*|statedir=*) ;; *) echo "$kv" ;; esac
                done
        } >"$state/shim.conf"
        echo "$state"
}

client() { "$ROOST_SHIM_CLIENT" "$@"; }

# waits (at most 10 s) until the shim of state dir $1 has exited
wait_shim_gone() {
        local pid i
        pid=$(cat "$1/shim.pid")
        for i in $(seq 1 100); do
                [ -d "/proc/$pid" ] || return 0
                sleep 0.1
        done
        echo "roost-shim (PID $pid) still running"; return 1
}

# waits until file $1 contains $2
wait_for() {
        local i
        for i in $(seq 1 100); do
                grep -q -- "$2" "$1" 2>/dev/null && return 0
                sleep 0.1
        done
        echo "$1 never showed '$2'; it holds:"; cat "$1" 2>/dev/null; return 1
}

kv() { sed -n "s/^$2=//p" "$1"; }

@test "run: echo hello reaches the attached client and the CRI log; exit code 3 is recorded" {
        d=$(new_container hello '["sh","-c","echo hello; echo oops >&2; exit 3"]')
        run --separate-stderr client run "$d" --timing
        echo "stdout: $output"; echo "stderr: $stderr"
        [ "$status" -eq 3 ]
        [ "$output" = hello ]
        [[ "$stderr" == *oops* ]]
        # the figure for the report: from shim start to the container running
        grep timing <<<"$stderr" >&3 || true
        wait_shim_gone "$d"
        cat "$d/ctr.log"
        grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z stdout F hello$' "$d/ctr.log"
        grep -Eq '^[0-9T:.-]{29}Z stderr F oops$' "$d/ctr.log"
        [ "$(wc -l <"$d/ctr.log")" -eq 2 ]
        cat "$d/exit"
        [ "$(kv "$d/exit" exit_code)" = 3 ]
        [[ "$(kv "$d/exit" exited_at)" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z$ ]]
        [ "$(kv "$d/exit" exited_at_ns)" -gt 0 ]
        [ "$(kv "$d/state" status)" = exited ]
}

@test "stdin is forwarded; its end closes the container's stdin" {
        d=$(new_container cat '["cat"]' stdin=true)
        run --separate-stderr client run "$d" --stdin < <(printf 'one\ntwo\n')
        echo "$output"; echo "$stderr"
        [ "$status" -eq 0 ]
        [ "$output" = "$(printf 'one\ntwo')" ]
        grep -q 'stdout F two$' "$d/ctr.log"
}

@test "tty: the window size set on attach and changed by resize is what stty sees" {
        d=$(new_container tty '["sh","-c","stty size; sleep 1; stty size"]' terminal=true)
        client launch "$d"
        ( sleep 0.5; client resize "$d" 50 132 >/dev/null ) &
        run --separate-stderr client attach "$d" --start --size 40,120
        wait
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(tr -d '\r' <<<"$output")" = "$(printf '40 120\n50 132')" ]
        [ "$(kv "$d/state" status)" = exited ]
}

@test "detach keys end one client's attach; the container keeps running; two clients see the same output" {
        # detach keys are looked for on a terminal only (as docker)
        d=$(new_container ticker '["sh","-c","i=0; while [ $i -lt 300 ]; do echo tick $i; i=$((i+1)); sleep 0.1; done"]' stdin=true terminal=true)
        client launch "$d"
        client attach "$d" >"$T/ticker.a" 2>&1 &
        a=$!
        client attach "$d" >"$T/ticker.b" 2>&1 &
        b=$!
        sleep 0.3
        client start "$d"
        wait_for "$T/ticker.a" "tick 3"
        wait_for "$T/ticker.b" "tick 3"
        # a third client types ctrl-p ctrl-q and is detached
        run --separate-stderr client attach "$d" --stdin < <(sleep 0.5; printf '\020\021'; sleep 5)
        echo "$output"; echo "$stderr"
        [ "$status" -eq 0 ]
        [[ "$stderr" == *"[detached]"* ]]
        [[ "$output" == *tick* ]]
        # the others still stream, the container still runs
        n=$(grep -c tick "$T/ticker.a")
        sleep 0.5
        [ "$(grep -c tick "$T/ticker.a")" -gt "$n" ]
        client state "$d" | grep -qx status=running
        [ "$(stat -c %a "$d/shim.sock")" = 600 ]
        # custom detach keys
        run --separate-stderr client attach "$d" --stdin --detach-keys ctrl-x,a < <(sleep 0.3; printf 'z\030a'; sleep 5)
        [ "$status" -eq 0 ]
        [[ "$stderr" == *"[detached]"* ]]
        client kill "$d" KILL
        wait "$a" || [ $? -eq 137 ]
        wait "$b" || [ $? -eq 137 ]
        grep -q "tick 5" "$T/ticker.a"
        grep -q "tick 5" "$T/ticker.b"
        wait_shim_gone "$d"
        [ "$(kv "$d/exit" exit_code)" = 137 ]
}

@test "without a terminal, stdin is data: the detach keys pass through untouched" {
        d=$(new_container catter '["od","-An","-c"]' stdin=true)
        client launch "$d"
        run --separate-stderr client attach "$d" --start --stdin < <(printf 'a\020\021b\020')
        echo "$output"; echo "$stderr"
        [ "$status" -eq 0 ]
        [[ "$stderr" != *"[detached]"* ]]
        # every byte arrived, the trailing ctrl-p too
        [ "$(echo $output)" = "a 020 021 b 020" ]
        wait_shim_gone "$d"
}

@test "a client that stops reading is cut off; the container and the other clients go on" {
        d=$(new_container flood '["seq","1","300000"]')
        client launch "$d"
        "$ROOST_SHIM_CLIENT" attach "$d" --stall >"$T/flood.stalled" &
        stalled=$!
        echo $stalled >"$T/stalled.pid"
        wait_for "$T/flood.stalled" attached
        client attach "$d" >"$T/flood.out" & reader=$!
        sleep 0.2
        client start "$d"
        wait "$reader"
        # the reader got every line, and so did the log, while the other slept
        [ "$(wc -l <"$T/flood.out")" -eq 300000 ]
        [ "$(tail -n1 "$T/flood.out")" = 300000 ]
        wait_shim_gone "$d"
        [ "$(kv "$d/exit" exit_code)" = 0 ]
        [ "$(wc -l <"$d/ctr.log")" -eq 300000 ]
        grep -q "does not keep up" "$d/shim.log"
        kill "$stalled"
}

@test "exec: output, exit code, stdin, a tty, several at once; a missing command gives 127" {
        d=$(new_container execs '["sleep","60"]')
        client launch "$d"
        client start "$d"
        run --separate-stderr client exec "$d" -- sh -c 'echo in-exec; echo to-err >&2; exit 7'
        [ "$status" -eq 7 ]
        [ "$output" = in-exec ]
        [ "$stderr" = to-err ]
        run --separate-stderr client exec "$d" --stdin -- cat < <(echo piped)
        [ "$status" -eq 0 ]
        [ "$output" = piped ]
        run --separate-stderr client exec "$d" --tty --size 33,99 -- stty size
        [ "$status" -eq 0 ]
        [ "$(tr -d '\r' <<<"$output")" = "33 99" ]
        # three at once, each with its own code
        client exec "$d" -- sh -c 'sleep 0.5; exit 3' & p1=$!
        client exec "$d" -- sh -c 'sleep 0.3; exit 4' & p2=$!
        client exec "$d" -- sh -c 'exit 5' & p3=$!
        s1=0; wait $p1 || s1=$?
        s2=0; wait $p2 || s2=$?
        s3=0; wait $p3 || s3=$?
        [ "$s1$s2$s3" = 345 ]
        run -127 --separate-stderr client exec "$d" -- nosuchcmd
        echo "$stderr"
        [ "$status" -eq 127 ]
        [[ "$stderr" == *nosuchcmd* ]]
        run -126 --separate-stderr client exec "$d" -- /etc
        echo "$stderr"
        # exec processes are reaped: no zombies under the shim
        shim=$(cat "$d/shim.pid")
        for c in $(cat /proc/$shim/task/$shim/children); do
                ! grep -q '^State:.*Z' /proc/$c/status
        done
        client kill "$d" KILL
        wait_shim_gone "$d"
}

@test "a missing entrypoint fails with 127 and the runtime's message" {
        d=$(new_container noentry '["nosuchcmd"]')
        run -127 --separate-stderr client run "$d"
        echo "$stderr"
        [ "$status" -eq 127 ]
        [[ "$stderr" == *"nosuchcmd"*"not found"* ]]
        wait_shim_gone "$d"
        [ "$(kv "$d/exit" exit_code)" = 127 ]
        [[ "$(kv "$d/exit" error)" == *nosuchcmd* ]]
        d=$(new_container notexec '["/etc/passwd"]')
        run -126 --separate-stderr client run "$d"
        echo "$stderr"
}

@test "kill with SIGTERM: exit code 143" {
        # without a pid namespace sleep is not PID 1, which ignores SIGTERM
        d=$(new_container term '["sleep","60"]' nopidns=1)
        client launch "$d"
        client attach "$d" >/dev/null & a=$!
        sleep 0.2
        client start "$d"
        client kill "$d" TERM
        s=0; wait "$a" || s=$?
        [ "$s" -eq 143 ]
        wait_shim_gone "$d"
        [ "$(kv "$d/exit" exit_code)" = 143 ]
        [ "$(kv "$d/exit" signal)" = 15 ]
}

@test "the log rotates at log_max_size, keeping log_max_files files" {
        d=$(new_container rotate '["sh","-c","i=0; while [ $i -lt 200 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done"]' \
                log_max_size=2k log_max_files=3)
        run client run "$d"
        [ "$status" -eq 0 ]
        wait_shim_gone "$d"
        ls -l "$d"
        [ -f "$d/ctr.log" ] && [ -f "$d/ctr.log.1" ] && [ -f "$d/ctr.log.2" ]
        [ ! -e "$d/ctr.log.3" ]
        for f in "$d"/ctr.log*; do [ "$(stat -c %s "$f")" -le 2048 ]; done
        # the newest lines are in ctr.log, in order, none lost across the files kept
        tail -n1 "$d/ctr.log" | grep -q 'stdout F line-199-'
        first=$(head -n1 "$d/ctr.log.2" | sed 's/.*line-\([0-9]*\)-.*/\1/')
        [ "$(cat "$d/ctr.log.2" "$d/ctr.log.1" "$d/ctr.log" | wc -l)" -eq $((200 - first)) ]
}

@test "a line longer than the log's line buffer is written as P pieces and a last F" {
        d=$(new_container longline '["sh","-c","head -c 40000 /dev/zero | tr \"\\\\0\" x; echo; echo short"]')
        run client run "$d"
        [ "$status" -eq 0 ]
        wait_shim_gone "$d"
        cut -c1-60 "$d/ctr.log"
        [ "$(grep -c ' stdout P ' "$d/ctr.log")" -ge 2 ]
        [ "$(sed -n 's/^[^ ]* stdout [PF] //p' "$d/ctr.log" | head -n -1 | tr -d '\n' | wc -c)" -eq 40000 ]
        tail -n1 "$d/ctr.log" | grep -q ' stdout F short$'
}

@test "the shim survives the death of its launcher and keeps serving; a long state path works" {
        long=$T/$(printf 'a%.0s' $(seq 1 90))/state
        d=$(new_container survive '["sh","-c","read x; echo got $x"]' stdin=true statedir="$long")
        # too long for a socket address: reached through /proc/self/fd
        [ ${#d} -gt 108 ]
        # the client itself, not a subshell running it, so that $! is its PID
        "$ROOST_SHIM_CLIENT" launch "$d" --stay >"$T/launcher.out" &
        launcher=$!
        echo $launcher >"$T/launcher.pid"
        wait_for "$T/launcher.out" created
        kill -9 "$launcher"
        # killed by SIGKILL: 128 + 9
        wait "$launcher" || [ $? -eq 137 ]
        [ ! -d "/proc/$launcher" ]
        client state "$d" | grep -qx status=created
        run --separate-stderr client attach "$d" --stdin --start < <(echo hi)
        [ "$status" -eq 0 ]
        [ "$output" = "got hi" ]
}

@test "RSS of a shim with a running container is at most 1 MiB" {
        d=$(new_container rss '["sleep","60"]' stdin=true terminal=true)
        client launch "$d"
        client start "$d"
        # some traffic first, so the figure is not of an idle, untouched shim
        client exec "$d" -- sh -c 'seq 1 2000' >/dev/null
        sleep 0.3
        shim=$(cat "$d/shim.pid")
        rss=$(awk '/^VmRSS:/ {print $2}' /proc/$shim/status)
        echo "roost-shim RSS with a running container: $rss kB" >&3
        client kill "$d" KILL
        wait_shim_gone "$d"
        [ "$rss" -le 1024 ]
}

@test "after the container exits the shim leaves nothing behind: no processes, no runtime state, no socket" {
        d=$(new_container clean '["sh","-c","sleep 0.3; exit 0"]')
        run client run "$d"
        [ "$status" -eq 0 ]
        wait_shim_gone "$d"
        cpid=$(kv "$d/state" container_pid)
        [ ! -d "/proc/$cpid" ]
        run in_holder crun --root "$T/crun" list -q
        echo "$output"
        [[ "$output" != *clean* ]]
        [ ! -e "$T/crun/clean" ]
        [ ! -e "$d/shim.sock" ]
        [ -z "$(ls "$d" | grep -E '^(runtime-|exec-|console)')" ]
        # nothing of the container is mounted in the holder's namespace
        ! grep -q "$T/clean" "/proc/$(holder)/mountinfo"
}

@test "log_driver=journald sends each line with the container's fields and keeps the file" {
        sock=$T/journal.sock
        python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2], "w").write("ready\n")
with open(sys.argv[2], "ab") as out:
    for _ in range(2):
        out.write(s.recv(65536) + b"\n--\n")
        out.flush()
' "$sock" "$T/journal.out" </dev/null 3>&- &
        echo $! >"$T/journal.pid"
        wait_for "$T/journal.out" ready
        d=$(new_container journald '["sh","-c","echo hello-journal; echo bad >&2"]' log_driver=journald journal_socket="$sock")
        run client run "$d"
        [ "$status" -eq 0 ]
        wait_for "$T/journal.out" MESSAGE=bad
        cat "$T/journal.out"
        grep -qx MESSAGE=hello-journal "$T/journal.out"
        grep -qx CONTAINER_NAME=test-journald "$T/journal.out"
        grep -qx CONTAINER_ID=journald "$T/journal.out"
        grep -qx CONTAINER_ID_FULL=journald "$T/journal.out"
        grep -qx PRIORITY=3 "$T/journal.out"
        grep -q 'stdout F hello-journal$' "$d/ctr.log"
}

@test "a bad shim.conf is reported on the sync fd with the line" {
        d=$(new_container badconf '["true"]' terminal=maybe)
        run --separate-stderr client launch "$d"
        echo "$stderr"
        [ "$status" -eq 125 ]
        [[ "$stderr" == *"shim.conf:"*"terminal must be true or false"* ]]
}
