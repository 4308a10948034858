/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "fileio.h"
#include "journal.h"
#include "log-writer.h"
#include "log.h"
#include "time-util.h"

#define LOG_STAGE_SIZE 8192

struct LogWriter {
        char *path;
        int fd;
        uint64_t max_size;
        unsigned max_files;
        uint64_t size;
        bool failed; /* a write failed: said once, then quiet */
        Journal *journal;
        struct {
                uint8_t *buf; /* LOG_LINE_MAX bytes, allocated on first use */
                size_t len;
        } open_line[2];
        size_t stage_len;
        uint8_t stage[LOG_STAGE_SIZE]; /* records on their way to the file */
};

size_t log_format_prefix(char buf[static LOG_PREFIX_MAX], const struct timespec *ts, LogStream stream, bool partial) {
        char t[RFC3339NANO_MAX];
        int n;

        n = snprintf(buf, LOG_PREFIX_MAX, "%s %s %c ", format_rfc3339nano(t, ts),
                     stream == LOG_STREAM_STDERR ? "stderr" : "stdout", partial ? 'P' : 'F');
        return n < 0 ? 0 : MIN((size_t) n, (size_t) LOG_PREFIX_MAX - 1);
}

static int log_writer_open_file(LogWriter *w, bool truncate) {
        struct stat st;
        int fd;

        fd = open(w->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY | (truncate ? O_TRUNC : 0), 0600);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        safe_close(w->fd);
        w->fd = fd;
        w->size = (uint64_t) st.st_size;
        return 0;
}

int log_writer_new(const char *path, uint64_t max_size, unsigned max_files, LogWriter **ret) {
        LogWriter *w;
        int r;

        w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->fd = -EBADF;
        w->max_size = max_size;
        w->max_files = MAX(max_files, 1u);
        if (path) {
                w->path = strdup(path);
                if (!w->path) {
                        log_writer_free(w);
                        return -ENOMEM;
                }
                r = log_writer_open_file(w, false);
                if (r < 0) {
                        log_writer_free(w);
                        return r;
                }
        }
        *ret = w;
        return 0;
}

void log_writer_set_journal(LogWriter *w, Journal *j) {
        w->journal = j;
}

LogWriter *log_writer_free(LogWriter *w) {
        if (!w)
                return NULL;
        safe_close(w->fd);
        free(w->path);
        free(w->open_line[0].buf);
        free(w->open_line[1].buf);
        journal_writer_free(w->journal);
        free(w);
        return NULL;
}

static void log_writer_failed(LogWriter *w, int r) {
        if (!w->failed)
                log_error_errno(r, "Failed to write the container log %s, lines are being lost: %m", w->path);
        w->failed = true;
}

static void log_writer_flush_stage(LogWriter *w) {
        int r;

        if (w->stage_len == 0 || w->fd < 0) {
                w->stage_len = 0;
                return;
        }
        r = loop_write(w->fd, w->stage, w->stage_len);
        if (r < 0)
                log_writer_failed(w, r);
        else
                w->failed = false;
        w->size += w->stage_len;
        w->stage_len = 0;
}

static int log_writer_rotate(LogWriter *w) {
        char from[PATH_MAX], to[PATH_MAX];

        log_writer_flush_stage(w);
        for (unsigned i = w->max_files - 1; i >= 1; i--) {
                if (i == 1)
                        snprintf(from, sizeof from, "%s", w->path);
                else
                        snprintf(from, sizeof from, "%s.%u", w->path, i - 1);
                snprintf(to, sizeof to, "%s.%u", w->path, i);
                if (rename(from, to) < 0 && errno != ENOENT)
                        log_warning_errno(errno, "Failed to rotate %s to %s: %m", from, to);
        }
        /* with one file, start it again; else the old one was renamed away */
        return log_writer_open_file(w, w->max_files == 1);
}

static void log_writer_record(LogWriter *w, LogStream stream, bool partial, const uint8_t *text, size_t len,
                              const struct timespec *ts) {
        char prefix[LOG_PREFIX_MAX];
        size_t plen, total;

        if (w->journal)
                journal_writer_line(w->journal, stream, partial, text, len);
        if (w->fd < 0)
                return;

        plen = log_format_prefix(prefix, ts, stream, partial);
        total = plen + len + 1;
        if (w->max_size > 0 && w->size + w->stage_len > 0 && w->size + w->stage_len + total > w->max_size) {
                int r = log_writer_rotate(w);
                if (r < 0) {
                        log_writer_failed(w, r);
                        return;
                }
        }
        if (w->stage_len + total > sizeof w->stage)
                log_writer_flush_stage(w);
        if (total <= sizeof w->stage) {
                memcpy(w->stage + w->stage_len, prefix, plen);
                memcpy(w->stage + w->stage_len + plen, text, len);
                w->stage[w->stage_len + plen + len] = '\n';
                w->stage_len += total;
                return;
        }
        /* a long record goes straight out */
        struct iovec iov[3] = { { prefix, plen }, { (void *) text, len }, { "\n", 1 } };
        ssize_t k = writev(w->fd, iov, 3);
        if (k < 0)
                log_writer_failed(w, -errno);
        else if ((size_t) k < total)
                log_writer_failed(w, -ENOSPC);
        w->size += total;
}

int log_writer_write(LogWriter *w, LogStream stream, const void *data, size_t len, const struct timespec *ts) {
        const uint8_t *p = data, *end = p + len;
        typeof(w->open_line[0]) *ol = &w->open_line[stream];

        while (p < end) {
                const uint8_t *nl = memchr(p, '\n', (size_t) (end - p));
                const uint8_t *seg_end = nl ?: end;
                size_t seg = (size_t) (seg_end - p);

                if (ol->len == 0 && nl && seg <= LOG_LINE_MAX) {
                        /* the common case: a whole line in the piece */
                        log_writer_record(w, stream, false, p, seg, ts);
                        p = nl + 1;
                        continue;
                }
                if (ol->len == LOG_LINE_MAX && seg > 0) {
                        /* the line goes on past a full buffer: a piece */
                        log_writer_record(w, stream, true, ol->buf, ol->len, ts);
                        ol->len = 0;
                }
                if (!ol->buf) {
                        ol->buf = malloc(LOG_LINE_MAX);
                        if (!ol->buf)
                                return -ENOMEM;
                }
                size_t take = MIN(seg, LOG_LINE_MAX - ol->len);
                memcpy(ol->buf + ol->len, p, take);
                ol->len += take;
                p += take;
                if (p == seg_end && nl) {
                        log_writer_record(w, stream, false, ol->buf, ol->len, ts);
                        ol->len = 0;
                        p = nl + 1;
                }
        }
        log_writer_flush_stage(w);
        return 0;
}

int log_writer_end_stream(LogWriter *w, LogStream stream, const struct timespec *ts) {
        typeof(w->open_line[0]) *ol = &w->open_line[stream];

        if (ol->len > 0) {
                log_writer_record(w, stream, false, ol->buf, ol->len, ts);
                ol->len = 0;
        }
        log_writer_flush_stage(w);
        return 0;
}

int log_writer_reopen(LogWriter *w) {
        log_writer_flush_stage(w);
        if (!w->path)
                return 0;
        return log_writer_open_file(w, false);
}
