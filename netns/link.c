/* SPDX-License-Identifier: Apache-2.0 */
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "link.h"

int link_set_up(const char *ifname) {
        _cleanup_netlink_ Netlink *nl = NULL;
        int r;

        r = netlink_open(&nl);
        if (r < 0)
                return r;
        return link_up(nl, ifname);
}

static int parse_linkinfo_cb(const struct nlattr *attr, void *data) {
        const struct nlattr **tb = data;
        int type = mnl_attr_get_type(attr);

        if (type <= IFLA_INFO_MAX)
                tb[type] = attr;
        return MNL_CB_OK;
}

static int parse_link_cb(const struct nlattr *attr, void *data) {
        const struct nlattr **tb = data;
        int type = mnl_attr_get_type(attr);

        if (type <= IFLA_MAX)
                tb[type] = attr;
        return MNL_CB_OK;
}

static int link_info_from_msg(const struct nlmsghdr *nlh, LinkInfo *ret) {
        const struct nlattr *tb[IFLA_MAX + 1] = {}, *info[IFLA_INFO_MAX + 1] = {};
        const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

        if (nlh->nlmsg_type != RTM_NEWLINK)
                return 0;
        if (mnl_attr_parse(nlh, sizeof *ifm, parse_link_cb, tb) < 0)
                return -EBADMSG;
        *ret = (LinkInfo) { .ifindex = ifm->ifi_index, .up = ifm->ifi_flags & IFF_UP };
        if (tb[IFLA_IFNAME])
                snprintf(ret->name, sizeof ret->name, "%s", mnl_attr_get_str(tb[IFLA_IFNAME]));
        if (tb[IFLA_MASTER])
                ret->master_ifindex = (int) mnl_attr_get_u32(tb[IFLA_MASTER]);
        if (tb[IFLA_MTU])
                ret->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
        if (tb[IFLA_LINKINFO] && mnl_attr_parse_nested(tb[IFLA_LINKINFO], parse_linkinfo_cb, info) >= 0 &&
            info[IFLA_INFO_KIND])
                snprintf(ret->kind, sizeof ret->kind, "%s", mnl_attr_get_str(info[IFLA_INFO_KIND]));
        return 1;
}

static int get_one_cb(const struct nlmsghdr *nlh, void *userdata) {
        int r = link_info_from_msg(nlh, userdata);
        return r < 0 ? r : 0;
}

int link_get(Netlink *nl, const char *name, LinkInfo *ret) {
        char buf[NETLINK_BUF_SIZE] __attribute__((aligned(8)));
        LinkInfo info = {};
        int r;

        if (strlen(name) >= IFNAMSIZ)
                return -ENODEV;
        r = netlink_call(nl, nlmsg_get_link(buf, name), get_one_cb, &info);
        if (r < 0)
                return r;
        if (info.ifindex <= 0)
                return -ENODEV;
        *ret = info;
        return 0;
}

int link_get_index(Netlink *nl, const char *name, int *ret_ifindex) {
        LinkInfo info;
        int r = link_get(nl, name, &info);

        if (r < 0)
                return r;
        *ret_ifindex = info.ifindex;
        return 0;
}

typedef struct ListData {
        LinkInfo *links;
        size_t n;
} ListData;

static int list_cb(const struct nlmsghdr *nlh, void *userdata) {
        ListData *d = userdata;
        LinkInfo info, *l;
        int r;

        r = link_info_from_msg(nlh, &info);
        if (r <= 0)
                return r;
        l = reallocarray(d->links, d->n + 1, sizeof *l);
        if (!l)
                return -ENOMEM;
        d->links = l;
        d->links[d->n++] = info;
        return 0;
}

int link_list(Netlink *nl, LinkInfo **ret, size_t *ret_n) {
        char buf[NETLINK_BUF_SIZE] __attribute__((aligned(8)));
        ListData d = {};
        int r;

        r = netlink_call(nl, nlmsg_get_link(buf, NULL), list_cb, &d);
        if (r < 0) {
                free(d.links);
                return r;
        }
        *ret = d.links;
        *ret_n = d.n;
        return 0;
}

int link_change(Netlink *nl, const char *name, const LinkChange *c) {
        char buf[NETLINK_BUF_SIZE] __attribute__((aligned(8)));
        int ifindex, r;

        r = link_get_index(nl, name, &ifindex);
        if (r < 0)
                return r;
        return netlink_call(nl, nlmsg_set_link(buf, ifindex, c), NULL, NULL);
}

int link_up(Netlink *nl, const char *name) {
        LinkChange c = LINK_CHANGE_NULL;

        c.up = true;
        return link_change(nl, name, &c);
}

int link_delete(Netlink *nl, const char *name) {
        char buf[NETLINK_BUF_SIZE] __attribute__((aligned(8)));
        int ifindex, r;

        r = link_get_index(nl, name, &ifindex);
        if (r < 0)
                return r;
        return netlink_call(nl, nlmsg_del_link(buf, ifindex), NULL, NULL);
}

int link_create_bridge(Netlink *nl, const char *name, uint32_t mtu) {
        char buf[NETLINK_BUF_SIZE] __attribute__((aligned(8)));
        int r;

        if (strlen(name) >= IFNAMSIZ)
                return -ENAMETOOLONG;
        r = netlink_call(nl, nlmsg_new_bridge(buf, name, mtu), NULL, NULL);
        if (r < 0)
                return r;
        return link_up(nl, name);
}

int link_create_veth(Netlink *nl, const char *name, const char *bridge,
                     const char *peer_name, int peer_netns_fd, uint32_t mtu) {
        char buf[NETLINK_BUF_SIZE] __attribute__((aligned(8)));
        int master = 0, r;

        if (strlen(name) >= IFNAMSIZ || strlen(peer_name) >= IFNAMSIZ)
                return -ENAMETOOLONG;
        if (bridge) {
                r = link_get_index(nl, bridge, &master);
                if (r < 0)
                        return r;
        }
        r = netlink_call(nl, nlmsg_new_veth(buf, name, master, peer_name, peer_netns_fd, mtu), NULL, NULL);
        if (r < 0)
                return r;
        r = link_up(nl, name);
        if (r < 0)
                (void) link_delete(nl, name);
        return r;
}
