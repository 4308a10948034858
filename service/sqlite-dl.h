/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* libsqlite3, loaded with dlopen() when the state database is opened instead
 * of linked: an idle roostd spends most of its life without touching its
 * database, and the library's pages and page cache cost it over a MiB.
 * state-db.c opens it on demand and unloads it again when it has been idle
 * for a while. The code calls sqlite3_*() as usual; the names below route
 * the calls through the table sqlite_dl_load() fills. */

#include <sqlite3.h>

typedef struct SqliteFunctions {
        int (*open_v2)(const char *filename, sqlite3 **db, int flags, const char *vfs);
        int (*close_v2)(sqlite3 *db);
        int (*shutdown)(void);
        int (*busy_timeout)(sqlite3 *db, int ms);
        int (*exec)(sqlite3 *db, const char *sql, int (*callback)(void *, int, char **, char **), void *arg, char **errmsg);
        void (*free)(void *p);
        const char *(*errmsg)(sqlite3 *db);
        const char *(*errstr)(int rc);
        int (*prepare_v2)(sqlite3 *db, const char *sql, int n, sqlite3_stmt **stmt, const char **tail);
        int (*step)(sqlite3_stmt *stmt);
        int (*finalize)(sqlite3_stmt *stmt);
        int (*bind_int)(sqlite3_stmt *stmt, int i, int v);
        int (*bind_int64)(sqlite3_stmt *stmt, int i, sqlite3_int64 v);
        int (*bind_text)(sqlite3_stmt *stmt, int i, const char *v, int n, void (*destructor)(void *));
        int (*column_int)(sqlite3_stmt *stmt, int i);
        sqlite3_int64 (*column_int64)(sqlite3_stmt *stmt, int i);
        const unsigned char *(*column_text)(sqlite3_stmt *stmt, int i);
        int (*changes)(sqlite3 *db);
        int (*get_autocommit)(sqlite3 *db);
        sqlite3_stmt *(*next_stmt)(sqlite3 *db, sqlite3_stmt *stmt);
} SqliteFunctions;

extern SqliteFunctions sqlite_fn;

/* Loads libsqlite3.so.0 (counted: each successful call needs one
 * sqlite_dl_unload()); -ENOENT, with a message naming the library and its
 * package, when it is missing. */
int sqlite_dl_load(void);
/* Drops one load; the last one shuts SQLite down and unloads it. Only with
 * no connection of it left. */
void sqlite_dl_unload(void);

#define sqlite3_open_v2 (*sqlite_fn.open_v2)
#define sqlite3_close_v2 (*sqlite_fn.close_v2)
#define sqlite3_shutdown (*sqlite_fn.shutdown)
#define sqlite3_busy_timeout (*sqlite_fn.busy_timeout)
#define sqlite3_exec (*sqlite_fn.exec)
#define sqlite3_free (*sqlite_fn.free)
#define sqlite3_errmsg (*sqlite_fn.errmsg)
#define sqlite3_errstr (*sqlite_fn.errstr)
#define sqlite3_prepare_v2 (*sqlite_fn.prepare_v2)
#define sqlite3_step (*sqlite_fn.step)
#define sqlite3_finalize (*sqlite_fn.finalize)
#define sqlite3_bind_int (*sqlite_fn.bind_int)
#define sqlite3_bind_int64 (*sqlite_fn.bind_int64)
#define sqlite3_bind_text (*sqlite_fn.bind_text)
#define sqlite3_column_int (*sqlite_fn.column_int)
#define sqlite3_column_int64 (*sqlite_fn.column_int64)
#define sqlite3_column_text (*sqlite_fn.column_text)
#define sqlite3_changes (*sqlite_fn.changes)
#define sqlite3_get_autocommit (*sqlite_fn.get_autocommit)
#define sqlite3_next_stmt (*sqlite_fn.next_stmt)
