/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "buffer.h"
#include "detach-keys.h"
#include "shim-proto.h"
#include "shim.h"

/* The control socket DIR/shim.sock and its clients (the protocol is in
 * common/shim-proto.h and shim/README.md). Every client has a bounded
 * output queue: a client that stops reading while output flows is cut off
 * (an ERROR frame, then the connection closes) rather than slowing the
 * container or the other clients. */

#define CLIENT_OUTPUT_MAX (256u * 1024)

typedef enum ClientState {
        CLIENT_REQUEST,   /* waiting for the request */
        CLIENT_PENDING,   /* the runtime is working on it */
        CLIENT_STREAMING, /* attached to a Stdio */
        CLIENT_CLOSING,   /* sending its last frames */
} ClientState;

struct Client {
        Client *next, *prev;
        Shim *shim;
        uint64_t serial;
        int fd;
        Watch watch;
        ClientState state;
        Buffer in, out;
        bool dead;        /* dropped; freed by server_collect() */
        bool read_eof;
        bool paused;      /* its input waits for room in the process's stdin */
        int64_t close_deadline;

        Stdio *stdio;     /* streams it is attached to */
        bool want_stdin, want_stdout, want_stderr;
        DetachKeys detach;
};

int server_listen(Shim *s);
/* A listening unix socket DIR/name, mode 0600; returns the fd. */
int server_bind(Shim *s, const char *name, int backlog);
void server_close(Shim *s);
Client *server_find_client(Shim *s, uint64_t serial);
/* Frees dropped clients; called by the loop between events. */
void server_collect(Shim *s);
/* Closes clients past their deadline; returns ms to the next (-1: none). */
int server_check_timeouts(Shim *s, int64_t now);
/* Whether some client still has frames to send. */
bool server_busy(const Shim *s);

void client_send(Client *c, uint8_t type, const void *payload, size_t len);
/* A REPLY frame; payload is key=value lines (printf-style). */
void client_reply(Client *c, const char *fmt, ...) _printf_(2, 3);
/* An ERROR frame with docker's exit code class and a message; then closes. */
void client_error(Client *c, int code, const char *fmt, ...) _printf_(3, 4);
/* Sends what is queued, then closes. */
void client_finish(Client *c);
/* Waits for the runtime (no frames are taken meanwhile), or streams. */
void client_set_state(Client *c, ClientState state);
/* Stops or resumes taking frames from the client (stdin backpressure). */
void client_set_paused(Client *c, bool paused);
