/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A minimal epoll loop. A Watch lives inside the object that owns the fd;
 * its callback finds the owner with container_of(). The loop takes one
 * event per epoll_wait(), so a callback may free any object (and its
 * Watch) without leaving a stale pointer in a batch of events. */

#define container_of(ptr, type, member) ((type *) ((char *) (ptr) - offsetof(type, member)))

typedef struct Watch Watch;
typedef void (*WatchFunc)(Watch *w, uint32_t events);

struct Watch {
        int fd;          /* -1 when not in the loop */
        uint32_t events;
        WatchFunc func;
};

int loop_open(void);
int loop_add(int epfd, Watch *w, int fd, uint32_t events, WatchFunc func);
int loop_modify(int epfd, Watch *w, uint32_t events);
void loop_remove(int epfd, Watch *w);
/* Waits at most timeout_ms (-1: no limit) and runs the callback of one
 * ready fd. Returns 0 on timeout, 1 after a callback, -errno. */
int loop_run_once(int epfd, int timeout_ms);
