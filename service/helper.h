/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "daemon.h"

/* roost-unpack as an asynchronous child of roostd: its stdout is collected
 * (at most HELPER_OUTPUT_MAX bytes) while it runs, and done is called from
 * the event loop when it exits, with 0 or the negative errno it exited with. */

#define HELPER_OUTPUT_MAX (1024 * 1024)

typedef struct Helper Helper;
/* output: what it printed (NUL-terminated, never NULL), valid during the call */
typedef void (*HelperDone)(void *userdata, int r, const char *output);

/* The path of roost-unpack (ROOST_UNPACK_HELPER overrides it, for tests). */
const char *helper_path(void);

/* args: after the program name. fds[0] is stdin (-1: none), fds[3...] go to
 * descriptors 3...; fds[1] and fds[2] are ignored (stdout is collected,
 * stderr is roostd's). ns_flags: the holder's namespaces to join, or 0. */
int helper_start(Daemon *d, int ns_flags, char *const *args, const int *fds, size_t n_fds, HelperDone done,
                 void *userdata, Helper **ret);
/* Kills it; done is not called. */
void helper_cancel(Helper *h);
