/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <sys/uio.h>

/* journald's native protocol (systemd.io/JOURNAL_NATIVE_PROTOCOL) without
 * libsystemd, so that small programs (roost-shim) can write structured
 * entries. One datagram per entry; an entry too large for a datagram travels
 * in a sealed memfd. */

#define JOURNAL_SOCKET_PATH "/run/systemd/journal/socket"

/* A datagram socket connected to path (NULL: JOURNAL_SOCKET_PATH). */
int journal_open(const char *path);

/* Sends one entry. Each iovec is one field "KEY=value"; the value may hold
 * newlines or any bytes. KEY is upper case letters, digits and '_', not
 * starting with '_' or a digit. flags go to send(): MSG_DONTWAIT drops the
 * entry (-EAGAIN) rather than wait when journald cannot keep up. */
int journal_sendv(int fd, const struct iovec *fields, size_t n, int flags);

/* Whether a field name is acceptable to journald. */
bool journal_field_name_valid(const char *name, size_t len);
