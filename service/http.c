/* SPDX-License-Identifier: Apache-2.0 */
/* http.h for roostd: the transfers run in roost-http (roost-http.c), a
 * helper started at the first request and let go 30 s after the last, so
 * that libcurl and the TLS stack it brings (OpenSSL cannot be unloaded)
 * never enter roostd. http-proto.h describes how the two talk. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "build-config.h"
#include "http-proto.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "macro.h"
#include "nsexec.h"

/* With no request for this long, roost-http goes (its connections too). */
#define HTTP_IDLE_USEC (30 * 1000000ULL)
/* messages handled per wake-up of one request, so that others get their turn */
#define HTTP_BATCH 16

#define MESSAGE_HELPER_GONE \
        "roost-http (roostd's HTTP helper) ended before the transfer did: it crashed or was killed (see roostd's log)"
#define MESSAGE_HELPER_BAD \
        "roost-http (roostd's HTTP helper) sent a message roostd does not understand (roostd and roost-http differ: reinstall roost)"

struct Http {
        sd_event *event;
        unsigned max_host_connections;
        uint64_t idle_usec;
        NsChild child;              /* roost-http; pid 0 when none runs */
        int control_fd;             /* -EBADF: none (a helper still in child is exiting) */
        sd_event_source *child_src; /* its pidfd */
        sd_event_source *idle;
        HttpRequest *requests;
        unsigned n_requests;
};

struct HttpRequest {
        Http *http;
        HttpRequest *prev, *next;
        int fd;                  /* our end of the request's socket */
        sd_event_source *src, *resume_src;
        HttpCallbacks cb;
        void *userdata;
        HttpResponse resp;
        int version;
        char *pending;           /* the DATA message on_data paused on (type byte first) */
        size_t pending_len;
};

static const char *http_helper_path(void) {
        const char *e = getenv("ROOST_HTTP_HELPER");
        return !isempty(e) ? e : ROOST_LIBEXECDIR "/roost/roost-http";
}

static void request_free(HttpRequest *r) {
        Http *h;

        if (!r)
                return;
        h = r->http;
        sd_event_source_disable_unref(r->src);
        sd_event_source_disable_unref(r->resume_src);
        /* shutdown() too: a child roostd forked may hold a copy of the socket */
        (void) shutdown(r->fd, SHUT_RDWR);
        safe_close(r->fd);
        free(r->pending);
        http_response_clear(&r->resp);
        if (r->prev)
                r->prev->next = r->next;
        else
                h->requests = r->next;
        if (r->next)
                r->next->prev = r->prev;
        free(r);
        if (--h->n_requests == 0) {
                (void) sd_event_source_set_time_relative(h->idle, h->idle_usec);
                (void) sd_event_source_set_enabled(h->idle, SD_EVENT_ONESHOT);
        }
}

static void request_finish(HttpRequest *r, int err, const char *message) {
        r->cb.on_done(r, err, message, &r->resp, r->userdata);
        request_free(r);
}

/* Hands the body bytes of a DATA message to on_data. Returns 0 when they
 * were taken, 1 when the request paused (msg kept) or ended. */
static int deliver_data(HttpRequest *r, char **msg, size_t len) {
        int k = r->cb.on_data ? r->cb.on_data(r, *msg + 1, len - 1, r->userdata) : 0;

        if (k == -EAGAIN) {
                free(r->pending);
                r->pending = TAKE_PTR(*msg);
                r->pending_len = len;
                (void) sd_event_source_set_enabled(r->src, SD_EVENT_OFF);
                return 1;
        }
        if (k < 0) {
                /* as libcurl said it when the engine ran in roostd */
                request_finish(r, k, "Failure writing output to destination");
                return 1;
        }
        return 0;
}

/* One message from roost-http: 0 to go on, 1 when the request paused or ended */
static int deliver(HttpRequest *r, char **msg, size_t len) {
        g_autoptr(json_t) o = NULL;
        const char *m = *msg;

        switch (m[0]) {
        case HTTP_MSG_DATA:
                return deliver_data(r, msg, len);
        case HTTP_MSG_HEADERS:
                o = rjson_parse(m + 1, (ssize_t) len - 1, NULL);
                if (!o)
                        break;
                http_response_clear(&r->resp);
                http_response_from_json(rjson_get_object(o, "response"), &r->resp);
                r->version = (int) rjson_get_int_or(o, "version", 1);
                if (r->cb.on_headers) {
                        int k = r->cb.on_headers(r, &r->resp, r->userdata);
                        if (k < 0) {
                                request_finish(r, k, "Failed writing header");
                                return 1;
                        }
                }
                return 0;
        case HTTP_MSG_DONE: {
                size_t json_len = strnlen(m + 1, len - 1);
                int64_t err;

                o = rjson_parse(m + 1, (ssize_t) json_len, NULL);
                if (!o || !rjson_get_int(o, "r", &err))
                        break;
                http_response_clear(&r->resp);
                http_response_from_json(rjson_get_object(o, "response"), &r->resp);
                if (json_len + 2 < len) {
                        r->resp.error_body = strndup(m + 1 + json_len + 1, len - json_len - 2);
                        if (!r->resp.error_body) {
                                request_finish(r, -ENOMEM, "out of memory");
                                return 1;
                        }
                }
                request_finish(r, (int) MIN(err, (int64_t) 0), rjson_get_string(o, "message"));
                return 1;
        }
        }
        log_error("Bad message from roost-http (type %d, %zu bytes).", m[0], len);
        request_finish(r, -EBADMSG, MESSAGE_HELPER_BAD);
        return 1;
}

static int on_request_event(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        HttpRequest *r = userdata;

        for (unsigned i = 0; i < HTTP_BATCH; i++) {
                _cleanup_free_ char *msg = NULL;
                ssize_t n = http_msg_recv(fd, &msg, NULL);

                if (n == -EAGAIN || n == -EINTR)
                        return 0;
                if (n <= 0) {
                        /* EOF without DONE */
                        if (n < 0)
                                log_debug_errno((int) n, "Request socket of roost-http: %m");
                        request_finish(r, -ECONNRESET, MESSAGE_HELPER_GONE);
                        return 0;
                }
                if (deliver(r, &msg, (size_t) n) > 0)
                        return 0;
        }
        return 0;
}

static int on_resume(sd_event_source *s, void *userdata) {
        HttpRequest *r = userdata;
        _cleanup_free_ char *msg = TAKE_PTR(r->pending);

        if (msg && deliver_data(r, &msg, r->pending_len) > 0)
                return 0;
        (void) sd_event_source_set_enabled(r->src, SD_EVENT_ON);
        return 0;
}

/* --- roost-http -------------------------------------------------------------- */

static void helper_reap(Http *h) {
        h->child_src = sd_event_source_disable_unref(h->child_src);
        h->control_fd = safe_close(h->control_fd);
        if (h->child.pid > 0)
                nsexec_kill(&h->child);
}

static int on_helper_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Http *h = userdata;
        _cleanup_free_ char *error = NULL;
        int r;

        h->child_src = sd_event_source_disable_unref(h->child_src);
        h->control_fd = safe_close(h->control_fd);
        r = nsexec_finish(&h->child, &error);
        if (r == 0)
                log_debug("roost-http exited (no transfer for a while).");
        else if (r == -127)
                log_error("Cannot execute %s (roost-http, roostd's HTTP helper). Fix: reinstall roost", http_helper_path());
        else if (error)
                log_warning("roost-http, roostd's HTTP helper, ended: %s.", error);
        else
                log_warning("roost-http, roostd's HTTP helper, exited with status %d.", -r);
        /* its requests see their sockets' EOF */
        return 0;
}

static int helper_start(Http *h) {
        _cleanup_close_pair_ int pair[2] = { -EBADF, -EBADF };
        const char *path = http_helper_path();
        char parent[32], max_host[32];
        char *argv[] = { (char *) path, (char *) "--parent", parent, (char *) "--max-host-connections", max_host, NULL };
        int fds[4] = { -1, -1, -1, -1 };
        int r;

        helper_reap(h); /* one let go before, still exiting */
        if (access(path, X_OK) < 0)
                return log_error_errno(errno, "Cannot run %s (roost-http, roostd's HTTP helper): %m. Fix: reinstall roost",
                                       path);
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, pair) < 0)
                return -errno;
        snprintf(parent, sizeof parent, "%d", (int) getpid());
        snprintf(max_host, sizeof max_host, "%u", h->max_host_connections);
        fds[3] = pair[1];
        r = nsexec_spawn(NULL, 0, argv, fds, ELEMENTSOF(fds), &h->child);
        if (r < 0)
                return log_error_errno(r, "Cannot start %s (roost-http, roostd's HTTP helper): %m", path);
        h->control_fd = TAKE_FD(pair[0]);
        r = sd_event_add_io(h->event, &h->child_src, h->child.pidfd, EPOLLIN, on_helper_exit, h);
        if (r < 0) {
                helper_reap(h);
                return r;
        }
        (void) sd_event_source_set_description(h->child_src, "roost-http");
        log_debug("Started roost-http (PID %d).", (int) h->child.pid);
        return 0;
}

static int on_idle(sd_event_source *s, uint64_t usec, void *userdata) {
        Http *h = userdata;

        /* EOF on its control socket: it exits, and on_helper_exit() reaps it */
        if (h->n_requests == 0 && h->control_fd >= 0) {
                (void) shutdown(h->control_fd, SHUT_RDWR);
                h->control_fd = safe_close(h->control_fd);
        }
        return 0;
}

int http_new(sd_event *event, unsigned max_host_connections, Http **ret) {
        const char *e = getenv("ROOST_HTTP_IDLE_MS"); /* for tests */
        Http *h;
        int r;

        h = calloc(1, sizeof *h);
        if (!h)
                return -ENOMEM;
        h->event = sd_event_ref(event);
        h->max_host_connections = max_host_connections;
        h->control_fd = -EBADF;
        h->idle_usec = !isempty(e) ? strtoull(e, NULL, 10) * 1000 : HTTP_IDLE_USEC;
        r = sd_event_add_time_relative(event, &h->idle, CLOCK_MONOTONIC, h->idle_usec, 0, on_idle, h);
        if (r < 0) {
                http_free(h);
                return r;
        }
        (void) sd_event_source_set_enabled(h->idle, SD_EVENT_OFF);
        *ret = h;
        return 0;
}

void http_free(Http *h) {
        if (!h)
                return;
        while (h->requests)
                request_free(h->requests);
        sd_event_source_disable_unref(h->idle);
        helper_reap(h);
        sd_event_unref(h->event);
        free(h);
}

/* START on the control socket, with the request's socket */
static int send_start(Http *h, const char *text, int fd) {
        int r;

        for (unsigned attempt = 0;; attempt++) {
                if (h->control_fd < 0) {
                        r = helper_start(h);
                        if (r < 0)
                                return r;
                }
                r = http_msg_send(h->control_fd, HTTP_MSG_START, text, strlen(text), NULL, 0, fd);
                if (!IN_SET(r, -EPIPE, -ECONNRESET, -ENOTCONN, -ECONNREFUSED) || attempt > 0)
                        break;
                /* it died meanwhile: once more with a new one */
                log_debug_errno(r, "roost-http is gone (%m), starting it again.");
                helper_reap(h);
        }
        if (r < 0)
                return log_error_errno(r, "Cannot pass a request to roost-http, roostd's HTTP helper: %m");
        return 0;
}

int http_request_start(Http *h, const HttpRequestParams *p, const HttpCallbacks *cb, void *userdata, HttpRequest **ret) {
        _cleanup_close_pair_ int pair[2] = { -EBADF, -EBADF };
        g_autoptr(json_t) o = http_params_to_json(p);
        _cleanup_free_ char *text = rjson_dump(o, false);
        HttpRequest *r;
        int k;

        if (!text)
                return -ENOMEM;
        (void) sd_event_source_set_enabled(h->idle, SD_EVENT_OFF);
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, pair) < 0) {
                k = -errno;
                goto fail;
        }
        k = send_start(h, text, pair[1]);
        if (k < 0)
                goto fail;
        pair[1] = safe_close(pair[1]);
        r = calloc(1, sizeof *r);
        if (!r) {
                k = -ENOMEM;
                goto fail;
        }
        *r = (HttpRequest) {
                .http = h,
                .fd = TAKE_FD(pair[0]),
                .cb = *cb,
                .userdata = userdata,
                .resp = { .content_length = -1, .retry_after = -1 },
                .version = 1,
                .next = h->requests,
        };
        if (r->next)
                r->next->prev = r;
        h->requests = r;
        h->n_requests++;
        k = sd_event_add_io(h->event, &r->src, r->fd, EPOLLIN, on_request_event, r);
        if (k >= 0)
                k = sd_event_add_defer(h->event, &r->resume_src, on_resume, r);
        if (k < 0) {
                request_free(r);
                return k;
        }
        (void) sd_event_source_set_enabled(r->resume_src, SD_EVENT_OFF);
        (void) sd_event_source_set_description(r->src, "roost-http-request");
        (void) sd_event_source_set_description(r->resume_src, "roost-http-resume");
        if (ret)
                *ret = r;
        return 0;

fail:
        /* no request left: let the helper go in due time */
        if (h->n_requests == 0) {
                (void) sd_event_source_set_time_relative(h->idle, h->idle_usec);
                (void) sd_event_source_set_enabled(h->idle, SD_EVENT_ONESHOT);
        }
        return k;
}

void http_request_cancel(HttpRequest *r) {
        /* closing our end is the cancel: roost-http sees EOF */
        request_free(r);
}

void http_request_resume(HttpRequest *r) {
        /* the kept bytes go again from the event loop, not from inside this call */
        if (r->pending)
                (void) sd_event_source_set_enabled(r->resume_src, SD_EVENT_ONESHOT);
}

int http_request_version(HttpRequest *r) {
        return r->version;
}
