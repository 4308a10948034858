/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "hostsock.h"
#include "portspec.h"

/* The published-port forwarder that roost-portfwd runs, one per container.
 *
 *   portfwd_new()       makes one
 *   portfwd_bind()      binds the host sockets, in the HOST network namespace
 *                       (call it there, before joining anything)
 *   (the caller joins the container's network namespace for good: every
 *    socket created afterwards, and only those, lives there; sockets
 *    accepted from the host listeners stay in the host's)
 *   portfwd_run()       forwards until a signal
 *
 * TCP: each accepted connection gets a new socket, created in the
 * container's netns, connected to the container's address and port; bytes
 * move with splice(2) through a pipe each way, half-closes are passed on, a
 * reset on one side resets the other. UDP: each client address gets its own
 * socket in the container's netns (a session), closed after idle seconds
 * without traffic. One thread, one epoll. */

typedef struct Portfwd Portfwd;

typedef struct PortfwdOptions {
        struct in_addr container_addr;  /* where connections go, in the container netns */
        unsigned udp_idle_sec;          /* 0: NETNS_UDP_IDLE_SEC */
        /* the container sees the client's address (portfwd_preserve_source()) */
        bool preserve_source;
        struct in_addr loopback_alias;  /* with preserve_source: what host-loopback clients appear as (the gateway) */
        /* a restart for a running container: a TCP host port in use is taken
         * to be handed over to it already (left alone), not an error */
        bool adopt;
} PortfwdOptions;

int portfwd_new(const PortfwdOptions *o, Portfwd **ret);
void portfwd_free(Portfwd *p);

/* Binds one listener per forward, in the calling thread's netns. A forward
 * with host port 0 gets a free port; with a host range, the first free port
 * of the range. On failure, -errno and a message for the user in
 * *ret_error (malloc'd): the port taken and by whom when we can see it
 * (-EADDRINUSE), the sysctl for ports below
 * net.ipv4.ip_unprivileged_port_start (-EACCES), an address not of this
 * host (-EADDRNOTAVAIL). Listeners bound before the failure stay bound
 * (portfwd_free() closes them). */
int portfwd_bind(Portfwd *p, const PortForward *forwards, size_t n, char **ret_error);
/* With adopt: how many forwards were left to the container. */
size_t portfwd_adopted(Portfwd *p);

/* The forwards as bound (host ports filled in), in the order given. */
const PortForward *portfwd_bound(Portfwd *p, size_t *ret_n);

/* Sets up the container netns (the calling thread must be in it, with
 * CAP_NET_ADMIN over it) so forwarded TCP connections come from the client's
 * address: IP_TRANSPARENT sockets bound to it, marked, and a policy rule
 * sending marked replies back to the local stack (see README.md). */
int portfwd_preserve_source_setup(void);
void portfwd_preserve_source_teardown(void);
/* Turns source preservation on or off for new connections. */
void portfwd_set_preserve_source(Portfwd *p, bool on);

/* Hands published TCP ports over to the container (portfwd-handoff.c): trapped
 * bind() calls arrive through notification fds that the runtime brings to
 * the listening UNIX socket seccomp_fd; h makes the host sockets. Takes
 * both. */
void portfwd_enable_handoff(Portfwd *p, HostSock *h, int seccomp_fd);

/* Forwards until a signal arrives on signal_fd (returns 0). */
int portfwd_run(Portfwd *p, int signal_fd);
