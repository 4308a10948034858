/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>
#include <sys/wait.h>

#include "exit-status.h"
#include "runtime.h"

static void test_wait_status(void) {
        g_assert_cmpint(exit_code_from_wait_status(W_EXITCODE(0, 0)), ==, 0);
        g_assert_cmpint(exit_code_from_wait_status(W_EXITCODE(3, 0)), ==, 3);
        g_assert_cmpint(exit_code_from_wait_status(W_EXITCODE(255, 0)), ==, 255);
        g_assert_cmpint(exit_code_from_wait_status(W_EXITCODE(0, SIGTERM)), ==, 143);
        g_assert_cmpint(exit_code_from_wait_status(W_EXITCODE(0, SIGKILL)), ==, 137);
}

static void test_runtime_errors(void) {
        static const struct {
                const char *message;
                int code;
        } cases[] = {
                /* crun */
                { "executable file `nosuchcmd` not found in $PATH: No such file or directory", 127 },
                { "executable file `/nosuch/x` not found in $PATH: No such file or directory", 127 },
                { "open executable: Permission denied", 126 },
                { "open executable: Operation not permitted", 126 },
                /* runc */
                { "runc create failed: unable to start container process: exec: \"nosuchcmd\": executable file not found in $PATH", 127 },
                { "runc create failed: unable to start container process: exec: \"/etc\": is a directory", 126 },
                { "exec: \"/etc/passwd\": permission denied", 126 },
                { "exec format error", 126 },
                /* not about the executable: roost's or the bundle's trouble */
                { "open `config.json`: No such file or directory", 125 },
                { "mount `proc` to `proc`: Operation not permitted", 125 },
                { "container `x` already exists", 125 },
                { NULL, 125 },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
                g_assert_cmpint(runtime_error_exit_code(cases[i].message), ==, cases[i].code);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/shim-exit/wait-status", test_wait_status);
        g_test_add_func("/shim-exit/runtime-errors", test_runtime_errors);
        return g_test_run();
}
