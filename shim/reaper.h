/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "shim.h"

/* The shim is the subreaper of everything the runtime starts: the
 * container's init (after `create`), exec processes (after `exec
 * --detach`) and the runtime calls themselves. On SIGCHLD it collects
 * them all and hands each status to its owner. A child whose PID is not
 * known yet (an exec that ended before its pid file was read) is kept as
 * an orphan until asked for. */

void reaper_collect(Shim *s);
/* Whether an orphan with this PID was reaped; takes it. */
bool shim_take_orphan(Shim *s, pid_t pid, int *ret_status);
