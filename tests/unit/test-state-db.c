/* SPDX-License-Identifier: Apache-2.0 */
#include <dlfcn.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "log.h"
#include "state-db.h"

static void rm_rf(const char *dir) {
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
        g_assert_cmpint(system(cmd), ==, 0);
}

#ifndef LIBSQLITE
static void test_open_migrate(void) {
        g_autofree char *dir = g_dir_make_tmp("roost-db-XXXXXX", NULL);
        StateDb *s = NULL;
        sqlite3_stmt *st;

        g_assert_cmpint(state_db_open(dir, NULL, &s), ==, 0);
        g_assert_cmpint(state_db_schema_version(s), ==, (int) state_db_schema_latest());
        g_assert_cmpint(state_db_prepare(s, "PRAGMA journal_mode", &st), ==, SQLITE_OK);
        g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
        g_assert_cmpstr((const char *) sqlite3_column_text(st, 0), ==, "wal");
        sqlite3_finalize(st);
        state_db_close(s);

        /* opening again is a no-op migration */
        g_assert_cmpint(state_db_open(dir, NULL, &s), ==, 0);
        g_assert_cmpint(state_db_schema_version(s), ==, (int) state_db_schema_latest());
        state_db_close(s);
        rm_rf(dir);
}

static void test_newer_refused(void) {
        g_autofree char *dir = g_dir_make_tmp("roost-db-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "state.db", NULL);
        g_autofree char *before = NULL, *after = NULL;
        gsize n1, n2;
        StateDb *s = NULL;
        sqlite3 *db;

        g_assert_cmpint(sqlite_dl_load(), ==, 0);
        g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), ==, SQLITE_OK);
        g_assert_cmpint(sqlite3_exec(db, "PRAGMA user_version = 999; CREATE TABLE future(x);", NULL, NULL, NULL), ==, SQLITE_OK);
        sqlite3_close_v2(db);
        sqlite_dl_unload();
        g_assert_true(g_file_get_contents(path, &before, &n1, NULL));

        g_assert_cmpint(state_db_open(dir, NULL, &s), ==, -EPROTO);
        g_assert_null(s);
        /* and the database was not changed */
        g_assert_true(g_file_get_contents(path, &after, &n2, NULL));
        g_assert_cmpuint(n1, ==, n2);
        g_assert_cmpmem(before, n1, after, n2);
        rm_rf(dir);
}

static void test_garbage_refused(void) {
        g_autofree char *dir = g_dir_make_tmp("roost-db-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "state.db", NULL);
        StateDb *s = NULL;

        g_assert_true(g_file_set_contents(path, "this is not a database, just text long enough to look like a header......", -1, NULL));
        g_assert_cmpint(state_db_open(dir, NULL, &s), <, 0);
        g_assert_null(s);
        rm_rf(dir);
}

static bool libsqlite_mapped(void) {
        void *h = dlopen("libsqlite3.so.0", RTLD_LAZY | RTLD_NOLOAD);

        if (!h)
                return false;
        dlclose(h);
        return true;
}

static int count_volumes(StateDb *s) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;

        g_assert_cmpint(state_db_prepare(s, "SELECT count(*) FROM volumes", &st), ==, SQLITE_OK);
        g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
        return sqlite3_column_int(st, 0);
}

/* What the idle timer does: the connection closes, the WAL is checkpointed
 * into the file, libsqlite3 goes; the next use opens it again and finds
 * what was written before. */
static void test_unload_reopen(void) {
        g_autofree char *dir = g_dir_make_tmp("roost-db-XXXXXX", NULL);
        g_autofree char *wal = g_build_filename(dir, "state.db-wal", NULL);
        StateDb *s = NULL;

        g_assert_false(libsqlite_mapped());
        g_assert_cmpint(state_db_open(dir, NULL, &s), ==, 0);
        g_assert_true(libsqlite_mapped());
        g_assert_cmpint(state_db_exec(s, "INSERT INTO volumes(name, created_at) VALUES ('v1', 1)"), ==, 0);
        g_assert_true(g_file_test(wal, G_FILE_TEST_EXISTS));

        g_assert_cmpint(state_db_unload(s), ==, 0);
        g_assert_false(libsqlite_mapped());
        g_assert_false(g_file_test(wal, G_FILE_TEST_EXISTS));
        g_assert_cmpint(state_db_unload(s), ==, 0); /* twice is fine */

        g_assert_nonnull(state_db_handle(s));
        g_assert_true(libsqlite_mapped());
        g_assert_cmpint(count_volumes(s), ==, 1);
        /* the per-connection settings came back with it */
        {
                _cleanup_stmt_ sqlite3_stmt *st = NULL;
                g_assert_cmpint(state_db_prepare(s, "PRAGMA foreign_keys", &st), ==, SQLITE_OK);
                g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
                g_assert_cmpint(sqlite3_column_int(st, 0), ==, 1);
        }
        state_db_close(s);
        g_assert_false(libsqlite_mapped());
        rm_rf(dir);
}

/* Never under a live statement or an open transaction */
static void test_unload_refused_while_busy(void) {
        g_autofree char *dir = g_dir_make_tmp("roost-db-XXXXXX", NULL);
        StateDb *s = NULL;

        g_assert_cmpint(state_db_open(dir, NULL, &s), ==, 0);
        {
                _cleanup_stmt_ sqlite3_stmt *st = NULL;
                g_assert_cmpint(state_db_prepare(s, "SELECT name FROM volumes", &st), ==, SQLITE_OK);
                g_assert_cmpint(state_db_unload(s), ==, -EBUSY);
        }
        g_assert_cmpint(state_db_begin(s), ==, 0);
        g_assert_cmpint(state_db_exec(s, "INSERT INTO volumes(name, created_at) VALUES ('v1', 1)"), ==, 0);
        g_assert_cmpint(state_db_unload(s), ==, -EBUSY);
        g_assert_cmpint(state_db_commit(s), ==, 0);
        g_assert_cmpint(state_db_begin(s), ==, 0);
        g_assert_cmpint(state_db_unload(s), ==, -EBUSY);
        state_db_rollback(s);
        g_assert_cmpint(state_db_unload(s), ==, 0);
        g_assert_false(libsqlite_mapped());
        g_assert_cmpint(count_volumes(s), ==, 1);
        state_db_close(s);
        rm_rf(dir);
}

/* A database that went away while closed is not silently made anew */
static void test_reopen_missing(void) {
        g_autofree char *dir = g_dir_make_tmp("roost-db-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "state.db", NULL);
        sqlite3_stmt *st = (sqlite3_stmt *) 1;
        StateDb *s = NULL;

        g_assert_cmpint(state_db_open(dir, NULL, &s), ==, 0);
        g_assert_cmpint(state_db_unload(s), ==, 0);
        g_assert_cmpint(g_unlink(path), ==, 0);
        g_assert_null(state_db_handle(s));
        g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
        g_assert_nonnull(strstr(state_db_errmsg(s), "unable to open"));
        g_assert_cmpint(state_db_prepare(s, "SELECT 1", &st), ==, SQLITE_CANTOPEN);
        g_assert_null(st);
        g_assert_cmpint(state_db_exec(s, "SELECT 1"), <, 0);
        g_assert_false(libsqlite_mapped());
        state_db_close(s);
        rm_rf(dir);
}

#else
/* built once more, told to load a libsqlite3 that is not there: the
 * error names the library and the package */
static void test_library_missing(void) {
        g_autofree char *dir = g_dir_make_tmp("roost-db-XXXXXX", NULL);
        StateDb *s = NULL;

        g_assert_cmpint(state_db_open(dir, NULL, &s), ==, -ENOENT);
        g_assert_null(s);
        g_assert_nonnull(strstr(log_last_error_message(), LIBSQLITE));
        g_assert_nonnull(strstr(log_last_error_message(), "apt-get install libsqlite3-0"));
        rm_rf(dir);
}
#endif

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
#ifdef LIBSQLITE
        g_test_add_func("/state-db/library-missing", test_library_missing);
#else
        g_test_add_func("/state-db/open-migrate", test_open_migrate);
        g_test_add_func("/state-db/newer-refused", test_newer_refused);
        g_test_add_func("/state-db/garbage-refused", test_garbage_refused);
        g_test_add_func("/state-db/unload-reopen", test_unload_reopen);
        g_test_add_func("/state-db/unload-refused-while-busy", test_unload_refused_while_busy);
        g_test_add_func("/state-db/reopen-missing", test_reopen_missing);
#endif
        return g_test_run();
}
