/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include "host-subnets.h"
#include "netlink.h"
#include "nlmsg.h"

typedef struct Collect {
        IpamSubnet *l;
        size_t n;
} Collect;

static int route_cb(const struct nlattr *attr, void *data) {
        if (mnl_attr_get_type(attr) == RTA_DST && mnl_attr_get_payload_len(attr) == 4)
                *(const struct nlattr **) data = attr;
        return MNL_CB_OK;
}

static int collect_cb(const struct nlmsghdr *nlh, void *userdata) {
        const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
        const struct nlattr *dst = NULL;
        Collect *c = userdata;
        IpamSubnet *l;

        if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != AF_INET || rtm->rtm_table != RT_TABLE_MAIN ||
            rtm->rtm_dst_len == 0 || rtm->rtm_dst_len > 32)
                return 0;
        if (mnl_attr_parse(nlh, sizeof *rtm, route_cb, &dst) < 0 || !dst)
                return 0;
        l = reallocarray(c->l, c->n + 1, sizeof *l);
        if (!l)
                return -ENOMEM;
        c->l = l;
        c->l[c->n++] = ipam_subnet_of(ntohl(mnl_attr_get_u32(dst)), rtm->rtm_dst_len);
        return 0;
}

int netns_host_subnets(IpamSubnet **ret, size_t *ret_n) {
        char buf[NETLINK_BUF_SIZE] __attribute__((aligned(8)));
        _cleanup_netlink_ Netlink *nl = NULL;
        Collect c = {};
        int r;

        r = netlink_open(&nl);
        if (r < 0)
                return r;
        r = netlink_call(nl, nlmsg_get_routes4(buf), collect_cb, &c);
        if (r < 0) {
                free(c.l);
                return r;
        }
        *ret = c.l;
        *ret_n = c.n;
        return 0;
}
