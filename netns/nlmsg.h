/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>

/* Builders of the rtnetlink requests roost sends. Each writes one request
 * into buf (NETLINK_BUF_SIZE bytes, aligned like a struct nlmsghdr) and
 * returns its header; nothing is sent. Interfaces are named by index, except
 * where the request creates or looks up a name. Addresses are IPv4, in host
 * byte order. Pure, so the unit tests can take them apart. */

/* RTM_NEWLINK (create, exclusive) of a bridge with STP off and no forward
 * delay, so a new port forwards at once. */
struct nlmsghdr *nlmsg_new_bridge(void *buf, const char *name, uint32_t mtu);

/* RTM_NEWLINK (create, exclusive) of a veth pair: name here, attached to
 * master_ifindex (0: none); peer created directly in the network namespace
 * peer_netns_fd (-1: here) under peer_name. Both get mtu. */
struct nlmsghdr *nlmsg_new_veth(void *buf, const char *name, int master_ifindex,
                                const char *peer_name, int peer_netns_fd, uint32_t mtu);

/* What nlmsg_set_link changes; zero/NULL/-1 fields are left alone. */
typedef struct LinkChange {
        bool up;
        bool down;
        bool nomaster;       /* detach from its bridge */
        uint32_t mtu;
        int master_ifindex;  /* > 0: attach to that bridge */
        const char *name;    /* rename */
        int netns_fd;        /* >= 0: move into that network namespace */
} LinkChange;
#define LINK_CHANGE_NULL ((LinkChange) { .netns_fd = -1 })

/* RTM_NEWLINK on an existing interface (no create flags). */
struct nlmsghdr *nlmsg_set_link(void *buf, int ifindex, const LinkChange *c);

/* RTM_DELLINK */
struct nlmsghdr *nlmsg_del_link(void *buf, int ifindex);

/* RTM_GETLINK of one interface by name, or a dump of all (name NULL). */
struct nlmsghdr *nlmsg_get_link(void *buf, const char *name);

/* RTM_GETROUTE: a dump of the IPv4 routes of every table. */
struct nlmsghdr *nlmsg_get_routes4(void *buf);

/* RTM_NEWADDR: addr/prefixlen on ifindex, with its broadcast address. */
struct nlmsghdr *nlmsg_add_addr4(void *buf, int ifindex, uint32_t addr, unsigned prefixlen);

/* RTM_NEWROUTE in table, to dst/dst_len (0/0: default) via gateway (0: on
 * link) out of ifindex. type RTN_LOCAL with dst 0/0 makes "every address is
 * ours" tables for policy routing. */
struct nlmsghdr *nlmsg_add_route4(void *buf, uint32_t table, uint8_t type, uint32_t dst, unsigned dst_len,
                                  uint32_t gateway, int ifindex);

/* RTM_NEWRULE / RTM_DELRULE: packets with fwmark go to table, at priority. */
struct nlmsghdr *nlmsg_rule4(void *buf, bool add, uint32_t priority, uint32_t fwmark, uint32_t table);
