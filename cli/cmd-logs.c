/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "roost-names.h"

/* roost logs reads the container's CRI-format log files itself (the same
 * user owns them): "TIMESTAMP STREAM P|F TEXT" lines, LogPath.N the older
 * rotated ones. */

typedef struct LogsOpts {
        bool follow, timestamps;
        char *tail, *since, *until;
} LogsOpts;

static const CliOption logs_options[] = {
        { 'f', "follow", OPT_BOOL, offsetof(LogsOpts, follow), NULL, "Follow log output", NULL },
        { 0, "since", OPT_STRING, offsetof(LogsOpts, since), "string", "Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)", NULL },
        { 'n', "tail", OPT_STRING, offsetof(LogsOpts, tail), "string", "Number of lines to show from the end of the logs", "\"all\"" },
        { 't', "timestamps", OPT_BOOL, offsetof(LogsOpts, timestamps), NULL, "Show timestamps", NULL },
        { 0, "until", OPT_STRING, offsetof(LogsOpts, until), "string", "Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)", NULL },
        {},
};

/* "2013-01-02T13:23:37Z", a date, or a duration like 42m, 2h30m, 10s before now -> µs */
static int parse_time(const char *flag, const char *s, gint64 *ret) {
        g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(s, NULL);
        gint64 total = 0;
        const char *p = s;

        if (t) {
                *ret = g_date_time_to_unix(t) * 1000000 + g_date_time_get_microsecond(t);
                return 0;
        }
        if (strlen(s) == 10) {
                g_autofree char *full = g_strdup_printf("%sT00:00:00Z", s);
                if ((t = g_date_time_new_from_iso8601(full, NULL))) {
                        *ret = g_date_time_to_unix(t) * 1000000;
                        return 0;
                }
        }
        while (*p) {
                char *end;
                double v = g_ascii_strtod(p, &end);
                gint64 unit;
                if (end == p)
                        goto bad;
                switch (*end) {
                case 's': unit = 1000000; break;
                case 'm': unit = 60 * 1000000LL; break;
                case 'h': unit = 3600 * 1000000LL; break;
                default: goto bad;
                }
                total += (gint64) (v * (double) unit);
                p = end + 1;
        }
        if (p == s)
                goto bad;
        *ret = g_get_real_time() - total;
        return 0;
bad:
        fprintf(stderr, "Error: invalid value for \"%s\": \"%s\" is neither a timestamp (2013-01-02T13:23:37Z) nor a duration (42m)\n",
                flag, s);
        return -1;
}

typedef struct LogLine {
        char *time;
        gint64 usec;
        bool err;
        char *text; /* with its newline when complete */
} LogLine;

static void log_line_free(LogLine *l) {
        g_free(l->time);
        g_free(l->text);
        g_free(l);
}

/* Parses complete lines of text; a trailing partial line stays in *rest. */
static void parse_lines(GString *buf, GPtrArray *out, GString *pending) {
        char *p = buf->str, *nl;

        while ((nl = strchr(p, '\n'))) {
                g_auto(GStrv) f = NULL;
                *nl = 0;
                f = g_strsplit(p, " ", 4);
                if (g_strv_length(f) >= 3) {
                        bool partial = g_str_equal(f[2], "P");
                        g_string_append(pending, f[3] ? f[3] : "");
                        if (!partial) {
                                LogLine *l = g_new0(LogLine, 1);
                                g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(f[0], NULL);
                                l->time = g_strdup(f[0]);
                                l->usec = t ? g_date_time_to_unix(t) * 1000000 + g_date_time_get_microsecond(t) : 0;
                                l->err = g_str_equal(f[1], "stderr");
                                g_string_append_c(pending, '\n');
                                l->text = g_strdup(pending->str);
                                g_string_truncate(pending, 0);
                                g_ptr_array_add(out, l);
                        }
                }
                p = nl + 1;
        }
        g_string_erase(buf, 0, p - buf->str);
}

static void emit(LogLine *l, bool timestamps) {
        FILE *f = l->err ? stderr : stdout;
        if (timestamps)
                fprintf(f, "%s %s", l->time, l->text);
        else
                fputs(l->text, f);
        fflush(f);
}

static bool container_running(RoostContainer1 *c) {
        g_autoptr(GVariant) v = g_dbus_proxy_call_sync(G_DBUS_PROXY(c), "org.freedesktop.DBus.Properties.Get",
                                                       g_variant_new("(ss)", ROOST_CONTAINER_IFACE, "State"),
                                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
        g_autoptr(GVariant) inner = NULL;
        const char *s;
        if (!v)
                return false; /* removed */
        g_variant_get(v, "(v)", &inner);
        s = g_variant_get_string(inner, NULL);
        return g_str_equal(s, "running") || g_str_equal(s, "paused") || g_str_equal(s, "restarting") ||
               g_str_equal(s, "created");
}

static int run_logs(const Command *cmd, void *o, int argc, char **argv) {
        LogsOpts *opts = o;
        g_autofree char *path = NULL, *log_path = NULL;
        g_autoptr(RoostContainer1) c = NULL;
        g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func((GDestroyNotify) log_line_free);
        g_autoptr(GString) buf = g_string_new(NULL), pending = g_string_new(NULL);
        gint64 since = 0, until = 0;
        long tail = -1;
        int fd = -1;
        guint first = 0;

        if (opts->since && parse_time("--since", opts->since, &since) < 0)
                return EXIT_ROOST_ERROR;
        if (opts->until && parse_time("--until", opts->until, &until) < 0)
                return EXIT_ROOST_ERROR;
        if (opts->tail && !g_str_equal(opts->tail, "all")) {
                char *end;
                tail = strtol(opts->tail, &end, 10);
                if (*end || tail < 0)
                        return cli_fail("invalid value for --tail: \"%s\" (a number, or all)", opts->tail);
        }
        if (cli_connect() < 0 || !(path = cli_container_path(argv[0])) || !(c = cli_container_proxy(path)))
                return EXIT_ROOST_ERROR;
        {
                g_autoptr(GVariant) v = g_dbus_proxy_call_sync(G_DBUS_PROXY(c), "org.freedesktop.DBus.Properties.Get",
                                                               g_variant_new("(ss)", ROOST_CONTAINER_IFACE, "LogPath"),
                                                               G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
                g_autoptr(GVariant) inner = NULL;
                if (!v)
                        return cli_fail("cannot read the log path of %s", argv[0]);
                g_variant_get(v, "(v)", &inner);
                log_path = g_variant_dup_string(inner, NULL);
        }
        if (!*log_path)
                return cli_fail("configured logging driver does not support reading: container %s runs with --log-driver none",
                                argv[0]);

        /* rotated files first, oldest first */
        for (int n = 100; n >= 0; n--) {
                g_autofree char *p = n ? g_strdup_printf("%s.%d", log_path, n) : g_strdup(log_path);
                g_autofree char *text = NULL;
                if (!g_file_get_contents(p, &text, NULL, NULL))
                        continue;
                g_string_append(buf, text);
                parse_lines(buf, lines, pending);
        }
        if (tail >= 0 && (guint) tail < lines->len)
                first = lines->len - (guint) tail;
        for (guint i = first; i < lines->len; i++) {
                LogLine *l = lines->pdata[i];
                if ((since && l->usec < since) || (until && l->usec > until))
                        continue;
                emit(l, opts->timestamps);
        }
        if (!opts->follow)
                return 0;

        /* follow: read what the current file gets, until the container stops */
        {
                int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
                g_autofree char *dir = g_path_get_dirname(log_path);
                struct stat st;
                off_t pos = 0;
                bool stopping = false;

                if (ino >= 0)
                        (void) inotify_add_watch(ino, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO);
                fd = open(log_path, O_RDONLY | O_CLOEXEC);
                if (fd >= 0 && fstat(fd, &st) == 0)
                        pos = st.st_size;
                g_string_truncate(buf, 0);
                for (;;) {
                        struct pollfd p = { .fd = ino, .events = POLLIN };
                        char b[65536];
                        ssize_t n;
                        struct stat now;

                        (void) poll(&p, 1, 250);
                        if (ino >= 0)
                                while (read(ino, b, sizeof b) > 0)
                                        ;
                        /* rotated: the path is a new file now */
                        if (stat(log_path, &now) == 0 && fd >= 0 && fstat(fd, &st) == 0 && now.st_ino != st.st_ino) {
                                while ((n = pread(fd, b, sizeof b, pos)) > 0) {
                                        g_string_append_len(buf, b, n);
                                        pos += n;
                                }
                                close(fd);
                                fd = open(log_path, O_RDONLY | O_CLOEXEC);
                                pos = 0;
                        } else if (fd < 0)
                                fd = open(log_path, O_RDONLY | O_CLOEXEC);
                        while (fd >= 0 && (n = pread(fd, b, sizeof b, pos)) > 0) {
                                g_string_append_len(buf, b, n);
                                pos += n;
                        }
                        {
                                g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func((GDestroyNotify) log_line_free);
                                parse_lines(buf, fresh, pending);
                                for (guint i = 0; i < fresh->len; i++) {
                                        LogLine *l = fresh->pdata[i];
                                        if (until && l->usec > until)
                                                return 0;
                                        emit(l, opts->timestamps);
                                }
                        }
                        if (stopping)
                                break;
                        /* one more pass after it stopped, for the last lines */
                        if (!container_running(c))
                                stopping = true;
                }
                if (ino >= 0)
                        close(ino);
                if (fd >= 0)
                        close(fd);
        }
        return 0;
}

const Command cmd_logs = {
        .name = "logs", .usage = "[OPTIONS] CONTAINER", .summary = "Fetch the logs of a container",
        .aliases = "roost container logs, roost logs", .group = GROUP_OTHER, .options = logs_options,
        .opts_size = sizeof(LogsOpts), .min_args = 1, .max_args = 1, .run = run_logs,
};
