/* SPDX-License-Identifier: Apache-2.0 */
#include <linux/rtnetlink.h>

#include "link.h"
#include "nlmsg.h"
#include "route.h"

int route_add_address(Netlink *nl, const char *ifname, uint32_t addr, unsigned prefixlen) {
        char buf[NETLINK_BUF_SIZE] __attribute__((aligned(8)));
        int ifindex, r;

        if (prefixlen > 32)
                return -EINVAL;
        r = link_get_index(nl, ifname, &ifindex);
        if (r < 0)
                return r;
        return netlink_call(nl, nlmsg_add_addr4(buf, ifindex, addr, prefixlen), NULL, NULL);
}

int route_add_default(Netlink *nl, const char *ifname, uint32_t gateway) {
        char buf[NETLINK_BUF_SIZE] __attribute__((aligned(8)));
        int ifindex, r;

        r = link_get_index(nl, ifname, &ifindex);
        if (r < 0)
                return r;
        return netlink_call(nl, nlmsg_add_route4(buf, RT_TABLE_MAIN, RTN_UNICAST, 0, 0, gateway, ifindex),
                            NULL, NULL);
}

int route_add_local_table(Netlink *nl, uint32_t table) {
        char buf[NETLINK_BUF_SIZE] __attribute__((aligned(8)));
        int ifindex, r;

        r = link_get_index(nl, "lo", &ifindex);
        if (r < 0)
                return r;
        return netlink_call(nl, nlmsg_add_route4(buf, table, RTN_LOCAL, 0, 0, 0, ifindex), NULL, NULL);
}

int route_rule_fwmark(Netlink *nl, bool add, uint32_t priority, uint32_t fwmark, uint32_t table) {
        char buf[NETLINK_BUF_SIZE] __attribute__((aligned(8)));

        return netlink_call(nl, nlmsg_rule4(buf, add, priority, fwmark, table), NULL, NULL);
}
