/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>

#include "fileio.h"
#include "log.h"
#include "netlink.h"
#include "netns-defs.h"
#include "port-owner.h"
#include "portfwd-internal.h"
#include "route.h"

/* Each direction of a TCP connection moves through a pipe of this size:
 * large enough that one splice carries a good part of a 64 KiB segment
 * burst, small enough that many connections stay under the per-user pipe
 * budget (fs.pipe-user-pages-soft). */
#define PIPE_SIZE (256 * 1024)
/* Work done for one fd per wake-up before others get their turn. */
#define PUMP_ROUNDS 16
#define DATAGRAMS_PER_WAKEUP 64
#define DATAGRAM_MAX 65536
#define UDP_SESSIONS_MAX 4096
#define EPOLL_EVENTS 64

/* The mark, routing table and rule priority of source preservation. "Ro". */
#define PRESERVE_MARK 0x526f
#define PRESERVE_TABLE 0x526f
#define PRESERVE_PRIORITY 100

static uint64_t now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

int portfwd_new(const PortfwdOptions *o, Portfwd **ret) {
        Portfwd *p = calloc(1, sizeof *p);

        if (!p)
                return -ENOMEM;
        p->o = *o;
        if (p->o.udp_idle_sec == 0)
                p->o.udp_idle_sec = NETNS_UDP_IDLE_SEC;
        p->signal_tag.type = TAG_SIGNAL;
        p->seccomp_tag.type = TAG_SECCOMP_LISTENER;
        p->seccomp_fd = -EBADF;
        p->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        p->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (p->epoll_fd < 0) {
                int r = -errno;
                free(p);
                return r;
        }
        *ret = p;
        return 0;
}

/* --- binding, in the host netns --------------------------------------- */

static int unprivileged_port_start(void) {
        _cleanup_free_ char *s = NULL;
        if (read_full_file("/proc/sys/net/ipv4/ip_unprivileged_port_start", 64, &s, NULL) < 0)
                return 1024;
        return atoi(s);
}

static void format_host(const PortForward *f, uint16_t port, char *buf, size_t size) {
        char a[INET6_ADDRSTRLEN];

        switch (f->family) {
        case AF_INET:
                snprintf(buf, size, "%s:%u", inet_ntop(AF_INET, &f->host_addr.in, a, sizeof a), port);
                break;
        case AF_INET6:
                snprintf(buf, size, "[%s]:%u", inet_ntop(AF_INET6, &f->host_addr.in6, a, sizeof a), port);
                break;
        default:
                snprintf(buf, size, "%u", port);
        }
}

/* A socket in the host netns: made here before the thread moves on, by the
 * thread that stayed behind afterwards. */
int portfwd_host_socket(Portfwd *p, int family, int type, int *ret_fd) {
        int fd;

        if (p->hostsock)
                return hostsock_socket(p->hostsock, family, type, ret_fd);
        fd = socket(family, type | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

/* One socket bound to f's address and port; -errno. */
int portfwd_bind_one(Portfwd *p, const PortForward *f, uint16_t port, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        int type = f->proto == PORT_PROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
        struct sockaddr_storage ss = {};
        socklen_t len;
        int one = 1, zero = 0, r;

        if (f->family == AF_INET) {
                struct sockaddr_in *sin = (struct sockaddr_in *) &ss;
                sin->sin_family = AF_INET;
                sin->sin_addr = f->host_addr.in;
                sin->sin_port = htons(port);
                len = sizeof *sin;
        } else {
                struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;
                sin6->sin6_family = AF_INET6;
                sin6->sin6_addr = f->family == AF_INET6 ? f->host_addr.in6 : in6addr_any;
                sin6->sin6_port = htons(port);
                len = sizeof *sin6;
        }
        r = portfwd_host_socket(p, ss.ss_family, type | SOCK_NONBLOCK, &fd);
        if (r == -EAFNOSUPPORT && f->family == AF_UNSPEC) {
                /* no IPv6 on this host: every IPv4 address, then */
                struct sockaddr_in *sin = (struct sockaddr_in *) &ss;
                memset(&ss, 0, sizeof ss);
                sin->sin_family = AF_INET;
                sin->sin_port = htons(port);
                len = sizeof *sin;
                r = portfwd_host_socket(p, AF_INET, type | SOCK_NONBLOCK, &fd);
        }
        if (r < 0)
                return r;
        if (ss.ss_family == AF_INET6 &&
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, f->family == AF_INET6 ? &one : &zero, sizeof one) < 0)
                return -errno;
        /* a restarted forwarder must get its port back while old connections linger */
        if (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
                return -errno;
        if (bind(fd, (struct sockaddr *) &ss, len) < 0)
                return -errno;
        if (type == SOCK_STREAM && listen(fd, SOMAXCONN) < 0)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int bound_port(int fd, uint16_t *ret) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;

        if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0)
                return -errno;
        *ret = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *) &ss)->sin_port
                                             : ((struct sockaddr_in6 *) &ss)->sin6_port);
        return 0;
}

static int bind_error(int r, const PortForward *f, uint16_t port, char **ret_error) {
        const char *proto = port_proto_to_string(f->proto);
        _cleanup_free_ char *owner = NULL;
        char where[INET6_ADDRSTRLEN + 16];
        int n = -1;

        format_host(f, port, where, sizeof where);
        switch (r) {
        case -EADDRINUSE:
                if (f->host_port_last > f->host_port) {
                        n = asprintf(ret_error, "Every host port of %u-%u/%s is already in use.",
                                     f->host_port, f->host_port_last, proto);
                        break;
                }
                (void) port_owner_describe(f->proto == PORT_PROTO_UDP, port, &owner);
                n = asprintf(ret_error, "Host port %s/%s is already in use%s%s. Publish another port, or stop what holds it.",
                             where, proto, owner ? " by " : "", strempty(owner));
                break;
        case -EACCES: {
                int start = unprivileged_port_start();
                if (port < start)
                        n = asprintf(ret_error,
                                     "Host port %u/%s is below net.ipv4.ip_unprivileged_port_start (%d): rootless "
                                     "containers cannot publish it. Publish a port >= %d, or as root: "
                                     "sysctl net.ipv4.ip_unprivileged_port_start=%u",
                                     port, proto, start, start, port);
                else
                        n = asprintf(ret_error, "Binding host port %s/%s: permission denied.", where, proto);
                break;
        }
        case -EADDRNOTAVAIL:
                n = asprintf(ret_error, "Cannot publish on %s/%s: that address is not one of this host's.", where, proto);
                break;
        default:
                n = asprintf(ret_error, "Binding host port %s/%s failed: %s", where, proto, strerror(-r));
        }
        if (n < 0)
                *ret_error = NULL;
        return r;
}

int portfwd_bind(Portfwd *p, const PortForward *forwards, size_t n, char **ret_error) {
        Listener **l;
        PortForward *b;
        int r;

        l = reallocarray(p->listeners, p->n_listeners + n, sizeof *l);
        if (!l)
                return -ENOMEM;
        p->listeners = l;
        b = reallocarray(p->bound, p->n_listeners + n, sizeof *b);
        if (!b)
                return -ENOMEM;
        p->bound = b;

        for (size_t i = 0; i < n; i++) {
                const PortForward *f = &forwards[i];
                unsigned last = f->host_port_last > f->host_port ? f->host_port_last : f->host_port;
                Listener *li;
                int fd = -EBADF;

                r = -EADDRINUSE;
                for (unsigned port = f->host_port; port <= last; port++) {
                        r = portfwd_bind_one(p, f, (uint16_t) port, &fd);
                        if (r != -EADDRINUSE)
                                break;
                }
                if (r == -EADDRINUSE && p->o.adopt && f->proto == PORT_PROTO_TCP && f->host_port != 0 && last == f->host_port) {
                        /* the container's own socket holds it (a handoff before our restart) */
                        log_warning("Host port %u/tcp is in use, presumably handed over to the container: left alone.",
                                    f->host_port);
                        fd = -EBADF;
                        p->n_adopted++;
                } else if (r < 0)
                        return bind_error(r, f, f->host_port, ret_error);

                li = calloc(1, sizeof *li);
                if (!li) {
                        safe_close(fd);
                        return -ENOMEM;
                }
                li->tag.type = f->proto == PORT_PROTO_UDP ? TAG_UDP_LISTENER : TAG_TCP_LISTENER;
                li->reverse_tag.type = TAG_REVERSE_LISTENER;
                li->reverse_fd = -EBADF;
                li->fd = fd;
                li->adopted = fd < 0;
                li->f = *f;
                r = fd >= 0 ? bound_port(fd, &li->f.host_port) : 0;
                li->f.host_port_last = li->f.host_port;
                p->listeners[p->n_listeners] = li;
                p->bound[p->n_listeners] = li->f;
                p->n_listeners++;
                if (r < 0)
                        return r;
        }
        return 0;
}

size_t portfwd_adopted(Portfwd *p) {
        return p->n_adopted;
}

const PortForward *portfwd_bound(Portfwd *p, size_t *ret_n) {
        *ret_n = p->n_listeners;
        return p->bound;
}

/* --- source preservation ------------------------------------------------ */

static int write_sysctl(const char *path, const char *value) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        return loop_write(fd, value, strlen(value));
}

int portfwd_preserve_source_setup(void) {
        _cleanup_netlink_ Netlink *nl = NULL;
        int r;

        /* accepted connections take the mark of their SYN, so the
         * container's replies are marked too */
        r = write_sysctl("/proc/sys/net/ipv4/tcp_fwmark_accept", "1");
        if (r < 0)
                return r;
        r = netlink_open(&nl);
        if (r < 0)
                return r;
        /* marked packets, whatever their destination, are delivered here,
         * where the IP_TRANSPARENT socket bound to the client's address
         * takes them */
        r = route_add_local_table(nl, PRESERVE_TABLE);
        if (r < 0 && r != -EEXIST)
                return r;
        r = route_rule_fwmark(nl, true, PRESERVE_PRIORITY, PRESERVE_MARK, PRESERVE_TABLE);
        if (r < 0 && r != -EEXIST)
                return r;
        return 0;
}

void portfwd_set_preserve_source(Portfwd *p, bool on) {
        p->o.preserve_source = on;
}

void portfwd_preserve_source_teardown(void) {
        _cleanup_netlink_ Netlink *nl = NULL;

        if (netlink_open(&nl) >= 0)
                (void) route_rule_fwmark(nl, false, PRESERVE_PRIORITY, PRESERVE_MARK, PRESERVE_TABLE);
}

/* --- epoll bookkeeping -------------------------------------------------- */

static int watch(Portfwd *p, int fd, uint32_t *registered, uint32_t events, Tag *tag) {
        struct epoll_event ev = { .events = events, .data.ptr = tag };
        int op;

        if (*registered == events)
                return 0;
        op = events == 0 ? EPOLL_CTL_DEL : *registered == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
        if (epoll_ctl(p->epoll_fd, op, fd, &ev) < 0)
                return -errno;
        *registered = events;
        return 0;
}

int portfwd_watch_fixed(Portfwd *p, int fd, Tag *tag) {
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };
        return epoll_ctl(p->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* --- TCP ---------------------------------------------------------------- */

static void direction_close(Direction *d) {
        close_pair(d->pipe);
}

/* Closes a connection. Its memory waits for conns_reap(): events of
 * this batch may still point at it. */
static void conn_free(Portfwd *p, Conn *c, bool reset) {
        if (c->dead)
                return;
        if (reset) {
                /* pass an abort on as one: close with RST, not FIN */
                struct linger lg = { .l_onoff = 1, .l_linger = 0 };
                (void) setsockopt(c->client, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
                if (c->server >= 0)
                        (void) setsockopt(c->server, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        }
        /* close() drops the fds from epoll */
        c->client = safe_close(c->client);
        c->server = safe_close(c->server);
        direction_close(&c->up);
        direction_close(&c->down);
        if (c->prev)
                c->prev->next = c->next;
        else
                p->conns = c->next;
        if (c->next)
                c->next->prev = c->prev;
        p->n_conns--;
        c->dead = true;
        c->next = p->dead;
        p->dead = c;
}

static void conns_reap(Portfwd *p) {
        while (p->dead) {
                Conn *c = p->dead;
                p->dead = c->next;
                free(c);
        }
}

static int make_pipe(Direction *d) {
        int size;

        if (pipe2(d->pipe, O_CLOEXEC | O_NONBLOCK) < 0)
                return -errno;
        /* best effort (the user's pipe budget may be spent): a smaller pipe
         * is only slower */
        (void) fcntl(d->pipe[1], F_SETPIPE_SZ, PIPE_SIZE);
        size = fcntl(d->pipe[1], F_GETPIPE_SZ);
        d->capacity = size > 0 ? (size_t) size : 4096;
        return 0;
}

/* Moves what it can from src through d to dst. Returns 0, or -errno when
 * the connection must be aborted. */
static int pump(Direction *d, int src, int dst) {
        for (int i = 0; i < PUMP_ROUNDS; i++) {
                bool progress = false;
                ssize_t n;

                if (!d->eof && !d->full && d->pending < d->capacity) {
                        n = splice(src, NULL, d->pipe[1], NULL, d->capacity - d->pending,
                                   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
                        if (n > 0) {
                                d->pending += (size_t) n;
                                progress = true;
                        } else if (n == 0)
                                d->eof = true;
                        else if (errno == EAGAIN)
                                /* with bytes in the pipe, it may be the pipe that is full */
                                d->full = d->pending > 0;
                        else if (errno != EINTR)
                                return -errno;
                }
                if (d->pending > 0) {
                        n = splice(d->pipe[0], NULL, dst, NULL, d->pending, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
                        if (n > 0) {
                                d->pending -= (size_t) n;
                                d->full = false;
                                progress = true;
                        } else if (n < 0 && errno != EAGAIN && errno != EINTR)
                                return -errno;
                }
                if (d->eof && d->pending == 0 && !d->done) {
                        /* half-close: the other side sees EOF, may still answer */
                        if (shutdown(dst, SHUT_WR) < 0 && errno != ENOTCONN)
                                return -errno;
                        d->done = true;
                }
                if (!progress)
                        break;
        }
        return 0;
}

static bool wants_read(const Direction *d) {
        return !d->eof && !d->full && d->pending < d->capacity;
}

/* Registers what each side waits for now; frees the connection when both
 * directions are finished. */
static void conn_update(Portfwd *p, Conn *c) {
        uint32_t ce = 0, se = 0;

        if (c->up.done && c->down.done) {
                conn_free(p, c, false);
                return;
        }
        if (c->connecting)
                se = EPOLLOUT;
        else {
                if (wants_read(&c->up))
                        ce |= EPOLLIN;
                if (c->down.pending > 0)
                        ce |= EPOLLOUT;
                if (wants_read(&c->down))
                        se |= EPOLLIN;
                if (c->up.pending > 0)
                        se |= EPOLLOUT;
        }
        if (watch(p, c->client, &c->client_events, ce, &c->client_tag) < 0 ||
            watch(p, c->server, &c->server_events, se, &c->server_tag) < 0)
                conn_free(p, c, true);
}

static void conn_pump(Portfwd *p, Conn *c) {
        if (pump(&c->up, c->client, c->server) < 0 || pump(&c->down, c->server, c->client) < 0) {
                conn_free(p, c, true);
                return;
        }
        conn_update(p, c);
}

/* The address the container should see for a client: IPv4 as is, loopback
 * and IPv6 clients as the loopback alias (the gateway: "the host"). */
static struct in_addr client_alias(const Portfwd *p, const struct sockaddr_storage *ss) {
        struct in_addr a = p->o.loopback_alias;

        if (ss->ss_family == AF_INET)
                a = ((const struct sockaddr_in *) ss)->sin_addr;
        else if (ss->ss_family == AF_INET6) {
                const struct in6_addr *a6 = &((const struct sockaddr_in6 *) ss)->sin6_addr;
                if (IN6_IS_ADDR_V4MAPPED(a6))
                        memcpy(&a, &a6->s6_addr[12], 4);
        }
        if ((ntohl(a.s_addr) >> 24) == 127 || a.s_addr == 0)
                a = p->o.loopback_alias;
        return a;
}

static int server_socket(Portfwd *p, const struct sockaddr_storage *client, int type, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;

        /* the thread is in the container netns: the socket is made there */
        fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (p->o.preserve_source && type == SOCK_STREAM && client) {
                struct sockaddr_in src = { .sin_family = AF_INET, .sin_addr = client_alias(p, client) };
                int one = 1, mark = PRESERVE_MARK;
                if (setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof one) < 0 ||
                    setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof mark) < 0 ||
                    bind(fd, (struct sockaddr *) &src, sizeof src) < 0)
                        log_debug_errno(errno, "Cannot present the client's address, connecting from the container's own: %m");
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* Host clients (on l->fd) go to the container's address in its netns;
 * with reverse, container-netns clients (on l->reverse_fd) go to the
 * handed-over socket on the host. */
static void tcp_accept(Portfwd *p, Listener *l, bool reverse) {
        int lfd = reverse ? l->reverse_fd : l->fd;

        for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
                struct sockaddr_storage ss, dst = {};
                socklen_t len = sizeof ss, dst_len = sizeof(struct sockaddr_in);
                Conn *c;
                int fd, one = 1, r;

                if (reverse) {
                        dst = l->handoff_dst;
                        dst_len = l->handoff_dst_len;
                } else
                        *(struct sockaddr_in *) &dst = (struct sockaddr_in) {
                                .sin_family = AF_INET,
                                .sin_addr = p->o.container_addr,
                                .sin_port = htons(l->f.container_port),
                        };
                fd = accept4(lfd, (struct sockaddr *) &ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd < 0 && (errno == EMFILE || errno == ENFILE) && p->spare_fd >= 0) {
                        /* out of fds: refuse this one rather than spin on a
                         * listener that stays readable */
                        log_warning_errno(errno, "Out of file descriptors, refusing a connection on port %u: %m",
                                          l->f.host_port);
                        p->spare_fd = safe_close(p->spare_fd);
                        fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
                        safe_close(fd);
                        p->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
                        continue;
                }
                if (fd < 0)
                        return;
                c = calloc(1, sizeof *c);
                if (!c) {
                        safe_close(fd);
                        return;
                }
                *c = (Conn) {
                        .client_tag.type = TAG_CLIENT, .server_tag.type = TAG_SERVER,
                        .client = fd, .server = -EBADF,
                        .up.pipe = { -EBADF, -EBADF }, .down.pipe = { -EBADF, -EBADF },
                        .next = p->conns,
                };
                if (p->conns)
                        p->conns->prev = c;
                p->conns = c;
                p->n_conns++;

                (void) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                r = reverse ? portfwd_host_socket(p, dst.ss_family, SOCK_STREAM | SOCK_NONBLOCK, &c->server)
                            : server_socket(p, &ss, SOCK_STREAM, &c->server);
                if (r >= 0)
                        r = make_pipe(&c->up);
                if (r >= 0)
                        r = make_pipe(&c->down);
                if (r < 0) {
                        log_warning_errno(r, "Cannot forward a connection to port %u: %m", l->f.container_port);
                        conn_free(p, c, true);
                        continue;
                }
                (void) setsockopt(c->server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                if (connect(c->server, (struct sockaddr *) &dst, dst_len) < 0) {
                        if (errno != EINPROGRESS) {
                                conn_free(p, c, true);
                                continue;
                        }
                        c->connecting = true;
                }
                conn_update(p, c);
        }
}

static void tcp_connected(Portfwd *p, Conn *c) {
        int err = 0;
        socklen_t len = sizeof err;

        if (getsockopt(c->server, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
                /* refused: the client sees a reset, as it would from the container */
                conn_free(p, c, true);
                return;
        }
        c->connecting = false;
        conn_pump(p, c);
}

static void conn_event(Portfwd *p, Conn *c, bool server_side, uint32_t events) {
        if (c->dead)
                return;
        if (server_side && c->connecting) {
                tcp_connected(p, c);
                return;
        }
        if (events & EPOLLERR) {
                conn_free(p, c, true);
                return;
        }
        /* on EPOLLHUP too: the reads and writes tell EOF from a reset */
        conn_pump(p, c);
}

/* --- UDP ---------------------------------------------------------------- */

static unsigned session_hash(const Listener *l, const struct sockaddr_storage *ss, socklen_t len) {
        const uint8_t *b = (const uint8_t *) ss;
        uint32_t h = 2166136261u ^ (uint32_t) (uintptr_t) l;

        for (socklen_t i = 0; i < len; i++)
                h = (h ^ b[i]) * 16777619u;
        return h % UDP_BUCKETS;
}

static void session_free(Portfwd *p, UdpSession *s) {
        unsigned h = session_hash(s->l, &s->client, s->client_len);

        for (UdpSession **i = &p->buckets[h]; *i; i = &(*i)->bucket_next)
                if (*i == s) {
                        *i = s->bucket_next;
                        break;
                }
        if (s->prev)
                s->prev->next = s->next;
        else
                p->sessions = s->next;
        if (s->next)
                s->next->prev = s->prev;
        safe_close(s->fd);
        p->n_sessions--;
        free(s);
}

static UdpSession *session_get(Portfwd *p, Listener *l, const struct sockaddr_storage *ss, socklen_t len) {
        unsigned h = session_hash(l, ss, len);
        struct sockaddr_in dst = {
                .sin_family = AF_INET,
                .sin_addr = p->o.container_addr,
                .sin_port = htons(l->f.container_port),
        };
        UdpSession *s;

        for (s = p->buckets[h]; s; s = s->bucket_next)
                if (s->l == l && s->client_len == len && memcmp(&s->client, ss, len) == 0)
                        return s;
        if (p->n_sessions >= UDP_SESSIONS_MAX)
                return NULL;
        s = calloc(1, sizeof *s);
        if (!s)
                return NULL;
        s->tag.type = TAG_UDP_SESSION;
        s->l = l;
        memcpy(&s->client, ss, len);
        s->client_len = len;
        if (server_socket(p, NULL, SOCK_DGRAM, &s->fd) < 0 ||
            connect(s->fd, (struct sockaddr *) &dst, sizeof dst) < 0 ||
            portfwd_watch_fixed(p, s->fd, &s->tag) < 0) {
                safe_close(s->fd);
                free(s);
                return NULL;
        }
        s->bucket_next = p->buckets[h];
        p->buckets[h] = s;
        s->next = p->sessions;
        if (p->sessions)
                p->sessions->prev = s;
        p->sessions = s;
        p->n_sessions++;
        return s;
}

static void udp_from_client(Portfwd *p, Listener *l) {
        for (int i = 0; i < DATAGRAMS_PER_WAKEUP; i++) {
                struct sockaddr_storage ss;
                socklen_t len = sizeof ss;
                UdpSession *s;
                ssize_t n;

                n = recvfrom(l->fd, p->datagram, DATAGRAM_MAX, 0, (struct sockaddr *) &ss, &len);
                if (n < 0)
                        return;
                s = session_get(p, l, &ss, len);
                if (!s)
                        continue; /* dropped, as a full network would */
                s->last_ms = now_ms();
                (void) send(s->fd, p->datagram, (size_t) n, 0);
        }
}

static void udp_from_container(Portfwd *p, UdpSession *s) {
        for (int i = 0; i < DATAGRAMS_PER_WAKEUP; i++) {
                ssize_t n = recv(s->fd, p->datagram, DATAGRAM_MAX, 0);
                if (n < 0)
                        return; /* EAGAIN, or ECONNREFUSED from an ICMP error: nothing to pass on */
                s->last_ms = now_ms();
                (void) sendto(s->l->fd, p->datagram, (size_t) n, 0, (struct sockaddr *) &s->client, s->client_len);
        }
}

static void udp_sweep(Portfwd *p) {
        uint64_t now = now_ms(), idle = (uint64_t) p->o.udp_idle_sec * 1000;

        if (now - p->last_sweep_ms < idle / 4 + 1)
                return;
        p->last_sweep_ms = now;
        for (UdpSession *s = p->sessions, *next; s; s = next) {
                next = s->next;
                if (now - s->last_ms >= idle)
                        session_free(p, s);
        }
}

/* --- the loop ----------------------------------------------------------- */

int portfwd_run(Portfwd *p, int signal_fd) {
        struct epoll_event events[EPOLL_EVENTS];
        int r;

        p->datagram = malloc(DATAGRAM_MAX);
        if (!p->datagram)
                return -ENOMEM;
        r = portfwd_watch_fixed(p, signal_fd, &p->signal_tag);
        if (r < 0)
                return r;
        for (size_t i = 0; i < p->n_listeners; i++) {
                if (p->listeners[i]->fd < 0)
                        continue; /* adopted */
                r = portfwd_watch_fixed(p, p->listeners[i]->fd, &p->listeners[i]->tag);
                if (r < 0)
                        return r;
        }
        if (p->seccomp_fd >= 0) {
                r = portfwd_watch_fixed(p, p->seccomp_fd, &p->seccomp_tag);
                if (r < 0)
                        return r;
                portfwd_handoff_adopted(p);
        }
        p->last_sweep_ms = now_ms();

        for (;;) {
                int timeout = p->n_sessions > 0 ? (int) (p->o.udp_idle_sec * 1000 / 4 + 1) : -1;
                int n = epoll_wait(p->epoll_fd, events, EPOLL_EVENTS, timeout);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                for (int i = 0; i < n; i++) {
                        Tag *t = events[i].data.ptr;
                        switch (t->type) {
                        case TAG_SIGNAL: {
                                struct signalfd_siginfo si;
                                if (read(signal_fd, &si, sizeof si) == (ssize_t) sizeof si) {
                                        log_debug("Signal %u, exiting.", si.ssi_signo);
                                        return 0;
                                }
                                break;
                        }
                        case TAG_TCP_LISTENER:
                                tcp_accept(p, (Listener *) t, false);
                                break;
                        case TAG_REVERSE_LISTENER:
                                tcp_accept(p, (Listener *) ((char *) t - offsetof(Listener, reverse_tag)), true);
                                break;
                        case TAG_SECCOMP_LISTENER:
                                portfwd_handoff_accept(p);
                                break;
                        case TAG_NOTIFY:
                                portfwd_handoff_event(p, (Notifier *) t, events[i].events);
                                break;
                        case TAG_UDP_LISTENER:
                                udp_from_client(p, (Listener *) t);
                                break;
                        case TAG_CLIENT:
                                conn_event(p, (Conn *) ((char *) t - offsetof(Conn, client_tag)), false, events[i].events);
                                break;
                        case TAG_SERVER:
                                conn_event(p, (Conn *) ((char *) t - offsetof(Conn, server_tag)), true, events[i].events);
                                break;
                        case TAG_UDP_SESSION:
                                udp_from_container(p, (UdpSession *) t);
                                break;
                        }
                }
                conns_reap(p);
                if (p->n_sessions > 0)
                        udp_sweep(p);
        }
}

void portfwd_free(Portfwd *p) {
        if (!p)
                return;
        while (p->conns)
                conn_free(p, p->conns, false);
        conns_reap(p);
        while (p->sessions)
                session_free(p, p->sessions);
        while (p->notifiers) {
                Notifier *n = p->notifiers;
                p->notifiers = n->next;
                safe_close(n->fd);
                free(n);
        }
        safe_close(p->seccomp_fd);
        hostsock_free(p->hostsock);
        for (size_t i = 0; i < p->n_listeners; i++) {
                safe_close(p->listeners[i]->fd);
                safe_close(p->listeners[i]->reverse_fd);
                free(p->listeners[i]);
        }
        free(p->listeners);
        free(p->bound);
        free(p->datagram);
        safe_close(p->spare_fd);
        safe_close(p->epoll_fd);
        free(p);
}
