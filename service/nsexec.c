/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "fileio.h"
#include "log.h"
#include "ns-util.h"
#include "nsexec.h"
#include "process.h"

/* The child's exit status carries -result (errno values fit in 1..254). */
static _noreturn_ void child_main(pid_t holder, int ns_flags, NsFunc fn, void *userdata, int errfd) {
        char err[NSEXEC_ERR_MAX] = "";
        sigset_t all;
        int r;

        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
        r = ns_enter(holder, ns_flags);
        if (r < 0)
                snprintf(err, sizeof err, "cannot join the namespaces of the holder (PID %d): %s", (int) holder, strerror(-r));
        else
                r = fn(userdata, err, sizeof err);
        if (err[0])
                (void) loop_write(errfd, err, strnlen(err, sizeof err));
        _exit(r < 0 ? MIN(-r, 254) : 0);
}

int nsexec_start(Daemon *d, int ns_flags, NsFunc fn, void *userdata, NsChild *ret) {
        int p[2];
        pid_t pid;

        if (!d->holder || d->holder->pid <= 0)
                return -ESRCH;
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        pid = fork();
        if (pid < 0) {
                close_pair(p);
                return -errno;
        }
        if (pid == 0) {
                safe_close(p[0]);
                child_main(d->holder->pid, ns_flags, fn, userdata, p[1]);
        }
        safe_close(p[1]);
        *ret = (NsChild) { .pid = pid, .pidfd = pidfd_open_pid(pid), .errfd = p[0] };
        if (ret->pidfd < 0) {
                int r = ret->pidfd;
                nsexec_kill(ret);
                return r;
        }
        return 0;
}

static _noreturn_ void spawn_child(pid_t holder, int ns_flags, char *const argv[], const int *fds, size_t n_fds) {
        int tmp[16];
        sigset_t all;

        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (n_fds > ELEMENTSOF(tmp))
                _exit(127);
        /* move the fds out of the way first, so that fds[i] == j for j < n never clobbers one */
        for (size_t i = 0; i < n_fds; i++)
                tmp[i] = fds[i] >= 0 ? fcntl(fds[i], F_DUPFD_CLOEXEC, 64) : -1;
        for (size_t i = 0; i < n_fds; i++) {
                if (tmp[i] >= 0) {
                        if (dup2(tmp[i], (int) i) < 0)
                                _exit(127);
                } else if (i != STDERR_FILENO)
                        (void) close((int) i);
        }
        /* libraries may have opened descriptors without O_CLOEXEC */
        (void) syscall(SYS_close_range, (unsigned) MAX(n_fds, 3u), ~0U, CLOSE_RANGE_CLOEXEC);
        if (ns_flags != 0 && ns_enter(holder, ns_flags) < 0)
                _exit(126);
        execv(argv[0], argv);
        _exit(127);
}

int nsexec_spawn(Daemon *d, int ns_flags, char *const argv[], const int *fds, size_t n_fds, NsChild *ret) {
        pid_t pid;

        if (ns_flags != 0 && (!d || !d->holder || d->holder->pid <= 0))
                return -ESRCH;
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0)
                spawn_child(d && d->holder ? d->holder->pid : 0, ns_flags, argv, fds, n_fds);
        *ret = (NsChild) { .pid = pid, .pidfd = pidfd_open_pid(pid), .errfd = -EBADF };
        if (ret->pidfd < 0) {
                int r = ret->pidfd;
                nsexec_kill(ret);
                return r;
        }
        return 0;
}

int nsexec_finish(NsChild *c, char **ret_error) {
        _cleanup_free_ char *msg = NULL;
        int status, r;

        while (waitpid(c->pid, &status, 0) < 0)
                if (errno != EINTR) {
                        status = -1;
                        break;
                }
        if (c->errfd >= 0 && read_full_fd(c->errfd, NSEXEC_ERR_MAX, &msg, NULL) >= 0 && ret_error && msg && *msg)
                *ret_error = TAKE_PTR(msg);
        c->errfd = safe_close(c->errfd);
        c->pidfd = safe_close(c->pidfd);
        c->pid = 0;

        if (status == -1)
                return -ECHILD;
        if (WIFEXITED(status))
                return WEXITSTATUS(status) == 0 ? 0 : -WEXITSTATUS(status);
        r = -EINTR;
        if (ret_error && !*ret_error && asprintf(ret_error, "helper killed by signal %d", WTERMSIG(status)) < 0)
                *ret_error = NULL;
        return r;
}

void nsexec_kill(NsChild *c) {
        if (c->pid > 0) {
                kill(c->pid, SIGKILL);
                (void) waitpid(c->pid, NULL, 0);
        }
        c->errfd = safe_close(c->errfd);
        c->pidfd = safe_close(c->pidfd);
        c->pid = 0;
}

int nsexec_run(Daemon *d, int ns_flags, NsFunc fn, void *userdata, unsigned timeout_ms, char **ret_error) {
        NsChild c;
        int r;

        r = nsexec_start(d, ns_flags, fn, userdata, &c);
        if (r < 0)
                return r;
        {
                struct pollfd p = { .fd = c.pidfd, .events = POLLIN };
                do
                        r = poll(&p, 1, (int) timeout_ms);
                while (r < 0 && errno == EINTR);
        }
        if (r == 0) {
                nsexec_kill(&c);
                return -ETIMEDOUT;
        }
        return nsexec_finish(&c, ret_error);
}
