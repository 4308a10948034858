/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/types.h>

/* What roost's network helper programs share at start-up. */

/* A PID (decimal, > 0): -EINVAL otherwise. */
int helper_parse_pid(const char *s, pid_t *ret);
/* An open file descriptor number; it becomes close-on-exec. -EBADF otherwise. */
int helper_parse_fd(const char *s, int *ret);
/* Blocks SIGTERM, SIGINT and SIGHUP and returns a signalfd for them (the
 * event loop's way out); ignores SIGPIPE (a reader that went away must not
 * kill us). */
int helper_signal_fd(void);
