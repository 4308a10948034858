/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/types.h>

#include "daemon.h"

/* Work that needs privilege inside the roost user namespace (unpacking layers
 * with their owners, removing such trees, mounting overlays) runs in a child
 * of roostd that has joined the holder's namespaces. The child is forked
 * (roostd is single-threaded, so that is safe), joins with ns_enter() and
 * calls fn; fn's return value (0 or a negative errno) is the child's result,
 * and a message it puts in errbuf (NUL-terminated, optional) travels back.
 *
 * ns_flags: CLONE_NEWUSER | CLONE_NEWNS (| CLONE_NEWNET for the detached
 * network namespace). */

typedef int (*NsFunc)(void *userdata, char *errbuf, size_t errlen);

#define NSEXEC_ERR_MAX 1024

/* Runs fn in the holder's namespaces and waits (bounded by timeout_ms).
 * Returns fn's result; on failure with a message, *ret_error (optional)
 * holds it. For short work (mounts, probes): it blocks the event loop. */
int nsexec_run(Daemon *d, int ns_flags, NsFunc fn, void *userdata, unsigned timeout_ms, char **ret_error);

/* Starts fn in the holder's namespaces without waiting. The caller watches
 * *ret_pidfd (readable when the child exits; see sd_event_add_io) and then
 * collects the result with nsexec_finish(). For long work (unpacking). */
typedef struct NsChild {
        pid_t pid;
        int pidfd;
        int errfd; /* read end of the message pipe */
} NsChild;

int nsexec_start(Daemon *d, int ns_flags, NsFunc fn, void *userdata, NsChild *ret);
/* Runs argv (an absolute path) in the holder's namespaces: the child joins
 * them and execs. fds[i] becomes descriptor i in it (0, 1, 2, 3, ...; -1
 * leaves i closed, except 2, which stays roostd's stderr, the journal).
 * Everything else is closed at exec, so the helper holds no other pipe or
 * socket of roostd's. ns_flags 0: no namespaces are joined (a plain
 * helper process; d may then be NULL). Wait for ret->pidfd, then nsexec_finish(): the
 * result is -exit status. */
int nsexec_spawn(Daemon *d, int ns_flags, char *const argv[], const int *fds, size_t n_fds, NsChild *ret);

/* Reaps the child; returns its result and message like nsexec_run(). */
int nsexec_finish(NsChild *c, char **ret_error);
void nsexec_kill(NsChild *c);
