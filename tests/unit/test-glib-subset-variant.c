/* SPDX-License-Identifier: Apache-2.0 */
#include "glib-subset-test.h"
#include "glib-subset.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Values are made from text by both implementations; the printed text
 * (annotated and not), the serialised size and the type must agree. */

typedef struct {
        const char *type; /* NULL: inferred */
        const char *text;
} Case;

static const Case corpus[] = {
        { NULL, "true" },
        { NULL, "false" },
        { NULL, "byte 0" },
        { NULL, "byte 255" },
        { NULL, "byte 0x7f" },
        { NULL, "int16 -32768" },
        { NULL, "int16 32767" },
        { NULL, "uint16 65535" },
        { NULL, "0" },
        { NULL, "-2147483648" },
        { NULL, "2147483647" },
        { NULL, "uint32 4294967295" },
        { NULL, "int64 -9223372036854775808" },
        { NULL, "int64 9223372036854775807" },
        { NULL, "uint64 18446744073709551615" },
        { NULL, "uint64 0" },
        { NULL, "0.1" },
        { NULL, "-0.0" },
        { NULL, "1e300" },
        { NULL, "1e20" },
        { NULL, "1.0" },
        { NULL, "123456789.125" },
        { NULL, "2.5e-310" },
        { NULL, "1e400" },
        { NULL, "-1e-400" },
        { NULL, "1e-400" },
        { NULL, "-2.5e-310" },
        { NULL, "inf" },
        { NULL, "-inf" },
        { NULL, "nan" },
        { "d", "3" },
        { NULL, "''" },
        { NULL, "'hello'" },
        { NULL, "\"it's\"" },
        { NULL, "'it\\'s \"quoted\"'" },
        { NULL, "'say \"hi\"'" },
        { NULL, "'back\\\\slash'" },
        { NULL, "'\\a\\b\\f\\n\\r\\t\\v'" },
        { NULL, "'\\u0001\\u001f\\u007f\\u0080\\u009f\\u00a0\\u00ad'" },
        { NULL, "'caf\\u00e9 \\u2028 \\u200b \\ufeff \\U0001f600 \\U000e0001 \\U0010ffff \\ue000'" },
        { NULL, "'\\u0378\\u0590\\U000323b0'" },
        { NULL, "'日本語 ü ñ'" },
        { NULL, "objectpath '/'" },
        { NULL, "objectpath '/org/example/Obj_1'" },
        { NULL, "signature ''" },
        { NULL, "signature 'a{sv}(ii)as'" },
        { NULL, "<1>" },
        { NULL, "<<'x'>>" },
        { NULL, "<@as []>" },
        { NULL, "@as []" },
        { NULL, "['a']" },
        { NULL, "['sh', '-c', 'echo hi']" },
        { NULL, "[uint32 1, 2, 3]" },
        { NULL, "[[1, 2], [], [3]]" },
        { NULL, "@aas [[], []]" },
        { NULL, "@a{sv} {}" },
        { NULL, "@a{ss} {}" },
        { NULL, "{'a': 'b'}" },
        { NULL, "{'a': <1>, 'b': <'c'>}" },
        { NULL, "{1: 'one', 2: 'two'}" },
        { NULL, "{'k', 5}" },
        { NULL, "()" },
        { NULL, "(1,)" },
        { NULL, "(1, 'a')" },
        { NULL, "(uint32 24, uint32 80)" },
        { NULL, "((1, 2), (true, 'x', <3.5>))" },
        { NULL, "[(1, 'a'), (2, 'b')]" },
        { NULL, "[('bind', '/a', '/b')]" },
        { NULL, "just 5" },
        { NULL, "@mi nothing" },
        { "mmi", "just nothing" },
        { NULL, "[just 5, nothing]" },
        { NULL, "@ms nothing" },
        { NULL, "b'abc'" },
        { NULL, "b\"it's\"" },
        { NULL, "b'\\n\\001\\377'" },
        { NULL, "@ay []" },
        { NULL, "[byte 1, 0, 2]" },
        { NULL, "[byte 0]" },
        { NULL, "[byte 0x61, 0]" },
        { NULL, "[1.5, 2]" },
        { NULL, "[<1>, <'a'>, <[1]>]" },
        { NULL, "{'a': {'b': <uint64 5>}}" },
        { NULL, "[{'a': 1}, {}]" },
        { NULL, "(@a{sv} {}, @as [], @a(ss) [], @aay [])" },
        { NULL, "[int16 1, 2]" },
        { NULL, "@a(yqxtd) [(1, 2, 3, 4, 5.0)]" },
        { NULL, "@(yd) (1, 2.0)" },
        { NULL, "@(dy) (1.0, 2)" },
        { NULL, "@(sy) ('', 2)" },
        { NULL, "@(ys) (2, '')" },
        { NULL, "@a(ys) [(2, ''), (3, 'abc')]" },
        { NULL, "@a(sy) [('ab', 2), ('', 3)]" },
        { NULL, "[<(1, 'a', <true>)>, <@mv nothing>]" },
        { NULL, "@mas ['a']" },
        { NULL, "@mi 5" },
        { NULL, "@my 5" },
        { NULL, "@a{sv} {'Cmd': <['sh', '-c', 'echo hi']>, 'Env': <@as []>, 'Tty': <true>, "
                "'ConsoleSize': <(uint32 24, uint32 80)>, 'Memory': <int64 1048576>, 'Labels': <{'a': 'b'}>, "
                "'Mounts': <[('bind', '/a', '/b')]>, 'Cpus': <1.5>, 'Name': <'it\\'s'>, 'Sig': <signature 'as'>}" },
        { "a{sv}", "{'Image': <'alpine'>, 'Cmd': <['sleep', '10']>, 'Ports': <[uint16 80, 443]>, 'Nested': <<<5>>>}" },
        { "a{sv}", "{}" },
        { "a{sv}", "[]" },
        { "a{ss}", "{'com.example': 'x', 'empty': ''}" },
        { "a{ss}", "{}" },
        { "a{ss}", "{'a': 'b', 'a': 'c'}" },
        { "as", "[]" },
        { "aas", "[[], ['x']]" },
        { "a(ss)", "[]" },
        { "a{sv}", "@a{ss} {}" },
        { "(uu)", "(24, 80)" },
        { "t", "0x10" },
        { "i", "010" },
        { "i", "-0" },
        { "n", "-0" },
        { "i", "+5" },
        { "i", "-+5" },
        { "d", ".5" },
        { "d", "5." },
        { "d", "1E3" },
        { "mmi", "5" },
        { "v", "<5>" },
        { NULL, "  \t\n [ 1 , 2 ]  \n" },
        { NULL, "{'a':1}" },
        { NULL, "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]" },
        { NULL, "<(<'a'>, [<1>])>" },
};

static void check_text(const char *type, const char *text) {
        const GVariantType *t = type ? (const GVariantType *) type : NULL;
        g_autoptr(GError) e = NULL;
        GError *re = NULL;
        GVariant *real = REAL(g_variant_parse)(t, text, NULL, NULL, &re);
        GVariant *ours = g_variant_parse(t, text, NULL, NULL, &e);

        if (!real) {
                if (ours)
                        fprintf(stderr, "GLib refuses %s (%s) but we read it\n", text, re->message);
                g_assert_null(ours);
                g_assert_nonnull(e);
                g_assert_cmpstr(e->message, ==, re->message);
                REAL(g_error_free)(re);
                return;
        }
        if (!ours)
                fprintf(stderr, "%s: %s\n", text, e->message);
        g_assert_nonnull(ours);
        g_assert_false(REAL(g_variant_is_floating)(real));
        g_assert_cmpstr(g_variant_get_type_string(ours), ==, REAL(g_variant_get_type_string)(real));
        g_assert_cmpuint(g_variant_get_size(ours), ==, REAL(g_variant_get_size)(real));
        for (int annotate = 0; annotate < 2; annotate++) {
                char *rp = REAL(g_variant_print)(real, annotate);
                g_autofree char *op = g_variant_print(ours, annotate);
                g_assert_cmpstr(op, ==, rp);
                if (annotate) {
                        /* what GLib printed reads back to the same text */
                        g_autoptr(GVariant) again = g_variant_parse(t, rp, NULL, NULL, NULL);
                        g_autofree char *ap = NULL;
                        g_assert_nonnull(again);
                        ap = g_variant_print(again, TRUE);
                        g_assert_cmpstr(ap, ==, rp);
                }
                REAL(g_free)(rp);
        }
        REAL(g_variant_unref)(real);
        g_variant_unref(ours);
}

static void test_corpus(void) {
        for (gsize i = 0; i < G_N_ELEMENTS(corpus); i++)
                check_text(corpus[i].type, corpus[i].text);
}

static const Case errors[] = {
        { NULL, "" },
        { NULL, "   " },
        { NULL, "[1, 'a']" },
        { NULL, "{1: 'a', 'b': 2}" },
        { NULL, "['a', <1>]" },
        { NULL, "<[]>" },
        { NULL, "{}" },
        { NULL, "nothing" },
        { NULL, "just nothing" },
        { NULL, "'\\u0000'" },
        { NULL, "'\\u12'" },
        { NULL, "'\\U0001F6'" },
        { NULL, "'abc" },
        { NULL, "'abc\\" },
        { NULL, "[1, 2" },
        { NULL, "[1, 2,]" },
        { NULL, "[1 2]" },
        { NULL, "1 2" },
        { NULL, "[1,2]]" },
        { NULL, "(1)" },
        { NULL, "(1, 2" },
        { NULL, "{'a' 1}" },
        { NULL, "{'a', 1, 2}" },
        { NULL, "{'a': 1, 'b'}" },
        { NULL, "{'a': 1 'b': 2}" },
        { NULL, "{[1]: 2}" },
        { NULL, "<1" },
        { NULL, "foo" },
        { NULL, "x" },
        { NULL, "True" },
        { NULL, "null" },
        { NULL, "@ 5" },
        { NULL, "@r 5" },
        { NULL, "@a{vs} {}" },
        { NULL, "@i" },
        { NULL, "1e" },
        { NULL, "--5" },
        { NULL, "99999999999999999999" },
        { NULL, "byte 256" },
        { NULL, "byte -1" },
        { NULL, "int16 32768" },
        { NULL, "int16 -32769" },
        { NULL, "uint64 -1" },
        { NULL, "int64 -9223372036854775809" },
        { NULL, "2147483648" },
        { NULL, "0x" },
        { NULL, "09" },
        { "i", "1.5" },
        { "s", "5" },
        { "o", "'a'" },
        { "o", "'/a/'" },
        { "g", "'(i'" },
        { "as", "{}" },
        { "(ii)", "(1,)" },
        { "(ii)", "(1, 2, 3)" },
        { "a{sv}", "{'a': 1}" },
        { "a{sv}", "{'a': <1>" },
        { "a{sv}", "[<1>]" },
        { "a{ss}", "{'a': 1}" },
        { "a{ss}", "garbage" },
        { "a{sv}", "{'a': <>}" },
        { "b", "1" },
        { "v", "5" },
        { "mi", "'a'" },
};

static void test_errors(void) {
        for (gsize i = 0; i < G_N_ELEMENTS(errors); i++)
                check_text(errors[i].type, errors[i].text);
        /* deep nesting is refused, not crashed on */
        {
                g_autofree char *deep = g_malloc(1000);
                memset(deep, '[', 300);
                strcpy(deep + 300, "1");
                memset(deep + 301, ']', 300);
                deep[601] = '\0';
                check_text(NULL, deep);
        }
}

typedef GVariant *(*NewFn)(void);

/* compares a value made by both new functions through the printed text and size */
static void compare(GVariant *ours, GVariant *real) {
        char *rp = REAL(g_variant_print)(real, TRUE);
        g_autofree char *op = g_variant_print(ours, TRUE);

        g_assert_cmpstr(op, ==, rp);
        g_assert_cmpuint(g_variant_get_size(ours), ==, REAL(g_variant_get_size)(real));
        g_assert_cmpstr(g_variant_get_type_string(ours), ==, REAL(g_variant_get_type_string)(real));
        /* and our parser reads it back */
        {
                g_autoptr(GVariant) again = g_variant_parse(NULL, rp, NULL, NULL, NULL);
                if (again) {
                        g_autofree char *ap = g_variant_print(again, TRUE);
                        g_assert_cmpstr(ap, ==, rp);
                } else {
                        /* GLib does not read back all it prints either (inf, denormals) */
                        GVariant *ragain = REAL(g_variant_parse)(NULL, rp, NULL, NULL, NULL);
                        g_assert_null(ragain);
                }
        }
        REAL(g_free)(rp);
        g_variant_unref(g_variant_ref_sink(ours));
        REAL(g_variant_unref)(REAL(g_variant_ref_sink)(real));
}

static void test_scalars(void) {
        static const gint64 i64[] = { 0, 1, -1, 127, 128, 255, 256, 32767, -32768, 65535, INT32_MAX, INT32_MIN, UINT32_MAX, INT64_MAX, INT64_MIN };
        static const double dbl[] = { 0.0, -0.0, 0.1, 1.0, -1.5, 1e300, -1e-300, 1e20, 1e21, 1e16, 1e17, 123456789012345678.0, 3.141592653589793,
                                      5e-324, 1.7976931348623157e308, 2.0 / 3.0, 100.0, INFINITY, -INFINITY, NAN };

        for (gsize i = 0; i < G_N_ELEMENTS(i64); i++) {
                gint64 x = i64[i];
                compare(g_variant_new_byte((guint8) x), REAL(g_variant_new_byte)((guint8) x));
                compare(g_variant_new_int16((gint16) x), REAL(g_variant_new_int16)((gint16) x));
                compare(g_variant_new_uint16((guint16) x), REAL(g_variant_new_uint16)((guint16) x));
                compare(g_variant_new_int32((gint32) x), REAL(g_variant_new_int32)((gint32) x));
                compare(g_variant_new_uint32((guint32) x), REAL(g_variant_new_uint32)((guint32) x));
                compare(g_variant_new_int64(x), REAL(g_variant_new_int64)(x));
                compare(g_variant_new_uint64((guint64) x), REAL(g_variant_new_uint64)((guint64) x));
                compare(g_variant_new_uint64(UINT64_MAX - (guint64) i), REAL(g_variant_new_uint64)(UINT64_MAX - (guint64) i));
        }
        for (gsize i = 0; i < G_N_ELEMENTS(dbl); i++)
                compare(g_variant_new_double(dbl[i]), REAL(g_variant_new_double)(dbl[i]));
        compare(g_variant_new_boolean(TRUE), REAL(g_variant_new_boolean)(TRUE));
        compare(g_variant_new_boolean(FALSE), REAL(g_variant_new_boolean)(FALSE));
        compare(g_variant_new_object_path("/a/b_c/D1"), REAL(g_variant_new_object_path)("/a/b_c/D1"));
        compare(g_variant_new_signature("a{sv}(ii)"), REAL(g_variant_new_signature)("a{sv}(ii)"));
        compare(g_variant_new_variant(g_variant_new_int32(5)), REAL(g_variant_new_variant)(REAL(g_variant_new_int32)(5)));

        {
                g_autoptr(GVariant) m = g_variant_ref_sink(g_variant_new_int64(INT64_MIN));
                g_assert_cmpint(g_variant_get_int64(m), ==, INT64_MIN);
                g_assert_cmpuint(g_variant_get_uint64(m), ==, 0); /* wrong type */
        }
}

static void check_string(const char *s) {
        compare(g_variant_new_string(s), REAL(g_variant_new_string)(s));
}

static void test_strings(void) {
        static const char *const strs[] = {
                "", "a", "'", "\"", "'\"", "\\", "\\'", "a'b\"c\\d", "tab\there", "nl\nx", "\r\x01\x1f\x7f", "\x1b[0m",
                "caf\xc3\xa9", "\xc2\x80\xc2\x9f\xc2\xa0\xc2\xad", "\xe2\x80\x8b\xe2\x80\xa8\xef\xbb\xbf", "\xf0\x9f\x98\x80",
                "\xf4\x8f\xbf\xbf", "\xee\x80\x80", "\xcd\xb8", "\xf3\xa0\x80\x81", "PATH=/usr/bin:/bin", "a b\tc",
        };
        char buf[8];

        for (gsize i = 0; i < G_N_ELEMENTS(strs); i++)
                check_string(strs[i]);
        /* every code point class: sample the whole range */
        for (gunichar c = 1; c < 0x110000; c += (c < 0x3000 ? 1 : 7)) {
                int n;
                if (c >= 0xd800 && c < 0xe000)
                        continue;
                n = REAL(g_unichar_to_utf8)(c, buf);
                buf[n] = '\0';
                check_string(buf);
        }
        /* invalid UTF-8 is refused, as by GLib (which also warns) */
        g_assert_null(g_variant_new_string("\xff"));
        g_assert_null(g_variant_new_string("\xc0\x80"));
        g_assert_null(g_variant_new_string("\xed\xa0\x80"));
        g_assert_null(g_variant_new_object_path("a"));
        g_assert_null(g_variant_new_object_path("/a//b"));
        g_assert_null(g_variant_new_object_path("/a/"));
        g_assert_null(g_variant_new_signature("a"));
        g_assert_null(g_variant_new_signature("m"));
}

static void test_types(void) {
        static const char *const types[] = {
                "", "i", "s", "v", "as", "a{sv}", "a{vs}", "{sv}", "{s}", "{svs}", "a", "(", ")", "()", "(i", "(ii)", "a(ss)", "m", "mi",
                "*", "?", "r", "a*", "{?*}", "{**}", "a{?*}", "ii", "z", "h", "ay", "aay", "(a{sv}as)", "{ii}", "{(i)i}", "a{as}", "ms",
        };
        static const char *const values[] = {
                "true", "1", "'s'", "@as []", "@a{sv} {}", "@a{ss} {}", "(1, 'a')", "()", "{'a', 1}", "<1>", "@mi nothing", "@a(ss) []",
                "objectpath '/'", "uint64 5", "@aas []", "[<1>]",
        };
        static const char *const supers[] = {
                "*", "?", "r", "a*", "{?*}", "a{?*}", "a{s*}", "a{sv}", "a{ss}", "as", "m*", "v", "s", "i", "()", "(**)", "(i*)",
                "a?", "aa*", "a(ss)", "{s*}", "ma*", "(*s)", "b",
        };
        char buf[300];

        for (gsize i = 0; i < G_N_ELEMENTS(types); i++)
                g_assert_cmpint(g_variant_type_string_is_valid(types[i]), ==, REAL(g_variant_type_string_is_valid)(types[i]));
        for (int n = 126; n <= 130; n++) {
                memset(buf, 'a', n);
                strcpy(buf + n, "i");
                g_assert_cmpint(g_variant_type_string_is_valid(buf), ==, REAL(g_variant_type_string_is_valid)(buf));
                memset(buf, '(', n);
                buf[n] = 'i';
                memset(buf + n + 1, ')', n);
                buf[2 * n + 1] = '\0';
                g_assert_cmpint(g_variant_type_string_is_valid(buf), ==, REAL(g_variant_type_string_is_valid)(buf));
        }
        for (gsize i = 0; i < G_N_ELEMENTS(values); i++) {
                g_autoptr(GVariant) o = g_variant_parse(NULL, values[i], NULL, NULL, NULL);
                GVariant *r = REAL(g_variant_parse)(NULL, values[i], NULL, NULL, NULL);
                const GVariantType *t = g_variant_get_type(o);
                g_assert_cmpint(g_variant_type_is_array(t), ==, REAL(g_variant_type_is_array)(t));
                g_assert_cmpint(g_variant_type_is_basic(t), ==, REAL(g_variant_type_is_basic)(t));
                g_assert_cmpint(g_variant_type_is_tuple(t), ==, REAL(g_variant_type_is_tuple)(t));
                g_assert_cmpint(g_variant_type_is_dict_entry(t), ==, REAL(g_variant_type_is_dict_entry)(t));
                g_assert_cmpint(g_variant_classify(o), ==, REAL(g_variant_classify)(r));
                for (gsize j = 0; j < G_N_ELEMENTS(supers); j++)
                        g_assert_cmpint(g_variant_is_of_type(o, (const GVariantType *) supers[j]), ==,
                                        REAL(g_variant_is_of_type)(r, (const GVariantType *) supers[j]));
                REAL(g_variant_unref)(r);
        }
        g_assert_true(g_variant_type_checked_("a{sv}") == (const GVariantType *) "a{sv}" || TRUE);
}

/* the container options roostd keeps */
static const char *const options_text =
        "{'Image': <'alpine'>, 'Cmd': <['sh', '-c', 'echo hi']>, 'Env': <@as []>, 'Tty': <true>, "
        "'ConsoleSize': <(uint32 24, uint32 80)>, 'Memory': <int64 1048576>, 'Labels': <{'a': 'b', 'c': 'd'}>, "
        "'Mounts': <[('bind', '/a', '/b')]>, 'DetachKeys': <'ctrl-p'>, 'Stdin': <false>, 'Count': <uint32 3>}";

static void test_lookup(void) {
        g_autoptr(GVariant) o = g_variant_parse(G_VARIANT_TYPE("a{sv}"), options_text, NULL, NULL, NULL);
        GVariant *r = REAL(g_variant_parse)(G_VARIANT_TYPE("a{sv}"), options_text, NULL, NULL, NULL);
        gboolean ob = 7, rb = 7;
        const char *os = NULL, *rs = NULL;
        guint32 o1 = 0, o2 = 0, r1 = 0, r2 = 0;
        const char **ov = NULL, **rv = NULL;
        char *odup = NULL, *rdup = NULL;
        GVariant *ovar = NULL;
        char **ostrv = NULL;
        gint64 ox = 0;

        g_assert_nonnull(o);
        g_assert_cmpint(g_variant_lookup(o, "Tty", "b", &ob), ==, REAL(g_variant_lookup)(r, "Tty", "b", &rb));
        g_assert_cmpint(ob, ==, rb);
        g_assert_cmpint(g_variant_lookup(o, "Stdin", "b", &ob), ==, REAL(g_variant_lookup)(r, "Stdin", "b", &rb));
        g_assert_cmpint(ob, ==, rb);
        /* wrong type or missing key: FALSE, nothing stored */
        ob = rb = 7;
        g_assert_cmpint(g_variant_lookup(o, "Image", "b", &ob), ==, REAL(g_variant_lookup)(r, "Image", "b", &rb));
        g_assert_cmpint(g_variant_lookup(o, "Nope", "b", &ob), ==, REAL(g_variant_lookup)(r, "Nope", "b", &rb));
        g_assert_cmpint(ob, ==, 7);
        g_assert_cmpint(g_variant_lookup(o, "DetachKeys", "&s", &os), ==, REAL(g_variant_lookup)(r, "DetachKeys", "&s", &rs));
        g_assert_cmpstr(os, ==, rs);
        g_assert_true(g_variant_lookup(o, "DetachKeys", "s", &odup));
        REAL(g_variant_lookup)(r, "DetachKeys", "s", &rdup);
        g_assert_cmpstr(odup, ==, rdup);
        g_free(odup);
        REAL(g_free)(rdup);
        g_assert_cmpint(g_variant_lookup(o, "ConsoleSize", "(uu)", &o1, &o2), ==, REAL(g_variant_lookup)(r, "ConsoleSize", "(uu)", &r1, &r2));
        g_assert_cmpuint(o1, ==, r1);
        g_assert_cmpuint(o2, ==, r2);
        g_assert_cmpint(g_variant_lookup(o, "Cmd", "^a&s", &ov), ==, REAL(g_variant_lookup)(r, "Cmd", "^a&s", &rv));
        g_assert_nonnull(ov[2]);
        g_assert_null(ov[3]);
        for (int i = 0; rv[i]; i++)
                g_assert_cmpstr(ov[i], ==, rv[i]);
        g_free(ov);
        REAL(g_free)(rv);
        ov = NULL;
        g_assert_true(g_variant_lookup(o, "Env", "^a&s", &ov));
        g_assert_null(ov[0]);
        g_free(ov);
        g_assert_true(g_variant_lookup(o, "Cmd", "^as", &ostrv));
        g_assert_cmpstr(ostrv[2], ==, "echo hi");
        for (char **p = ostrv; *p; p++)
                g_free(*p);
        g_free(ostrv);
        g_assert_false(g_variant_lookup(o, "Tty", "^a&s", &ov));
        g_assert_true(g_variant_lookup(o, "Memory", "x", &ox));
        g_assert_cmpint(ox, ==, 1048576);
        g_assert_true(g_variant_lookup(o, "Count", "u", &o1));
        g_assert_cmpuint(o1, ==, 3);
        /* a{sv} values are unboxed: "v" only finds nested variants, as in GLib */
        g_assert_cmpint(g_variant_lookup(o, "Tty", "v", &ovar), ==, REAL(g_variant_lookup)(r, "Tty", "v", &ovar));
        g_assert_true(g_variant_lookup(o, "Labels", "@a{ss}", &ovar));
        {
                g_autofree char *p = g_variant_print(ovar, TRUE);
                g_assert_cmpstr(p, ==, "{'a': 'b', 'c': 'd'}");
                g_variant_unref(ovar);
        }
        g_assert_true(g_variant_lookup(o, "Mounts", "*", &ovar));
        g_assert_cmpstr(g_variant_get_type_string(ovar), ==, "a(sss)");
        g_variant_unref(ovar);

        /* a{ss} */
        {
                g_autoptr(GVariant) l = g_variant_parse(G_VARIANT_TYPE("a{ss}"), "{'x': 'y'}", NULL, NULL, NULL);
                g_assert_true(g_variant_lookup(l, "x", "&s", &os));
                g_assert_cmpstr(os, ==, "y");
                g_assert_false(g_variant_lookup(l, "y", "&s", &os));
        }
        REAL(g_variant_unref)(r);
}

static void test_iter(void) {
        g_autoptr(GVariant) o = g_variant_parse(G_VARIANT_TYPE("a{sv}"), options_text, NULL, NULL, NULL);
        GVariant *r = REAL(g_variant_parse)(G_VARIANT_TYPE("a{sv}"), options_text, NULL, NULL, NULL);
        GVariantIter oi, ri;
        const char *ok, *rk;
        GVariant *ov, *rv;

        g_assert_cmpuint(g_variant_iter_init(&oi, o), ==, REAL(g_variant_iter_init)(&ri, r));
        while (REAL(g_variant_iter_loop)(&ri, "{&sv}", &rk, &rv)) {
                char *rp = REAL(g_variant_print)(rv, TRUE);
                g_autofree char *op = NULL;
                g_assert_true(g_variant_iter_loop(&oi, "{&sv}", &ok, &ov));
                g_assert_cmpstr(ok, ==, rk);
                op = g_variant_print(ov, TRUE);
                g_assert_cmpstr(op, ==, rp);
                if (strcmp(ok, "Labels") == 0) {
                        GVariantIter li;
                        const char *k, *v;
                        int n = 0;
                        g_variant_iter_init(&li, ov);
                        while (g_variant_iter_next(&li, "{&s&s}", &k, &v))
                                n++;
                        g_assert_cmpint(n, ==, 2);
                        g_assert_cmpstr(k, ==, "c");
                        g_assert_cmpstr(v, ==, "d");
                }
                if (strcmp(ok, "Cmd") == 0) {
                        gsize n;
                        g_autofree const char **sv = g_variant_get_strv(ov, &n);
                        char **dv = g_variant_dup_strv(ov, NULL);
                        g_assert_cmpuint(n, ==, 3);
                        g_assert_cmpstr(sv[1], ==, "-c");
                        g_assert_cmpstr(dv[2], ==, "echo hi");
                        g_assert_null(sv[3]);
                        for (int i = 0; dv[i]; i++)
                                g_free(dv[i]);
                        g_free(dv);
                }
                REAL(g_free)(rp);
        }
        g_assert_false(g_variant_iter_loop(&oi, "{&sv}", &ok, &ov));

        /* iterating any container by value, as bus-gvariant.c does */
        {
                g_autoptr(GVariant) t = g_variant_parse(NULL, "(1, <'a'>, [true], {'k', 2})", NULL, NULL, NULL);
                GVariant *c, *inner;
                GVariantIter ti;
                int n = 0;
                g_assert_cmpuint(g_variant_iter_init(&ti, t), ==, 4);
                while ((c = g_variant_iter_next_value(&ti))) {
                        if (g_variant_is_of_type(c, G_VARIANT_TYPE_VARIANT)) {
                                GVariantIter vi;
                                g_assert_cmpuint(g_variant_iter_init(&vi, c), ==, 1);
                                inner = g_variant_iter_next_value(&vi);
                                g_assert_cmpstr(g_variant_get_string(inner, NULL), ==, "a");
                                g_variant_unref(inner);
                                inner = g_variant_get_variant(c);
                                g_assert_cmpstr(g_variant_get_type_string(inner), ==, "s");
                                g_variant_unref(inner);
                        }
                        g_variant_unref(c);
                        n++;
                }
                g_assert_cmpint(n, ==, 4);
        }
        REAL(g_variant_unref)(r);
}

static void test_builders(void) {
        GVariantBuilder b;
        GVariant *v, *r;
        GVariantBuilder rb;

        /* a{ss} through a format string, as bus-util.c */
        g_variant_builder_init(&b, G_VARIANT_TYPE("a{ss}"));
        REAL(g_variant_builder_init)(&rb, G_VARIANT_TYPE("a{ss}"));
        g_variant_builder_add(&b, "{ss}", "k1", "v1");
        g_variant_builder_add(&b, "{ss}", "k'2", "");
        REAL(g_variant_builder_add)(&rb, "{ss}", "k1", "v1");
        REAL(g_variant_builder_add)(&rb, "{ss}", "k'2", "");
        compare(g_variant_builder_end(&b), REAL(g_variant_builder_end)(&rb));
        g_variant_builder_clear(&b); /* safe after end */

        /* empty definite containers */
        g_variant_builder_init(&b, G_VARIANT_TYPE("as"));
        REAL(g_variant_builder_init)(&rb, G_VARIANT_TYPE("as"));
        compare(g_variant_builder_end(&b), REAL(g_variant_builder_end)(&rb));

        /* indefinite types take their children's */
        g_variant_builder_init(&b, G_VARIANT_TYPE("a*"));
        g_variant_builder_add_value(&b, g_variant_new_string("x"));
        g_variant_builder_add_value(&b, g_variant_new_int32(1)); /* refused: not an s */
        g_variant_builder_add_value(&b, g_variant_new_string("y"));
        v = g_variant_ref_sink(g_variant_builder_end(&b));
        g_assert_cmpstr(g_variant_get_type_string(v), ==, "as");
        g_variant_unref(v);

        g_variant_builder_init(&b, G_VARIANT_TYPE("r"));
        g_variant_builder_add_value(&b, g_variant_new_uint32(24));
        g_variant_builder_add_value(&b, g_variant_new_variant(g_variant_new_boolean(TRUE)));
        REAL(g_variant_builder_init)(&rb, G_VARIANT_TYPE("r"));
        REAL(g_variant_builder_add_value)(&rb, REAL(g_variant_new_uint32)(24));
        REAL(g_variant_builder_add_value)(&rb, REAL(g_variant_new_variant)(REAL(g_variant_new_boolean)(TRUE)));
        compare(g_variant_builder_end(&b), REAL(g_variant_builder_end)(&rb));

        /* a(ss) built as bus-gvariant.c builds it: nested builders */
        g_variant_builder_init(&b, G_VARIANT_TYPE("a(ss)"));
        REAL(g_variant_builder_init)(&rb, G_VARIANT_TYPE("a(ss)"));
        for (int i = 0; i < 3; i++) {
                GVariantBuilder e, re;
                g_variant_builder_init(&e, G_VARIANT_TYPE("(ss)"));
                REAL(g_variant_builder_init)(&re, G_VARIANT_TYPE("(ss)"));
                g_variant_builder_add_value(&e, g_variant_new_string("a"));
                g_variant_builder_add_value(&e, g_variant_new_string(i == 1 ? "b\n" : "c"));
                REAL(g_variant_builder_add_value)(&re, REAL(g_variant_new_string)("a"));
                REAL(g_variant_builder_add_value)(&re, REAL(g_variant_new_string)(i == 1 ? "b\n" : "c"));
                g_variant_builder_add_value(&b, g_variant_builder_end(&e));
                REAL(g_variant_builder_add_value)(&rb, REAL(g_variant_builder_end)(&re));
        }
        compare(g_variant_builder_end(&b), REAL(g_variant_builder_end)(&rb));

        /* an incomplete tuple cannot end; clearing frees what was added */
        g_variant_builder_init(&b, G_VARIANT_TYPE("(si)"));
        g_variant_builder_add_value(&b, g_variant_new_string("x"));
        g_variant_builder_clear(&b);
        g_variant_builder_clear(&b);
        {
                g_auto(GVariantBuilder) z = { { { 0 } } };
                (void) z;
        }
        {
                g_auto(GVariantBuilder) p = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE("ai"));
                g_variant_builder_add_value(&p, g_variant_new_int32(4));
                v = g_variant_ref_sink(g_variant_builder_end(&p));
                g_assert_cmpuint(g_variant_get_size(v), ==, 4);
                g_variant_unref(v);
        }

        /* non-floating children are referenced, not taken */
        v = g_variant_ref_sink(g_variant_new_string("kept"));
        g_variant_builder_init(&b, G_VARIANT_TYPE("as"));
        g_variant_builder_add_value(&b, v);
        r = g_variant_ref_sink(g_variant_builder_end(&b));
        g_assert_cmpstr(g_variant_get_string(v, NULL), ==, "kept");
        g_variant_unref(r);
        g_variant_unref(v);
}

static void test_dict(void) {
        g_autoptr(GVariant) base = g_variant_parse(G_VARIANT_TYPE("a{sv}"), "{'Memory': <int64 5>, 'Name': <'x'>}", NULL, NULL, NULL);
        g_autoptr(GVariant) upd = g_variant_parse(G_VARIANT_TYPE("a{sv}"), "{'Memory': <int64 7>, 'PidsLimit': <int64 9>}", NULL, NULL, NULL);
        g_autoptr(GVariant) merged = NULL;
        GVariantDict d;
        GVariantIter it;
        const char *key;
        GVariant *v;
        gint64 x = 0;
        const char *s = NULL;

        g_variant_dict_init(&d, base);
        g_variant_iter_init(&it, upd);
        while (g_variant_iter_loop(&it, "{&sv}", &key, &v))
                g_variant_dict_insert_value(&d, key, v);
        merged = g_variant_ref_sink(g_variant_dict_end(&d));
        g_variant_dict_clear(&d);
        g_assert_cmpstr(g_variant_get_type_string(merged), ==, "a{sv}");
        g_assert_cmpuint(g_variant_iter_init(&it, merged), ==, 3);
        g_assert_true(g_variant_lookup(merged, "Memory", "x", &x));
        g_assert_cmpint(x, ==, 7);
        g_assert_true(g_variant_lookup(merged, "PidsLimit", "x", &x));
        g_assert_cmpint(x, ==, 9);
        g_assert_true(g_variant_lookup(merged, "Name", "&s", &s));
        g_assert_cmpstr(s, ==, "x");

        /* cleared half-way, as on a refused key */
        g_variant_dict_init(&d, NULL);
        g_variant_dict_insert_value(&d, "a", g_variant_new_int32(1));
        g_variant_dict_clear(&d);
        g_variant_dict_init(&d, NULL);
        v = g_variant_ref_sink(g_variant_dict_end(&d));
        {
                g_autofree char *p = g_variant_print(v, TRUE);
                g_assert_cmpstr(p, ==, "@a{sv} {}");
        }
        g_variant_unref(v);
}

static void test_refs(void) {
        GVariant *v = g_variant_new_parsed("@a{ss} {}");
        GVariant *p;

        /* new_parsed gives a floating reference; parse a full one */
        g_assert_true(g_variant_ref_sink(v) == v);
        g_variant_ref(v);
        g_variant_unref(v);
        g_variant_unref(v);
        p = g_variant_parse(G_VARIANT_TYPE("a{ss}"), "{}", NULL, NULL, NULL);
        g_variant_ref_sink(p); /* a second reference, as in GLib */
        g_variant_unref(p);
        g_variant_unref(p);
        {
                const char *end = NULL;
                g_autoptr(GVariant) e = g_variant_parse(NULL, "[1] tail", NULL, &end, NULL);
                g_assert_cmpstr(end, ==, " tail");
                const char *text = "[1] tail";
                g_autoptr(GVariant) l = g_variant_parse(NULL, text, text + 3, NULL, NULL);
                g_assert_nonnull(l);
        }
        /* accessors on other types give zeros, as GLib's (after its warning) */
        v = g_variant_ref_sink(g_variant_new_int32(3));
        g_assert_null(g_variant_get_string(v, NULL));
        g_assert_cmpint(g_variant_get_int32(v), ==, 3);
        g_variant_unref(v);
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/glib-subset/variant/corpus", test_corpus);
        g_test_add_func("/glib-subset/variant/errors", test_errors);
        g_test_add_func("/glib-subset/variant/scalars", test_scalars);
        g_test_add_func("/glib-subset/variant/strings", test_strings);
        g_test_add_func("/glib-subset/variant/types", test_types);
        g_test_add_func("/glib-subset/variant/lookup", test_lookup);
        g_test_add_func("/glib-subset/variant/iter", test_iter);
        g_test_add_func("/glib-subset/variant/builders", test_builders);
        g_test_add_func("/glib-subset/variant/dict", test_dict);
        g_test_add_func("/glib-subset/variant/refs", test_refs);
        return g_test_run();
}
