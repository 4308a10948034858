/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "ipam.h"

/* The libslirp uplink of one roost network, as roost-slirp runs it: frames
 * from the tap (a port of the network's bridge in the detached netns) go
 * into libslirp, whose virtual network is the network's subnet, so its
 * virtual host is the containers' gateway and it opens real sockets in the
 * host network namespace for them. */

typedef struct UplinkConfig {
        IpamSubnet subnet;
        uint32_t gateway;       /* libslirp's virtual host */
        uint32_t dns;           /* its DNS forwarder (to the host's resolv.conf servers) */
        uint32_t mtu;
        /* connections to the gateway reach the host's 127.0.0.1 */
        bool allow_host_loopback;
} UplinkConfig;

typedef struct Uplink Uplink;

int uplink_new(int tap_fd, const UplinkConfig *c, Uplink **ret);
void uplink_free(Uplink *u);

/* Moves frames and connections until a signal arrives on signal_fd (a
 * signalfd; returns 0) or the tap fails (negative errno: the bridge or the
 * whole detached netns is gone). */
int uplink_run(Uplink *u, int signal_fd);
