/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "net-args.h"

static void test_addresses(void) {
        g_assert_true(net_args_is_ipv4("10.88.0.2"));
        g_assert_true(net_args_is_ipv4("0.0.0.0"));
        g_assert_false(net_args_is_ipv4("10.88.0"));
        g_assert_false(net_args_is_ipv4("10.88.0.256"));
        g_assert_false(net_args_is_ipv4("10.88.0.2 "));
        g_assert_false(net_args_is_ipv4("::1"));
        g_assert_false(net_args_is_ipv4(""));
        g_assert_false(net_args_is_ipv4(NULL));

        g_assert_true(net_args_is_ip("1.1.1.1"));
        g_assert_true(net_args_is_ip("::1"));
        g_assert_true(net_args_is_ip("fd00::5"));
        g_assert_false(net_args_is_ip("[::1]"));
        g_assert_false(net_args_is_ip("dns.example"));

        g_assert_true(net_args_is_cidr("10.89.0.0/24"));
        g_assert_true(net_args_is_cidr("10.88.0.0/16"));
        g_assert_true(net_args_is_cidr("0.0.0.0/0"));
        g_assert_true(net_args_is_cidr("fd00::/64"));
        g_assert_false(net_args_is_cidr("10.89.0.0/33"));
        g_assert_false(net_args_is_cidr("fd00::/129"));
        g_assert_false(net_args_is_cidr("10.89.0.0"));
        g_assert_false(net_args_is_cidr("10.89.0.0/"));
        g_assert_false(net_args_is_cidr("10.89.0.0/2x"));
        g_assert_false(net_args_is_cidr("10.89.0/24"));
        g_assert_false(net_args_is_cidr("/24"));
}

/* the expansion of one --expose, joined by ' ', or "error: ..." */
static char *expose(const char *spec) {
        g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
        g_autofree char *err = NULL;

        if (net_args_expose(spec, out, &err) < 0) {
                g_assert_nonnull(err);
                g_assert_cmpuint(out->len, ==, 0);
                return g_strdup_printf("error: %s", err);
        }
        g_assert_null(err);
        g_ptr_array_add(out, NULL);
        return g_strjoinv(" ", (char **) out->pdata);
}

#define check_expose(spec, expected)                    \
        do {                                            \
                g_autofree char *_s = expose(spec);     \
                g_assert_cmpstr(_s, ==, expected);      \
        } while (0)

#define check_expose_error(spec, phrase)                                       \
        do {                                                                   \
                g_autofree char *_s = expose(spec);                            \
                if (!g_str_has_prefix(_s, "error: ") || !strstr(_s, phrase))  \
                        g_error("%s: got '%s', expected an error with %s", spec, _s, phrase); \
        } while (0)

static void test_expose(void) {
        check_expose("80", "80/tcp");
        check_expose("80/tcp", "80/tcp");
        check_expose("53/udp", "53/udp");
        check_expose("8000-8002", "8000/tcp 8001/tcp 8002/tcp");
        check_expose("5000-5001/udp", "5000/udp 5001/udp");
        check_expose("65535", "65535/tcp");
        check_expose("7-7", "7/tcp");

        check_expose_error("80:80", "invalid port format for --expose: 80:80");
        check_expose_error("127.0.0.1:80:80", "publish with -p");
        check_expose_error("0", "invalid range format for --expose: 0");
        check_expose_error("65536", "invalid range format");
        check_expose_error("123456", "invalid range format");
        check_expose_error("90-80", "invalid range format");
        check_expose_error("80-", "invalid range format");
        check_expose_error("-80", "invalid range format");
        check_expose_error("http", "invalid range format");
        check_expose_error("", "invalid range format");
        check_expose_error("+80", "invalid range format");
        check_expose_error("80/sctp", "invalid protocol \"sctp\"");
        check_expose_error("80/", "invalid protocol \"\"");
}

static char *add_host(const char *spec) {
        g_autofree char *err = NULL;
        char *out = NULL;

        if (net_args_add_host(spec, &out, &err) < 0) {
                g_assert_nonnull(err);
                g_assert_null(out);
                return g_strdup_printf("error: %s", err);
        }
        return out;
}

#define check_add_host(spec, expected)                  \
        do {                                            \
                g_autofree char *_s = add_host(spec);   \
                g_assert_cmpstr(_s, ==, expected);      \
        } while (0)

static void test_add_host(void) {
        check_add_host("db:10.0.0.2", "db:10.0.0.2");
        check_add_host("db=10.0.0.2", "db:10.0.0.2");
        check_add_host("db.example:192.168.1.10", "db.example:192.168.1.10");
        /* IPv6: the first ':' ends the name; brackets are taken off */
        check_add_host("v6:::1", "v6:::1");
        check_add_host("v6:fd00::5", "v6:fd00::5");
        check_add_host("v6=[fd00::5]", "v6:fd00::5");
        check_add_host("v6:[::1]", "v6:::1");
        check_add_host("v4:[10.0.0.2]", "v4:10.0.0.2");
        check_add_host("gw:host-gateway", "gw:host-gateway");
        check_add_host("gw=host-gateway", "gw:host-gateway");

        check_add_host("db", "error: bad format for add-host: \"db\": use NAME:ADDRESS");
        check_add_host(":10.0.0.2", "error: bad format for add-host: \":10.0.0.2\": use NAME:ADDRESS");
        check_add_host("=10.0.0.2", "error: bad format for add-host: \"=10.0.0.2\": use NAME:ADDRESS");
        check_add_host("a:b=10.0.0.2", "error: bad format for add-host: \"a:b=10.0.0.2\": use NAME:ADDRESS");
        check_add_host("db:", "error: invalid IP address in add-host: \"\": use an IPv4 or IPv6 address, or host-gateway");
        check_add_host("db:server",
                       "error: invalid IP address in add-host: \"server\": use an IPv4 or IPv6 address, or host-gateway");
        check_add_host("db:10.0.0.2\n10.0.0.3 evil",
                       "error: invalid IP address in add-host: \"10.0.0.2\n10.0.0.3 evil\": use an IPv4 or IPv6 "
                       "address, or host-gateway");
        check_add_host("db:[]", "error: invalid IP address in add-host: \"[]\": use an IPv4 or IPv6 address, or host-gateway");
}

static void test_dns_search(void) {
        g_assert_true(net_args_is_dns_search("example.com"));
        g_assert_true(net_args_is_dns_search("example.com."));
        g_assert_true(net_args_is_dns_search("."));
        g_assert_true(net_args_is_dns_search("a-b.c0"));
        g_assert_true(net_args_is_dns_search("localdomain"));
        g_assert_true(net_args_is_dns_search("1.example"));

        g_assert_false(net_args_is_dns_search(""));
        g_assert_false(net_args_is_dns_search(".."));
        g_assert_false(net_args_is_dns_search("-a.com"));
        g_assert_false(net_args_is_dns_search("a-.com"));
        g_assert_false(net_args_is_dns_search("a..com"));
        g_assert_false(net_args_is_dns_search(".a.com"));
        g_assert_false(net_args_is_dns_search("a_b.com"));
        g_assert_false(net_args_is_dns_search("a b"));
        g_assert_false(net_args_is_dns_search("a.com\nnameserver 6.6.6.6"));
        {
                /* a label is at most 63 characters */
                g_autofree char *l63 = g_strnfill(63, 'a'), *l64 = g_strnfill(64, 'a');
                g_autofree char *ok = g_strdup_printf("%s.com", l63), *bad = g_strdup_printf("%s.com", l64);
                g_assert_true(net_args_is_dns_search(ok));
                g_assert_false(net_args_is_dns_search(bad));
        }
}

static char *port_key(const char *arg) {
        g_autofree char *err = NULL;
        char *key = NULL;

        if (net_args_port_key(arg, &key, &err) < 0) {
                g_assert_null(key);
                return g_strdup_printf("error: %s", err);
        }
        return key;
}

#define check_port_key(arg, expected)                   \
        do {                                            \
                g_autofree char *_s = port_key(arg);    \
                g_assert_cmpstr(_s, ==, expected);      \
        } while (0)

static void test_port_key(void) {
        check_port_key("80", "80/tcp");
        check_port_key("80/tcp", "80/tcp");
        check_port_key("53/udp", "53/udp");
        check_port_key("080", "80/tcp");
        check_port_key("80/", "80/tcp");
        check_port_key("0", "0/tcp");
        check_port_key("65535/udp", "65535/udp");

        check_port_key("abc", "error: invalid port (abc): use PRIVATE_PORT[/PROTO], like 80 or 53/udp");
        check_port_key("65536", "error: invalid port (65536): use PRIVATE_PORT[/PROTO], like 80 or 53/udp");
        check_port_key("", "error: invalid port (): use PRIVATE_PORT[/PROTO], like 80 or 53/udp");
        check_port_key("/tcp", "error: invalid port (): use PRIVATE_PORT[/PROTO], like 80 or 53/udp");
        check_port_key("-1", "error: invalid port (-1): use PRIVATE_PORT[/PROTO], like 80 or 53/udp");
        check_port_key("80-81", "error: invalid port (80-81): use PRIVATE_PORT[/PROTO], like 80 or 53/udp");
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/net-args/addresses", test_addresses);
        g_test_add_func("/net-args/expose", test_expose);
        g_test_add_func("/net-args/add-host", test_add_host);
        g_test_add_func("/net-args/dns-search", test_dns_search);
        g_test_add_func("/net-args/port-key", test_port_key);
        return g_test_run();
}
