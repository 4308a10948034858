/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "macro.h"

/* The readiness protocol of roost's network helpers (roost-slirp,
 * roost-portfwd): lines on the ready fd (--ready-fd), or stdout without one.
 * Informational lines first (e.g. "PORT ..."), then exactly one of
 *   READY [key=value...]      set-up is complete; the helper keeps running
 *   ERROR <message>           set-up failed; the helper exits non-zero
 * The ready fd is closed after it. Without a ready fd: PORT and READY on
 * stdout (left open), errors only on stderr (the log) and in the exit
 * status. */

/* Writes one line (no newline in fmt). */
void ready_line(int fd, const char *fmt, ...) _printf_(2, 3);
/* The READY line; closes fd. */
void ready_send(int fd, const char *fmt, ...) _printf_(2, 3);
/* The ERROR line with message (or "set-up failed"); closes fd. Nothing
 * when fd < 0. */
void ready_fail(int fd, const char *message);
