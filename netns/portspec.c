/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <sys/socket.h>

#include "macro.h"
#include "portspec.h"

#define RANGE_MAX 65536

const char *port_proto_to_string(PortProto p) {
        return p == PORT_PROTO_UDP ? "udp" : "tcp";
}

/* "N" or "N-M", 0 <= N <= M <= 65535, decimal without sign. */
static int parse_range(const char *s, size_t len, unsigned *ret_first, unsigned *ret_last, const char **reason) {
        unsigned v[2] = { 0, 0 };
        size_t k = 0, digits = 0;

        for (size_t i = 0; i < len; i++) {
                char c = s[i];
                if (c >= '0' && c <= '9') {
                        if (++digits > 5) {
                                *reason = "a port is larger than 65535";
                                return -EINVAL;
                        }
                        v[k] = v[k] * 10 + (unsigned) (c - '0');
                } else if (c == '-' && k == 0 && digits > 0) {
                        k = 1;
                        digits = 0;
                } else {
                        *reason = "a port is not a number or a range N-M";
                        return -EINVAL;
                }
        }
        if (digits == 0) {
                *reason = len == 0 ? "a port is missing" : "a port range is missing its end";
                return -EINVAL;
        }
        if (k == 0)
                v[1] = v[0];
        if (v[0] > 65535 || v[1] > 65535) {
                *reason = "a port is larger than 65535";
                return -EINVAL;
        }
        if (v[1] < v[0]) {
                *reason = "a port range ends before it starts";
                return -EINVAL;
        }
        *ret_first = v[0];
        *ret_last = v[1];
        return 0;
}

int portspec_parse(const char *spec, PortForward **forwards, size_t *n, const char **ret_reason) {
        const char *reason = NULL, *p, *slash, *end, *host_port = NULL, *colon;
        PortForward base = { .family = AF_UNSPEC };
        unsigned hfirst = 0, hlast = 0, cfirst, clast;
        size_t host_port_len = 0, count;
        PortForward *l;
        int r = -EINVAL;

        if (!ret_reason)
                ret_reason = &reason;
        if (isempty(spec)) {
                *ret_reason = "the spec is empty";
                return -EINVAL;
        }
        if (strlen(spec) >= PORTSPEC_MAX) {
                *ret_reason = "the spec is too long";
                return -EINVAL;
        }

        /* protocol */
        end = spec + strlen(spec);
        slash = strrchr(spec, '/');
        if (slash) {
                if (streq(slash + 1, "tcp"))
                        base.proto = PORT_PROTO_TCP;
                else if (streq(slash + 1, "udp"))
                        base.proto = PORT_PROTO_UDP;
                else if (streq(slash + 1, "sctp")) {
                        *ret_reason = "sctp is not supported, only tcp and udp";
                        return -EPROTONOSUPPORT;
                } else {
                        *ret_reason = "the protocol is neither tcp nor udp";
                        return -EINVAL;
                }
                end = slash;
        }

        /* host address */
        p = spec;
        if (*p == '[') {
                char a[INET6_ADDRSTRLEN];
                const char *close = memchr(p, ']', (size_t) (end - p));
                if (!close || close[1] != ':') {
                        *ret_reason = "an IPv6 host address must be written [ADDRESS]:HOSTPORT:CONTAINERPORT";
                        return -EINVAL;
                }
                if ((size_t) (close - p - 1) >= sizeof a) {
                        *ret_reason = "the host address is not an IP address";
                        return -EINVAL;
                }
                memcpy(a, p + 1, (size_t) (close - p - 1));
                a[close - p - 1] = 0;
                if (inet_pton(AF_INET6, a, &base.host_addr.in6) != 1) {
                        *ret_reason = "the host address is not an IPv6 address";
                        return -EINVAL;
                }
                base.family = AF_INET6;
                p = close + 2;
                colon = memchr(p, ':', (size_t) (end - p));
                if (!colon) {
                        *ret_reason = "an IPv6 host address must be written [ADDRESS]:HOSTPORT:CONTAINERPORT";
                        return -EINVAL;
                }
                host_port = p;
                host_port_len = (size_t) (colon - p);
                p = colon + 1;
        } else {
                size_t colons = 0;
                for (const char *q = p; q < end; q++)
                        colons += *q == ':';
                if (colons > 2) {
                        *ret_reason = "too many ':' (write an IPv6 host address in brackets: [::1]:8080:80)";
                        return -EINVAL;
                }
                if (colons == 2) {
                        char a[INET_ADDRSTRLEN];
                        size_t len;

                        colon = strchr(p, ':');
                        len = (size_t) (colon - p);
                        if (len < sizeof a) {
                                memcpy(a, p, len);
                                a[len] = 0;
                        }
                        if (len >= sizeof a || inet_pton(AF_INET, a, &base.host_addr.in) != 1) {
                                *ret_reason = "the host address is not an IPv4 address";
                                return -EINVAL;
                        }
                        base.family = AF_INET;
                        p = colon + 1;
                }
                if (colons >= 1) {
                        colon = strchr(p, ':');
                        host_port = p;
                        host_port_len = (size_t) (colon - p);
                        p = colon + 1;
                }
        }

        /* ports */
        r = parse_range(p, (size_t) (end - p), &cfirst, &clast, ret_reason);
        if (r < 0)
                return r;
        if (cfirst == 0) {
                *ret_reason = "the container port is 0";
                return -EINVAL;
        }
        if (host_port && host_port_len > 0) {
                r = parse_range(host_port, host_port_len, &hfirst, &hlast, ret_reason);
                if (r < 0)
                        return r;
                if (hfirst == 0 && hlast != 0) {
                        *ret_reason = "a host port range starts at 0";
                        return -EINVAL;
                }
        }

        if (hfirst != 0 && clast != cfirst && hlast - hfirst != clast - cfirst) {
                *ret_reason = "the host and container port ranges differ in length";
                return -EINVAL;
        }

        count = clast - cfirst + 1;
        if (*n + count > RANGE_MAX * 2) {
                *ret_reason = "too many ports";
                return -EINVAL;
        }
        l = reallocarray(*forwards, *n + count, sizeof *l);
        if (!l)
                return -ENOMEM;
        *forwards = l;
        for (size_t i = 0; i < count; i++) {
                PortForward f = base;
                f.container_port = (uint16_t) (cfirst + i);
                if (hfirst == 0)
                        f.host_port = f.host_port_last = 0;
                else if (count == 1) {
                        /* one container port: the host range is alternatives */
                        f.host_port = (uint16_t) hfirst;
                        f.host_port_last = (uint16_t) hlast;
                } else
                        f.host_port = f.host_port_last = (uint16_t) (hfirst + i);
                l[(*n)++] = f;
        }
        return 0;
}

char *portspec_format(const PortForward *f, char buf[static PORTSPEC_MAX]) {
        char a[INET6_ADDRSTRLEN] = "", hp[16];
        const char *proto = port_proto_to_string(f->proto);

        if (f->host_port_last > f->host_port)
                snprintf(hp, sizeof hp, "%u-%u", f->host_port, f->host_port_last);
        else
                snprintf(hp, sizeof hp, "%u", f->host_port);

        switch (f->family) {
        case AF_INET:
                inet_ntop(AF_INET, &f->host_addr.in, a, sizeof a);
                snprintf(buf, PORTSPEC_MAX, "%s:%s:%u/%s", a, hp, f->container_port, proto);
                break;
        case AF_INET6:
                inet_ntop(AF_INET6, &f->host_addr.in6, a, sizeof a);
                snprintf(buf, PORTSPEC_MAX, "[%s]:%s:%u/%s", a, hp, f->container_port, proto);
                break;
        default:
                snprintf(buf, PORTSPEC_MAX, "%s:%u/%s", hp, f->container_port, proto);
        }
        return buf;
}
