#!/usr/bin/env bats
# Self-test of the registry test harness (tests/harness/registry, fixtures,
# hostile): every fixture is served with the media types, layers and
# platforms it promises, and every hostile repository misbehaves exactly as
# hostile-registry.py documents.
#
# Runs as root or as an unprivileged user; only reads the registries over
# HTTP on 127.0.0.1. Addresses: ROOST_TEST_REGISTRY and ROOST_TEST_HOSTILE
# (127.0.0.1:PORT), else /run/roost-test/registry.port and hostile.port.
# Before: sudo tests/harness/registry up && sudo tests/harness/fixtures build &&
#         tests/harness/fixtures push && sudo tests/harness/hostile up
#
# Needs: bats, skopeo, curl, jq, python3, zstd, gzip

bats_require_minimum_version 1.5.0

RUN_DIR=${ROOST_TEST_RUN_DIR:-/run/roost-test}

MT_MANIFEST=application/vnd.oci.image.manifest.v1+json
MT_INDEX=application/vnd.oci.image.index.v1+json
MT_GZIP=application/vnd.oci.image.layer.v1.tar+gzip
MT_ZSTD=application/vnd.oci.image.layer.v1.tar+zstd
MT_TAR=application/vnd.oci.image.layer.v1.tar
MT_D_MANIFEST=application/vnd.docker.distribution.manifest.v2+json
MT_D_LIST=application/vnd.docker.distribution.manifest.list.v2+json
MT_D_GZIP=application/vnd.docker.image.rootfs.diff.tar.gzip
MT_SCHEMA1=application/vnd.docker.distribution.manifest.v1+prettyjws

setup_file() {
	local t
	for t in skopeo curl jq python3 zstd gzip; do
		command -v "$t" >/dev/null || {
			echo "# $t not installed: apt-get install $t" >&3
			return 1
		}
	done
	if [ -z "${ROOST_TEST_REGISTRY:-}" ]; then
		[ -r "$RUN_DIR/registry.port" ] || {
			echo "# no registry: set ROOST_TEST_REGISTRY or run 'sudo tests/harness/registry up'" >&3
			return 1
		}
		ROOST_TEST_REGISTRY=127.0.0.1:$(cat "$RUN_DIR/registry.port")
	fi
	if [ -z "${ROOST_TEST_HOSTILE:-}" ]; then
		[ -r "$RUN_DIR/hostile.port" ] || {
			echo "# no hostile registry: set ROOST_TEST_HOSTILE or run 'sudo tests/harness/hostile up'" >&3
			return 1
		}
		ROOST_TEST_HOSTILE=127.0.0.1:$(cat "$RUN_DIR/hostile.port")
	fi
	export ROOST_TEST_REGISTRY ROOST_TEST_HOSTILE
}

setup() {
	REG=$ROOST_TEST_REGISTRY
	H=$ROOST_TEST_HOSTILE
	T=$BATS_TEST_TMPDIR
}

fail() {
	printf '%s\n' "$@" >&2
	return 1
}

# expect WHAT GOT WANT
expect() {
	[ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
}

# --- helpers for the real registry ---------------------------------------------

raw() { skopeo inspect --tls-verify=false --raw "docker://$REG/roost-test/$1"; }
config() { skopeo inspect --tls-verify=false --config --raw "docker://$REG/roost-test/$1"; }
# blob NAME DIGEST FILE: fetch a blob of roost-test/NAME, check its digest.
blob() {
	curl -fsS -o "$3" "http://$REG/v2/roost-test/$1/blobs/$2" || fail "cannot fetch blob $2 of $1"
	expect "digest of blob of $1" "sha256:$(sha256sum <"$3" | cut -d' ' -f1)" "$2"
}
sha() { echo "sha256:$(sha256sum | cut -d' ' -f1)"; }

# tarlist FILE: one line per entry, "TYPE NAME[ -> LINK]" (tarfile types:
# 0 file, 1 hardlink, 2 symlink, 3 char, 4 block, 5 dir, 6 fifo), in order.
tarlist() {
	python3 -c '
import sys, tarfile
for m in tarfile.open(sys.argv[1]):
    print(m.type.decode(), m.name + (" -> " + m.linkname if m.linkname else ""))' "$1"
}

# tarcat FILE NAME: a member's content.
tarcat() {
	python3 -c '
import sys, tarfile
sys.stdout.buffer.write(tarfile.open(sys.argv[1]).extractfile(sys.argv[2]).read())' "$1" "$2"
}

# --- the real registry ---------------------------------------------------------------

@test "registry: /v2/ answers 200 with the distribution API header" {
	run -0 curl -fsS -D - -o /dev/null "http://$REG/v2/"
	[[ "$output" == *"Docker-Distribution-Api-Version: registry/2.0"* ]] || fail "no API version header: $output"
}

@test "busybox:gzip is an OCI manifest with one gzip layer, amd64, Cmd sh" {
	run -0 raw busybox:gzip
	expect mediaType "$(jq -r .mediaType <<<"$output")" "$MT_MANIFEST"
	expect layers "$(jq -r '[.layers[].mediaType] | join(" ")' <<<"$output")" "$MT_GZIP"
	run -0 config busybox:gzip
	expect platform "$(jq -r '"\(.os)/\(.architecture)"' <<<"$output")" linux/amd64
	expect Cmd "$(jq -c .config.Cmd <<<"$output")" '["sh"]'
	[[ "$(jq -r '.config.Env[]' <<<"$output")" == PATH=*/bin* ]] || fail "no PATH in Env: $output"
}

@test "busybox:latest is the same manifest as busybox:gzip" {
	expect digest "$(raw busybox:latest | sha)" "$(raw busybox:gzip | sha)"
}

@test "busybox:gzip's layer unpacks to busybox, applets, passwd, /tmp 1777" {
	local m diff
	m=$(raw busybox:gzip)
	blob busybox "$(jq -r '.layers[0].digest' <<<"$m")" "$T/l.gz"
	diff=$(config busybox:gzip | jq -r '.rootfs.diff_ids[0]')
	expect diff_id "$(gzip -dc "$T/l.gz" | sha)" "$diff"
	gzip -dc "$T/l.gz" >"$T/l.tar"
	run -0 tarlist "$T/l.tar"
	local want
	for want in "0 bin/busybox" "2 bin/sh -> /bin/busybox" "2 bin/ls -> /bin/busybox" "0 etc/passwd" "0 etc/group" "5 tmp"; do
		grep -qxF "$want" <<<"$output" || fail "busybox layer lacks '$want'"
	done
	run -0 tarcat "$T/l.tar" etc/passwd
	[[ "$output" == *"app:x:1000:1000:"* ]] || fail "no user app in /etc/passwd: $output"
	run -0 python3 -c 'import sys,tarfile; t=tarfile.open(sys.argv[1]); print(oct(t.getmember("tmp").mode), t.getmember("home/app").uid)' "$T/l.tar"
	expect "/tmp mode, /home/app owner" "$output" "0o1777 1000"
}

@test "busybox:zstd has a zstd layer with the same diff_id as gzip" {
	local m d
	m=$(raw busybox:zstd)
	expect layers "$(jq -r '[.layers[].mediaType] | join(" ")' <<<"$m")" "$MT_ZSTD"
	d=$(jq -r '.layers[0].digest' <<<"$m")
	blob busybox "$d" "$T/l.zst"
	expect "zstd magic" "$(head -c4 "$T/l.zst" | od -An -tx1 | tr -d ' ')" 28b52ffd
	expect diff_id "$(zstd -qdc "$T/l.zst" | sha)" "$(config busybox:zstd | jq -r '.rootfs.diff_ids[0]')"
	expect "diff_id vs gzip" "$(config busybox:zstd | jq -r '.rootfs.diff_ids[0]')" "$(config busybox:gzip | jq -r '.rootfs.diff_ids[0]')"
}

@test "busybox:uncompressed has a plain tar layer whose digest is its diff_id" {
	local m
	m=$(raw busybox:uncompressed)
	expect layers "$(jq -r '[.layers[].mediaType] | join(" ")' <<<"$m")" "$MT_TAR"
	expect "digest = diff_id" "$(jq -r '.layers[0].digest' <<<"$m")" "$(config busybox:uncompressed | jq -r '.rootfs.diff_ids[0]')"
}

@test "layers:latest has 3 layers; layer 3 holds the whiteouts and opaque marker" {
	local m
	m=$(raw layers:latest)
	expect "layer count" "$(jq '.layers | length' <<<"$m")" 3
	expect diff_ids "$(config layers:latest | jq '.rootfs.diff_ids | length')" 3
	blob layers "$(jq -r '.layers[1].digest' <<<"$m")" "$T/l2.gz"
	gzip -dc "$T/l2.gz" >"$T/l2.tar"
	run -0 tarlist "$T/l2.tar"
	for want in "0 data/a" "0 data/b" "0 data/dir/x" "0 data/dir/sub/z" "0 etc/removed-me"; do
		grep -qxF "$want" <<<"$output" || fail "layer 2 lacks '$want'"
	done
	blob layers "$(jq -r '.layers[2].digest' <<<"$m")" "$T/l3.gz"
	gzip -dc "$T/l3.gz" >"$T/l3.tar"
	run -0 tarlist "$T/l3.tar"
	expect "layer 3 entries" "$(grep -v '^5 ' <<<"$output" | tr '\n' ,)" \
		"0 data/.wh.a,0 data/dir/y,0 data/dir/.wh..wh..opq,0 etc/.wh.removed-me,"
}

@test "multiarch:latest is an OCI index of linux/amd64 and linux/arm64" {
	local m
	m=$(raw multiarch:latest)
	expect mediaType "$(jq -r .mediaType <<<"$m")" "$MT_INDEX"
	expect platforms "$(jq -r '[.manifests[].platform | "\(.os)/\(.architecture)"] | sort | join(" ")' <<<"$m")" \
		"linux/amd64 linux/arm64"
	expect "child media types" "$(jq -r '[.manifests[].mediaType] | unique | join(" ")' <<<"$m")" "$MT_MANIFEST"
	run -0 skopeo inspect --tls-verify=false --override-arch arm64 --override-variant v8 --config --raw \
		"docker://$REG/roost-test/multiarch:latest"
	expect "arm64 config arch" "$(jq -r .architecture <<<"$output")" arm64
	run -0 skopeo inspect --tls-verify=false --override-arch amd64 --config --raw "docker://$REG/roost-test/multiarch:latest"
	expect "amd64 config arch" "$(jq -r .architecture <<<"$output")" amd64
}

@test "multiarch: each platform's /etc/roost-arch names its architecture" {
	local m arch d l
	m=$(raw multiarch:latest)
	for arch in amd64 arm64; do
		d=$(jq -r --arg a "$arch" '.manifests[] | select(.platform.architecture == $a) | .digest' <<<"$m")
		l=$(raw "multiarch@$d" | jq -r '.layers[-1].digest')
		blob multiarch "$l" "$T/$arch.gz"
		gzip -dc "$T/$arch.gz" >"$T/$arch.tar"
		expect "/etc/roost-arch of $arch" "$(tarcat "$T/$arch.tar" etc/roost-arch)" "$arch"
	done
}

@test "docker-schema2:latest is served as Docker v2 schema 2" {
	local m
	m=$(raw docker-schema2:latest)
	expect mediaType "$(jq -r .mediaType <<<"$m")" "$MT_D_MANIFEST"
	expect layers "$(jq -r '[.layers[].mediaType] | join(" ")' <<<"$m")" "$MT_D_GZIP"
	run -0 curl -fsS -o /dev/null -D - -H "Accept: $MT_D_MANIFEST" "http://$REG/v2/roost-test/docker-schema2/manifests/latest"
	[[ "$output" == *"Content-Type: $MT_D_MANIFEST"* ]] || fail "Content-Type not v2s2: $output"
}

@test "docker-list:latest is a Docker manifest list of two v2s2 manifests" {
	local m
	m=$(raw docker-list:latest)
	expect mediaType "$(jq -r .mediaType <<<"$m")" "$MT_D_LIST"
	expect platforms "$(jq -r '[.manifests[].platform | "\(.os)/\(.architecture)"] | sort | join(" ")' <<<"$m")" \
		"linux/amd64 linux/arm64"
	expect "child media types" "$(jq -r '[.manifests[].mediaType] | unique | join(" ")' <<<"$m")" "$MT_D_MANIFEST"
	run -0 curl -fsS -o /dev/null -D - -H "Accept: $MT_D_LIST" "http://$REG/v2/roost-test/docker-list/manifests/latest"
	[[ "$output" == *"Content-Type: $MT_D_LIST"* ]] || fail "Content-Type not a manifest list: $output"
}

@test "big:latest has 5 gzip layers, ~150 MiB uncompressed; big:zstd the same in zstd" {
	local m z total
	m=$(raw big:latest)
	z=$(raw big:zstd)
	expect "gzip layers" "$(jq -r '([.layers[].mediaType] | unique | join(" ")) + " \(.layers | length)"' <<<"$m")" "$MT_GZIP 5"
	expect "zstd layers" "$(jq -r '([.layers[].mediaType] | unique | join(" ")) + " \(.layers | length)"' <<<"$z")" "$MT_ZSTD 5"
	expect "same config" "$(jq -r .config.digest <<<"$z")" "$(jq -r .config.digest <<<"$m")"
	total=0
	local d i=0
	for d in $(jq -r '.layers[].digest' <<<"$m"); do
		blob big "$d" "$T/b.gz"
		total=$((total + $(gzip -dc "$T/b.gz" | wc -c)))
		i=$((i + 1))
	done
	[ "$total" -ge $((140 << 20)) ] && [ "$total" -le $((160 << 20)) ] ||
		fail "big is $((total >> 20)) MiB uncompressed, expected about 150"
}

@test "net:latest carries iperf3, its loader and /www/index.html" {
	local m
	m=$(raw net:latest)
	expect "layer count" "$(jq '.layers | length' <<<"$m")" 2
	run -0 config net:latest
	expect ExposedPorts "$(jq -c '.config.ExposedPorts | keys' <<<"$output")" '["5201/tcp","80/tcp"]'
	blob net "$(jq -r '.layers[1].digest' <<<"$m")" "$T/n.gz"
	gzip -dc "$T/n.gz" >"$T/n.tar"
	run -0 tarlist "$T/n.tar"
	for want in "0 usr/bin/iperf3" "0 lib64/ld-linux-x86-64.so.2" "0 www/index.html"; do
		grep -qxF "$want" <<<"$output" || fail "net layer lacks '$want'"
	done
	grep -q '^0 lib/x86_64-linux-gnu/libiperf.so' <<<"$output" || fail "net layer lacks libiperf"
	expect index.html "$(tarcat "$T/n.tar" www/index.html)" "hello from roost"
}

# --- the hostile registry ------------------------------------------------------------

# hdr ARGS...: response headers of a request (CR stripped), body discarded.
hdr() { curl -sS -o /dev/null -D - "$@" | tr -d '\r'; }
code() { curl -sS -o /dev/null -w '%{http_code}' "$@"; }
token() { # token SCOPE [curl args]: print the token, or fail
	local scope=$1
	shift
	curl -fsS "$@" "http://$H/token?service=roost-hostile&scope=$scope" | jq -er .token
}
hlog() { cat "$RUN_DIR/hostile.log"; }
need_log() {
	[ -r "$RUN_DIR/hostile.log" ] || skip "request log $RUN_DIR/hostile.log not readable (hostile registry started elsewhere?)"
}
hmanifest() { curl -fsS "http://$H/v2/$1/manifests/latest"; }

@test "hostile: /v2/ demands a bearer token like Docker Hub" {
	run -0 hdr "http://$H/v2/"
	[[ "$output" == "HTTP/1.1 401"* ]] || fail "expected 401: $output"
	grep -qxF "WWW-Authenticate: Bearer realm=\"http://$H/token\",service=\"roost-hostile\"" <<<"$output" ||
		fail "no Bearer challenge: $output"
}

@test "hostile: token endpoint: right password gives a token, wrong one 401" {
	run -0 curl -fsS -u roost:s3cret "http://$H/token?service=roost-hostile&scope=repository:private/busybox:pull"
	expect expires_in "$(jq -r .expires_in <<<"$output")" 300
	local tok
	tok=$(jq -r .token <<<"$output")
	[ ${#tok} -ge 16 ] || fail "short token: $output"
	expect access_token "$(jq -r .access_token <<<"$output")" "$tok"
	expect "/v2/ with token" "$(code -H "Authorization: Bearer $tok" "http://$H/v2/")" 200
	expect "wrong password" "$(code -u roost:wrong "http://$H/token?service=roost-hostile&scope=repository:private/busybox:pull")" 401
	expect "anonymous, private scope" "$(code "http://$H/token?service=roost-hostile&scope=repository:private/busybox:pull")" 401
	expect "anonymous, public scope" "$(code "http://$H/token?service=roost-hostile&scope=repository:ok:pull")" 200
	expect "/v2/ with a made-up token" "$(code -H "Authorization: Bearer nonsense" "http://$H/v2/")" 401
}

@test "hostile: private/busybox needs a bearer token with its scope" {
	run -0 hdr "http://$H/v2/private/busybox/manifests/latest"
	[[ "$output" == "HTTP/1.1 401"* ]] || fail "expected 401: $output"
	grep -qxF "WWW-Authenticate: Bearer realm=\"http://$H/token\",service=\"roost-hostile\",scope=\"repository:private/busybox:pull\"" <<<"$output" ||
		fail "wrong challenge: $output"
	local anon tok
	anon=$(token repository:ok:pull)
	expect "token for another scope" "$(code -H "Authorization: Bearer $anon" "http://$H/v2/private/busybox/manifests/latest")" 401
	tok=$(token repository:private/busybox:pull -u roost:s3cret)
	curl -fsS -D "$T/h" -o "$T/m" -H "Authorization: Bearer $tok" "http://$H/v2/private/busybox/manifests/latest"
	tr -d '\r' <"$T/h" >"$T/hh"
	grep -qxF "Content-Type: $MT_MANIFEST" "$T/hh" || fail "content type: $(cat "$T/hh")"
	grep -qxF "Docker-Content-Digest: $(sha <"$T/m")" "$T/hh" || fail "digest header: $(cat "$T/hh")"
	grep -qxF "Content-Length: $(wc -c <"$T/m")" "$T/hh" || fail "length header: $(cat "$T/hh")"
	local d
	d=$(jq -r '.layers[0].digest' "$T/m")
	expect "blob without token" "$(code "http://$H/v2/private/busybox/blobs/$d")" 401
	curl -fsS -o "$T/b" -H "Authorization: Bearer $tok" "http://$H/v2/private/busybox/blobs/$d"
	expect "blob digest" "$(sha <"$T/b")" "$d"
}

@test "hostile: skopeo pulls private/busybox with credentials only" {
	run -0 skopeo inspect --tls-verify=false --creds roost:s3cret "docker://$H/private/busybox:latest"
	expect architecture "$(jq -r .Architecture <<<"$output")" amd64
	run ! skopeo inspect --tls-verify=false "docker://$H/private/busybox:latest"
	[[ "$output" == *"unauthorized"* ]] || fail "no auth error: $output"
	run ! skopeo inspect --tls-verify=false --creds roost:wrong "docker://$H/private/busybox:latest"
	[[ "$output" == *"unauthorized"* ]] || fail "no auth error: $output"
}

@test "hostile: basic/busybox wants HTTP Basic roost:s3cret" {
	run -0 hdr "http://$H/v2/basic/busybox/manifests/latest"
	[[ "$output" == "HTTP/1.1 401"* ]] || fail "expected 401: $output"
	grep -qxF 'WWW-Authenticate: Basic realm="roost-hostile"' <<<"$output" || fail "no Basic challenge: $output"
	expect "wrong password" "$(code -u roost:nope "http://$H/v2/basic/busybox/manifests/latest")" 401
	expect "right password" "$(code -u roost:s3cret "http://$H/v2/basic/busybox/manifests/latest")" 200
	local tok
	tok=$(token repository:basic/busybox:pull -u roost:s3cret)
	expect "a bearer token is not Basic" "$(code -H "Authorization: Bearer $tok" "http://$H/v2/basic/busybox/manifests/latest")" 401
}

@test "hostile: ok:latest is a valid image (anonymous token flow through skopeo)" {
	run -0 skopeo inspect --tls-verify=false "docker://$H/ok:latest"
	expect "layers" "$(jq '.Layers | length' <<<"$output")" 2
	run -0 skopeo inspect --tls-verify=false --config --raw "docker://$H/ok:latest"
	expect "diff_ids" "$(jq '.rootfs.diff_ids | length' <<<"$output")" 2
	local m d
	m=$(hmanifest ok)
	d=$(jq -r '.layers[1].digest' <<<"$m")
	curl -fsS -o "$T/l.gz" "http://$H/v2/ok/blobs/$d"
	gzip -dc "$T/l.gz" >"$T/l.tar"
	expect "marker" "$(tarcat "$T/l.tar" etc/roost-hostile-repo)" ok
}

@test "hostile: schema1 is served as a signed schema 1 manifest" {
	run -0 hdr "http://$H/v2/schema1/manifests/latest"
	grep -qxF "Content-Type: $MT_SCHEMA1" <<<"$output" || fail "content type: $output"
	run -0 hmanifest schema1
	expect schemaVersion "$(jq .schemaVersion <<<"$output")" 1
	expect signatures "$(jq '.signatures | length' <<<"$output")" 1
}

@test "hostile: corrupt-blob serves bytes that do not match the digest" {
	local m d
	m=$(hmanifest corrupt-blob)
	d=$(jq -r '.layers[0].digest' <<<"$m")
	curl -fsS -D "$T/h" -o "$T/b" "http://$H/v2/corrupt-blob/blobs/$d"
	grep -qF "Docker-Content-Digest: $d" "$T/h" || fail "the header should still claim $d"
	expect size "$(wc -c <"$T/b")" "$(jq -r '.layers[0].size' <<<"$m")"
	[ "$(sha <"$T/b")" != "$d" ] || fail "corrupt-blob's blob matches its digest"
}

@test "hostile: bad-diffid has a good blob but a wrong diff_id" {
	local m d cfg
	m=$(hmanifest bad-diffid)
	d=$(jq -r '.layers[0].digest' <<<"$m")
	curl -fsS -o "$T/b" "http://$H/v2/bad-diffid/blobs/$d"
	expect "blob digest" "$(sha <"$T/b")" "$d"
	cfg=$(curl -fsS "http://$H/v2/bad-diffid/blobs/$(jq -r .config.digest <<<"$m")")
	[ "$(gzip -dc "$T/b" | sha)" != "$(jq -r '.rootfs.diff_ids[0]' <<<"$cfg")" ] || fail "diff_id is right"
}

# hlayer REPO: the last layer of REPO, uncompressed, to $T/h.tar
hlayer() {
	local m d
	m=$(hmanifest "$1")
	d=$(jq -r '.layers[-1].digest' <<<"$m")
	curl -fsS -o "$T/h.gz" "http://$H/v2/$1/blobs/$d"
	expect "digest of $1's layer" "$(sha <"$T/h.gz")" "$d"
	gzip -dc "$T/h.gz" >"$T/h.tar"
}

@test "hostile: traversal's layer has ../ and absolute entries" {
	hlayer traversal
	run -0 tarlist "$T/h.tar"
	expect entries "$(tr '\n' ,<<<"$output")" \
		"0 hello.txt,0 ../../../../tmp/roost-escape-traversal,0 /tmp/roost-escape-abs,"
}

@test "hostile: symlink-escape writes through symlinks to /tmp" {
	hlayer symlink-escape
	run -0 tarlist "$T/h.tar"
	expect entries "$(tr '\n' ,<<<"$output")" \
		"2 evil -> /tmp,2 evil2 -> ../../../../tmp,0 evil/roost-escape-symlink,0 evil2/roost-escape-symlink2,"
}

@test "hostile: hardlink-escape links to host files" {
	hlayer hardlink-escape
	run -0 tarlist "$T/h.tar"
	expect entries "$(tr '\n' ,<<<"$output")" \
		"0 ok.txt,1 passwd-link -> ../../../../etc/passwd,1 shadow-link -> /etc/shadow,"
}

@test "hostile: devices has char and block devices and a fifo next to a file" {
	local m d
	m=$(hmanifest devices)
	d=$(jq -r '.layers[1].digest' <<<"$m")
	curl -fsS -o "$T/d.gz" "http://$H/v2/devices/blobs/$d"
	gzip -dc "$T/d.gz" >"$T/d.tar"
	run -0 tarlist "$T/d.tar"
	expect entries "$(tr '\n' ,<<<"$output")" \
		"5 devices,0 devices/README,3 devices/null,4 devices/loop,6 devices/fifo,"
}

@test "hostile: oversized-manifest is valid JSON over 4 MiB" {
	curl -fsS -D "$T/h" -o "$T/m" "http://$H/v2/oversized-manifest/manifests/latest"
	[ "$(wc -c <"$T/m")" -gt $((4 << 20)) ] || fail "only $(wc -c <"$T/m") bytes"
	grep -qiF "Content-Length: $(wc -c <"$T/m")" "$T/h" || fail "Content-Length: $(cat "$T/h")"
	grep -qiF "Docker-Content-Digest: $(sha <"$T/m")" "$T/h" || fail "digest header"
	expect mediaType "$(jq -r .mediaType "$T/m")" "$MT_MANIFEST"
}

@test "hostile: huge-json's config is 64 MiB of valid JSON" {
	local m d
	m=$(hmanifest huge-json)
	expect "config size" "$(jq .config.size <<<"$m")" $((64 << 20))
	d=$(jq -r .config.digest <<<"$m")
	run -0 hdr -I "http://$H/v2/huge-json/blobs/$d"
	grep -qxF "Content-Length: $((64 << 20))" <<<"$output" || fail "HEAD: $output"
	curl -fsS -o "$T/c" "http://$H/v2/huge-json/blobs/$d"
	expect digest "$(sha <"$T/c")" "$d"
	run -0 python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["architecture"], len(c["history"]) > 100000)' "$T/c"
	expect parsed "$output" "amd64 True"
}

@test "hostile: malformed's manifest is not JSON but its digest is right" {
	curl -fsS -D "$T/h" -o "$T/m" "http://$H/v2/malformed/manifests/latest"
	tr -d '\r' <"$T/h" >"$T/hh"
	grep -qxF "Content-Type: $MT_MANIFEST" "$T/hh" || fail "content type: $(cat "$T/hh")"
	grep -qxF "Docker-Content-Digest: $(sha <"$T/m")" "$T/hh" || fail "digest: $(cat "$T/hh")"
	run ! jq . "$T/m"
}

@test "hostile: unknown-mediatype says application/vnd.example.unknown+json" {
	run -0 hdr "http://$H/v2/unknown-mediatype/manifests/latest"
	grep -qxF "Content-Type: application/vnd.example.unknown+json" <<<"$output" || fail "content type: $output"
	expect mediaType "$(hmanifest unknown-mediatype | jq -r .mediaType)" application/vnd.example.unknown+json
}

@test "hostile: truncated closes the layer download halfway" {
	local m d size
	m=$(hmanifest truncated)
	d=$(jq -r '.layers[-1].digest' <<<"$m")
	size=$(jq -r '.layers[-1].size' <<<"$m")
	run -18 curl -sS --max-time 10 -o "$T/b" "http://$H/v2/truncated/blobs/$d"
	expect "bytes received" "$(wc -c <"$T/b")" $((size / 2))
	run -0 hdr -I "http://$H/v2/truncated/blobs/$d"
	grep -qxF "Content-Length: $size" <<<"$output" || fail "HEAD declares the full size: $output"
}

@test "hostile: stall sends 1 KiB then nothing, without blocking other clients" {
	local m d pid start rc=0
	m=$(hmanifest stall)
	d=$(jq -r '.layers[-1].digest' <<<"$m")
	curl -sS --max-time 3 -o "$T/b" "http://$H/v2/stall/blobs/$d" 2>/dev/null &
	pid=$!
	sleep 0.5
	start=$(date +%s%N)
	expect "other client meanwhile" "$(code --max-time 2 "http://$H/v2/ok/manifests/latest")" 200
	[ $(($(date +%s%N) - start)) -lt 1000000000 ] || fail "the other request took over 1s"
	wait "$pid" || rc=$?
	expect "curl's exit (28: timeout)" "$rc" 28
	expect "bytes before the stall" "$(wc -c <"$T/b")" 1024
}

@test "hostile: status-401/404/429/500 answer their status, with the right headers" {
	run -0 hdr "http://$H/v2/status-401/manifests/latest"
	[[ "$output" == "HTTP/1.1 401"* ]] || fail "$output"
	grep -qF 'scope="repository:status-401:pull"' <<<"$output" || fail "no challenge: $output"
	expect 404 "$(code "http://$H/v2/status-404/manifests/latest")" 404
	run -0 hdr "http://$H/v2/status-429/manifests/latest"
	[[ "$output" == "HTTP/1.1 429"* ]] || fail "$output"
	grep -qxF "Retry-After: 1" <<<"$output" || fail "no Retry-After: $output"
	expect 500 "$(code "http://$H/v2/status-500/manifests/latest")" 500
	expect "500 again" "$(code "http://$H/v2/status-500/manifests/latest")" 500
	expect "500 on blobs too" "$(code "http://$H/v2/status-500/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000")" 500
}

@test "hostile: every request lands in the request log" {
	need_log
	local tag=nosuchtag-$$-$RANDOM
	expect code "$(code "http://$H/v2/ok/manifests/$tag")" 404
	code "http://$H/v2/status-500/manifests/$tag" >/dev/null
	code "http://$H/v2/status-500/manifests/$tag" >/dev/null
	run -0 hlog
	grep -qxF "GET /v2/ok/manifests/$tag 404" <<<"$output" || fail "404 not logged"
	expect "500s logged" "$(grep -cxF "GET /v2/status-500/manifests/$tag 500" <<<"$output")" 2
}

@test "hostile: flaky-500 fails the first layer request, then serves it" {
	local m d
	run -0 curl -fsS -X POST "http://$H/_hostile/reset"
	m=$(hmanifest flaky-500)
	d=$(jq -r '.layers[-1].digest' <<<"$m")
	expect first "$(code "http://$H/v2/flaky-500/blobs/$d")" 500
	curl -fsS -o "$T/b" "http://$H/v2/flaky-500/blobs/$d"
	expect "second, digest" "$(sha <"$T/b")" "$d"
	expect third "$(code "http://$H/v2/flaky-500/blobs/$d")" 200
	if [ -r "$RUN_DIR/hostile.log" ]; then
		run -0 hlog
		expect "log" "$(grep -F "/v2/flaky-500/blobs/$d " <<<"$output" | tail -3 | awk '{print $3}' | tr '\n' ' ')" "500 200 200 "
	fi
}
