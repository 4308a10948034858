#!/usr/bin/env bats
# Bad input to the container commands: a docker-style message naming the
# culprit, exit 125, and nothing left behind.

bats_require_minimum_version 1.5.0

load helpers

setup_file() { containers_setup_file; }

teardown_file() { containers_teardown_file; }

# nothing new: no container, scope, mount or directory
assert_nothing_left() {
        [ -z "$(roost ps -aq)" ]
        [ -z "$(container_scopes)" ]
        [ "$(container_mounts)" -eq 0 ]
        [ -z "$(ls "$XDG_RUNTIME_DIR/roost/containers" 2>/dev/null)" ]
        [ -z "$(ls "$HOME/.local/share/roost/containers" 2>/dev/null)" ]
}

@test "invalid flags and values" {
        run roost run --bogus busybox true
        assert_status 125
        assert_output_contains "unknown flag: --bogus"
        run roost run --restart sometimes busybox true
        assert_status 125
        assert_output_contains 'invalid restart policy "sometimes"'
        run roost run --memory lots busybox true
        assert_status 125
        assert_output_contains 'invalid argument "lots"'
        run roost run --cpus 1000 busybox true
        assert_status 125
        assert_output_contains "--cpus"
        run roost run --ulimit nofile=9:1 busybox true
        assert_status 125
        assert_output_contains "above the hard limit"
        run roost run --stop-signal SIGNOPE busybox true
        assert_status 125
        assert_output_contains "invalid stop signal"
        run roost run --name 'bad name' busybox true
        assert_status 125
        assert_output_contains 'invalid container name "bad name"'
        run roost run -e '=novalue' busybox true
        assert_status 125
        run roost run --rm --restart always busybox true
        assert_status 125
        assert_output_contains "conflicting options"
        assert_nothing_left
}

@test "bad mounts" {
        run roost run -v relative/path:/x busybox true
        assert_status 125
        assert_output_contains "relative/path"
        run roost run -v /tmp:relative busybox true
        assert_status 125
        assert_output_contains "must be an absolute path"
        run roost run -v /does/not/exist:/x busybox true
        assert_status 125
        assert_output_contains "bind source path does not exist: /does/not/exist"
        run roost run --mount type=bind,target=/x busybox true
        assert_status 125
        assert_output_contains "needs an absolute source"
        run roost run -v /tmp:/x:wat busybox true
        assert_status 125
        assert_output_contains 'unknown option "wat"'
        assert_nothing_left
}

@test "unknown image, command, network" {
        run roost run --pull=never nothere true
        assert_status 125
        assert_output_contains "No such image: nothere"
        run -127 roost run --rm busybox /no/such/binary
        assert_status 127
        assert_output_contains "/no/such/binary"
        run roost run --network mynet busybox true
        assert_status 125
        assert_output_contains "network mynet not found"
        assert_output_contains "roost network create mynet"
        assert_nothing_left
}

@test "operations on missing or wrong-state containers" {
        for cmd in start stop kill rm inspect logs wait pause unpause top attach; do
                run roost $cmd ghost
                assert_status 125
                assert_output_contains "ghost"
        done
        run roost exec ghost true
        assert_status 125
        roost create --name cr busybox true >/dev/null
        run roost pause cr
        assert_status 125
        assert_output_contains "not running"
        run roost attach cr
        assert_status 125
        roost rm cr
        assert_nothing_left
}

@test "CreateContainer over D-Bus rejects wrong types and unknown keys by name" {
        run busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 CreateContainer 'a{sv}' 2 Image s busybox Bogus s x
        assert_status 1
        assert_output_contains 'unknown container option "Bogus"'
        run busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 CreateContainer 'a{sv}' 2 Image s busybox Cmd s notanarray
        assert_status 1
        assert_output_contains "option Cmd must have D-Bus type as"
        run busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 CreateContainer 'a{sv}' 0
        assert_status 1
        assert_output_contains "no image given"
        assert_nothing_left
}

@test "the Container1 object matches the D-Bus contract" {
        id=$(roost create busybox true)
        for xml in "$ROOST_TEST_SRC"/../dbus/io.roost.Container1.xml "$ROOST_TEST_SRC"/dbus/io.roost.Container1.xml; do
                [ -f "$xml" ] && break
        done
        run "$HARNESS/check-dbus-contract" "$xml" "/io/roost/Roost1/container/$id"
        echo "$output"
        assert_status 0
        roost rm "$id"
}
