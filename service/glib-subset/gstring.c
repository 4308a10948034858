/* SPDX-License-Identifier: Apache-2.0 */
/* GString: glib.h's public struct {str, len, allocated_len}. str is always
 * NUL-terminated and allocated_len > len, which the inline
 * g_string_append_c of glib.h relies on. */
#include "glib-subset.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* makes room for extra more bytes plus the NUL */
static void string_reserve(GString *s, gsize extra) {
        gsize need, size = 64;

        if (__builtin_add_overflow(s->len, extra, &need) || need == G_MAXSIZE) {
                fprintf(stderr, "roostd: string of %zu + %zu bytes is too long\n", s->len, extra);
                abort();
        }
        need++;
        if (need <= s->allocated_len)
                return;
        while (size < need)
                size = size > G_MAXSIZE / 2 ? need : size * 2;
        s->str = g_realloc(s->str, size);
        s->allocated_len = size;
}

GString *g_string_new(const gchar *init) {
        GString *s = g_malloc(sizeof *s);

        s->str = NULL;
        s->len = 0;
        s->allocated_len = 0;
        string_reserve(s, init ? strlen(init) : 0);
        s->str[0] = '\0';
        if (init)
                g_string_append(s, init);
        return s;
}

gchar *g_string_free(GString *string, gboolean free_segment) {
        g_return_val_if_fail(string != NULL, NULL);

        gchar *str = string->str;
        g_free(string);
        if (free_segment) {
                g_free(str);
                return NULL;
        }
        return str;
}

GString *g_string_append_len(GString *string, const gchar *val, gssize len) {
        g_return_val_if_fail(string != NULL, NULL);
        g_return_val_if_fail(len == 0 || val != NULL, string);

        if (len == 0)
                return string;
        gsize n = len < 0 ? strlen(val) : (gsize) len;

        /* val may point into the string itself, which may move */
        uintptr_t v = (uintptr_t) val, base = (uintptr_t) string->str;
        gboolean inside = v >= base && v < base + string->allocated_len;
        gsize offset = (gsize) (v - base);

        string_reserve(string, n);
        if (inside)
                val = string->str + offset;
        memmove(string->str + string->len, val, n);
        string->len += n;
        string->str[string->len] = '\0';
        return string;
}

GString *g_string_append(GString *string, const gchar *val) {
        g_return_val_if_fail(string != NULL, NULL);
        g_return_val_if_fail(val != NULL, string);

        return g_string_append_len(string, val, -1);
}

void g_string_append_printf(GString *string, const gchar *format, ...) {
        va_list ap;

        g_return_if_fail(string != NULL);
        g_return_if_fail(format != NULL);

        va_start(ap, format);
        gchar *s = g_strdup_vprintf(format, ap);
        va_end(ap);
        g_string_append(string, s);
        g_free(s);
}

GString *g_string_truncate(GString *string, gsize len) {
        g_return_val_if_fail(string != NULL, NULL);

        string->len = MIN(len, string->len);
        string->str[string->len] = '\0';
        return string;
}

GString *g_string_assign(GString *string, const gchar *rval) {
        g_return_val_if_fail(string != NULL, NULL);
        g_return_val_if_fail(rval != NULL, string);

        /* assigning the string to itself changes nothing */
        if (string->str != rval) {
                g_string_truncate(string, 0);
                g_string_append(string, rval);
        }
        return string;
}

GString *g_string_insert_c(GString *string, gssize pos, gchar c) {
        g_return_val_if_fail(string != NULL, NULL);

        /* -1 appends */
        if (pos < 0)
                pos = (gssize) string->len;
        else
                g_return_val_if_fail((gsize) pos <= string->len, string);

        string_reserve(string, 1);
        memmove(string->str + pos + 1, string->str + pos, string->len - (gsize) pos);
        string->str[pos] = c;
        string->len++;
        string->str[string->len] = '\0';
        return string;
}
