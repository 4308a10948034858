/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IPv4 address management for roost networks: pure functions over a subnet
 * and the set of addresses already taken. Persistence is the caller's (it
 * keeps the leases; these functions only decide). Addresses are uint32_t in
 * host byte order (10.88.0.1 is 0x0a580001).
 *
 * In every network subnet, these are never given to a container: the
 * network and broadcast addresses, the gateway (libslirp's virtual host;
 * also where the host's 127.0.0.1 answers when host loopback is allowed) and
 * the DNS forwarder (ipam_dns_address(); networks without slirp pass 0). */

typedef struct IpamSubnet {
        uint32_t network;
        unsigned prefixlen;
} IpamSubnet;

#define IPAM_PREFIX_MIN 8   /* larger networks would shadow half the Internet */
#define IPAM_PREFIX_MAX 30  /* smaller ones have no room for a container */
#define IPAM_ADDRESS_MAX sizeof("255.255.255.255")
#define IPAM_SUBNET_MAX sizeof("255.255.255.255/32")

/* "a.b.c.d" (exactly four decimal parts): -EINVAL otherwise. */
int ipam_parse_address(const char *s, uint32_t *ret);
/* "a.b.c.d/n", syntax only (0 <= n <= 32): -EINVAL otherwise. */
int ipam_parse_cidr(const char *s, uint32_t *ret_addr, unsigned *ret_prefixlen);
/* A network subnet: -EINVAL bad syntax, -ERANGE prefix outside
 * IPAM_PREFIX_MIN..IPAM_PREFIX_MAX, -EDOM host bits set (write it as
 * ipam_subnet_of(addr, prefixlen) instead). */
int ipam_parse_subnet(const char *s, IpamSubnet *ret);

IpamSubnet ipam_subnet_of(uint32_t addr, unsigned prefixlen);
uint32_t ipam_netmask(unsigned prefixlen);
uint32_t ipam_broadcast(const IpamSubnet *s);
bool ipam_contains(const IpamSubnet *s, uint32_t addr);
bool ipam_overlaps(const IpamSubnet *a, const IpamSubnet *b);

/* 0 when s overlaps none of others; else -EADDRINUSE and, when
 * ret_index is not NULL, the index of the first it overlaps. */
int ipam_check_overlaps(const IpamSubnet *s, const IpamSubnet *others, size_t n, size_t *ret_index);

/* The first host address (10.88.0.1 in 10.88.0.0/16). */
uint32_t ipam_default_gateway(const IpamSubnet *s);
/* 0, or -EDOM outside the subnet, -EADDRNOTAVAIL its network or broadcast address. */
int ipam_check_gateway(const IpamSubnet *s, uint32_t gateway);
/* Where a network's DNS forwarder answers: the last host address of the
 * subnet (10.88.255.254 in 10.88.0.0/16), or the one before it when the
 * gateway is there. Not the gateway itself: libslirp serves only port 53 on
 * its nameserver address, and the gateway must reach host loopback. */
uint32_t ipam_dns_address(const IpamSubnet *s, uint32_t gateway);

/* Picks a container address. requested 0: the lowest free host address,
 * -ENOSPC when there is none. Else requested itself: -EDOM outside the
 * subnet, -EADDRNOTAVAIL when reserved (network, broadcast, gateway, dns),
 * -EADDRINUSE when in taken. taken may hold addresses outside the subnet
 * and duplicates (ignored). dns 0: none reserved. */
int ipam_allocate(const IpamSubnet *s, uint32_t gateway, uint32_t dns,
                  const uint32_t *taken, size_t n_taken, uint32_t requested, uint32_t *ret);

/* A subnet for a network created without --subnet: the first of
 * 10.89.0.0/24, 10.89.1.0/24 ... 10.89.255.0/24 that overlaps none of used
 * (pass the other networks' subnets and the host's own, see
 * netns_host_subnets()). -ENOSPC when all are taken. */
int ipam_next_subnet(const IpamSubnet *used, size_t n, IpamSubnet *ret);

/* Formatting into caller buffers; each returns buf. */
char *ipam_format_address(uint32_t addr, char buf[static IPAM_ADDRESS_MAX]);
char *ipam_format_subnet(const IpamSubnet *s, char buf[static IPAM_SUBNET_MAX]);
