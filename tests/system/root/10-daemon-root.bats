#!/usr/bin/env bats
# roostd start-up errors that need root to arrange: a user without
# /etc/subuid entries, newuidmap missing.

load ../helpers

NOSUB=roost-nosub

setup_file() {
        if ! id "$NOSUB" >/dev/null 2>&1; then
                useradd -M -s /usr/sbin/nologin "$NOSUB"
        fi
        # make sure it really has no ranges
        sed -i "/^$NOSUB:/d" /etc/subuid /etc/subgid
}

teardown_file() {
        userdel "$NOSUB" 2>/dev/null || true
}

# runs roostd --foreground as $NOSUB on a private session bus
run_roostd_as() {
        local user=$1; shift
        local dir; dir=$(mktemp -d)
        chown "$user" "$dir"; chmod 0700 "$dir"
        run timeout 10 setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups \
                env -i PATH="${ROOSTD_PATH:-/usr/local/bin:/usr/bin:/bin}" HOME="$dir" XDG_RUNTIME_DIR="$dir" \
                dbus-run-session -- roostd --foreground
        rm -rf "$dir"
}

@test "a user without an /etc/subuid entry: roostd refuses, naming the file and the fix" {
        run_roostd_as "$NOSUB"
        [ "$status" -ne 0 ]
        [[ "$output" == *"No subordinate user ID range for $NOSUB"* ]]
        [[ "$output" == *"/etc/subuid"* ]]
        [[ "$output" == *"usermod --add-subuids 100000-165535 $NOSUB"* ]]
}

@test "newuidmap missing: roostd refuses, naming the package" {
        usermod --add-subuids 300000-365535 --add-subgids 300000-365535 "$NOSUB"
        # a PATH without newuidmap (it lives in /usr/bin)
        mkdir -p /tmp/roost-nouidmap
        for b in roostd dbus-run-session dbus-daemon crun sh; do ln -sf "$(command -v $b)" /tmp/roost-nouidmap/; done
        ROOSTD_PATH=/tmp/roost-nouidmap run_roostd_as "$NOSUB"
        sed -i "/^$NOSUB:/d" /etc/subuid /etc/subgid
        rm -rf /tmp/roost-nouidmap
        [ "$status" -ne 0 ]
        [[ "$output" == *"newuidmap not found"* ]]
        [[ "$output" == *"apt-get install uidmap"* ]]
}
