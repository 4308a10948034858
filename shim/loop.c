/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <sys/epoll.h>

#include "loop.h"
#include "macro.h"

int loop_open(void) {
        int fd = epoll_create1(EPOLL_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

int loop_add(int epfd, Watch *w, int fd, uint32_t events, WatchFunc func) {
        struct epoll_event ev = { .events = events, .data.ptr = w };

        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
                return -errno;
        *w = (Watch) { .fd = fd, .events = events, .func = func };
        return 0;
}

int loop_modify(int epfd, Watch *w, uint32_t events) {
        struct epoll_event ev = { .events = events, .data.ptr = w };

        if (w->fd < 0 || w->events == events)
                return 0;
        if (epoll_ctl(epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0)
                return -errno;
        w->events = events;
        return 0;
}

void loop_remove(int epfd, Watch *w) {
        if (w->fd < 0)
                return;
        (void) epoll_ctl(epfd, EPOLL_CTL_DEL, w->fd, NULL);
        w->fd = -1;
}

int loop_run_once(int epfd, int timeout_ms) {
        struct epoll_event ev;
        int n;

        n = epoll_wait(epfd, &ev, 1, timeout_ms);
        if (n < 0)
                return errno == EINTR ? 0 : -errno;
        if (n == 0)
                return 0;
        Watch *w = ev.data.ptr;
        w->func(w, ev.events);
        return 1;
}
