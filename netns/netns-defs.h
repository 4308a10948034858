/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Names and defaults of roost's networking, each in one place. */

/* Every link roost makes (bridge, veths, slirp tap) and libslirp's virtual
 * interface use this MTU: the largest a tap moves in one write, so bulk TCP
 * through slirp needs the fewest packets. */
#define NETNS_MTU 65520

/* The default network. */
#define NETNS_DEFAULT_NETWORK "roost"
#define NETNS_DEFAULT_SUBNET "10.88.0.0/16"
#define NETNS_DEFAULT_BRIDGE "roost0"

/* Subnets picked for user networks without --subnet: 10.89.N.0/24. */
#define NETNS_AUTO_SUBNET_BASE "10.89.0.0"
#define NETNS_AUTO_SUBNET_PREFIX 24

/* Under $XDG_RUNTIME_DIR/roost, in the holder's mount namespace: one file
 * per container, the bind mount that pins its network namespace. */
#define NETNS_CONTAINER_DIR "netns.d"

/* The slirp tap in the detached netns: the kernel numbers it (rslirp0,
 * rslirp1...), so a restarted roost-slirp never waits for its
 * predecessor's tap to go. */
#define NETNS_TAP_TEMPLATE "rslirp%d"

/* Host-side veths in the detached netns: "r" + a prefix of the container ID
 * + "-" + the container-side interface number (eth0 -> r<id>-0). */
#define NETNS_VETH_PREFIX "r"

/* The name containers use for the host when host loopback is allowed. */
#define NETNS_HOST_ALIAS "host.roost.internal"

/* Idle UDP sessions of roost-portfwd end after this many seconds. */
#define NETNS_UDP_IDLE_SEC 60
