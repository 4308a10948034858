/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "attach.h"
#include "container.h"
#include "exec.h"
#include "exit-status.h"
#include "kv.h"
#include "log-writer.h"
#include "log.h"
#include "server.h"
#include "time-util.h"

#define CLIENTS_MAX 128
#define CLIENT_READ_SIZE 16384

static void client_on_event(Watch *w, uint32_t events);
static void client_process(Client *c);

/* Drops a client: it leaves the loop at once, its memory goes in
 * server_collect(), so pointers held up the stack stay valid. */
static void client_drop(Client *c) {
        if (c->dead)
                return;
        /* an exec's input ends with the client that typed it (a `cat` must
         * not wait for a client that is gone) */
        if (c->stdio && c->stdio->exec && c->want_stdin && c->state == CLIENT_STREAMING)
                stdio_close_input(c->stdio);
        loop_remove(c->shim->epoll_fd, &c->watch);
        c->fd = safe_close(c->fd);
        buffer_free(&c->in);
        buffer_free(&c->out);
        c->dead = true;
        c->stdio = NULL;
        c->state = CLIENT_CLOSING;
}

static void client_unlink(Client *c) {
        Shim *s = c->shim;

        if (c->prev)
                c->prev->next = c->next;
        else
                s->clients = c->next;
        if (c->next)
                c->next->prev = c->prev;
        free(c);
}

void server_collect(Shim *s) {
        for (Client *c = s->clients, *n; c; c = n) {
                n = c->next;
                if (c->dead)
                        client_unlink(c);
        }
}

static size_t clients_count(const Shim *s) {
        size_t n = 0;
        for (const Client *c = s->clients; c; c = c->next)
                n++;
        return n;
}

/* The events to watch: input unless paused or finished reading, output
 * while frames wait. */
static void client_update_watch(Client *c) {
        uint32_t ev = 0;

        if (!c->read_eof && !c->paused && c->state != CLIENT_PENDING)
                ev |= EPOLLIN;
        if (c->out.len > 0)
                ev |= EPOLLOUT;
        (void) loop_modify(c->shim->epoll_fd, &c->watch, ev);
}

/* Returns false when the client was freed. */
static bool client_flush(Client *c) {
        ssize_t left;

        if (c->dead)
                return false;
        left = buffer_flush_to(&c->out, c->fd);
        if (left < 0) {
                log_debug_errno((int) left, "Client %" PRIu64 " went away: %m", c->serial);
                client_drop(c);
                return false;
        }
        if (left == 0 && c->state == CLIENT_CLOSING) {
                client_drop(c);
                return false;
        }
        client_update_watch(c);
        return true;
}

static void client_append(Client *c, uint8_t type, const void *payload, size_t len, size_t max) {
        uint8_t hdr[SHIM_FRAME_HEADER_SIZE];

        shim_frame_header(hdr, type, (uint32_t) len);
        if (c->out.len + sizeof hdr + len <= max) {
                if (buffer_append(&c->out, hdr, sizeof hdr, SIZE_MAX) < 0 ||
                    buffer_append(&c->out, payload, len, SIZE_MAX) < 0)
                        client_drop(c); /* out of memory */
        } else {
                /* it fell too far behind; tell it (this goes past the limit,
                 * it is small) and let it go */
                char msg[200];
                int n = snprintf(msg, sizeof msg,
                                 "code=125\nmessage=client too slow: more than %u KiB of output unread, detached",
                                 CLIENT_OUTPUT_MAX / 1024);
                log_warning("Client %" PRIu64 " does not keep up with the output, detaching it.", c->serial);
                shim_frame_header(hdr, SHIM_FRAME_ERROR, (uint32_t) n);
                (void) buffer_append(&c->out, hdr, sizeof hdr, SIZE_MAX);
                (void) buffer_append(&c->out, msg, (size_t) n, SIZE_MAX);
                client_finish(c);
        }
}

void client_send(Client *c, uint8_t type, const void *payload, size_t len) {
        bool data = IN_SET(type, SHIM_FRAME_STDOUT, SHIM_FRAME_STDERR);

        if (c->dead || (c->state == CLIENT_CLOSING && data))
                return;
        client_append(c, type, payload, len, data ? CLIENT_OUTPUT_MAX : SIZE_MAX);
        if (c->out.len > 0 && !(c->watch.events & EPOLLOUT))
                (void) client_flush(c);
}

void client_reply(Client *c, const char *fmt, ...) {
        char buf[1024];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        client_send(c, SHIM_FRAME_REPLY, buf, (size_t) MIN(MAX(n, 0), (int) sizeof buf - 1));
}

void client_error(Client *c, int code, const char *fmt, ...) {
        char msg[2048], clean[2048], buf[2200];
        va_list ap;
        int n;

        if (c->dead || c->state == CLIENT_CLOSING)
                return;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        n = snprintf(buf, sizeof buf, "code=%d\nmessage=%s", code, kv_sanitize_value(clean, sizeof clean, msg));
        client_send(c, SHIM_FRAME_ERROR, buf, (size_t) MIN(MAX(n, 0), (int) sizeof buf - 1));
        client_finish(c);
}

void client_finish(Client *c) {
        if (c->dead)
                return;
        c->state = CLIENT_CLOSING;
        c->stdio = NULL;
        c->paused = false;
        c->close_deadline = now_monotonic_ms() + SHIM_LINGER_TIMEOUT_MS;
        /* nothing more is read from it */
        c->read_eof = true;
        if (c->out.len == 0) {
                client_drop(c);
                return;
        }
        client_update_watch(c);
}

void client_set_state(Client *c, ClientState state) {
        if (c->dead)
                return;
        c->state = state;
        client_update_watch(c);
        if (state == CLIENT_STREAMING)
                client_process(c);
}

void client_set_paused(Client *c, bool paused) {
        if (c->dead || c->paused == paused)
                return;
        c->paused = paused;
        client_update_watch(c);
        if (!paused)
                client_process(c);
}

Client *server_find_client(Shim *s, uint64_t serial) {
        for (Client *c = s->clients; c; c = c->next)
                if (c->serial == serial && !c->dead)
                        return c;
        return NULL;
}

bool server_busy(const Shim *s) {
        for (const Client *c = s->clients; c; c = c->next)
                if (!c->dead && (c->state == CLIENT_CLOSING || c->state == CLIENT_PENDING))
                        return true;
        return false;
}

int server_check_timeouts(Shim *s, int64_t now) {
        int64_t next = INT64_MAX;

        for (Client *c = s->clients; c; c = c->next) {
                if (c->dead || c->state != CLIENT_CLOSING)
                        continue;
                if (c->close_deadline <= now) {
                        log_debug("Client %" PRIu64 " did not take its last frames in time, closing.", c->serial);
                        client_drop(c);
                } else
                        next = MIN(next, c->close_deadline);
        }
        return next == INT64_MAX ? -1 : (int) MIN(next - now, (int64_t) INT32_MAX);
}

static void state_request(Shim *s, Client *c) {
        char exit_code[32] = "";

        if (s->finalized)
                snprintf(exit_code, sizeof exit_code, "exit_code=%d\n", shim_exit_code(s));
        client_reply(c, "shim_pid=%d\ncontainer_pid=%d\nstatus=%s\n%s", (int) getpid(), (int) s->container_pid,
                     container_status_to_string(s->status), exit_code);
        client_finish(c);
}

static void resize_request(Shim *s, Client *c, const ShimRequest *req) {
        const char *rows = shim_request_get(req, "rows"), *cols = shim_request_get(req, "cols");
        const char *exec_id = shim_request_get(req, "exec_id");
        uint64_t r = 0, k = 0;
        Stdio *st = s->stdio;
        int e;

        if (!rows || !cols || kv_parse_uint64(rows, UINT16_MAX, &r) < 0 || kv_parse_uint64(cols, UINT16_MAX, &k) < 0)
                return client_error(c, 125, "resize needs rows and cols (0-65535)");
        if (exec_id) {
                Exec *e2 = exec_find(s, exec_id);
                if (!e2)
                        return client_error(c, 125, "no exec session %s", exec_id);
                st = exec_stdio(e2);
        }
        e = st ? stdio_resize(st, (unsigned) r, (unsigned) k) : -ENOTTY;
        if (e == -ENOTTY)
                return client_error(c, 125, "the process has no terminal");
        if (e < 0)
                return client_error(c, 125, "cannot resize the terminal: %s", strerror(-e));
        client_reply(c, "rows=%u\ncols=%u\n", (unsigned) r, (unsigned) k);
        client_finish(c);
}

static void reopen_log_request(Shim *s, Client *c) {
        int r = s->log ? log_writer_reopen(s->log) : 0;

        if (r < 0)
                return client_error(c, 125, "cannot reopen the log %s: %s", strna(s->config.log_path), strerror(-r));
        client_reply(c, "log_path=%s\n", strempty(s->config.log_path));
        client_finish(c);
}

/* payload: the request's, NUL-terminated, ours to modify. */
static void client_request(Client *c, char *payload, size_t len) {
        Shim *s = c->shim;
        ShimRequest req;

        if (shim_request_parse(payload, len, &req) < 0)
                return client_error(c, 125, "malformed request");
        log_debug("Client %" PRIu64 ": %s", c->serial, req.op);

        if (streq(req.op, "attach"))
                attach_request(s, c, &req);
        else if (streq(req.op, "start"))
                container_start_request(s, c);
        else if (streq(req.op, "kill"))
                container_kill_request(s, c, &req);
        else if (streq(req.op, "exec"))
                exec_request(s, c, &req);
        else if (streq(req.op, "resize"))
                resize_request(s, c, &req);
        else if (streq(req.op, "state"))
                state_request(s, c);
        else if (streq(req.op, "reopen-log"))
                reopen_log_request(s, c);
        else
                client_error(c, 125, "unknown operation \"%s\" (attach, start, kill, exec, resize, state, reopen-log)", req.op);
}

/* Takes whole frames from the input queue while the client may go on.
 * The client may be freed on return. */
static void client_process(Client *c) {
        while (!c->dead && c->in.len > 0 && !c->paused) {
                ShimFrame f;
                ssize_t n;

                if (c->state == CLIENT_PENDING || c->state == CLIENT_CLOSING)
                        return;
                n = shim_frame_parse(buffer_head(&c->in), c->in.len, &f);
                if (n < 0)
                        return client_error(c, 125, "protocol error: bad frame");
                if (n == 0)
                        return;
                if (c->state == CLIENT_REQUEST) {
                        _cleanup_free_ char *payload = NULL;

                        if (f.type != SHIM_FRAME_REQUEST)
                                return client_error(c, 125, "protocol error: the first frame must be a request (Q), not '%c'", f.type);
                        payload = strndup((const char *) f.payload, f.len);
                        if (!payload || strlen(payload) != f.len)
                                return client_error(c, 125, payload ? "malformed request" : "out of memory");
                        /* taken before it runs: the handler may go on to
                         * read the frames after it */
                        buffer_consume(&c->in, (size_t) n);
                        client_request(c, payload, f.len);
                        continue;
                }
                if (attach_frame(c, &f) == -EAGAIN) {
                        client_set_paused(c, true);
                        return;
                }
                if (c->dead)
                        return;
                buffer_consume(&c->in, (size_t) n);
        }
}

static void client_on_event(Watch *w, uint32_t events) {
        Client *c = container_of(w, Client, watch);

        if (c->dead)
                return;
        if (events & EPOLLOUT)
                if (!client_flush(c))
                        return;
        if (events & EPOLLIN) {
                uint8_t buf[CLIENT_READ_SIZE];
                ssize_t n = read(c->fd, buf, sizeof buf);

                if (n < 0 && errno != EAGAIN && errno != EINTR) {
                        client_drop(c);
                        return;
                }
                if (n == 0) {
                        /* it will send no more; it may still read */
                        c->read_eof = true;
                        if (c->state == CLIENT_REQUEST) {
                                client_drop(c);
                                return;
                        }
                        client_update_watch(c);
                } else if (n > 0) {
                        if (buffer_append(&c->in, buf, (size_t) n, SHIM_FRAME_MAX + SHIM_FRAME_HEADER_SIZE + CLIENT_READ_SIZE) < 0)
                                return client_error(c, 125, "protocol error: frame too large");
                        client_process(c);
                        return;
                }
        }
        if (!c->dead && (events & (EPOLLHUP | EPOLLERR)) && !(events & EPOLLIN))
                client_drop(c);
}

static void server_on_accept(Watch *w, uint32_t events) {
        Shim *s = container_of(w, Shim, listen_watch);
        Client *c;
        int fd, r;

        fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
                if (errno != EAGAIN && errno != EINTR)
                        log_warning_errno(errno, "Failed to accept a connection: %m");
                return;
        }
        if (clients_count(s) >= CLIENTS_MAX) {
                log_warning("More than %d clients, refusing one.", CLIENTS_MAX);
                close(fd);
                return;
        }
        c = calloc(1, sizeof *c);
        if (!c) {
                close(fd);
                return;
        }
        c->shim = s;
        c->fd = fd;
        c->serial = ++s->next_client_serial;
        c->watch.fd = -1;
        r = loop_add(s->epoll_fd, &c->watch, fd, EPOLLIN, client_on_event);
        if (r < 0) {
                close(fd);
                free(c);
                return;
        }
        c->next = s->clients;
        if (s->clients)
                s->clients->prev = c;
        s->clients = c;
}

int server_bind(Shim *s, const char *name, int backlog) {
        struct sockaddr_un sa;
        socklen_t salen;
        mode_t old;
        int fd, r;

        r = shim_sockaddr(s->dir_fd, s->state_dir, name, &sa, &salen);
        if (r < 0)
                return r;
        (void) unlinkat(s->dir_fd, name, 0);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        /* 0600 from the start: connecting needs only write permission */
        old = umask(0177);
        r = bind(fd, (struct sockaddr *) &sa, salen);
        umask(old);
        if (r < 0 || listen(fd, backlog) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        return fd;
}

int server_listen(Shim *s) {
        int r;

        s->listen_fd = server_bind(s, SHIM_SOCKET_FILE, 64);
        if (s->listen_fd < 0)
                return log_error_errno(s->listen_fd, "Failed to listen on %s/" SHIM_SOCKET_FILE ": %m", s->state_dir);
        r = loop_add(s->epoll_fd, &s->listen_watch, s->listen_fd, EPOLLIN, server_on_accept);
        if (r < 0)
                return log_error_errno(r, "Failed to watch the socket: %m");
        return 0;
}

void server_close(Shim *s) {
        for (Client *c = s->clients; c; c = c->next)
                client_drop(c);
        server_collect(s);
        if (s->listen_fd >= 0) {
                loop_remove(s->epoll_fd, &s->listen_watch);
                s->listen_fd = safe_close(s->listen_fd);
                (void) unlinkat(s->dir_fd, SHIM_SOCKET_FILE, 0);
        }
}
