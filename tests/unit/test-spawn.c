/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>

#include "host-subnets.h"
#include "spawn.h"

/* a stand-in helper: a shell script speaking the readiness protocol on the
 * fd named by --ready-fd=N (always its first argument) */
static char *script(const char *body) {
        g_autoptr(GError) error = NULL;
        char *path = NULL;
        int fd = g_file_open_tmp("roost-helper-XXXXXX", &path, &error);
        g_autofree char *text = g_strdup_printf("#!/bin/sh\nfd=${1#--ready-fd=}\nshift\n%s\n", body);

        g_assert_cmpint(fd, >=, 0);
        close(fd);
        g_assert_true(g_file_set_contents(path, text, -1, NULL));
        g_assert_cmpint(g_chmod(path, 0700), ==, 0);
        return path;
}

static void started_cb(pid_t pid, void *userdata) {
        *(pid_t *) userdata = pid;
}

static void test_ready(void) {
        g_autofree char *s = script("echo \"PORT $1\" >&$fd; echo READY x=1 >&$fd; exec 3>&-; exec sleep 30");
        char *argv[] = { s, (char *) "18080:80/tcp", NULL };
        g_autofree char *lines = NULL, *error = NULL;
        pid_t pid = 0, seen = 0;
        int status;

        g_assert_cmpint(netns_helper_start(argv, 5000, started_cb, &seen, &pid, &lines, &error), ==, 0);
        g_assert_cmpint(pid, >, 0);
        g_assert_cmpint(seen, ==, pid);
        g_assert_cmpstr(lines, ==, "PORT 18080:80/tcp\nREADY x=1");
        g_assert_null(error);
        /* it keeps running; the caller owns it */
        g_assert_cmpint(kill(pid, 0), ==, 0);
        kill(pid, SIGTERM);
        g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
        g_unlink(s);
}

static void test_error(void) {
        g_autofree char *s = script("echo 'ERROR Host port 80/tcp is taken' >&$fd; exit 1");
        char *argv[] = { s, NULL };
        g_autofree char *lines = NULL, *error = NULL;
        pid_t pid = 0;

        g_assert_cmpint(netns_helper_start(argv, 5000, NULL, NULL, &pid, &lines, &error), ==, -EPROTO);
        g_assert_cmpstr(error, ==, "Host port 80/tcp is taken");
        g_assert_null(lines);
        g_assert_cmpint(pid, ==, 0);
        g_unlink(s);
}

static void test_silent_death_and_timeout(void) {
        g_autofree char *dies = script("exit 3");
        g_autofree char *hangs = script("exec sleep 30");
        char *argv1[] = { dies, NULL }, *argv2[] = { hangs, NULL }, *argv3[] = { (char *) "/nonexistent/helper", NULL };
        char *error = NULL;
        pid_t pid = 0;

        g_assert_cmpint(netns_helper_start(argv1, 5000, NULL, NULL, &pid, NULL, &error), ==, -ECHILD);
        g_assert_null(error);
        g_assert_cmpint(netns_helper_start(argv2, 200, NULL, NULL, &pid, NULL, &error), ==, -ETIMEDOUT);
        g_assert_cmpint(netns_helper_start(argv3, 5000, NULL, NULL, &pid, NULL, &error), ==, -ECHILD);
        g_assert_cmpint(pid, ==, 0);
        g_unlink(dies);
        g_unlink(hangs);
}

static void test_host_subnets(void) {
        g_autofree IpamSubnet *l = NULL;
        size_t n = 0;

        /* whatever this machine routes: never the default route */
        g_assert_cmpint(netns_host_subnets(&l, &n), ==, 0);
        for (size_t i = 0; i < n; i++) {
                g_assert_cmpuint(l[i].prefixlen, >, 0);
                g_assert_cmphex(l[i].network & ~ipam_netmask(l[i].prefixlen), ==, 0);
        }
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/spawn/ready", test_ready);
        g_test_add_func("/spawn/error", test_error);
        g_test_add_func("/spawn/silent-death-and-timeout", test_silent_death_and_timeout);
        g_test_add_func("/host-subnets/no-default", test_host_subnets);
        return g_test_run();
}
