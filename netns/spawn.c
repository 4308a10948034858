/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "spawn.h"
#include "macro.h"

#define LINES_MAX (64 * 1024)

static long long now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static _noreturn_ void child(char *const argv[], int ready_fd) {
        char **args;
        size_t n = strv_length(argv);
        sigset_t all;
        int fd;

        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        (void) setsid();
        if (ready_fd != 3) {
                if (dup2(ready_fd, 3) < 0)
                        _exit(127);
        } else
                (void) fcntl(3, F_SETFD, 0);
        (void) syscall(SYS_close_range, 4, ~0U, 0);
        fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd >= 0)
                (void) dup2(fd, STDIN_FILENO);

        args = calloc(n + 2, sizeof *args);
        if (!args)
                _exit(127);
        args[0] = argv[0];
        args[1] = (char *) "--ready-fd=3";
        for (size_t i = 1; i < n; i++)
                args[i + 1] = argv[i];
        execv(argv[0], args);
        _exit(127);
}

/* The last line of buf (without its newline). */
static const char *last_line(char *buf, size_t len) {
        char *p;

        while (len > 0 && buf[len - 1] == '\n')
                buf[--len] = 0;
        p = memrchr(buf, '\n', len);
        return p ? p + 1 : buf;
}

int netns_helper_start(char *const argv[], unsigned timeout_ms,
                       void (*started)(pid_t pid, void *userdata), void *userdata,
                       pid_t *ret_pid, char **ret_lines, char **ret_error) {
        _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF };
        _cleanup_free_ char *buf = NULL;
        long long deadline = now_ms() + timeout_ms;
        size_t len = 0;
        const char *last;
        pid_t pid;
        int r = 0;

        if (!argv || !argv[0])
                return -EINVAL;
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        buf = malloc(LINES_MAX + 1);
        if (!buf)
                return -ENOMEM;
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0)
                child(argv, p[1]);
        p[1] = safe_close(p[1]);
        if (started)
                started(pid, userdata);

        /* until EOF: the helper closes the ready fd after READY or ERROR */
        for (;;) {
                struct pollfd pfd = { .fd = p[0], .events = POLLIN };
                long long left = deadline - now_ms();
                ssize_t n;
                int k;

                if (left <= 0) {
                        r = -ETIMEDOUT;
                        break;
                }
                k = poll(&pfd, 1, (int) left);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0) {
                        r = k == 0 ? -ETIMEDOUT : -errno;
                        break;
                }
                if (len == LINES_MAX) {
                        r = -EMSGSIZE;
                        break;
                }
                n = read(p[0], buf + len, LINES_MAX - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                len += (size_t) n;
        }
        buf[len] = 0;
        last = last_line(buf, len);

        if (r >= 0 && startswith(last, "READY")) {
                if (ret_lines)
                        *ret_lines = TAKE_PTR(buf);
                *ret_pid = pid;
                return 0;
        }
        /* failed: make sure it is gone, and say why */
        if (r < 0)
                kill(pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);
        if (r >= 0)
                r = startswith(last, "ERROR ") ? -EPROTO : -ECHILD;
        if (ret_error && startswith(last, "ERROR "))
                *ret_error = strdup(last + strlen("ERROR "));
        return r;
}
