/* SPDX-License-Identifier: Apache-2.0 */
/* cli/variant-json.c: D-Bus values as the CLI's JSON output shows them (the
 * rules json-glib's json_gvariant_serialize() had, which the output was
 * first written with) */
#include <glib.h>

#include "variant-json.h"

static void check(const char *variant_text, const char *want) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) v = g_variant_parse(NULL, variant_text, NULL, NULL, &error);
        g_autoptr(json_t) j = NULL;
        g_autofree char *text = NULL;

        g_assert_no_error(error);
        j = variant_to_json(v);
        text = rjson_dump(j, false);
        g_assert_cmpstr(text, ==, want);
}

static void test_scalars(void) {
        check("true", "true");
        check("byte 7", "7");
        check("int16 -3", "-3");
        check("uint32 4000000000", "4000000000");
        check("int64 -9223372036854775808", "-9223372036854775808");
        /* as json-glib did: wrapped into int64 */
        check("uint64 18446744073709551615", "-1");
        check("1.5", "1.5");
        check("'a\"b'", "\"a\\\"b\"");
        check("objectpath '/io/roost/Roost1'", "\"/io/roost/Roost1\"");
        check("signature 'a{sv}'", "\"a{sv}\"");
}

static void test_containers(void) {
        /* dictionaries are objects in their order, a repeated key keeps its
         * place and takes the last value */
        check("{'b': <1>, 'a': <'x'>, 'b': <2>}", "{\"b\":2,\"a\":\"x\"}");
        check("@a{sv} {}", "{}");
        check("{'Labels': <@a{ss} {'k': 'v'}>, 'Ports': <@as []>}", "{\"Labels\":{\"k\":\"v\"},\"Ports\":[]}");
        check("[('a', 'b'), ('c', 'd')]", "[[\"a\",\"b\"],[\"c\",\"d\"]]");
        check("[(int64 1, 'sh', 'created by', uint64 5, true)]", "[[1,\"sh\",\"created by\",5,true]]");
        check("b'ab'", "[97,98,0]");
        check("@ms nothing", "null");
        check("@ms 'x'", "\"x\"");
        check("<<'deep'>>", "\"deep\"");
        /* keys that are not strings: their text */
        check("{uint32 8: 'x', uint32 9: 'y'}", "{\"8\":\"x\",\"9\":\"y\"}");
        check("{objectpath '/a': true}", "{\"/a\":true}");
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/variant-json/scalars", test_scalars);
        g_test_add_func("/variant-json/containers", test_containers);
        return g_test_run();
}
