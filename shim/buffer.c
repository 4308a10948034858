/* SPDX-License-Identifier: Apache-2.0 */
#include "buffer.h"
#include "macro.h"

/* above this, an empty buffer gives its memory back */
#define BUFFER_KEEP (16u * 1024)

int buffer_append(Buffer *b, const void *p, size_t n, size_t max) {
        if (n == 0)
                return 0;
        if (b->len + n > max)
                return -ENOBUFS;
        if (b->start + b->len + n > b->cap) {
                if (b->start > 0) {
                        memmove(b->data, b->data + b->start, b->len);
                        b->start = 0;
                }
                if (b->len + n > b->cap) {
                        size_t cap = MAX(b->cap * 2, (size_t) 4096);
                        uint8_t *d;
                        while (cap < b->len + n)
                                cap *= 2;
                        d = realloc(b->data, cap);
                        if (!d)
                                return -ENOMEM;
                        b->data = d;
                        b->cap = cap;
                }
        }
        memcpy(b->data + b->start + b->len, p, n);
        b->len += n;
        return 0;
}

void buffer_consume(Buffer *b, size_t n) {
        if (n >= b->len) {
                b->start = b->len = 0;
                if (b->cap > BUFFER_KEEP)
                        buffer_free(b);
                return;
        }
        b->start += n;
        b->len -= n;
}

void buffer_free(Buffer *b) {
        free(b->data);
        *b = (Buffer) {};
}

ssize_t buffer_flush_to(Buffer *b, int fd) {
        while (b->len > 0) {
                ssize_t k = write(fd, buffer_head(b), b->len);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN)
                                break;
                        return -errno;
                }
                buffer_consume(b, (size_t) k);
        }
        return (ssize_t) b->len;
}
