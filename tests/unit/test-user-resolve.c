/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "user-resolve.h"

static int make_root(char **ret_dir) {
        g_autofree char *dir = g_dir_make_tmp("roost-user-XXXXXX", NULL);
        g_autofree char *etc = g_build_filename(dir, "etc", NULL);
        g_autofree char *pw = g_build_filename(etc, "passwd", NULL);
        g_autofree char *gr = g_build_filename(etc, "group", NULL);

        g_assert_cmpint(g_mkdir(etc, 0755), ==, 0);
        g_assert_true(g_file_set_contents(pw, "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n", -1, NULL));
        g_assert_true(g_file_set_contents(gr, "root:x:0:\napp:x:1000:\nwheel:x:10:app,other\nvideo:x:44:\n", -1, NULL));
        *ret_dir = g_steal_pointer(&dir);
        return open(*ret_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static void cleanup(const char *dir, int fd) {
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
        close(fd);
        g_assert_cmpint(system(cmd), ==, 0);
}

static void test_resolve(void) {
        g_autofree char *dir = NULL;
        int fd = make_root(&dir);
        ResolvedUser u;
        char *err = NULL;

        g_assert_cmpint(user_resolve(fd, "", NULL, &u, &err), ==, 0);
        g_assert_cmpuint(u.uid, ==, 0);
        g_assert_cmpstr(u.home, ==, "/root");
        resolved_user_clear(&u);

        g_assert_cmpint(user_resolve(fd, "app", NULL, &u, &err), ==, 0);
        g_assert_cmpuint(u.uid, ==, 1000);
        g_assert_cmpuint(u.gid, ==, 1000);
        g_assert_cmpuint(u.n_gids, ==, 1);
        g_assert_cmpuint(u.gids[0], ==, 10);
        g_assert_cmpstr(u.home, ==, "/home/app");
        resolved_user_clear(&u);

        g_assert_cmpint(user_resolve(fd, "app:video", (char *[]) { "wheel", "55", NULL }, &u, &err), ==, 0);
        g_assert_cmpuint(u.gid, ==, 44);
        g_assert_cmpuint(u.n_gids, ==, 2);
        resolved_user_clear(&u);

        /* a uid with no entry: gid 0, as docker */
        g_assert_cmpint(user_resolve(fd, "4242", NULL, &u, &err), ==, 0);
        g_assert_cmpuint(u.uid, ==, 4242);
        g_assert_cmpuint(u.gid, ==, 0);
        resolved_user_clear(&u);

        g_assert_cmpint(user_resolve(fd, "nobody-here", NULL, &u, &err), ==, -ENOENT);
        g_assert_cmpstr(err, ==, "unable to find user nobody-here: no matching entries in passwd file");
        g_free(err);
        err = NULL;
        g_assert_cmpint(user_resolve(fd, "app:nogroup", NULL, &u, &err), ==, -ENOENT);
        g_assert_nonnull(strstr(err, "unable to find group nogroup"));
        g_free(err);
        cleanup(dir, fd);
}

static void test_symlink_stays_inside(void) {
        g_autofree char *dir = NULL;
        int fd = make_root(&dir);
        g_autofree char *pw = g_build_filename(dir, "etc", "passwd", NULL);
        ResolvedUser u;
        char *err = NULL;

        /* a hostile image points /etc/passwd at the host's: resolution stays in the root */
        g_assert_cmpint(g_unlink(pw), ==, 0);
        g_assert_cmpint(symlink("/etc/passwd", pw), ==, 0);
        g_assert_cmpint(user_resolve(fd, "root", NULL, &u, &err), ==, -ENOENT);
        g_free(err);
        cleanup(dir, fd);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/user-resolve/resolve", test_resolve);
        g_test_add_func("/user-resolve/symlink-stays-inside", test_symlink_stays_inside);
        return g_test_run();
}
