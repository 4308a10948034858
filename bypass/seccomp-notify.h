/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <linux/audit.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/* The supervisor side of seccomp user notification, as an OCI runtime hands
 * it over (linux.seccomp.listenerPath): the runtime connects to a UNIX
 * socket, sends the container state as JSON and the notification fd with
 * SCM_RIGHTS, once per filter it loads (create, and each exec).
 *
 *   bypass_listener_bind()   the socket the runtime connects to (0600)
 *   bypass_listener_take()   one connection: the notification fd
 *   bypass_call_recv()       one trapped call, with bind()'s address read
 *                            from the caller's memory
 *   bypass_call_continue()   let the call run as the caller made it
 *   bypass_call_fail()       fail it with an errno
 *   bypass_call_replace()    put our socket at the caller's fd number (in
 *                            place of the one it passed) and return 0
 *
 * The caller is never trusted: its address is copied once, bounded, and the
 * notification is checked to be still alive after the copy (the PID may
 * have been reused); decisions use the copy only. */

/* The audit architecture of our own ABI (seccomp_data.arch); 0 where
 * bypass does not know it, and handles no call. */
#if defined(__x86_64__)
#define BYPASS_NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define BYPASS_NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#define BYPASS_NATIVE_ARCH 0
#endif

typedef struct BypassCall {
        uint64_t id;
        pid_t pid;              /* the calling thread, in our PID namespace */
        int nr;                 /* the system call (-1: not of our own ABI) */
        uint64_t args[6];
        /* bind(): the address the caller passed (addr_len 0 when unreadable) */
        struct sockaddr_storage addr;
        socklen_t addr_len;
} BypassCall;

int bypass_listener_bind(const char *path, int *ret_fd);
/* Accepts one runtime connection on listen_fd and returns its notification
 * fd (O_CLOEXEC). -EAGAIN when none is waiting; -EBADMSG when the peer sent
 * no fd or one that is not a seccomp notification fd. */
int bypass_listener_take(int listen_fd, int *ret_notify_fd);

/* -ENOENT when the caller went away before we read it. */
int bypass_call_recv(int notify_fd, BypassCall *ret);
int bypass_call_continue(int notify_fd, const BypassCall *c);
int bypass_call_fail(int notify_fd, const BypassCall *c, int error);
int bypass_call_replace(int notify_fd, const BypassCall *c, int target_fd, int src_fd);

/* A duplicate of the caller's descriptor fd (pidfd_getfd), O_CLOEXEC. */
int bypass_caller_fd(const BypassCall *c, int fd, int *ret);
/* Whether the caller's descriptor fd is close-on-exec (from its fdinfo). */
int bypass_caller_fd_cloexec(const BypassCall *c, int fd, bool *ret);

/* Copies the socket options a server sets before bind() (address reuse,
 * IPV6_V6ONLY, keepalive, TCP_NODELAY, TCP_DEFER_ACCEPT, TCP_FASTOPEN, ...)
 * and the file status flags (O_NONBLOCK) from one socket to another; what
 * `from` does not have is left alone. */
void bypass_copy_socket_options(int from, int to);
