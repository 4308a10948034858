/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <syslog.h>

#include "macro.h"

/* Logging for roost's programs. To the journal, with structured fields, when
 * stderr is the journal stream systemd gave us (JOURNAL_STREAM); else plain
 * lines on stderr prefixed with the program name. Every log_*_errno() call
 * returns the negative errno it was given, so errors are logged once and
 * passed on: `return log_error_errno(r, "Failed to mount %s: %m", path);` */

void log_setup(const char *program);
void log_set_max_level(int level);
int log_get_max_level(void);
bool log_to_journal(void);
/* Logs to the journal from now on, whatever stderr is (for programs that
 * run detached, like roost-shim), adding fields (newline-separated
 * KEY=value, kept by reference, may be NULL) to every entry. Fails when
 * journald's socket is not there; logging then stays as it was. */
int log_open_journal(const char *fields);

/* The last message logged at LOG_ERR or worse, or NULL. */
const char *log_last_error_message(void);

/* fields: NULL, or newline-separated KEY=value pairs added to the entry. */
int log_internal(int level, int error, const char *fields, const char *fmt, ...) _printf_(4, 5);

#define log_full_errno(level, error, ...)                                  \
        ({                                                                 \
                int _l_ = (level), _e_ = (error);                          \
                (_l_ <= log_get_max_level())                               \
                        ? log_internal(_l_, _e_, NULL, __VA_ARGS__)        \
                        : (_e_ > 0 ? -_e_ : _e_);                          \
        })

#define log_debug(...) log_full_errno(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...) log_full_errno(LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...) log_full_errno(LOG_NOTICE, 0, __VA_ARGS__)
#define log_warning(...) log_full_errno(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...) log_full_errno(LOG_ERR, 0, __VA_ARGS__)

#define log_debug_errno(e, ...) log_full_errno(LOG_DEBUG, e, __VA_ARGS__)
#define log_info_errno(e, ...) log_full_errno(LOG_INFO, e, __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_WARNING, e, __VA_ARGS__)
#define log_error_errno(e, ...) log_full_errno(LOG_ERR, e, __VA_ARGS__)

/* With extra journal fields, e.g. "CONTAINER_ID=abc\nIMAGE=busybox". */
#define log_fields(level, fields, ...) log_internal((level), 0, (fields), __VA_ARGS__)

#define log_oom() log_error_errno(ENOMEM, "Out of memory.")
