/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "netlink.h"
#include "nlmsg.h"

/* Interface configuration over rtnetlink (libmnl). The functions taking a
 * Netlink act in the namespace that socket was opened in; the others in the
 * namespace of the calling thread. Errors are the kernel's negative errno;
 * an unknown interface name is -ENODEV. */

/* Brings ifname up, in the calling thread's network namespace. */
int link_set_up(const char *ifname);

int link_get_index(Netlink *nl, const char *name, int *ret_ifindex);
int link_change(Netlink *nl, const char *name, const LinkChange *c);
int link_up(Netlink *nl, const char *name);
int link_delete(Netlink *nl, const char *name);

/* A bridge, up. -EEXIST when the name is taken. */
int link_create_bridge(Netlink *nl, const char *name, uint32_t mtu);

/* A veth pair: name in nl's namespace, attached to bridge (NULL: none) and
 * up; peer_name in peer_netns_fd (down: configure it there). */
int link_create_veth(Netlink *nl, const char *name, const char *bridge,
                     const char *peer_name, int peer_netns_fd, uint32_t mtu);

typedef struct LinkInfo {
        int ifindex;
        char name[16];
        char kind[16];          /* "bridge", "veth", "tun"... ("" when none) */
        int master_ifindex;     /* 0: not on a bridge */
        uint32_t mtu;
        bool up;
} LinkInfo;

int link_get(Netlink *nl, const char *name, LinkInfo *ret);

/* Every interface, in index order; *ret is malloc'd. */
int link_list(Netlink *nl, LinkInfo **ret, size_t *ret_n);
