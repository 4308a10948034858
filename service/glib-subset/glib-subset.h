/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* roostd's own implementation of the part of GLib's API it uses.
 *
 * roostd is compiled against GLib's headers (types, macros, g_autoptr and
 * the inline helpers) but links these files instead of libglib-2.0: loading
 * libglib (with libpcre2 and libm, which it needs) costs about 1.4 MiB of
 * resident memory, a third of issue 3's idle budget. Each function here
 * keeps GLib 2.74's documented behaviour for the calls roostd makes; the
 * unit tests (tests/unit/test-glib-subset-*.c) compare them with the real
 * libglib. The CLI, roost-unpack and the tests link the real GLib.
 *
 * Only the functions roostd calls are here: a call to any other GLib
 * function makes the link of roostd fail, which is the signal to add it. */

#include <glib.h>

/* GErrors made here carry this domain: callers read only ->message */
#define GS_ERROR_DOMAIN ((GQuark) 0x72737462)

GError *gs_error_new(int code, const char *format, ...) G_GNUC_PRINTF(2, 3);
/* sets *error (when error is not NULL) to a new GError */
void gs_set_error(GError **error, int code, const char *format, ...) G_GNUC_PRINTF(3, 4);

/* g_str_equal is also a function-like macro in glib.h; the definition is
 * written (GS_STR_EQUAL_SYMBOL)(...), which the unit tests rename */
#ifndef GS_STR_EQUAL_SYMBOL
#define GS_STR_EQUAL_SYMBOL g_str_equal
#endif
