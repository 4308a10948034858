/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/types.h>

/* Starting roost-slirp or roost-portfwd from roostd and waiting for its
 * readiness (see ready.h): argv is the helper's command line without
 * --ready-fd (it is added). The helper gets stdin from /dev/null, the
 * caller's stdout and stderr (the journal, for roostd), a session of its own
 * and no other fds. started (may be NULL) is called with its PID right
 * after the fork, before waiting: the place to move it into a systemd
 * scope, so it outlives roostd.
 *
 * Returns 0 with *ret_pid running and *ret_lines (malloc'd, may be NULL)
 * holding every line it reported, the READY line last ("PORT ..." lines
 * first for roost-portfwd). On failure the helper is gone (killed on
 * timeout, -ETIMEDOUT) and *ret_error (malloc'd, may be NULL) holds its
 * ERROR message; -EPROTO when it failed, -ECHILD when it died without a
 * word. */
int netns_helper_start(char *const argv[], unsigned timeout_ms,
                       void (*started)(pid_t pid, void *userdata), void *userdata,
                       pid_t *ret_pid, char **ret_lines, char **ret_error);
