/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "net-args.h"

#define HOST_GATEWAY "host-gateway"

bool net_args_is_ipv4(const char *s) {
        struct in_addr a;
        return s && inet_pton(AF_INET, s, &a) == 1;
}

bool net_args_is_ip(const char *s) {
        struct in6_addr a6;
        return net_args_is_ipv4(s) || (s && inet_pton(AF_INET6, s, &a6) == 1);
}

/* "N", decimal, first..65535; the length is bounded so nothing overflows */
static bool parse_port(const char *s, size_t len, unsigned first, unsigned *ret) {
        unsigned v = 0;

        if (len == 0 || len > 5)
                return false;
        for (size_t i = 0; i < len; i++) {
                if (!g_ascii_isdigit(s[i]))
                        return false;
                v = v * 10 + (unsigned) (s[i] - '0');
        }
        if (v < first || v > 65535)
                return false;
        *ret = v;
        return true;
}

bool net_args_is_cidr(const char *s) {
        const char *slash = s ? strchr(s, '/') : NULL;
        g_autofree char *addr = NULL;
        unsigned prefix;

        if (!slash || !parse_port(slash + 1, strlen(slash + 1), 0, &prefix))
                return false;
        addr = g_strndup(s, (gsize) (slash - s));
        if (net_args_is_ipv4(addr))
                return prefix <= 32;
        return net_args_is_ip(addr) && prefix <= 128;
}

int net_args_expose(const char *spec, GPtrArray *out, char **ret_error) {
        const char *slash = strchr(spec, '/'), *dash;
        const char *proto = slash ? slash + 1 : "tcp";
        size_t len = slash ? (size_t) (slash - spec) : strlen(spec);
        unsigned first, last;

        if (memchr(spec, ':', len)) {
                *ret_error = g_strdup_printf("invalid port format for --expose: %s: expose a container port "
                                             "(80, 80/udp, 8000-8010); publish with -p", spec);
                return -EINVAL;
        }
        dash = memchr(spec, '-', len);
        if (!parse_port(spec, dash ? (size_t) (dash - spec) : len, 1, &first) ||
            !parse_port(dash ? dash + 1 : spec, dash ? len - (size_t) (dash + 1 - spec) : len, 1, &last) ||
            last < first) {
                *ret_error = g_strdup_printf("invalid range format for --expose: %s: use PORT or PORT-PORT (1-65535) "
                                             "with /tcp or /udp", spec);
                return -EINVAL;
        }
        if (!g_str_equal(proto, "tcp") && !g_str_equal(proto, "udp")) {
                *ret_error = g_strdup_printf("invalid protocol \"%s\" for --expose: roost exposes tcp and udp ports", proto);
                return -EINVAL;
        }
        for (unsigned p = first; p <= last; p++)
                g_ptr_array_add(out, g_strdup_printf("%u/%s", p, proto));
        return 0;
}

int net_args_add_host(const char *spec, char **ret, char **ret_error) {
        /* NAME=ADDRESS first: with NAME:ADDRESS the first ':' ends the
         * name, so IPv6 addresses need no brackets */
        const char *sep = strchr(spec, '=') ?: strchr(spec, ':');
        g_autofree char *name = NULL, *addr = NULL;
        size_t len;

        if (!sep || sep == spec || memchr(spec, ':', (size_t) (sep - spec))) {
                *ret_error = g_strdup_printf("bad format for add-host: \"%s\": use NAME:ADDRESS", spec);
                return -EINVAL;
        }
        name = g_strndup(spec, (gsize) (sep - spec));
        addr = g_strdup(sep + 1);
        len = strlen(addr);
        if (len > 2 && addr[0] == '[' && addr[len - 1] == ']') {
                memmove(addr, addr + 1, len - 2);
                addr[len - 2] = 0;
        }
        if (!g_str_equal(addr, HOST_GATEWAY) && !net_args_is_ip(addr)) {
                *ret_error = g_strdup_printf("invalid IP address in add-host: \"%s\": use an IPv4 or IPv6 address, "
                                             "or " HOST_GATEWAY, addr);
                return -EINVAL;
        }
        *ret = g_strdup_printf("%s:%s", name, addr);
        return 0;
}

bool net_args_is_dns_search(const char *s) {
        size_t len = strlen(s), label = 0;

        if (g_str_equal(s, "."))
                return true;
        if (len > 0 && s[len - 1] == '.')
                len--;
        if (len == 0 || len > 253)
                return false;
        for (size_t i = 0; i <= len; i++) {
                if (i == len || s[i] == '.') {
                        /* a label: 1..63 characters, no '-' at either end */
                        if (label == 0 || label > 63 || s[i - 1] == '-' || s[i - label] == '-')
                                return false;
                        label = 0;
                } else if (g_ascii_isalnum(s[i]) || s[i] == '-')
                        label++;
                else
                        return false;
        }
        return true;
}

int net_args_port_key(const char *arg, char **ret_key, char **ret_error) {
        const char *slash = strchr(arg, '/');
        size_t len = slash ? (size_t) (slash - arg) : strlen(arg);
        unsigned port;

        if (!parse_port(arg, len, 0, &port)) {
                *ret_error = g_strdup_printf("invalid port (%.*s): use PRIVATE_PORT[/PROTO], like 80 or 53/udp",
                                             (int) len, arg);
                return -EINVAL;
        }
        *ret_key = g_strdup_printf("%u/%s", port, slash && slash[1] ? slash + 1 : "tcp");
        return 0;
}
