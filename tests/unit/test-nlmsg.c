/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <glib.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>

#include "netlink.h"
#include "nlmsg.h"

#define TB_MAX 64

static char buf[NETLINK_BUF_SIZE] __attribute__((aligned(8)));

static int put_cb(const struct nlattr *attr, void *data) {
        const struct nlattr **tb = data;
        int type = mnl_attr_get_type(attr);
        /* each attribute once */
        g_assert_cmpint(type, <, TB_MAX);
        g_assert_null(tb[type]);
        tb[type] = attr;
        return MNL_CB_OK;
}

static void parse(const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb) {
        memset(tb, 0, sizeof(*tb) * TB_MAX);
        g_assert_true(mnl_nlmsg_ok(nlh, (int) nlh->nlmsg_len));
        g_assert_cmpint(mnl_attr_parse(nlh, (unsigned) hdrlen, put_cb, tb), ==, MNL_CB_OK);
}

static void parse_nested(const struct nlattr *nest, const struct nlattr **tb) {
        memset(tb, 0, sizeof(*tb) * TB_MAX);
        g_assert_nonnull(nest);
        g_assert_cmpint(mnl_attr_parse_nested(nest, put_cb, tb), ==, MNL_CB_OK);
}

static void test_bridge(void) {
        const struct nlattr *tb[TB_MAX], *info[TB_MAX], *data[TB_MAX];
        struct nlmsghdr *nlh = nlmsg_new_bridge(buf, "roost0", 65520);
        const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

        g_assert_cmpuint(nlh->nlmsg_type, ==, RTM_NEWLINK);
        g_assert_cmphex(nlh->nlmsg_flags, ==, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL);
        g_assert_cmpint(ifm->ifi_index, ==, 0);
        parse(nlh, sizeof *ifm, tb);
        g_assert_cmpstr(mnl_attr_get_str(tb[IFLA_IFNAME]), ==, "roost0");
        g_assert_cmpuint(mnl_attr_get_u32(tb[IFLA_MTU]), ==, 65520);
        parse_nested(tb[IFLA_LINKINFO], info);
        g_assert_cmpstr(mnl_attr_get_str(info[IFLA_INFO_KIND]), ==, "bridge");
        parse_nested(info[IFLA_INFO_DATA], data);
        g_assert_cmpuint(mnl_attr_get_u32(data[IFLA_BR_STP_STATE]), ==, 0);
        g_assert_cmpuint(mnl_attr_get_u32(data[IFLA_BR_FORWARD_DELAY]), ==, 0);
}

static void test_veth(void) {
        const struct nlattr *tb[TB_MAX], *info[TB_MAX], *data[TB_MAX], *peer[TB_MAX];
        struct nlmsghdr *nlh = nlmsg_new_veth(buf, "rabc-0", 7, "eth0", 42, 65520);
        const struct ifinfomsg *pifm;

        g_assert_cmpuint(nlh->nlmsg_type, ==, RTM_NEWLINK);
        parse(nlh, sizeof(struct ifinfomsg), tb);
        g_assert_cmpstr(mnl_attr_get_str(tb[IFLA_IFNAME]), ==, "rabc-0");
        g_assert_cmpuint(mnl_attr_get_u32(tb[IFLA_MASTER]), ==, 7);
        g_assert_cmpuint(mnl_attr_get_u32(tb[IFLA_MTU]), ==, 65520);
        g_assert_null(tb[IFLA_NET_NS_FD]);
        parse_nested(tb[IFLA_LINKINFO], info);
        g_assert_cmpstr(mnl_attr_get_str(info[IFLA_INFO_KIND]), ==, "veth");
        parse_nested(info[IFLA_INFO_DATA], data);
        g_assert_nonnull(data[VETH_INFO_PEER]);
        /* the peer: an ifinfomsg, then its attributes */
        pifm = mnl_attr_get_payload(data[VETH_INFO_PEER]);
        g_assert_cmpint(pifm->ifi_family, ==, AF_UNSPEC);
        memset(peer, 0, sizeof peer);
        g_assert_cmpint(mnl_attr_parse_payload((const char *) pifm + NLMSG_ALIGN(sizeof *pifm),
                                               mnl_attr_get_payload_len(data[VETH_INFO_PEER]) - NLMSG_ALIGN(sizeof *pifm),
                                               put_cb, peer), ==, MNL_CB_OK);
        g_assert_cmpstr(mnl_attr_get_str(peer[IFLA_IFNAME]), ==, "eth0");
        g_assert_cmpuint(mnl_attr_get_u32(peer[IFLA_NET_NS_FD]), ==, 42);
        g_assert_cmpuint(mnl_attr_get_u32(peer[IFLA_MTU]), ==, 65520);

        /* no master, peer here */
        nlh = nlmsg_new_veth(buf, "a", 0, "b", -1, 0);
        parse(nlh, sizeof(struct ifinfomsg), tb);
        g_assert_null(tb[IFLA_MASTER]);
        g_assert_null(tb[IFLA_MTU]);
}

static void test_set_del_get(void) {
        const struct nlattr *tb[TB_MAX];
        LinkChange c = LINK_CHANGE_NULL;
        struct nlmsghdr *nlh;
        const struct ifinfomsg *ifm;

        nlh = nlmsg_set_link(buf, 5, &c);
        ifm = mnl_nlmsg_get_payload(nlh);
        g_assert_cmpuint(nlh->nlmsg_flags, ==, NLM_F_REQUEST);
        g_assert_cmpint(ifm->ifi_index, ==, 5);
        g_assert_cmpuint(ifm->ifi_change, ==, 0);
        parse(nlh, sizeof *ifm, tb);
        for (int i = 0; i < TB_MAX; i++)
                g_assert_null(tb[i]);

        c = (LinkChange) { .up = true, .mtu = 65520, .master_ifindex = 3, .name = "eth1", .netns_fd = 9 };
        nlh = nlmsg_set_link(buf, 5, &c);
        ifm = mnl_nlmsg_get_payload(nlh);
        g_assert_cmphex(ifm->ifi_change, ==, IFF_UP);
        g_assert_cmphex(ifm->ifi_flags, ==, IFF_UP);
        parse(nlh, sizeof *ifm, tb);
        g_assert_cmpuint(mnl_attr_get_u32(tb[IFLA_MTU]), ==, 65520);
        g_assert_cmpuint(mnl_attr_get_u32(tb[IFLA_MASTER]), ==, 3);
        g_assert_cmpstr(mnl_attr_get_str(tb[IFLA_IFNAME]), ==, "eth1");
        g_assert_cmpuint(mnl_attr_get_u32(tb[IFLA_NET_NS_FD]), ==, 9);

        /* down and off its bridge */
        c = (LinkChange) { .down = true, .nomaster = true, .netns_fd = -1 };
        nlh = nlmsg_set_link(buf, 5, &c);
        ifm = mnl_nlmsg_get_payload(nlh);
        g_assert_cmphex(ifm->ifi_change, ==, IFF_UP);
        g_assert_cmphex(ifm->ifi_flags, ==, 0);
        parse(nlh, sizeof *ifm, tb);
        g_assert_cmpuint(mnl_attr_get_u32(tb[IFLA_MASTER]), ==, 0);
        g_assert_null(tb[IFLA_NET_NS_FD]);

        nlh = nlmsg_del_link(buf, 12);
        g_assert_cmpuint(nlh->nlmsg_type, ==, RTM_DELLINK);
        g_assert_cmpint(((const struct ifinfomsg *) mnl_nlmsg_get_payload(nlh))->ifi_index, ==, 12);

        nlh = nlmsg_get_link(buf, "roost0");
        g_assert_cmpuint(nlh->nlmsg_type, ==, RTM_GETLINK);
        g_assert_false(nlh->nlmsg_flags & NLM_F_DUMP);
        parse(nlh, sizeof *ifm, tb);
        g_assert_cmpstr(mnl_attr_get_str(tb[IFLA_IFNAME]), ==, "roost0");
        nlh = nlmsg_get_link(buf, NULL);
        g_assert_cmphex(nlh->nlmsg_flags & NLM_F_DUMP, ==, NLM_F_DUMP);
}

static void test_addr_route_rule(void) {
        const struct nlattr *tb[TB_MAX];
        struct nlmsghdr *nlh;
        const struct ifaddrmsg *ifa;
        const struct rtmsg *rtm;
        const struct fib_rule_hdr *frh;

        nlh = nlmsg_add_addr4(buf, 4, 0x0a580002, 16);
        ifa = mnl_nlmsg_get_payload(nlh);
        g_assert_cmpuint(nlh->nlmsg_type, ==, RTM_NEWADDR);
        g_assert_cmpuint(ifa->ifa_family, ==, AF_INET);
        g_assert_cmpuint(ifa->ifa_prefixlen, ==, 16);
        g_assert_cmpuint(ifa->ifa_index, ==, 4);
        parse(nlh, sizeof *ifa, tb);
        g_assert_cmphex(ntohl(mnl_attr_get_u32(tb[IFA_LOCAL])), ==, 0x0a580002);
        g_assert_cmphex(ntohl(mnl_attr_get_u32(tb[IFA_ADDRESS])), ==, 0x0a580002);
        g_assert_cmphex(ntohl(mnl_attr_get_u32(tb[IFA_BROADCAST])), ==, 0x0a58ffff);

        /* default via 10.88.0.1 dev 4 */
        nlh = nlmsg_add_route4(buf, RT_TABLE_MAIN, RTN_UNICAST, 0, 0, 0x0a580001, 4);
        rtm = mnl_nlmsg_get_payload(nlh);
        g_assert_cmpuint(nlh->nlmsg_type, ==, RTM_NEWROUTE);
        g_assert_cmpuint(rtm->rtm_dst_len, ==, 0);
        g_assert_cmpuint(rtm->rtm_table, ==, RT_TABLE_MAIN);
        g_assert_cmpuint(rtm->rtm_type, ==, RTN_UNICAST);
        g_assert_cmpuint(rtm->rtm_scope, ==, RT_SCOPE_UNIVERSE);
        parse(nlh, sizeof *rtm, tb);
        g_assert_null(tb[RTA_DST]);
        g_assert_cmphex(ntohl(mnl_attr_get_u32(tb[RTA_GATEWAY])), ==, 0x0a580001);
        g_assert_cmpuint(mnl_attr_get_u32(tb[RTA_OIF]), ==, 4);

        /* local 0.0.0.0/0 dev lo table 1000: the table needs the attribute */
        nlh = nlmsg_add_route4(buf, 1000, RTN_LOCAL, 0, 0, 0, 1);
        rtm = mnl_nlmsg_get_payload(nlh);
        g_assert_cmpuint(rtm->rtm_type, ==, RTN_LOCAL);
        g_assert_cmpuint(rtm->rtm_scope, ==, RT_SCOPE_HOST);
        g_assert_cmpuint(rtm->rtm_table, ==, RT_TABLE_UNSPEC);
        parse(nlh, sizeof *rtm, tb);
        g_assert_cmpuint(mnl_attr_get_u32(tb[RTA_TABLE]), ==, 1000);
        g_assert_null(tb[RTA_GATEWAY]);

        nlh = nlmsg_get_routes4(buf);
        rtm = mnl_nlmsg_get_payload(nlh);
        g_assert_cmpuint(nlh->nlmsg_type, ==, RTM_GETROUTE);
        g_assert_cmphex(nlh->nlmsg_flags & NLM_F_DUMP, ==, NLM_F_DUMP);
        g_assert_cmpuint(rtm->rtm_family, ==, AF_INET);

        nlh = nlmsg_rule4(buf, true, 100, 0x526f, 1000);
        frh = mnl_nlmsg_get_payload(nlh);
        g_assert_cmpuint(nlh->nlmsg_type, ==, RTM_NEWRULE);
        g_assert_cmpuint(frh->family, ==, AF_INET);
        g_assert_cmpuint(frh->action, ==, FR_ACT_TO_TBL);
        parse(nlh, sizeof *frh, tb);
        g_assert_cmpuint(mnl_attr_get_u32(tb[FRA_PRIORITY]), ==, 100);
        g_assert_cmphex(mnl_attr_get_u32(tb[FRA_FWMARK]), ==, 0x526f);
        g_assert_cmpuint(mnl_attr_get_u32(tb[FRA_TABLE]), ==, 1000);
        nlh = nlmsg_rule4(buf, false, 100, 0x526f, 1000);
        g_assert_cmpuint(nlh->nlmsg_type, ==, RTM_DELRULE);
        g_assert_false(nlh->nlmsg_flags & NLM_F_CREATE);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/nlmsg/bridge", test_bridge);
        g_test_add_func("/nlmsg/veth", test_veth);
        g_test_add_func("/nlmsg/set-del-get", test_set_del_get);
        g_test_add_func("/nlmsg/addr-route-rule", test_addr_route_rule);
        return g_test_run();
}
