/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "macro.h"
#include "seccomp-notify.h"

#define TIMEOUT_MS 5000
/* what the child asks for; never really bound, the call is replaced */
#define ASKED_PORT 18081

/* what the child saw of one bind(), sent back over a pipe */
typedef struct Report {
        int ret; /* 0 or -errno */
        int port, nonblock, cloexec;
} Report;

static int listener_connect(const char *path) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (fd < 0)
                return -errno;
        g_strlcpy(sa.sun_path, path, sizeof sa.sun_path);
        if (connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
                safe_close(fd);
                return -errno;
        }
        return fd;
}

/* what an OCI runtime sends to linux.seccomp.listenerPath; fd < 0: none */
static int send_state(int sock, int fd) {
        static const char state[] = "{\"ociVersion\":\"1.0.2\",\"fds\":[\"seccompFd\"]}";
        union {
                struct cmsghdr cmsg;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct iovec iov = { (void *) state, sizeof state - 1 };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

        if (fd >= 0) {
                mh.msg_control = control.buf;
                mh.msg_controllen = sizeof control.buf;
                control.cmsg = (struct cmsghdr) { .cmsg_len = CMSG_LEN(sizeof fd), .cmsg_level = SOL_SOCKET,
                                                  .cmsg_type = SCM_RIGHTS };
                memcpy(CMSG_DATA(&control.cmsg), &fd, sizeof fd);
        }
        return sendmsg(sock, &mh, MSG_NOSIGNAL) == (ssize_t) iov.iov_len ? 0 : -errno;
}

/* The child: bind() goes to the supervisor, as under an OCI runtime. */
static int child_install_filter(void) {
        struct sock_filter filter[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, BYPASS_NATIVE_ARCH, 0, 3),
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_bind, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = { ELEMENTSOF(filter), filter };
        int fd;

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -errno;
        fd = (int) syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
        return fd < 0 ? -errno : fd;
}

static int child_report(int report_fd, const Report *rep) {
        return write(report_fd, rep, sizeof *rep) == (ssize_t) sizeof *rep ? 0 : -EIO;
}

static int child_bind(int report_fd, int sock_flags, in_addr_t addr, uint16_t port) {
        _cleanup_close_ int fd = socket(AF_INET, SOCK_STREAM | sock_flags, 0);
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(addr) };
        socklen_t len = sizeof sa;
        Report rep = {};

        if (fd < 0)
                return -errno;
        rep.ret = bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0 ? -errno : 0;
        if (getsockname(fd, (struct sockaddr *) &sa, &len) == 0)
                rep.port = ntohs(sa.sin_port);
        rep.nonblock = (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0;
        rep.cloexec = (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
        return child_report(report_fd, &rep);
}

static int child_run(const char *path, int report_fd) {
        _cleanup_close_ int notify_fd = child_install_filter(), conn = -EBADF;
        Report rep = { .ret = MIN(notify_fd, 0) };
        int r;

        r = child_report(report_fd, &rep);
        if (r < 0 || notify_fd < 0)
                return r;
        conn = listener_connect(path);
        if (conn < 0)
                return conn;
        r = send_state(conn, notify_fd);
        if (r < 0)
                return r;
        notify_fd = safe_close(notify_fd);
        conn = safe_close(conn);

        if ((r = child_bind(report_fd, SOCK_NONBLOCK, INADDR_ANY, ASKED_PORT)) < 0 ||
            (r = child_bind(report_fd, SOCK_CLOEXEC, INADDR_ANY, ASKED_PORT)) < 0 ||
            (r = child_bind(report_fd, 0, INADDR_LOOPBACK, 0)) < 0)
                return r;
        return child_bind(report_fd, 0, INADDR_LOOPBACK, 0);
}

/* The supervisor side; every wait is bounded. */
static void wait_readable(int fd) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };

        g_assert_cmpint(poll(&pfd, 1, TIMEOUT_MS), ==, 1);
}

static void read_report(int fd, Report *ret) {
        wait_readable(fd);
        g_assert_cmpint(read(fd, ret, sizeof *ret), ==, sizeof *ret);
}

static void wait_child(pid_t pid) {
        _cleanup_close_ int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
        int status;

        g_assert_cmpint(pidfd, >=, 0);
        wait_readable(pidfd);
        g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
        g_assert_true(WIFEXITED(status));
        g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

static int listener_new(char **ret_dir, char **ret_path) {
        g_autoptr(GError) error = NULL;
        struct stat st;
        int fd = -EBADF;

        *ret_dir = g_dir_make_tmp("roost-bypass-XXXXXX", &error);
        g_assert_no_error(error);
        *ret_path = g_build_filename(*ret_dir, "listener.sock", NULL);
        g_assert_cmpint(bypass_listener_bind(*ret_path, &fd), ==, 0);
        g_assert_cmpint(stat(*ret_path, &st), ==, 0);
        g_assert_true(S_ISSOCK(st.st_mode));
        g_assert_cmphex(st.st_mode & 0777, ==, 0600);
        return fd;
}

static void listener_remove(const char *dir, const char *path) {
        g_assert_cmpint(g_unlink(path), ==, 0);
        g_assert_cmpint(g_rmdir(dir), ==, 0);
}

static void recv_bind(int notify_fd, pid_t pid, in_addr_t addr, uint16_t port, BypassCall *ret) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *) &ret->addr;

        wait_readable(notify_fd);
        g_assert_cmpint(bypass_call_recv(notify_fd, ret), ==, 0);
        g_assert_cmpint(ret->nr, ==, SYS_bind);
        g_assert_cmpint(ret->pid, ==, pid);
        g_assert_cmpuint(ret->addr_len, ==, sizeof(struct sockaddr_in));
        g_assert_cmpint(sin->sin_family, ==, AF_INET);
        g_assert_cmpuint(ntohs(sin->sin_port), ==, port);
        g_assert_cmphex(ntohl(sin->sin_addr.s_addr), ==, addr);
}

/* answers the call with a socket of our own, bound; returns its port */
static uint16_t replace_with_ours(int notify_fd, const BypassCall *c) {
        _cleanup_close_ int theirs = -EBADF, ours = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t len = sizeof sa, type_len = sizeof(int);
        int type = 0;

        g_assert_cmpint(bypass_caller_fd(c, (int) c->args[0], &theirs), ==, 0);
        g_assert_cmpint(getsockopt(theirs, SOL_SOCKET, SO_TYPE, &type, &type_len), ==, 0);
        g_assert_cmpint(type, ==, SOCK_STREAM);
        g_assert_cmpint(ours, >=, 0);
        g_assert_cmpint(bind(ours, (struct sockaddr *) &sa, sizeof sa), ==, 0);
        g_assert_cmpint(getsockname(ours, (struct sockaddr *) &sa, &len), ==, 0);
        bypass_copy_socket_options(theirs, ours);
        g_assert_cmpint(bypass_call_replace(notify_fd, c, (int) c->args[0], ours), ==, 0);
        return ntohs(sa.sin_port);
}

static void test_bind(void) {
        g_autofree char *dir = NULL, *path = NULL;
        _cleanup_close_ int listen_fd = -EBADF, notify_fd = -EBADF;
        _cleanup_close_pair_ int report[2] = { -EBADF, -EBADF };
        BypassCall call;
        Report rep;
        pid_t pid;

        if (BYPASS_NATIVE_ARCH == 0) {
                g_test_skip("no seccomp filter for this architecture in the test");
                return;
        }
        listen_fd = listener_new(&dir, &path);
        g_assert_cmpint(pipe2(report, O_CLOEXEC), ==, 0);
        pid = fork();
        g_assert_cmpint(pid, >=, 0);
        if (pid == 0)
                _exit(child_run(path, report[1]) < 0 ? 1 : 0);
        report[1] = safe_close(report[1]);

        read_report(report[0], &rep);
        if (IN_SET(rep.ret, -EINVAL, -ENOSYS)) {
                wait_child(pid);
                listener_remove(dir, path);
                g_test_skip_printf("seccomp user notification is not available: %s", g_strerror(-rep.ret));
                return;
        }
        g_assert_cmpint(rep.ret, ==, 0);
        wait_readable(listen_fd);
        g_assert_cmpint(bypass_listener_take(listen_fd, &notify_fd), ==, 0);

        /* replaced by our socket; the caller's O_NONBLOCK and FD_CLOEXEC kept */
        for (int cloexec = 0; cloexec <= 1; cloexec++) {
                uint16_t port;

                recv_bind(notify_fd, pid, INADDR_ANY, ASKED_PORT, &call);
                port = replace_with_ours(notify_fd, &call);
                read_report(report[0], &rep);
                g_assert_cmpint(rep.ret, ==, 0);
                g_assert_cmpint(rep.port, ==, port);
                g_assert_cmpint(rep.nonblock, ==, !cloexec);
                g_assert_cmpint(rep.cloexec, ==, cloexec);
        }

        recv_bind(notify_fd, pid, INADDR_LOOPBACK, 0, &call);
        g_assert_cmpint(bypass_call_continue(notify_fd, &call), ==, 0);
        read_report(report[0], &rep);
        g_assert_cmpint(rep.ret, ==, 0);
        g_assert_cmpint(rep.port, >, 0);

        recv_bind(notify_fd, pid, INADDR_LOOPBACK, 0, &call);
        g_assert_cmpint(bypass_call_fail(notify_fd, &call, EADDRINUSE), ==, 0);
        read_report(report[0], &rep);
        g_assert_cmpint(rep.ret, ==, -EADDRINUSE);

        wait_child(pid);
        listener_remove(dir, path);
}

static void test_take_rejects(void) {
        g_autofree char *dir = NULL, *path = NULL;
        _cleanup_close_ int listen_fd = listener_new(&dir, &path), conn = -EBADF;
        _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF };
        struct pollfd pfd;
        int fd = -EBADF;

        g_assert_cmpint(bypass_listener_take(listen_fd, &fd), ==, -EAGAIN);

        conn = listener_connect(path);
        g_assert_cmpint(conn, >=, 0);
        g_assert_cmpint(send_state(conn, -EBADF), ==, 0);
        g_assert_cmpint(bypass_listener_take(listen_fd, &fd), ==, -EBADMSG);
        conn = safe_close(conn);

        /* not a notification fd: refused, and closed rather than leaked */
        g_assert_cmpint(pipe2(p, O_CLOEXEC), ==, 0);
        conn = listener_connect(path);
        g_assert_cmpint(conn, >=, 0);
        g_assert_cmpint(send_state(conn, p[0]), ==, 0);
        p[0] = safe_close(p[0]);
        g_assert_cmpint(bypass_listener_take(listen_fd, &fd), ==, -EBADMSG);
        pfd = (struct pollfd) { .fd = p[1], .events = POLLOUT };
        g_assert_cmpint(poll(&pfd, 1, 0), ==, 1);
        g_assert_true(pfd.revents & POLLERR);

        g_assert_cmpint(bypass_listener_take(listen_fd, &fd), ==, -EAGAIN);
        g_assert_cmpint(fd, ==, -EBADF);
        listener_remove(dir, path);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/bypass/bind", test_bind);
        g_test_add_func("/bypass/take-rejects", test_take_rejects);
        return g_test_run();
}
