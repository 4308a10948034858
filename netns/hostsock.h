/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Sockets in the host network namespace for a process whose main thread
 * leaves it (roost-portfwd joins the container's netns for good, and cannot
 * come back: the host netns belongs to the initial user namespace). A
 * thread started before the main thread moves stays behind and makes them:
 * a socket belongs to the netns of the thread that creates it, and the fd
 * is the whole process's.
 *
 * Start it after the last setns() that needs a single-threaded process
 * (user and mount namespaces) and before the one of the network. */

typedef struct HostSock HostSock;

int hostsock_start(HostSock **ret);
/* socket(family, type | SOCK_CLOEXEC, 0) in the host netns; -errno. */
int hostsock_socket(HostSock *h, int family, int type, int *ret_fd);
/* Ends the thread. */
void hostsock_free(HostSock *h);
