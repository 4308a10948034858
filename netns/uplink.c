/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <poll.h>
#include <slirp/libslirp.h>
#include <sys/signalfd.h>
#include <time.h>

#include "log.h"
#include "uplink.h"

/* an Ethernet header and a full frame of the largest MTU, with room to spare */
#define FRAME_MAX (65536 + 64)
/* frames read from the tap per wake-up before libslirp gets to run again */
#define FRAMES_PER_WAKEUP 64

typedef struct Timer Timer;
struct Timer {
        Timer *next;
        SlirpTimerCb cb;        /* timer_new style */
        SlirpTimerId id;        /* timer_new_opaque style */
        bool opaque_style;
        void *cb_opaque;
        int64_t expire_ms;      /* -1: not armed */
};

struct Uplink {
        Slirp *slirp;
        int tap_fd;
        Timer *timers;
        struct pollfd *pfds;
        size_t n_pfds, n_alloc;
        uint8_t *frame;
        uint64_t dropped;
};

static int64_t now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque) {
        Uplink *u = opaque;
        ssize_t n = write(u->tap_fd, buf, len);

        /* a full queue drops the frame: TCP retransmits, as on a wire */
        if (n < 0) {
                if (errno == EAGAIN || errno == ENOBUFS) {
                        u->dropped++;
                        return (ssize_t) len;
                }
                return -errno;
        }
        return n;
}

static void cb_guest_error(const char *msg, void *opaque) {
        log_debug("libslirp: guest error: %s", msg);
}

static int64_t cb_clock_get_ns(void *opaque) {
        return now_ns();
}

static Timer *timer_add(Uplink *u, Timer t) {
        Timer *n = malloc(sizeof *n);
        if (!n)
                abort(); /* libslirp has no way to hear of failure */
        *n = t;
        n->expire_ms = -1;
        n->next = u->timers;
        u->timers = n;
        return n;
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque) {
        return timer_add(opaque, (Timer) { .cb = cb, .cb_opaque = cb_opaque });
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque) {
        return timer_add(opaque, (Timer) { .id = id, .opaque_style = true, .cb_opaque = cb_opaque });
}

static void cb_timer_free(void *timer, void *opaque) {
        Uplink *u = opaque;

        for (Timer **t = &u->timers; *t; t = &(*t)->next)
                if (*t == timer) {
                        *t = (*t)->next;
                        free(timer);
                        return;
                }
}

static void cb_timer_mod(void *timer, int64_t expire_time, void *opaque) {
        ((Timer *) timer)->expire_ms = expire_time;
}

static void cb_register_poll_fd(int fd, void *opaque) {
}

static void cb_unregister_poll_fd(int fd, void *opaque) {
}

static void cb_notify(void *opaque) {
        /* one thread: the loop polls again right after every call */
}

static const SlirpCb callbacks = {
        .send_packet = cb_send_packet,
        .guest_error = cb_guest_error,
        .clock_get_ns = cb_clock_get_ns,
        .timer_new = cb_timer_new,
        .timer_free = cb_timer_free,
        .timer_mod = cb_timer_mod,
        .register_poll_fd = cb_register_poll_fd,
        .unregister_poll_fd = cb_unregister_poll_fd,
        .notify = cb_notify,
        .timer_new_opaque = cb_timer_new_opaque,
};

static int cb_add_poll(int fd, int events, void *opaque) {
        Uplink *u = opaque;
        short e = 0;

        if (u->n_pfds == u->n_alloc) {
                size_t n = u->n_alloc ? u->n_alloc * 2 : 64;
                struct pollfd *p = reallocarray(u->pfds, n, sizeof *p);
                if (!p)
                        abort();
                u->pfds = p;
                u->n_alloc = n;
        }
        if (events & SLIRP_POLL_IN)
                e |= POLLIN;
        if (events & SLIRP_POLL_OUT)
                e |= POLLOUT;
        if (events & SLIRP_POLL_PRI)
                e |= POLLPRI;
        u->pfds[u->n_pfds] = (struct pollfd) { .fd = fd, .events = e };
        return (int) u->n_pfds++;
}

static int cb_get_revents(int idx, void *opaque) {
        Uplink *u = opaque;
        short r;
        int e = 0;

        if (idx < 0 || (size_t) idx >= u->n_pfds)
                return 0;
        r = u->pfds[idx].revents;
        if (r & POLLIN)
                e |= SLIRP_POLL_IN;
        if (r & POLLOUT)
                e |= SLIRP_POLL_OUT;
        if (r & POLLPRI)
                e |= SLIRP_POLL_PRI;
        if (r & POLLERR)
                e |= SLIRP_POLL_ERR;
        if (r & POLLHUP)
                e |= SLIRP_POLL_HUP;
        return e;
}

int uplink_new(int tap_fd, const UplinkConfig *c, Uplink **ret) {
        SlirpConfig cfg = {
                .version = 4,
                .in_enabled = true,
                .vnetwork.s_addr = htonl(c->subnet.network),
                .vnetmask.s_addr = htonl(ipam_netmask(c->subnet.prefixlen)),
                .vhost.s_addr = htonl(c->gateway),
                .vnameserver.s_addr = htonl(c->dns),
                /* DHCP is off, but libslirp wants its start inside the network */
                .vdhcp_start.s_addr = htonl(c->subnet.network + 2),
                .if_mtu = c->mtu,
                .if_mru = c->mtu,
                .disable_host_loopback = !c->allow_host_loopback,
                .disable_dhcp = true,
        };
        Uplink *u;

        u = calloc(1, sizeof *u);
        if (!u)
                return -ENOMEM;
        u->tap_fd = tap_fd;
        u->frame = malloc(FRAME_MAX);
        if (!u->frame) {
                free(u);
                return -ENOMEM;
        }
        u->slirp = slirp_new(&cfg, &callbacks, u);
        if (!u->slirp) {
                uplink_free(u);
                return -EINVAL;
        }
        *ret = u;
        return 0;
}

void uplink_free(Uplink *u) {
        if (!u)
                return;
        if (u->slirp)
                slirp_cleanup(u->slirp);
        while (u->timers) {
                Timer *t = u->timers;
                u->timers = t->next;
                free(t);
        }
        free(u->pfds);
        free(u->frame);
        free(u);
}

static int read_tap(Uplink *u) {
        for (int i = 0; i < FRAMES_PER_WAKEUP; i++) {
                ssize_t n = read(u->tap_fd, u->frame, FRAME_MAX);
                if (n < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                return 0;
                        return -errno;
                }
                if (n == 0)
                        return -ENODEV;
                slirp_input(u->slirp, u->frame, (int) n);
        }
        return 0;
}

static int64_t run_timers(Uplink *u) {
        int64_t now = now_ns() / 1000000, next = -1;
        bool again;

        /* a callback may re-arm or free timers: start over after each */
        do {
                again = false;
                for (Timer *t = u->timers; t; t = t->next)
                        if (t->expire_ms >= 0 && t->expire_ms <= now) {
                                t->expire_ms = -1;
                                if (t->opaque_style)
                                        slirp_handle_timer(u->slirp, t->id, t->cb_opaque);
                                else
                                        t->cb(t->cb_opaque);
                                again = true;
                                break;
                        }
        } while (again);
        for (Timer *t = u->timers; t; t = t->next)
                if (t->expire_ms >= 0 && (next < 0 || t->expire_ms < next))
                        next = t->expire_ms;
        return next < 0 ? -1 : next - now;
}

int uplink_run(Uplink *u, int signal_fd) {
        for (;;) {
                uint32_t timeout = UINT32_MAX;
                int64_t timer_ms;
                int k, r;

                timer_ms = run_timers(u);
                u->n_pfds = 0;
                cb_add_poll(u->tap_fd, SLIRP_POLL_IN, u);
                cb_add_poll(signal_fd, SLIRP_POLL_IN, u);
                slirp_pollfds_fill(u->slirp, &timeout, cb_add_poll, u);
                if (timer_ms >= 0 && (uint64_t) timer_ms < timeout)
                        timeout = (uint32_t) timer_ms;

                k = poll(u->pfds, u->n_pfds, timeout == UINT32_MAX ? -1 : (int) timeout);
                if (k < 0 && errno != EINTR)
                        return log_error_errno(errno, "poll: %m");
                slirp_pollfds_poll(u->slirp, k < 0, cb_get_revents, u);

                if (k > 0 && (u->pfds[1].revents & POLLIN)) {
                        struct signalfd_siginfo si;
                        if (read(signal_fd, &si, sizeof si) == (ssize_t) sizeof si) {
                                log_debug("Signal %u, exiting.", si.ssi_signo);
                                return 0;
                        }
                }
                if (k > 0 && (u->pfds[0].revents & (POLLERR | POLLHUP | POLLNVAL)))
                        return log_error_errno(ENODEV, "The tap device went away (was the detached network namespace removed?).");
                if (k > 0 && (u->pfds[0].revents & POLLIN)) {
                        r = read_tap(u);
                        if (r < 0)
                                return log_error_errno(r, "Reading the tap device failed: %m");
                }
        }
}
