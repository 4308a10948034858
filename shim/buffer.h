/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A byte queue with a hard limit, for data on its way to a slow peer. Its
 * memory is given back once it drains, so an idle shim stays small. */
typedef struct Buffer {
        uint8_t *data;
        size_t start, len, cap;
} Buffer;

/* -ENOBUFS when it would grow past max (nothing is added then). */
int buffer_append(Buffer *b, const void *p, size_t n, size_t max);
static inline const uint8_t *buffer_head(const Buffer *b) {
        return b->data + b->start;
}
void buffer_consume(Buffer *b, size_t n);
void buffer_free(Buffer *b);
/* Writes as much as fd (non-blocking; SIGPIPE ignored) takes; returns the
 * bytes left, or a negative errno other than EAGAIN. */
ssize_t buffer_flush_to(Buffer *b, int fd);
