/* SPDX-License-Identifier: Apache-2.0 */
/* The subset's string functions, GString, logging and misc helpers, each
 * compared with the real libglib on the same inputs. */
#include "glib-subset-test.h"
#include "glib-subset.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* a fixed-seed generator, so that failures repeat */
static guint32 rnd_state = 0x12345678;

static guint32 rnd(void) {
        rnd_state ^= rnd_state << 13;
        rnd_state ^= rnd_state >> 17;
        rnd_state ^= rnd_state << 5;
        return rnd_state;
}

/* both NULL, or the same strings in the same order; frees both */
static void assert_same_strv(gchar **ours, gchar **real) {
        g_assert_true((ours == NULL) == (real == NULL));
        if (!ours)
                return;
        guint i;
        for (i = 0; ours[i] && real[i]; i++)
                g_assert_cmpstr(ours[i], ==, real[i]);
        g_assert_null(ours[i]);
        g_assert_null(real[i]);
        g_strfreev(ours);
        REAL(g_strfreev)(real);
}

static void assert_same_str(gchar *ours, gchar *real) {
        g_assert_cmpstr(ours, ==, real);
        g_free(ours);
        REAL(g_free)(real);
}

/* ---- ASCII ---- */

static void test_ascii_table(void) {
        const guint16 *real = *REAL(g_ascii_table);

        for (int c = 0; c < 256; c++) {
                g_assert_cmphex(g_ascii_table[c], ==, real[c]);
                g_assert_cmpint(g_ascii_tolower((gchar) c), ==, REAL(g_ascii_tolower)((gchar) c));
        }
        /* the glib.h macros read our table */
        g_assert_true(g_ascii_isspace('\t'));
        g_assert_false(g_ascii_isspace('\v'));
        g_assert_true(g_ascii_isxdigit('F'));
        g_assert_false(g_ascii_isalpha('\xe9'));
}

static void test_ascii_case(void) {
        static const char *const s[] = {
                "", "a", "A", "abc", "ABC", "abd", "ab", "abcd", "Hello World", "hello world", "[", "{", "_",
                "\xc3\xa9", "\xc3\x89", "z", "Z", "@", "`", "x\xff", "x\x01",
        };

        for (gsize i = 0; i < G_N_ELEMENTS(s); i++) {
                for (gsize j = 0; j < G_N_ELEMENTS(s); j++) {
                        g_assert_cmpint(g_ascii_strcasecmp(s[i], s[j]), ==, REAL(g_ascii_strcasecmp)(s[i], s[j]));
                        for (gsize n = 0; n < 6; n++)
                                g_assert_cmpint(g_ascii_strncasecmp(s[i], s[j], n), ==,
                                                REAL(g_ascii_strncasecmp)(s[i], s[j], n));
                        g_assert_cmpint(g_ascii_strncasecmp(s[i], s[j], G_MAXSIZE), ==,
                                        REAL(g_ascii_strncasecmp)(s[i], s[j], G_MAXSIZE));
                }
                for (gssize len = -1; len < 14; len++) {
                        assert_same_str(g_ascii_strdown(s[i], len), REAL(g_ascii_strdown)(s[i], len));
                        assert_same_str(g_ascii_strup(s[i], len), REAL(g_ascii_strup)(s[i], len));
                }
        }
}

/* ---- numbers ---- */

static void test_strtod(void) {
        static const char *const s[] = {
                "1e5",    "  -3.25x", "inf",    "-INFINITY", "nan",   "NaN(123)", "0x1p3",  "",       "   ",
                ".",      "-.5",      "1.",     "+7",        "1e",    "1e+",      "1e-400", "1e400",  "-1e400",
                "0x",     "0x.8p1",   "1,5",    "\t\n12",    "\v12",  "0.1",      "123456789012345678901234567890",
                "4.9e-324", "2.2250738585072014e-308", "  +", "- 1", "0e0", "00012.50",
        };

        for (gsize i = 0; i < G_N_ELEMENTS(s); i++) {
                gchar *e1 = NULL, *e2 = NULL;

                errno = 77;
                gdouble a = g_ascii_strtod(s[i], &e1);
                int errno1 = errno;
                errno = 77;
                gdouble b = REAL(g_ascii_strtod)(s[i], &e2);
                int errno2 = errno;

                g_assert_cmpmem(&a, sizeof a, &b, sizeof b);
                g_assert_true(e1 - s[i] == e2 - s[i]);
                g_assert_cmpint(errno1, ==, errno2);
                g_assert_true(memcmp(&a, &(gdouble) { g_ascii_strtod(s[i], NULL) }, sizeof a) == 0);
        }
}

static void test_strtoull(void) {
        static const char *const s[] = {
                "18446744073709551615", "18446744073709551616", "99999999999999999999999", "-1", "-0", "0x10",
                "0X1f",                 "0x",                   "010",                     "08", "  42 ",
                "+5",                   "",                     "abc",                     "zz", "1_000",
                "-18446744073709551615", "-18446744073709551616", "\t7", "0b101", "11111111111111111111111111111111111111111111111111111111111111111",
        };
        static const guint bases[] = { 0, 10, 16, 8, 2, 36, 1, 37, 64 };

        for (gsize i = 0; i < G_N_ELEMENTS(s); i++)
                for (gsize j = 0; j < G_N_ELEMENTS(bases); j++) {
                        gchar *e1 = NULL, *e2 = NULL;

                        errno = 4242;
                        guint64 a = g_ascii_strtoull(s[i], &e1, bases[j]);
                        int errno1 = errno;
                        errno = 4242;
                        guint64 b = REAL(g_ascii_strtoull)(s[i], &e2, bases[j]);
                        int errno2 = errno;

                        g_assert_cmpuint(a, ==, b);
                        g_assert_true(e1 - s[i] == e2 - s[i]);
                        g_assert_cmpint(errno1, ==, errno2);
                        g_assert_cmpuint(g_ascii_strtoull(s[i], NULL, bases[j]), ==, a);
                }
        g_assert_cmpuint(g_ascii_strtoull("18446744073709551616", NULL, 10), ==, G_MAXUINT64);
}

/* ---- small string helpers ---- */

static void test_affixes(void) {
        static const char *const s[] = { "", "a", "ab", "abc", "bc", "c", "abcabc", "x" };

        for (gsize i = 0; i < G_N_ELEMENTS(s); i++)
                for (gsize j = 0; j < G_N_ELEMENTS(s); j++) {
                        g_assert_cmpint(g_str_has_prefix(s[i], s[j]), ==, REAL(g_str_has_prefix)(s[i], s[j]));
                        g_assert_cmpint(g_str_has_suffix(s[i], s[j]), ==, REAL(g_str_has_suffix)(s[i], s[j]));
                }
}

static void test_chomp_chug(void) {
        static const char *const s[] = {
                "", " ", "  \t\n\r\f", "a", " a ", "\v a \v", "\ta b\t", "x\n\n", "\n\nx", "a\xa0", " \xc2\xa0x",
        };

        for (gsize i = 0; i < G_N_ELEMENTS(s); i++) {
                gchar *a = g_strdup(s[i]), *b = g_strdup(s[i]);
                g_assert_true(g_strchomp(a) == a);
                g_assert_cmpstr(a, ==, REAL(g_strchomp)(b));
                g_assert_true(g_strchug(a) == a);
                g_assert_cmpstr(a, ==, REAL(g_strchug)(b));
                g_free(a);
                g_free(b);
                a = g_strdup(s[i]);
                b = g_strdup(s[i]);
                g_assert_cmpstr(g_strchug(a), ==, REAL(g_strchug)(b));
                g_free(a);
                g_free(b);
        }
}

static void test_concat_delimit(void) {
        g_assert_null(g_strconcat(NULL, "x", NULL));
        assert_same_str(g_strconcat("a", NULL), REAL(g_strconcat)("a", NULL));
        assert_same_str(g_strconcat("", "", NULL), REAL(g_strconcat)("", "", NULL));
        assert_same_str(g_strconcat("sha256:", "abc", "", "%", NULL), REAL(g_strconcat)("sha256:", "abc", "", "%", NULL));

        static const char *const s[] = { "", "a b c", "a-b_c|d>e<f.g h", "//x/ /", "\xff\xfe" };
        static const char *const delims[] = { NULL, "", " ", "/", "\xff", "abc" };
        for (gsize i = 0; i < G_N_ELEMENTS(s); i++)
                for (gsize j = 0; j < G_N_ELEMENTS(delims); j++) {
                        gchar *a = g_strdup(s[i]), *b = g_strdup(s[i]);
                        g_assert_true(g_strdelimit(a, delims[j], '#') == a);
                        g_assert_cmpstr(a, ==, REAL(g_strdelimit)(b, delims[j], '#'));
                        g_free(a);
                        g_free(b);
                }
}

static void test_strerror(void) {
        int errs[] = { INT_MIN, -1000, -1, 0, 10000, INT_MAX, EEXIST, ENOENT };

        for (int e = -3; e < 200; e++) {
                errno = 12345;
                const gchar *a = g_strerror(e);
                g_assert_cmpint(errno, ==, 12345);
                g_assert_cmpstr(a, ==, REAL(g_strerror)(e));
                /* cached: the same pointer, still valid */
                g_assert_true(g_strerror(e) == a);
        }
        for (gsize i = 0; i < G_N_ELEMENTS(errs); i++) {
                const gchar *a = g_strerror(errs[i]);
                g_assert_cmpstr(a, ==, REAL(g_strerror)(errs[i]));
                g_assert_nonnull(g_strerror(errs[i] ^ 1));
                g_assert_cmpstr(a, ==, REAL(g_strerror)(errs[i]));
        }
}

static void test_strescape(void) {
        static const char *const s[] = {
                "",        "plain",      "tab\there", "\b\f\n\r\t\v\\\"", "'single'", "\x01\x1f\x7f\x80\xff",
                "caf\xc3\xa9", "a\033[0m", " ~",       "?\?/",
        };
        static const char *const exc[] = { NULL, "", "\n", "\xc3\xa9", "\\\"", "\x01\x7f\xff", "abc\t" };

        for (gsize i = 0; i < G_N_ELEMENTS(s); i++)
                for (gsize j = 0; j < G_N_ELEMENTS(exc); j++)
                        assert_same_str(g_strescape(s[i], exc[j]), REAL(g_strescape)(s[i], exc[j]));

        char all[256];
        for (int c = 1; c < 256; c++)
                all[c - 1] = (char) c;
        all[255] = '\0';
        assert_same_str(g_strescape(all, NULL), REAL(g_strescape)(all, NULL));
        assert_same_str(g_strescape(all, all + 100), REAL(g_strescape)(all, all + 100));
}

/* ---- vectors ---- */

static void test_strv(void) {
        gchar *v0[] = { NULL };
        gchar *v1[] = { "a", NULL };
        gchar *v3[] = { "a", "", "ccc", NULL };
        gchar **vs[] = { v0, v1, v3 };
        static const char *const seps[] = { NULL, "", ", ", " " };

        for (gsize i = 0; i < G_N_ELEMENTS(vs); i++) {
                g_assert_cmpuint(g_strv_length(vs[i]), ==, REAL(g_strv_length)(vs[i]));
                assert_same_strv(g_strdupv(vs[i]), REAL(g_strdupv)(vs[i]));
                for (gsize j = 0; j < G_N_ELEMENTS(seps); j++)
                        assert_same_str(g_strjoinv(seps[j], vs[i]), REAL(g_strjoinv)(seps[j], vs[i]));
                static const char *const probes[] = { "a", "", "ccc", "zz", "A", "cc" };
                for (gsize j = 0; j < G_N_ELEMENTS(probes); j++)
                        g_assert_cmpint(g_strv_contains((const gchar *const *) vs[i], probes[j]), ==,
                                        REAL(g_strv_contains)((const gchar *const *) vs[i], probes[j]));
        }
        g_assert_null(g_strdupv(NULL));
        g_strfreev(NULL);
}

static void test_strsplit(void) {
        static const char *const s[] = {
                "", "a", ",", ",,", "a,b", ",a", "a,", "a,,b", ",a,b,", "a, b, c", "abc", "a::b:::c", ":",
                "::", ":::", "ab:", "x\n", "line1\nline2\n", "\n",
        };
        static const char *const delims[] = { ",", "::", ":", "\n", ", ", "abc" };
        static const char *const sets[] = { "", ",", " ,", ":", ",:", "\n \t", "\xff" };

        for (gsize i = 0; i < G_N_ELEMENTS(s); i++)
                for (gint max = -1; max <= 4; max++) {
                        for (gsize j = 0; j < G_N_ELEMENTS(delims); j++)
                                assert_same_strv(g_strsplit(s[i], delims[j], max),
                                                 REAL(g_strsplit)(s[i], delims[j], max));
                        for (gsize j = 0; j < G_N_ELEMENTS(sets); j++)
                                assert_same_strv(g_strsplit_set(s[i], sets[j], max),
                                                 REAL(g_strsplit_set)(s[i], sets[j], max));
                }
        assert_same_strv(g_strsplit_set("a\xff" "b\xfe", "\xff\xfe", -1),
                         REAL(g_strsplit_set)("a\xff" "b\xfe", "\xff\xfe", -1));
        assert_same_strv(g_strsplit("a,b,c", ",", G_MININT), REAL(g_strsplit)("a,b,c", ",", G_MININT));
        assert_same_strv(g_strsplit_set("a,b,c", ",", G_MAXINT), REAL(g_strsplit_set)("a,b,c", ",", G_MAXINT));
}

/* ---- UTF-8 ---- */

typedef struct {
        const char *s;
        gsize len;
} Bytes;

#define B(x) { x, sizeof x - 1 }

static const Bytes utf8_cases[] = {
        B(""),
        B("ascii"),
        B("caf\xc3\xa9"),
        B("\xe2\x82\xac"),
        B("\xf0\x9f\x98\x80"),
        B("a\0b"),
        B("\xc3"),
        B("\xc3x"),
        B("\xe2\x82"),
        B("\xe2\x82x"),
        B("\xf0\x9f\x98"),
        B("\xc0\x80"),
        B("\xc1\xbf"),
        B("\xc2\x80"),
        B("\xe0\x80\x80"),
        B("\xe0\x9f\xbf"),
        B("\xe0\xa0\x80"),
        B("\xed\x9f\xbf"),
        B("\xed\xa0\x80"),
        B("\xed\xbf\xbf"),
        B("\xee\x80\x80"),
        B("\xef\xbf\xbf"),
        B("\xef\xbf\xbe"),
        B("\xf0\x80\x80\x80"),
        B("\xf0\x8f\xbf\xbf"),
        B("\xf0\x90\x80\x80"),
        B("\xf4\x8f\xbf\xbf"),
        B("\xf4\x90\x80\x80"),
        B("\xf5\x80\x80\x80"),
        B("\xf8\x88\x80\x80\x80"),
        B("\xfc\x84\x80\x80\x80\x80"),
        B("\xfe"),
        B("\xff"),
        B("\x80"),
        B("\xbf\x80"),
        B("a\x80" "b"),
        B("\xc3\xa9\xc3"),
        B("\xc3\xc3\xa9"),
        B("\xe2\x28\xa1"),
        B("\xf0\x9f\x98\x80\xf0\x9f"),
        B("ok\xed\xb2\x80ok"),
        B("\xc3\0\xa9"),
        B("\xe2\x82\0"),
        B("x\xf4\x90"),
};

static void check_validate(const char *s, gsize len) {
        /* a copy of exactly len bytes plus a NUL, so that ASan sees over-reads */
        gchar *buf = g_malloc(len + 1);
        memcpy(buf, s, len);
        buf[len] = '\0';

        for (gssize max = -1; max <= (gssize) len + 1; max++) {
                const gchar *e1 = NULL, *e2 = NULL;
                gboolean a = g_utf8_validate(buf, max, &e1);
                gboolean b = REAL(g_utf8_validate)(buf, max, &e2);
                g_assert_cmpint(a, ==, b);
                g_assert_cmpint(e1 - buf, ==, e2 - buf);
                g_assert_cmpint(g_utf8_validate(buf, max, NULL), ==, a);
                if (max >= 0 && (gsize) max <= len)
                        assert_same_str(g_utf8_make_valid(buf, max), REAL(g_utf8_make_valid)(buf, max));
        }
        assert_same_str(g_utf8_make_valid(buf, -1), REAL(g_utf8_make_valid)(buf, -1));
        for (int u = 0; u < 2; u++)
                assert_same_str(g_uri_escape_string(buf, NULL, u), REAL(g_uri_escape_string)(buf, NULL, u));
        g_free(buf);
}

/* random bytes, mostly from the interesting ranges */
static gsize random_bytes(char *buf, gsize max) {
        static const guchar pick[] = { 0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2,
                                       0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xf8, 0xff };
        gsize n = rnd() % max;

        for (gsize i = 0; i < n; i++)
                buf[i] = (char) (rnd() % 3 ? pick[rnd() % G_N_ELEMENTS(pick)] : rnd());
        return n;
}

static void test_utf8(void) {
        char buf[24];

        for (gsize i = 0; i < G_N_ELEMENTS(utf8_cases); i++)
                check_validate(utf8_cases[i].s, utf8_cases[i].len);
        for (int i = 0; i < 20000; i++)
                check_validate(buf, random_bytes(buf, sizeof buf));
}

/* ---- URI escaping ---- */

static void test_uri_escape(void) {
        static const char *const s[] = {
                "",
                "registry.example.com",
                "repository:library/alpine:pull",
                "a b+c&d=e?f#g%h",
                "!$&'()*+,;=:@/?[]",
                "-._~",
                "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
                "bad \xc3 \xed\xa0\x80 \xc0\x80 \xff",
                "\x01\x7f\x1f",
        };
        static const char *const reserved[] = { NULL, "", "!$&'()*+,;=", ":@/?", " ", "\xc3", "%" };

        for (gsize i = 0; i < G_N_ELEMENTS(s); i++)
                for (gsize j = 0; j < G_N_ELEMENTS(reserved); j++)
                        for (int u = 0; u < 2; u++)
                                assert_same_str(g_uri_escape_string(s[i], reserved[j], u),
                                                REAL(g_uri_escape_string)(s[i], reserved[j], u));
}

/* ---- base64 ---- */

static void check_decode(const char *text) {
        gsize n1 = 12345, n2 = 54321;
        guchar *a = g_base64_decode(text, &n1);
        guchar *b = REAL(g_base64_decode)(text, &n2);

        g_assert_nonnull(a);
        g_assert_cmpmem(a, n1, b, n2);
        g_free(a);
        REAL(g_free)(b);
}

static void test_base64(void) {
        guchar data[80];
        char text[40];

        for (gsize len = 0; len < sizeof data; len++) {
                for (gsize i = 0; i < len; i++)
                        data[i] = (guchar) rnd();
                gchar *a = g_base64_encode(data, len);
                gchar *b = REAL(g_base64_encode)(data, len);
                g_assert_cmpstr(a, ==, b);
                gsize n;
                guchar *back = g_base64_decode(a, &n);
                g_assert_cmpmem(back, n, data, len);
                g_free(back);
                check_decode(a);
                g_free(a);
                REAL(g_free)(b);
        }
        assert_same_str(g_base64_encode(NULL, 0), REAL(g_base64_encode)(NULL, 0));

        static const char *const garbage[] = {
                "",     "=",      "==",       "====",   "Q",        "QQ",       "QQ=",         "QQ==",
                "QUE=", "QUJD",   "QUJDRA==", "QQ=A",   "Q=QQ",     "=QQQ",     "QUJD\nRA==",  "QU JD",
                "!!!!", "QUJD====QUJD", "Q\xffUJD", "QUJDRA=", "QUJDRA", "aGVsbG8gd29ybGQ=", "\xc3\xa9QUJD",
                "-_-_", "QUJD.", "===Q", "AAAA", "////", "++++", "Zm9v\r\nYmFy",
        };
        for (gsize i = 0; i < G_N_ELEMENTS(garbage); i++)
                check_decode(garbage[i]);

        static const char alphabet[] = "ABCabcxyz019+/=== \n!\x80";
        for (int i = 0; i < 5000; i++) {
                gsize n = rnd() % (sizeof text - 1);
                for (gsize j = 0; j < n; j++)
                        text[j] = alphabet[rnd() % (sizeof alphabet - 1)];
                text[n] = '\0';
                check_decode(text);
        }
}

/* ---- GString ---- */

static void assert_same_gstring(GString *ours, GString *real) {
        g_assert_cmpmem(ours->str, ours->len + 1, real->str, real->len + 1);
        g_assert_cmpuint(ours->allocated_len, >, ours->len);
}

static void test_gstring(void) {
        static const char *const inits[] = { NULL, "", "abc", "a much longer initial value, more than a few bytes" };

        for (gsize i = 0; i < G_N_ELEMENTS(inits); i++) {
                GString *a = g_string_new(inits[i]), *b = REAL(g_string_new)(inits[i]);
                assert_same_gstring(a, b);

                g_string_append(a, "hello");
                REAL(g_string_append)(b, "hello");
                assert_same_gstring(a, b);
                g_string_append_len(a, "x\0y", 3);
                REAL(g_string_append_len)(b, "x\0y", 3);
                assert_same_gstring(a, b);
                g_string_append_len(a, "zz", -1);
                REAL(g_string_append_len)(b, "zz", -1);
                g_string_append_len(a, NULL, 0);
                REAL(g_string_append_len)(b, NULL, 0);
                assert_same_gstring(a, b);
                g_string_append_printf(a, "[%d|%s|%5.2f|%c]", -42, "str", 3.14159, 'q');
                REAL(g_string_append_printf)(b, "[%d|%s|%5.2f|%c]", -42, "str", 3.14159, 'q');
                assert_same_gstring(a, b);

                /* inserting and the inline append_c, across many reallocations */
                g_string_insert_c(a, 0, '<');
                REAL(g_string_insert_c)(b, 0, '<');
                g_string_insert_c(a, 3, '|');
                REAL(g_string_insert_c)(b, 3, '|');
                g_string_insert_c(a, (gssize) a->len, '>');
                REAL(g_string_insert_c)(b, (gssize) b->len, '>');
                g_string_insert_c(a, -1, '!');
                REAL(g_string_insert_c)(b, -1, '!');
                assert_same_gstring(a, b);
                for (int k = 0; k < 3000; k++) {
                        g_string_append_c(a, (gchar) ('a' + k % 26));
                        REAL(g_string_insert_c)(b, -1, (gchar) ('a' + k % 26));
                        g_assert_cmpuint(a->allocated_len, >, a->len);
                }
                assert_same_gstring(a, b);

                /* appending the string to itself */
                for (int k = 0; k < 4; k++) {
                        g_string_append_len(a, a->str, (gssize) a->len);
                        REAL(g_string_append_len)(b, b->str, (gssize) b->len);
                        g_string_append(a, a->str + 3);
                        REAL(g_string_append)(b, b->str + 3);
                }
                assert_same_gstring(a, b);

                g_string_truncate(a, 10);
                REAL(g_string_truncate)(b, 10);
                assert_same_gstring(a, b);
                g_string_truncate(a, 1000000);
                REAL(g_string_truncate)(b, 1000000);
                assert_same_gstring(a, b);
                g_string_assign(a, "assigned");
                REAL(g_string_assign)(b, "assigned");
                assert_same_gstring(a, b);
                g_string_assign(a, a->str);
                REAL(g_string_assign)(b, b->str);
                assert_same_gstring(a, b);
                /* (real GLib memcpy()s overlapping bytes here: checked alone) */
                g_string_assign(a, a->str + 2);
                g_assert_cmpstr(a->str, ==, "signed");
                REAL(g_string_assign)(b, "signed");
                assert_same_gstring(a, b);
                g_string_truncate(a, 0);
                REAL(g_string_truncate)(b, 0);
                assert_same_gstring(a, b);
                g_string_append_c(a, 'x');
                REAL(g_string_insert_c)(b, -1, 'x');
                g_assert_cmpstr(a->str, ==, "x");

                if (i % 2) {
                        g_assert_null(g_string_free(a, TRUE));
                        REAL(g_string_free)(b, TRUE);
                } else {
                        g_string_append(a, "end");
                        REAL(g_string_append)(b, "end");
                        assert_same_str(g_string_free(a, FALSE), REAL(g_string_free)(b, FALSE));
                }
        }

        g_autoptr(GString) s = g_string_new("auto");
        g_string_append_printf(s, "%s", "");
        g_assert_cmpstr(s->str, ==, "auto");
}

/* ---- logging (in a child, with its stderr captured) ---- */

typedef void (*ChildFn)(void);

static gchar *run_child(ChildFn fn, int *status) {
        int p[2];
        GString *out = REAL(g_string_new)(NULL);
        char buf[256];
        ssize_t n;

        g_assert_cmpint(pipe(p), ==, 0);
        fflush(stderr);
        pid_t pid = fork();
        g_assert_cmpint(pid, >=, 0);
        if (pid == 0) {
                dup2(p[1], STDERR_FILENO);
                close(p[0]);
                fn();
                fflush(stderr);
                _exit(0);
        }
        close(p[1]);
        while ((n = read(p[0], buf, sizeof buf)) > 0)
                REAL(g_string_append_len)(out, buf, n);
        close(p[0]);
        g_assert_cmpint(waitpid(pid, status, 0), ==, pid);
        return REAL(g_string_free)(out, FALSE);
}

static void child_return_fail(void) {
        g_assert_null(g_string_free(NULL, TRUE));
}

static void child_warning(void) {
        g_log("dom", G_LOG_LEVEL_WARNING, "value %d", 7);
        g_log(NULL, G_LOG_LEVEL_WARNING, "no domain");
        g_log("dom", G_LOG_LEVEL_DEBUG, "hidden");
        g_log("dom", G_LOG_LEVEL_MESSAGE, "msg");
        errno = 33;
        g_log(NULL, G_LOG_LEVEL_CRITICAL, "c");
        g_assert_cmpint(errno, ==, 33);
}

static void child_error(void) {
        g_log("dom", G_LOG_LEVEL_ERROR, "fatal %s", "thing");
}

static void test_log(void) {
        int status;
        gchar *out;

        out = run_child(child_return_fail, &status);
        g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        g_assert_cmpstr(out, ==, "roostd: CRITICAL: gs_string_free: assertion 'string != NULL' failed\n");
        REAL(g_free)(out);

        unsetenv("G_MESSAGES_DEBUG");
        out = run_child(child_warning, &status);
        g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        g_assert_cmpstr(out, ==,
                        "roostd: dom-WARNING: value 7\nroostd: WARNING: no domain\nroostd: dom-Message: msg\n"
                        "roostd: CRITICAL: c\n");
        REAL(g_free)(out);

        setenv("G_MESSAGES_DEBUG", "other dom", TRUE);
        out = run_child(child_warning, &status);
        g_assert_true(strstr(out, "roostd: dom-DEBUG: hidden\n") != NULL);
        REAL(g_free)(out);
        unsetenv("G_MESSAGES_DEBUG");

        out = run_child(child_error, &status);
        g_assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
        g_assert_cmpstr(out, ==, "roostd: dom-ERROR: fatal thing\n");
        REAL(g_free)(out);
}

/* ---- random ---- */

static void test_random(void) {
        int seen[36] = {};
        guint32 or_bits = 0, and_bits = G_MAXUINT32;

        for (int i = 0; i < 20000; i++) {
                gint32 v = g_random_int_range(0, 36);
                g_assert_cmpint(v, >=, 0);
                g_assert_cmpint(v, <, 36);
                seen[v]++;
                g_assert_cmpint(g_random_int_range(5, 6), ==, 5);
                v = g_random_int_range(-3, 2);
                g_assert_cmpint(v, >=, -3);
                g_assert_cmpint(v, <, 2);
                v = g_random_int_range(G_MININT32, G_MAXINT32);
                g_assert_cmpint(v, <, G_MAXINT32);
                guint32 r = g_random_int();
                or_bits |= r;
                and_bits &= r;
        }
        for (int i = 0; i < 36; i++)
                g_assert_cmpint(seen[i], >, 300);
        g_assert_cmphex(or_bits, ==, G_MAXUINT32);
        g_assert_cmphex(and_bits, ==, 0);
}

/* ---- host, user ---- */

static void test_host(void) {
        g_assert_cmpstr(g_get_host_name(), ==, REAL(g_get_host_name)());
        g_assert_true(g_get_host_name() == g_get_host_name());
        g_assert_cmpuint(g_get_num_processors(), ==, REAL(g_get_num_processors)());
}

static void child_config_dir(void) {
        const gchar *a = g_get_user_config_dir();
        g_assert_cmpstr(a, ==, REAL(g_get_user_config_dir)());
        g_assert_true(g_get_user_config_dir() == a);
}

static void test_config_dir(void) {
        /* {XDG_CONFIG_HOME, HOME}; NULL unsets; each in a fresh process,
         * as both implementations cache the answer */
        static const char *const env[][2] = {
                { "/xdg/conf", "/home/u" },
                { "", "/home/u" },
                { NULL, "/home/u/" },
                { NULL, "/home/u//" },
                { NULL, "/" },
                { NULL, "//" },
                { NULL, "" },
                { NULL, "relative" },
                { "", NULL },
                { NULL, NULL },
        };

        for (gsize i = 0; i < G_N_ELEMENTS(env); i++) {
                int status;
                for (int k = 0; k < 2; k++) {
                        const char *name = k ? "HOME" : "XDG_CONFIG_HOME";
                        if (env[i][k])
                                setenv(name, env[i][k], TRUE);
                        else
                                unsetenv(name);
                }
                gchar *out = run_child(child_config_dir, &status);
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                        fprintf(stderr, "case %zu: %s\n", i, out);
                g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
                REAL(g_free)(out);
        }
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/glib-subset/strings/ascii-table", test_ascii_table);
        g_test_add_func("/glib-subset/strings/ascii-case", test_ascii_case);
        g_test_add_func("/glib-subset/strings/strtod", test_strtod);
        g_test_add_func("/glib-subset/strings/strtoull", test_strtoull);
        g_test_add_func("/glib-subset/strings/affixes", test_affixes);
        g_test_add_func("/glib-subset/strings/chomp-chug", test_chomp_chug);
        g_test_add_func("/glib-subset/strings/concat-delimit", test_concat_delimit);
        g_test_add_func("/glib-subset/strings/strerror", test_strerror);
        g_test_add_func("/glib-subset/strings/strescape", test_strescape);
        g_test_add_func("/glib-subset/strings/strv", test_strv);
        g_test_add_func("/glib-subset/strings/strsplit", test_strsplit);
        g_test_add_func("/glib-subset/strings/utf8", test_utf8);
        g_test_add_func("/glib-subset/strings/uri-escape", test_uri_escape);
        g_test_add_func("/glib-subset/strings/base64", test_base64);
        g_test_add_func("/glib-subset/strings/gstring", test_gstring);
        g_test_add_func("/glib-subset/strings/log", test_log);
        g_test_add_func("/glib-subset/strings/random", test_random);
        g_test_add_func("/glib-subset/strings/host", test_host);
        g_test_add_func("/glib-subset/strings/config-dir", test_config_dir);
        return g_test_run();
}
