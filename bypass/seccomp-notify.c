/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "ns-util.h"
#include "seccomp-notify.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

/* Enough for the state JSON crun sends; what does not fit is not needed. */
#define STATE_MAX 4096

int bypass_listener_bind(const char *path, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        mode_t old;
        int r = 0;

        if (strlen(path) >= sizeof sa.sun_path)
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        (void) unlink(path);
        old = umask(0177);
        if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                r = -errno;
        umask(old);
        if (r < 0)
                return r;
        if (listen(fd, 16) < 0)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static bool is_notify_fd(int fd) {
        uint64_t id = 0;

        /* a seccomp listener answers ID_VALID (ENOENT for an unknown id);
         * anything else says ENOTTY or EINVAL */
        return ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0 || errno == ENOENT;
}

int bypass_listener_take(int listen_fd, int *ret_notify_fd) {
        _cleanup_close_ int conn = -EBADF, fd = -EBADF;
        union {
                struct cmsghdr cmsg;
                char buf[CMSG_SPACE(sizeof(int) * 4)];
        } control;
        _cleanup_free_ char *state = malloc(STATE_MAX);
        struct iovec iov = { state, STATE_MAX };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                             .msg_controllen = sizeof control.buf };
        struct timeval tv = { .tv_sec = 2 };
        ssize_t n;

        if (!state)
                return -ENOMEM;
        conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (conn < 0)
                return errno == EWOULDBLOCK ? -EAGAIN : -errno;
        /* the runtime sends state and fd in one message right after connecting */
        (void) setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
        if (n < 0)
                return -errno;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < k; i++) {
                        int got;
                        memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof got);
                        if (fd < 0)
                                fd = got;
                        else
                                safe_close(got);
                }
        }
        if (fd < 0 || !is_notify_fd(fd))
                return -EBADMSG;
        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
                return -errno;
        *ret_notify_fd = TAKE_FD(fd);
        return 0;
}

static bool call_alive(int notify_fd, uint64_t id) {
        return ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

int bypass_call_recv(int notify_fd, BypassCall *ret) {
        struct seccomp_notif req = {};

        if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
                return -errno;
        /* a call of another ABI (x86 on x86_64) has other numbers: -1 */
        *ret = (BypassCall) { .id = req.id, .pid = (pid_t) req.pid,
                              .nr = req.data.arch == BYPASS_NATIVE_ARCH ? req.data.nr : -1 };
        memcpy(ret->args, req.data.args, sizeof ret->args);
        if (ret->nr == SYS_bind && req.pid != 0) {
                size_t len = (size_t) req.data.args[2];
                struct iovec local = { &ret->addr, MIN(len, sizeof ret->addr) };
                struct iovec remote = { (void *) (uintptr_t) req.data.args[1], local.iov_len };
                ssize_t n = local.iov_len > 0 ? process_vm_readv(ret->pid, &local, 1, &remote, 1, 0) : 0;
                ret->addr_len = n == (ssize_t) local.iov_len && len <= sizeof ret->addr ? (socklen_t) n : 0;
        }
        if (!call_alive(notify_fd, req.id))
                return -ENOENT;
        return 0;
}

static int respond(int notify_fd, const BypassCall *c, int64_t val, int error, uint32_t flags) {
        struct seccomp_notif_resp resp = { .id = c->id, .val = val, .error = error, .flags = flags };

        if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
                return -errno;
        return 0;
}

int bypass_call_continue(int notify_fd, const BypassCall *c) {
        return respond(notify_fd, c, 0, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
}

int bypass_call_fail(int notify_fd, const BypassCall *c, int error) {
        return respond(notify_fd, c, 0, -abs(error), 0);
}

int bypass_call_replace(int notify_fd, const BypassCall *c, int target_fd, int src_fd) {
        struct seccomp_notif_addfd add = {
                .id = c->id,
                .flags = SECCOMP_ADDFD_FLAG_SETFD,
                .srcfd = (uint32_t) src_fd,
                .newfd = (uint32_t) target_fd,
        };
        bool cloexec = false;
        int r;

        r = bypass_caller_fd_cloexec(c, target_fd, &cloexec);
        if (r < 0)
                return r;
        add.newfd_flags = cloexec ? O_CLOEXEC : 0;
        if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_ADDFD, &add) < 0)
                return -errno;
        return respond(notify_fd, c, 0, 0, 0);
}

static int caller_pidfd(const BypassCall *c) {
        int fd = (int) syscall(SYS_pidfd_open, c->pid, 0);

        /* a thread other than the leader needs a thread pidfd (Linux 6.9) */
        if (fd < 0 && errno == EINVAL)
                fd = (int) syscall(SYS_pidfd_open, c->pid, PIDFD_THREAD);
        return fd < 0 ? -errno : fd;
}

int bypass_caller_fd(const BypassCall *c, int fd, int *ret) {
        _cleanup_close_ int pidfd = caller_pidfd(c);
        int got;

        if (pidfd < 0)
                return pidfd;
        got = (int) syscall(SYS_pidfd_getfd, pidfd, fd, 0);
        if (got < 0)
                return -errno;
        *ret = got;
        return 0;
}

int bypass_caller_fd_cloexec(const BypassCall *c, int fd, bool *ret) {
        char path[64];
        _cleanup_free_ char *text = NULL;
        const char *flags;
        int r;

        snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int) c->pid, fd);
        r = read_full_file(path, 4096, &text, NULL);
        if (r < 0)
                return r;
        flags = strstr(text, "flags:");
        if (!flags)
                return -EBADMSG;
        *ret = (strtoul(flags + 6, NULL, 8) & O_CLOEXEC) != 0;
        return 0;
}

void bypass_copy_socket_options(int from, int to) {
        static const struct {
                int level, name;
        } options[] = {
                { SOL_SOCKET, SO_REUSEADDR },    { SOL_SOCKET, SO_REUSEPORT },   { SOL_SOCKET, SO_KEEPALIVE },
                { IPPROTO_TCP, TCP_NODELAY },    { IPPROTO_TCP, TCP_DEFER_ACCEPT }, { IPPROTO_TCP, TCP_FASTOPEN },
                { IPPROTO_TCP, TCP_KEEPIDLE },   { IPPROTO_TCP, TCP_KEEPINTVL }, { IPPROTO_TCP, TCP_KEEPCNT },
                { IPPROTO_IPV6, IPV6_V6ONLY },
        };
        int flags;

        for (size_t i = 0; i < ELEMENTSOF(options); i++) {
                int v;
                socklen_t len = sizeof v;
                if (getsockopt(from, options[i].level, options[i].name, &v, &len) < 0 || len != sizeof v)
                        continue;
                (void) setsockopt(to, options[i].level, options[i].name, &v, sizeof v);
        }
        flags = fcntl(from, F_GETFL);
        if (flags >= 0)
                (void) fcntl(to, F_SETFL, (fcntl(to, F_GETFL) & ~O_NONBLOCK) | (flags & O_NONBLOCK));
}
