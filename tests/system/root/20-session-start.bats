#!/usr/bin/env bats
# roostd enabled by its user starts with the user's session, before the
# systemd user manager is on the session bus; it must still give containers
# their scopes (it waits for the manager to join the bus).

load ../helpers

EARLY=roost-early

as_early() {
        ROOST_TEST_USER=$EARLY "$HARNESS/as-user" "$@"
}

setup_file() {
        ROOST_TEST_USER=$EARLY "$HARNESS/session" up >/dev/null
        as_early systemctl --user enable roostd >/dev/null 2>&1
        # an image that needs no registry: Debian's busybox-static
        local rootfs; rootfs=$(mktemp -d)
        mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp"
        cp /bin/busybox "$rootfs/bin/busybox"
        for a in sh sleep; do ln -s busybox "$rootfs/bin/$a"; done
        printf 'root:x:0:0:root:/:/bin/sh\n' >"$rootfs/etc/passwd"
        printf 'root:x:0:\n' >"$rootfs/etc/group"
        tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -cf - . | as_early roost import - early:latest >/dev/null
        rm -rf "$rootfs"
}

teardown_file() {
        as_early roost rm -f early-c >/dev/null 2>&1 || true
        as_early systemctl --user disable roostd >/dev/null 2>&1 || true
        ROOST_TEST_USER=$EARLY "$HARNESS/session" down >/dev/null 2>&1 || true
        # the user the session made for this file, and its ranges
        userdel -r "$EARLY" >/dev/null 2>&1 || true
        sed -i "/^$EARLY:/d" /etc/subuid /etc/subgid
}

@test "roostd started with the session gives containers their own scopes" {
        # the race is real but not certain (roostd was first on the bus in
        # about two of three session starts here): four fresh sessions
        for i in 1 2 3 4; do
                ROOST_TEST_USER=$EARLY "$HARNESS/session" down >/dev/null
                ROOST_TEST_USER=$EARLY "$HARNESS/session" up >/dev/null
                run as_early systemctl --user is-active roostd
                [ "$output" = active ]
                run as_early roost info
                [ "$status" -eq 0 ]
                echo "session $i: $(echo "$output" | grep 'Cgroup Driver')"
                [[ "$output" == *"Cgroup Driver: systemd (transient scopes in roost.slice)"* ]]
                run as_early busctl --user get-property io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 SystemdScopes
                [ "$output" = "b true" ]
                # and the namespace holder is in a scope of its own, so a
                # restart of roostd does not take the user namespace down
                run as_early systemctl --user list-units --state=active --no-legend 'roost-holder-*.scope'
                [[ "$output" == *"roost-holder-"*".scope"* ]]
        done
        run as_early roost run -d --name early-c early:latest sleep 60
        [ "$status" -eq 0 ]
        id=$(as_early roost inspect -f '{{.Id}}' early-c)
        run as_early systemctl --user is-active "roost-$id.scope"
        [ "$output" = active ]
        as_early systemctl --user restart roostd
        run as_early roost exec early-c sh -c 'echo still here'
        [ "$output" = "still here" ]
}
