/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>
#include <glib/gstdio.h>

#include "state-db.h"

static void rm_rf(const char *dir) {
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
        g_assert_cmpint(system(cmd), ==, 0);
}

static void test_open_migrate(void) {
        g_autofree char *dir = g_dir_make_tmp("roost-db-XXXXXX", NULL);
        StateDb *s = NULL;
        sqlite3_stmt *st;

        g_assert_cmpint(state_db_open(dir, &s), ==, 0);
        g_assert_cmpint(state_db_schema_version(s), ==, (int) state_db_schema_latest());
        g_assert_cmpint(sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &st, NULL), ==, SQLITE_OK);
        g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
        g_assert_cmpstr((const char *) sqlite3_column_text(st, 0), ==, "wal");
        sqlite3_finalize(st);
        state_db_close(s);

        /* opening again is a no-op migration */
        g_assert_cmpint(state_db_open(dir, &s), ==, 0);
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

        g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
        g_assert_cmpint(sqlite3_exec(db, "PRAGMA user_version = 999; CREATE TABLE future(x);", NULL, NULL, NULL), ==, SQLITE_OK);
        sqlite3_close(db);
        g_assert_true(g_file_get_contents(path, &before, &n1, NULL));

        g_assert_cmpint(state_db_open(dir, &s), ==, -EPROTO);
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
        g_assert_cmpint(state_db_open(dir, &s), <, 0);
        g_assert_null(s);
        rm_rf(dir);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/state-db/open-migrate", test_open_migrate);
        g_test_add_func("/state-db/newer-refused", test_newer_refused);
        g_test_add_func("/state-db/garbage-refused", test_garbage_refused);
        return g_test_run();
}
