#!/usr/bin/env python3
"""hostile-registry.py: a small, deliberately hostile OCI registry for roost's tests.

Python 3 standard library only. Serves plain HTTP on 127.0.0.1 (normally
started and stopped by tests/harness/hostile) and speaks just enough of the OCI
distribution API for pulls:

    GET  /v2/                               ping (see "Authentication")
    GET|HEAD /v2/<name>/manifests/<ref>     <ref> = tag or digest
    GET|HEAD /v2/<name>/blobs/<digest>
    GET  /v2/<name>/tags/list
    GET  /token?service=roost-hostile&scope=repository:<name>:pull
    POST /_hostile/reset                    test control: re-arm flaky-500

Manifest responses carry Content-Type, Docker-Content-Digest (sha256 of the
body) and Content-Length; blob responses carry Content-Length and
Docker-Content-Digest (the digest asked for). Range headers are ignored: a
blob always comes whole, with 200. Every repository has the single tag
`latest`. Unknown names give 404 NAME_UNKNOWN, unknown tags 404
MANIFEST_UNKNOWN, unknown blobs 404 BLOB_UNKNOWN, as JSON error bodies.

Repository names never match the fixtures of the real registry: this one
holds only the repositories below, nothing can be pushed to it.

Every request is logged, one line each, "METHOD PATH STATUS" (PATH with its
query string), to the request log (/run/roost-test/hostile.log), so tests
can count fetches and retries, e.g.
    grep -c '^GET /v2/flaky-500/blobs/' /run/roost-test/hostile.log

Layers are built here at start-up (tarfile + gzip, deterministic), with
correct digests, sizes and diff_ids unless the repository is about a wrong
one. Runnable images use the busybox rootfs from the fixtures cache
(/var/cache/roost-test/fixtures/busybox-rootfs.tar, built by
`tests/harness/fixtures build`) as their first layer; without it they get a
tiny layer holding /hello and are not runnable. ok, private/busybox,
basic/busybox, devices, oversized-manifest, unknown-mediatype and huge-json
have a small layer with /etc/roost-hostile-repo holding the repository's
name. Faulty blobs (corrupt-blob, bad-diffid, truncated, stall, flaky-500)
are 256 KiB of incompressible data unique to their repository, so a blob
cached from another repository never hides the fault.

Authentication
--------------
`GET /v2/` behaves like Docker Hub: without credentials it answers 401 with
    WWW-Authenticate: Bearer realm="http://127.0.0.1:PORT/token",service="roost-hostile"
and 200 with a valid bearer token (any scope) or valid Basic credentials.
The token endpoint issues tokens (`{"token", "access_token", "expires_in":
300, "issued_at"}`), valid 300 s:
  - anonymously, for any scope except repository:private/*;
  - with HTTP Basic user `roost` password `s3cret`, for any scope;
  - wrong Basic credentials, or no credentials asking for private/*: 401.
Only private/busybox and basic/busybox check credentials on their manifest
and blob endpoints; every other repository serves anyone.

The repositories, and what a correct client does
-------------------------------------------------
ok:latest
    A small valid image (busybox base + /etc/roost-hostile-repo). Control
    case: pulls and runs.
private/busybox:latest
    Bearer-token protected. Without a valid token for
    repository:private/busybox:pull its endpoints answer 401 with
    WWW-Authenticate: Bearer realm="http://127.0.0.1:PORT/token",
    service="roost-hostile",scope="repository:private/busybox:pull".
    Client: follow the challenge, GET the realm with Basic roost:s3cret,
    retry with `Authorization: Bearer <token>`; with a wrong password, fail
    with an authentication error (no endless retries).
basic/busybox:latest
    Protected by HTTP Basic directly: 401 with WWW-Authenticate: Basic
    realm="roost-hostile" unless `Authorization: Basic` roost:s3cret. Note
    the /v2/ ping still offers Bearer: the client must act on the challenge
    of the 401 it got for the repository itself.
schema1:latest
    A signed Docker schema 1 manifest
    (application/vnd.docker.distribution.manifest.v1+prettyjws), whatever
    the Accept header. Client: refuse, saying schema 1 is unsupported.
corrupt-blob:latest
    The layer blob's bytes do not match its digest (one byte flipped, same
    length; the Docker-Content-Digest header still claims the digest).
    Client: verify while downloading, reject, store nothing.
bad-diffid:latest
    The layer blob is fine, but the config's rootfs.diff_ids[0] is not the
    sha256 of the uncompressed layer. Client: check diff_ids, reject.
traversal:latest
    Base layer, then a layer with entries ../../../../tmp/roost-escape-traversal
    and /tmp/roost-escape-abs (and a harmless /hello.txt). Client: never
    create anything outside the rootfs: reject the layer, or confine the
    names to the rootfs. The host's /tmp/roost-escape-* must never appear.
symlink-escape:latest
    Base layer, then a layer with symlinks evil -> /tmp and
    evil2 -> ../../../../tmp, followed by regular files
    evil/roost-escape-symlink and evil2/roost-escape-symlink2 that write
    through them. Client: resolve every path inside the rootfs (openat2
    RESOLVE_IN_ROOT) or reject; the host's /tmp/roost-escape-symlink* must
    never appear.
hardlink-escape:latest
    Base layer, then a layer with a file ok.txt and hard links
    passwd-link -> ../../../../etc/passwd and shadow-link -> /etc/shadow.
    Client: never link to a file outside the rootfs: reject, or resolve the
    targets inside the rootfs (where they do not exist, so reject).
devices:latest
    Base layer, then a layer with devices/README (a normal file),
    devices/null (char device 1,3), devices/loop (block device 7,0) and
    devices/fifo (a FIFO). Client: skip the device nodes with a warning
    (they cannot be created rootless), create the FIFO and the file; the
    image runs.
oversized-manifest:latest
    A valid OCI manifest of about 5 MiB (padded with a huge annotation).
    Client: refuse manifests over 4 MiB without reading them unbounded.
huge-json:latest
    A valid manifest whose config blob is 64 MiB (exactly 67108864 bytes) of
    valid JSON. Client: refuse configs over its limit, reading bounded.
malformed:latest
    The manifest body is not valid JSON (Docker-Content-Digest is the
    correct digest of those bytes). Client: fail with a parse error naming
    the image, no crash.
unknown-mediatype:latest
    Content-Type and mediaType application/vnd.example.unknown+json.
    Client: refuse, naming the media type.
truncated:latest
    The layer blob response declares the full Content-Length, sends half,
    and closes the connection, on every request. Client: detect the short
    body, retry a bounded number of times, fail, keep no partial blob.
stall:latest
    The layer blob response sends its headers and 1 KiB, then sends nothing
    more until the client disconnects (or --stall-seconds, default 3600,
    pass). Client: time out, fail (or retry, bounded). Other clients are
    served meanwhile (threaded server).
status-401:latest, status-404:latest, status-429:latest, status-500:latest
    Every manifest and blob request answers that status, always, with a
    JSON error body. status-401 adds WWW-Authenticate: Bearer ... scope=
    "repository:status-401:pull" (a fresh token changes nothing: the client
    must give up after one re-authentication); status-429 adds
    Retry-After: 1 (honour it, bounded retries); status-500: retry with
    backoff a bounded number of times (visible in the request log), fail.
flaky-500:latest
    A valid image whose layer blob answers 500 to the first request (GET or
    HEAD) and normally afterwards. Client: retry with backoff and succeed.
    POST /_hostile/reset (or `tests/harness/hostile reset`) re-arms it.
"""

import argparse
import base64
import gzip
import hashlib
import io
import json
import os
import random
import re
import secrets
import select
import signal
import socket
import sys
import tarfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

USER = "roost"
PASSWORD = "s3cret"
SERVICE = "roost-hostile"
BASIC_REALM = "roost-hostile"
TOKEN_TTL = 300
MAX_MANIFEST = 4 << 20  # what clients are expected to accept at most

MT_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_OCI_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
MT_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+prettyjws"
MT_UNKNOWN = "application/vnd.example.unknown+json"
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
EPOCH = 1700000000
CREATED = "2023-11-14T22:13:20Z"


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def jbytes(obj):
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


def tar_layer(entries):
    """entries: list of (TarInfo fields dict, data bytes or None) -> tar bytes."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for fields, data in entries:
            ti = tarfile.TarInfo(fields.pop("name"))
            ti.mtime = EPOCH
            ti.mode = 0o644
            ti.uid = ti.gid = 0
            for k, v in fields.items():
                setattr(ti, k, v)
            if data is not None:
                ti.size = len(data)
                tf.addfile(ti, io.BytesIO(data))
            else:
                tf.addfile(ti)
    return buf.getvalue()


def reg(name, data, mode=0o644):
    return ({"name": name, "type": tarfile.REGTYPE, "mode": mode}, data)


def directory(name, mode=0o755):
    return ({"name": name, "type": tarfile.DIRTYPE, "mode": mode}, None)


def noise(seed, size):
    return random.Random(seed).randbytes(size)


class Repo:
    """One repository: manifests by tag and digest, blobs, behaviour."""

    def __init__(self, name, auth=None):
        self.name = name
        self.auth = auth  # None, "bearer" or "basic"
        self.manifests = {}  # ref -> (media type, bytes)
        self.blobs = {}  # digest -> bytes
        self.status = None  # fixed status for every manifest/blob request
        self.fault_blob = None  # digest of the blob that misbehaves
        self.fault = None  # "truncate", "stall", "flaky"

    def add_blob(self, data):
        d = sha256(data)
        self.blobs[d] = data
        return d

    def add_manifest(self, media_type, body, tag="latest"):
        d = sha256(body)
        self.manifests[tag] = (media_type, body)
        self.manifests[d] = (media_type, body)
        return d


class Registry:
    def __init__(self, busybox_rootfs):
        self.repos = {}
        self.tokens = {}  # token -> (scopes, expiry)
        self.lock = threading.Lock()
        self.flaky_armed = True
        self.base_tar = None
        if busybox_rootfs and os.path.isfile(busybox_rootfs):
            with open(busybox_rootfs, "rb") as f:
                self.base_tar = f.read()
            self.base_cmd = ["sh"]
        else:
            self.base_tar = tar_layer([reg("hello", b"hello from the hostile registry\n", 0o755)])
            self.base_cmd = ["/hello"]
        self.base_gz = gz(self.base_tar)
        self.build()

    # --- image building -----------------------------------------------------

    def repo(self, name, auth=None):
        r = Repo(name, auth)
        self.repos[name] = r
        return r

    def image(self, repo, tars, base=True, diff_ids=None, blobs=None, annotations=None, media_type=MT_OCI_MANIFEST):
        """Add an OCI image of these layer tars (gzip'ed here) to repo.

        blobs: optional replacement bytes per layer index (served instead of
        the real gzip, under the real gzip's digest). Returns the layer
        descriptors."""
        tars = ([self.base_tar] if base else []) + list(tars)
        gzs = [self.base_gz if base and i == 0 else gz(t) for i, t in enumerate(tars)]
        layers = []
        for i, g in enumerate(gzs):
            d = repo.add_blob(g)
            if blobs and i in blobs:
                repo.blobs[d] = blobs[i]
            layers.append({"mediaType": MT_OCI_GZIP, "digest": d, "size": len(g)})
        config = {
            "created": CREATED,
            "architecture": "amd64",
            "os": "linux",
            "config": {"Env": [PATH_ENV], "Cmd": self.base_cmd if base else ["/bin/sh"], "WorkingDir": "/"},
            "rootfs": {"type": "layers", "diff_ids": diff_ids or [sha256(t) for t in tars]},
            "history": [{"created": CREATED, "created_by": "roost hostile registry: %s layer %d" % (repo.name, i + 1)}
                        for i in range(len(tars))],
        }
        cfg = jbytes(config)
        cd = repo.add_blob(cfg)
        manifest = {
            "schemaVersion": 2,
            "mediaType": media_type,
            "config": {"mediaType": MT_OCI_CONFIG, "digest": cd, "size": len(cfg)},
            "layers": layers,
        }
        if annotations:
            manifest["annotations"] = annotations
        repo.add_manifest(media_type, jbytes(manifest))
        return layers

    def marker(self, name):
        return tar_layer([directory("etc"), reg("etc/roost-hostile-repo", name.encode() + b"\n")])

    def fault_layer(self, name, size=256 << 10):
        # Incompressible, deterministic, unique per repository, so a blob
        # cached from another repository never hides the fault.
        return tar_layer([directory("fault"), reg("fault/" + name.replace("/", "-"), noise(name, size))])

    def build(self):
        for name, auth in (("ok", None), ("private/busybox", "bearer"), ("basic/busybox", "basic")):
            self.image(self.repo(name, auth), [self.marker(name)])

        # schema1: a signed schema 1 manifest over a real layer blob.
        r = self.repo("schema1")
        layer = gz(self.marker("schema1"))
        ld = r.add_blob(layer)
        v1 = {"id": hashlib.sha256(b"schema1").hexdigest(), "created": CREATED, "architecture": "amd64",
              "os": "linux", "config": {"Cmd": ["sh"], "Env": [PATH_ENV]}}
        payload = {"schemaVersion": 1, "name": "schema1", "tag": "latest", "architecture": "amd64",
                   "fsLayers": [{"blobSum": ld}], "history": [{"v1Compatibility": json.dumps(v1)}]}
        body = json.dumps(payload, indent=3)
        protected = b64url(jbytes({"formatLength": len(body) - 2, "formatTail": "Cn0", "time": CREATED}))
        signed = dict(payload, signatures=[{
            "header": {"jwk": {"crv": "P-256", "kid": "ROOS:TTES:THOS:TILE", "kty": "EC",
                               "x": b64url(hashlib.sha256(b"x").digest()),
                               "y": b64url(hashlib.sha256(b"y").digest())}, "alg": "ES256"},
            "signature": b64url(hashlib.sha512(b"not a real signature").digest()),
            "protected": protected}])
        r.add_manifest(MT_SCHEMA1, json.dumps(signed, indent=3).encode())

        # corrupt-blob: flip one byte in the middle of the layer blob.
        r = self.repo("corrupt-blob")
        g = gz(self.fault_layer("corrupt-blob"))
        bad = bytearray(g)
        bad[len(bad) // 2] ^= 0xFF
        self.image(r, [self.fault_layer("corrupt-blob")], base=False, blobs={0: bytes(bad)})

        # bad-diffid: the config lies about the uncompressed layer.
        r = self.repo("bad-diffid")
        self.image(r, [self.fault_layer("bad-diffid")], base=False,
                   diff_ids=[sha256(b"this is not the layer of bad-diffid")])

        # Path attacks, each on top of a working base.
        self.image(self.repo("traversal"), [tar_layer([
            reg("hello.txt", b"harmless\n"),
            reg("../../../../tmp/roost-escape-traversal", b"escaped through ../\n"),
            reg("/tmp/roost-escape-abs", b"escaped through an absolute path\n"),
        ])])
        self.image(self.repo("symlink-escape"), [tar_layer([
            ({"name": "evil", "type": tarfile.SYMTYPE, "linkname": "/tmp", "mode": 0o777}, None),
            ({"name": "evil2", "type": tarfile.SYMTYPE, "linkname": "../../../../tmp", "mode": 0o777}, None),
            reg("evil/roost-escape-symlink", b"escaped through an absolute symlink\n"),
            reg("evil2/roost-escape-symlink2", b"escaped through a relative symlink\n"),
        ])])
        self.image(self.repo("hardlink-escape"), [tar_layer([
            reg("ok.txt", b"harmless\n"),
            ({"name": "passwd-link", "type": tarfile.LNKTYPE, "linkname": "../../../../etc/passwd"}, None),
            ({"name": "shadow-link", "type": tarfile.LNKTYPE, "linkname": "/etc/shadow"}, None),
        ])])
        self.image(self.repo("devices"), [tar_layer([
            directory("devices"),
            reg("devices/README", b"normal file next to device nodes\n"),
            ({"name": "devices/null", "type": tarfile.CHRTYPE, "devmajor": 1, "devminor": 3, "mode": 0o666}, None),
            ({"name": "devices/loop", "type": tarfile.BLKTYPE, "devmajor": 7, "devminor": 0, "mode": 0o660}, None),
            ({"name": "devices/fifo", "type": tarfile.FIFOTYPE, "mode": 0o644}, None),
        ]), self.marker("devices")])

        # oversized-manifest: > 4 MiB of valid JSON.
        self.image(self.repo("oversized-manifest"), [self.marker("oversized-manifest")],
                   annotations={"io.roost.test.padding": "A" * (MAX_MANIFEST + (1 << 20))})

        # huge-json: a config blob of exactly 64 MiB of valid JSON.
        r = self.repo("huge-json")
        tar = self.marker("huge-json")
        layer = gz(tar)
        ld = r.add_blob(layer)
        head = jbytes({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["sh"]},
                       "rootfs": {"type": "layers", "diff_ids": [sha256(tar)]}})[:-1] + b',"history":['
        entry = b'{"created_by":"roost hostile padding ' + b"x" * 200 + b'"}'
        target = 64 << 20
        n = (target - len(head) - 2) // (len(entry) + 1)
        body = head + b",".join([entry] * n)
        pad = target - len(body) - 2 - len(b',{"created_by":""}')
        body += b',{"created_by":"' + b"y" * pad + b'"}]}'
        assert len(body) == target
        cd = r.add_blob(body)
        r.add_manifest(MT_OCI_MANIFEST, jbytes({
            "schemaVersion": 2, "mediaType": MT_OCI_MANIFEST,
            "config": {"mediaType": MT_OCI_CONFIG, "digest": cd, "size": len(body)},
            "layers": [{"mediaType": MT_OCI_GZIP, "digest": ld, "size": len(layer)}]}))

        # malformed: cut-off JSON.
        r = self.repo("malformed")
        r.add_manifest(MT_OCI_MANIFEST, b'{"schemaVersion": 2, "mediaType": "' + MT_OCI_MANIFEST.encode()
                       + b'", "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": ')

        # unknown-mediatype
        self.image(self.repo("unknown-mediatype"), [self.marker("unknown-mediatype")], media_type=MT_UNKNOWN)

        # Transport faults on the (unique) layer blob.
        for name, fault in (("truncated", "truncate"), ("stall", "stall"), ("flaky-500", "flaky")):
            r = self.repo(name)
            layers = self.image(r, [self.fault_layer(name)])
            r.fault_blob = layers[-1]["digest"]
            r.fault = fault

        for code in (401, 404, 429, 500):
            self.repo("status-%d" % code).status = code

    # --- auth -----------------------------------------------------------------

    def issue(self, scopes):
        tok = secrets.token_hex(24)
        with self.lock:
            now = time.time()
            for t in [t for t, (_, exp) in self.tokens.items() if exp < now]:
                del self.tokens[t]
            self.tokens[tok] = (set(scopes), now + TOKEN_TTL)
        return tok

    def token_scopes(self, tok):
        with self.lock:
            v = self.tokens.get(tok)
        if v is None or v[1] < time.time():
            return None
        return v[0]


def pull_allowed(scopes, name):
    for s in scopes:
        parts = s.split(":")
        if len(parts) == 3 and parts[0] == "repository" and parts[1] == name and "pull" in parts[2].split(","):
            return True
    return False


class Handler(BaseHTTPRequestHandler):
    server_version = "roost-hostile/1"
    protocol_version = "HTTP/1.1"
    timeout = 120  # idle keep-alive connections do not hold a thread forever

    # --- plumbing ---------------------------------------------------------------

    def log_request(self, code="-", size="-"):
        # Unparsable requests (e.g. a TLS hello: clients try https first) log as "- - 400".
        line = "%s %s %s\n" % (getattr(self, "command", None) or "-", getattr(self, "path", None) or "-",
                                int(code) if isinstance(code, int) else code)
        with self.server.log_lock:
            self.server.request_log.write(line)
            self.server.request_log.flush()

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (time.strftime("%H:%M:%S"), fmt % args))

    def send(self, code, body=b"", ctype="application/json", headers=(), head=False):
        self.send_response(code)
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if body and not head:
            self.wfile.write(body)

    def error(self, code, err, message, headers=(), head=False):
        body = jbytes({"errors": [{"code": err, "message": message, "detail": {}}]})
        self.send(code, body, headers=headers, head=head)

    def realm(self):
        return "http://127.0.0.1:%d/token" % self.server.server_address[1]

    def bearer_challenge(self, scope=None):
        v = 'Bearer realm="%s",service="%s"' % (self.realm(), SERVICE)
        if scope:
            v += ',scope="%s"' % scope
        return ("WWW-Authenticate", v)

    def basic_ok(self):
        h = self.headers.get("Authorization", "")
        if not h.lower().startswith("basic "):
            return None
        try:
            user, _, pw = base64.b64decode(h[6:].strip()).decode().partition(":")
        except Exception:
            return False
        return user == USER and pw == PASSWORD

    def bearer_scopes(self):
        h = self.headers.get("Authorization", "")
        if not h.lower().startswith("bearer "):
            return None
        return self.server.registry.token_scopes(h[7:].strip())

    # --- routes -------------------------------------------------------------------

    def do_GET(self):
        self.route(head=False)

    def do_HEAD(self):
        self.route(head=True)

    def do_POST(self):
        if urllib.parse.urlsplit(self.path).path == "/_hostile/reset":
            self.server.registry.flaky_armed = True
            self.send(200, b'{"reset":true}')
        else:
            self.error(405, "UNSUPPORTED", "this registry is read-only")

    def do_PUT(self):
        self.error(405, "UNSUPPORTED", "this registry is read-only")

    do_PATCH = do_DELETE = do_PUT

    def route(self, head):
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        if path == "/token":
            return self.token(urllib.parse.parse_qs(url.query), head)
        if path in ("/v2", "/v2/"):
            return self.ping(head)
        m = re.match(r"^/v2/(?P<name>.+)/(?P<kind>manifests|blobs)/(?P<ref>[^/]+)$", path) or \
            re.match(r"^/v2/(?P<name>.+)/(?P<kind>tags)/(?P<ref>list)$", path)
        if not m:
            return self.error(404, "NOT_FOUND", "no such endpoint", head=head)
        name, kind, ref = m.group("name", "kind", "ref")
        repo = self.server.registry.repos.get(name)
        if repo is None:
            return self.error(404, "NAME_UNKNOWN", "repository %s not known" % name, head=head)
        if not self.authorized(repo, head):
            return
        if repo.status:
            return self.status_repo(repo, head)
        if kind == "tags":
            tags = sorted(t for t in repo.manifests if not t.startswith("sha256:"))
            return self.send(200, jbytes({"name": name, "tags": tags}), head=head)
        if kind == "manifests":
            if ref not in repo.manifests:
                return self.error(404, "MANIFEST_UNKNOWN", "manifest %s:%s unknown" % (name, ref), head=head)
            mt, body = repo.manifests[ref]
            return self.send(200, body, mt, [("Docker-Content-Digest", sha256(body))], head)
        if ref not in repo.blobs:
            return self.error(404, "BLOB_UNKNOWN", "blob %s unknown in %s" % (ref, name), head=head)
        data = repo.blobs[ref]
        if ref == repo.fault_blob:
            return self.faulty_blob(repo, ref, data, head)
        self.send(200, data, "application/octet-stream", [("Docker-Content-Digest", ref)], head)

    def ping(self, head):
        scopes = self.bearer_scopes()
        if scopes is not None or self.basic_ok():
            return self.send(200, b"{}", head=head)
        self.error(401, "UNAUTHORIZED", "authentication required", [self.bearer_challenge()], head)

    def authorized(self, repo, head):
        scope = "repository:%s:pull" % repo.name
        if repo.auth == "bearer":
            scopes = self.bearer_scopes()
            if scopes is not None and pull_allowed(scopes, repo.name):
                return True
            self.error(401, "UNAUTHORIZED", "authentication required", [self.bearer_challenge(scope)], head)
            return False
        if repo.auth == "basic":
            if self.basic_ok():
                return True
            self.error(401, "UNAUTHORIZED", "authentication required",
                       [("WWW-Authenticate", 'Basic realm="%s"' % BASIC_REALM)], head)
            return False
        return True

    def token(self, q, head):
        service = q.get("service", [SERVICE])[0]
        scopes = [s for v in q.get("scope", []) for s in v.split(" ") if s]
        if service != SERVICE:
            return self.error(400, "DENIED", "unknown service %r (this is %r)" % (service, SERVICE), head=head)
        ok = self.basic_ok()
        basic_challenge = [("WWW-Authenticate", 'Basic realm="%s"' % BASIC_REALM)]
        if ok is False:
            return self.error(401, "UNAUTHORIZED", "invalid username or password", basic_challenge, head)
        if ok is None and any(s.startswith("repository:private/") for s in scopes):
            return self.error(401, "UNAUTHORIZED", "authentication required for %s" % " ".join(scopes),
                              basic_challenge, head)
        tok = self.server.registry.issue(scopes)
        body = jbytes({"token": tok, "access_token": tok, "expires_in": TOKEN_TTL,
                       "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        self.send(200, body, head=head)

    def status_repo(self, repo, head):
        code = repo.status
        headers = []
        if code == 401:
            headers.append(self.bearer_challenge("repository:%s:pull" % repo.name))
            err = "UNAUTHORIZED"
        elif code == 404:
            err = "NAME_UNKNOWN"
        elif code == 429:
            headers.append(("Retry-After", "1"))
            err = "TOOMANYREQUESTS"
        else:
            err = "UNKNOWN"
        self.error(code, err, "%s always answers %d" % (repo.name, code), headers, head)

    def faulty_blob(self, repo, digest, data, head):
        hdrs = [("Docker-Content-Digest", digest)]
        if repo.fault == "flaky":
            with self.server.registry.lock:
                armed = self.server.registry.flaky_armed
                self.server.registry.flaky_armed = False
            if armed:
                return self.error(500, "UNKNOWN", "flaky-500: first request fails, retry", head=head)
            return self.send(200, data, "application/octet-stream", hdrs, head)
        if head:
            return self.send(200, data, "application/octet-stream", hdrs, head=True)
        self.send_response(200)
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Docker-Content-Digest", digest)
        self.end_headers()
        self.close_connection = True
        if repo.fault == "truncate":
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.log_message("truncated %s after %d of %d bytes", self.path, len(data) // 2, len(data))
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        # stall: a little, then nothing until the client hangs up.
        self.wfile.write(data[:1024])
        self.wfile.flush()
        self.log_message("stalling %s after 1024 of %d bytes", self.path, len(data))
        deadline = time.monotonic() + self.server.stall_seconds
        sock = self.connection
        while time.monotonic() < deadline:
            r, _, _ = select.select([sock], [], [], 1.0)
            if r:
                try:
                    if not sock.recv(4096, socket.MSG_DONTWAIT):
                        break  # client closed
                except BlockingIOError:
                    pass
                except OSError:
                    break
        self.log_message("stall on %s ended", self.path)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def write_atomic(path, text):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description="hostile OCI registry for roost tests (see the module docstring)")
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    ap.add_argument("--port-file", help="write the bound port here once listening")
    ap.add_argument("--pid-file", help="write our PID here once listening")
    ap.add_argument("--request-log", default="/run/roost-test/hostile.log", help="METHOD PATH STATUS per request")
    ap.add_argument("--busybox-rootfs", default="/var/cache/roost-test/fixtures/busybox-rootfs.tar")
    ap.add_argument("--stall-seconds", type=float, default=3600)
    args = ap.parse_args()

    registry = Registry(args.busybox_rootfs)
    srv = Server(("127.0.0.1", args.port), Handler)
    srv.registry = registry
    srv.stall_seconds = args.stall_seconds
    srv.log_lock = threading.Lock()
    srv.request_log = open(args.request_log, "a", buffering=1)
    os.chmod(args.request_log, 0o644)
    port = srv.server_address[1]

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.pid_file:
        write_atomic(args.pid_file, "%d\n" % os.getpid())
    if args.port_file:
        write_atomic(args.port_file, "%d\n" % port)
    sys.stderr.write("hostile registry on 127.0.0.1:%d (%s); repositories: %s\n" % (
        port, "busybox base" if registry.base_cmd == ["sh"] else "no busybox rootfs: tiny base",
        " ".join(sorted(registry.repos))))
    sys.stderr.flush()
    try:
        srv.serve_forever(poll_interval=0.5)
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
