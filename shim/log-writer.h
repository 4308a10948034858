/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* The container's log in the CRI format (what kubelet, crictl and
 * `roost logs` read): one record per line,
 *
 *   2026-11-28T20:15:23.123456789Z stdout F hello
 *
 * with tag F for a full line and P for a piece of a line longer than
 * LOG_LINE_MAX (the rest follows in further records, the last one F). A
 * line still open when its stream ends is written as F. When the file
 * would grow past max_size it is rotated: log → log.1 → ... →
 * log.(max_files-1), the oldest dropped; with max_files 1 it is truncated.
 * Lines can also go to the journal (journal.h). */

#define LOG_LINE_MAX (16u * 1024)
#define LOG_PREFIX_MAX 48

typedef enum LogStream {
        LOG_STREAM_STDOUT,
        LOG_STREAM_STDERR,
} LogStream;

typedef struct Journal Journal;
typedef struct LogWriter LogWriter;

/* path may be NULL: lines go to the journal only (when one is set). */
int log_writer_new(const char *path, uint64_t max_size, unsigned max_files, LogWriter **ret);
void log_writer_set_journal(LogWriter *w, Journal *j);
LogWriter *log_writer_free(LogWriter *w);

/* Output of the container: any bytes, in any pieces. ts stamps the lines
 * that complete in this piece. */
int log_writer_write(LogWriter *w, LogStream stream, const void *data, size_t len, const struct timespec *ts);
/* The stream ended: writes its open line, if any. */
int log_writer_end_stream(LogWriter *w, LogStream stream, const struct timespec *ts);
/* Opens the file again at its path (after someone else rotated it, as
 * kubelet does for CRI ReopenContainerLog). */
int log_writer_reopen(LogWriter *w);

/* "TIMESTAMP STREAM TAG " for a record; returns its length. */
size_t log_format_prefix(char buf[static LOG_PREFIX_MAX], const struct timespec *ts, LogStream stream, bool partial);
