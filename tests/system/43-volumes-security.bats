#!/usr/bin/env bats
# Mounts and volumes; capabilities, seccomp and other confinement.

bats_require_minimum_version 1.5.0

load helpers

setup_file() { containers_setup_file; }

teardown_file() {
        remove_all_containers
        roost volume prune -f >/dev/null 2>&1 || true
        roost_reset
}

teardown() { remove_all_containers; }

@test "bind mounts: read-write, read-only, recursively read-only" {
        mkdir -p "$BATS_TEST_TMPDIR/data/sub"
        roost run --rm -v "$BATS_TEST_TMPDIR/data:/data" busybox sh -c 'echo written >/data/from-container'
        [ "$(cat "$BATS_TEST_TMPDIR/data/from-container")" = written ]
        [ "$(stat -c %u "$BATS_TEST_TMPDIR/data/from-container")" = "$(id -u)" ]
        run roost run --rm -v "$BATS_TEST_TMPDIR/data:/data:ro" busybox touch /data/x
        [ "$status" -ne 0 ]
        assert_output_contains "Read-only file system"
        # rro: a mount below the bind is read-only too
        run roost run --rm --mount "type=bind,source=$BATS_TEST_TMPDIR/data,target=/data,readonly" busybox cat /data/from-container
        [ "$output" = written ]
        run roost run --rm -v "$BATS_TEST_TMPDIR/data:/data:rro" busybox touch /data/sub/x
        [ "$status" -ne 0 ]
}

@test "named volumes: created on first use, kept, listed, removed" {
        roost run --rm -v myvol:/v busybox sh -c 'echo kept >/v/file'
        run roost run --rm -v myvol:/v busybox cat /v/file
        [ "$output" = kept ]
        run roost volume ls
        assert_output_contains "local     myvol"
        run roost volume inspect myvol
        echo "$output" | jq -e '.[0].Name == "myvol" and (.[0].Mountpoint | endswith("/volumes/myvol/_data"))'
        roost create --name user -v myvol:/v busybox true >/dev/null
        run roost volume rm myvol
        assert_status 125
        assert_output_contains "volume is in use by container user"
        roost rm user
        run roost volume rm myvol
        assert_status 0
        run roost volume inspect myvol
        assert_status 125
        roost volume create --label a=b labelled >/dev/null
        run roost volume ls -q
        [ "$output" = labelled ]
        roost volume rm labelled
}

@test "capabilities: docker's defaults, --cap-drop ALL, --cap-add, --privileged" {
        run roost run --rm busybox grep CapEff /proc/self/status
        [ "$output" = "CapEff:	00000000a80425fb" ]
        run roost run --rm --cap-drop ALL busybox grep CapEff /proc/self/status
        [ "$output" = "CapEff:	0000000000000000" ]
        run roost run --rm --cap-drop ALL --cap-add NET_ADMIN busybox grep CapEff /proc/self/status
        [ "$output" = "CapEff:	0000000000001000" ]
        run roost run --rm --privileged busybox grep CapEff /proc/self/status
        [[ "$output" =~ CapEff:.000001ff ]] || [[ "$output" =~ CapEff:.000000ff ]]
        run roost run --rm --cap-add CAP_FLYING busybox true
        assert_status 125
        assert_output_contains 'unknown capability "CAP_FLYING"'
}

@test "the default seccomp profile blocks what it should; unconfined and custom profiles" {
        run roost run --rm busybox grep Seccomp: /proc/self/status
        [ "$output" = "Seccomp:	2" ]
        # unshare needs CAP_SYS_ADMIN, so the profile refuses it
        run roost run --rm busybox unshare -n true
        [ "$status" -ne 0 ]
        # with CAP_SYS_ADMIN the profile lets unshare through
        run roost run --rm --cap-add SYS_ADMIN busybox unshare -n true
        assert_status 0
        run roost run --rm --security-opt seccomp=unconfined busybox grep Seccomp: /proc/self/status
        [ "$output" = "Seccomp:	0" ]
        cat >"$BATS_TEST_TMPDIR/profile.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
JSON
        run roost run --rm --security-opt seccomp="$BATS_TEST_TMPDIR/profile.json" busybox mkdir /tmp/x
        [ "$status" -ne 0 ]
        assert_output_contains "Operation not permitted"
        run roost run --rm --security-opt seccomp=/nonexistent.json busybox true
        assert_status 125
        assert_output_contains "cannot read the seccomp profile /nonexistent.json"
}

@test "no-new-privileges, masked and read-only /proc paths" {
        run roost run --rm --security-opt no-new-privileges busybox grep NoNewPrivs /proc/self/status
        [ "$output" = "NoNewPrivs:	1" ]
        run roost run --rm busybox grep NoNewPrivs /proc/self/status
        [ "$output" = "NoNewPrivs:	0" ]
        # masked paths are covered by a mount; read-only ones are mounted ro
        run roost run --rm busybox sh -c 'grep -E " /proc/(keys|timer_list|acpi|scsi) " /proc/self/mountinfo | wc -l'
        [ "$output" -ge 2 ]
        run roost run --rm --privileged busybox sh -c 'grep -E " /proc/(keys|timer_list) " /proc/self/mountinfo | wc -l'
        [ "$output" = 0 ]
        run roost run --rm busybox sh -c 'echo 1 >/proc/sys/kernel/domainname'
        [ "$status" -ne 0 ]
}

@test "root in the container is the user; other IDs are subordinate IDs" {
        mkdir -p "$BATS_TEST_TMPDIR/own"
        roost run --rm -v "$BATS_TEST_TMPDIR/own:/own" busybox sh -c 'touch /own/root-file; touch /own/app-file; chown 1000:1000 /own/app-file'
        [ "$(stat -c %u "$BATS_TEST_TMPDIR/own/root-file")" = "$(id -u)" ]
        sub=$(grep "^$(id -un):" /etc/subuid | cut -d: -f2)
        [ "$(stat -c %u "$BATS_TEST_TMPDIR/own/app-file")" = $((sub + 999)) ]
        unshare --user --map-root-user --map-auto rm -f "$BATS_TEST_TMPDIR/own/app-file"
}

@test "resource limits name the missing controller and the drop-in that delegates it" {
        controllers=$(roost info --format '{{json .CgroupControllers}}')
        if [[ "$controllers" == *memory* ]]; then
                skip "the memory controller is delegated here; this test covers machines where it is not"
        fi
        run roost run --rm --memory 64m busybox true
        assert_status 125
        assert_output_contains "memory"
        assert_output_contains "/etc/systemd/system/user@.service.d/delegate.conf"
        [ -z "$(roost ps -aq)" ]
        roost run -d --name u busybox sleep 60 >/dev/null
        run roost update --memory 64m u
        assert_status 125
        assert_output_contains "not delegated"
}

@test "--userns=keep-id: the user's own uid inside; the image's files keep their owners" {
        run roost run --rm --userns keep-id busybox sh -c 'id -u; id -g; stat -c %u /bin/busybox; touch /tmp/x && stat -c %u /tmp/x'
        assert_status 0
        [ "$(echo "$output" | sed -n 1p)" = "$(id -u)" ]
        [ "$(echo "$output" | sed -n 2p)" = "$(id -g)" ]
        [ "$(echo "$output" | sed -n 3p)" = 0 ]
        [ "$(echo "$output" | sed -n 4p)" = "$(id -u)" ]
        # a file it writes to a bind mount belongs to the user on the host
        mkdir -p "$BATS_TEST_TMPDIR/k"
        roost run --rm --userns keep-id -v "$BATS_TEST_TMPDIR/k:/k" busybox touch /k/mine
        [ "$(stat -c %u "$BATS_TEST_TMPDIR/k/mine")" = "$(id -u)" ]
        # -u still wins
        run roost run --rm --userns keep-id -u 0 busybox id -u
        [ "$output" = 0 ]
}

@test "--userns=auto: each container gets an ID range of its own" {
        a=$(roost run -d --userns auto busybox sleep 60)
        b=$(roost run -d --userns auto busybox sleep 60)
        ma=$(roost exec "$a" cat /proc/self/uid_map | awk '{print $2, $3}')
        mb=$(roost exec "$b" cat /proc/self/uid_map | awk '{print $2, $3}')
        [ -n "$ma" ] && [ -n "$mb" ]
        [ "$ma" != "$mb" ]
        [ "$(echo "$ma" | awk '{print $2}')" -ge 1024 ]
        # root inside is not the user outside
        run roost exec "$a" stat -c %u /bin/busybox
        [ "$output" = 0 ]
        [ "$(roost exec "$a" id -u)" = 0 ]
        host_base=$(( $(grep "^$(id -un):" /etc/subuid | cut -d: -f2) - 1 + $(echo "$ma" | awk '{print $1}') ))
        pid=$(roost inspect -f '{{.State.Pid}}' "$a")
        [ "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" = "$host_base" ]
        roost rm -f "$a" "$b"
}
