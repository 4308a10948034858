/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

/* The content of a container's /etc/hosts and /etc/resolv.conf. */

typedef struct HostsEntry {
        const char *address;   /* IPv4 or IPv6, textual */
        const char *names;     /* one or more names, space-separated */
} HostsEntry;

typedef struct HostsParams {
        const char *hostname;           /* the container's hostname (required) */
        const char *name;               /* its name; NULL or == hostname: left out */
        const char *address;            /* its address on its first network; NULL (--network none): 127.0.1.1 */
        const HostsEntry *add_hosts;    /* --add-host entries, in the order given */
        size_t n_add_hosts;
        const char *host_gateway;       /* NULL, or the address of NETNS_HOST_ALIAS (host loopback allowed) */
        const HostsEntry *peers;        /* the other containers on its networks (name and aliases) */
        size_t n_peers;
} HostsParams;

/* Lines: localhost (IPv4, IPv6), the --add-host entries, the container's own
 * address with its hostname and name, host.roost.internal, then the peers.
 * A name resolves to its first line, so --add-host wins over a peer of the
 * same name. -EINVAL (nothing rendered) when an address is not an IP address
 * or a name has characters a hostname cannot have (anything but letters,
 * digits, '.', '-', '_'), so nothing can inject lines. */
int hosts_render(const HostsParams *p, char **ret);

/* Parses --add-host "NAME:ADDRESS" (ADDRESS may be IPv6, or "host-gateway",
 * which becomes host_gateway; -EADDRNOTAVAIL when host_gateway is NULL).
 * The strings are malloc'd into *ret_name and *ret_address. -EINVAL on a
 * bad name or address. */
int hosts_parse_add_host(const char *s, const char *host_gateway, char **ret_name, char **ret_address);

typedef struct ResolvParams {
        const char *const *nameservers; /* NULL-terminated: --dns, else the network's DNS forwarder */
        const char *const *search;      /* --dns-search, may be NULL */
        const char *const *options;     /* --dns-option, may be NULL */
} ResolvParams;

/* "nameserver" lines (at most 3 are read by glibc and musl: more are
 * written but warned about by the caller if it cares), "search", "options".
 * -EINVAL when a nameserver is not an IP address or a word has white space. */
int resolv_render(const ResolvParams *p, char **ret);

/* Replaces the content of the file at dirfd/path (created 0644 if missing)
 * in place: truncate, then write. Never through a rename: the file is
 * bind-mounted into a running container, which would keep seeing the old
 * inode. Does not follow a symlink at the last component. */
int hosts_file_rewrite(int dirfd, const char *path, const char *content);
