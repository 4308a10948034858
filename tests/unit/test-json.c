/* SPDX-License-Identifier: Apache-2.0 */
/* common/json.c: the builder, parsing errors, accessors and the text form */
#include <glib.h>
#include <string.h>

#include "json.h"

static void test_builder(void) {
        g_autoptr(RJsonBuilder) b = rjson_builder_new();
        g_autoptr(json_t) root = NULL;
        g_autofree char *text = NULL;

        rjson_begin_object(b);
        rjson_key(b, "ociVersion");
        rjson_add_string(b, "1.0.2");
        rjson_key(b, "process");
        rjson_begin_object(b);
        rjson_key(b, "args");
        rjson_begin_array(b);
        rjson_add_string(b, "sh");
        rjson_add_string(b, "-c");
        rjson_end_array(b);
        rjson_key(b, "terminal");
        rjson_add_bool(b, false);
        rjson_end_object(b);
        /* still open: no root yet */
        g_assert_null(rjson_builder_root(b));
        rjson_key(b, "uid");
        rjson_add_int(b, -1);
        rjson_key(b, "none");
        rjson_add_null(b);
        rjson_key(b, "nullstr");
        rjson_add_string(b, NULL);
        rjson_key(b, "copied");
        rjson_add_value(b, json_pack("{s:i}", "a", 1));
        rjson_end_object(b);

        root = rjson_builder_root(b);
        g_assert_nonnull(root);
        text = rjson_dump(root, false);
        /* member order kept, compact as json-glib printed it */
        g_assert_cmpstr(text, ==,
                        "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\",\"-c\"],\"terminal\":false},"
                        "\"uid\":-1,\"none\":null,\"nullstr\":null,\"copied\":{\"a\":1}}");
}

static void test_builder_scalar_root(void) {
        g_autoptr(RJsonBuilder) b = rjson_builder_new();
        g_autoptr(json_t) root = NULL;
        g_autofree char *text = NULL;

        rjson_add_string(b, "x\"y\n");
        root = rjson_builder_root(b);
        text = rjson_dump(root, false);
        g_assert_cmpstr(text, ==, "\"x\\\"y\\n\"");
}

static void test_invalid_utf8(void) {
        g_autoptr(RJsonBuilder) b = rjson_builder_new();
        g_autoptr(json_t) root = NULL;
        g_autoptr(json_t) back = NULL;
        g_autofree char *text = NULL;

        rjson_begin_object(b);
        rjson_key(b, "k\xff");
        rjson_add_string(b, "a\xc3(b");
        rjson_end_object(b);
        root = rjson_builder_root(b);
        text = rjson_dump(root, false);
        /* the bad bytes become U+FFFD, so the text stays JSON */
        g_assert_cmpstr(text, ==, "{\"k\xef\xbf\xbd\":\"a\xef\xbf\xbd(b\"}");
        back = rjson_parse(text, -1, NULL);
        g_assert_nonnull(back);
}

static void test_parse_errors(void) {
        static const struct {
                const char *text;
                const char *error;
        } cases[] = {
                { "", "line 1 column 0: unexpected token near end of file" },
                { "{\"a\": }", "line 1 column 7: unexpected token near '}'" },
                { "{\"a\":1} x", "line 1 column 9: end of file expected near 'x'" },
                { "[\"\\u0000\"]", "line 1 column 9: \\u0000 is not allowed in a string" },
                { "[\"\xff\"]", "line 1 column 2: unable to decode byte 0xff near '\"'" },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *error = NULL;
                g_assert_null(rjson_parse(cases[i].text, -1, &error));
                g_assert_cmpstr(error, ==, cases[i].error);
        }
}

static void test_parse_depth(void) {
        g_autoptr(GString) deep = g_string_new(NULL);
        g_autofree char *error = NULL;

        for (int i = 0; i < 100000; i++)
                g_string_append_c(deep, '[');
        g_assert_null(rjson_parse(deep->str, (ssize_t) deep->len, &error));
        g_assert_true(strstr(error, "too big") || strstr(error, "depth"));
}

static void test_parse_any_and_length(void) {
        g_autoptr(json_t) s = rjson_parse("\"x\"", -1, NULL);
        g_autoptr(json_t) n = rjson_parse("42trailing", 2, NULL);

        g_assert_cmpstr(json_string_value(s), ==, "x");
        g_assert_cmpint(json_integer_value(n), ==, 42);
}

static void test_accessors(void) {
        g_autoptr(json_t) o = rjson_parse("{\"s\":\"v\",\"i\":7,\"r\":1.5,\"t\":true,\"o\":{},\"a\":[1],\"n\":null}",
                                          -1, NULL);
        int64_t i = 0;

        g_assert_nonnull(o);
        g_assert_cmpstr(rjson_get_string(o, "s"), ==, "v");
        g_assert_null(rjson_get_string(o, "i"));
        g_assert_null(rjson_get_string(o, "missing"));
        g_assert_null(rjson_get_string(NULL, "s"));
        g_assert_true(rjson_get_int(o, "i", &i));
        g_assert_cmpint(i, ==, 7);
        g_assert_false(rjson_get_int(o, "r", &i));
        g_assert_false(rjson_get_int(o, "s", &i));
        g_assert_cmpint(rjson_get_int_or(o, "r", -3), ==, -3);
        g_assert_true(rjson_get_bool_or(o, "t", false));
        g_assert_true(rjson_get_bool_or(o, "n", true));
        g_assert_nonnull(rjson_get_object(o, "o"));
        g_assert_null(rjson_get_object(o, "a"));
        g_assert_nonnull(rjson_get_array(o, "a"));
        g_assert_null(rjson_get_array(json_array_get(rjson_get_array(o, "a"), 0), "x"));
}

static void test_pretty(void) {
        g_autoptr(json_t) o = rjson_parse("{\"a\":[1,2],\"b\":{}}", -1, NULL);
        g_autofree char *text = rjson_dump(o, true);

        g_assert_cmpstr(text, ==, "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}");
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/json/builder", test_builder);
        g_test_add_func("/json/builder-scalar-root", test_builder_scalar_root);
        g_test_add_func("/json/invalid-utf8", test_invalid_utf8);
        g_test_add_func("/json/parse-errors", test_parse_errors);
        g_test_add_func("/json/parse-depth", test_parse_depth);
        g_test_add_func("/json/parse-any-and-length", test_parse_any_and_length);
        g_test_add_func("/json/accessors", test_accessors);
        g_test_add_func("/json/pretty", test_pretty);
        return g_test_run();
}
