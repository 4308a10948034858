#!/usr/bin/env bats
# Containers over time: ps, stop, kill, restart, rm, wait, rename, prune,
# pause, events, restart policies, and surviving roostd.

bats_require_minimum_version 1.5.0

load helpers

setup_file() { containers_setup_file; }

teardown_file() { containers_teardown_file; }

teardown() { remove_all_containers; }

@test "ps shows running containers, -a all, -q IDs, --format json and templates, filters" {
        roost run -d --name up busybox sleep 60 >/dev/null
        run roost run --name down busybox sh -c 'exit 2'
        assert_status 2
        run roost ps
        assert_output_contains "CONTAINER ID   IMAGE"
        assert_output_contains "up"
        [[ "$output" != *down* ]]
        run roost ps -a
        assert_output_contains "Exited (2)"
        run roost ps -aq
        [ "$(echo "$output" | wc -l)" -eq 2 ]
        [[ "$(echo "$output" | head -1)" =~ ^[0-9a-f]{12}$ ]]
        run roost ps -a --format json
        echo "$output" | head -1 | jq -e '.Names and .State and .Status'
        run roost ps -a --filter status=exited --format '{{.Names}}'
        [ "$output" = down ]
        run roost ps -a --filter status=bogus
        assert_status 125
        assert_output_contains "invalid filter 'status=bogus'"
        run roost ps --filter name=up --format '{{.Names}} {{.State}}'
        [ "$output" = "up running" ]
        run roost ps -a --no-trunc -q --filter name=down
        [ ${#output} -eq 64 ]
        # "table TEMPLATE": docker's header over aligned columns
        run roost ps -a --filter name=up --format 'table {{.ID}}\t{{.Names}}\t{{.RunningFor}}'
        assert_status 0
        [ "$(echo "$output" | head -1)" = "CONTAINER ID   NAMES     CREATED" ]
        [[ "$(echo "$output" | sed -n 2p)" =~ ^[0-9a-f]{12}\ {3}up\ {8}[0-9a-zA-Z] ]]
        [ "$(echo "$output" | wc -l)" -eq 2 ]
        run roost ps --filter name=nothing-by-that-name --format 'table {{.Names}}\t{{.CreatedAt}}'
        [ "$output" = "NAMES     CREATED AT" ]
}

@test "stop sends the stop signal, then SIGKILL after the timeout" {
        roost run -d --name polite busybox sh -c 'trap "exit 0" TERM; while true; do sleep 0.1; done' >/dev/null
        sleep 0.5
        run roost stop polite
        assert_status 0
        [ "$output" = polite ]
        [ "$(roost inspect -f '{{.State.ExitCode}}' polite)" = 0 ]
        roost run -d --name stubborn busybox sh -c 'trap "" TERM; while true; do sleep 0.1; done' >/dev/null
        sleep 0.5
        start=$(date +%s)
        roost stop -t 1 stubborn
        [ $(( $(date +%s) - start )) -le 4 ]
        [ "$(roost inspect -f '{{.State.ExitCode}}' stubborn)" = 137 ]
        # stopping a stopped container is fine
        run roost stop stubborn
        assert_status 0
}

@test "--stop-signal and --stop-timeout are honoured" {
        roost run -d --name usr1 --stop-signal SIGUSR1 --stop-timeout 1 busybox sh -c 'trap "exit 42" USR1; while true; do sleep 0.1; done' >/dev/null
        sleep 0.5
        roost stop usr1
        [ "$(roost inspect -f '{{.State.ExitCode}}' usr1)" = 42 ]
}

@test "kill sends a signal; killing a stopped container fails" {
        roost run -d --name k busybox sh -c 'trap "exit 5" HUP; while true; do sleep 0.1; done' >/dev/null
        sleep 0.5
        run roost kill -s HUP k
        assert_status 0
        run roost wait k
        [ "$output" = 5 ]
        run roost kill k
        assert_status 125
        assert_output_contains "is not running"
}

@test "restart starts it again; wait returns the exit code" {
        roost run -d --name r busybox sh -c 'echo run; sleep 60' >/dev/null
        roost restart -t 0 r
        [ "$(roost inspect -f '{{.State.Status}}' r)" = running ]
        wait_for '[ "$(roost logs r | grep -c run)" -eq 2 ]'
        roost run -d --name w busybox sh -c 'sleep 1; exit 9' >/dev/null
        run roost wait w
        assert_status 0
        [ "$output" = 9 ]
}

@test "rm refuses a running container without -f; -f kills and removes, leaving no scope or mount" {
        roost run -d --name busy busybox sleep 60 >/dev/null
        [ -n "$(container_scopes)" ]
        run roost rm busy
        assert_status 125
        assert_output_contains "stop the container before removing or force remove"
        run roost rm -f busy
        assert_status 0
        [ -z "$(roost ps -aq)" ]
        [ -z "$(container_scopes)" ]
        [ "$(container_mounts)" -eq 0 ]
        run roost rm no-such-container
        assert_status 125
        assert_output_contains "No such container: no-such-container"
}

@test "rename, and inspect by the new name" {
        roost create --name before busybox true >/dev/null
        roost rename before after
        run roost inspect -f '{{.Name}}' after
        [ "$output" = /after ]
        run roost inspect before
        assert_status 125
        roost create --name taken busybox true >/dev/null
        run roost rename after taken
        assert_status 125
        assert_output_contains "already in use"
}

@test "container prune removes stopped containers only" {
        roost run -d --name keep busybox sleep 60 >/dev/null
        roost run --name gone busybox true
        run roost container prune -f
        assert_status 0
        assert_output_contains "Deleted Containers:"
        run roost ps -a --format '{{.Names}}'
        [ "$output" = keep ]
}

@test "pause freezes the container's processes, unpause thaws them" {
        roost run -d --name p busybox sh -c 'while true; do date +%s%N >/tmp/t; sleep 0.05; done' >/dev/null
        sleep 0.3
        roost pause p
        [ "$(roost inspect -f '{{.State.Status}}' p)" = paused ]
        a=$(roost cp p:/tmp/t - | tar -xO)
        sleep 0.5
        b=$(roost cp p:/tmp/t - | tar -xO)
        [ "$a" = "$b" ]
        run roost exec p true
        assert_status 125
        assert_output_contains "container p is paused: unpause it first (roost unpause p)"
        roost unpause p
        [ "$(roost inspect -f '{{.State.Status}}' p)" = running ]
        # the loop runs again (bounded: a loaded machine may take a moment)
        wait_for '[ "$(roost cp p:/tmp/t - | tar -xO)" != "$b" ]' 10
}

@test "top and stats show the container's processes" {
        roost run -d --name t busybox sleep 60 >/dev/null
        run roost top t
        assert_status 0
        assert_output_contains "PID"
        assert_output_contains "sleep 60"
        run roost stats --no-stream t
        assert_status 0
        assert_output_contains "CONTAINER ID"
        [ "$(echo "$output" | tail -1 | awk '{print $NF}')" -ge 1 ]
        # json, templates and table templates, as docker
        run roost stats --no-stream --format json t
        echo "$output" | jq -e '.Name == "t" and (.PIDs | tonumber) >= 1'
        run roost stats --no-stream --format '{{.Name}} {{.PIDs}}' t
        [[ "$output" =~ ^t\ [0-9]+$ ]]
        run roost stats --no-stream --format 'table {{.Name}}\t{{.CPUPerc}}' t
        [ "$(echo "$output" | head -1)" = "NAME      CPU %" ]
        [ "$(echo "$output" | wc -l)" -eq 2 ]
}

@test "events stream JSON lines from the D-Bus signals" {
        roost events --format json >"$BATS_TEST_TMPDIR/events" &
        pid=$!
        sleep 0.5
        roost run --rm --name ev busybox true
        wait_for "grep -q destroy $BATS_TEST_TMPDIR/events"
        kill "$pid"
        for action in create start die destroy; do
                jq -s -e "map(select(.Action == \"$action\" and .Actor.Attributes.name == \"ev\")) | length == 1" \
                        "$BATS_TEST_TMPDIR/events"
        done
        # in order
        [ "$(jq -r 'select(.Actor.Attributes.name == "ev") | .Action' "$BATS_TEST_TMPDIR/events" | tr '\n' ' ')" = "create start die destroy " ]
        # filters events could never match are refused, not waited on
        run timeout 10 roost events --filter bogus=1
        assert_status 125
        assert_output_contains "invalid filter 'bogus'"
        run timeout 10 roost events --filter type=bogus
        assert_status 125
        assert_output_contains "invalid type filter 'bogus'"
        # a template naming a field events lack fails at the first event
        roost events --format '{{.Bogus}}' >"$BATS_TEST_TMPDIR/bad" 2>&1 &
        pid=$!
        sleep 0.5
        roost run --rm busybox true
        st=0
        wait "$pid" || st=$?
        [ "$st" -eq 125 ]
        grep -q "Error: template: can't evaluate field Bogus" "$BATS_TEST_TMPDIR/bad"
}

@test "restart policy on-failure:2 restarts twice, then gives up" {
        roost run -d --name flaky --restart on-failure:2 busybox sh -c 'echo try; exit 1' >/dev/null
        wait_for '[ "$(roost logs flaky | grep -c try)" -eq 3 ]' 20
        wait_for '[ "$(roost inspect -f "{{.State.Status}}" flaky)" = exited ]' 10
        [ "$(roost inspect -f '{{.RestartCount}}' flaky)" = 2 ]
        sleep 1
        [ "$(roost logs flaky | grep -c try)" -eq 3 ]
}

@test "restart policy always brings a container back; stop ends that" {
        roost run -d --name phoenix --restart always busybox sh -c 'echo up; sleep 0.2; exit 3' >/dev/null
        wait_for '[ "$(roost logs phoenix | grep -c up)" -ge 3 ]' 20
        roost stop -t 0 phoenix
        n=$(roost logs phoenix | grep -c up)
        sleep 1
        [ "$(roost logs phoenix | grep -c up)" -eq "$n" ]
        [ "$(roost inspect -f '{{.State.Status}}' phoenix)" = exited ]
}

@test "--rm with -d removes the container when it exits" {
        roost run -d --rm --name fleeting busybox sleep 0.5 >/dev/null
        wait_for '[ -z "$(roost ps -aq --filter name=fleeting)" ]' 10
}

@test "rm -f of a running --rm container removes it once; roostd stays up" {
        pid=$(systemctl --user show -p MainPID --value roostd)
        for i in 1 2 3; do
                roost run -d --rm --name "gone$i" busybox sleep 100 >/dev/null
                # running, not just started (roostd crashed here, freeing it twice)
                wait_for "roost logs gone$i >/dev/null && [ \"\$(roost inspect -f '{{.State.Status}}' gone$i)\" = running ]"
                run roost rm -f "gone$i"
                assert_status 0
                [ "$output" = "gone$i" ]
        done
        [ "$(systemctl --user show -p MainPID --value roostd)" = "$pid" ]
        [ -z "$(roost ps -aq --filter name=gone)" ]
}

@test "killing roostd loses no running container: state, logs, exec, stop all work after" {
        for i in $(seq 10); do
                roost run -d --name "s$i" busybox sh -c 'i=0; while true; do echo line $i; i=$((i+1)); sleep 0.2; done' >/dev/null
        done
        before=$(roost logs s1 | wc -l)
        systemctl --user kill -s KILL roostd
        sleep 1
        run roost ps --format '{{.Names}} {{.State}}'
        assert_status 0
        [ "$(echo "$output" | grep -c running)" -eq 10 ]
        wait_for '[ "$(roost logs s1 | wc -l)" -gt '"$before"' ]'
        run roost exec s5 echo still here
        [ "$output" = "still here" ]
        roost stop -t 1 s3
        [ "$(roost inspect -f '{{.State.Status}}' s3)" = exited ]
        [ "$(systemctl --user show -p NRestarts --value roostd)" -ge 1 ]
}

@test "a container that exits while roostd is down is recorded with its exit code" {
        roost run -d --name lone busybox sh -c 'sleep 2; exit 7' >/dev/null
        systemctl --user stop roostd
        sleep 3
        run roost inspect -f '{{.State.Status}} {{.State.ExitCode}}' lone
        [ "$output" = "exited 7" ]
}

@test "--restart always containers come back after roostd restarts, unless-stopped ones that were stopped do not" {
        roost run -d --name always1 --restart always busybox sleep 600 >/dev/null
        roost run -d --name stopped1 --restart unless-stopped busybox sleep 600 >/dev/null
        roost stop -t 0 stopped1
        # take everything down as a logout would: containers and roostd
        systemctl --user stop roostd
        systemctl --user stop roost.slice
        roost info >/dev/null
        wait_for '[ "$(roost inspect -f "{{.State.Status}}" always1)" = running ]' 10
        [ "$(roost inspect -f '{{.State.Status}}' stopped1)" = exited ]
}

@test "30 s after its last use of the state database roostd closes it and unloads libsqlite3; the next command opens it again" {
        run roost run --name before-unload busybox sh -c 'exit 3'
        assert_status 3
        roost info >/dev/null
        pid=$(systemctl --user show -p MainPID --value roostd)
        # info counts the images: the database is open
        grep -q libsqlite3 "/proc/$pid/maps"
        wait_for "! grep -q libsqlite3 /proc/$pid/maps" 45
        # closing checkpointed the write-ahead log into the file
        [ ! -e "${XDG_DATA_HOME:-$HOME/.local/share}/roost/state.db-wal" ]
        run roost ps -a --format '{{.Names}} {{.Status}}'
        assert_status 0
        [[ "$output" == "before-unload Exited (3)"* ]]
        grep -q libsqlite3 "/proc/$pid/maps"
        run roost create --name after-unload busybox true
        assert_status 0
        run roost ps -a --format '{{.Names}}'
        [ "$(echo "$output" | sort | tr '\n' ' ')" = "after-unload before-unload " ]
        run roost rm before-unload after-unload
        assert_status 0
        run roost ps -aq
        [ -z "$output" ]
        [ "$(systemctl --user show -p MainPID --value roostd)" = "$pid" ]
}

@test "system prune: stopped containers, unused networks, dangling images; --volumes and -a go further; nothing without -f and a yes" {
        net="$(registry_addr)/roost-test/net:latest"
        roost network create prunenet >/dev/null
        roost network create usednet >/dev/null
        roost volume create prunevol >/dev/null
        roost run -d --name running --network usednet -v usedvol:/data busybox sleep 600 >/dev/null
        roost run --name stopped busybox true
        stopped=$(roost inspect -f '{{.Id}}' stopped)
        # a dangling image: busybox takes net's name
        roost pull -q "$net" >/dev/null
        netid=$(roost images -q --no-trunc "$net")
        roost tag busybox "$net"

        # without -f, no answer: nothing goes
        run roost system prune </dev/null
        assert_status 0
        assert_output_contains "WARNING! This will remove:"
        roost inspect stopped >/dev/null

        run roost system prune -f
        assert_status 0
        assert_output_contains "Deleted Containers:"
        assert_output_contains "$stopped"
        assert_output_contains "Deleted Networks:"
        assert_output_contains "prunenet"
        assert_output_contains "Deleted Images:"
        assert_output_contains "deleted: $netid"
        assert_output_contains "Total reclaimed space:"
        [[ "$output" != *"Deleted Volumes:"* ]]
        [ "$(roost ps -a --format '{{.Names}}')" = running ]
        run roost network ls --format '{{.Name}}'
        assert_output_contains usednet
        [[ "$output" != *prunenet* ]]
        roost volume inspect prunevol >/dev/null

        run roost system prune -f --volumes
        assert_status 0
        assert_output_contains "Deleted Volumes:"
        assert_output_contains prunevol
        run roost volume ls --format '{{.Name}}'
        [ "$output" = usedvol ]

        # -a: every image no container uses
        roost pull -q "$net" >/dev/null
        run roost system prune -a -f
        assert_status 0
        assert_output_contains "Deleted Images:"
        run roost images --format '{{.Repository}}'
        [[ "$output" != *roost-test/net* ]]
        roost image inspect busybox >/dev/null
        roost rm -f running >/dev/null
        roost volume rm usedvol
        roost network rm usednet >/dev/null
}
