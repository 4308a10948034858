/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <signal.h>
#include <strings.h>
#include <sys/wait.h>

#include "fileio.h"
#include "log.h"
#include "runtime.h"
#include "time-util.h"

#define RUNTIME_ARGS_MAX 32
#define RUNTIME_LOG_MAX (256u * 1024)

static bool runtime_is_runc(const Shim *s) {
        const char *base = strrchr(s->config.runtime, '/');
        return strstr(base ? base + 1 : s->config.runtime, "runc") != NULL;
}

/* Moves fd to 10 or above, so that dup2() onto 0..3 cannot clobber it. */
static int move_high(int fd) {
        return fd < 0 ? fd : fcntl(fd, F_DUPFD_CLOEXEC, 10);
}

static _noreturn_ void runtime_child(Shim *s, char **argv, const int stdio[3], const char *log_path) {
        sigset_t none;
        int fds[4];

        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);

        fds[0] = stdio[0] >= 0 ? move_high(stdio[0]) : open("/dev/null", O_RDONLY | O_CLOEXEC);
        fds[1] = stdio[1] >= 0 ? move_high(stdio[1]) : open("/dev/null", O_WRONLY | O_CLOEXEC);
        fds[2] = stdio[2] >= 0 ? move_high(stdio[2])
                               : open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        fds[3] = move_high(s->dir_fd);
        for (int i = 0; i < 4; i++)
                if (fds[i] < 0 || dup2(fds[i], i) < 0)
                        _exit(127);
        /* these belong to the shim's own service manager, not the runtime's */
        unsetenv("NOTIFY_SOCKET");
        unsetenv("LISTEN_FDS");
        unsetenv("LISTEN_PID");
        unsetenv("LISTEN_FDNAMES");
        execv(argv[0], argv);
        dprintf(STDERR_FILENO, "cannot execute %s: %m\n", argv[0]);
        _exit(127);
}

int runtime_call(Shim *s, const char *const *args, const int stdio[3], unsigned timeout_ms,
                 RuntimeDone done, void *userdata) {
        const char *argv[RUNTIME_ARGS_MAX];
        _cleanup_free_ char *log_path = NULL, *log_opt = NULL;
        RuntimeCall *c;
        size_t n = 0;
        pid_t pid;

        c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        c->id = ++s->next_call_id;
        snprintf(c->log_file, sizeof c->log_file, "runtime-%u.log", c->id);
        log_path = strjoin(s->state_dir, "/", c->log_file);
        if (!log_path) {
                free(c);
                return -ENOMEM;
        }
        (void) unlinkat(s->dir_fd, c->log_file, 0);

        argv[n++] = s->config.runtime;
        argv[n++] = "--root";
        argv[n++] = s->config.runtime_root;
        if (runtime_is_runc(s)) {
                argv[n++] = "--log";
                argv[n++] = log_path;
                argv[n++] = "--log-format";
                argv[n++] = "json";
        } else {
                log_opt = strjoin("--log=file:", log_path);
                if (!log_opt) {
                        free(c);
                        return -ENOMEM;
                }
                argv[n++] = log_opt;
                argv[n++] = "--log-format=json";
                argv[n++] = streq(s->config.cgroup, "disabled") ? "--cgroup-manager=disabled"
                                                                : "--cgroup-manager=cgroupfs";
        }
        for (const char *const *a = args; *a; a++) {
                if (n >= RUNTIME_ARGS_MAX - 1) {
                        free(c);
                        return -E2BIG;
                }
                argv[n++] = *a;
        }
        argv[n] = NULL;

        pid = fork();
        if (pid < 0) {
                free(c);
                return -errno;
        }
        if (pid == 0)
                runtime_child(s, (char **) argv, stdio, log_path);

        log_debug("Started %s %s (PID %d).", s->config.runtime, args[0], (int) pid);
        c->pid = pid;
        c->deadline = now_monotonic_ms() + timeout_ms;
        c->done = done;
        c->userdata = userdata;
        c->next = s->calls;
        s->calls = c;
        return 0;
}

/* Decodes the JSON string value of "key" in line (a flat JSON object, as
 * crun and runc log), into buf. */
static bool json_string_field(const char *line, const char *key, char *buf, size_t size) {
        char pattern[40];
        const char *p;
        size_t o = 0;

        snprintf(pattern, sizeof pattern, "\"%s\"", key);
        p = strstr(line, pattern);
        if (!p)
                return false;
        p += strlen(pattern);
        while (*p == ' ')
                p++;
        if (*p++ != ':')
                return false;
        while (*p == ' ')
                p++;
        if (*p++ != '"')
                return false;
        for (; *p && *p != '"' && o + 4 < size; p++) {
                char c = *p;
                if (c == '\\') {
                        switch (*++p) {
                        case 'n': case 'r': case 't': c = ' '; break;
                        case 'u': {
                                unsigned u = 0;
                                for (int i = 1; i <= 4; i++) {
                                        char h = p[i];
                                        if (!h)
                                                return false;
                                        u = u * 16 + (unsigned) (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
                                }
                                p += 4;
                                if (u < 0x80)
                                        c = u < 0x20 ? ' ' : (char) u;
                                else if (u < 0x800) {
                                        buf[o++] = (char) (0xc0 | (u >> 6));
                                        c = (char) (0x80 | (u & 0x3f));
                                } else if (u >= 0xd800 && u < 0xe000)
                                        c = '?';
                                else {
                                        buf[o++] = (char) (0xe0 | (u >> 12));
                                        buf[o++] = (char) (0x80 | ((u >> 6) & 0x3f));
                                        c = (char) (0x80 | (u & 0x3f));
                                }
                                break;
                        }
                        case 0: return false;
                        default: c = *p; /* \" \\ \/ */
                        }
                }
                buf[o++] = c;
        }
        buf[o] = 0;
        return true;
}

/* The runtime's last error: the last JSON log line of level "error" (or,
 * failing that, of any level), else the last plain line (what it printed
 * on stderr when that went to the log file). */
static char *runtime_read_error(Shim *s, const char *log_file) {
        _cleanup_free_ char *text = NULL;
        char best[1024] = "", plain[1024] = "", level[16], msg[1024];
        bool best_is_error = false;
        int r;

        r = read_full_file_at(s->dir_fd, log_file, RUNTIME_LOG_MAX, &text, NULL);
        if (r < 0)
                return NULL;
        for (char *line = text, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                strstrip_trailing(line);
                if (!*line)
                        continue;
                if (line[0] == '{' && json_string_field(line, "msg", msg, sizeof msg)) {
                        bool is_error = json_string_field(line, "level", level, sizeof level) &&
                                        (streq(level, "error") || streq(level, "fatal"));
                        if (is_error || !best_is_error) {
                                snprintf(best, sizeof best, "%s", msg);
                                best_is_error = is_error;
                        }
                } else
                        snprintf(plain, sizeof plain, "%s", line);
        }
        if (best[0])
                return strdup(best);
        return plain[0] ? strdup(plain) : NULL;
}

bool runtime_reaped(Shim *s, pid_t pid, int status) {
        RuntimeCall **pp, *c;
        _cleanup_free_ char *message = NULL;
        int result;

        for (pp = &s->calls; *pp && (*pp)->pid != pid; pp = &(*pp)->next)
                ;
        c = *pp;
        if (!c)
                return false;
        *pp = c->next;

        if (c->deadline == INT64_MAX)
                result = -ETIMEDOUT;
        else if (WIFEXITED(status))
                result = WEXITSTATUS(status);
        else
                result = -EINTR;
        message = runtime_read_error(s, c->log_file);
        (void) unlinkat(s->dir_fd, c->log_file, 0);
        log_debug("%s call %u (PID %d) ended: %d%s%s", s->config.runtime, c->id, (int) pid, result,
                  message ? ": " : "", strempty(message));
        if (result == -ETIMEDOUT && !message)
                message = strdup("the OCI runtime took too long and was killed");
        c->done(s, result, message, c->userdata);
        free(c);
        return true;
}

int runtime_check_timeouts(Shim *s, int64_t now) {
        int64_t next = INT64_MAX;

        for (RuntimeCall *c = s->calls; c; c = c->next) {
                if (c->deadline == INT64_MAX)
                        continue;
                if (c->deadline <= now) {
                        log_warning("%s (PID %d) takes too long, killing it.", s->config.runtime, (int) c->pid);
                        (void) kill(c->pid, SIGKILL);
                        c->deadline = INT64_MAX; /* marks it timed out */
                        continue;
                }
                next = MIN(next, c->deadline);
        }
        return next == INT64_MAX ? -1 : (int) MIN(next - now, (int64_t) INT32_MAX);
}

int runtime_error_exit_code(const char *message) {
        static const char *const not_found[] = {
                "executable file not found", "no such file or directory", "not a directory",
        };
        static const char *const cannot_invoke[] = {
                "permission denied", "operation not permitted", "is a directory", "exec format error",
        };

        /* only a message about the executable tells "not found" from
         * "cannot invoke": "open config.json: No such file or directory" is
         * roost's (or the bundle's) fault, 125 */
        if (!message || !strcasestr(message, "exec"))
                return 125;
        for (size_t i = 0; i < ELEMENTSOF(not_found); i++)
                if (strcasestr(message, not_found[i]))
                        return 127;
        for (size_t i = 0; i < ELEMENTSOF(cannot_invoke); i++)
                if (strcasestr(message, cannot_invoke[i]))
                        return 126;
        return 125;
}
