/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stddef.h>

#include "ipam.h"

/* The IPv4 subnets the calling thread's network namespace routes to (the
 * main table, default route left out): what a new roost network must not
 * overlap, or containers could not reach those hosts. roostd calls it in the
 * host netns and passes the result to ipam_next_subnet() and
 * ipam_check_overlaps() along with the other networks' subnets. *ret is
 * malloc'd. */
int netns_host_subnets(IpamSubnet **ret, size_t *ret_n);
