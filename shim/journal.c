/* SPDX-License-Identifier: Apache-2.0 */
#include <sys/socket.h>
#include <sys/uio.h>

#include "journal-send.h"
#include "journal.h"
#include "log.h"

struct Journal {
        int fd;
        char *id_short, *id_full, *name, *tag, *ident;
        bool warned;
};

Journal *journal_writer_free(Journal *j) {
        if (!j)
                return NULL;
        safe_close(j->fd);
        free(j->id_short);
        free(j->id_full);
        free(j->name);
        free(j->tag);
        free(j->ident);
        free(j);
        return NULL;
}

int journal_writer_new(const char *socket_path, const char *id, const char *name, const char *tag, Journal **ret) {
        Journal *j;
        char short_id[13];
        int fd;

        fd = journal_open(socket_path);
        if (fd < 0)
                return fd;
        j = calloc(1, sizeof *j);
        if (!j) {
                close(fd);
                return -ENOMEM;
        }
        j->fd = fd;
        snprintf(short_id, sizeof short_id, "%s", id);
        tag = tag ?: name;
        j->id_short = strjoin("CONTAINER_ID=", short_id);
        j->id_full = strjoin("CONTAINER_ID_FULL=", id);
        j->name = strjoin("CONTAINER_NAME=", name);
        j->tag = strjoin("CONTAINER_TAG=", tag);
        j->ident = strjoin("SYSLOG_IDENTIFIER=", tag);
        if (!j->id_short || !j->id_full || !j->name || !j->tag || !j->ident) {
                journal_writer_free(j);
                return -ENOMEM;
        }
        *ret = j;
        return 0;
}

void journal_writer_line(Journal *j, LogStream stream, bool partial, const uint8_t *text, size_t len) {
        _cleanup_free_ char *message = malloc(len + sizeof "MESSAGE=");
        struct iovec iov[8];
        size_t n = 0;
        int r;

        if (!message)
                return;
        memcpy(message, "MESSAGE=", strlen("MESSAGE="));
        memcpy(message + strlen("MESSAGE="), text, len);
        iov[n++] = (struct iovec) { message, strlen("MESSAGE=") + len };
        iov[n++] = stream == LOG_STREAM_STDERR ? (struct iovec) { "PRIORITY=3", 10 } : (struct iovec) { "PRIORITY=6", 10 };
        iov[n++] = (struct iovec) { j->id_short, strlen(j->id_short) };
        iov[n++] = (struct iovec) { j->id_full, strlen(j->id_full) };
        iov[n++] = (struct iovec) { j->name, strlen(j->name) };
        iov[n++] = (struct iovec) { j->tag, strlen(j->tag) };
        iov[n++] = (struct iovec) { j->ident, strlen(j->ident) };
        if (partial)
                iov[n++] = (struct iovec) { "CONTAINER_PARTIAL_MESSAGE=true", strlen("CONTAINER_PARTIAL_MESSAGE=true") };

        r = journal_sendv(j->fd, iov, n, MSG_DONTWAIT);
        if (r < 0 && !j->warned) {
                log_warning_errno(r, "Failed to send a container log line to the journal (dropping such lines): %m");
                j->warned = true;
        } else if (r >= 0)
                j->warned = false;
}
