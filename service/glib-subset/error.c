/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "glib-subset.h"

static GError *error_newv(int code, const char *format, va_list ap) {
        GError *e = g_malloc0(sizeof *e);
        e->domain = GS_ERROR_DOMAIN;
        e->code = code;
        e->message = g_strdup_vprintf(format, ap);
        return e;
}

GError *gs_error_new(int code, const char *format, ...) {
        va_list ap;
        va_start(ap, format);
        GError *e = error_newv(code, format, ap);
        va_end(ap);
        return e;
}

void gs_set_error(GError **error, int code, const char *format, ...) {
        va_list ap;
        if (!error)
                return;
        va_start(ap, format);
        *error = error_newv(code, format, ap);
        va_end(ap);
}

void g_error_free(GError *error) {
        if (!error)
                return;
        g_free(error->message);
        g_free(error);
}
