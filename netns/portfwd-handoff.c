/* SPDX-License-Identifier: Apache-2.0 */
/* The handoff of published TCP ports (README.md, "Handoff"). The
 * container's seccomp filter traps bind(). When the container binds a TCP
 * port published here (on any address, or its own), it is given a socket
 * made in the host netns, bound to the host port, in place of its own: host
 * clients then connect straight to the container's process, with no
 * forwarding hop. Anything else runs as the container asked. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "log.h"
#include "portfwd-internal.h"

void portfwd_enable_handoff(Portfwd *p, HostSock *h, int seccomp_fd) {
        p->hostsock = h;
        p->seccomp_fd = seccomp_fd;
}

void portfwd_handoff_accept(Portfwd *p) {
        for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
                Notifier *n;
                int fd, r;

                r = bypass_listener_take(p->seccomp_fd, &fd);
                if (r == -EAGAIN)
                        return;
                if (r < 0) {
                        log_warning_errno(r, "The runtime's connection brought no seccomp notification fd: %m");
                        continue;
                }
                n = calloc(1, sizeof *n);
                if (!n) {
                        safe_close(fd);
                        return;
                }
                n->tag.type = TAG_NOTIFY;
                n->fd = fd;
                if (portfwd_watch_fixed(p, fd, &n->tag) < 0) {
                        safe_close(fd);
                        free(n);
                        continue;
                }
                n->next = p->notifiers;
                p->notifiers = n;
        }
}

static void notifier_free(Portfwd *p, Notifier *n) {
        for (Notifier **i = &p->notifiers; *i; i = &(*i)->next)
                if (*i == n) {
                        *i = n->next;
                        break;
                }
        safe_close(n->fd);
        free(n);
}

/* The port of a bind() to every address or the container's own; 0 for any
 * other (a loopback-only server is not published). */
static uint16_t handoff_port(const Portfwd *p, const BypassCall *c) {
        if (c->addr.ss_family == AF_INET && c->addr_len >= sizeof(struct sockaddr_in)) {
                const struct sockaddr_in *sin = (const struct sockaddr_in *) &c->addr;
                if (sin->sin_addr.s_addr == htonl(INADDR_ANY) || sin->sin_addr.s_addr == p->o.container_addr.s_addr)
                        return ntohs(sin->sin_port);
        } else if (c->addr.ss_family == AF_INET6 && c->addr_len >= sizeof(struct sockaddr_in6)) {
                const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) &c->addr;
                const struct in6_addr *a = &sin6->sin6_addr;
                if (IN6_IS_ADDR_UNSPECIFIED(a) ||
                    (IN6_IS_ADDR_V4MAPPED(a) && memcmp(&a->s6_addr[12], &p->o.container_addr, 4) == 0))
                        return ntohs(sin6->sin6_port);
        }
        return 0;
}

/* The one TCP forward to this container port (with two host ports for it,
 * only forwarding serves both). */
static Listener *handoff_listener(Portfwd *p, uint16_t port) {
        Listener *found = NULL;

        for (size_t i = 0; i < p->n_listeners; i++) {
                Listener *l = p->listeners[i];
                if (l->f.proto != PORT_PROTO_TCP || l->f.container_port != port)
                        continue;
                if (found)
                        return NULL;
                found = l;
        }
        return found;
}

/* The forward's host address and port in the caller's family. */
static bool handoff_host_address(const PortForward *f, int family, struct sockaddr_storage *ret, socklen_t *ret_len) {
        memset(ret, 0, sizeof *ret);
        if (family == AF_INET) {
                struct sockaddr_in *sin = (struct sockaddr_in *) ret;
                if (f->family == AF_INET6)
                        return false;
                sin->sin_family = AF_INET;
                sin->sin_port = htons(f->host_port);
                sin->sin_addr.s_addr = f->family == AF_INET ? f->host_addr.in.s_addr : htonl(INADDR_ANY);
                *ret_len = sizeof *sin;
                return true;
        }
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ret;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(f->host_port);
        if (f->family == AF_INET6)
                sin6->sin6_addr = f->host_addr.in6;
        else if (f->family == AF_INET) {
                sin6->sin6_addr.s6_addr[10] = sin6->sin6_addr.s6_addr[11] = 0xff;
                memcpy(&sin6->sin6_addr.s6_addr[12], &f->host_addr.in, 4);
        }
        *ret_len = sizeof *sin6;
        return true;
}

/* Where clients in the container netns reach the handed-over socket: its
 * address, host loopback when it listens on every address. */
static void handoff_set_dst(Listener *l, const struct sockaddr_storage *host, socklen_t len) {
        struct sockaddr_in *v4 = (struct sockaddr_in *) &l->handoff_dst;
        const struct in6_addr *a6 = &((const struct sockaddr_in6 *) host)->sin6_addr;
        uint16_t port = htons(l->f.host_port);

        if (host->ss_family == AF_INET6 && !IN6_IS_ADDR_UNSPECIFIED(a6) && !IN6_IS_ADDR_V4MAPPED(a6)) {
                l->handoff_dst = *host;
                l->handoff_dst_len = len;
                return;
        }
        memset(&l->handoff_dst, 0, sizeof l->handoff_dst);
        v4->sin_family = AF_INET;
        v4->sin_port = port;
        if (host->ss_family == AF_INET)
                v4->sin_addr = ((const struct sockaddr_in *) host)->sin_addr;
        else if (IN6_IS_ADDR_V4MAPPED(a6))
                memcpy(&v4->sin_addr, &a6->s6_addr[12], 4);
        if (v4->sin_addr.s_addr == htonl(INADDR_ANY))
                v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        l->handoff_dst_len = sizeof *v4;
}

/* Forwarding from the host again, after a handoff that did not happen. */
static void handoff_restore(Portfwd *p, Listener *l) {
        int fd, r;

        if (l->fd >= 0)
                return;
        r = portfwd_bind_one(p, &l->f, l->f.host_port, &fd);
        if (r < 0) {
                log_debug_errno(r, "Host port %u not forwarded again: %m", l->f.host_port);
                return;
        }
        l->fd = fd;
        if (portfwd_watch_fixed(p, fd, &l->tag) < 0)
                l->fd = safe_close(l->fd);
}

/* Clients in the container netns come in on the address the container
 * asked for. */
static void handoff_reverse_listen(Portfwd *p, Listener *l, const struct sockaddr_storage *addr, socklen_t len) {
        _cleanup_close_ int fd = -EBADF;
        int one = 1, zero = 0;

        if (l->reverse_fd >= 0)
                return;
        fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
            (addr->ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) < 0) ||
            bind(fd, (const struct sockaddr *) addr, len) < 0 || listen(fd, SOMAXCONN) < 0) {
                log_warning_errno(errno, "Port %u/tcp: clients inside the container network cannot reach it: %m",
                                  l->f.container_port);
                return;
        }
        if (portfwd_watch_fixed(p, fd, &l->reverse_tag) < 0)
                return;
        l->reverse_fd = TAKE_FD(fd);
}

static bool socket_int(int fd, int level, int name, int *ret) {
        socklen_t len = sizeof *ret;
        return getsockopt(fd, level, name, ret, &len) >= 0 && len == sizeof *ret;
}

/* 1: answered; 0: let the call run; -errno: fail it with that. */
static int handoff_bind(Portfwd *p, int notify_fd, const BypassCall *c) {
        _cleanup_close_ int orig = -EBADF, s = -EBADF;
        struct sockaddr_storage host;
        socklen_t host_len;
        int target = (int) c->args[0], type, domain, protocol, v6only = 0, one = 1, r;
        uint16_t port;
        bool was_forwarding;
        Listener *l;

        if (c->args[0] > INT32_MAX)
                return 0;
        port = handoff_port(p, c);
        l = port > 0 ? handoff_listener(p, port) : NULL;
        if (!l)
                return 0;
        /* the socket itself: TCP, of the family of the address, dual stack */
        if (bypass_caller_fd(c, target, &orig) < 0 || !socket_int(orig, SOL_SOCKET, SO_TYPE, &type) ||
            !socket_int(orig, SOL_SOCKET, SO_DOMAIN, &domain) || !socket_int(orig, SOL_SOCKET, SO_PROTOCOL, &protocol) ||
            type != SOCK_STREAM || protocol != IPPROTO_TCP || domain != c->addr.ss_family ||
            (domain == AF_INET6 && (!socket_int(orig, IPPROTO_IPV6, IPV6_V6ONLY, &v6only) || v6only)) ||
            !handoff_host_address(&l->f, domain, &host, &host_len))
                return 0;

        r = portfwd_host_socket(p, domain, SOCK_STREAM, &s);
        if (r < 0) {
                log_warning_errno(r, "Port %u/tcp: no socket on the host, forwarding instead: %m", port);
                return 0;
        }
        bypass_copy_socket_options(orig, s);
        (void) setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);

        /* the host port passes from our listener to the container's socket */
        was_forwarding = l->fd >= 0;
        l->fd = safe_close(l->fd);
        if (bind(s, (struct sockaddr *) &host, host_len) < 0) {
                r = -errno;
                handoff_restore(p, l);
                if (was_forwarding)
                        return 0;
                /* the container's earlier socket still holds it (its own
                 * error), or, while it held none, another program took it */
                log_warning_errno(r, "Port %u/tcp: host port %u refused to the container: %m", port, l->f.host_port);
                return r;
        }
        r = bypass_call_replace(notify_fd, c, target, s);
        if (r < 0) {
                s = safe_close(s);
                handoff_restore(p, l);
                /* gone: nobody to answer; else the call runs as it was made */
                return r == -ENOENT ? 1 : 0;
        }
        handoff_set_dst(l, &host, host_len);
        handoff_reverse_listen(p, l, &c->addr, c->addr_len);
        log_info("Port %u/tcp: the container listens on host port %u itself (no forwarding hop).", port, l->f.host_port);
        return 1;
}

void portfwd_handoff_adopted(Portfwd *p) {
        for (size_t i = 0; i < p->n_listeners; i++) {
                Listener *l = p->listeners[i];
                struct sockaddr_storage host, any = { .ss_family = AF_INET };
                socklen_t host_len;

                if (!l->adopted)
                        continue;
                /* which address the container asked for died with our
                 * predecessor: every address of the container netns */
                if (!handoff_host_address(&l->f, AF_INET, &host, &host_len) &&
                    !handoff_host_address(&l->f, AF_INET6, &host, &host_len))
                        continue;
                handoff_set_dst(l, &host, host_len);
                ((struct sockaddr_in *) &any)->sin_port = htons(l->f.container_port);
                handoff_reverse_listen(p, l, &any, sizeof(struct sockaddr_in));
        }
}

void portfwd_handoff_event(Portfwd *p, Notifier *n, uint32_t events) {
        BypassCall c;
        int r;

        if (!(events & EPOLLIN)) {
                /* every process of the filter is gone */
                notifier_free(p, n);
                return;
        }
        r = bypass_call_recv(n->fd, &c);
        if (r < 0) {
                if (r != -ENOENT)
                        log_debug_errno(r, "Reading a trapped call failed: %m");
                return;
        }
        r = c.nr == SYS_bind ? handoff_bind(p, n->fd, &c) : 0;
        if (r == 0)
                (void) bypass_call_continue(n->fd, &c);
        else if (r < 0)
                (void) bypass_call_fail(n->fd, &c, r);
}
