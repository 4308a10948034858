/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

/* Libraries roost loads with dlopen() on first use instead of linking them
 * (libsqlite3, libseccomp): their functions are called through a
 * struct of pointers, filled from a table of symbol names and the offsets
 * of their pointers in that struct. */

typedef struct DlSymbol {
        const char *name;
        size_t offset;
} DlSymbol;

/* dlopen()s lib and stores each symbol's address at its offset in fns.
 * Returns the handle; NULL when the library cannot be loaded (*ret_missing
 * NULL, dlerror() says why) or lacks a symbol (*ret_missing names it). On
 * failure nothing stays loaded and fns (size bytes) is zeroed. */
void *dl_table_open(const char *lib, const DlSymbol *table, size_t n, void *fns, size_t size, const char **ret_missing);
