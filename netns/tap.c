/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "fdpass.h"
#include "link.h"
#include "netns-defs.h"
#include "ns-util.h"
#include "process.h"
#include "tap.h"

#define TAP_TIMEOUT_MS 10000

typedef struct TapReply {
        int error;              /* negative errno, or 0 */
        char name[IFNAMSIZ];
} TapReply;

static int tap_open(const char *bridge, uint32_t mtu, int *ret_fd, char ret_name[static IFNAMSIZ]) {
        _cleanup_netlink_ Netlink *nl = NULL;
        _cleanup_close_ int fd = -EBADF;
        LinkChange c = LINK_CHANGE_NULL;
        struct ifreq ifr = {};
        int r;

        r = netlink_open(&nl);
        if (r < 0)
                return r;
        /* before making the tap, so a missing bridge leaves nothing */
        r = link_get_index(nl, bridge, &c.master_ifindex);
        if (r < 0)
                return r;

        fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        /* the kernel replaces the %d with the first free number */
        memcpy(ifr.ifr_name, NETNS_TAP_TEMPLATE, sizeof NETNS_TAP_TEMPLATE);
        ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
        if (ioctl(fd, TUNSETIFF, &ifr) < 0)
                return -errno;

        c.up = true;
        c.mtu = mtu;
        r = link_change(nl, ifr.ifr_name, &c);
        if (r < 0)
                return r;
        memcpy(ret_name, ifr.ifr_name, IFNAMSIZ);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static _noreturn_ void child(int sock, pid_t holder_pid, const char *bridge, uint32_t mtu) {
        TapReply reply = {};
        int fd = -EBADF;

        (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
        reply.error = ns_enter(holder_pid, CLONE_NEWUSER | CLONE_NEWNET);
        if (reply.error >= 0)
                reply.error = tap_open(bridge, mtu, &fd, reply.name);
        (void) fdpass_send(sock, reply.error < 0 ? -EBADF : fd, &reply, sizeof reply);
        _exit(reply.error < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
}

int tap_create_in_holder(pid_t holder_pid, const char *bridge, uint32_t mtu,
                         int *ret_fd, char ret_name[static IFNAMSIZ]) {
        _cleanup_close_pair_ int sp[2] = { -EBADF, -EBADF };
        _cleanup_close_ int fd = -EBADF;
        TapReply reply = {};
        size_t n = 0;
        pid_t pid;
        int r, k;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
                return -errno;
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                safe_close(sp[0]);
                child(sp[1], holder_pid, bridge, mtu);
        }
        sp[1] = safe_close(sp[1]);

        r = fdpass_recv(sp[0], &fd, &reply, sizeof reply, &n, TAP_TIMEOUT_MS);
        k = wait_child_timeout(pid, TAP_TIMEOUT_MS);
        if (r < 0)
                return r;
        if (n != sizeof reply)
                return -EPROTO;
        if (reply.error < 0)
                return reply.error;
        if (fd < 0 || k != 0)
                return -EPROTO;
        memcpy(ret_name, reply.name, IFNAMSIZ);
        ret_name[IFNAMSIZ - 1] = 0;
        *ret_fd = TAKE_FD(fd);
        return 0;
}
