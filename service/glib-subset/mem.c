/* SPDX-License-Identifier: Apache-2.0 */
/* Memory and string duplication. As in GLib, running out of memory aborts. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glib-subset.h"

static void *oom(size_t n) {
        fprintf(stderr, "roostd: out of memory allocating %zu bytes\n", n);
        abort();
}

gpointer g_malloc(gsize n) {
        if (n == 0)
                return NULL;
        void *p = malloc(n);
        return p ? p : oom(n);
}

gpointer g_malloc0(gsize n) {
        if (n == 0)
                return NULL;
        void *p = calloc(1, n);
        return p ? p : oom(n);
}

static gsize mul_or_abort(gsize a, gsize b) {
        gsize r;
        if (__builtin_mul_overflow(a, b, &r)) {
                fprintf(stderr, "roostd: allocation of %zu * %zu bytes overflows\n", a, b);
                abort();
        }
        return r;
}

gpointer g_malloc0_n(gsize n_blocks, gsize block_size) {
        return g_malloc0(mul_or_abort(n_blocks, block_size));
}

gpointer g_malloc_n(gsize n_blocks, gsize block_size) {
        return g_malloc(mul_or_abort(n_blocks, block_size));
}

gpointer g_realloc(gpointer mem, gsize n) {
        if (n == 0) {
                free(mem);
                return NULL;
        }
        void *p = realloc(mem, n);
        return p ? p : oom(n);
}

gpointer g_realloc_n(gpointer mem, gsize n_blocks, gsize block_size) {
        return g_realloc(mem, mul_or_abort(n_blocks, block_size));
}

void g_free(gpointer mem) {
        free(mem);
}

gpointer g_memdup2(gconstpointer mem, gsize byte_size) {
        if (!mem || byte_size == 0)
                return NULL;
        void *p = g_malloc(byte_size);
        memcpy(p, mem, byte_size);
        return p;
}

gchar *g_strdup(const gchar *str) {
        return str ? g_memdup2(str, strlen(str) + 1) : NULL;
}

gchar *g_strndup(const gchar *str, gsize n) {
        if (!str)
                return NULL;
        gchar *p = g_malloc(n + 1);
        /* GLib copies up to n bytes and pads with NULs, like strncpy */
        strncpy(p, str, n);
        p[n] = '\0';
        return p;
}

gchar *g_strdup_vprintf(const gchar *format, va_list args) {
        char *s;
        if (vasprintf(&s, format, args) < 0)
                return oom(0);
        return s;
}

gchar *g_strdup_printf(const gchar *format, ...) {
        va_list ap;
        va_start(ap, format);
        gchar *s = g_strdup_vprintf(format, ap);
        va_end(ap);
        return s;
}
