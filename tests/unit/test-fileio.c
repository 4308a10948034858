/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "fileio.h"
#include "process.h"

static void test_read_bounded(void) {
        g_autofree char *dir = g_dir_make_tmp("roost-test-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "f", NULL);
        char *buf = NULL;
        size_t size;

        g_assert_true(g_file_set_contents(path, "hello world", -1, NULL));
        g_assert_cmpint(read_full_file(path, 100, &buf, &size), ==, 0);
        g_assert_cmpstr(buf, ==, "hello world");
        g_assert_cmpuint(size, ==, 11);
        free(buf);
        /* one byte over the limit is refused, not truncated */
        g_assert_cmpint(read_full_file(path, 10, &buf, &size), ==, -EFBIG);
        g_assert_cmpint(read_full_file(path, 11, &buf, &size), ==, 0);
        free(buf);
        g_assert_cmpint(read_full_file("/nonexistent/roost", 10, &buf, &size), ==, -ENOENT);
        g_unlink(path);
        g_rmdir(dir);
}

static void test_write_atomic(void) {
        g_autofree char *dir = g_dir_make_tmp("roost-test-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "state", NULL);
        g_autofree char *content = NULL;
        GDir *d;
        int n = 0;

        g_assert_cmpint(write_file_atomic_at(AT_FDCWD, path, "one", 3, 0600), ==, 0);
        g_assert_cmpint(write_file_atomic_at(AT_FDCWD, path, "two!", 4, 0600), ==, 0);
        g_assert_true(g_file_get_contents(path, &content, NULL, NULL));
        g_assert_cmpstr(content, ==, "two!");
        /* no temporary files are left behind */
        d = g_dir_open(dir, 0, NULL);
        while (g_dir_read_name(d))
                n++;
        g_dir_close(d);
        g_assert_cmpint(n, ==, 1);
        g_unlink(path);
        g_rmdir(dir);
}

static void test_starttime(void) {
        unsigned long long a, b;
        g_autofree char *stat = NULL;
        g_auto(GStrv) fields = NULL;

        g_assert_cmpint(proc_starttime(getpid(), &a), ==, 0);
        g_assert_cmpint(proc_starttime(getpid(), &b), ==, 0);
        g_assert_cmpuint(a, ==, b);
        /* compare with a plain split: our comm has no blanks */
        g_assert_true(g_file_get_contents("/proc/self/stat", &stat, NULL, NULL));
        fields = g_strsplit(stat, " ", -1);
        g_assert_cmpuint(g_ascii_strtoull(fields[21], NULL, 10), ==, a);
        g_assert_cmpint(proc_starttime(0x3fffffff, &a), <, 0);
}

static void test_spawn(void) {
        char *out = NULL;

        g_assert_cmpint(spawn_wait((char *[]) { "sh", "-c", "echo hi; echo err >&2; exit 3", NULL }, 5000, &out), ==, 3);
        g_assert_nonnull(strstr(out, "hi"));
        g_assert_nonnull(strstr(out, "err"));
        free(out);
        g_assert_cmpint(spawn_wait((char *[]) { "roost-no-such-program", NULL }, 1000, NULL), ==, -ENOENT);
        g_assert_cmpint(spawn_wait((char *[]) { "sleep", "10", NULL }, 200, NULL), ==, -ETIMEDOUT);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/fileio/read-bounded", test_read_bounded);
        g_test_add_func("/fileio/write-atomic", test_write_atomic);
        g_test_add_func("/fileio/starttime", test_starttime);
        g_test_add_func("/process/spawn", test_spawn);
        return g_test_run();
}
