/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <signal.h>
#include <sys/signalfd.h>

#include "helper.h"
#include "macro.h"

static int parse_int(const char *s, long min, long *ret) {
        char *end;
        long v;

        if (isempty(s))
                return -EINVAL;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno != 0 || *end || v < min || v > INT32_MAX)
                return -EINVAL;
        *ret = v;
        return 0;
}

int helper_parse_pid(const char *s, pid_t *ret) {
        long v;

        if (parse_int(s, 1, &v) < 0)
                return -EINVAL;
        *ret = (pid_t) v;
        return 0;
}

int helper_parse_fd(const char *s, int *ret) {
        long v;

        if (parse_int(s, 0, &v) < 0 || fcntl((int) v, F_SETFD, FD_CLOEXEC) < 0)
                return -EBADF;
        *ret = (int) v;
        return 0;
}

int helper_signal_fd(void) {
        sigset_t mask;
        int fd;

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return -errno;
        fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (fd < 0)
                return -errno;
        signal(SIGPIPE, SIG_IGN);
        return fd;
}
