/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "http-proto.h"
#include "json.h"
#include "macro.h"

void http_response_clear(HttpResponse *r) {
        free(r->content_type);
        free(r->www_authenticate);
        free(r->docker_content_digest);
        free(r->content_range);
        free(r->error_body);
        *r = (HttpResponse) { .content_length = -1, .retry_after = -1 };
}

json_t *http_params_to_json(const HttpRequestParams *p) {
        json_t *o = rjson_object(), *h = rjson_array();

        rjson_set(o, "url", rjson_string(p->url));
        rjson_set(o, "head", rjson_must(json_boolean(p->head)));
        for (char **l = p->headers; l && *l; l++)
                rjson_append(h, rjson_string(*l));
        rjson_set(o, "headers", h);
        rjson_set(o, "userpwd", rjson_string(p->userpwd));
        rjson_set(o, "timeout_s", rjson_must(json_integer(p->timeout_s)));
        rjson_set(o, "range_from", rjson_must(json_integer((json_int_t) p->range_from)));
        rjson_set(o, "tls_dir", rjson_string(p->tls_dir));
        return o;
}

int http_params_from_json(const json_t *o, HttpRequestParams *p) {
        json_t *h = rjson_get_array(o, "headers");
        size_t n = json_array_size(h);

        *p = (HttpRequestParams) {
                .url = rjson_get_string(o, "url"),
                .head = rjson_get_bool_or(o, "head", false),
                .userpwd = rjson_get_string(o, "userpwd"),
                .timeout_s = (unsigned) rjson_get_int_or(o, "timeout_s", 0),
                .range_from = (uint64_t) MAX(rjson_get_int_or(o, "range_from", 0), (int64_t) 0),
                .tls_dir = rjson_get_string(o, "tls_dir"),
        };
        if (!p->url)
                return -EBADMSG;
        if (n > 0) {
                p->headers = calloc(n + 1, sizeof(char *));
                if (!p->headers)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++) {
                        const char *s = json_string_value(json_array_get(h, i));
                        if (!s) {
                                free(p->headers);
                                p->headers = NULL;
                                return -EBADMSG;
                        }
                        p->headers[i] = (char *) s;
                }
        }
        return 0;
}

json_t *http_response_to_json(const HttpResponse *r) {
        json_t *o = rjson_object();

        rjson_set(o, "status", rjson_must(json_integer(r->status)));
        rjson_set(o, "content_type", rjson_string(r->content_type));
        rjson_set(o, "www_authenticate", rjson_string(r->www_authenticate));
        rjson_set(o, "docker_content_digest", rjson_string(r->docker_content_digest));
        rjson_set(o, "content_range", rjson_string(r->content_range));
        rjson_set(o, "content_length", rjson_must(json_integer(r->content_length)));
        rjson_set(o, "retry_after", rjson_must(json_integer(r->retry_after)));
        rjson_set(o, "tls_unverified", rjson_must(json_boolean(r->tls_unverified)));
        return o;
}

static char *dup_or_null(const char *s) {
        return s ? strdup(s) : NULL;
}

void http_response_from_json(const json_t *o, HttpResponse *r) {
        r->status = (long) rjson_get_int_or(o, "status", 0);
        r->content_type = dup_or_null(rjson_get_string(o, "content_type"));
        r->www_authenticate = dup_or_null(rjson_get_string(o, "www_authenticate"));
        r->docker_content_digest = dup_or_null(rjson_get_string(o, "docker_content_digest"));
        r->content_range = dup_or_null(rjson_get_string(o, "content_range"));
        r->content_length = rjson_get_int_or(o, "content_length", -1);
        r->retry_after = (int) rjson_get_int_or(o, "retry_after", -1);
        r->tls_unverified = rjson_get_bool_or(o, "tls_unverified", false);
}

ssize_t http_msg_recv(int fd, char **ret_buf, int *ret_fd) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int) * 4)];
        } control = {};
        struct iovec iov;
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof control };
        _cleanup_free_ char *buf = NULL;
        ssize_t size, n;
        char c;

        if (ret_fd)
                *ret_fd = -EBADF;
        /* the size first: MSG_TRUNC makes recv() answer the whole length */
        size = recv(fd, &c, 1, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
        if (size < 0)
                return -errno;
        if (size == 0)
                return 0; /* EOF: every message has its type byte */
        buf = malloc((size_t) size + 1);
        if (!buf)
                return -ENOMEM;
        iov = (struct iovec) { .iov_base = buf, .iov_len = (size_t) size };
        n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n < 0)
                return -errno;
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
                if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                int fds[4];
                memcpy(fds, CMSG_DATA(cm), MIN(k, ELEMENTSOF(fds)) * sizeof(int));
                for (size_t i = 0; i < MIN(k, ELEMENTSOF(fds)); i++) {
                        if (ret_fd && *ret_fd < 0)
                                *ret_fd = fds[i];
                        else
                                safe_close(fds[i]);
                }
        }
        if (n == 0)
                return 0;
        buf[n] = 0;
        *ret_buf = TAKE_PTR(buf);
        return n;
}

int http_msg_send(int fd, char type, const void *a, size_t a_len, const void *b, size_t b_len, int pass_fd) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct iovec iov[3] = {
                { .iov_base = &type, .iov_len = 1 },
                { .iov_base = (void *) a, .iov_len = a ? a_len : 0 },
                { .iov_base = (void *) b, .iov_len = b ? b_len : 0 },
        };
        struct msghdr mh = { .msg_iov = iov, .msg_iovlen = ELEMENTSOF(iov) };

        if (pass_fd >= 0) {
                struct cmsghdr *cm;
                mh.msg_control = &control;
                mh.msg_controllen = sizeof control;
                cm = CMSG_FIRSTHDR(&mh);
                cm->cmsg_level = SOL_SOCKET;
                cm->cmsg_type = SCM_RIGHTS;
                cm->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
        }
        if (sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
                return -errno;
        return 0;
}
