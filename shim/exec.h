/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "server.h"
#include "shim.h"

/* Processes run in the running container (`RUNTIME exec --detach`): each
 * becomes a child of the shim (its subreaper) once the runtime exits, so
 * the shim reaps it and reports its exit code. */

void exec_request(Shim *s, Client *c, const ShimRequest *req);
bool exec_reaped(Shim *s, pid_t pid, int status);
void exec_output_drained(Exec *e);
Exec *exec_find(Shim *s, const char *id);
Stdio *exec_stdio(Exec *e);
/* Drain deadlines; returns ms to the next (-1: none). */
int exec_check_timeouts(Shim *s, int64_t now);
bool exec_any(const Shim *s);
void exec_free_all(Shim *s);
