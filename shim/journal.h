/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log-writer.h"

/* The journald log driver: each line of the container's output becomes a
 * journal entry with docker's fields (MESSAGE, PRIORITY 6 for stdout and 3
 * for stderr, CONTAINER_ID (12 characters), CONTAINER_ID_FULL,
 * CONTAINER_NAME, CONTAINER_TAG, SYSLOG_IDENTIFIER, and
 * CONTAINER_PARTIAL_MESSAGE=true on pieces of long lines), written with the
 * native protocol. Entries are dropped, never waited for, when journald
 * falls behind: the container must not stall on its logger. */

typedef struct Journal Journal;

/* socket_path: NULL for journald's. */
int journal_writer_new(const char *socket_path, const char *id, const char *name, const char *tag, Journal **ret);
void journal_writer_line(Journal *j, LogStream stream, bool partial, const uint8_t *text, size_t len);
Journal *journal_writer_free(Journal *j);
