/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "server.h"
#include "shim.h"

/* The container's life: create (reported on the sync fd), start, kill, the
 * init's exit, the exit record, delete, and the shim's own end. */

int container_setup(Shim *s);
int container_create(Shim *s);

void container_start_request(Shim *s, Client *c);
void container_kill_request(Shim *s, Client *c, const ShimRequest *req);
/* The shim was asked to stop (SIGTERM): pass it on to the container. */
void container_forward_signal(Shim *s, int sig);

/* The reaper collected the container's init. */
void container_reaped(Shim *s, int status);
void container_output_drained(Shim *s);
/* Moves the end along (drain, record, delete, quit) as time passes;
 * returns ms until it needs to look again (-1: not by time). */
int container_check(Shim *s, int64_t now);

const char *container_status_to_string(ContainerStatus st);
