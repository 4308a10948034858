/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>
#include <glib/gstdio.h>

#include "subid.h"

static char *write_tmp(const char *content) {
        g_autoptr(GError) error = NULL;
        char *path = NULL;
        int fd = g_file_open_tmp("roost-subid-XXXXXX", &path, &error);
        g_assert_cmpint(fd, >=, 0);
        g_assert_true(g_file_set_contents(path, content, -1, NULL));
        close(fd);
        return path;
}

static void test_lookup(void) {
        g_autofree char *p = write_tmp("# comment\n"
                                       "alice:100000:65536\n"
                                       "1001:200000:1000\n"
                                       "bob:bad:line\n"
                                       "bob:300000:0\n"
                                       "bob:400000:65536\n");
        SubIdRange r;

        g_assert_cmpint(subid_lookup(p, "alice", 1000, &r), ==, 0);
        g_assert_cmpuint(r.start, ==, 100000);
        g_assert_cmpuint(r.count, ==, 65536);
        /* by uid when the name does not match */
        g_assert_cmpint(subid_lookup(p, "carol", 1001, &r), ==, 0);
        g_assert_cmpuint(r.start, ==, 200000);
        /* malformed and empty ranges are skipped */
        g_assert_cmpint(subid_lookup(p, "bob", 1002, &r), ==, 0);
        g_assert_cmpuint(r.start, ==, 400000);
        g_assert_cmpint(subid_lookup(p, "dave", 1003, &r), ==, -ENOENT);
        g_assert_cmpint(subid_require(p, "dave", 1003, &r), ==, -ENOENT);
        g_assert_cmpint(subid_lookup("/nonexistent", "dave", 1003, &r), ==, -ENOENT);
        g_unlink(p);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/subid/lookup", test_lookup);
        return g_test_run();
}
