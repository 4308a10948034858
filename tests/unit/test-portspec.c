/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <stdlib.h>

#include "portspec.h"

/* parses spec and returns the canonical forms, joined by ' ' */
static char *parse_fmt(const char *spec) {
        g_autoptr(GString) out = g_string_new(NULL);
        PortForward *f = NULL;
        const char *reason = NULL;
        size_t n = 0;
        char buf[PORTSPEC_MAX];
        int r;

        r = portspec_parse(spec, &f, &n, &reason);
        if (r < 0) {
                g_assert_nonnull(reason);
                g_assert_cmpuint(n, ==, 0);
                free(f);
                return g_strdup_printf("error %d: %s", r, reason);
        }
        for (size_t i = 0; i < n; i++)
                g_string_append_printf(out, "%s%s", i ? " " : "", portspec_format(&f[i], buf));
        free(f);
        return g_string_free(g_steal_pointer(&out), FALSE);
}

#define check(spec, expected)                                   \
        do {                                                    \
                g_autofree char *_s = parse_fmt(spec);          \
                g_assert_cmpstr(_s, ==, expected);              \
        } while (0)

#define check_error(spec, err, phrase)                                          \
        do {                                                                    \
                g_autofree char *_s = parse_fmt(spec);                          \
                g_autofree char *_e = g_strdup_printf("error %d: ", err);       \
                if (!g_str_has_prefix(_s, _e) || !strstr(_s, phrase))           \
                        g_error("%s: got '%s', expected %s...%s", spec, _s, _e, phrase); \
        } while (0)

static void test_valid(void) {
        check("80", "0:80/tcp");
        check("18080:80", "18080:80/tcp");
        check("18080:80/udp", "18080:80/udp");
        check("127.0.0.1:18080:80", "127.0.0.1:18080:80/tcp");
        check("127.0.0.1::80/udp", "127.0.0.1:0:80/udp");
        check("0.0.0.0:8080:80", "0.0.0.0:8080:80/tcp");
        check("[::1]:8080:80", "[::1]:8080:80/tcp");
        check("[::]:8080:80/udp", "[::]:8080:80/udp");
        check("8000-8002:80-82", "8000:80/tcp 8001:81/tcp 8002:82/tcp");
        check("127.0.0.1:8000-8001:9000-9001/udp", "127.0.0.1:8000:9000/udp 127.0.0.1:8001:9001/udp");
        /* a host range for one container port: any one of them */
        check("8000-8010:80", "8000-8010:80/tcp");
        /* a container range alone: each to some free port */
        check("80-81", "0:80/tcp 0:81/tcp");
        check("65535:65535", "65535:65535/tcp");
        check("0:80", "0:80/tcp");
}

static void test_invalid(void) {
        check_error("", -EINVAL, "empty");
        check_error("abc", -EINVAL, "not a number");
        check_error("80/sctp", -EPROTONOSUPPORT, "sctp");
        check_error("80/icmp", -EINVAL, "neither tcp nor udp");
        check_error("70000:80", -EINVAL, "larger than 65535");
        check_error("8080:123456", -EINVAL, "larger than 65535");
        check_error("8080:0", -EINVAL, "container port is 0");
        check_error("8080:", -EINVAL, "missing");
        check_error("8002-8000:80", -EINVAL, "ends before it starts");
        check_error("8000-:80", -EINVAL, "missing its end");
        check_error("8000-8001:80-82", -EINVAL, "differ in length");
        check_error("localhost:8080:80", -EINVAL, "not an IPv4 address");
        check_error("300.1.1.1:8080:80", -EINVAL, "not an IPv4 address");
        check_error("::1:8080:80", -EINVAL, "brackets");
        check_error("[::1]:80", -EINVAL, "[ADDRESS]:HOSTPORT:CONTAINERPORT");
        check_error("[::1:8080:80", -EINVAL, "[ADDRESS]");
        check_error("[1.2.3.4]:8080:80", -EINVAL, "not an IPv6 address");
        check_error("+80", -EINVAL, "not a number");
        check_error(" 80", -EINVAL, "not a number");
}

static void test_append(void) {
        PortForward *f = NULL;
        size_t n = 0;

        g_assert_cmpint(portspec_parse("18080:80", &f, &n, NULL), ==, 0);
        g_assert_cmpint(portspec_parse("5353:53/udp", &f, &n, NULL), ==, 0);
        /* a bad spec leaves what is there */
        g_assert_cmpint(portspec_parse("x", &f, &n, NULL), ==, -EINVAL);
        g_assert_cmpuint(n, ==, 2);
        g_assert_cmpint(f[0].proto, ==, PORT_PROTO_TCP);
        g_assert_cmpint(f[0].family, ==, AF_UNSPEC);
        g_assert_cmpuint(f[0].host_port, ==, 18080);
        g_assert_cmpuint(f[0].container_port, ==, 80);
        g_assert_cmpint(f[1].proto, ==, PORT_PROTO_UDP);
        g_assert_cmpuint(f[1].host_port, ==, 5353);
        g_assert_cmpuint(f[1].container_port, ==, 53);
        free(f);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/portspec/valid", test_valid);
        g_test_add_func("/portspec/invalid", test_invalid);
        g_test_add_func("/portspec/append", test_append);
        return g_test_run();
}
