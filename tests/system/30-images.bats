#!/usr/bin/env bats
# Images: pull (every fixture, every hostile case), images, inspect, tag,
# rmi, prune, save, load, import, login/logout, verifier plugins, crash
# safety, and the Image1/Job1 D-Bus objects. Needs ROOST_TEST_REGISTRY
# (tests/harness/registry with the fixtures pushed) and ROOST_TEST_HOSTILE
# (tests/harness/hostile).

load helpers

REG=${ROOST_TEST_REGISTRY:-}
H=${ROOST_TEST_HOSTILE:-}
DATA=${XDG_DATA_HOME:-$HOME/.local/share}/roost
CONF=${XDG_CONFIG_HOME:-$HOME/.config}/roost
FIX=${ROOST_TEST_CACHE:-/var/cache/roost-test}/fixtures
HLOG=/run/roost-test/hostile.log

setup_file() {
        [ -n "$REG" ] || skip "ROOST_TEST_REGISTRY is not set (tests/harness/registry env)"
        roost_reset
}

teardown_file() {
        roost_reset
}

setup() {
        [ -n "$REG" ] && [ -n "$H" ] || skip "needs ROOST_TEST_REGISTRY and ROOST_TEST_HOSTILE"
}

# restart roostd with this roost.conf (or none)
with_config() {
        mkdir -p "$CONF"
        if [ -n "${1:-}" ]; then printf '%b' "$1" >"$CONF/roost.conf"; else rm -f "$CONF/roost.conf"; fi
        systemctl --user restart roostd
}

fresh() {
        roost_reset
        roost info >/dev/null
}

# nothing of a refused pull stays: no image, no partial download, no
# unfinished or unreferenced layer, no blob (the store started empty)
assert_nothing_left() {
        local i
        run roost images -q
        [ -z "$output" ] || { echo "images left: $output"; return 1; }
        [ -z "$(ls -A "$DATA/ingest")" ] || { echo "ingest: $(ls "$DATA/ingest")"; return 1; }
        for i in $(seq 1 50); do
                [ -z "$(ls -A "$DATA/layers" 2>/dev/null)" ] && [ -z "$(ls -A "$DATA/blobs/sha256")" ] && break
                sleep 0.1
        done
        [ -z "$(ls -A "$DATA/layers" 2>/dev/null)" ] || { echo "layers: $(ls "$DATA/layers")"; return 1; }
        [ -z "$(ls -A "$DATA/blobs/sha256")" ] || { echo "blobs: $(ls "$DATA/blobs/sha256")"; return 1; }
        ! compgen -G "/tmp/roost-escape-*" >/dev/null || { echo "escaped: $(ls /tmp/roost-escape-*)"; return 1; }
        ! compgen -G "$HOME/roost-escape-*" >/dev/null
}

# a hostile pull: refused, exit 125, the reference (and more) named
refused() {
        local repo=$1; shift
        run roost pull "$H/$repo"
        assert_status 125
        assert_output_contains "$H/$repo:latest"
        local want
        for want in "$@"; do assert_output_contains "$want"; done
}

# apply layers.expected to a merged view of an image's layers
check_layers_expected() {
        local lower=$1
        unshare -rm sh -c '
                set -e
                m=$(mktemp -d)
                mount -t overlay overlay -o "lowerdir=$1,userxattr" "$m"
                bad=0
                grep -v "^#" "$2" | while read -r verb path text; do
                        case $verb in
                        exists) [ -e "$m$path" ] || [ -L "$m$path" ] || { echo "missing: $path"; exit 1; } ;;
                        absent) if [ -e "$m$path" ] || [ -L "$m$path" ]; then echo "present: $path"; exit 1; fi ;;
                        content) [ "$(cat "$m$path")" = "$text" ] || { echo "content: $path"; exit 1; } ;;
                        esac
                done
                umount "$m"
        ' check "$lower" "$FIX/layers.expected"
}

@test "pull busybox: progress lines, digest, status; images lists it in docker's table" {
        fresh
        run roost pull "$REG/roost-test/busybox:latest"
        assert_status 0
        assert_output_contains "latest: Pulling from roost-test/busybox"
        assert_output_contains ": Pull complete"
        assert_output_contains "Digest: sha256:"
        assert_output_contains "Status: Downloaded newer image for $REG/roost-test/busybox:latest"
        run roost images
        assert_status 0
        [[ "${lines[0]}" =~ ^REPOSITORY\ +TAG\ +IMAGE\ ID\ +CREATED\ +SIZE$ ]]
        [[ "${lines[1]}" =~ ^$REG/roost-test/busybox\ +latest\ +[0-9a-f]{12}\ +.*ago\ +2\.1[0-9]MB$ ]]
        run roost images -q
        [[ "$output" =~ ^[0-9a-f]{12}$ ]]
        run roost images --no-trunc -q
        [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
        # pulling again: up to date, layers already exist
        run roost pull "$REG/roost-test/busybox:latest"
        assert_output_contains "Status: Image is up to date"
        [ "$(busctl --user --json=short call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 Info | jq '.data[0].Images.data')" = 1 ]
}

@test "pull -q prints only the image ID; gzip, zstd and uncompressed are one image" {
        run roost pull -q "$REG/roost-test/busybox:gzip"
        assert_status 0
        id=$output
        [[ "$id" =~ ^sha256:[0-9a-f]{64}$ ]]
        run roost pull -q "$REG/roost-test/busybox:zstd"
        [ "$output" = "$id" ]
        run roost pull -q "$REG/roost-test/busybox:uncompressed"
        [ "$output" = "$id" ]
        run roost images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
        assert_output_contains "$REG/roost-test/busybox:zstd ${id:7:12}"
        assert_output_contains "$REG/roost-test/busybox:uncompressed ${id:7:12}"
        run roost images --format json
        echo "$output" | head -1 | jq -e '.Repository and .Tag and .ID and .Size and .CreatedSince'
        run roost images --digests
        [[ "${lines[0]}" =~ DIGEST ]]
        assert_output_contains "sha256:"
}

@test "layers: whiteouts and opaque directories give the expected tree" {
        run roost pull -q "$REG/roost-test/layers:latest"
        assert_status 0
        lower=$(roost image inspect --format '{{.GraphDriver.Data.LowerDir}}' "$REG/roost-test/layers")
        [ "$(echo "$lower" | tr ':' '\n' | wc -l)" = 3 ]
        run check_layers_expected "$lower"
        echo "$output"
        assert_status 0
        # the busybox layer is shared by chain ID, not unpacked twice
        [ "$(ls "$DATA/layers" | wc -l)" = 3 ]
}

@test "multiarch: the host's platform by default, --platform linux/arm64 picks arm64" {
        run roost pull -q "$REG/roost-test/multiarch:latest"
        assert_status 0
        [ "$(roost image inspect --format '{{.Architecture}}' "$output")" = amd64 ]
        run roost pull --platform linux/arm64 "$REG/roost-test/multiarch:latest"
        assert_status 0
        [ "$(roost image inspect --format '{{.Architecture}}' "$REG/roost-test/multiarch")" = arm64 ]
        [ "$(roost image inspect --format '{{.Variant}}' "$REG/roost-test/multiarch")" = v8 ]
        run roost pull --platform linux/s390x "$REG/roost-test/multiarch:latest"
        assert_status 125
        assert_output_contains "no image for the platform linux/s390x"
        assert_output_contains "linux/amd64, linux/arm64/v8"
        run roost pull --platform nonsense/a/b/c "$REG/roost-test/multiarch:latest"
        assert_status 125
        assert_output_contains "invalid platform"
}

@test "Docker schema 2 and a Docker manifest list pull" {
        run roost pull "$REG/roost-test/docker-schema2:latest"
        assert_status 0
        run roost pull -q "$REG/roost-test/docker-list:latest"
        assert_status 0
        [ "$(roost image inspect --format '{{.Architecture}}' "$output")" = amd64 ]
        run roost image inspect "$REG/roost-test/docker-schema2"
        echo "$output" | jq -e '.[0].Descriptor.mediaType == "application/vnd.docker.distribution.manifest.v2+json"'
}

@test "big (gzip and zstd, 5 layers, ~150 MiB) and net pull; content intact" {
        run roost pull "$REG/roost-test/big:latest"
        assert_status 0
        run roost pull -q "$REG/roost-test/big:zstd"
        assert_status 0
        run roost images "$REG/roost-test/big"
        [[ "$output" =~ 15[0-9]MB ]]
        # the last layer holds the checksums of the others' files
        top=$(roost image inspect --format '{{.GraphDriver.Data.LowerDir}}' "$REG/roost-test/big" | tr ':' '\n' | head -1)
        lower=$(roost image inspect --format '{{.GraphDriver.Data.LowerDir}}' "$REG/roost-test/big")
        run unshare -rm sh -c 'm=$(mktemp -d); mount -t overlay overlay -o "lowerdir=$1,userxattr" "$m" &&
                cd "$m" && sed "s| /| |" etc/roost-big.sha256 | sha256sum -c --quiet; r=$?; cd /; umount "$m"; exit $r' x "$lower"
        echo "$output" | tail -5
        assert_status 0
        run roost pull "$REG/roost-test/net:latest"
        assert_status 0
        roost image inspect "$REG/roost-test/net" | jq -e '.[0].Config.ExposedPorts["80/tcp"]'
}

@test "image inspect (and inspect): docker's JSON, templates, and Image1 objects on the bus" {
        run roost image inspect "$REG/roost-test/busybox:latest"
        assert_status 0
        echo "$output" | jq -e '.[0].Id | startswith("sha256:")'
        echo "$output" | jq -e '.[0].Config.Cmd == ["sh"]'
        echo "$output" | jq -e '.[0].RootFS.Layers | length == 1'
        echo "$output" | jq -e '.[0].Os == "linux"'
        id=$(echo "$output" | jq -r '.[0].Id')
        [ "$(roost image inspect -f '{{.Id}}' "${id:7:12}")" = "$id" ]
        # the top-level inspect finds images too, with --type image or without
        [ "$(roost inspect -f '{{.Id}}' "$REG/roost-test/busybox")" = "$id" ]
        [ "$(roost inspect --type image -f '{{.Id}}' "${id:7:12}")" = "$id" ]
        run roost inspect --type container "$REG/roost-test/busybox"
        assert_status 125
        assert_output_contains "No such object"
        run roost image inspect no-such-image
        assert_status 125
        assert_output_contains "No such image: no-such-image"
        path=$(busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 GetImage s "$REG/roost-test/busybox" | cut -d'"' -f2)
        [ "$path" = "/io/roost/Roost1/image/${id:7}" ]
        busctl --user get-property io.roost.Roost1 "$path" io.roost.Image1 Id | grep -q "$id"
        run busctl --user call io.roost.Roost1 /io/roost/Roost1 org.freedesktop.DBus.ObjectManager GetManagedObjects
        assert_output_contains "$path"
        # ListImages lists with an empty filter, filters with lists of
        # strings, and refuses a filter it does not know or of another type
        run busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 ListImages 'a{sv}' 0
        assert_status 0
        assert_output_contains "$id"
        run busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 ListImages 'a{sv}' 1 reference as 1 'no-match*'
        assert_status 0
        [ "$output" = "aa{sv} 0" ]
        run busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 ListImages 'a{sv}' 1 dangling b true
        assert_status 1
        assert_output_contains 'The value of filter dangling must be a list of strings'
        run busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 ListImages 'a{sv}' 1 colour as 1 red
        assert_status 1
        assert_output_contains "roost filters images on dangling, reference, label, before and since"
        for xml in "$ROOST_TEST_SRC"/../dbus/io.roost.Image1.xml "$ROOST_TEST_SRC"/dbus/io.roost.Image1.xml; do [ -f "$xml" ] && break; done
        run "$HARNESS/check-dbus-contract" "$xml" "$path"
        echo "$output"
        assert_status 0
        for xml in "$ROOST_TEST_SRC"/../dbus/io.roost.Manager1.xml "$ROOST_TEST_SRC"/dbus/io.roost.Manager1.xml; do [ -f "$xml" ] && break; done
        run "$HARNESS/check-dbus-contract" "$xml" /io/roost/Roost1
        echo "$output"
        assert_status 0
}

@test "Pull over D-Bus returns a Job1 with progress; the contract matches; PropertiesChanged is rate-limited" {
        roost rmi -f "$REG/roost-test/big:latest" "$REG/roost-test/big:zstd" >/dev/null 2>&1 || true
        timeout 30 busctl --user monitor --match "type='signal',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',path_namespace='/io/roost/Roost1/job'" >"$BATS_TEST_TMPDIR/mon" 2>&1 &
        mon=$!
        sleep 0.5
        start=$(date +%s.%N)
        job=$(busctl --user call io.roost.Roost1 /io/roost/Roost1 io.roost.Manager1 Pull 'sa{sv}' "$REG/roost-test/big:latest" 0 | cut -d'"' -f2)
        [[ "$job" == /io/roost/Roost1/job/* ]]
        for i in $(seq 1 300); do
                state=$(busctl --user get-property io.roost.Roost1 "$job" io.roost.Job1 State | cut -d'"' -f2)
                [ "$state" != running ] && break
                sleep 0.1
        done
        end=$(date +%s.%N)
        sleep 0.3
        kill "$mon" 2>/dev/null || true
        [ "$state" = done ]
        busctl --user get-property io.roost.Roost1 "$job" io.roost.Job1 Result | grep -q sha256:
        total=$(busctl --user get-property io.roost.Roost1 "$job" io.roost.Job1 ProgressTotal | cut -d' ' -f2)
        cur=$(busctl --user get-property io.roost.Roost1 "$job" io.roost.Job1 ProgressCurrent | cut -d' ' -f2)
        [ "$total" -gt 50000000 ] && [ "$cur" = "$total" ]
        run busctl --user get-property io.roost.Roost1 "$job" io.roost.Job1 Layers
        assert_output_contains "Pull complete"
        for xml in "$ROOST_TEST_SRC"/../dbus/io.roost.Job1.xml "$ROOST_TEST_SRC"/dbus/io.roost.Job1.xml; do [ -f "$xml" ] && break; done
        run "$HARNESS/check-dbus-contract" "$xml" "$job"
        echo "$output"
        assert_status 0
        n=$(grep -c "PropertiesChanged" "$BATS_TEST_TMPDIR/mon" || true)
        secs=$(echo "$end - $start" | bc)
        echo "PropertiesChanged: $n in $secs s"
        [ "$n" -ge 1 ]
        [ "$(echo "$n <= 10 * ($secs + 1) + 2" | bc)" = 1 ]
}

@test "tag and rmi: names, IDs, -f, and docker's messages" {
        id=$(roost pull -q "$REG/roost-test/busybox:latest")
        run roost tag "$REG/roost-test/busybox:latest" mybox:1
        assert_status 0
        run roost images mybox
        [[ "$output" == *"mybox "*"1 "*"${id:7:12}"* ]]
        run roost tag "$REG/roost-test/busybox" "bad name"
        assert_status 125
        assert_output_contains "invalid reference format"
        run roost tag no-such-image x:1
        assert_status 125
        assert_output_contains "No such image: no-such-image"
        # by ID while several names: refused without -f
        run roost rmi "${id:7:12}"
        assert_status 125
        assert_output_contains "must be forced"
        # a name of several: only untagged
        run roost rmi mybox:1
        assert_status 0
        [ "$output" = "Untagged: mybox:1" ]
        roost image inspect "$id" >/dev/null
        run roost rmi -f "$id"
        assert_status 0
        assert_output_contains "Untagged: $REG/roost-test/busybox:latest"
        assert_output_contains "Deleted: $id"
        run roost image inspect "$id"
        assert_status 125
        run roost rmi nothing-here
        assert_status 125
        assert_output_contains "No such image: nothing-here"
        assert_output_contains "Hint:"
}

@test "rmi then pull again at once: the layers are there, not half removed" {
        for i in 1 2 3; do
                roost pull -q "$REG/roost-test/net:latest" >/dev/null
                roost rmi "$REG/roost-test/net:latest" >/dev/null
                roost pull -q "$REG/roost-test/net:latest" >/dev/null
                sleep 0.5
                for dir in $(roost image inspect --format '{{.GraphDriver.Data.LowerDir}}' "$REG/roost-test/net" | tr ':' ' '); do
                        [ -d "$dir/usr" ] || [ -d "$dir/bin" ] || { echo "layer $dir is gone"; return 1; }
                done
                run roost images "$REG/roost-test/net"
                [[ "$output" != *" 0B"* ]]
        done
}

@test "rmi refuses while a container uses the image, -f only untags it" {
        id=$(roost pull -q "$REG/roost-test/busybox:latest")
        python3 - "$DATA/state.db" "$id" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO containers(id, name, image_id, image_ref, options, state, created_at) VALUES (?, ?, ?, ?, '{}', 'created', 0)",
           ("c" * 64, "user-of-busybox", sys.argv[2], "busybox"))
db.commit()
PY
        run roost rmi "$REG/roost-test/busybox:latest"
        assert_status 125
        assert_output_contains "used by container user-of-busybox"
        run roost image prune -a -f
        roost image inspect "$id" >/dev/null
        run roost rmi -f "$REG/roost-test/busybox:latest"
        assert_status 0
        assert_output_contains "Untagged: $REG/roost-test/busybox:latest"
        roost image inspect "$id" >/dev/null
        python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute("DELETE FROM containers"); d.commit()' "$DATA/state.db"
}

@test "image prune removes dangling images; -a every unused one, and their layers" {
        fresh
        roost pull -q "$REG/roost-test/busybox:latest" >/dev/null
        roost pull -q "$REG/roost-test/net:latest" >/dev/null
        # net takes busybox's name: busybox's image is left without one
        roost tag "$REG/roost-test/net:latest" "$REG/roost-test/busybox:latest"
        run roost images
        assert_output_contains "<none>"
        run roost image prune -f
        assert_status 0
        assert_output_contains "deleted: sha256:"
        assert_output_contains "Total reclaimed space:"
        run roost images
        [[ "$output" != *"<none>"* ]]
        run roost image prune -a -f
        assert_status 0
        run roost images -q
        [ -z "$output" ]
        for i in $(seq 1 50); do [ -z "$(ls -A "$DATA/layers")" ] && break; sleep 0.1; done
        [ -z "$(ls -A "$DATA/layers")" ]
        [ -z "$(ls -A "$DATA/blobs/sha256")" ]
}

@test "images --filter: reference, label, since, before, dangling; a bad filter says what is wrong" {
        fresh
        roost pull -q "$REG/roost-test/busybox:latest" >/dev/null
        roost pull -q "$REG/roost-test/net:latest" >/dev/null
        # an image with a label, made after the fixtures
        oci="$BATS_TEST_TMPDIR/oci"
        skopeo copy -q oci:/var/cache/roost-test/fixtures/oci:busybox:latest "oci:$oci:busybox"
        umoci config --image "$oci:busybox" --tag labelled --config.label roost.test=yes --created 2030-01-01T00:00:00Z
        skopeo copy -q --dest-tls-verify=false "oci:$oci:labelled" "docker://$REG/roost-test/labelled:1"
        roost pull -q "$REG/roost-test/labelled:1" >/dev/null
        names() { roost images --format '{{.Repository}}:{{.Tag}}' "$@" | sort | tr '\n' ' '; }

        [ "$(names -f reference='*/roost-test/busybox')" = "$REG/roost-test/busybox:latest " ]
        [ "$(names -f reference='*/roost-test/*:1')" = "$REG/roost-test/labelled:1 " ]
        # several references: any of them
        [ "$(names -f reference='*/roost-test/net' -f reference='*/roost-test/labelled')" = "$REG/roost-test/labelled:1 $REG/roost-test/net:latest " ]
        # '*' does not cross a '/'
        [ -z "$(names -f reference='*')" ]
        # only the matching tags of an image are listed, as docker; the
        # positional REPOSITORY[:TAG] is the same filter
        roost tag "$REG/roost-test/busybox:latest" myrepo/x:v1
        [ "$(names -f reference=myrepo/x)" = "myrepo/x:v1 " ]
        [ "$(names 'myrepo/*')" = "myrepo/x:v1 " ]
        [ "$(names myrepo/x:v1)" = "myrepo/x:v1 " ]
        [ "$(names "$REG/roost-test/busybox")" = "$REG/roost-test/busybox:latest " ]
        roost rmi myrepo/x:v1 >/dev/null
        [ "$(names -f label=roost.test)" = "$REG/roost-test/labelled:1 " ]
        [ "$(names -f label=roost.test=yes)" = "$REG/roost-test/labelled:1 " ]
        [ -z "$(names -f label=roost.test=no)" ]
        [ "$(names -f since="$REG/roost-test/busybox")" = "$REG/roost-test/labelled:1 " ]
        [ "$(names -f before="$REG/roost-test/labelled:1")" = "$REG/roost-test/busybox:latest $REG/roost-test/net:latest " ]
        # net takes busybox's name: busybox's image is left dangling
        bid=$(roost images -q "$REG/roost-test/busybox")
        roost tag "$REG/roost-test/net:latest" "$REG/roost-test/busybox:latest"
        run roost images -q -f dangling=true
        [ "$output" = "$bid" ]
        run roost images -f dangling=false
        [[ "$output" != *"<none>"* ]]

        run roost images -f colour=red
        assert_status 125
        assert_output_contains "Invalid filter 'colour': roost filters images on dangling, reference, label, before and since"
        run roost images -f dangling=maybe
        assert_status 125
        assert_output_contains "use dangling=true or dangling=false"
        run roost images -f since=no-such-image
        assert_status 125
        assert_output_contains "No such image: no-such-image"
        run roost images -f dangling
        assert_status 125
        assert_output_contains 'bad format of filter "dangling": use KEY=VALUE'
}

# Adds N one-file layers (/layer-1 ... /layer-N) to the image TAG of the
# OCI layout DIR, in place.
add_layers() {
        python3 - "$1" "$2" "$3" <<'PY'
import hashlib, io, json, os, sys, tarfile
root, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    with open(f"{root}/blobs/sha256/{d}", "wb") as f:
        f.write(data)
    return "sha256:" + d
def read(digest):
    with open(f"{root}/blobs/sha256/{digest[7:]}", "rb") as f:
        return json.load(f)
index = json.load(open(f"{root}/index.json"))
entry = next(m for m in index["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"] == tag)
manifest = read(entry["digest"])
config = read(manifest["config"]["digest"])
for i in range(1, n + 1):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        data = f"{i}\n".encode()
        info = tarfile.TarInfo(f"layer-{i}")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    layer = buf.getvalue()
    d = blob(layer)
    manifest["layers"].append({"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": len(layer)})
    config["rootfs"]["diff_ids"].append(d)
    config.setdefault("history", []).append({"created_by": f"layer {i}"})
c = json.dumps(config).encode()
manifest["config"] = {"mediaType": manifest["config"]["mediaType"], "digest": blob(c), "size": len(c)}
m = json.dumps(manifest).encode()
entry["digest"], entry["size"] = blob(m), len(m)
json.dump(index, open(f"{root}/index.json", "w"))
PY
}

@test "history: the config's steps newest first, with their layers' sizes; -q, --no-trunc, --format json, over D-Bus" {
        fresh
        roost pull -q "$REG/roost-test/net:latest" >/dev/null
        id=$(roost images -q --no-trunc "$REG/roost-test/net:latest")
        run roost history "$REG/roost-test/net:latest"
        assert_status 0
        [[ "${lines[0]}" =~ ^IMAGE\ +CREATED\ +CREATED\ BY\ +SIZE\ +COMMENT$ ]]
        [[ "${lines[1]}" =~ ^${id:7:12}\ +.*ago\ +add\ iperf3\ with\ its\ libraries,\ /www/index.ht…\ +[0-9.]+MB ]]
        [[ "${lines[2]}" =~ ^\<missing\>\ +.*ago\ +busybox\ rootfs\ +2\.1[0-9]MB ]]
        [ "${#lines[@]}" -eq 3 ]
        run roost history --no-trunc "$REG/roost-test/net:latest"
        assert_output_contains "$id"
        assert_output_contains "add iperf3 with its libraries, /www/index.html"
        run roost image history -q "$REG/roost-test/net:latest"
        [ "$output" = "${id:7:12}"$'\n'"<missing>" ]
        run roost history --format json "$REG/roost-test/net:latest"
        echo "${lines[1]}" | jq -e '.CreatedBy == "busybox rootfs" and .ID == "<missing>" and (.Size | endswith("MB"))'
        run busctl --user call io.roost.Roost1 "/io/roost/Roost1/image/${id:7}" io.roost.Image1 History
        assert_status 0
        assert_output_contains 'a(xsstb) 2'
        run roost history no-such-image
        assert_status 125
        assert_output_contains "No such image: no-such-image"
}

@test "an image of 101 layers runs (past one page of overlay lower dirs by full name)" {
        fresh
        oci="$BATS_TEST_TMPDIR/oci"
        skopeo copy -q oci:/var/cache/roost-test/fixtures/oci:busybox:latest "oci:$oci:many"
        add_layers "$oci" many 100
        skopeo copy -q --dest-tls-verify=false "oci:$oci:many" "docker://$REG/roost-test/many:101"
        roost pull -q "$REG/roost-test/many:101" >/dev/null
        [ "$(roost image inspect "$REG/roost-test/many:101" | jq '.[0].RootFS.Layers | length')" = 101 ]
        run roost history -q "$REG/roost-test/many:101"
        [ "${#lines[@]}" -eq 101 ]
        [ "$(roost history --format '{{.CreatedBy}}' "$REG/roost-test/many:101" | head -1)" = "layer 100" ]
        run roost run --rm "$REG/roost-test/many:101" sh -c 'ls / | grep -c "^layer-"; cat /layer-1 /layer-100'
        assert_status 0
        [ "${lines[0]}" = 100 ]
        [ "${lines[1]}" = 1 ]
        [ "${lines[2]}" = 100 ]
        # the short names go with the layers
        ls -A "$DATA/layers/.l" | grep -q .
        roost rmi "$REG/roost-test/many:101" >/dev/null
        roost image prune -a -f >/dev/null
        wait_for "[ -z \"\$(ls -A $DATA/layers/.l 2>/dev/null)\" ]"
}

@test "save and load: oci-archive and docker-archive round trips; skopeo's archives load" {
        id=$(roost pull -q "$REG/roost-test/busybox:latest")
        roost save -o "$BATS_TEST_TMPDIR/oci.tar" "$REG/roost-test/busybox:latest"
        roost save --format docker-archive -o "$BATS_TEST_TMPDIR/docker.tar" "$REG/roost-test/busybox:latest"
        tar tf "$BATS_TEST_TMPDIR/oci.tar" | grep -qx index.json
        tar tf "$BATS_TEST_TMPDIR/docker.tar" | grep -qx manifest.json
        # other tools read them
        skopeo inspect "oci-archive:$BATS_TEST_TMPDIR/oci.tar" >/dev/null
        skopeo inspect "docker-archive:$BATS_TEST_TMPDIR/docker.tar" | jq -e '.Layers | length == 1'
        run roost save busybox-not-here
        assert_status 125
        roost rmi -f "$id" >/dev/null
        run roost load -i "$BATS_TEST_TMPDIR/oci.tar"
        assert_status 0
        [ "$output" = "Loaded image: $REG/roost-test/busybox:latest" ]
        [ "$(roost image inspect -f '{{.Id}}' "$REG/roost-test/busybox:latest")" = "$id" ]
        roost rmi -f "$id" >/dev/null
        run sh -c "roost load < '$BATS_TEST_TMPDIR/docker.tar'"
        assert_status 0
        [ "$output" = "Loaded image: $REG/roost-test/busybox:latest" ]
        run roost load -i "$FIX/busybox.oci-archive.tar"
        assert_status 0
        [ "$output" = "Loaded image: busybox:latest" ]
        run roost load -i "$FIX/busybox.docker-archive.tar"
        assert_status 0
        [ "$output" = "Loaded image: roost-test/busybox:latest" ]
        [ "$(roost image inspect -f '{{.Id}}' roost-test/busybox)" = "$id" ]
        echo "not an archive" >"$BATS_TEST_TMPDIR/junk.tar"
        run roost load -i "$BATS_TEST_TMPDIR/junk.tar"
        assert_status 125
        assert_output_contains "cannot load the archive"
}

@test "podman save output loads" {
        command -v podman >/dev/null || skip "podman not installed"
        export CONTAINERS_STORAGE_CONF=$BATS_TEST_TMPDIR/storage.conf
        printf '[storage]\ndriver = "vfs"\nrunroot = "%s/run"\ngraphroot = "%s/graph"\n' "$BATS_TEST_TMPDIR" "$BATS_TEST_TMPDIR" >"$CONTAINERS_STORAGE_CONF"
        podman pull -q --tls-verify=false "$REG/roost-test/busybox:latest" >/dev/null 2>&1 || skip "podman cannot pull here"
        podman save --format docker-archive -o "$BATS_TEST_TMPDIR/podman.tar" "$REG/roost-test/busybox:latest" 2>/dev/null
        podman rmi -a -f >/dev/null 2>&1 || true
        run roost load -i "$BATS_TEST_TMPDIR/podman.tar"
        assert_status 0
        assert_output_contains "Loaded image: $REG/roost-test/busybox:latest"
}

@test "import: a rootfs tarball (file or stdin) becomes an image" {
        run roost import "$FIX/busybox-rootfs.tar" imported:1
        assert_status 0
        [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
        roost image inspect imported:1 | jq -e '.[0].RootFS.Layers[0] == "sha256:'"$(sha256sum "$FIX/busybox-rootfs.tar" | cut -d' ' -f1)"'"'
        run sh -c "gzip -c '$FIX/busybox-rootfs.tar' | roost import -m 'from stdin' - imported:gz"
        assert_status 0
        run roost images imported
        assert_output_contains "imported"
        assert_output_contains "gz"
        run sh -c "echo garbage | roost import - bad:1"
        assert_status 125
        assert_output_contains "cannot import the tarball"
}

@test "hostile: schema 1 is refused as deprecated, with how to convert" {
        fresh
        refused schema1 "deprecated and removed" "skopeo copy"
        assert_nothing_left
}

@test "hostile: a corrupt blob is refused, naming the digest; nothing stored" {
        refused corrupt-blob "blob sha256:" "corrupt or was tampered with"
        assert_nothing_left
}

@test "hostile: a wrong diff_id is refused" {
        refused bad-diffid "diff_id is sha256:"
        assert_nothing_left
}

@test "hostile: path traversal, absolute names, symlink and hard link escapes are refused; nothing escapes" {
        refused traversal "layer sha256:" "../../../../tmp/roost-escape-traversal"
        assert_nothing_left
        refused symlink-escape "layer sha256:" "evil/roost-escape-symlink"
        assert_nothing_left
        refused hardlink-escape "layer sha256:" "passwd-link"
        assert_nothing_left
}

@test "hostile: oversized manifest, huge config, malformed JSON, unknown media type" {
        refused oversized-manifest "larger than 4 MiB"
        refused huge-json "67108864 bytes" "8 MiB"
        refused malformed "not valid JSON"
        refused unknown-mediatype "application/vnd.example.unknown+json"
        assert_nothing_left
}

@test "hostile: 404, 401, 429, 500 and truncation fail with the status named, after bounded retries" {
        : >"$BATS_TEST_TMPDIR/before"
        n0=$(wc -l <"$HLOG")
        refused status-404 "404"
        refused status-401 "401" "roost login"
        refused status-429 "429" "gave up after 4 attempts"
        refused status-500 "500" "gave up after 4 attempts"
        refused truncated "closed before the end"
        assert_nothing_left
        tail -n +"$((n0 + 1))" "$HLOG" >"$BATS_TEST_TMPDIR/log"
        [ "$(grep -c '^GET /v2/status-500/manifests/latest 500' "$BATS_TEST_TMPDIR/log")" = 4 ]
        [ "$(grep -c '^GET /v2/status-429/manifests/latest 429' "$BATS_TEST_TMPDIR/log")" = 4 ]
        [ "$(grep -c '^GET /v2/status-404/manifests/latest 404' "$BATS_TEST_TMPDIR/log")" = 1 ]
}

@test "hostile: flaky-500 is retried with backoff and succeeds" {
        "$HARNESS/hostile" reset >/dev/null 2>&1 || curl -fsS -X POST "http://$H/_hostile/reset" >/dev/null
        n0=$(wc -l <"$HLOG")
        run roost pull "$H/flaky-500"
        assert_status 0
        tail -n +"$((n0 + 1))" "$HLOG" | grep '/v2/flaky-500/blobs/' >"$BATS_TEST_TMPDIR/log"
        cat "$BATS_TEST_TMPDIR/log"
        grep -q ' 500$' "$BATS_TEST_TMPDIR/log"
        [ "$(grep -c ' 200$' "$BATS_TEST_TMPDIR/log")" -ge 1 ]
}

@test "hostile: device nodes are skipped with a warning; the image pulls" {
        run roost pull "$H/devices"
        assert_status 0
        lower=$(roost image inspect --format '{{.GraphDriver.Data.LowerDir}}' "$H/devices")
        run unshare -rm sh -c 'm=$(mktemp -d); mount -t overlay overlay -o "lowerdir=$1,userxattr" "$m" &&
                ls -A "$m/devices"; umount "$m"' x "$lower"
        assert_output_contains "README"
        assert_output_contains "fifo"
        [[ "$output" != *null* ]] && [[ "$output" != *loop* ]]
        journalctl --user -u roostd --since "-2min" 2>/dev/null | grep -q "skipped the device node" || true
}

@test "a stalled registry times out, and roostd serves others meanwhile" {
        with_config '[Registry]\nTimeout=2\n'
        roost pull "$H/stall" >"$BATS_TEST_TMPDIR/stall.out" 2>&1 &
        pid=$!
        sleep 1
        # others are served while the pull waits
        start=$(date +%s%N)
        run timeout 10 roost info
        assert_status 0
        run timeout 20 roost pull -q "$H/ok"
        assert_status 0
        [ $((($(date +%s%N) - start) / 1000000)) -lt 8000 ]
        wait "$pid" && st=0 || st=$?
        cat "$BATS_TEST_TMPDIR/stall.out"
        [ "$st" = 125 ]
        grep -q "no data from $H for 2 s" "$BATS_TEST_TMPDIR/stall.out"
        grep -q "blob sha256:" "$BATS_TEST_TMPDIR/stall.out"
        with_config ""
}

@test "auth: bearer and basic with login/logout; a wrong password fails clearly" {
        fresh
        refused private/busybox "authentication required"
        refused basic/busybox "roost login $H"
        run sh -c "echo wrong | roost login -u roost --password-stdin $H"
        assert_status 125
        assert_output_contains "login to $H failed"
        assert_output_contains "refused"
        [ ! -e "$XDG_RUNTIME_DIR/containers/auth.json" ] || ! grep -q "$H" "$XDG_RUNTIME_DIR/containers/auth.json"
        run sh -c "echo s3cret | roost login -u roost --password-stdin $H"
        assert_status 0
        [ "$output" = "Login Succeeded" ]
        jq -e --arg h "$H" '.auths[$h].auth == "cm9vc3Q6czNjcmV0"' "$XDG_RUNTIME_DIR/containers/auth.json"
        [ "$(stat -c %a "$XDG_RUNTIME_DIR/containers/auth.json")" = 600 ]
        run roost pull "$H/private/busybox"
        assert_status 0
        run roost pull "$H/basic/busybox"
        assert_status 0
        run roost logout "$H"
        assert_status 0
        assert_output_contains "Removing login credentials for $H"
        roost rmi -f "$H/private/busybox" "$H/basic/busybox" >/dev/null
        refused basic/busybox "roost login $H"
        # docker's config.json is read too
        mkdir -p "$HOME/.docker"
        printf '{"auths":{"%s":{"auth":"cm9vc3Q6czNjcmV0"}}}\n' "$H" >"$HOME/.docker/config.json"
        run roost pull "$H/basic/busybox"
        rm -rf "$HOME/.docker"
        assert_status 0
        run roost login -u roost -p x
        assert_status 125
}

@test "image verifier plugins: allow, block with the reason, time out" {
        fresh
        mkdir -p "$CONF/image-verifiers"
        cat >"$CONF/image-verifiers/10-allow" <<EOS
#!/bin/sh
echo "\$@" >>"$BATS_TEST_TMPDIR/verifier-args"
cat >>"$BATS_TEST_TMPDIR/verifier-stdin"
echo allowed
exit 0
EOS
        chmod +x "$CONF/image-verifiers/10-allow"
        run roost pull "$REG/roost-test/busybox:latest"
        assert_status 0
        grep -q -- "-name $REG/roost-test/busybox:latest -digest sha256:" "$BATS_TEST_TMPDIR/verifier-args"
        grep -q -- "-stdin-media-type application/vnd.oci.descriptor.v1+json" "$BATS_TEST_TMPDIR/verifier-args"
        jq -e '.mediaType and .digest and .size' "$BATS_TEST_TMPDIR/verifier-stdin"
        printf '#!/bin/sh\ncat >/dev/null\necho "not signed by ACME"\necho second line\nexit 3\n' >"$CONF/image-verifiers/20-block"
        chmod +x "$CONF/image-verifiers/20-block"
        run roost pull "$REG/roost-test/net:latest"
        assert_status 125
        assert_output_contains "image verifier 20-block blocked the image"
        assert_output_contains "not signed by ACME"
        [[ "$output" != *"second line"* ]]
        run roost images "$REG/roost-test/net"
        [ "${#lines[@]}" = 1 ]
        rm "$CONF/image-verifiers/20-block"
        printf '#!/bin/sh\nsleep 30\n' >"$CONF/image-verifiers/30-slow"
        chmod +x "$CONF/image-verifiers/30-slow"
        printf '[ImageVerifiers]\nTimeout=1\n' >"$CONF/roost.conf"
        systemctl --user restart roostd
        run timeout 20 roost pull "$REG/roost-test/net:latest"
        assert_status 125
        assert_output_contains "image verifier 30-slow did not answer within 1 s"
        rm -rf "$CONF/image-verifiers" "$CONF/roost.conf"
        systemctl --user restart roostd
}

@test "roostd killed mid-pull: no image, no partial data, no leaked space after restart" {
        fresh
        with_config '[Registry]\nTimeout=60\n'
        roost pull "$H/stall" >"$BATS_TEST_TMPDIR/out" 2>&1 &
        pid=$!
        for i in $(seq 1 100); do [ -n "$(ls -A "$DATA/ingest")" ] && break; sleep 0.1; done
        [ -n "$(ls -A "$DATA/ingest")" ]
        systemctl --user kill -s KILL roostd
        # the client notices and says so
        wait "$pid" && st=0 || st=$?
        cat "$BATS_TEST_TMPDIR/out"
        [ "$st" = 125 ]
        grep -q "roostd stopped while pulling $H/stall:latest" "$BATS_TEST_TMPDIR/out"
        with_config ""
        roost info >/dev/null
        assert_nothing_left
}

@test "concurrent pulls of one image fetch each blob once" {
        fresh
        n0=$(wc -l <"$HLOG")
        roost pull -q "$H/ok" >"$BATS_TEST_TMPDIR/a" 2>&1 &
        a=$!
        roost pull -q "$H/ok" >"$BATS_TEST_TMPDIR/b" 2>&1 &
        b=$!
        wait "$a"
        wait "$b"
        [ "$(cat "$BATS_TEST_TMPDIR/a")" = "$(cat "$BATS_TEST_TMPDIR/b")" ]
        tail -n +"$((n0 + 1))" "$HLOG" | grep '^GET /v2/ok/blobs/' | sort | uniq -c >"$BATS_TEST_TMPDIR/counts"
        cat "$BATS_TEST_TMPDIR/counts"
        [ "$(wc -l <"$BATS_TEST_TMPDIR/counts")" -ge 2 ]
        ! awk '$1 != 1' "$BATS_TEST_TMPDIR/counts" | grep -q .
}

@test "mirrors are tried first; one that fails is skipped" {
        fresh
        # 127.0.0.9:9 serves nothing: its mirror (the fixture registry) must
        with_config "[Registry 127.0.0.9:9]\nMirrors=127.0.0.1:1 $REG\n"
        run roost pull -q "127.0.0.9:9/roost-test/busybox:latest"
        assert_status 0
        run roost images
        assert_output_contains "127.0.0.9:9/roost-test/busybox"
        with_config ""
}

# a TLS registry of the test's own on 127.0.0.1, with a CA of its own
TLS_PID=
TLS_CERTS_D=
teardown() {
        if [ -n "$TLS_PID" ]; then
                kill "$TLS_PID" 2>/dev/null || true
                wait "$TLS_PID" 2>/dev/null || true
                TLS_PID=
        fi
        if [ -n "$TLS_CERTS_D" ]; then
                rm -rf "$TLS_CERTS_D"
                TLS_CERTS_D=
        fi
}

@test "HTTPS: an unknown CA is refused with where to put it; certs.d makes the pull work" {
        fresh
        t=$BATS_TEST_TMPDIR
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=roost test CA" \
                -keyout "$t/ca.key" -out "$t/ca.crt" 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$t/srv.key" -out "$t/srv.csr" 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1\n' >"$t/ext"
        openssl x509 -req -in "$t/srv.csr" -CA "$t/ca.crt" -CAkey "$t/ca.key" -CAcreateserial -days 2 \
                -extfile "$t/ext" -out "$t/srv.crt" 2>/dev/null
        port=$(free_port)
        printf '%s\n' "version: 0.1" "log:" "  level: error" "storage:" "  filesystem:" "    rootdirectory: $t/data" \
                "http:" "  addr: 127.0.0.1:$port" "  secret: roost-test-tls" "  tls:" "    certificate: $t/srv.crt" \
                "    key: $t/srv.key" >"$t/config.yml"
        /usr/bin/docker-registry serve "$t/config.yml" >"$t/registry.log" 2>&1 &
        TLS_PID=$!
        wait_for "curl -fsS --cacert '$t/ca.crt' https://127.0.0.1:$port/v2/" 10
        mkdir -p "$t/skopeo-certs" && cp "$t/ca.crt" "$t/skopeo-certs/"
        skopeo --insecure-policy copy -q --dest-cert-dir "$t/skopeo-certs" \
                "oci:$FIX/oci:busybox:latest" "docker://127.0.0.1:$port/tls/busybox:latest"
        # loopback registries are plain HTTP unless told otherwise
        with_config "[Registry 127.0.0.1:$port]\nInsecure=no\n"

        run roost pull -q "127.0.0.1:$port/tls/busybox:latest"
        assert_status 125
        assert_output_contains "cannot verify the TLS certificate of 127.0.0.1:$port"
        assert_output_contains "containers/certs.d/127.0.0.1:$port/ca.crt"
        run roost images -q
        [ -z "$output" ]

        TLS_CERTS_D=${XDG_CONFIG_HOME:-$HOME/.config}/containers/certs.d/127.0.0.1:$port
        mkdir -p "$TLS_CERTS_D"
        cp "$t/ca.crt" "$TLS_CERTS_D/ca.crt"
        run roost pull -q "127.0.0.1:$port/tls/busybox:latest"
        assert_status 0
        run roost run --rm "127.0.0.1:$port/tls/busybox:latest" echo over https
        assert_status 0
        [ "$output" = "over https" ]

        # the same registry asking for a client certificate of that CA
        kill "$TLS_PID"; wait "$TLS_PID" 2>/dev/null || true
        printf '%s\n' "    clientcas:" "      - $t/ca.crt" >>"$t/config.yml"
        /usr/bin/docker-registry serve "$t/config.yml" >>"$t/registry.log" 2>&1 &
        TLS_PID=$!
        openssl req -newkey rsa:2048 -nodes -subj "/CN=roost client" -keyout "$t/cl.key" -out "$t/cl.csr" 2>/dev/null
        openssl x509 -req -in "$t/cl.csr" -CA "$t/ca.crt" -CAkey "$t/ca.key" -CAcreateserial -days 2 -out "$t/cl.crt" 2>/dev/null
        wait_for "curl -fsS --cacert '$t/ca.crt' --cert '$t/cl.crt' --key '$t/cl.key' https://127.0.0.1:$port/v2/" 10
        roost rmi "127.0.0.1:$port/tls/busybox:latest" >/dev/null
        run roost pull -q "127.0.0.1:$port/tls/busybox:latest"
        assert_status 125
        cp "$t/cl.crt" "$TLS_CERTS_D/client.cert"
        cp "$t/cl.key" "$TLS_CERTS_D/client.key"
        run roost pull -q "127.0.0.1:$port/tls/busybox:latest"
        assert_status 0
        with_config ""
        roost_reset
}

@test "the copy driver: layers applied in full trees, whiteouts deleted" {
        fresh
        with_config '[Storage]\nDriver=copy\n'
        run roost info
        assert_output_contains "Storage Driver: copy"
        run roost pull -q "$REG/roost-test/layers:latest"
        assert_status 0
        top=$(roost image inspect --format '{{.GraphDriver.Data.LowerDir}}' "$REG/roost-test/layers" | cut -d: -f1)
        bad=0
        while read -r verb path text; do
                case $verb in
                exists) [ -e "$top$path" ] || [ -L "$top$path" ] || { echo "missing $path"; bad=1; } ;;
                absent) if [ -e "$top$path" ] || [ -L "$top$path" ]; then echo "present $path"; bad=1; fi ;;
                content) [ "$(cat "$top$path")" = "$text" ] || { echo "content $path"; bad=1; } ;;
                esac
        done < <(grep -v '^#' "$FIX/layers.expected")
        [ "$bad" = 0 ]
        with_config ""
        roost_reset
}

@test "--help for every image command" {
        for c in pull images rmi tag save load import login logout history "image history" "image ls" "image inspect" "image rm" "image prune" "image tag" "image save" "image load" "image import" "image pull"; do
                run roost $c --help
                assert_status 0
                assert_output_contains "Usage:  roost"
        done
        run roost image
        assert_output_contains "Manage images"
        run roost images --bogus
        assert_status 125
        assert_output_contains "unknown flag: --bogus"
}

@test "transfers run in roost-http, which exits 30 s after the last; roostd never loads libcurl" {
        roost info >/dev/null
        pid=$(systemctl --user show -p MainPID --value roostd)
        roost rmi -f "$REG/roost-test/busybox:zstd" >/dev/null 2>&1 || true
        roost pull -q "$REG/roost-test/busybox:zstd" >/dev/null
        [ -z "$(grep libcurl "/proc/$pid/maps")" ]
        helper=$(pgrep -P "$pid" -x roost-http)
        [ -n "$helper" ]
        grep -q libcurl "/proc/$helper/maps"
        # it exits and roostd reaps it (pgrep lists zombies too)
        wait_for "[ -z \"\$(pgrep -P $pid -x roost-http)\" ]" 45
        roost rmi "$REG/roost-test/busybox:zstd" >/dev/null
        run roost pull -q "$REG/roost-test/busybox:zstd"
        assert_status 0
        [ -n "$(pgrep -P "$pid" -x roost-http)" ]
        [ -z "$(grep libcurl "/proc/$pid/maps")" ]
        [ "$(systemctl --user show -p MainPID --value roostd)" = "$pid" ]
}
