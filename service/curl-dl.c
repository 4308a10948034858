/* SPDX-License-Identifier: Apache-2.0 */
#include <dlfcn.h>

#include "curl-dl.h"
#include "dl-table.h"
#include "log.h"
#include "macro.h"

#define LIBCURL "libcurl.so.4"

CurlFunctions curl_fn;

static void *handle;

int curl_dl_load(void) {
        static const DlSymbol table[] = {
                { "curl_global_init", offsetof(CurlFunctions, global_init) },
                { "curl_global_cleanup", offsetof(CurlFunctions, global_cleanup) },
                { "curl_easy_init", offsetof(CurlFunctions, easy_init) },
                { "curl_easy_cleanup", offsetof(CurlFunctions, easy_cleanup) },
                { "curl_easy_setopt", offsetof(CurlFunctions, easy_setopt) },
                { "curl_easy_getinfo", offsetof(CurlFunctions, easy_getinfo) },
                { "curl_easy_pause", offsetof(CurlFunctions, easy_pause) },
                { "curl_easy_strerror", offsetof(CurlFunctions, easy_strerror) },
                { "curl_multi_init", offsetof(CurlFunctions, multi_init) },
                { "curl_multi_cleanup", offsetof(CurlFunctions, multi_cleanup) },
                { "curl_multi_setopt", offsetof(CurlFunctions, multi_setopt) },
                { "curl_multi_add_handle", offsetof(CurlFunctions, multi_add_handle) },
                { "curl_multi_remove_handle", offsetof(CurlFunctions, multi_remove_handle) },
                { "curl_multi_assign", offsetof(CurlFunctions, multi_assign) },
                { "curl_multi_info_read", offsetof(CurlFunctions, multi_info_read) },
                { "curl_multi_socket_action", offsetof(CurlFunctions, multi_socket_action) },
                { "curl_slist_append", offsetof(CurlFunctions, slist_append) },
                { "curl_slist_free_all", offsetof(CurlFunctions, slist_free_all) },
        };

        const char *missing;

        if (handle)
                return 0;
        handle = dl_table_open(LIBCURL, table, ELEMENTSOF(table), &curl_fn, sizeof curl_fn, &missing);
        if (!handle && missing)
                return log_error_errno(ENOENT, "%s has no %s: it is too old for roost.", LIBCURL, missing);
        if (!handle)
                return log_error_errno(ENOENT, "Cannot load %s (%s): pulling needs it. Fix: apt-get install libcurl4",
                                       LIBCURL, dlerror());
        if (curl_fn.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
                dlclose(handle);
                handle = NULL;
                return log_error_errno(EIO, "libcurl failed to initialise.");
        }
        return 0;
}

void curl_dl_unload(void) {
        if (!handle)
                return;
        curl_fn.global_cleanup();
        dlclose(handle);
        handle = NULL;
        curl_fn = (CurlFunctions) {};
        log_debug("Unloaded libcurl (no transfer for a while).");
}
