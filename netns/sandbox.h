/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Seccomp filters for roost's network helpers, applied once set-up is done
 * (with no_new_privs). Everything not listed fails with EPERM. */

/* roost-slirp: sockets of AF_INET/AF_INET6 only, I/O, poll, time, memory,
 * reading files (libslirp reads /etc/resolv.conf for its DNS forwarder) but
 * no open for writing or creating, no other file system changes, no
 * exec/fork, no namespace or mount calls, no ptrace. */
int sandbox_apply_uplink(void);
