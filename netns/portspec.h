/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Published-port specs, docker's -p syntax:
 *
 *   [hostip:][hostport:]containerport[/tcp|/udp]
 *
 * hostip is IPv4 or a bracketed IPv6 ([::1]); without it the port is
 * published on every address, IPv4 and IPv6. hostport empty or 0: any free
 * port. Ports may be ranges (8000-8009): a host range and a container range
 * of the same length pair up one to one; a host range with one container
 * port means "any one free port of that range". */

typedef enum PortProto {
        PORT_PROTO_TCP,
        PORT_PROTO_UDP,
} PortProto;

typedef struct PortForward {
        PortProto proto;
        /* AF_INET, AF_INET6, or AF_UNSPEC: every address (dual stack) */
        int family;
        union {
                struct in_addr in;
                struct in6_addr in6;
        } host_addr;
        uint16_t host_port;      /* 0: any free port */
        uint16_t host_port_last; /* > host_port: any one of host_port..host_port_last */
        uint16_t container_port;
} PortForward;

/* Room for "[ffff:...:ffff]:65535-65535:65535/udp". */
#define PORTSPEC_MAX 80

/* Parses one spec and appends its forwards (ranges expanded) to *forwards
 * (realloc'd; *n counts them). -EINVAL on a bad spec, with *ret_reason (may
 * be NULL) set to a static phrase saying what is wrong; -EPROTONOSUPPORT
 * for a protocol other than tcp/udp. */
int portspec_parse(const char *spec, PortForward **forwards, size_t *n, const char **ret_reason);

/* The spec of one forward, which portspec_parse reads back:
 * "127.0.0.1:8080:80/tcp", "[::1]:8080:80/udp", "8080:80/tcp" (every
 * address), "8000-8009:80/tcp" (any one of a range). */
char *portspec_format(const PortForward *f, char buf[static PORTSPEC_MAX]);

const char *port_proto_to_string(PortProto p);
