/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

/* The bridges of roost networks and the network namespaces of containers.
 *
 * Every function here runs in the namespace holder's user, mount AND network
 * namespaces: the calling thread's network namespace is the detached one
 * (where bridges and host-side veths live), its mount namespace is the one
 * where the container namespaces are pinned and crun runs. roostd gets
 * there with nsexec_run(d, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET, ...),
 * or runs `roost-netns --holder PID ...`. The thread is back in the
 * detached netns when they return.
 *
 * runtime_dir is $XDG_RUNTIME_DIR/roost; a container's namespace is pinned
 * by a bind mount at runtime_dir/netns.d/<id>. Container IDs are 1..64
 * characters of [A-Za-z0-9_.-], not starting with '.'; their first 12
 * characters name the host-side veths ("r<id12>-<n>" for eth<n>), so two
 * containers must not share them (roost's 64-hex IDs do not). */

typedef struct NetnsAttach {
        const char *bridge;     /* the network's bridge */
        uint32_t address;       /* the container's address (ipam_allocate), host byte order */
        unsigned prefixlen;     /* the network's prefix length */
        uint32_t gateway;       /* default route via it; 0: no default route (internal network) */
} NetnsAttach;

/* Creates the bridge of a network (MTU NETNS_MTU, up), or, when it exists,
 * makes sure it is a bridge and up. -ENOTUNIQ when the name is taken by an
 * interface that is not a bridge. */
int netns_network_up(const char *bridge);

/* Deletes the bridge; 0 when it is already gone. Veths still on it stay
 * (detached): remove the containers first (the caller refuses to remove a
 * network in use). */
int netns_network_down(const char *bridge);

/* The path of a container's pinned namespace (malloc'd). */
int netns_container_path(const char *runtime_dir, const char *id, char **ret);

/* Makes a container's network namespace: a new one, pinned at
 * netns_container_path(), lo up, net.ipv4.ping_group_range "0 2147483647"
 * and net.ipv4.ip_unprivileged_port_start 0 (as docker sets them), and
 * when first is not NULL eth0 on first->bridge (see netns_container_connect).
 * On failure nothing is left behind. -EEXIST when the path already pins one. */
int netns_container_create(const char *runtime_dir, const char *id, const NetnsAttach *first);

/* Attaches another network: a veth "r<id12>-<n>" on a->bridge in the
 * detached netns, its peer eth<n> in the container (the lowest n free), with
 * a->address/a->prefixlen, up, MTU NETNS_MTU, and the default route via
 * a->gateway when a->gateway is set and the container has none yet. Returns
 * the interface name in ret_ifname (IFNAMSIZ bytes, or NULL). -ENOENT when the
 * container has no namespace, -ENODEV when the bridge does not exist. */
int netns_container_connect(const char *runtime_dir, const char *id, const NetnsAttach *a,
                            char *ret_ifname);

/* Detaches a network: deletes the veth pair of ifname ("eth1"). -ENODEV
 * when the container has no such interface. */
int netns_container_disconnect(const char *runtime_dir, const char *id, const char *ifname);

/* Removes a container's networking: its host-side veths go down and off
 * their bridges at once; the bind mount and the file go. The namespace, and
 * with it the veth pairs, is freed by the kernel (asynchronously, within
 * moments) once no process is left in it; the caller destroys after the
 * container has exited. Deleting the veths here instead would cost an RCU
 * grace period each (20-50 ms). 0 when there was nothing to remove. */
int netns_container_destroy(const char *runtime_dir, const char *id);

/* Does id name a container ID the functions above accept? */
bool netns_id_valid(const char *id);

/* The host-side veth name of id's eth<n>. -EINVAL for an invalid id. */
int netns_veth_name(const char *id, unsigned n, char ret[static IFNAMSIZ]);
