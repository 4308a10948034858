/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* libcurl, loaded on first use with dlopen() instead of linked: libcurl
 * pulls in some twenty libraries (TLS, Kerberos, LDAP, SSH...) whose loading
 * and constructors would cost roostd megabytes of memory and milliseconds of
 * start-up on every start, for pulls that may never happen. http.c calls
 * curl_*() as usual; the names below route the calls through the table
 * curl_dl_load() fills. */

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

typedef struct CurlFunctions {
        CURLcode (*global_init)(long flags);
        void (*global_cleanup)(void);
        CURL *(*easy_init)(void);
        void (*easy_cleanup)(CURL *curl);
        CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
        CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
        CURLcode (*easy_pause)(CURL *curl, int bitmask);
        const char *(*easy_strerror)(CURLcode code);
        CURLM *(*multi_init)(void);
        CURLMcode (*multi_cleanup)(CURLM *multi);
        CURLMcode (*multi_setopt)(CURLM *multi, CURLMoption option, ...);
        CURLMcode (*multi_add_handle)(CURLM *multi, CURL *curl);
        CURLMcode (*multi_remove_handle)(CURLM *multi, CURL *curl);
        CURLMcode (*multi_assign)(CURLM *multi, curl_socket_t s, void *p);
        CURLMsg *(*multi_info_read)(CURLM *multi, int *msgs_in_queue);
        CURLMcode (*multi_socket_action)(CURLM *multi, curl_socket_t s, int ev_bitmask, int *running_handles);
        struct curl_slist *(*slist_append)(struct curl_slist *list, const char *data);
        void (*slist_free_all)(struct curl_slist *list);
} CurlFunctions;

extern CurlFunctions curl_fn;

/* Loads libcurl.so.4 and initialises it (curl_global_init) once; -ENOENT
 * (with a message) when it is missing. */
int curl_dl_load(void);
/* Cleans up and unloads it again (it and the TLS stack it brought cost an
 * idle roostd some 5 MiB); only with no handle of it left. */
void curl_dl_unload(void);

/* curl.h checks the argument count of these with same-name macros */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_multi_setopt

#define curl_easy_init (*curl_fn.easy_init)
#define curl_easy_cleanup (*curl_fn.easy_cleanup)
#define curl_easy_setopt (*curl_fn.easy_setopt)
#define curl_easy_getinfo (*curl_fn.easy_getinfo)
#define curl_easy_pause (*curl_fn.easy_pause)
#define curl_easy_strerror (*curl_fn.easy_strerror)
#define curl_multi_init (*curl_fn.multi_init)
#define curl_multi_cleanup (*curl_fn.multi_cleanup)
#define curl_multi_setopt (*curl_fn.multi_setopt)
#define curl_multi_add_handle (*curl_fn.multi_add_handle)
#define curl_multi_remove_handle (*curl_fn.multi_remove_handle)
#define curl_multi_assign (*curl_fn.multi_assign)
#define curl_multi_info_read (*curl_fn.multi_info_read)
#define curl_multi_socket_action (*curl_fn.multi_socket_action)
#define curl_slist_append (*curl_fn.slist_append)
#define curl_slist_free_all (*curl_fn.slist_free_all)
