/* SPDX-License-Identifier: Apache-2.0 */
/* roost-http: roostd's HTTP helper. libcurl brings OpenSSL (which can never
 * be unloaded), p11-kit, libffi and more: some 4 MiB that an idle roostd
 * would keep for ever after its first pull. So transfers run here, in a
 * process roostd starts at the first request and lets go 30 s after the
 * last (it closes the control socket: we exit).
 *
 *   roost-http --parent PID [--max-host-connections N]
 *        fd 3: the control socket (AF_UNIX SOCK_SEQPACKET); http-proto.h
 *        describes the protocol
 *
 * The transfers are http-curl.c's, unchanged: libcurl's multi interface on
 * an sd-event loop. Each request has its own socket, so that a full one
 * pauses that transfer alone. */
#include <curl/curl.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http-proto.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "macro.h"

#define FD_CONTROL 3

typedef struct Message {
        struct Message *next;
        char type;
        size_t len;
        char data[];
} Message;

typedef struct Transfer Transfer;

typedef struct Helper {
        sd_event *event;
        Http *http;
        sd_event_source *control_src;
        Transfer *transfers;
} Helper;

struct Transfer {
        Helper *helper;
        Transfer *prev, *next;
        int fd;                 /* the request's socket */
        sd_event_source *src;
        HttpRequest *req;       /* NULL once the engine is done with it */
        Message *queue, *queue_tail; /* what the socket did not take yet */
        bool paused;            /* on_data said -EAGAIN: resume when the queue is sent */
};

static void transfer_free(Transfer *t) {
        if (!t)
                return;
        if (t->req)
                http_request_cancel(t->req);
        sd_event_source_disable_unref(t->src);
        safe_close(t->fd);
        while (t->queue) {
                Message *m = t->queue;
                t->queue = m->next;
                free(m);
        }
        if (t->prev)
                t->prev->next = t->next;
        else
                t->helper->transfers = t->next;
        if (t->next)
                t->next->prev = t->prev;
        free(t);
}

/* Sends a message, or queues it behind those the socket did not take yet.
 * -EPIPE when roostd closed the request (it cancelled it). */
static int transfer_send(Transfer *t, char type, const void *a, size_t a_len, const void *b, size_t b_len) {
        Message *m;
        int r;

        if (!t->queue) {
                r = http_msg_send(t->fd, type, a, a_len, b, b_len, -1);
                if (r != -EAGAIN)
                        return r == -ECONNRESET ? -EPIPE : r;
        }
        m = malloc(sizeof *m + a_len + b_len);
        if (!m)
                return -ENOMEM;
        *m = (Message) { .type = type, .len = a_len + b_len };
        if (a_len > 0)
                memcpy(m->data, a, a_len);
        if (b_len > 0)
                memcpy(m->data + a_len, b, b_len);
        if (t->queue_tail)
                t->queue_tail->next = m;
        else
                t->queue = m;
        t->queue_tail = m;
        (void) sd_event_source_set_io_events(t->src, EPOLLIN | EPOLLOUT);
        return 0;
}

static int transfer_send_json(Transfer *t, char type, json_t *o, const char *raw) {
        _cleanup_free_ char *text = rjson_dump(o, false);

        if (!text)
                return -ENOMEM;
        /* DONE: the JSON, its NUL, the raw error body */
        return transfer_send(t, type, text, strlen(text) + (type == HTTP_MSG_DONE), raw, raw ? strlen(raw) : 0);
}

static int on_headers(HttpRequest *req, const HttpResponse *resp, void *userdata) {
        Transfer *t = userdata;
        g_autoptr(json_t) o = rjson_object();

        rjson_set(o, "response", http_response_to_json(resp));
        rjson_set(o, "version", rjson_must(json_integer(http_request_version(req))));
        return transfer_send_json(t, HTTP_MSG_HEADERS, o, NULL);
}

static int on_data(HttpRequest *req, const void *p, size_t n, void *userdata) {
        Transfer *t = userdata;
        int r;

        /* roostd has not taken the last bytes yet: curl keeps these */
        if (t->queue) {
                t->paused = true;
                return -EAGAIN;
        }
        for (size_t off = 0; off < n; off += HTTP_DATA_MAX) {
                r = transfer_send(t, HTTP_MSG_DATA, (const char *) p + off, MIN(n - off, (size_t) HTTP_DATA_MAX), NULL, 0);
                if (r < 0)
                        return r;
        }
        return 0;
}

static void on_done(HttpRequest *req, int r, const char *message, const HttpResponse *resp, void *userdata) {
        Transfer *t = userdata;
        g_autoptr(json_t) o = rjson_object();

        t->req = NULL; /* the engine frees it after this */
        rjson_set(o, "r", rjson_must(json_integer(r)));
        rjson_set(o, "message", rjson_string(message));
        rjson_set(o, "response", http_response_to_json(resp));
        if (transfer_send_json(t, HTTP_MSG_DONE, o, resp->error_body) < 0 || !t->queue)
                transfer_free(t);
        /* else it goes when the queue is sent */
}

static int on_transfer_event(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Transfer *t = userdata;

        /* roostd never writes here: readable means it closed its end */
        if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                transfer_free(t);
                return 0;
        }
        while (t->queue) {
                Message *m = t->queue;
                int r = http_msg_send(t->fd, m->type, m->data, m->len, NULL, 0, -1);
                if (r == -EAGAIN)
                        return 0;
                if (r < 0) {
                        transfer_free(t);
                        return 0;
                }
                t->queue = m->next;
                if (!t->queue)
                        t->queue_tail = NULL;
                free(m);
        }
        (void) sd_event_source_set_io_events(t->src, EPOLLIN);
        if (!t->req) {
                transfer_free(t); /* DONE is sent */
                return 0;
        }
        if (t->paused) {
                t->paused = false;
                http_request_resume(t->req);
        }
        return 0;
}

static void start_failed(int fd, int r, const char *message) {
        g_autoptr(json_t) o = rjson_object();
        HttpResponse resp = { .content_length = -1, .retry_after = -1 };
        _cleanup_free_ char *text = NULL;

        rjson_set(o, "r", rjson_must(json_integer(r)));
        rjson_set(o, "message", rjson_string(message));
        rjson_set(o, "response", http_response_to_json(&resp));
        text = rjson_dump(o, false);
        if (text)
                (void) http_msg_send(fd, HTTP_MSG_DONE, text, strlen(text) + 1, NULL, 0, -1);
}

static void transfer_start(Helper *h, const char *text, size_t len, int fd) {
        static const HttpCallbacks cb = { .on_headers = on_headers, .on_data = on_data, .on_done = on_done };
        _cleanup_free_ char **headers = NULL;
        g_autofree char *error = NULL;
        g_autoptr(json_t) o = rjson_parse(text, (ssize_t) len, &error);
        HttpRequestParams p;
        Transfer *t;
        int r;

        r = o ? http_params_from_json(o, &p) : -EBADMSG;
        if (r < 0) {
                log_error_errno(r, "Bad request from roostd: %s", error ?: "not a request");
                start_failed(fd, r, "roost-http got a request it does not understand (roostd and roost-http differ: reinstall roost)");
                safe_close(fd);
                return;
        }
        headers = p.headers;
        t = calloc(1, sizeof *t);
        if (!t) {
                safe_close(fd);
                return;
        }
        t->helper = h;
        t->fd = fd;
        t->next = h->transfers;
        if (t->next)
                t->next->prev = t;
        h->transfers = t;
        r = sd_event_add_io(h->event, &t->src, fd, EPOLLIN, on_transfer_event, t);
        if (r < 0) {
                transfer_free(t);
                return;
        }
        r = http_request_start(h->http, &p, &cb, t, &t->req);
        if (r < 0) {
                start_failed(fd, r, strerror(-r));
                transfer_free(t);
        }
}

static int on_control(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Helper *h = userdata;

        for (;;) {
                _cleanup_free_ char *buf = NULL;
                _cleanup_close_ int req_fd = -EBADF;
                ssize_t n = http_msg_recv(fd, &buf, &req_fd);

                if (n == -EAGAIN || n == -EINTR)
                        return 0;
                if (n <= 0) {
                        /* roostd let us go (or is gone): cancel everything */
                        if (n < 0)
                                log_debug_errno((int) n, "Control socket: %m");
                        return sd_event_exit(h->event, 0);
                }
                if (buf[0] != HTTP_MSG_START || req_fd < 0) {
                        log_warning("Unknown message from roostd, ignoring it.");
                        continue;
                }
                (void) fcntl(req_fd, F_SETFL, O_RDWR | O_NONBLOCK);
                transfer_start(h, buf + 1, (size_t) n - 1, TAKE_FD(req_fd));
        }
}

static int usage(void) {
        fprintf(stderr, "usage: roost-http --parent PID [--max-host-connections N] (an internal helper of roostd; fd 3: its control socket)\n");
        return 2;
}

int main(int argc, char **argv) {
        static const struct option options[] = {
                { "parent", required_argument, NULL, 'p' },
                { "max-host-connections", required_argument, NULL, 'm' },
                {},
        };
        Helper h = {};
        unsigned max_host = 0;
        pid_t parent = 0;
        int c, r;

        log_setup("roost-http");
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 'p':
                        parent = (pid_t) atoi(optarg);
                        break;
                case 'm':
                        max_host = (unsigned) strtoul(optarg, NULL, 10);
                        break;
                default:
                        return usage();
                }
        if (parent <= 0 || optind != argc || fcntl(FD_CONTROL, F_GETFD) < 0)
                return usage();
        /* never outlive roostd: it may have died before the prctl() */
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
                return EXIT_FAILURE;
        (void) signal(SIGPIPE, SIG_IGN);
        /* descriptors 0 and 1 are closed: keep curl's sockets off them */
        for (int fd = 0; fd <= 1; fd++)
                if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
                        return EXIT_FAILURE;
        (void) fcntl(FD_CONTROL, F_SETFD, FD_CLOEXEC);
        (void) fcntl(FD_CONTROL, F_SETFL, O_RDWR | O_NONBLOCK);

        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
                log_error("libcurl failed to initialise.");
                return EXIT_FAILURE;
        }
        r = sd_event_default(&h.event);
        if (r >= 0)
                r = http_new(h.event, max_host, &h.http);
        if (r >= 0)
                r = sd_event_add_io(h.event, &h.control_src, FD_CONTROL, EPOLLIN, on_control, &h);
        if (r >= 0)
                r = sd_event_loop(h.event);
        if (r < 0)
                log_error_errno(r, "roost-http failed: %m");

        while (h.transfers)
                transfer_free(h.transfers);
        sd_event_source_disable_unref(h.control_src);
        http_free(h.http);
        sd_event_unref(h.event);
        curl_global_cleanup();
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
