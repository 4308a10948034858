/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Who holds a local port, for "already in use" messages, from
 * /proc/net/{tcp,tcp6,udp,udp6} of the calling thread's network namespace
 * and the fds of the processes we can see: "python3 (PID 1234)", "a process
 * of user alice", or "a program of yours (the socket is held but its process
 * is not visible)". Returns -ENOENT when no socket holds the port. */
int port_owner_describe(bool udp, uint16_t port, char **ret);
