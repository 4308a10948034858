/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <net/if.h>
#include <stdint.h>
#include <sys/types.h>

/* Creates a tap device (IFF_TAP | IFF_NO_PI, named by the kernel from
 * NETNS_TAP_TEMPLATE) in the network namespace of holder_pid, with MTU mtu,
 * attached to bridge and up, and returns its file descriptor (non-blocking,
 * close-on-exec) and its name. The work that needs the holder's user and
 * network namespaces happens in a short-lived child, which hands the fd back
 * over SCM_RIGHTS: the caller itself stays in its own namespaces. The tap
 * disappears when the fd is closed. -ENODEV when bridge does not exist. */
int tap_create_in_holder(pid_t holder_pid, const char *bridge, uint32_t mtu,
                         int *ret_fd, char ret_name[static IFNAMSIZ]);
