#!/usr/bin/env bats
# exec, attach, logs and cp.

bats_require_minimum_version 1.5.0

load helpers

setup_file() { containers_setup_file; }

teardown_file() { containers_teardown_file; }

teardown() { remove_all_containers; }

@test "exec: output, exit code, env, user, workdir, stdin, tty" {
        roost run -d --name e -e FROM_RUN=1 busybox sleep 600 >/dev/null
        run roost exec e sh -c 'echo in exec; exit 7'
        assert_status 7
        [ "$output" = "in exec" ]
        run roost exec -e X=y -u app -w /tmp e sh -c 'echo $X $FROM_RUN; id -u; pwd'
        assert_status 0
        [ "$output" = "$(printf 'y 1\n1000\n/tmp')" ]
        run bash -c 'echo piped | roost exec -i e cat'
        [ "$output" = piped ]
        run script -qec "roost exec -it e tty" /dev/null
        assert_output_contains "/dev/pts/"
        # the exec's terminal has the client's size from its first instruction
        run bash -c "sleep 3 | script -qec \"stty cols 77 rows 21; roost exec -it e stty size\" /dev/null"
        assert_status 0
        assert_output_contains "21 77"
        run -127 roost exec e nosuchcmd
        assert_status 127
        run roost exec -d e sh -c 'echo detached >/tmp/d'
        assert_status 0
        wait_for 'roost exec e cat /tmp/d'
}

@test "exec on a stopped container fails with 125" {
        roost create --name idle busybox true >/dev/null
        run roost exec idle true
        assert_status 125
        assert_output_contains "is not running"
}

@test "logs: CRI files, --tail, -t, --since, -f until the container stops" {
        roost run -d --name l busybox sh -c 'for i in 1 2 3 4 5; do echo line$i; done; echo oops >&2; sleep 1; echo late' >/dev/null
        wait_for '[ "$(roost logs l 2>&1 | grep -c late)" -eq 1 ]'
        run --separate-stderr roost logs l
        [ "$output" = "$(printf 'line1\nline2\nline3\nline4\nline5\nlate')" ]
        [ "$stderr" = oops ]
        run roost logs --tail 2 l
        [ "$output" = "$(printf 'oops\nlate')" ]
        run roost logs -t --tail 1 l
        [[ "$output" =~ ^20[0-9-]+T[0-9:.]+Z\ late$ ]]
        run roost logs --since 1h l
        assert_output_contains "line1"
        run roost logs --since 2099-01-01T00:00:00Z l
        [ -z "$output" ]
        # the file itself is in the CRI format
        f=$(busctl --user get-property io.roost.Roost1 "$(busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 GetContainer s l | cut -d'"' -f2)" io.roost.Container1 LogPath | cut -d'"' -f2)
        grep -qE '^20[0-9-]+T[0-9:.]+Z stdout F line1$' "$f"
        # -f follows, and returns when the container stops
        roost run -d --name lf busybox sh -c 'echo first; sleep 1; echo second' >/dev/null
        run timeout 10 roost logs -f lf
        assert_status 0
        [ "$output" = "$(printf 'first\nsecond')" ]
}

@test "logs are rotated by size" {
        roost run -d --name big --log-opt max-size=8k --log-opt max-file=2 busybox sh -c 'i=0; while [ $i -lt 2000 ]; do echo "line number $i of a rotated log"; i=$((i+1)); done' >/dev/null
        roost wait big
        f=$(roost inspect -f '{{.LogPath}}' big)
        [ -f "$f.1" ]
        [ "$(stat -c %s "$f")" -le 16384 ]
        run roost logs big
        assert_output_contains "line number 1999 of a rotated log"
}

@test "--log-driver none: logs says it cannot read" {
        roost run --name quiet --log-driver none busybox echo nothing
        run roost logs quiet
        assert_status 125
        assert_output_contains "does not support reading"
}

@test "attach sees the output of a running container; detach keys leave it running" {
        roost run -d --name a busybox sh -c 'while true; do echo tick; sleep 0.2; done' >/dev/null
        run timeout 2 roost attach --no-stdin a
        assert_output_contains "tick"
        roost run -dit --name shell busybox sh >/dev/null
        # type a command, then ctrl-p ctrl-q
        run script -qec "bash -c 'sleep 0.5; printf \"echo typed-in\\r\"; sleep 0.5; printf \"\\x10\\x11\"' | roost attach shell" /dev/null
        assert_output_contains "typed-in"
        [ "$(roost inspect -f '{{.State.Status}}' shell)" = running ]
}

@test "cp both ways, into a new name and into a directory, and to stdout" {
        roost run -d --name c busybox sleep 600 >/dev/null
        echo hello >"$BATS_TEST_TMPDIR/f.txt"
        roost cp "$BATS_TEST_TMPDIR/f.txt" c:/tmp/
        [ "$(roost exec c cat /tmp/f.txt)" = hello ]
        roost cp "$BATS_TEST_TMPDIR/f.txt" c:/renamed.txt
        [ "$(roost exec c cat /renamed.txt)" = hello ]
        mkdir "$BATS_TEST_TMPDIR/out"
        roost cp c:/etc "$BATS_TEST_TMPDIR/out"
        [ -f "$BATS_TEST_TMPDIR/out/etc/passwd" ]
        roost cp c:/etc/passwd "$BATS_TEST_TMPDIR/pw"
        grep -q '^app:' "$BATS_TEST_TMPDIR/pw"
        run bash -c "roost cp c:/etc/group - | tar -t"
        [ "$output" = group ]
        # roost's own /etc files, mounted over the rootfs: their content
        for f in hostname hosts resolv.conf; do
                roost cp "c:/etc/$f" "$BATS_TEST_TMPDIR/$f"
                [ "$(cat "$BATS_TEST_TMPDIR/$f")" = "$(roost exec c cat "/etc/$f")" ]
                [ "$(stat -c %a "$BATS_TEST_TMPDIR/$f")" = 644 ]
        done
        [ -s "$BATS_TEST_TMPDIR/hostname" ]
        run roost cp c:/nonexistent "$BATS_TEST_TMPDIR/x"
        assert_status 125
        assert_output_contains "Could not find the file /nonexistent"
}

@test "cp cannot be tricked by a symlink the container planted" {
        roost run -d --name sneaky busybox sleep 600 >/dev/null
        roost exec sneaky ln -s "$HOME" /escape
        echo payload >"$BATS_TEST_TMPDIR/payload"
        # followed inside the container's root: the copy lands there (or
        # fails), never in the host's $HOME
        run roost cp "$BATS_TEST_TMPDIR/payload" sneaky:/escape/
        echo "cp: status $status: $output"
        [ ! -e "$HOME/payload" ]
        roost exec sneaky ln -s /etc/shadow /shadowlink
        run roost cp sneaky:/shadowlink "$BATS_TEST_TMPDIR/s"
        # a symlink comes out as a symlink, never the host file behind it
        [ -L "$BATS_TEST_TMPDIR/s" ] || [ ! -e "$BATS_TEST_TMPDIR/s" ]
}

@test "export writes the container's file system as tar, to a file (-o) or standard output; failures leave no file" {
        roost run --name exp busybox sh -c 'echo made-here >/made'
        roost export -o "$BATS_TEST_TMPDIR/exp.tar" exp
        run tar -tf "$BATS_TEST_TMPDIR/exp.tar"
        assert_status 0
        assert_output_contains "./bin/busybox"
        assert_output_contains "./made"
        [ "$(tar -xOf "$BATS_TEST_TMPDIR/exp.tar" ./made)" = made-here ]
        roost export exp >"$BATS_TEST_TMPDIR/stdout.tar"
        cmp "$BATS_TEST_TMPDIR/exp.tar" "$BATS_TEST_TMPDIR/stdout.tar"
        # what roost import takes back
        roost import "$BATS_TEST_TMPDIR/exp.tar" exported:1 >/dev/null
        [ "$(roost run --rm exported:1 cat /made)" = made-here ]
        roost rmi exported:1 >/dev/null
        run roost export -o "$BATS_TEST_TMPDIR/none.tar" no-such-container
        assert_status 125
        assert_output_contains "no-such-container"
        [ ! -e "$BATS_TEST_TMPDIR/none.tar" ]
        run roost export -o "$BATS_TEST_TMPDIR/missing-dir/x.tar" exp
        assert_status 125
        assert_output_contains "cannot write $BATS_TEST_TMPDIR/missing-dir/x.tar"
        [ -z "$(ls -A "$BATS_TEST_TMPDIR" | grep '^\.')" ]
}
