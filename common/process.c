/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "log.h"
#include "ns-util.h"
#include "process.h"

#define OUTPUT_MAX (64 * 1024)

static long long now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int find_executable(const char *name, char **ret) {
        const char *path = getenv("PATH") ?: "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin";

        if (strchr(name, '/')) {
                if (access(name, X_OK) < 0)
                        return -errno;
                *ret = strdup(name);
                return *ret ? 0 : -ENOMEM;
        }
        for (const char *p = path; *p;) {
                const char *end = strchrnul(p, ':');
                _cleanup_free_ char *f = NULL;
                if (asprintf(&f, "%.*s/%s", (int) (end - p), p, name) < 0)
                        return -ENOMEM;
                if (end > p && access(f, X_OK) == 0) {
                        *ret = TAKE_PTR(f);
                        return 0;
                }
                p = *end ? end + 1 : end;
        }
        return -ENOENT;
}

static int status_to_result(int status) {
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        return -ECHILD;
}

int wait_child_timeout(pid_t pid, unsigned timeout_ms) {
        _cleanup_close_ int pidfd = pidfd_open_pid(pid);
        int status;

        if (pidfd >= 0) {
                struct pollfd p = { .fd = pidfd, .events = POLLIN };
                int k;
                do
                        k = poll(&p, 1, (int) timeout_ms);
                while (k < 0 && errno == EINTR);
                if (k == 0) {
                        kill(pid, SIGKILL);
                        (void) waitpid(pid, NULL, 0);
                        return -ETIMEDOUT;
                }
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        return status_to_result(status);
}

int spawn_wait(char *const argv[], unsigned timeout_ms, char **ret_output) {
        _cleanup_close_pair_ int pipefd[2] = { -EBADF, -EBADF };
        _cleanup_free_ char *exe = NULL, *out = NULL;
        size_t len = 0;
        long long deadline;
        pid_t pid;
        int r, status;

        r = find_executable(argv[0], &exe);
        if (r < 0)
                return r;
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return -errno;
        out = malloc(OUTPUT_MAX + 1);
        if (!out)
                return -ENOMEM;

        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
                if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(pipefd[1], STDOUT_FILENO) < 0 ||
                    dup2(pipefd[1], STDERR_FILENO) < 0)
                        _exit(127);
                sigset_t all;
                sigemptyset(&all);
                sigprocmask(SIG_SETMASK, &all, NULL);
                execv(exe, argv);
                _exit(127);
        }
        pipefd[1] = safe_close(pipefd[1]);

        deadline = now_ms() + timeout_ms;
        for (;;) {
                struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
                long long left = deadline - now_ms();
                ssize_t n;
                char sink[4096];

                if (left <= 0) {
                        kill(pid, SIGKILL);
                        (void) waitpid(pid, NULL, 0);
                        return -ETIMEDOUT;
                }
                r = poll(&p, 1, (int) left);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0)
                        continue;
                if (len < OUTPUT_MAX)
                        n = read(pipefd[0], out + len, OUTPUT_MAX - len);
                else
                        n = read(pipefd[0], sink, sizeof sink);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                if (len < OUTPUT_MAX)
                        len += (size_t) n;
        }
        out[len] = 0;

        r = wait_child_timeout(pid, (unsigned) MAX(deadline - now_ms(), 1));
        if (r < 0)
                return r;
        status = r;
        if (ret_output)
                *ret_output = TAKE_PTR(out);
        return status;
}
