/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <glib.h>
#include "port-list.h"

/* NetworkSettings.Ports as roostd's Inspect gives it */
static const char PORTS[] =
        "{"
        "  \"8080/tcp\": [{\"HostIp\": \"0.0.0.0\", \"HostPort\": \"18080\"},"
        "                {\"HostIp\": \"::\", \"HostPort\": \"18080\"}],"
        "  \"53/udp\": [{\"HostIp\": \"127.0.0.1\", \"HostPort\": \"5353\"}],"
        "  \"443/tcp\": [{\"HostIp\": \"0.0.0.0\", \"HostPort\": \"8443\"}],"
        "  \"9/tcp\": [{\"HostIp\": \"0.0.0.0\", \"HostPort\": \"32768\"}],"
        "  \"10/tcp\": [{\"HostIp\": \"0.0.0.0\", \"HostPort\": \"32769\"}],"
        "  \"22/tcp\": null,"
        "  \"23/tcp\": []"
        "}";

/* the lines for key (NULL: all), joined by '|', or "ENOENT" */
static char *lines(const char *json, const char *key) {
        g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(json_t) root = NULL;

        if (json) {
                root = rjson_parse(json, -1, NULL);
                g_assert_nonnull(root);
        }
        if (port_list_lines(root, key, out) == -ENOENT) {
                g_assert_cmpuint(out->len, ==, 0);
                return g_strdup("ENOENT");
        }
        g_ptr_array_add(out, NULL);
        return g_strjoinv("|", (char **) out->pdata);
}

#define check(json, key, expected)                       \
        do {                                             \
                g_autofree char *_s = lines(json, key);  \
                g_assert_cmpstr(_s, ==, expected);       \
        } while (0)

static void test_all(void) {
        /* docker's natural order: 9 before 10 before 53; IPv6 in brackets */
        check(PORTS, NULL,
              "9/tcp -> 0.0.0.0:32768|"
              "10/tcp -> 0.0.0.0:32769|"
              "53/udp -> 127.0.0.1:5353|"
              "443/tcp -> 0.0.0.0:8443|"
              "8080/tcp -> 0.0.0.0:18080|"
              "8080/tcp -> [::]:18080");
}

static void test_one(void) {
        check(PORTS, "8080/tcp", "0.0.0.0:18080|[::]:18080");
        check(PORTS, "53/udp", "127.0.0.1:5353");
        /* exposed but not published, not there, or the other protocol */
        check(PORTS, "22/tcp", "ENOENT");
        check(PORTS, "23/tcp", "ENOENT");
        check(PORTS, "81/tcp", "ENOENT");
        check(PORTS, "53/tcp", "ENOENT");
}

static void test_none(void) {
        check(NULL, NULL, "");
        check("null", NULL, "");
        check("{}", NULL, "");
        check("{\"80/tcp\": null}", NULL, "");
        check(NULL, "80/tcp", "ENOENT");
        check("null", "80/tcp", "ENOENT");
        /* what is not shaped as docker's is skipped, not trusted */
        check("{\"80/tcp\": [1, \"x\", {\"HostPort\": \"8080\"}]}", NULL, "80/tcp -> :8080");
        check("[]", NULL, "");
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/port-list/all", test_all);
        g_test_add_func("/port-list/one", test_one);
        g_test_add_func("/port-list/none", test_none);
        return g_test_run();
}
