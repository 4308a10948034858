/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>

#include "attach.h"
#include "container.h"
#include "exit-status.h"
#include "kv.h"
#include "log.h"

bool attach_flag(const ShimRequest *req, const char *key, bool def) {
        const char *v = shim_request_get(req, key);
        bool b;

        if (!v || kv_parse_bool(v, &b) < 0)
                return def;
        return b;
}

bool attach_setup(Client *c, const ShimRequest *req) {
        const char *keys = shim_request_get(req, "detach_keys");
        char msg[256];

        if (keys) {
                if (detach_keys_parse(keys, &c->detach, msg, sizeof msg) < 0) {
                        client_error(c, 125, "%s", msg);
                        return false;
                }
        } else
                c->detach = c->shim->config.detach_keys;
        c->want_stdin = attach_flag(req, "stdin", false);
        c->want_stdout = attach_flag(req, "stdout", true);
        c->want_stderr = attach_flag(req, "stderr", true);
        return true;
}

void attach_request(Shim *s, Client *c, const ShimRequest *req) {
        if (!attach_setup(c, req))
                return;
        client_reply(c, "stdin=%d\ntty=%d\nstatus=%s\n", c->want_stdin && s->config.stdin_open, s->config.terminal,
                     container_status_to_string(s->status));
        if (s->finalized) {
                /* it ended already: the client learns how */
                char payload[EXIT_RECORD_MAX];
                shim_exit_record(s, payload);
                client_send(c, SHIM_FRAME_EXIT, payload, strlen(payload));
                client_finish(c);
                return;
        }
        c->stdio = s->stdio;
        client_set_state(c, CLIENT_STREAMING);
}

static int attach_stdin(Client *c, const ShimFrame *f) {
        static uint8_t out[SHIM_FRAME_MAX + DETACH_KEYS_MAX]; /* only the pages used count */
        Stdio *st = c->stdio;
        size_t n;
        bool detached;
        int r;

        if (!c->want_stdin || !st || st->in_fd < 0)
                return 0; /* nowhere to go: dropped */
        if (st->in_buf.len > 0 && st->in_buf.len + f->len > STDIO_INPUT_MAX)
                return -EAGAIN;
        /* as docker: detach keys on a terminal only; piped input is data
         * and goes through untouched */
        detached = st->tty && detach_keys_feed(&c->detach, f->payload, f->len, out, &n);
        r = st->tty ? stdio_write(st, out, n) : stdio_write(st, f->payload, f->len);
        if (r < 0 && r != -EPIPE)
                log_debug_errno(r, "Input dropped: %m");
        if (detached) {
                log_debug("Client %" PRIu64 " typed its detach keys.", c->serial);
                client_send(c, SHIM_FRAME_DETACHED, NULL, 0);
                client_finish(c);
        }
        return 0;
}

static void attach_resize(Client *c, const ShimFrame *f) {
        char text[64], *rows = NULL, *cols = NULL;
        uint64_t r, k;

        if (!c->stdio || f->len >= sizeof text)
                return;
        memcpy(text, f->payload, f->len);
        text[f->len] = 0;
        if (kv_get(text, "rows", &rows) >= 0 && kv_get(text, "cols", &cols) >= 0 &&
            kv_parse_uint64(rows, UINT16_MAX, &r) >= 0 && kv_parse_uint64(cols, UINT16_MAX, &k) >= 0)
                (void) stdio_resize(c->stdio, (unsigned) r, (unsigned) k);
        free(rows);
        free(cols);
}

int attach_frame(Client *c, const ShimFrame *f) {
        switch (f->type) {
        case SHIM_FRAME_STDIN:
                return attach_stdin(c, f);
        case SHIM_FRAME_STDIN_EOF:
                if (c->want_stdin && c->stdio)
                        stdio_close_input(c->stdio);
                return 0;
        case SHIM_FRAME_RESIZE:
                attach_resize(c, f);
                return 0;
        default:
                client_error(c, 125, "protocol error: a client may send stdin, stdin-EOF and resize frames, not '%c'", f->type);
                return 0;
        }
}

void attach_broadcast(Shim *s, Stdio *st, uint8_t type, const void *p, size_t n) {
        for (Client *c = s->clients; c; c = c->next) {
                if (c->dead || c->stdio != st || c->state != CLIENT_STREAMING)
                        continue;
                if ((type == SHIM_FRAME_STDOUT && !c->want_stdout) || (type == SHIM_FRAME_STDERR && !c->want_stderr))
                        continue;
                client_send(c, type, p, n);
        }
}

void attach_input_ready(Shim *s, Stdio *st) {
        for (Client *c = s->clients; c; c = c->next)
                if (!c->dead && c->stdio == st && c->paused)
                        client_set_paused(c, false);
}

void attach_end(Shim *s, Stdio *st, uint8_t type, const char *payload) {
        for (Client *c = s->clients; c; c = c->next) {
                if (c->dead || c->stdio != st)
                        continue;
                client_send(c, type, payload, strlen(payload));
                client_finish(c);
        }
}
