#!/usr/bin/env bats
# The session harness itself: a real systemd --user with its D-Bus session
# bus, able to start delegated transient scopes.

load helpers

@test "runs as the unprivileged test user" {
        [ "$(id -u)" -ne 0 ]
        [ "$(id -un)" = "${ROOST_TEST_USER:-roosttest}" ]
}

@test "systemctl --user is-system-running answers" {
        run systemctl --user is-system-running
        [[ "$output" == running || "$output" == degraded ]]
}

@test "the session bus is at \$XDG_RUNTIME_DIR/bus and answers" {
        [ -S "$XDG_RUNTIME_DIR/bus" ]
        run busctl --user call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus GetId
        assert_status 0
        [[ "$output" == s\ * ]]
}

@test "systemd-run --user --scope -p Delegate=yes works and delegates the cgroup" {
        run systemd-run --user --scope -p Delegate=yes --unit "harness-selftest-$$" -- \
                sh -c 'cg=$(sed -n "s/^0:://p" /proc/self/cgroup); echo "cg=$cg"; stat -c "owner=%u" /sys/fs/cgroup$cg; mkdir /sys/fs/cgroup$cg/sub && echo made-sub && rmdir /sys/fs/cgroup$cg/sub'
        assert_status 0
        assert_output_contains "cg=/user.slice/user-$(id -u).slice/user@$(id -u).service/app.slice/harness-selftest-$$.scope"
        assert_output_contains "owner=$(id -u)"
        assert_output_contains "made-sub"
}

@test "the user has subordinate ID ranges and newuidmap works" {
        grep -qE "^($(id -un)|$(id -u)):" /etc/subuid
        grep -qE "^($(id -un)|$(id -u)):" /etc/subgid
        run unshare --user --map-root-user --map-auto cat /proc/self/uid_map
        assert_status 0
        [ "$(echo "$output" | wc -l)" -ge 2 ]
}

@test "cgroup2 is mounted on /sys/fs/cgroup" {
        [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
}
