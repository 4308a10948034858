/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <string.h>

#include "nlmsg.h"

static struct nlmsghdr *put_header(void *buf, uint16_t type, uint16_t flags) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = NLM_F_REQUEST | flags;
        return nlh;
}

static struct ifinfomsg *put_ifinfo(struct nlmsghdr *nlh, int ifindex) {
        struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);

        ifm->ifi_family = AF_UNSPEC;
        ifm->ifi_index = ifindex;
        return ifm;
}

struct nlmsghdr *nlmsg_new_bridge(void *buf, const char *name, uint32_t mtu) {
        struct nlmsghdr *nlh = put_header(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
        struct nlattr *linkinfo, *data;

        put_ifinfo(nlh, 0);
        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        if (mtu > 0)
                mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
        linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
        mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
        data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
        mnl_attr_put_u32(nlh, IFLA_BR_STP_STATE, 0);
        mnl_attr_put_u32(nlh, IFLA_BR_FORWARD_DELAY, 0);
        mnl_attr_nest_end(nlh, data);
        mnl_attr_nest_end(nlh, linkinfo);
        return nlh;
}

struct nlmsghdr *nlmsg_new_veth(void *buf, const char *name, int master_ifindex,
                                const char *peer_name, int peer_netns_fd, uint32_t mtu) {
        struct nlmsghdr *nlh = put_header(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
        struct nlattr *linkinfo, *data, *peer;
        struct ifinfomsg *pifm;

        put_ifinfo(nlh, 0);
        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        if (mtu > 0)
                mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
        if (master_ifindex > 0)
                mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t) master_ifindex);
        linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
        mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
        data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
        /* the peer is a struct ifinfomsg followed by its own attributes */
        peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
        pifm = mnl_nlmsg_put_extra_header(nlh, sizeof *pifm);
        pifm->ifi_family = AF_UNSPEC;
        mnl_attr_put_strz(nlh, IFLA_IFNAME, peer_name);
        if (mtu > 0)
                mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
        if (peer_netns_fd >= 0)
                mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t) peer_netns_fd);
        mnl_attr_nest_end(nlh, peer);
        mnl_attr_nest_end(nlh, data);
        mnl_attr_nest_end(nlh, linkinfo);
        return nlh;
}

struct nlmsghdr *nlmsg_set_link(void *buf, int ifindex, const LinkChange *c) {
        struct nlmsghdr *nlh = put_header(buf, RTM_NEWLINK, 0);
        struct ifinfomsg *ifm = put_ifinfo(nlh, ifindex);

        if (c->up || c->down) {
                ifm->ifi_change = IFF_UP;
                ifm->ifi_flags = c->up ? IFF_UP : 0;
        }
        if (c->mtu > 0)
                mnl_attr_put_u32(nlh, IFLA_MTU, c->mtu);
        if (c->master_ifindex > 0 || c->nomaster)
                mnl_attr_put_u32(nlh, IFLA_MASTER, c->nomaster ? 0 : (uint32_t) c->master_ifindex);
        if (c->name)
                mnl_attr_put_strz(nlh, IFLA_IFNAME, c->name);
        if (c->netns_fd >= 0)
                mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t) c->netns_fd);
        return nlh;
}

struct nlmsghdr *nlmsg_del_link(void *buf, int ifindex) {
        struct nlmsghdr *nlh = put_header(buf, RTM_DELLINK, 0);

        put_ifinfo(nlh, ifindex);
        return nlh;
}

struct nlmsghdr *nlmsg_get_link(void *buf, const char *name) {
        struct nlmsghdr *nlh = put_header(buf, RTM_GETLINK, name ? 0 : NLM_F_DUMP);

        put_ifinfo(nlh, 0);
        if (name)
                mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        return nlh;
}

struct nlmsghdr *nlmsg_get_routes4(void *buf) {
        struct nlmsghdr *nlh = put_header(buf, RTM_GETROUTE, NLM_F_DUMP);
        struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof *rtm);

        rtm->rtm_family = AF_INET;
        return nlh;
}

struct nlmsghdr *nlmsg_add_addr4(void *buf, int ifindex, uint32_t addr, unsigned prefixlen) {
        struct nlmsghdr *nlh = put_header(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
        struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
        uint32_t mask = prefixlen == 0 ? 0 : ~0U << (32 - prefixlen);

        ifa->ifa_family = AF_INET;
        ifa->ifa_prefixlen = (uint8_t) prefixlen;
        ifa->ifa_scope = RT_SCOPE_UNIVERSE;
        ifa->ifa_index = (uint32_t) ifindex;
        mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(addr));
        mnl_attr_put_u32(nlh, IFA_ADDRESS, htonl(addr));
        if (prefixlen < 31)
                mnl_attr_put_u32(nlh, IFA_BROADCAST, htonl(addr | ~mask));
        return nlh;
}

struct nlmsghdr *nlmsg_add_route4(void *buf, uint32_t table, uint8_t type, uint32_t dst, unsigned dst_len,
                                  uint32_t gateway, int ifindex) {
        struct nlmsghdr *nlh = put_header(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
        struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof *rtm);

        rtm->rtm_family = AF_INET;
        rtm->rtm_dst_len = (uint8_t) dst_len;
        rtm->rtm_table = table < 256 ? (uint8_t) table : RT_TABLE_UNSPEC;
        rtm->rtm_protocol = RTPROT_BOOT;
        rtm->rtm_type = type;
        rtm->rtm_scope = type == RTN_LOCAL ? RT_SCOPE_HOST :
                         gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
        if (table >= 256)
                mnl_attr_put_u32(nlh, RTA_TABLE, table);
        if (dst_len > 0)
                mnl_attr_put_u32(nlh, RTA_DST, htonl(dst));
        if (gateway)
                mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(gateway));
        if (ifindex > 0)
                mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t) ifindex);
        return nlh;
}

struct nlmsghdr *nlmsg_rule4(void *buf, bool add, uint32_t priority, uint32_t fwmark, uint32_t table) {
        struct nlmsghdr *nlh = put_header(buf, add ? RTM_NEWRULE : RTM_DELRULE,
                                          add ? NLM_F_CREATE | NLM_F_EXCL : 0);
        struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof *frh);

        frh->family = AF_INET;
        frh->action = FR_ACT_TO_TBL;
        frh->table = table < 256 ? (uint8_t) table : RT_TABLE_UNSPEC;
        mnl_attr_put_u32(nlh, FRA_PRIORITY, priority);
        mnl_attr_put_u32(nlh, FRA_FWMARK, fwmark);
        mnl_attr_put_u32(nlh, FRA_FWMASK, 0xffffffffU);
        mnl_attr_put_u32(nlh, FRA_TABLE, table);
        return nlh;
}
