#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# A small HTTP server for test-http: prints its port, then serves
#   /big      SIZE deterministic bytes (Range: bytes=N- gives a 206)
#   /slow     the same, but stalls for a minute after the first 256 KiB
#   /missing  404 with a body
import http.server
import sys
import time

SIZE = 3 * 1024 * 1024 + 12345
BODY = bytes(((i * 31) + (i >> 11)) & 0xff for i in range(SIZE))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, body_wanted):
        if self.path == "/missing":
            msg = b"not here\n"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(msg)))
            self.end_headers()
            if body_wanted:
                self.wfile.write(msg)
            return
        if self.path not in ("/big", "/slow"):
            self.send_error(400)
            return
        start = 0
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, SIZE - 1, SIZE))
        else:
            self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Docker-Content-Digest", "sha256:test")
        self.send_header("Content-Length", str(SIZE - start))
        self.end_headers()
        if not body_wanted:
            return
        if self.path == "/slow":
            self.wfile.write(BODY[start:start + 256 * 1024])
            self.wfile.flush()
            time.sleep(60)
            return
        self.wfile.write(BODY[start:])

    def do_GET(self):
        self.answer(True)

    def do_HEAD(self):
        self.answer(False)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that go away (cancelled, killed) are the point


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
