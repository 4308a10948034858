/* SPDX-License-Identifier: Apache-2.0 */
#include "glib-subset-test.h"
#include "glib-subset.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Frees a strv of the subset (g_strfreev belongs to another file) */
static void strv_free_ours(char **v) {
        for (char **i = v; i && *i; i++)
                g_free(*i);
        g_free(v);
}

static void check_strings(char *ours, char *real, const char *what) {
        if (g_strcmp0(ours, real) != 0)
                fprintf(stderr, "%s: ours \"%s\", real \"%s\"\n", what, ours, real);
        g_assert_cmpstr(ours, ==, real);
        g_free(ours);
        REAL(g_free)(real);
}

/* ---- g_build_filename ---- */

static const char *const pieces[] = { "", "/", "//", "///", "a", "/a", "a/", "/a/", "//a//", "a/b", "a//b/", "b", ".", "..", NULL };

static void test_build_filename(void) {
        size_t n = G_N_ELEMENTS(pieces) - 1;

        check_strings(g_build_filename(NULL, NULL), REAL(g_build_filename)(NULL, NULL), "none");
        for (size_t i = 0; i < n; i++) {
                check_strings(g_build_filename(pieces[i], NULL), REAL(g_build_filename)(pieces[i], NULL), pieces[i]);
                for (size_t j = 0; j < n; j++) {
                        g_autofree char *what = g_strdup_printf("[%s][%s]", pieces[i], pieces[j]);
                        check_strings(g_build_filename(pieces[i], pieces[j], NULL),
                                      REAL(g_build_filename)(pieces[i], pieces[j], NULL), what);
                        for (size_t k = 0; k < n; k++) {
                                g_autofree char *w3 = g_strdup_printf("[%s][%s][%s]", pieces[i], pieces[j], pieces[k]);
                                check_strings(g_build_filename(pieces[i], pieces[j], pieces[k], NULL),
                                              REAL(g_build_filename)(pieces[i], pieces[j], pieces[k], NULL), w3);
                                for (size_t l = 0; l < n; l += 3)
                                        check_strings(g_build_filename(pieces[i], pieces[j], pieces[k], pieces[l], NULL),
                                                      REAL(g_build_filename)(pieces[i], pieces[j], pieces[k], pieces[l], NULL),
                                                      w3);
                        }
                }
        }
}

/* ---- basename, dirname, canonicalize ---- */

static const char *const paths[] = {
        "", "/", "//", "///", "a", "a/", "/a", "/a/", "/a/b//", "a/b", "a//b", "//a", "//a/b", "///a/b",
        ".", "..", "./", "../", "/.", "/..", "/../a", "a/..", "a/../..", "a/./b/.", "/a/b/../../..", "//..", "//../a",
        "a/b/c/", "/x/y/z", "./a//./b/", "...", "a/.../b", "/a/..b/b..", " / ", "é/ü", "a\377/b", NULL,
};

static void test_basename_dirname(void) {
        for (size_t i = 0; paths[i]; i++) {
                check_strings(g_path_get_basename(paths[i]), REAL(g_path_get_basename)(paths[i]), paths[i]);
                check_strings(g_path_get_dirname(paths[i]), REAL(g_path_get_dirname)(paths[i]), paths[i]);
        }
}

static void test_canonicalize(void) {
        static const char *const bases[] = { "/", "//", "///", "/r", "/r/", "/r/s", "//r/s/..", "/r/./s/../t", NULL };

        for (size_t i = 0; paths[i]; i++) {
                check_strings(g_canonicalize_filename(paths[i], NULL), REAL(g_canonicalize_filename)(paths[i], NULL),
                              paths[i]);
                for (size_t j = 0; bases[j]; j++) {
                        g_autofree char *what = g_strdup_printf("%s relative to %s", paths[i], bases[j]);
                        check_strings(g_canonicalize_filename(paths[i], bases[j]),
                                      REAL(g_canonicalize_filename)(paths[i], bases[j]), what);
                }
        }
}

/* ---- files on disk ---- */

static char *tmpdir;

static char *tmp_path(const char *name) {
        return g_strdup_printf("%s/%s", tmpdir, name);
}

static void write_file(const char *name, const char *data, size_t len, int mode) {
        g_autofree char *p = tmp_path(name);
        FILE *f = fopen(p, "w");
        g_assert_nonnull(f);
        g_assert_cmpuint(fwrite(data, 1, len, f), ==, len);
        fclose(f);
        g_assert_cmpint(chmod(p, (mode_t) mode), ==, 0);
}

static void check_contents(const char *path) {
        char *c1 = NULL, *c2 = NULL;
        gsize l1 = 7, l2 = 7;
        GError *e1 = NULL, *e2 = NULL;
        gboolean r1 = g_file_get_contents(path, &c1, &l1, &e1);
        gboolean r2 = REAL(g_file_get_contents)(path, &c2, &l2, &e2);

        g_assert_cmpint(r1, ==, r2);
        if (r1) {
                g_assert_cmpuint(l1, ==, l2);
                g_assert_true(memcmp(c1, c2, l1 + 1) == 0);
                g_assert_null(e1);
        } else {
                g_assert_null(c1);
                g_assert_nonnull(e1);
                g_assert_nonnull(e2);
                g_assert_cmpstr(e1->message, ==, e2->message);
                g_error_free(e1);
                REAL(g_error_free)(e2);
        }
        g_free(c1);
        REAL(g_free)(c2);

        /* length and error may be NULL */
        c1 = NULL;
        r1 = g_file_get_contents(path, &c1, NULL, NULL);
        g_assert_cmpint(r1, ==, r2);
        g_free(c1);
}

static void test_get_contents(void) {
        static const char *const names[] = {
                "empty", "small", "big", "binary", "unreadable", "dir", "nonexistent", "dir/nope",
                "small/sub", "link", "dangling", "\377bad\xc3name", "caf\xc3\xa9",
        };
        g_autofree char *big = g_malloc(300000);

        for (size_t i = 0; i < 300000; i++)
                big[i] = (char) ('a' + i % 26);
        write_file("empty", "", 0, 0644);
        write_file("small", "hello\nworld\n", 12, 0644);
        write_file("big", big, 300000, 0644);
        write_file("binary", "a\0b\0\377", 5, 0644);
        write_file("unreadable", "x", 1, 0);
        write_file("caf\xc3\xa9", "x", 1, 0644);

        for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
                g_autofree char *p = tmp_path(names[i]);
                check_contents(p);
        }
        check_contents("/proc/self/status");
        check_contents("/proc/self/cmdline");
        check_contents("/dev/null");
        check_contents("");
        check_contents("/");
        check_contents("relative-nonexistent");
}

static void test_file_test(void) {
        static const char *const names[] = { "empty", "small", "dir", "link", "dangling", "dirlink", "exe", "nonexistent", "unreadable" };
        static const GFileTest tests[] = {
                G_FILE_TEST_EXISTS, G_FILE_TEST_IS_REGULAR, G_FILE_TEST_IS_DIR, G_FILE_TEST_IS_SYMLINK,
                G_FILE_TEST_IS_EXECUTABLE, G_FILE_TEST_IS_REGULAR | G_FILE_TEST_IS_SYMLINK,
                G_FILE_TEST_IS_DIR | G_FILE_TEST_IS_EXECUTABLE, G_FILE_TEST_IS_REGULAR | G_FILE_TEST_IS_EXECUTABLE,
        };

        write_file("exe", "#!/bin/sh\n", 10, 0755);
        for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
                g_autofree char *p = tmp_path(names[i]);
                for (size_t j = 0; j < G_N_ELEMENTS(tests); j++)
                        g_assert_cmpint(g_file_test(p, tests[j]), ==, REAL(g_file_test)(p, tests[j]));
        }
        for (size_t j = 0; j < G_N_ELEMENTS(tests); j++) {
                g_assert_cmpint(g_file_test("/", tests[j]), ==, REAL(g_file_test)("/", tests[j]));
                g_assert_cmpint(g_file_test("/bin/sh", tests[j]), ==, REAL(g_file_test)("/bin/sh", tests[j]));
                g_assert_cmpint(g_file_test("", tests[j]), ==, REAL(g_file_test)("", tests[j]));
        }
}

static void check_mkdir(const char *rel, int mode) {
        g_autofree char *p = tmp_path(rel);
        g_autofree char *q = g_strdup_printf("%s/real/%s", tmpdir, rel);
        int r1, r2, e1, e2;
        struct stat s1, s2;

        errno = 0;
        r1 = g_mkdir_with_parents(p, mode);
        e1 = errno;
        errno = 0;
        r2 = REAL(g_mkdir_with_parents)(q, mode);
        e2 = errno;
        g_assert_cmpint(r1, ==, r2);
        if (r1 < 0)
                g_assert_cmpint(e1, ==, e2);
        g_assert_cmpint(stat(p, &s1) == 0, ==, stat(q, &s2) == 0);
        if (r1 == 0)
                g_assert_cmpint(s1.st_mode, ==, s2.st_mode);
}

static void test_mkdir(void) {
        g_autofree char *real = tmp_path("real");
        g_assert_cmpint(mkdir(real, 0755), ==, 0);
        write_file("real/file", "x", 1, 0644);
        write_file("file", "x", 1, 0644);

        check_mkdir("m1", 0700);
        check_mkdir("m1", 0700);
        check_mkdir("m2/a/b/c", 0750);
        check_mkdir("m3//a///b/", 0755);
        check_mkdir("m4/./a/../b", 0700);
        check_mkdir("file", 0700);
        check_mkdir("file/sub", 0700);
        check_mkdir("m5/file/../x", 0711);

        errno = 0;
        g_assert_cmpint(g_mkdir_with_parents("", 0700), ==, -1);
        g_assert_cmpint(errno, ==, EINVAL);
        g_assert_cmpint(g_mkdir_with_parents(NULL, 0700), ==, -1);
        g_assert_cmpint(errno, ==, EINVAL);

        /* relative paths, from inside the temporary directory */
        {
                char *cwd = g_get_current_dir();
                g_assert_cmpint(chdir(tmpdir), ==, 0);
                g_assert_cmpint(g_mkdir_with_parents("rel/a/b", 0700), ==, 0);
                g_assert_cmpint(REAL(g_mkdir_with_parents)("real/rel/a/b", 0700), ==, 0);
                g_assert_true(g_file_test("rel/a/b", G_FILE_TEST_IS_DIR));
                g_assert_cmpint(chdir(cwd), ==, 0);
                REAL(g_free)(cwd);
        }
}

static int cmp_names(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Reads all names of a directory (at most 64), sorted */
static size_t read_names(GDir *d, const char *(*next)(GDir *), char **names) {
        const char *n;
        size_t count = 0;

        while ((n = next(d))) {
                g_assert_cmpuint(count, <, 64);
                names[count++] = strdup(n);
        }
        qsort(names, count, sizeof(char *), cmp_names);
        return count;
}

static void check_dir(const char *path) {
        GError *e1 = NULL, *e2 = NULL;
        GDir *d1 = g_dir_open(path, 0, &e1);
        GDir *d2 = REAL(g_dir_open)(path, 0, &e2);
        char *n1[64], *n2[64];
        size_t c1, c2;

        g_assert_cmpint(!!d1, ==, !!d2);
        if (!d1) {
                g_assert_cmpstr(e1->message, ==, e2->message);
                g_error_free(e1);
                REAL(g_error_free)(e2);
                g_assert_null(g_dir_open(path, 0, NULL));
                return;
        }
        c1 = read_names(d1, g_dir_read_name, n1);
        g_assert_null(g_dir_read_name(d1));
        c2 = read_names(d2, REAL(g_dir_read_name), n2);
        g_assert_cmpuint(c1, ==, c2);
        for (size_t i = 0; i < c1; i++) {
                g_assert_cmpstr(n1[i], ==, n2[i]);
                free(n1[i]);
                free(n2[i]);
        }
        g_dir_close(d1);
        REAL(g_dir_close)(d2);
}

static void test_dir(void) {
        g_autofree char *empty = tmp_path("emptydir"), *small = tmp_path("small"), *none = tmp_path("none"),
                        *bad = tmp_path("\377bad");
        g_autoptr(GDir) d = NULL;

        g_assert_cmpint(mkdir(empty, 0755), ==, 0);
        check_dir(tmpdir);
        check_dir(empty);
        check_dir(small);
        check_dir(none);
        check_dir(bad);
        check_dir("/proc/self");
        check_dir("");
        check_dir("/");

        /* g_autoptr(GDir) uses g_dir_close */
        d = g_dir_open(tmpdir, 0, NULL);
        g_assert_nonnull(d);
}

/* ---- GDateTime ---- */

static const char *const dt_formats[] = {
        "%Y-%m-%dT%H:%M:%S.%fZ", "%Y|%C|%y|%G|%g|%V|%j|%e|%k|%l|%I|%p|%P|%u|%w|%s|%Z|%z|%:z|%::z|%:::z|%f",
        "%c", "%x", "%X", "%r", "%R", "%T", "%F", "%a %A %b %B %h", "%n%t%%", "%_m|%-m|%0e|%-d|%_H|%_Y|%-j|%_j|%0k",
        "%-Y|%_C|%-C|%-z|%_f|%-f|%_s|%0s|%-_0d", "", "%", "a%", "%_", "%:", "plain text", "%%Y", "%Y%",
        "é%Yü", "%D", "%E", "%Ey", "%Oy", "%OH", "%Ec", "%EY", "%Od", "%^a", "%5Y", "%U", "%W", "%v", "%::::z", "%:Y",
};

/* Compares one of ours with one of the real GLib's: NULL, Unix time, formats */
static void check_dt(GDateTime *ours, GDateTime *real, const char *what) {
        if (!!ours != !!real)
                fprintf(stderr, "%s: ours %p, real %p\n", what, (void *) ours, (void *) real);
        g_assert_cmpint(!!ours, ==, !!real);
        if (!ours)
                return;
        g_assert_cmpint(g_date_time_to_unix(ours), ==, REAL(g_date_time_to_unix)(real));
        check_strings(g_date_time_format_iso8601(ours), REAL(g_date_time_format_iso8601)(real), what);
        for (size_t i = 0; i < G_N_ELEMENTS(dt_formats); i++)
                check_strings(g_date_time_format(ours, dt_formats[i]), REAL(g_date_time_format)(real, dt_formats[i]),
                              dt_formats[i]);
        g_date_time_unref(ours);
        REAL(g_date_time_unref)(real);
}

static void check_unix(gint64 t) {
        static const GTimeSpan spans[] = {
                0, 1, -1, 999999, -999999, 1000000, -1000000, 1500000, -1500000, G_TIME_SPAN_DAY, -G_TIME_SPAN_DAY,
                G_TIME_SPAN_DAY * 366 * 100, -G_TIME_SPAN_DAY * 366 * 100, G_MAXINT64, G_MININT64,
        };
        g_autofree char *what = g_strdup_printf("unix %" G_GINT64_FORMAT, t);
        GDateTime *ours = g_date_time_new_from_unix_utc(t), *real = REAL(g_date_time_new_from_unix_utc)(t);

        g_assert_cmpint(!!ours, ==, !!real);
        for (size_t i = 0; ours && i < G_N_ELEMENTS(spans); i++)
                check_dt(g_date_time_add(ours, spans[i]), REAL(g_date_time_add)(real, spans[i]), what);
        check_dt(ours, real, what);
}

static void test_datetime_unix(void) {
        static const gint64 times[] = {
                0, 1, -1, 59, 60, 3599, 86399, 86400, -86400, -86401, 951782400, 951868800, 946684799, 1700000000,
                2147483647, 2147483648, 4102444800, 4107542400, -2208988800, -12219292800, -62135596800, -62135596799,
                -62135596801, 253402300799, 253402300800, 253402214400, G_MAXINT64, G_MININT64, G_MAXINT64 / 1000000,
                G_MININT64 / 1000000, 1230768000, 1230767999, 1104537600, 1135987200, 1262304000, 1293753600,
        };
        GRand *rand = g_rand_new_with_seed(1234);

        for (size_t i = 0; i < G_N_ELEMENTS(times); i++)
                check_unix(times[i]);
        /* every day of a few years around week and leap boundaries, and random times in range */
        for (gint64 t = 1104537600 - 20 * 86400; t < 1104537600 + 4 * 366 * 86400; t += 86400 + 3607)
                check_unix(t);
        for (int i = 0; i < 3000; i++)
                check_unix((gint64) (g_rand_double(rand) * (253402300799.0 + 62135596800.0)) - 62135596800);
        g_rand_free(rand);
}

static void test_datetime_format_specs(void) {
        static const char *const flags[] = { "", "_", "-", "0", ":", "::", ":::", "::::", "E", "O", "_-", "0_", "-:", ":_", "^", "#", "5" };
        GDateTime *ours = g_date_time_new_from_iso8601("2009-02-03T04:05:06.007008-01:30", NULL);
        GDateTime *real = REAL(g_date_time_new_from_iso8601)("2009-02-03T04:05:06.007008-01:30", NULL);

        g_assert_nonnull(ours);
        for (size_t f = 0; f < G_N_ELEMENTS(flags); f++)
                for (int c = 0x20; c < 0x7f; c++) {
                        g_autofree char *fmt = g_strdup_printf("<%%%s%c>", flags[f], c);
                        check_strings(g_date_time_format(ours, fmt), REAL(g_date_time_format)(real, fmt), fmt);
                }
        check_dt(ours, real, "format specs");
}

static void check_iso(const char *text) {
        check_dt(g_date_time_new_from_iso8601(text, NULL), REAL(g_date_time_new_from_iso8601)(text, NULL), text);
}

static void test_datetime_iso8601(void) {
        static const char *const texts[] = {
                "2020-01-01T00:00:00+01:00", "2020-01-01T00:00:00-01:30", "2020-01-01T00:00:00+0130",
                "2020-01-01T00:00:00+01", "2020-01-01T00:00:00+00:00", "2020-01-01T00:00:00-00:00",
                "2020-01-01T00:00:00z", "2020-01-01T00:00:00+24:00", "2020-01-01T00:00:00+25:00",
                "2020-01-01T00:00:00+23:60", "2020-01-01T00:00:00+23:59", "2020-01-01T00:00:00-24:00",
                "0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00-01:00", "9999-12-31T23:59:59-01:00",
                "9999-12-31T23:59:59+01:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z",
                "0000-12-31T23:59:59Z", "2020-01-01T00:00:00", "2023-06-01T12:34:56.123456789Z",
                "2023-06-01T12:34:56.123456789+02:00", "2020-01-01T23:59:60Z", "2020-01-01T23:59:60.5Z",
                "2020-01-01T23:59:61Z", "2020-01-01T23:59:62Z", "2020-01-01 00:00:00Z", "2020-01-01t00:00:00Z",
                "2020-01-01T00:00:00.Z", "2020-01-01T00:00:00,5Z", "2020-01-01T00:00Z", "2020-01-01T0000Z",
                "2020-01-01T000000Z", "20200101T000000Z", "2020-001T000000Z", "2020001T000000Z",
                "2020-W01-1T00:00:00Z", "2020W011T00:00:00Z",
                "2020-01-01T00:00:00.0000000000000000000000000000000000000000000000000000000000000000000000Z",
                "2020-01-01T00:00:00.00000000000000000001Z", "2020-01-01T00:00:00.0000000000000000001Z", "2020-01-01T00:00:00.99999999999999999Z", "2020-01-01T00:00:59.999999999999999999Z", "2020-01-01T00:00:59.9999999999999999999Z", "2020-01-01T00:00:00.1234567890123456789Z",
                "2020-01-01T00:00:00.12345678901234567890Z", "2020-01-01T00:00:00.99999999999999999999Z",
                "2020-01-01T00:00:00.000001Z", "2020-01-01T00:00:00.0000005Z", "2020-01-01T00:00:00.9999999Z",
                "+020-01-01T00:00:00Z", "2020-01-01T-1:00:00Z", "2020-01-01T00:00:00+1:00",
                "2020-01-01T00:00:00+01:00:00", "2020-01-01T00:00:00 Z", "2020-01-01T00:00:00+01:0x",
                "2021-W53-1T00:00:00Z", "2020-W53-7T00:00:00Z", "2020-W54-1T00:00:00Z", "2019-W01-1T00:00:00Z",
                "2026-W01-1T00:00:00Z", "2020-366T00:00:00Z", "2021-366T00:00:00Z", "2020-000T00:00:00Z",
                "2020-02-29T00:00:00Z", "2021-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2000-02-29T00:00:00Z",
                "2020-13-01T00:00:00Z", "2020-00-01T00:00:00Z", "2020-01-32T00:00:00Z", "2020-04-31T00:00:00Z",
                "2020-01-01T24:00:00Z", "2020-01-01T23:60:00Z", "2020-01-01T12:34:56Z", "", "T", "Z", "TZ",
                "2020-01-01", "2020-01-01T", "2020-01-01TZ", "2020-01-01T12:34:56ZZ", "2020-01-01T12:34:56+",
                "2020-01-01T12:34:56-", "2020-01-01T12:34:56+1", "2020-01-01T12:34:56+123", "2020-01-01T12:34:56+12345",
                "2020-01-01T12:34:56+12:345", "2020-01-01T12:34:56.5+01", "2020-01-01T12:34:56.5-0100",
                "2020-01-01T12:34:5Z", "2020-01-01T12:34:5.5Z", "2020-01-01T1:34:56Z", "2020-01-01T12:3:56Z",
                "2020-01-01T12:34:56.+01:00", "2020-01-01T12-34-56Z", "2020-01-01T12:34:56.5.5Z",
                "2020-1-01T12:34:56Z", "20-01-01T12:34:56Z", "02020-01-01T12:34:56Z", "2020-01-01T12:34:56 ",
                " 2020-01-01T12:34:56Z", "2020-01-01  12:34:56Z", "2020-01-01T12:34:56Z trailing",
                "2020-01-01T12:34:56\xc3\xa9Z", "2020-01-01T12:34:56.1e3Z", "２０２０-01-01T12:34:56Z",
                "1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.5Z", "1970-01-01T00:00:00.000001-00:01",
                "2038-01-19T03:14:08Z", "2106-02-07T06:28:16Z", "0001-W01-1T00:00:00Z", "9999-W52-5T00:00:00Z",
                "9999-W52-6T00:00:00Z", "0001-001T00:00:00Z", "9999-365T23:59:59Z", "9999-366T23:59:59Z",
                "2020-01-01T12:34:56.5,5Z", "2020-01-01T12:34:56,Z", "2020-01-01T123456.789Z",
                "2020-01-01T12:3456Z", "2020-01-01T1234:56Z", "2020-01-01T12:34:56-1",
        };
        GRand *rand = g_rand_new_with_seed(99);

        for (size_t i = 0; i < G_N_ELEMENTS(texts); i++)
                check_iso(texts[i]);
        /* fractions of every length, checked through %f and the ISO output */
        for (int digits = 1; digits <= 12; digits++)
                for (int i = 0; i < 300; i++) {
                        char frac[16];
                        for (int d = 0; d < digits; d++)
                                frac[d] = (char) ('0' + g_rand_int_range(rand, 0, 10));
                        frac[digits] = '\0';
                        g_autofree char *t = g_strdup_printf("2021-03-04T05:06:07.%sZ", frac);
                        check_iso(t);
                }
        for (int i = 0; i < 1000; i++) {
                g_autofree char *t = g_strdup_printf("%04d-%02d-%02dT%02d:%02d:%02d.%dZ", g_rand_int_range(rand, 0, 10001),
                                                     g_rand_int_range(rand, 0, 14), g_rand_int_range(rand, 0, 33),
                                                     g_rand_int_range(rand, 0, 25), g_rand_int_range(rand, 0, 61),
                                                     g_rand_int_range(rand, 0, 63), g_rand_int_range(rand, 0, 1000));
                check_iso(t);
        }
        /* week dates around every kind of year start */
        for (int y = 1; y < 10000; y += (y < 30 || (y > 1990 && y < 2040) || y > 9990) ? 1 : 97)
                for (int w = 0; w <= 54; w++)
                        for (int d = 0; d <= 8; d++) {
                                g_autofree char *t = g_strdup_printf("%04d-W%02d-%dT01:02:03Z", y, w, d);
                                check_iso(t);
                        }
        for (int y = 1; y < 10000; y += (y < 10 || (y > 1995 && y < 2030) || y > 9995) ? 1 : 331)
                for (int d = 0; d <= 367; d++) {
                        g_autofree char *t = g_strdup_printf("%04d%03dT010203+0100", y, d);
                        check_iso(t);
                }
        g_rand_free(rand);
}

static void test_datetime_now(void) {
        GDateTime *ours = g_date_time_new_now_utc(), *real = REAL(g_date_time_new_now_utc)();
        g_autofree char *z = g_date_time_format(ours, "%Z");

        g_assert_nonnull(ours);
        g_assert_cmpint(llabs(g_date_time_to_unix(ours) - REAL(g_date_time_to_unix)(real)), <=, 2);
        g_assert_cmpstr(z, ==, "UTC");
        g_date_time_unref(ours);
        REAL(g_date_time_unref)(real);

        /* g_autoptr(GDateTime) uses g_date_time_unref */
        {
                g_autoptr(GDateTime) a = g_date_time_new_now_utc();
                g_autofree char *iso = g_date_time_format_iso8601(a);
                g_assert_true(strlen(iso) == 20 || strlen(iso) == 27);
                g_assert_true(iso[strlen(iso) - 1] == 'Z');
        }
}

/* ---- GKeyFile ---- */

static void check_error(GError *ours, GError *real, const char *what) {
        g_assert_cmpint(!!ours, ==, !!real);
        if (!ours)
                return;
        if (strcmp(ours->message, real->message) != 0)
                fprintf(stderr, "%s: ours \"%s\", real \"%s\"\n", what, ours->message, real->message);
        g_assert_cmpstr(ours->message, ==, real->message);
        g_error_free(ours);
        REAL(g_error_free)(real);
}

static void check_value(GKeyFile *ours, GKeyFile *real, const char *group, const char *key, const char *what) {
        GError *e1 = NULL, *e2 = NULL;
        char *v1 = g_key_file_get_value(ours, group, key, &e1), *v2 = REAL(g_key_file_get_value)(real, group, key, &e2);

        check_error(e1, e2, what);
        check_strings(v1, v2, what);
        check_strings(g_key_file_get_value(ours, group, key, NULL), REAL(g_key_file_get_value)(real, group, key, NULL), what);
}

static void check_keys(GKeyFile *ours, GKeyFile *real, const char *group, const char *what) {
        GError *e1 = NULL, *e2 = NULL;
        gsize n1 = 99, n2 = 99;
        char **k1 = g_key_file_get_keys(ours, group, &n1, &e1), **k2 = REAL(g_key_file_get_keys)(real, group, &n2, &e2);

        check_error(e1, e2, what);
        g_assert_cmpint(!!k1, ==, !!k2);
        if (k1) {
                g_assert_cmpuint(n1, ==, n2);
                for (gsize i = 0; i <= n1; i++)
                        g_assert_cmpstr(k1[i], ==, k2[i]);
                for (gsize i = 0; i < n1; i++)
                        check_value(ours, real, group, k1[i], what);
        }
        check_value(ours, real, group, "nonexistent", what);
        strv_free_ours(k1);
        REAL(g_strfreev)(k2);
}

static void check_keyfile(const char *data, gssize len) {
        GKeyFile *ours = g_key_file_new(), *real = REAL(g_key_file_new)();
        GError *e1 = NULL, *e2 = NULL;
        gboolean r1 = g_key_file_load_from_data(ours, data, (gsize) len, G_KEY_FILE_NONE, &e1);
        gboolean r2 = REAL(g_key_file_load_from_data)(real, data, (gsize) len, G_KEY_FILE_NONE, &e2);

        if (r1 != r2)
                fprintf(stderr, "load of \"%s\": ours %d, real %d\n", data, r1, r2);
        g_assert_cmpint(r1, ==, r2);
        check_error(e1, e2, data);
        if (r1) {
                gsize n1 = 99, n2 = 99;
                char **g1 = g_key_file_get_groups(ours, &n1), **g2 = REAL(g_key_file_get_groups)(real, &n2);

                g_assert_cmpuint(n1, ==, n2);
                for (gsize i = 0; i <= n1; i++)
                        g_assert_cmpstr(g1[i], ==, g2[i]);
                for (gsize i = 0; i < n1; i++)
                        check_keys(ours, real, g1[i], data);
                check_keys(ours, real, "nonexistent", data);
                strv_free_ours(g1);
                REAL(g_strfreev)(g2);
                g1 = g_key_file_get_groups(ours, NULL);
                strv_free_ours(g1);
        }
        g_key_file_unref(ours);
        REAL(g_key_file_unref)(real);
}

static const char *const kf_texts[] = {
        "[a]\nk=1\nk=2\nj=3\n[b]\nx=1\n[a]\nk=4\nz=5\n", "k=v\n", "#c\n\nk=v\n", "[a]\nfoo\n", "[a]\n=v\n",
        "[a]\n k = v  \n", "[a]\nk\t=\tv\t\n", "[a b]  \nk=v", "[a]x\n", "[]\n", "[a[b]]\n", "[a[b]\n", "[a\001]\n",
        "[a\177]\n", "[a]\nk[fr]=v\nk[C]=w\nk[en_US]=x\nk[]=y\n", "[a]\n[k=v\n", "[a]\nk]=v\n", "[a]\n k=v\n",
        "[a]\nk k=v\n", "[a]\nk =v\n", "[a]\n\377=v\n", "[\377]\n", "[\377\001]\n", "[a]\nk=\377\n", "\377\n",
        "[a]\r\nk=v\r\n", "[a]\nk=v\r", "[a]\rk=v\n", "[a]\nk=v\\s\n", "Encoding=x\n", "[a]\nEncoding=latin1\n",
        "[a]\n[b]\nEncoding=latin1\n", "[a]\nEncoding=utf-8\n", "[a]\nEncoding=UTF-8 \n", "[a]\nEncoding=\377\n",
        "[a]\nx=1\n[b]\n[a]\nEncoding=l1\n", ";x\n", "  #c\n[a]\n", "[a]\n;k=v\n", "", "\n", "   \n\t\n",
        "[a]\nk=v\n[a]\n", " [a]\nk=v", "[a]\n\tk=v", "[a]\nk[fr=v\n", "[a]\nk[fr]x=v\n", "[a]\nk[f r]=v\n",
        "[a]\nk[f.r@x-y_z]=v\n", "[a]\nk=v=w\n", "[a]\nk==v\n", "[a]\n\303\251=v\n", "[ a ]\n", "[a]]\n",
        "[a]\nk=v\n\n\n#end", "]=v\n", "[=v\n", "[a\n", "[a]\n[b\n", "foo\n[a]\n", " foo \n", "\tfoo\n",
        "[a]\nk[\303\251]=v\n", "[a]\nk\v=v\n", "[a]\n\fk=v\n", "[a]\nk=\n", "[a]\nk=  \n", "[a]\nk= \t x \t\n",
        "[a]\nk=#v\n", "[a]\n#k=v\n", "[a] \t\nk=v\n", "[a]\t x\n", "[a]\n  [b]  \nk=v\n",
        "[Registry 127.0.0.1:5000]\nInsecure=yes\nMirrors=a, b\n", "[Storage]\nDriver=overlay\n# c\n[Network]\nMTU=1500\n",
        "[a]\nk=v\n[b]\nk=w\n[c]\n", "[a]\nkey with spaces = value with spaces \n", "[a]\nk=\303\251\377\303\n",
        "[a]\nline \303\251\377 without equals\n", "[a]\nk[C]=1\nk[c]=2\nk[C.UTF-8]=3\nk[C.utf8]=4\nk[POSIX]=5\n",
        "[a]\nk[fr_FR.UTF-8@euro]=1\nk[fr_FR@euro]=2\nk[fr]=3\nk[de]=4\nk[de_DE]=5\nk[fr.UTF-8]=6\n",
        "[a]\nk[fr]=1\nk=2\n", "[a]\n=\n", "[a]\n =v\n", "[a]\nk [x]=v\n", "[a]\nk[x] =v\n", "[a]\nk[]x=v\n",
};

static void test_keyfile(void) {
        static const char *const languages[] = { NULL, "fr_FR.UTF-8@euro:de", "de_DE", "fr", "C", ":fr:" };
        const char *saved = getenv("LANGUAGE");
        g_autofree char *saved_copy = saved ? g_strdup(saved) : NULL;

        for (size_t l = 0; l < G_N_ELEMENTS(languages); l++) {
                if (languages[l])
                        g_assert_cmpint(setenv("LANGUAGE", languages[l], 1), ==, 0);
                for (size_t i = 0; i < G_N_ELEMENTS(kf_texts); i++) {
                        check_keyfile(kf_texts[i], -1);
                        check_keyfile(kf_texts[i], (gssize) strlen(kf_texts[i]));
                }
        }
        if (saved_copy)
                setenv("LANGUAGE", saved_copy, 1);
        else
                unsetenv("LANGUAGE");
}

/* Every combination of a few lines, to catch ordering and merging rules */
static void test_keyfile_combinations(void) {
        static const char *const lines[] = {
                "[a]", "[b]", "k=1", "k = 2", "j=3", "#c", "", " ", "x", "[]", "k[fr]=4", "=5", "Encoding=l1",
                "[a] ", "a b=6", "[c]x",
        };
        size_t n = G_N_ELEMENTS(lines);

        for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < n; j++)
                        for (size_t k = 0; k < n; k++)
                                for (size_t m = 0; m < n; m += 2) {
                                        g_autofree char *t = g_strdup_printf("%s\n%s\n%s\n%s", lines[i], lines[j], lines[k], lines[m]);
                                        check_keyfile(t, -1);
                                }
}

static void test_keyfile_misc(void) {
        GKeyFile *kf = g_key_file_new();
        GError *e = NULL;
        char **v;

        /* a second load replaces the first */
        g_assert_true(g_key_file_load_from_data(kf, "[a]\nk=v\n", (gsize) -1, G_KEY_FILE_NONE, NULL));
        g_assert_true(g_key_file_load_from_data(kf, "[b]\nj=w\n", (gsize) -1, G_KEY_FILE_NONE, NULL));
        v = g_key_file_get_groups(kf, NULL);
        g_assert_cmpstr(v[0], ==, "b");
        g_assert_null(v[1]);
        strv_free_ours(v);
        /* a length shorter than the text */
        g_assert_true(g_key_file_load_from_data(kf, "[a]\nk=value", 9, G_KEY_FILE_NONE, NULL));
        {
                g_autofree char *value = g_key_file_get_value(kf, "a", "k", &e);
                g_assert_no_error(e);
                g_assert_cmpstr(value, ==, "val");
        }
        g_key_file_unref(kf);

        /* g_autoptr(GKeyFile) uses g_key_file_unref */
        {
                g_autoptr(GKeyFile) a = g_key_file_new();
                g_assert_false(g_key_file_load_from_data(a, "x\n", (gsize) -1, G_KEY_FILE_NONE, &e));
                g_assert_nonnull(e);
                g_error_free(e);
        }
}

static void setup_tmpdir(void) {
        g_autofree char *dir = tmp_path("dir"), *link = tmp_path("link"), *dangling = tmp_path("dangling"),
                        *dirlink = tmp_path("dirlink");

        g_assert_cmpint(mkdir(dir, 0755), ==, 0);
        g_assert_cmpint(symlink("small", link), ==, 0);
        g_assert_cmpint(symlink("nowhere", dangling), ==, 0);
        g_assert_cmpint(symlink("dir", dirlink), ==, 0);
}

int main(int argc, char **argv) {
        char tmpl[] = "/tmp/gs-files-XXXXXX";
        int r;

        g_test_init(&argc, &argv, NULL);
        tmpdir = mkdtemp(tmpl);
        g_assert_nonnull(tmpdir);
        setup_tmpdir();

        g_test_add_func("/glib-subset/files/build-filename", test_build_filename);
        g_test_add_func("/glib-subset/files/basename-dirname", test_basename_dirname);
        g_test_add_func("/glib-subset/files/canonicalize", test_canonicalize);
        g_test_add_func("/glib-subset/files/get-contents", test_get_contents);
        g_test_add_func("/glib-subset/files/file-test", test_file_test);
        g_test_add_func("/glib-subset/files/mkdir-with-parents", test_mkdir);
        g_test_add_func("/glib-subset/files/dir", test_dir);
        g_test_add_func("/glib-subset/files/datetime-unix", test_datetime_unix);
        g_test_add_func("/glib-subset/files/datetime-format-specs", test_datetime_format_specs);
        g_test_add_func("/glib-subset/files/datetime-iso8601", test_datetime_iso8601);
        g_test_add_func("/glib-subset/files/datetime-now", test_datetime_now);
        g_test_add_func("/glib-subset/files/keyfile", test_keyfile);
        g_test_add_func("/glib-subset/files/keyfile-combinations", test_keyfile_combinations);
        g_test_add_func("/glib-subset/files/keyfile-misc", test_keyfile_misc);
        r = g_test_run();

        {
                g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
                if (system(cmd) != 0)
                        r = 1;
        }
        return r;
}
