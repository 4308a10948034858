#!/usr/bin/env bats
# roost run / create / start: output, exit codes, stdio, TTYs, and the flags
# that shape the container's process.

bats_require_minimum_version 1.5.0

load helpers

setup_file() { containers_setup_file; }

teardown_file() { containers_teardown_file; }

teardown() { remove_all_containers; }

@test "run --rm prints the container's output and leaves nothing behind" {
        run roost run --rm busybox echo hello from roost
        assert_status 0
        [ "$output" = "hello from roost" ]
        [ -z "$(roost ps -aq)" ]
        [ -z "$(container_scopes)" ]
        [ "$(container_mounts)" -eq 0 ]
        [ -z "$(ls "$XDG_RUNTIME_DIR/roost/containers" 2>/dev/null)" ]
}

@test "exit codes: the container's own, 127 not found, 126 cannot invoke" {
        run roost run --rm busybox sh -c 'exit 3'
        assert_status 3
        run -127 roost run --rm busybox nosuchcmd
        assert_status 127
        assert_output_contains "nosuchcmd"
        run roost run --rm busybox /etc/passwd
        assert_status 126
        # and a failed run leaves no container behind
        [ -z "$(roost ps -aq)" ]
        run roost run --rm --init busybox sh -c 'kill -9 $$'
        assert_status 137
}

@test "stdout and stderr stay apart; stdin with -i" {
        run --separate-stderr roost run --rm busybox sh -c 'echo out; echo err >&2'
        assert_status 0
        [ "$output" = out ]
        [ "$stderr" = err ]
        run bash -c 'printf "line1\nline2\n" | roost run --rm -i busybox cat'
        assert_status 0
        [ "$output" = "$(printf 'line1\nline2')" ]
        # without -t, stdin is data: ctrl-p ctrl-q are not detach keys (as docker)
        run bash -c 'printf "a\020\021b\020" | roost run --rm -i busybox od -An -c'
        assert_status 0
        [ "$(echo $output)" = "a 020 021 b 020" ]
        head -c 2000000 /dev/urandom >"$BATS_TEST_TMPDIR/random"
        run bash -c "roost run --rm -i busybox md5sum <'$BATS_TEST_TMPDIR/random'"
        assert_status 0
        [ "${output%% *}" = "$(md5sum <"$BATS_TEST_TMPDIR/random" | cut -d' ' -f1)" ]
        # without -i the container gets no input
        run bash -c 'echo ignored | roost run --rm busybox cat'
        assert_status 0
        [ -z "$output" ]
}

@test "-t gives the container a terminal of the client's size" {
        # (script's own input stays open, as a terminal's would)
        run bash -c "sleep 3 | script -qec \"stty cols 123 rows 45; roost run --rm -it busybox sh -c 'tty; stty size'\" /dev/null"
        assert_status 0
        assert_output_contains "/dev/pts/0"
        assert_output_contains "45 123"
        # -it without a terminal is refused, as docker does
        run bash -c 'roost run --rm -it busybox true </dev/null'
        assert_status 125
        assert_output_contains "not a TTY"
}

@test "env, workdir, user, hostname, entrypoint" {
        run roost run --rm -e FOO=bar -e EMPTY= -w /tmp -u app --hostname myhost busybox \
                sh -c 'echo $FOO; pwd; id -u; id -g; hostname; echo "[$EMPTY]"'
        assert_status 0
        [ "$output" = "$(printf 'bar\n/tmp\n1000\n1000\nmyhost\n[]')" ]
        printf 'A=1\n# comment\nB=two words\n' >"$BATS_TEST_TMPDIR/env"
        run roost run --rm --env-file "$BATS_TEST_TMPDIR/env" busybox sh -c 'echo "$A $B"'
        [ "$output" = "1 two words" ]
        run roost run --rm --entrypoint /bin/echo busybox a b
        [ "$output" = "a b" ]
        run roost run --rm -u nobody-here busybox true
        assert_status 125
        assert_output_contains "unable to find user nobody-here"
}

@test "the default hostname is the short ID; /etc/hosts names it" {
        id=$(roost create busybox sh -c 'hostname; grep -c "$(hostname)" /etc/hosts')
        run roost start -a "$id"
        assert_status 0
        [ "$(echo "$output" | head -1)" = "${id:0:12}" ]
        [ "$(echo "$output" | tail -1)" -ge 1 ]
}

@test "create, then start -a; start of a running container is a no-op" {
        id=$(roost create --name later busybox sh -c 'echo started; sleep 30')
        [ ${#id} -eq 64 ]
        run roost ps -a --format '{{.Names}} {{.State}}'
        assert_output_contains "later created"
        run roost start later
        assert_status 0
        [ "$output" = later ]
        run roost start later
        assert_status 0
        run roost inspect -f '{{.State.Status}}' later
        [ "$output" = running ]
        run roost logs later
        [ "$output" = started ]
}

@test "--read-only, --tmpfs and --init" {
        run roost run --rm --read-only busybox touch /x
        [ "$status" -ne 0 ]
        assert_output_contains "Read-only file system"
        run roost run --rm --read-only --tmpfs /scratch busybox sh -c 'touch /scratch/x && grep " /scratch " /proc/mounts'
        assert_status 0
        assert_output_contains "tmpfs"
        # the init (catatonit, bound in at /run/roost-init) is PID 1 and the command its child
        run roost run --rm --init busybox sh -c "tr '\\0' ' ' </proc/1/cmdline"
        assert_status 0
        [ "$output" = "/run/roost-init -- sh -c tr '\\0' ' ' </proc/1/cmdline " ]
        run roost run --rm busybox cat /proc/1/comm
        [ "$output" = cat ]
}

@test "--ulimit and --stop-signal reach the process and the container" {
        run roost run --rm --ulimit nofile=100:200 busybox sh -c 'ulimit -n; ulimit -Hn'
        assert_status 0
        [ "$output" = "$(printf '100\n200')" ]
}

@test "--systemd=always: tmpfs on /run, container=roost, writable cgroup" {
        run roost run --rm --systemd=always busybox sh -c 'grep -E " /run | /tmp | /run/lock " /proc/mounts | cut -d" " -f2,3; echo $container; grep " /sys/fs/cgroup " /proc/mounts | grep -c rw,'
        assert_status 0
        assert_output_contains "/run tmpfs"
        assert_output_contains "/run/lock tmpfs"
        assert_output_contains "/tmp tmpfs"
        assert_output_contains "roost"
}

@test "--network host sees the host's interfaces; none has only lo" {
        run roost run --rm --network host busybox ls /sys/class/net
        assert_status 0
        [ "$output" = "$(ls /sys/class/net)" ]
        run roost run --rm --network none busybox ls /sys/class/net
        [ "$output" = lo ]
}

@test "names: given, generated, and a conflict" {
        roost create --name dup busybox true >/dev/null
        run roost create --name dup busybox true
        assert_status 125
        assert_output_contains 'The container name "/dup" is already in use by container'
        id=$(roost create busybox true)
        run roost inspect -f '{{.Name}}' "$id"
        [[ "$output" =~ ^/[a-z]+_[a-z]+$ ]]
}

@test "the image's user, workdir, env and cmd are used" {
        # roost-test/layers and busybox have Cmd ["sh"]; the env holds PATH
        run roost run --rm busybox sh -c 'echo $PATH; id -u'
        assert_output_contains "/bin"
        [ "$(echo "$output" | tail -1)" = 0 ]
        run roost run --rm -i busybox <<<'echo from the default command'
        [ "$output" = "from the default command" ]
}

@test "a missing image: a clear error, nothing created" {
        run roost run --rm --pull=never no-such-image
        assert_status 125
        assert_output_contains "No such image: no-such-image"
        run roost run --rm "$(registry_addr)/roost-test/not-there"
        assert_status 125
        [ -z "$(roost ps -aq)" ]
}

@test "pull on run: --pull=missing fetches what is not there" {
        ref="$(registry_addr)/roost-test/busybox:zstd"
        roost rmi "$ref" >/dev/null 2>&1 || true
        run roost run --rm "$ref" echo pulled
        assert_status 0
        assert_output_contains "pulled"
        [ -n "$(roost images -q "$ref")" ]
}
