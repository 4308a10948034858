/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>

#include "fileio.h"
#include "ready.h"

static void vline(int fd, const char *prefix, const char *fmt, va_list ap) {
        char buf[4096];
        int n = 0;

        if (prefix)
                n = snprintf(buf, sizeof buf, "%s", prefix);
        n += vsnprintf(buf + n, sizeof buf - (size_t) n - 1, fmt, ap);
        if (n > (int) sizeof buf - 2)
                n = (int) sizeof buf - 2;
        buf[n++] = '\n';
        (void) loop_write(fd >= 0 ? fd : STDOUT_FILENO, buf, (size_t) n);
}

void ready_line(int fd, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vline(fd, NULL, fmt, ap);
        va_end(ap);
}

void ready_send(int fd, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vline(fd, NULL, fmt, ap);
        va_end(ap);
        if (fd >= 0)
                safe_close(fd);
}

void ready_fail(int fd, const char *message) {
        char m[2048];

        /* without a ready fd the error went to stderr with the log already */
        if (fd < 0)
                return;
        /* one line: a message with newlines would read as several */
        snprintf(m, sizeof m, "%s", message ?: "set-up failed");
        for (char *p = m; *p; p++)
                if (*p == '\n')
                        *p = ' ';
        ready_line(fd, "ERROR %s", m);
        safe_close(fd);
}
