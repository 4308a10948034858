#!/usr/bin/env bats
# 500 sequential `run --rm` leave no leaked file descriptors, mounts,
# scopes or files behind (issue 5).

bats_require_minimum_version 1.5.0

load helpers

setup_file() { containers_setup_file; }

teardown_file() { containers_teardown_file; }

@test "500 sequential run --rm leak nothing" {
        pid=$(systemctl --user show -p MainPID --value roostd)
        roost run --rm busybox true
        fds_before=$(ls /proc/$pid/fd | wc -l)
        units_before=$(systemctl --user list-units --all --plain --no-legend | wc -l)
        for i in $(seq 500); do
                roost run --rm busybox true || { echo "run $i failed"; return 1; }
        done
        [ "$(systemctl --user show -p MainPID --value roostd)" = "$pid" ]
        fds_after=$(ls /proc/$pid/fd | wc -l)
        echo "roostd fds: $fds_before before, $fds_after after"
        [ "$fds_after" -le "$fds_before" ]
        [ -z "$(roost ps -aq)" ]
        [ -z "$(container_scopes)" ]
        [ "$(container_mounts)" -eq 0 ]
        [ -z "$(ls "$XDG_RUNTIME_DIR/roost/containers" 2>/dev/null)" ]
        [ -z "$(ls "$HOME/.local/share/roost/containers" 2>/dev/null)" ]
        units_after=$(systemctl --user list-units --all --plain --no-legend | wc -l)
        echo "units: $units_before before, $units_after after"
        [ "$units_after" -le $((units_before + 2)) ]
        # no stray processes of ours: only the holder, roostd and this shell's family
        [ -z "$(pgrep -u "$(id -u)" -x roost-shim)" ]
}
