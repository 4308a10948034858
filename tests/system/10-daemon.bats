#!/usr/bin/env bats
# roostd: D-Bus activation, the Manager1 API, the namespace holder, systemd
# integration, configuration, and bad input over D-Bus.

load helpers

setup_file() {
        roost_reset
}

teardown_file() {
        roost_reset
}

@test "roost info starts roostd by D-Bus activation" {
        run systemctl --user is-active roostd
        [ "$output" != active ]
        run roost info
        assert_status 0
        assert_output_contains "Server Version: "
        assert_output_contains "Storage Driver: "
        run systemctl --user is-active roostd
        [ "$output" = active ]
}

@test "roostd is a Type=notify service with a status line and a watchdog" {
        roost info >/dev/null
        [ "$(systemctl --user show -p Type --value roostd)" = notify ]
        [[ "$(systemctl --user show -p StatusText --value roostd)" == Ready:* ]]
        [ "$(systemctl --user show -p WatchdogUSec --value roostd)" = 30s ]
}

@test "busctl introspect shows io.roost.Manager1 and the ObjectManager" {
        run busctl --user introspect io.roost.Roost1 /io/roost/Roost1
        assert_status 0
        assert_output_contains "io.roost.Manager1"
        assert_output_contains "org.freedesktop.DBus.ObjectManager"
        assert_output_contains ".Info"
}

@test "the running daemon matches the D-Bus contract in dbus/*.xml, member by member" {
        for xml in "$ROOST_TEST_SRC"/../dbus/io.roost.Manager1.xml "$ROOST_TEST_SRC"/dbus/io.roost.Manager1.xml; do
                [ -f "$xml" ] && break
        done
        run "$HARNESS/check-dbus-contract" "$xml" /io/roost/Roost1
        echo "$output"
        assert_status 0
        assert_output_contains "io.roost.Manager1: "
}

@test "Version and Info answer over D-Bus with the facts" {
        run busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 Version
        assert_status 0
        assert_output_contains '"Version" s "0.'
        assert_output_contains '"Runtime" s "crun"'
        run busctl --user --json=short call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 Info
        assert_status 0
        echo "$output" | jq -e '.data[0].CgroupVersion.data == "v2"'
        echo "$output" | jq -e '.data[0].StorageDriver.data | test("overlayfs|copy")'
        echo "$output" | jq -e ".data[0].UidMap.data[0] == [0, $(id -u), 1]"
        [ "$(manager_prop CgroupVersion)" = v2 ]
        [ "$(manager_prop OverlaySupported)" = true ]
}

@test "state directories are private (0700)" {
        roost info >/dev/null
        [ "$(stat -c %a "$XDG_RUNTIME_DIR/roost")" = 700 ]
        [ "$(stat -c %a "$HOME/.local/share/roost")" = 700 ]
        [ -f "$HOME/.local/share/roost/state.db" ]
        run python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode").fetchone()[0])' \
                "$HOME/.local/share/roost/state.db"
        [ "$output" = wal ]
}

@test "roost info shows the ID maps and the namespace holder, and the holder owns its namespaces" {
        run roost info
        assert_status 0
        assert_output_contains "UID Map: 0 -> $(id -u), 1-65536 -> "
        pid=$(manager_prop HolderPID)
        [ "$pid" -gt 0 ]
        assert_output_contains "Namespace Holder: PID $pid"
        # the holder is in other user, mount and network namespaces than roostd
        roostd=$(systemctl --user show -p MainPID --value roostd)
        [ "$(readlink /proc/$pid/ns/user)" != "$(readlink /proc/$roostd/ns/user)" ]
        [ "$(readlink /proc/$pid/ns/net)" != "$(readlink /proc/$roostd/ns/net)" ]
        [ "$(readlink /proc/$pid/ns/mnt)" != "$(readlink /proc/$roostd/ns/mnt)" ]
        # roostd itself stays in the host network namespace
        [ "$(readlink /proc/$roostd/ns/net)" = "$(readlink /proc/self/ns/net)" ]
        # the user namespace maps 0 to us and 1.. to the subordinate range
        run cat /proc/$pid/uid_map
        [ "$(echo "$output" | awk 'NR==1{print $1, $2, $3}')" = "0 $(id -u) 1" ]
        [ "$(echo "$output" | awk 'NR==2{print $1}')" = 1 ]
        # and it lives in its own scope in roost.slice, not in roostd's cgroup
        grep -q "/roost.slice/roost-holder-$pid.scope" /proc/$pid/cgroup
        # the detached netns is pinned inside the holder's mount namespace, with lo up
        run nsenter -t "$pid" -U -m --preserve-credentials sh -c "grep -c ' $XDG_RUNTIME_DIR/roost/netns ' /proc/self/mountinfo"
        [ "$output" -ge 1 ]
        run nsenter -t "$pid" -U -n --preserve-credentials cat /sys/class/net/lo/operstate
        [ "$output" = unknown ] || [ "$output" = up ]
}

@test "a restart of roostd re-adopts the holder instead of making a second one" {
        roost info >/dev/null
        before=$(manager_prop HolderPID)
        systemctl --user restart roostd
        after=$(manager_prop HolderPID)
        [ "$before" = "$after" ]
        [ "$(holder_pids | wc -l)" -eq 1 ]
        # and a kill -9 of roostd as well
        systemctl --user kill -s KILL roostd
        sleep 0.5
        run roost info
        assert_status 0
        [ "$(manager_prop HolderPID)" = "$before" ]
        [ "$(holder_pids | wc -l)" -eq 1 ]
}

@test "SIGTERM stops roostd cleanly and leaves the holder running" {
        roost info >/dev/null
        pid=$(manager_prop HolderPID)
        systemctl --user stop roostd
        run systemctl --user is-active roostd
        [ "$output" = inactive ]
        [ -d /proc/$pid ]
        run roost info
        assert_status 0
        [ "$(manager_prop HolderPID)" = "$pid" ]
}

@test "a dead holder is replaced by a new one" {
        roost info >/dev/null
        old=$(manager_prop HolderPID)
        kill -KILL "$old"
        # roostd exits when its holder dies; systemd restarts it
        for i in $(seq 50); do
                new=$(manager_prop HolderPID 2>/dev/null || true)
                [ -n "$new" ] && [ "$new" != "$old" ] && break
                sleep 0.2
        done
        [ -n "$new" ] && [ "$new" != "$old" ]
        [ "$(holder_pids | wc -l)" -eq 1 ]
}

@test "roost version shows client and server" {
        run roost version
        assert_status 0
        assert_output_contains "Client:"
        assert_output_contains "Server:"
        assert_output_contains "roostd:"
        run roost --version
        [[ "$output" == "roost version "* ]]
        run roost version --format '{{.Server.Version}}'
        assert_status 0
        [ "$output" = "$(roost --version | awk '{print $3}')" ]
}

@test "roost info --format json and templates" {
        run roost info --format json
        assert_status 0
        echo "$output" | jq -e '.ServerVersion and .ClientInfo.Version and (.UidMap | length == 2)'
        run roost info --format '{{.StorageDriver}}/{{.CgroupVersion}}'
        [ "$output" = "overlayfs/v2" ]
        run roost info -f '{{.NoSuchField}}'
        assert_status 125
        assert_output_contains "can't evaluate field NoSuchField"
        run roost system info --format '{{.Runtime}}'
        [ "$output" = crun ]
}

@test "unknown commands and flags: docker-style message, exit 125" {
        run roost frobnicate
        assert_status 125
        assert_output_contains "roost: 'frobnicate' is not a roost command."
        assert_output_contains "See 'roost --help'"
        run roost info --bogus
        assert_status 125
        assert_output_contains "unknown flag: --bogus"
        assert_output_contains "See 'roost info --help'."
        run roost info -Z
        assert_status 125
        assert_output_contains "unknown shorthand flag: 'Z' in -Z"
        run roost info extra-arg
        assert_status 125
        assert_output_contains "accepts no arguments"
        run roost --nope info
        assert_status 125
}

@test "--help in docker's layout" {
        run roost --help
        assert_status 0
        assert_output_contains "Usage:  roost [OPTIONS] COMMAND"
        assert_output_contains "Global Options:"
        assert_output_contains "Run 'roost COMMAND --help' for more information on a command."
        run roost info --help
        assert_status 0
        assert_output_contains "Usage:  roost info [OPTIONS]"
        assert_output_contains "-f, --format string"
        run roost system --help
        assert_output_contains "Commands:"
}

@test "daemon unreachable: a clear message with the fix, exit 125" {
        DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus run roost info
        assert_status 125
        assert_output_contains "cannot reach the roost service"
        assert_output_contains "systemctl --user enable --now roostd"
}

@test "roostd not installed on the bus: the message names the fix" {
        cfg=$BATS_TEST_TMPDIR/bus.conf
        cat >"$cfg" <<XML
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=$BATS_TEST_TMPDIR/bus</listen>
<policy context="default"><allow send_destination="*"/><allow own="*"/></policy></busconfig>
XML
        dbus-daemon --config-file="$cfg" --fork --print-pid >"$BATS_TEST_TMPDIR/pid"
        DBUS_SESSION_BUS_ADDRESS=unix:path=$BATS_TEST_TMPDIR/bus run roost info
        kill "$(cat "$BATS_TEST_TMPDIR/pid")"
        assert_status 125
        assert_output_contains "cannot reach the roost service"
        assert_output_contains "Hint: "
        assert_output_contains "systemctl --user enable --now roostd"
}

@test "bad D-Bus input gets named errors and roostd keeps serving" {
        roost info >/dev/null
        pid=$(systemctl --user show -p MainPID --value roostd)
        run busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 GetContainer i 5
        assert_status 1
        assert_output_contains "nvalid"
        run busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 NoSuchMethod
        assert_status 1
        assert_output_contains "Unknown method"
        run busctl --user call io.roost.Roost1 /io/roost/Nowhere io.roost.Manager1 Info
        assert_status 1
        assert_output_contains "nknown object"
        run busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 GetContainer s "$(head -c 100000 /dev/zero | tr '\0' a)"
        assert_status 1
        assert_output_contains "longer than 128 bytes"
        run busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 GetContainer s ""
        assert_status 1
        assert_output_contains "must not be empty"
        run busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 GetImage s "$(printf 'bad\033name')"
        assert_status 1
        assert_output_contains "control character"
        run busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 GetContainer s nosuch
        assert_status 1
        assert_output_contains "No such container: nosuch"
        run busctl --user set-property io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 ServerVersion s 9
        assert_status 1
        # the same process still answers
        [ "$(systemctl --user show -p MainPID --value roostd)" = "$pid" ]
        run roost info
        assert_status 0
}

@test "a slow client does not block other clients" {
        roost info >/dev/null
        pids=()
        for i in $(seq 20); do
                busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 Info >/dev/null &
                kill -STOP $! 2>/dev/null || true
                pids+=($!)
        done
        start=$(date +%s%N)
        run timeout 5 roost info
        end=$(date +%s%N)
        for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null || true; done
        wait
        assert_status 0
        [ $(( (end - start) / 1000000 )) -lt 2000 ]
}

@test "an invalid configuration refuses start with file, line and allowed values" {
        mkdir -p "$HOME/.config/roost"
        printf '[Roost]\nConfigVersion=1\n\n[Storage]\nDriver=zfs\n' >"$HOME/.config/roost/roost.conf"
        run roostd --print-config
        assert_status 78
        assert_output_contains "roost.conf:5: Driver=zfs is not valid: allowed values are auto, overlayfs, copy"
        systemctl --user stop roostd
        # the CLI learns of the failure at once, with the reason
        start=$(date +%s)
        run roost info
        assert_status 125
        [ $(( $(date +%s) - start )) -lt 10 ]
        assert_output_contains "roostd.service failed to start"
        assert_output_contains "roost.conf:5: Driver=zfs is not valid"
        assert_output_contains "journalctl --user -u roostd"
        # exit status 78 stops systemd from restarting it in a loop
        [ "$(systemctl --user show -p ExecMainStatus --value roostd)" = 78 ]
        [ "$(systemctl --user show -p NRestarts --value roostd)" = 0 ]
        rm "$HOME/.config/roost/roost.conf"
        systemctl --user reset-failed roostd
        run roost info
        assert_status 0
}

@test "unknown keys warn with file:line; drop-ins override; --print-config shows sources" {
        mkdir -p "$HOME/.config/roost/roost.conf.d"
        printf '[Registry]\nMaxConcurrentDownloads=5\nColour=blue\n' >"$HOME/.config/roost/roost.conf"
        printf '[Registry]\nMaxConcurrentDownloads=7\n' >"$HOME/.config/roost/roost.conf.d/50-more.conf"
        run roostd --print-config
        assert_status 0
        assert_output_contains "roost.conf:3: unknown key Colour in [Registry], ignoring"
        assert_output_contains "MaxConcurrentDownloads=7  # $HOME/.config/roost/roost.conf.d/50-more.conf:2"
        assert_output_contains "Name=crun  # default"
        systemctl --user restart roostd
        run roost info --format '{{json .ConfigFiles}}'
        assert_output_contains "50-more.conf"
        rm -rf "$HOME/.config/roost"
        systemctl --user restart roostd
}

@test "roostd --foreground outside systemd says what it cannot do" {
        roost info >/dev/null
        run timeout 5 dbus-run-session -- roostd --foreground
        assert_output_contains "Running outside systemd"
        assert_output_contains "No systemd user manager on this bus"
        assert_output_contains "ready"
}
