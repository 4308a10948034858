/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>
#include <glib/gstdio.h>

#include "log-writer.h"
#include "time-util.h"

static const struct timespec T1 = { .tv_sec = 1795897523, .tv_nsec = 123456789 }; /* 2026-11-28T20:25:23 */

static void test_timestamps(void) {
        char buf[RFC3339NANO_MAX];

        g_assert_cmpstr(format_rfc3339nano(buf, &(struct timespec) { 0, 0 }), ==, "1970-01-01T00:00:00.000000000Z");
        g_assert_cmpstr(format_rfc3339nano(buf, &T1), ==, "2026-11-28T20:25:23.123456789Z");
        /* a leap day, the last second of a year, far ahead */
        g_assert_cmpstr(format_rfc3339nano(buf, &(struct timespec) { 951782400, 5 }), ==, "2000-02-29T00:00:00.000000005Z");
        g_assert_cmpstr(format_rfc3339nano(buf, &(struct timespec) { 1704067199, 999999999 }), ==, "2023-12-31T23:59:59.999999999Z");
        g_assert_cmpstr(format_rfc3339nano(buf, &(struct timespec) { 4102444800, 0 }), ==, "2100-01-01T00:00:00.000000000Z");
        /* agrees with gmtime over a range of days */
        for (time_t t = -86400 * 400; t < 86400LL * 365 * 200; t += 86400 * 7 + 3601) {
                struct tm tm;
                char want[64];
                gmtime_r(&t, &tm);
                strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%S.000000000Z", &tm);
                if (t >= 0)
                        g_assert_cmpstr(format_rfc3339nano(buf, &(struct timespec) { t, 0 }), ==, want);
        }
}

static void test_prefix(void) {
        char buf[LOG_PREFIX_MAX];
        size_t n;

        n = log_format_prefix(buf, &T1, LOG_STREAM_STDOUT, false);
        g_assert_cmpstr(buf, ==, "2026-11-28T20:25:23.123456789Z stdout F ");
        g_assert_cmpuint(n, ==, strlen(buf));
        log_format_prefix(buf, &T1, LOG_STREAM_STDERR, true);
        g_assert_cmpstr(buf, ==, "2026-11-28T20:25:23.123456789Z stderr P ");
}

static char *read_file(const char *path) {
        char *s = NULL;
        g_assert_true(g_file_get_contents(path, &s, NULL, NULL));
        return s;
}

#define P(stream, tag) "2026-11-28T20:25:23.123456789Z " stream " " tag " "

static void test_lines(void) {
        g_autofree char *dir = g_dir_make_tmp("roost-test-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "ctr.log", NULL);
        g_autofree char *text = NULL;
        LogWriter *w;

        g_assert_cmpint(log_writer_new(path, 0, 1, &w), ==, 0);
        /* whole lines, a line in pieces, an empty line, two streams
         * interleaved: each stream keeps its own open line */
        log_writer_write(w, LOG_STREAM_STDOUT, "one\ntw", 6, &T1);
        log_writer_write(w, LOG_STREAM_STDERR, "err", 3, &T1);
        log_writer_write(w, LOG_STREAM_STDOUT, "o\n\nthr", 6, &T1);
        log_writer_write(w, LOG_STREAM_STDERR, "or\n", 3, &T1);
        /* the stream ends with a line open: written as F */
        log_writer_end_stream(w, LOG_STREAM_STDOUT, &T1);
        log_writer_end_stream(w, LOG_STREAM_STDERR, &T1);
        log_writer_free(w);
        text = read_file(path);
        g_assert_cmpstr(text, ==,
                        P("stdout", "F") "one\n"
                        P("stdout", "F") "two\n"
                        P("stdout", "F") "\n"
                        P("stderr", "F") "error\n"
                        P("stdout", "F") "thr\n");
        g_unlink(path);
        g_rmdir(dir);
}

static void test_partial(void) {
        g_autofree char *dir = g_dir_make_tmp("roost-test-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "ctr.log", NULL);
        g_autofree char *text = NULL, *line = g_strnfill(LOG_LINE_MAX * 2 + 10, 'x');
        g_auto(GStrv) records = NULL;
        LogWriter *w;

        g_assert_cmpint(log_writer_new(path, 0, 1, &w), ==, 0);
        /* a line of 2 * LOG_LINE_MAX + 10 bytes, given in odd pieces */
        for (size_t off = 0; off < strlen(line); off += 1000)
                log_writer_write(w, LOG_STREAM_STDOUT, line + off, MIN((size_t) 1000, strlen(line) - off), &T1);
        log_writer_write(w, LOG_STREAM_STDOUT, "\nnext\n", 6, &T1);
        /* exactly LOG_LINE_MAX and a newline: one F record */
        g_autofree char *exact = g_strnfill(LOG_LINE_MAX, 'y');
        log_writer_write(w, LOG_STREAM_STDOUT, exact, LOG_LINE_MAX, &T1);
        log_writer_write(w, LOG_STREAM_STDOUT, "\n", 1, &T1);
        log_writer_free(w);

        text = read_file(path);
        records = g_strsplit(text, "\n", -1);
        g_assert_cmpuint(g_strv_length(records), ==, 6); /* 5 records and the empty tail */
        g_assert_true(g_str_has_prefix(records[0], P("stdout", "P")));
        g_assert_cmpuint(strlen(records[0]), ==, strlen(P("stdout", "P")) + LOG_LINE_MAX);
        g_assert_true(g_str_has_prefix(records[1], P("stdout", "P")));
        g_assert_cmpuint(strlen(records[1]), ==, strlen(P("stdout", "P")) + LOG_LINE_MAX);
        g_assert_cmpstr(records[2], ==, P("stdout", "F") "xxxxxxxxxx");
        g_assert_cmpstr(records[3], ==, P("stdout", "F") "next");
        g_assert_true(g_str_has_prefix(records[4], P("stdout", "F") "yyy"));
        g_assert_cmpuint(strlen(records[4]), ==, strlen(P("stdout", "F")) + LOG_LINE_MAX);
        g_unlink(path);
        g_rmdir(dir);
}

static unsigned count_lines(const char *path) {
        g_autofree char *s = NULL;
        unsigned n = 0;
        if (!g_file_get_contents(path, &s, NULL, NULL))
                return 0;
        for (char *p = s; *p; p++)
                n += *p == '\n';
        return n;
}

static void test_rotation(void) {
        g_autofree char *dir = g_dir_make_tmp("roost-test-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "ctr.log", NULL);
        g_autofree char *p1 = g_strconcat(path, ".1", NULL), *p2 = g_strconcat(path, ".2", NULL),
                        *p3 = g_strconcat(path, ".3", NULL);
        const size_t record = strlen(P("stdout", "F")) + strlen("line-000") + 1; /* 49 bytes */
        LogWriter *w;
        GStatBuf st;

        /* room for 4 records a file, 3 files */
        g_assert_cmpint(log_writer_new(path, record * 4, 3, &w), ==, 0);
        for (int i = 0; i < 30; i++) {
                char l[16];
                snprintf(l, sizeof l, "line-%03d\n", i);
                log_writer_write(w, LOG_STREAM_STDOUT, l, strlen(l), &T1);
        }
        log_writer_free(w);
        g_assert_cmpuint(count_lines(path), ==, 2);  /* 28, 29 */
        g_assert_cmpuint(count_lines(p1), ==, 4);    /* 24..27 */
        g_assert_cmpuint(count_lines(p2), ==, 4);    /* 20..23 */
        g_assert_false(g_file_test(p3, G_FILE_TEST_EXISTS));
        g_autofree char *newest = read_file(path), *oldest = read_file(p2);
        g_assert_true(g_str_has_prefix(newest, P("stdout", "F") "line-028\n"));
        g_assert_true(g_str_has_prefix(oldest, P("stdout", "F") "line-020\n"));
        g_assert_cmpint(g_stat(p1, &st), ==, 0);
        g_assert_cmpint(st.st_size, ==, (goffset) (record * 4));

        /* one file: truncated in place */
        g_unlink(path);
        g_unlink(p1);
        g_unlink(p2);
        g_assert_cmpint(log_writer_new(path, record * 2, 1, &w), ==, 0);
        for (int i = 0; i < 5; i++)
                log_writer_write(w, LOG_STREAM_STDOUT, "line-abc\n", 9, &T1);
        log_writer_free(w);
        g_assert_cmpuint(count_lines(path), ==, 1);
        g_assert_false(g_file_test(p1, G_FILE_TEST_EXISTS));

        /* reopen: after someone else moved the file away, a new one */
        g_assert_cmpint(log_writer_new(path, 0, 1, &w), ==, 0);
        g_assert_cmpint(g_rename(path, p1), ==, 0);
        g_assert_cmpint(log_writer_reopen(w), ==, 0);
        log_writer_write(w, LOG_STREAM_STDERR, "after\n", 6, &T1);
        log_writer_free(w);
        g_autofree char *after = read_file(path);
        g_assert_cmpstr(after, ==, P("stderr", "F") "after\n");
        g_unlink(path);
        g_unlink(p1);
        g_rmdir(dir);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/log-writer/timestamps", test_timestamps);
        g_test_add_func("/log-writer/prefix", test_prefix);
        g_test_add_func("/log-writer/lines", test_lines);
        g_test_add_func("/log-writer/partial", test_partial);
        g_test_add_func("/log-writer/rotation", test_rotation);
        return g_test_run();
}
