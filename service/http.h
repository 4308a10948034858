/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

/* HTTP over libcurl's multi interface, driven by an sd-event loop: curl's
 * sockets become sd-event I/O sources and its timer an sd-event time source
 * (CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION), so transfers never block
 * the loop and need no threads. One multi handle is shared, so connections
 * are reused and HTTP/2 streams multiplexed.
 *
 * Two programs implement this API. http-curl.c is that engine; it runs in
 * roost-http (roost-http.c), roostd's HTTP helper, so that libcurl and its
 * TLS stack never enter roostd. roostd's http.c passes each request to
 * roost-http (http-proto.h) and its callbacks run in roostd's loop as the
 * engine's would; it starts the helper at the first request and lets it go
 * 30 s after the last. ROOST_HTTP_HELPER overrides the helper's path and
 * ROOST_HTTP_IDLE_MS that delay: both for tests. */

typedef struct Http Http;
typedef struct HttpRequest HttpRequest;

typedef struct HttpResponse {
        long status;
        char *content_type;
        char *www_authenticate;    /* the first challenge header */
        char *docker_content_digest;
        char *content_range;
        int64_t content_length;    /* -1 when not sent */
        int retry_after;           /* seconds, -1 when not sent */
        char *error_body;          /* body of a non-2xx answer, at most 64 KiB */
        bool tls_unverified;       /* the transfer failed: the peer's certificate could not be verified */
} HttpResponse;

typedef struct HttpCallbacks {
        /* The final response's headers arrived (after redirects). Return <0 to abort. */
        int (*on_headers)(HttpRequest *req, const HttpResponse *resp, void *userdata);
        /* Body bytes of a 2xx answer. Return 0 when consumed, -EAGAIN to
         * pause (nothing was consumed: the same bytes come again after
         * http_request_resume()), or <0 to abort. */
        int (*on_data)(HttpRequest *req, const void *p, size_t n, void *userdata);
        /* The transfer ended: r is 0 when a complete answer arrived (any
         * status), else a negative errno (-ETIMEDOUT, -ECONNRESET, -EPIPE for
         * a truncated body, -ECONNREFUSED, -ECANCELED when a callback aborted)
         * with message describing it. The request is freed after this returns. */
        void (*on_done)(HttpRequest *req, int r, const char *message, const HttpResponse *resp, void *userdata);
} HttpCallbacks;

typedef struct HttpRequestParams {
        const char *url;
        bool head;
        char **headers;          /* "Name: value" lines, NULL-terminated, or NULL */
        const char *userpwd;     /* "user:password" for Basic, or NULL */
        unsigned timeout_s;      /* connect timeout, and the longest the transfer may stall */
        uint64_t range_from;     /* > 0: ask for bytes from here (Range) */
        /* A certs.d directory (docker's and podman's layout) for an https
         * URL, or NULL: its *.crt CAs are trusted besides the system's, and
         * a NAME.cert with its NAME.key is presented as client certificate. */
        const char *tls_dir;
} HttpRequestParams;

int http_new(sd_event *event, unsigned max_host_connections, Http **ret);
void http_free(Http *h);

int http_request_start(Http *h, const HttpRequestParams *p, const HttpCallbacks *cb, void *userdata, HttpRequest **ret);
/* Stops a request; no callback runs afterwards. Not from inside a callback of the same request. */
void http_request_cancel(HttpRequest *r);
void http_request_resume(HttpRequest *r);
/* HTTP version of the connection (1, 2, 3), for logs */
int http_request_version(HttpRequest *r);
