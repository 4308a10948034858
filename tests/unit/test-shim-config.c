/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "config.h"
#include "kv.h"
#include "log.h"

#define BASE "id=abc123\nbundle=/b\nruntime=/bin/sh\nruntime_root=/run/r\nholder_pid=42\nlog_path=/l/ctr.log\n"

static int parse(const char *text, ShimConfig *c, char *err, size_t errlen) {
        g_autofree char *copy = g_strdup(text);
        err[0] = 0;
        return shim_config_parse(copy, c, err, errlen);
}

static void test_minimal_and_defaults(void) {
        ShimConfig c;
        char err[512];

        g_assert_cmpint(parse(BASE, &c, err, sizeof err), ==, 0);
        g_assert_cmpstr(c.id, ==, "abc123");
        g_assert_cmpstr(c.name, ==, "abc123"); /* the id when not given */
        g_assert_cmpstr(c.bundle, ==, "/b");
        g_assert_cmpstr(c.runtime, ==, "/bin/sh");
        g_assert_cmpint(c.holder_pid, ==, 42);
        g_assert_false(c.terminal);
        g_assert_false(c.stdin_open);
        g_assert_cmpint(c.log_driver, ==, LOG_DRIVER_FILE);
        g_assert_cmpuint(c.log_max_size, ==, 0);
        g_assert_cmpuint(c.log_max_files, ==, 1);
        g_assert_cmpstr(c.cgroup, ==, "disabled");
        g_assert_cmpuint(c.console_rows, ==, 0);
        g_assert_cmpuint(c.console_cols, ==, 0);
        g_assert_cmpuint(c.detach_keys.n, ==, 2);
        shim_config_done(&c);
}

static void test_full(void) {
        ShimConfig c;
        char err[512];

        g_assert_cmpint(parse("# written by roostd\n\n" BASE
                              "name=web\r\nterminal=true\nstdin=yes\nlog_driver=journald\nlog_max_size=10m\n"
                              "log_max_files=5\nlog_tag=webtag\ndetach_keys=ctrl-x,y\ncgroup=/user.slice/x\n"
                              "holder_starttime=12345\nruntime=sh\nconsole_size=45x123\n",
                              &c, err, sizeof err), ==, 0);
        g_assert_cmpstr(c.name, ==, "web"); /* the \r is dropped */
        g_assert_true(c.terminal);
        g_assert_true(c.stdin_open);
        g_assert_cmpint(c.log_driver, ==, LOG_DRIVER_JOURNALD);
        g_assert_cmpuint(c.log_max_size, ==, 10 * 1024 * 1024);
        g_assert_cmpuint(c.log_max_files, ==, 5);
        g_assert_cmpstr(c.log_tag, ==, "webtag");
        g_assert_cmpmem(c.detach_keys.keys, c.detach_keys.n, "\x18y", 2);
        g_assert_cmpstr(c.cgroup, ==, "/user.slice/x");
        g_assert_cmpuint(c.holder_starttime, ==, 12345);
        g_assert_cmpuint(c.console_rows, ==, 45);
        g_assert_cmpuint(c.console_cols, ==, 123);
        /* a runtime named without a path is found in PATH */
        g_assert_true(g_path_is_absolute(c.runtime));
        g_assert_true(g_str_has_suffix(c.runtime, "/sh"));
        shim_config_done(&c);

        /* log_driver=none needs no log_path */
        g_assert_cmpint(parse("id=a\nbundle=/b\nruntime=/bin/sh\nruntime_root=/r\nholder_pid=0\nlog_driver=none\n",
                              &c, err, sizeof err), ==, 0);
        g_assert_null(c.log_path);
        shim_config_done(&c);
}

static void test_malformed(void) {
        static const struct {
                const char *text, *message;
        } cases[] = {
                { BASE "this line has no equals sign\n", "shim.conf:7: not a key=value line" },
                { BASE "Terminal=true\n", "shim.conf:7: not a key=value line" },
                { BASE "=x\n", "shim.conf:7: not a key=value line" },
                { BASE "terminal=maybe\n", "shim.conf:7: terminal must be true or false, not \"maybe\"" },
                { BASE "holder_pid=-1\n", "holder_pid must be a process ID" },
                { BASE "holder_pid=12abc\n", "holder_pid must be a process ID" },
                { BASE "holder_pid=99999999999\n", "holder_pid must be a process ID" },
                { BASE "bundle=relative/path\n", "bundle must be an absolute path" },
                { BASE "bundle=/a/../etc\n", "must not contain \"..\"" },
                { BASE "log_max_size=ten\n", "log_max_size must be a size" },
                { BASE "log_max_size=10x\n", "log_max_size must be a size" },
                { BASE "log_max_size=99999999999999999999\n", "log_max_size must be a size" },
                { BASE "log_max_files=0\n", "log_max_files must be 1-100" },
                { BASE "log_driver=syslog\n", "log_driver must be file, journald or none" },
                { BASE "detach_keys=ctrl-1\n", "unknown detach key \"ctrl-1\"" },
                { BASE "id=../../etc\n", "is not a valid container id" },
                { BASE "id=\n", "is not a valid container id" },
                { BASE "console_size=80\n", "console_size must be ROWSxCOLUMNS" },
                { BASE "console_size=0x80\n", "console_size must be ROWSxCOLUMNS" },
                { BASE "console_size=24x70000\n", "console_size must be ROWSxCOLUMNS" },
                { BASE "console_size=24x80x\n", "console_size must be ROWSxCOLUMNS" },
                { BASE "cgroup=relative\n", "cgroup must be \"disabled\" or an absolute cgroup path" },
                { BASE "runtime=/nonexistent/crun\n", "runtime \"/nonexistent/crun\" is not an executable" },
                { "bundle=/b\nruntime=/bin/sh\nruntime_root=/r\nholder_pid=1\nlog_path=/l\n", "id is missing" },
                { "id=a\nruntime=/bin/sh\nruntime_root=/r\nholder_pid=1\nlog_path=/l\n", "bundle is missing" },
                { "id=a\nbundle=/b\nruntime_root=/r\nholder_pid=1\nlog_path=/l\n", "runtime is missing" },
                { "id=a\nbundle=/b\nruntime=/bin/sh\nholder_pid=1\nlog_path=/l\n", "runtime_root is missing" },
                { "id=a\nbundle=/b\nruntime=/bin/sh\nruntime_root=/r\nlog_path=/l\n", "holder_pid is missing" },
                { "id=a\nbundle=/b\nruntime=/bin/sh\nruntime_root=/r\nholder_pid=1\n", "log_path is missing" },
                { "", "id is missing" },
        };
        ShimConfig c;
        char err[512];

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_test_message("case %zu: %s", i, cases[i].text);
                g_assert_cmpint(parse(cases[i].text, &c, err, sizeof err), ==, -EINVAL);
                if (!strstr(err, cases[i].message))
                        g_error("case %zu: expected \"%s\" in \"%s\"", i, cases[i].message, err);
        }
        /* an over-long value */
        g_autofree char *huge = g_strdup_printf(BASE "name=%0*d\n", 5000, 0);
        g_assert_cmpint(parse(huge, &c, err, sizeof err), ==, -EINVAL);
        g_assert_nonnull(strstr(err, "longer than 4096"));
        /* an unknown key is only a warning (a newer roostd) */
        g_assert_cmpint(parse(BASE "future_key=1\n", &c, err, sizeof err), ==, 0);
        shim_config_done(&c);
}

static void test_load(void) {
        g_autofree char *dir = g_dir_make_tmp("roost-test-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "shim.conf", NULL);
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ShimConfig c;
        char err[512];

        g_assert_cmpint(shim_config_load(dfd, &c, err, sizeof err), ==, -ENOENT);
        g_assert_nonnull(strstr(err, "cannot read shim.conf"));
        g_assert_true(g_file_set_contents(path, BASE, -1, NULL));
        g_assert_cmpint(shim_config_load(dfd, &c, err, sizeof err), ==, 0);
        shim_config_done(&c);
        /* a NUL byte is refused, not cut at */
        g_assert_true(g_file_set_contents(path, BASE "name=a\0b\n", sizeof(BASE "name=a\0b\n") - 1, NULL));
        g_assert_cmpint(shim_config_load(dfd, &c, err, sizeof err), ==, -EINVAL);
        /* over the size limit */
        g_autofree char *big = g_strnfill(SHIM_CONF_MAX + 1, '#');
        g_assert_true(g_file_set_contents(path, big, -1, NULL));
        g_assert_cmpint(shim_config_load(dfd, &c, err, sizeof err), ==, -EFBIG);
        close(dfd);
        g_unlink(path);
        g_rmdir(dir);
}

static void test_kv(void) {
        uint64_t u;
        bool b;
        char buf[16];
        char *v = NULL;

        g_assert_cmpint(kv_parse_size("0", &u), ==, 0);
        g_assert_cmpuint(u, ==, 0);
        g_assert_cmpint(kv_parse_size("2k", &u), ==, 0);
        g_assert_cmpuint(u, ==, 2048);
        g_assert_cmpint(kv_parse_size("3G", &u), ==, 0);
        g_assert_cmpuint(u, ==, 3ull << 30);
        g_assert_cmpint(kv_parse_size("k", &u), ==, -EINVAL);
        g_assert_cmpint(kv_parse_size("-1", &u), ==, -EINVAL);
        g_assert_cmpint(kv_parse_size("1 k", &u), ==, -EINVAL);
        g_assert_cmpint(kv_parse_size("17179869184g", &u), ==, -ERANGE);
        g_assert_cmpint(kv_parse_uint64("18446744073709551616", UINT64_MAX, &u), ==, -ERANGE);
        g_assert_cmpint(kv_parse_uint64("", UINT64_MAX, &u), ==, -EINVAL);
        g_assert_cmpint(kv_parse_bool("on", &b), ==, 0);
        g_assert_true(b);
        g_assert_cmpint(kv_parse_bool("TRUE", &b), ==, -EINVAL);
        g_assert_cmpstr(kv_sanitize_value(buf, sizeof buf, "a\nb\tc"), ==, "a b c");
        g_assert_cmpstr(kv_sanitize_value(buf, 4, "abcdef"), ==, "abc");
        g_assert_cmpint(kv_get("a=1\nb=2\r\na=3\n", "a", &v), ==, 0);
        g_assert_cmpstr(v, ==, "3");
        free(v);
        g_assert_cmpint(kv_get("a=1\nb=2\r\n", "b", &v), ==, 0);
        g_assert_cmpstr(v, ==, "2");
        free(v);
        g_assert_cmpint(kv_get("ab=1\n", "a", &v), ==, -ENOENT);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        log_set_max_level(LOG_ERR); /* the unknown-key warning is expected */
        g_test_add_func("/shim-config/minimal", test_minimal_and_defaults);
        g_test_add_func("/shim-config/full", test_full);
        g_test_add_func("/shim-config/malformed", test_malformed);
        g_test_add_func("/shim-config/load", test_load);
        g_test_add_func("/shim-config/kv", test_kv);
        return g_test_run();
}
