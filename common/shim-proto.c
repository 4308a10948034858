/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "fileio.h"
#include "kv.h"
#include "macro.h"
#include "shim-proto.h"

bool shim_frame_type_valid(uint8_t type) {
        return IN_SET(type, SHIM_FRAME_REQUEST, SHIM_FRAME_REPLY, SHIM_FRAME_ERROR, SHIM_FRAME_STDIN,
                      SHIM_FRAME_STDOUT, SHIM_FRAME_STDERR, SHIM_FRAME_STDIN_EOF, SHIM_FRAME_RESIZE,
                      SHIM_FRAME_EXIT, SHIM_FRAME_DETACHED);
}

void shim_frame_header(uint8_t hdr[SHIM_FRAME_HEADER_SIZE], uint8_t type, uint32_t len) {
        hdr[0] = type;
        hdr[1] = (uint8_t) (len >> 24);
        hdr[2] = (uint8_t) (len >> 16);
        hdr[3] = (uint8_t) (len >> 8);
        hdr[4] = (uint8_t) len;
}

ssize_t shim_frame_parse(const void *buf, size_t len, ShimFrame *ret) {
        const uint8_t *p = buf;
        uint32_t n;

        if (len < 1)
                return 0;
        if (!shim_frame_type_valid(p[0]))
                return -EBADMSG;
        if (len < SHIM_FRAME_HEADER_SIZE)
                return 0;
        n = (uint32_t) p[1] << 24 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 8 | p[4];
        if (n > SHIM_FRAME_MAX)
                return -EBADMSG;
        if (len - SHIM_FRAME_HEADER_SIZE < n)
                return 0;
        *ret = (ShimFrame) { .type = p[0], .len = n, .payload = p + SHIM_FRAME_HEADER_SIZE };
        return (ssize_t) (SHIM_FRAME_HEADER_SIZE + n);
}

int shim_frame_write(int fd, uint8_t type, const void *payload, size_t len) {
        uint8_t hdr[SHIM_FRAME_HEADER_SIZE];
        int r;

        if (len > SHIM_FRAME_MAX)
                return -EMSGSIZE;
        shim_frame_header(hdr, type, (uint32_t) len);
        r = loop_write(fd, hdr, sizeof hdr);
        if (r < 0 || len == 0)
                return r;
        return loop_write(fd, payload, len);
}

int shim_frame_read(int fd, uint8_t *ret_type, void *buf, size_t size, size_t *ret_len) {
        uint8_t hdr[SHIM_FRAME_HEADER_SIZE];
        ShimFrame f;
        ssize_t k;

        k = loop_read(fd, hdr, sizeof hdr);
        if (k < 0)
                return (int) k;
        if (k == 0)
                return -ECONNRESET;
        if (k < (ssize_t) sizeof hdr)
                return -EPROTO;
        if (!shim_frame_type_valid(hdr[0]))
                return -EBADMSG;
        f.len = (uint32_t) hdr[1] << 24 | (uint32_t) hdr[2] << 16 | (uint32_t) hdr[3] << 8 | hdr[4];
        if (f.len > SHIM_FRAME_MAX)
                return -EBADMSG;
        if (f.len >= size) {
                /* skip it, so the stream stays in step */
                for (uint32_t left = f.len; left > 0;) {
                        char sink[4096];
                        k = loop_read(fd, sink, MIN(left, (uint32_t) sizeof sink));
                        if (k <= 0)
                                return k < 0 ? (int) k : -EPROTO;
                        left -= (uint32_t) k;
                }
                return -EMSGSIZE;
        }
        k = loop_read(fd, buf, f.len);
        if (k < 0)
                return (int) k;
        if ((uint32_t) k < f.len)
                return -EPROTO;
        ((char *) buf)[f.len] = 0;
        *ret_type = hdr[0];
        *ret_len = f.len;
        return 0;
}

int shim_sockaddr(int dirfd, const char *dir, const char *name, struct sockaddr_un *ret, socklen_t *ret_len) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int n;

        n = snprintf(sa.sun_path, sizeof sa.sun_path, "%s/%s", dir, name);
        if (n < 0 || (size_t) n >= sizeof sa.sun_path) {
                if (dirfd < 0)
                        return -ENAMETOOLONG;
                n = snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/%s", dirfd, name);
                if (n < 0 || (size_t) n >= sizeof sa.sun_path)
                        return -ENAMETOOLONG;
        }
        *ret = sa;
        *ret_len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + (size_t) n + 1);
        return 0;
}

int shim_connect(const char *state_dir) {
        struct sockaddr_un sa;
        socklen_t salen;
        _cleanup_close_ int fd = -EBADF, dirfd = -EBADF;
        int r;

        r = shim_sockaddr(-1, state_dir, SHIM_SOCKET_FILE, &sa, &salen);
        if (r == -ENAMETOOLONG) {
                dirfd = open(state_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (dirfd < 0)
                        return -errno;
                r = shim_sockaddr(dirfd, state_dir, SHIM_SOCKET_FILE, &sa, &salen);
        }
        if (r < 0)
                return r;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *) &sa, salen) < 0)
                return -errno;
        return TAKE_FD(fd);
}

static int request_field(const char *key, const char *value, unsigned line, void *userdata) {
        ShimRequest *req = userdata;

        if (req->n_fields >= SHIM_REQUEST_FIELDS_MAX)
                return -EBADMSG;
        req->keys[req->n_fields] = key;
        req->values[req->n_fields] = value;
        req->n_fields++;
        return 0;
}

int shim_request_parse(char *payload, size_t len, ShimRequest *ret) {
        ShimRequest req = {};
        char *nl, *end;
        int r;

        if (memchr(payload, 0, len))
                return -EBADMSG;
        nl = strchr(payload, '\n');
        if (nl)
                *nl = 0;
        if (isempty(payload) || strlen(payload) > 32)
                return -EBADMSG;
        for (const char *c = payload; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || *c == '-'))
                        return -EBADMSG;
        req.op = payload;
        if (nl) {
                char *fields = nl + 1;
                end = strstr(fields, "\n\n");
                if (fields[0] == '\n')
                        end = fields - 1; /* no fields, then a body */
                if (end) {
                        end[1] = 0;
                        req.body = end + 2;
                        req.body_len = len - (size_t) (req.body - payload);
                }
                if (end != fields - 1) {
                        r = kv_parse(fields, request_field, &req, NULL);
                        if (r < 0)
                                return -EBADMSG;
                }
        }
        *ret = req;
        return 0;
}

const char *shim_request_get(const ShimRequest *req, const char *key) {
        const char *v = NULL;

        for (size_t i = 0; i < req->n_fields; i++)
                if (streq(req->keys[i], key))
                        v = req->values[i];
        return v;
}

int shim_request_format(const char *op, const char *const *fields, const char *body, size_t body_len,
                        char **ret, size_t *ret_len) {
        size_t len = strlen(op) + 1;
        char *buf, *p;

        for (const char *const *f = fields; f && f[0]; f += 2) {
                if (!f[1] || strchr(f[1], '\n'))
                        return -EINVAL;
                len += strlen(f[0]) + 1 + strlen(f[1]) + 1;
        }
        if (body)
                len += 1 + body_len;
        if (len > SHIM_FRAME_MAX)
                return -E2BIG;
        buf = p = malloc(len + 1);
        if (!buf)
                return -ENOMEM;
        p = stpcpy(stpcpy(p, op), "\n");
        for (const char *const *f = fields; f && f[0]; f += 2)
                p = stpcpy(stpcpy(stpcpy(stpcpy(p, f[0]), "="), f[1]), "\n");
        if (body) {
                *p++ = '\n';
                memcpy(p, body, body_len);
                p += body_len;
        }
        *p = 0;
        *ret = buf;
        *ret_len = (size_t) (p - buf);
        return 0;
}
