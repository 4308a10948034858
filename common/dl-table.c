/* SPDX-License-Identifier: Apache-2.0 */
#include <dlfcn.h>
#include <string.h>

#include "dl-table.h"

void *dl_table_open(const char *lib, const DlSymbol *table, size_t n, void *fns, size_t size, const char **ret_missing) {
        void *handle = dlopen(lib, RTLD_NOW | RTLD_LOCAL);

        *ret_missing = NULL;
        if (!handle)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                void *f = dlsym(handle, table[i].name);
                if (!f) {
                        *ret_missing = table[i].name;
                        dlclose(handle);
                        memset(fns, 0, size);
                        return NULL;
                }
                memcpy((char *) fns + table[i].offset, &f, sizeof f);
        }
        return handle;
}
