/* SPDX-License-Identifier: Apache-2.0 */
/* The curl engine behind http.h, compiled into roost-http only (roostd's
 * http.c implements http.h by talking to roost-http): libcurl's multi
 * interface driven by roost-http's sd-event loop. */
#include <curl/curl.h>
#include <glib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "http.h"
#include "log.h"
#include "macro.h"

#define ERROR_BODY_MAX (64 * 1024)

static void socket_source_free(void *p) {
        sd_event_source_disable_unref(p);
}

struct Http {
        sd_event *event;
        CURLM *multi;
        sd_event_source *timer;
        GHashTable *sockets;  /* curl's sockets' sd-event sources (owned) */
        unsigned n_requests;
        unsigned max_host_connections;
};

struct HttpRequest {
        Http *http;
        CURL *easy;
        struct curl_slist *headers;
        HttpCallbacks cb;
        void *userdata;
        HttpResponse resp;
        bool headers_done;   /* on_headers was called for the final response */
        bool in_header_block;
        int abort_error;     /* set when a callback aborted */
        size_t error_len;
        char errbuf[CURL_ERROR_SIZE];
};

static void response_clear(HttpResponse *r) {
        free(r->content_type);
        free(r->www_authenticate);
        free(r->docker_content_digest);
        free(r->content_range);
        free(r->error_body);
        *r = (HttpResponse) { .content_length = -1, .retry_after = -1 };
}

static void request_free(HttpRequest *r) {
        if (!r)
                return;
        if (r->easy) {
                curl_multi_remove_handle(r->http->multi, r->easy);
                curl_easy_cleanup(r->easy);
                r->http->n_requests--;
        }
        curl_slist_free_all(r->headers);
        response_clear(&r->resp);
        free(r);
}

/* --- curl <-> sd-event ------------------------------------------------------ */

static void check_done(Http *h) {
        CURLMsg *msg;
        int left;

        while ((msg = curl_multi_info_read(h->multi, &left))) {
                HttpRequest *r = NULL;
                int err = 0;
                const char *message = NULL;

                if (msg->msg != CURLMSG_DONE)
                        continue;
                curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **) &r);
                if (!r)
                        continue;
                switch (msg->data.result) {
                case CURLE_OK:
                        break;
                case CURLE_OPERATION_TIMEDOUT:
                        err = -ETIMEDOUT;
                        break;
                case CURLE_PARTIAL_FILE:
                        err = -EPIPE;
                        break;
                case CURLE_COULDNT_CONNECT:
                        err = -ECONNREFUSED;
                        break;
                case CURLE_COULDNT_RESOLVE_HOST:
                case CURLE_COULDNT_RESOLVE_PROXY:
                        err = -EHOSTUNREACH;
                        break;
                case CURLE_WRITE_ERROR:
                case CURLE_ABORTED_BY_CALLBACK:
                        err = r->abort_error ?: -ECANCELED;
                        break;
                case CURLE_PEER_FAILED_VERIFICATION:
                        r->resp.tls_unverified = true;
                        err = -EPROTO;
                        break;
                case CURLE_SSL_CONNECT_ERROR:
                        err = -EPROTO;
                        break;
                default:
                        err = -ECONNRESET;
                }
                if (err)
                        message = r->errbuf[0] ? r->errbuf : curl_easy_strerror(msg->data.result);
                if (!r->resp.status)
                        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->resp.status);
                r->cb.on_done(r, err, message, &r->resp, r->userdata);
                request_free(r);
        }
}

static int on_socket_event(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Http *h = userdata;
        int running, flags = 0;

        if (revents & EPOLLIN)
                flags |= CURL_CSELECT_IN;
        if (revents & EPOLLOUT)
                flags |= CURL_CSELECT_OUT;
        if (revents & (EPOLLERR | EPOLLHUP))
                flags |= CURL_CSELECT_ERR;
        curl_multi_socket_action(h->multi, fd, flags, &running);
        check_done(h);
        return 0;
}

static int socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp) {
        Http *h = userp;
        sd_event_source *src = socketp;
        uint32_t events = 0;

        if (what == CURL_POLL_REMOVE) {
                if (src) {
                        g_hash_table_remove(h->sockets, src);
                        curl_multi_assign(h->multi, s, NULL);
                }
                return 0;
        }
        if (what & CURL_POLL_IN)
                events |= EPOLLIN;
        if (what & CURL_POLL_OUT)
                events |= EPOLLOUT;
        if (src)
                return sd_event_source_set_io_events(src, events) < 0 ? -1 : 0;
        if (sd_event_add_io(h->event, &src, s, events, on_socket_event, h) < 0)
                return -1;
        (void) sd_event_source_set_description(src, "curl-socket");
        g_hash_table_add(h->sockets, src);
        curl_multi_assign(h->multi, s, src);
        return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Http *h = userdata;
        int running;

        curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
        check_done(h);
        return 0;
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp) {
        Http *h = userp;
        uint64_t now;

        if (timeout_ms < 0)
                return sd_event_source_set_enabled(h->timer, SD_EVENT_OFF) < 0 ? -1 : 0;
        if (sd_event_now(h->event, CLOCK_MONOTONIC, &now) < 0)
                return -1;
        /* 0 means "as soon as possible": the next loop iteration, never
         * from inside this callback */
        if (sd_event_source_set_time(h->timer, now + (uint64_t) timeout_ms * 1000) < 0 ||
            sd_event_source_set_enabled(h->timer, SD_EVENT_ONESHOT) < 0)
                return -1;
        return 0;
}

int http_new(sd_event *event, unsigned max_host_connections, Http **ret) {
        Http *h;
        int r;

        h = calloc(1, sizeof *h);
        if (!h)
                return -ENOMEM;
        h->event = sd_event_ref(event);
        h->max_host_connections = max_host_connections;
        r = sd_event_add_time(event, &h->timer, CLOCK_MONOTONIC, UINT64_MAX, 1000, on_timer, h);
        if (r < 0) {
                http_free(h);
                return r;
        }
        (void) sd_event_source_set_enabled(h->timer, SD_EVENT_OFF);
        (void) sd_event_source_set_description(h->timer, "curl-timer");
        h->sockets = g_hash_table_new_full(NULL, NULL, socket_source_free, NULL);
        *ret = h;
        return 0;
}

/* the multi handle is set up at the first request (roost-http's main()
 * initialised libcurl) */
static int http_ensure(Http *h) {
        if (h->multi)
                return 0;
        h->multi = curl_multi_init();
        if (!h->multi)
                return -ENOMEM;
        curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
        curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
        curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
        curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
        curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, (long) CURLPIPE_MULTIPLEX);
        if (h->max_host_connections > 0)
                curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long) h->max_host_connections + 1);
        return 0;
}

/* The multi handle and its connections go; sources of sockets curl did
 * not report removed with them. */
static void http_close(Http *h) {
        if (h->multi)
                curl_multi_cleanup(h->multi);
        h->multi = NULL;
        if (h->sockets)
                g_hash_table_remove_all(h->sockets);
        (void) sd_event_source_set_enabled(h->timer, SD_EVENT_OFF);
}

void http_free(Http *h) {
        if (!h)
                return;
        http_close(h);
        if (h->sockets)
                g_hash_table_destroy(h->sockets);
        sd_event_source_disable_unref(h->timer);
        sd_event_unref(h->event);
        free(h);
}

/* --- callbacks from curl ----------------------------------------------------- */

static char *header_value(const char *line, size_t n, const char *name) {
        size_t l = strlen(name);
        const char *v, *end = line + n;

        if (n <= l || strncasecmp(line, name, l) != 0 || line[l] != ':')
                return NULL;
        v = line + l + 1;
        while (v < end && (*v == ' ' || *v == '\t'))
                v++;
        while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
                end--;
        return strndup(v, (size_t) (end - v));
}

static size_t header_cb(char *buf, size_t size, size_t nitems, void *userdata) {
        HttpRequest *r = userdata;
        size_t n = size * nitems;
        char *v;

        if (n >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
                /* a new response (first, after a redirect, or 100 Continue) */
                response_clear(&r->resp);
                r->in_header_block = true;
                r->error_len = 0;
                const char *sp = memchr(buf, ' ', n);
                if (sp)
                        r->resp.status = strtol(sp + 1, NULL, 10);
                return n;
        }
        if (n <= 2 && (buf[0] == '\r' || buf[0] == '\n')) {
                r->in_header_block = false;
                if (r->resp.status >= 300 && r->resp.status < 400 && r->resp.status != 304)
                        return n; /* curl follows the redirect */
                if (r->resp.status < 200)
                        return n;
                if (!r->headers_done && r->cb.on_headers) {
                        int k;
                        r->headers_done = true;
                        k = r->cb.on_headers(r, &r->resp, r->userdata);
                        if (k < 0) {
                                r->abort_error = k;
                                return 0; /* CURLE_WRITE_ERROR */
                        }
                }
                r->headers_done = true;
                return n;
        }
        if ((v = header_value(buf, n, "Content-Type")))
                free(r->resp.content_type), r->resp.content_type = v;
        else if ((v = header_value(buf, n, "WWW-Authenticate"))) {
                if (!r->resp.www_authenticate)
                        r->resp.www_authenticate = v;
                else
                        free(v);
        } else if ((v = header_value(buf, n, "Docker-Content-Digest")))
                free(r->resp.docker_content_digest), r->resp.docker_content_digest = v;
        else if ((v = header_value(buf, n, "Content-Range")))
                free(r->resp.content_range), r->resp.content_range = v;
        else if ((v = header_value(buf, n, "Content-Length"))) {
                char *end;
                long long l = strtoll(v, &end, 10);
                r->resp.content_length = (*v && !*end && l >= 0) ? l : -1;
                free(v);
        } else if ((v = header_value(buf, n, "Retry-After"))) {
                char *end;
                long l = strtol(v, &end, 10);
                /* seconds; an HTTP date counts as "a little while" */
                r->resp.retry_after = (*v && !*end && l >= 0) ? (int) MIN(l, 3600L) : 2;
                free(v);
        }
        return n;
}

static size_t write_cb(char *buf, size_t size, size_t nitems, void *userdata) {
        HttpRequest *r = userdata;
        size_t n = size * nitems;
        int k;

        if (r->resp.status < 200 || r->resp.status >= 300) {
                /* keep the start of an error answer for the message */
                size_t take = MIN(n, (size_t) ERROR_BODY_MAX - r->error_len);
                if (take > 0) {
                        char *b = realloc(r->resp.error_body, r->error_len + take + 1);
                        if (!b)
                                return 0;
                        memcpy(b + r->error_len, buf, take);
                        r->error_len += take;
                        b[r->error_len] = 0;
                        r->resp.error_body = b;
                }
                return n;
        }
        k = r->cb.on_data ? r->cb.on_data(r, buf, n, r->userdata) : 0;
        if (k == -EAGAIN)
                return CURL_WRITEFUNC_PAUSE;
        if (k < 0) {
                r->abort_error = k;
                return 0;
        }
        return n;
}

static gint cmp_names(gconstpointer a, gconstpointer b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* A certs.d directory: the system's CAs plus every *.crt in dir (as a blob,
 * so the system bundle stays trusted), and the first NAME.cert that has a
 * NAME.key as client certificate. */
static int tls_dir_apply(CURL *e, const char *dir) {
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GString) pem = g_string_new(NULL);
        g_autofree char *cert = NULL, *key = NULL;
        const char *name, *system_ca = NULL;

        if (!d)
                return 0; /* gone meanwhile: the system's CAs only */
        while ((name = g_dir_read_name(d)))
                g_ptr_array_add(names, g_strdup(name));
        g_ptr_array_sort(names, cmp_names);
        for (guint i = 0; i < names->len; i++) {
                const char *n = names->pdata[i];
                g_autofree char *path = g_build_filename(dir, n, NULL), *text = NULL;
                if (g_str_has_suffix(n, ".crt")) {
                        if (!g_file_get_contents(path, &text, NULL, NULL)) {
                                log_warning("Cannot read %s, not trusting it.", path);
                                continue;
                        }
                        if (pem->len == 0) {
                                g_autofree char *sys = NULL;
                                (void) curl_easy_getinfo(e, CURLINFO_CAINFO, &system_ca);
                                if (system_ca && g_file_get_contents(system_ca, &sys, NULL, NULL))
                                        g_string_append(pem, sys);
                        }
                        g_string_append_c(pem, '\n');
                        g_string_append(pem, text);
                } else if (g_str_has_suffix(n, ".cert") && !cert) {
                        g_autofree char *base = g_strndup(n, strlen(n) - strlen(".cert"));
                        g_autofree char *k = g_strdup_printf("%s/%s.key", dir, base);
                        if (access(k, R_OK) == 0) {
                                cert = g_steal_pointer(&path);
                                key = g_steal_pointer(&k);
                        } else
                                log_warning("Client certificate %s has no %s beside it; not using it.", path, k);
                }
        }
        if (pem->len > 0) {
                struct curl_blob blob = { .data = pem->str, .len = pem->len, .flags = CURL_BLOB_COPY };
                if (curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob) != CURLE_OK)
                        return log_warning_errno(EOPNOTSUPP, "libcurl cannot take the CAs of %s: %m", dir);
        }
        if (cert) {
                curl_easy_setopt(e, CURLOPT_SSLCERT, cert);
                curl_easy_setopt(e, CURLOPT_SSLKEY, key);
        }
        return 0;
}

int http_request_start(Http *h, const HttpRequestParams *p, const HttpCallbacks *cb, void *userdata, HttpRequest **ret) {
        HttpRequest *r;
        CURL *e;
        int k;

        k = http_ensure(h);
        if (k < 0)
                return k;
        r = calloc(1, sizeof *r);
        if (!r)
                return -ENOMEM;
        r->http = h;
        r->cb = *cb;
        r->userdata = userdata;
        r->resp = (HttpResponse) { .content_length = -1, .retry_after = -1 };
        e = r->easy = curl_easy_init();
        if (!e) {
                free(r);
                return -ENOMEM;
        }
        h->n_requests++;
        for (char **l = p->headers; l && *l; l++) {
                struct curl_slist *n = curl_slist_append(r->headers, *l);
                if (!n) {
                        request_free(r);
                        return -ENOMEM;
                }
                r->headers = n;
        }
        curl_easy_setopt(e, CURLOPT_URL, p->url);
        curl_easy_setopt(e, CURLOPT_PRIVATE, r);
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_2TLS);
        curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
        curl_easy_setopt(e, CURLOPT_USERAGENT, "roost/" ROOST_VERSION);
        curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 128L * 1024);
        if (p->timeout_s > 0) {
                curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, (long) p->timeout_s);
                curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
                curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (long) p->timeout_s);
        }
        if (p->head)
                curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        if (p->userpwd) {
                curl_easy_setopt(e, CURLOPT_USERPWD, p->userpwd);
                curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long) CURLAUTH_BASIC);
        }
        if (p->range_from > 0) {
                char range[64];
                snprintf(range, sizeof range, "%llu-", (unsigned long long) p->range_from);
                curl_easy_setopt(e, CURLOPT_RANGE, range);
        }
        if (p->tls_dir && g_str_has_prefix(p->url, "https:")) {
                k = tls_dir_apply(e, p->tls_dir);
                if (k < 0) {
                        request_free(r);
                        return k;
                }
        }
        if (curl_multi_add_handle(h->multi, e) != CURLM_OK) {
                request_free(r);
                return -EIO;
        }
        if (ret)
                *ret = r;
        return 0;
}

void http_request_cancel(HttpRequest *r) {
        request_free(r);
}

void http_request_resume(HttpRequest *r) {
        curl_easy_pause(r->easy, CURLPAUSE_CONT);
}

int http_request_version(HttpRequest *r) {
        long v = 0;
        curl_easy_getinfo(r->easy, CURLINFO_HTTP_VERSION, &v);
        return v == CURL_HTTP_VERSION_2_0 ? 2 : v == CURL_HTTP_VERSION_3 ? 3 : 1;
}
