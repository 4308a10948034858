/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "journal-send.h"
#include "log.h"

static const char *log_program = "roost";
static int log_max_level = LOG_INFO;
static bool log_journal;
static int log_journal_fd = -EBADF;
static const char *log_default_fields; /* newline-separated, added to every journal entry */
static char log_last_error[512]; /* always NUL-terminated: the last byte is never written */

const char *log_last_error_message(void) {
        return log_last_error[0] ? log_last_error : NULL;
}

static bool stderr_is_journal(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        char *end;

        /* "DEV:INO" (not sscanf: it would pull the whole scanf machinery
         * into roost-shim's static binary) */
        if (!e)
                return false;
        dev = strtoull(e, &end, 10);
        if (*end != ':')
                return false;
        ino = strtoull(end + 1, &end, 10);
        if (*end)
                return false;
        if (fstat(STDERR_FILENO, &st) < 0)
                return false;
        return st.st_dev == dev && st.st_ino == ino;
}

void log_setup(const char *program) {
        const char *e;

        if (program)
                log_program = program;
        log_journal = stderr_is_journal();

        e = getenv("ROOST_LOG_LEVEL");
        if (e) {
                if (streq(e, "debug"))
                        log_max_level = LOG_DEBUG;
                else if (streq(e, "info"))
                        log_max_level = LOG_INFO;
                else if (streq(e, "warning"))
                        log_max_level = LOG_WARNING;
                else if (streq(e, "error"))
                        log_max_level = LOG_ERR;
        }
}

void log_set_max_level(int level) {
        log_max_level = level;
}

int log_get_max_level(void) {
        return log_max_level;
}

bool log_to_journal(void) {
        return log_journal;
}

int log_open_journal(const char *fields) {
        int fd = journal_open(NULL);

        if (fd < 0)
                return fd;
        safe_close(log_journal_fd);
        log_journal_fd = fd;
        log_journal = true;
        log_default_fields = fields;
        return 0;
}

static void log_split_fields(const char *fields, char **copy, struct iovec *iov, size_t max, size_t *n) {
        if (!fields || !(*copy = strdup(fields)))
                return;
        for (char *s = *copy, *save = NULL, *t; *n < max && (t = strtok_r(s, "\n", &save)); s = NULL)
                iov[(*n)++] = (struct iovec) { t, strlen(t) };
}

int log_internal(int level, int error, const char *fields, const char *fmt, ...) {
        char msg[2048];
        va_list ap;
        int saved = errno;

        if (error < 0)
                error = -error;
        /* so that %m prints the error we were given */
        errno = error ?: saved;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);

        if (level <= LOG_ERR)
                memccpy(log_last_error, msg, 0, sizeof log_last_error - 1);

        if (log_journal) {
                struct iovec iov[32];
                char prio[16], errbuf[32], *copy = NULL, *default_copy = NULL;
                size_t n = 0;
                _cleanup_free_ char *m = strjoin("MESSAGE=", msg);

                snprintf(prio, sizeof prio, "PRIORITY=%d", level);
                iov[n++] = (struct iovec) { prio, strlen(prio) };
                if (m)
                        iov[n++] = (struct iovec) { m, strlen(m) };
                if (error > 0) {
                        snprintf(errbuf, sizeof errbuf, "ERRNO=%d", error);
                        iov[n++] = (struct iovec) { errbuf, strlen(errbuf) };
                }
                log_split_fields(fields, &copy, iov, ELEMENTSOF(iov), &n);
                log_split_fields(log_default_fields, &default_copy, iov, ELEMENTSOF(iov), &n);
                if (log_journal_fd < 0)
                        log_journal_fd = journal_open(NULL);
                if (log_journal_fd >= 0)
                        (void) journal_sendv(log_journal_fd, iov, n, 0);
                free(copy);
                free(default_copy);
        } else
                fprintf(stderr, "%s: %s\n", log_program, msg);

        errno = saved;
        return error > 0 ? -error : 0;
}
