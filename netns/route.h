/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "netlink.h"

/* IPv4 addresses, routes and policy rules over rtnetlink, in the namespace
 * of nl. Addresses in host byte order. */

int route_add_address(Netlink *nl, const char *ifname, uint32_t addr, unsigned prefixlen);

/* default via gateway dev ifname (main table) */
int route_add_default(Netlink *nl, const char *ifname, uint32_t gateway);

/* "local 0.0.0.0/0 dev lo table T": every destination is delivered here. */
int route_add_local_table(Netlink *nl, uint32_t table);

/* "fwmark M lookup T" at priority P (add) or its removal. */
int route_rule_fwmark(Netlink *nl, bool add, uint32_t priority, uint32_t fwmark, uint32_t table);
