/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/* The protocol of roost-shim's control socket (DIR/shim.sock), shared by the
 * shim, roostd and the CLI. shim/README.md is the full description; in short:
 *
 *   frame = [1 byte type][4 bytes big-endian payload length][payload]
 *
 * A connection starts with one REQUEST frame from the client, answered by
 * one REPLY (success) or ERROR frame. Streaming operations (attach, exec)
 * then carry data frames both ways until an EXIT or DETACHED frame, after
 * which the shim closes the connection. Control payloads (request, reply,
 * error, resize, exit) are "key=value" lines (common/kv.h); data frames are
 * raw bytes. */

/* Files in a shim's state directory. */
#define SHIM_CONF_FILE "shim.conf"
#define SHIM_SOCKET_FILE "shim.sock"
#define SHIM_PID_FILE "shim.pid"
#define SHIM_STATE_FILE "state"
#define SHIM_EXIT_FILE "exit"
#define SHIM_CONTAINER_PID_FILE "container.pid"
#define SHIM_CONSOLE_SOCKET_FILE "console.sock"
#define SHIM_RUNTIME_LOG_FILE "runtime.log"
#define SHIM_SELF_LOG_FILE "shim.log"

enum {
        SHIM_FRAME_REQUEST = 'Q',  /* client → shim, first frame: "op\nkey=value...\n\nbody" */
        SHIM_FRAME_REPLY = 'A',    /* shim → client: the request succeeded; key=value lines */
        SHIM_FRAME_ERROR = 'E',    /* shim → client: "code=N\nmessage=text"; the shim closes after it */
        SHIM_FRAME_STDIN = 'i',    /* client → shim: input bytes */
        SHIM_FRAME_STDOUT = 'o',   /* shim → client: output bytes (all pty output on a terminal) */
        SHIM_FRAME_STDERR = 'e',   /* shim → client */
        SHIM_FRAME_STDIN_EOF = 'c',/* client → shim: no more input (closes the process's stdin) */
        SHIM_FRAME_RESIZE = 'r',   /* client → shim: "rows=N\ncols=N" */
        SHIM_FRAME_EXIT = 'x',     /* shim → client: "exit_code=N[\nexited_at=...]"; the last frame */
        SHIM_FRAME_DETACHED = 'd', /* shim → client: the client's detach keys were typed; the last frame */
};

#define SHIM_FRAME_HEADER_SIZE 5
/* The largest payload of any frame; a request (with an exec's process JSON)
 * must fit in one. */
#define SHIM_FRAME_MAX (128u * 1024)

bool shim_frame_type_valid(uint8_t type);

void shim_frame_header(uint8_t hdr[SHIM_FRAME_HEADER_SIZE], uint8_t type, uint32_t len);

typedef struct ShimFrame {
        uint8_t type;
        uint32_t len;
        const uint8_t *payload; /* points into the parsed buffer */
} ShimFrame;

/* Looks for one whole frame at the start of buf. Returns its size (header +
 * payload) and fills ret; 0 when more bytes are needed; -EBADMSG for an
 * unknown type or a length over SHIM_FRAME_MAX. */
ssize_t shim_frame_parse(const void *buf, size_t len, ShimFrame *ret);

/* Blocking I/O for simple clients. shim_frame_read() reads one frame into
 * buf (NUL-terminated, so size must exceed the payload by one): -EMSGSIZE
 * when it does not fit (the frame is then lost), -ECONNRESET on EOF at a
 * frame boundary, -EPROTO on EOF inside a frame. */
int shim_frame_write(int fd, uint8_t type, const void *payload, size_t len);
int shim_frame_read(int fd, uint8_t *ret_type, void *buf, size_t size, size_t *ret_len);

/* Connects to state_dir/shim.sock. A path too long for sockaddr_un is
 * reached through /proc/self/fd. */
int shim_connect(const char *state_dir);

struct sockaddr_un;
/* The address of the socket name in the directory dir (open as dirfd):
 * dir/name when it fits in sun_path, else /proc/self/fd/DIRFD/name. */
int shim_sockaddr(int dirfd, const char *dir, const char *name, struct sockaddr_un *ret, socklen_t *ret_len);

/* Requests. A request payload is the operation name on the first line,
 * key=value lines, and optionally a blank line followed by a body (exec:
 * the OCI process JSON). */
#define SHIM_REQUEST_FIELDS_MAX 16

typedef struct ShimRequest {
        const char *op;
        const char *keys[SHIM_REQUEST_FIELDS_MAX];
        const char *values[SHIM_REQUEST_FIELDS_MAX];
        size_t n_fields;
        const char *body; /* NULL when none */
        size_t body_len;
} ShimRequest;

/* Parses payload (len bytes followed by a NUL; modified in place; ret
 * points into it). -EBADMSG when malformed. */
int shim_request_parse(char *payload, size_t len, ShimRequest *ret);
const char *shim_request_get(const ShimRequest *req, const char *key);

/* Builds a request: fields is NULL or a NULL-terminated list of key, value,
 * key, value...; body may be NULL. */
int shim_request_format(const char *op, const char *const *fields, const char *body, size_t body_len,
                        char **ret, size_t *ret_len);
