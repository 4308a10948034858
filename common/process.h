/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sys/types.h>

#include "macro.h"

/* Runs argv[0] (searched in PATH) to completion with a timeout, stdin from
 * /dev/null, stdout and stderr captured together (at most 64 KiB kept).
 * Returns the exit status (0..255), or a negative errno: -ENOENT when the
 * program is not found, -ETIMEDOUT when it was killed for taking too long,
 * -EINTR... when killed by a signal (-ECHILD). ret_output may be NULL. */
int spawn_wait(char *const argv[], unsigned timeout_ms, char **ret_output);

/* Waits for a child with a timeout; kills it (SIGKILL) when the timeout
 * passes. Returns like spawn_wait(). */
int wait_child_timeout(pid_t pid, unsigned timeout_ms);

/* Finds an executable in PATH (or checks an absolute path). */
int find_executable(const char *name, char **ret);
