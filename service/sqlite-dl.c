/* SPDX-License-Identifier: Apache-2.0 */
#include <dlfcn.h>

#include "log.h"
#include "macro.h"
#include "sqlite-dl.h"
#include "dl-table.h"

#ifndef LIBSQLITE
#define LIBSQLITE "libsqlite3.so.0"
#endif

SqliteFunctions sqlite_fn;

static void *handle;
static unsigned users;

int sqlite_dl_load(void) {
        static const DlSymbol table[] = {
                { "sqlite3_open_v2", offsetof(SqliteFunctions, open_v2) },
                { "sqlite3_close_v2", offsetof(SqliteFunctions, close_v2) },
                { "sqlite3_shutdown", offsetof(SqliteFunctions, shutdown) },
                { "sqlite3_busy_timeout", offsetof(SqliteFunctions, busy_timeout) },
                { "sqlite3_exec", offsetof(SqliteFunctions, exec) },
                { "sqlite3_free", offsetof(SqliteFunctions, free) },
                { "sqlite3_errmsg", offsetof(SqliteFunctions, errmsg) },
                { "sqlite3_errstr", offsetof(SqliteFunctions, errstr) },
                { "sqlite3_prepare_v2", offsetof(SqliteFunctions, prepare_v2) },
                { "sqlite3_step", offsetof(SqliteFunctions, step) },
                { "sqlite3_finalize", offsetof(SqliteFunctions, finalize) },
                { "sqlite3_bind_int", offsetof(SqliteFunctions, bind_int) },
                { "sqlite3_bind_int64", offsetof(SqliteFunctions, bind_int64) },
                { "sqlite3_bind_text", offsetof(SqliteFunctions, bind_text) },
                { "sqlite3_column_int", offsetof(SqliteFunctions, column_int) },
                { "sqlite3_column_int64", offsetof(SqliteFunctions, column_int64) },
                { "sqlite3_column_text", offsetof(SqliteFunctions, column_text) },
                { "sqlite3_changes", offsetof(SqliteFunctions, changes) },
                { "sqlite3_get_autocommit", offsetof(SqliteFunctions, get_autocommit) },
                { "sqlite3_next_stmt", offsetof(SqliteFunctions, next_stmt) },
        };

        const char *missing;

        if (handle) {
                users++;
                return 0;
        }
        handle = dl_table_open(LIBSQLITE, table, ELEMENTSOF(table), &sqlite_fn, sizeof sqlite_fn, &missing);
        if (!handle && missing)
                return log_error_errno(ENOENT, "%s has no %s: it is too old for roost.", LIBSQLITE, missing);
        if (!handle)
                return log_error_errno(ENOENT, "Cannot load %s (%s): roostd keeps its state in SQLite. "
                                       "Fix: apt-get install libsqlite3-0", LIBSQLITE, dlerror());
        users = 1;
        return 0;
}

void sqlite_dl_unload(void) {
        if (!handle || --users > 0)
                return;
        /* what SQLite allocated for itself (its mutexes, page cache
         * set-up) goes back before its code does */
        (void) sqlite_fn.shutdown();
        dlclose(handle);
        handle = NULL;
        sqlite_fn = (SqliteFunctions) {};
}
