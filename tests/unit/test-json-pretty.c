/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>
#include <string.h>

#include "json-pretty.h"

static char *pretty(const char *json) {
        g_autoptr(json_t) v = rjson_parse(json, -1, NULL);

        g_assert_nonnull(v);
        return cli_json_pretty(v);
}

#define check(json, expected)                           \
        do {                                            \
                g_autofree char *_s = pretty(json);     \
                g_assert_cmpstr(_s, ==, expected);      \
        } while (0)

static void test_docker_layout(void) {
        check("[{\"Name\":\"db\",\"IPAM\":{\"Driver\":\"default\",\"Options\":{},"
              "\"Config\":[{\"Subnet\":\"10.89.7.0/24\"}]},\"Internal\":true,\"Containers\":{},\"Aliases\":[],"
              "\"IPPrefixLen\":24,\"Ports\":{\"53/udp\":null}}]",
              "[\n"
              "    {\n"
              "        \"Name\": \"db\",\n"
              "        \"IPAM\": {\n"
              "            \"Driver\": \"default\",\n"
              "            \"Options\": {},\n"
              "            \"Config\": [\n"
              "                {\n"
              "                    \"Subnet\": \"10.89.7.0/24\"\n"
              "                }\n"
              "            ]\n"
              "        },\n"
              "        \"Internal\": true,\n"
              "        \"Containers\": {},\n"
              "        \"Aliases\": [],\n"
              "        \"IPPrefixLen\": 24,\n"
              "        \"Ports\": {\n"
              "            \"53/udp\": null\n"
              "        }\n"
              "    }\n"
              "]");
}

static void test_scalars(void) {
        check("[]", "[]");
        check("{}", "{}");
        check("\"a\\\"b\\n\"", "\"a\\\"b\\n\"");
        check("{\"k\\\"ey\":1.5}", "{\n    \"k\\\"ey\": 1.5\n}");
        check("[false,null,-3]", "[\n    false,\n    null,\n    -3\n]");
}

static void test_deep(void) {
        /* nesting deeper than inspect output ever is ends in one line */
        g_autoptr(GString) in = g_string_new(NULL);
        g_autofree char *out = NULL;

        for (int i = 0; i < 200; i++)
                g_string_append_c(in, '[');
        for (int i = 0; i < 200; i++)
                g_string_append_c(in, ']');
        out = pretty(in->str);
        g_assert_nonnull(strstr(out, "[[[[]]]]"));
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/json-pretty/docker-layout", test_docker_layout);
        g_test_add_func("/json-pretty/scalars", test_scalars);
        g_test_add_func("/json-pretty/deep", test_deep);
        return g_test_run();
}
