/* SPDX-License-Identifier: Apache-2.0 */
#include <sys/socket.h>
#include <sys/un.h>

#include "console.h"
#include "log.h"
#include "server.h"
#include "shim-proto.h"

int console_listen(Shim *s, const char *name) {
        return server_bind(s, name, 1);
}

int console_receive(int listen_fd) {
        union {
                struct cmsghdr h;
                uint8_t buf[CMSG_SPACE(sizeof(int) * 4)];
        } control = {};
        char byte[64];
        struct iovec iov = { byte, sizeof byte };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof control };
        _cleanup_close_ int conn = -EBADF;
        int master = -EBADF;

        conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (conn < 0)
                return errno == EAGAIN ? -ENOTCONN : -errno;
        if (recvmsg(conn, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT) < 0)
                return errno == EAGAIN ? -ENOMSG : -errno;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                int *fds = (int *) CMSG_DATA(c);
                for (size_t i = 0; i < n; i++) {
                        if (master < 0)
                                master = fds[i];
                        else
                                close(fds[i]);
                }
        }
        return master >= 0 ? master : -ENOMSG;
}

void console_close(Shim *s, int *listen_fd, const char *name) {
        if (*listen_fd < 0)
                return;
        *listen_fd = safe_close(*listen_fd);
        (void) unlinkat(s->dir_fd, name, 0);
}
