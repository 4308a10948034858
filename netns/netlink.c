/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>

#include "netlink.h"

struct Netlink {
        struct mnl_socket *sock;
        unsigned portid;
        unsigned seq;
};

int netlink_open(Netlink **ret) {
        Netlink *nl;
        int one = 1;

        nl = calloc(1, sizeof *nl);
        if (!nl)
                return -ENOMEM;
        nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        if (!nl->sock) {
                int r = -errno;
                free(nl);
                return r;
        }
        if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
                int r = -errno;
                netlink_free(nl);
                return r;
        }
        /* errors come back with just the header; we never need the echo */
        (void) mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof one);
        (void) mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof one);
        nl->portid = mnl_socket_get_portid(nl->sock);
        nl->seq = 1;
        *ret = nl;
        return 0;
}

int netlink_open_in(int netns_fd, int return_netns_fd, Netlink **ret) {
        Netlink *nl = NULL;
        int r;

        if (setns(netns_fd, CLONE_NEWNET) < 0)
                return -errno;
        r = netlink_open(&nl);
        if (setns(return_netns_fd, CLONE_NEWNET) < 0) {
                /* never leave the thread in a namespace the caller did not ask for */
                r = -errno;
                netlink_free(nl);
                return r;
        }
        if (r < 0)
                return r;
        *ret = nl;
        return 0;
}

Netlink *netlink_free(Netlink *nl) {
        if (!nl)
                return NULL;
        if (nl->sock)
                mnl_socket_close(nl->sock);
        free(nl);
        return NULL;
}

typedef struct CallData {
        NetlinkReplyFunc cb;
        void *userdata;
} CallData;

static int call_data_cb(const struct nlmsghdr *nlh, void *data) {
        CallData *c = data;
        int r;

        if (!c->cb)
                return MNL_CB_OK;
        r = c->cb(nlh, c->userdata);
        if (r < 0) {
                errno = -r;
                return MNL_CB_ERROR;
        }
        return MNL_CB_OK;
}

int netlink_call(Netlink *nl, struct nlmsghdr *req, NetlinkReplyFunc cb, void *userdata) {
        char buf[32768] __attribute__((aligned(8))); /* a dump message is at most 32 KiB */
        CallData c = { cb, userdata };
        unsigned seq;
        int r;

        seq = req->nlmsg_seq = nl->seq++;
        req->nlmsg_flags |= NLM_F_ACK;
        if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
                return -errno;

        /* a dump ends with NLMSG_DONE, anything else with the ACK (an
         * NLMSG_ERROR with error 0); mnl_cb_run returns MNL_CB_STOP for both */
        for (;;) {
                ssize_t n = mnl_socket_recvfrom(nl->sock, buf, sizeof buf);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                r = mnl_cb_run(buf, (size_t) n, seq, nl->portid, call_data_cb, &c);
                if (r == MNL_CB_ERROR)
                        return errno > 0 ? -errno : -EIO;
                if (r == MNL_CB_STOP)
                        return 0;
        }
}
