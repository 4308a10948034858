/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "server.h"
#include "stdio-streams.h"

/* Clients attached to a Stdio: output fan-out, input with detach keys,
 * window sizes, and the last frame. */

/* The attach operation on the container's streams. */
void attach_request(Shim *s, Client *c, const ShimRequest *req);
/* Takes the streaming fields of req (stdin, stdout, stderr, detach_keys)
 * into c. Returns false after sending an ERROR frame. */
bool attach_setup(Client *c, const ShimRequest *req);
bool attach_flag(const ShimRequest *req, const char *key, bool def);
/* A frame from a streaming client. Returns -EAGAIN when it must wait
 * for room in the process's stdin (it is kept and fed again later). */
int attach_frame(Client *c, const ShimFrame *f);

void attach_broadcast(Shim *s, Stdio *st, uint8_t type, const void *p, size_t n);
/* There is room in st's input again. */
void attach_input_ready(Shim *s, Stdio *st);
/* Sends the last frame (EXIT) to every client of st and closes them. */
void attach_end(Shim *s, Stdio *st, uint8_t type, const char *payload);
