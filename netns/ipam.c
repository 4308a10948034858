/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipam.h"
#include "netns-defs.h"

/* One decimal number 0..max with no sign, no leading zeros (they read as
 * octal to inet_aton, so they are refused rather than guessed), at most
 * three digits; *p advances past it. */
static int parse_decimal(const char **p, unsigned max, unsigned *ret) {
        const char *s = *p;
        unsigned v = 0;
        size_t n = 0;

        while (s[n] >= '0' && s[n] <= '9') {
                if (n == 3)
                        return -EINVAL;
                v = v * 10 + (unsigned) (s[n] - '0');
                n++;
        }
        if (n == 0 || (n > 1 && s[0] == '0') || v > max)
                return -EINVAL;
        *p = s + n;
        *ret = v;
        return 0;
}

static int parse_address_prefix(const char **p, uint32_t *ret) {
        uint32_t a = 0;

        for (int i = 0; i < 4; i++) {
                unsigned octet;
                if (i > 0) {
                        if (**p != '.')
                                return -EINVAL;
                        (*p)++;
                }
                if (parse_decimal(p, 255, &octet) < 0)
                        return -EINVAL;
                a = a << 8 | octet;
        }
        *ret = a;
        return 0;
}

int ipam_parse_address(const char *s, uint32_t *ret) {
        uint32_t a;

        if (!s || parse_address_prefix(&s, &a) < 0 || *s)
                return -EINVAL;
        *ret = a;
        return 0;
}

int ipam_parse_cidr(const char *s, uint32_t *ret_addr, unsigned *ret_prefixlen) {
        unsigned prefixlen;
        uint32_t a;

        if (!s || parse_address_prefix(&s, &a) < 0 || *s != '/')
                return -EINVAL;
        s++;
        if (parse_decimal(&s, 32, &prefixlen) < 0 || *s)
                return -EINVAL;
        *ret_addr = a;
        *ret_prefixlen = prefixlen;
        return 0;
}

uint32_t ipam_netmask(unsigned prefixlen) {
        return prefixlen == 0 ? 0 : prefixlen >= 32 ? ~0U : ~0U << (32 - prefixlen);
}

IpamSubnet ipam_subnet_of(uint32_t addr, unsigned prefixlen) {
        return (IpamSubnet) { addr & ipam_netmask(prefixlen), prefixlen };
}

int ipam_parse_subnet(const char *s, IpamSubnet *ret) {
        unsigned prefixlen;
        uint32_t a;
        int r;

        r = ipam_parse_cidr(s, &a, &prefixlen);
        if (r < 0)
                return r;
        if (prefixlen < IPAM_PREFIX_MIN || prefixlen > IPAM_PREFIX_MAX)
                return -ERANGE;
        if (a & ~ipam_netmask(prefixlen))
                return -EDOM;
        *ret = (IpamSubnet) { a, prefixlen };
        return 0;
}

uint32_t ipam_broadcast(const IpamSubnet *s) {
        return s->network | ~ipam_netmask(s->prefixlen);
}

bool ipam_contains(const IpamSubnet *s, uint32_t addr) {
        return (addr & ipam_netmask(s->prefixlen)) == s->network;
}

bool ipam_overlaps(const IpamSubnet *a, const IpamSubnet *b) {
        /* two prefixes overlap exactly when the shorter one contains the other */
        unsigned p = a->prefixlen < b->prefixlen ? a->prefixlen : b->prefixlen;
        uint32_t m = ipam_netmask(p);
        return (a->network & m) == (b->network & m);
}

int ipam_check_overlaps(const IpamSubnet *s, const IpamSubnet *others, size_t n, size_t *ret_index) {
        for (size_t i = 0; i < n; i++)
                if (ipam_overlaps(s, &others[i])) {
                        if (ret_index)
                                *ret_index = i;
                        return -EADDRINUSE;
                }
        return 0;
}

uint32_t ipam_default_gateway(const IpamSubnet *s) {
        return s->network + 1;
}

int ipam_check_gateway(const IpamSubnet *s, uint32_t gateway) {
        if (!ipam_contains(s, gateway))
                return -EDOM;
        if (gateway == s->network || gateway == ipam_broadcast(s))
                return -EADDRNOTAVAIL;
        return 0;
}

uint32_t ipam_dns_address(const IpamSubnet *s, uint32_t gateway) {
        uint32_t last = ipam_broadcast(s) - 1;
        return last == gateway ? last - 1 : last;
}

static bool is_reserved(const IpamSubnet *s, uint32_t gateway, uint32_t dns, uint32_t a) {
        return a == s->network || a == ipam_broadcast(s) || a == gateway || (dns != 0 && a == dns);
}

static int cmp_u32(const void *a, const void *b) {
        uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
        return x < y ? -1 : x > y;
}

int ipam_allocate(const IpamSubnet *s, uint32_t gateway, uint32_t dns,
                  const uint32_t *taken, size_t n_taken, uint32_t requested, uint32_t *ret) {
        uint32_t *sorted, a, last;
        size_t i;

        if (requested != 0) {
                if (!ipam_contains(s, requested))
                        return -EDOM;
                if (is_reserved(s, gateway, dns, requested))
                        return -EADDRNOTAVAIL;
                for (i = 0; i < n_taken; i++)
                        if (taken[i] == requested)
                                return -EADDRINUSE;
                *ret = requested;
                return 0;
        }

        /* walk the host addresses upwards beside the sorted taken ones */
        sorted = malloc((n_taken ?: 1) * sizeof *sorted);
        if (!sorted)
                return -ENOMEM;
        if (n_taken > 0)
                memcpy(sorted, taken, n_taken * sizeof *sorted);
        qsort(sorted, n_taken, sizeof *sorted, cmp_u32);

        last = ipam_broadcast(s) - 1;
        i = 0;
        for (a = s->network + 1; a <= last; a++) {
                while (i < n_taken && sorted[i] < a)
                        i++;
                if (i < n_taken && sorted[i] == a)
                        continue;
                if (is_reserved(s, gateway, dns, a))
                        continue;
                free(sorted);
                *ret = a;
                return 0;
        }
        free(sorted);
        return -ENOSPC;
}

int ipam_next_subnet(const IpamSubnet *used, size_t n, IpamSubnet *ret) {
        uint32_t base;

        if (ipam_parse_address(NETNS_AUTO_SUBNET_BASE, &base) < 0)
                return -EINVAL;
        for (uint32_t i = 0; i < 256; i++) {
                IpamSubnet c = { base + (i << (32 - NETNS_AUTO_SUBNET_PREFIX)), NETNS_AUTO_SUBNET_PREFIX };
                if (ipam_check_overlaps(&c, used, n, NULL) == 0) {
                        *ret = c;
                        return 0;
                }
        }
        return -ENOSPC;
}

char *ipam_format_address(uint32_t addr, char buf[static IPAM_ADDRESS_MAX]) {
        snprintf(buf, IPAM_ADDRESS_MAX, "%u.%u.%u.%u",
                 addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff, addr & 0xff);
        return buf;
}

char *ipam_format_subnet(const IpamSubnet *s, char buf[static IPAM_SUBNET_MAX]) {
        char a[IPAM_ADDRESS_MAX];
        snprintf(buf, IPAM_SUBNET_MAX, "%s/%u", ipam_format_address(s->network, a), s->prefixlen);
        return buf;
}
