/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "macro.h"

/* A route netlink socket. It stays bound to the network namespace the
 * calling thread was in when it was opened, whatever namespace the thread
 * moves to later: open one per namespace to work in several. */
typedef struct Netlink Netlink;

/* Room for any request roost builds (see nlmsg.h). */
#define NETLINK_BUF_SIZE 4096

int netlink_open(Netlink **ret);
/* Opens one in the network namespace netns_fd, and returns the calling
 * thread to return_netns_fd (both must be namespaces we may join). */
int netlink_open_in(int netns_fd, int return_netns_fd, Netlink **ret);
Netlink *netlink_free(Netlink *nl);
static inline void netlink_freep(Netlink **nl) {
        netlink_free(*nl);
}
#define _cleanup_netlink_ _cleanup_(netlink_freep)

/* Called for each reply message (RTM_NEW* of a dump or an echo). */
typedef int (*NetlinkReplyFunc)(const struct nlmsghdr *nlh, void *userdata);

/* Sends req (NLM_F_ACK is added) and reads until its acknowledgement or the
 * end of the dump. Returns the kernel's negative errno on failure. */
int netlink_call(Netlink *nl, struct nlmsghdr *req, NetlinkReplyFunc cb, void *userdata);
