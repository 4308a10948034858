/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Tests of roostd's GLib subset (service/glib-subset/). Included first, before
 * <glib.h>: a call to g_foo() in the test goes to the subset's g_foo (built as
 * gs_foo), and REAL(g_foo) is the real libglib's g_foo, loaded with dlopen,
 * so each test can compare the two on the same input. GTest and the
 * assertion macros are the real libglib's (they are not in the subset). */

#include "test-rename.h"

#include <dlfcn.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

static inline void *gs_test_real_symbol(const char *name) {
        static void *lib;
        if (!lib)
                lib = dlopen("libglib-2.0.so.0", RTLD_NOW | RTLD_GLOBAL);
        void *p = lib ? dlsym(lib, name) : NULL;
        if (!p) {
                /* not g_error(): g_log is one of the subset's functions */
                fprintf(stderr, "libglib-2.0.so.0 has no symbol %s\n", name);
                abort();
        }
        return p;
}

/* REAL(g_foo)(args...) calls the real libglib's g_foo */
#define REAL(fn) ((__typeof__(&fn)) gs_test_real_symbol(#fn))
