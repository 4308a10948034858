/* SPDX-License-Identifier: Apache-2.0 */
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <time.h>

#include "link.h"
#include "log.h"

static void mnl_socket_closep(struct mnl_socket **nl) {
        if (*nl)
                mnl_socket_close(*nl);
}

/* Sends one request and waits for its acknowledgement. */
static int netlink_request(struct nlmsghdr *nlh) {
        _cleanup_(mnl_socket_closep) struct mnl_socket *nl = NULL;
        char buf[MNL_SOCKET_BUFFER_SIZE];
        unsigned portid, seq;
        ssize_t n;

        nl = mnl_socket_open(NETLINK_ROUTE);
        if (!nl)
                return -errno;
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
                return -errno;
        portid = mnl_socket_get_portid(nl);
        seq = nlh->nlmsg_seq = (unsigned) time(NULL);
        nlh->nlmsg_flags |= NLM_F_ACK;

        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
                return -errno;
        n = mnl_socket_recvfrom(nl, buf, sizeof buf);
        if (n < 0)
                return -errno;
        if (mnl_cb_run(buf, (size_t) n, seq, portid, NULL, NULL) < 0)
                return -errno;
        return 0;
}

int link_set_up(const char *ifname) {
        char buf[MNL_SOCKET_BUFFER_SIZE];
        struct nlmsghdr *nlh;
        struct ifinfomsg *ifm;
        unsigned idx = if_nametoindex(ifname);

        if (idx == 0)
                return -errno;
        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_NEWLINK;
        nlh->nlmsg_flags = NLM_F_REQUEST;
        ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
        ifm->ifi_family = AF_UNSPEC;
        ifm->ifi_index = (int) idx;
        ifm->ifi_change = IFF_UP;
        ifm->ifi_flags = IFF_UP;
        return netlink_request(nlh);
}
