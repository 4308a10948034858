/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <sched.h>
#include <linux/nsfs.h>
#include <linux/rtnetlink.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "fileio.h"
#include "link.h"
#include "log.h"
#include "netns-defs.h"
#include "network.h"
#include "paths.h"
#include "route.h"

#define ID_MAX 64
#define VETH_ID_CHARS 12

bool netns_id_valid(const char *id) {
        size_t n;

        if (isempty(id) || id[0] == '.')
                return false;
        n = strlen(id);
        if (n > ID_MAX)
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = id[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == '-'))
                        return false;
        }
        return true;
}

int netns_veth_name(const char *id, unsigned n, char ret[static IFNAMSIZ]) {
        char suffix[12];
        int room;

        if (!netns_id_valid(id))
                return -EINVAL;
        snprintf(suffix, sizeof suffix, "-%u", n);
        room = IFNAMSIZ - 1 - (int) strlen(NETNS_VETH_PREFIX) - (int) strlen(suffix);
        if (room > VETH_ID_CHARS)
                room = VETH_ID_CHARS;
        if (room < 1)
                return -ERANGE;
        snprintf(ret, IFNAMSIZ, NETNS_VETH_PREFIX "%.*s%s", room, id, suffix);
        return 0;
}

/* Is name one of id's host-side veths? Returns its number, or -1. */
static int veth_number(const char *id, const char *name) {
        const char *dash = strrchr(name, '-');
        char v[IFNAMSIZ];
        unsigned n;

        if (!dash || !dash[1] || strspn(dash + 1, "0123456789") != strlen(dash + 1) ||
            (dash[1] == '0' && dash[2]) || strlen(dash + 1) > 3)
                return -1;
        n = (unsigned) atoi(dash + 1);
        if (netns_veth_name(id, n, v) < 0 || !streq(v, name))
                return -1;
        return (int) n;
}

int netns_network_up(const char *bridge) {
        _cleanup_netlink_ Netlink *nl = NULL;
        LinkInfo info;
        int r;

        r = netlink_open(&nl);
        if (r < 0)
                return r;
        r = link_get(nl, bridge, &info);
        if (r == -ENODEV) {
                r = link_create_bridge(nl, bridge, NETNS_MTU);
                if (r != -EEXIST) /* else lost a race with another caller: check it */
                        return r;
                r = link_get(nl, bridge, &info);
        }
        if (r < 0)
                return r;
        if (!streq(info.kind, "bridge"))
                return -ENOTUNIQ;
        if (!info.up || info.mtu != NETNS_MTU) {
                LinkChange c = LINK_CHANGE_NULL;
                c.up = true;
                c.mtu = NETNS_MTU;
                return link_change(nl, bridge, &c);
        }
        return 0;
}

int netns_network_down(const char *bridge) {
        _cleanup_netlink_ Netlink *nl = NULL;
        LinkInfo info;
        int r;

        r = netlink_open(&nl);
        if (r < 0)
                return r;
        r = link_get(nl, bridge, &info);
        if (r == -ENODEV)
                return 0;
        if (r < 0)
                return r;
        if (!streq(info.kind, "bridge"))
                return -ENOTUNIQ;
        r = link_delete(nl, bridge);
        return r == -ENODEV ? 0 : r;
}

int netns_container_path(const char *runtime_dir, const char *id, char **ret) {
        char *p;

        if (!netns_id_valid(id))
                return -EINVAL;
        p = strjoin(runtime_dir, "/" NETNS_CONTAINER_DIR "/", id);
        if (!p)
                return -ENOMEM;
        *ret = p;
        return 0;
}

/* Is fd a network namespace (and not the bare file a bind mount goes on)? */
static bool fd_is_netns(int fd) {
        return ioctl(fd, NS_GET_NSTYPE) == CLONE_NEWNET;
}

/* The container's pinned namespace: -ENOENT when there is none. */
static int open_container_netns(const char *runtime_dir, const char *id, int *ret_fd) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = netns_container_path(runtime_dir, id, &path);
        if (r < 0)
                return r;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        if (!fd_is_netns(fd))
                return -ENOENT;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int write_sysctl(const char *path, const char *value) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

        if (fd < 0)
                return -errno;
        return loop_write(fd, value, strlen(value));
}

/* Runs in the new namespace, just after unshare. */
static int setup_new_netns(void) {
        int r;

        r = link_set_up("lo");
        if (r < 0)
                return log_debug_errno(r, "Failed to bring up lo: %m");
        /* what docker sets: ping without privileges, any port without privileges
         * (the container's root is not the host's anyway) */
        r = write_sysctl("/proc/sys/net/ipv4/ping_group_range", "0 2147483647");
        if (r < 0)
                log_debug_errno(r, "Cannot set net.ipv4.ping_group_range, ignoring: %m");
        r = write_sysctl("/proc/sys/net/ipv4/ip_unprivileged_port_start", "0");
        if (r < 0)
                log_debug_errno(r, "Cannot set net.ipv4.ip_unprivileged_port_start, ignoring: %m");
        return 0;
}

static int pin_new_netns(const char *path, int home_fd) {
        int r = 0;

        if (unshare(CLONE_NEWNET) < 0)
                return -errno;
        if (mount("/proc/thread-self/ns/net", path, NULL, MS_BIND, NULL) < 0)
                r = -errno;
        if (r >= 0)
                r = setup_new_netns();
        if (setns(home_fd, CLONE_NEWNET) < 0) {
                /* we cannot get back: the caller must not go on in here */
                log_error_errno(errno, "Failed to return to the detached network namespace: %m");
                abort();
        }
        if (r < 0)
                (void) umount2(path, MNT_DETACH);
        return r;
}

int netns_container_create(const char *runtime_dir, const char *id, const NetnsAttach *first) {
        _cleanup_free_ char *dir = NULL, *path = NULL;
        _cleanup_close_ int home = -EBADF, fd = -EBADF;
        int r;

        r = netns_container_path(runtime_dir, id, &path);
        if (r < 0)
                return r;
        dir = strjoin(runtime_dir, "/" NETNS_CONTAINER_DIR);
        if (!dir)
                return -ENOMEM;
        r = mkdir_p(dir, 0700);
        if (r < 0)
                return r;

        fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0 && errno == EEXIST) {
                /* a file left by a crash is reused; a mounted one is a live namespace */
                fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
                if (fd < 0)
                        return -errno;
                if (fd_is_netns(fd))
                        return -EEXIST;
        } else if (fd < 0)
                return -errno;
        fd = safe_close(fd);

        home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (home < 0)
                return -errno;
        r = pin_new_netns(path, home);
        if (r < 0) {
                (void) unlink(path);
                return r;
        }
        if (first) {
                r = netns_container_connect(runtime_dir, id, first, NULL);
                if (r < 0) {
                        (void) netns_container_destroy(runtime_dir, id);
                        return r;
                }
        }
        return 0;
}

/* The container's netns, the detached one (where we are) to come back to,
 * and a netlink socket in the detached one. */
static int open_both(const char *runtime_dir, const char *id, int *ret_cfd, int *ret_home, Netlink **ret_nl) {
        _cleanup_close_ int cfd = -EBADF, home = -EBADF;
        int r;

        if (!netns_id_valid(id))
                return -EINVAL;
        r = open_container_netns(runtime_dir, id, &cfd);
        if (r < 0)
                return r;
        home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (home < 0)
                return -errno;
        r = netlink_open(ret_nl);
        if (r < 0)
                return r;
        *ret_cfd = TAKE_FD(cfd);
        *ret_home = TAKE_FD(home);
        return 0;
}

static int lowest_free_eth(Netlink *nl, unsigned *ret) {
        _cleanup_free_ LinkInfo *links = NULL;
        size_t n;
        int r;

        r = link_list(nl, &links, &n);
        if (r < 0)
                return r;
        for (unsigned k = 0; k < 1000; k++) {
                char name[IFNAMSIZ];
                bool taken = false;
                snprintf(name, sizeof name, "eth%u", k);
                for (size_t i = 0; i < n && !taken; i++)
                        taken = streq(links[i].name, name);
                if (!taken) {
                        *ret = k;
                        return 0;
                }
        }
        return -ENOSPC;
}

static int has_default_route(Netlink *nl, bool *ret);

int netns_container_connect(const char *runtime_dir, const char *id, const NetnsAttach *a,
                            char *ret_ifname) {
        _cleanup_netlink_ Netlink *nl = NULL, *cnl = NULL;
        _cleanup_close_ int home = -EBADF, cfd = -EBADF;
        char veth[IFNAMSIZ], ifname[IFNAMSIZ];
        unsigned n;
        bool has_default = false;
        int r;

        r = open_both(runtime_dir, id, &cfd, &home, &nl);
        if (r < 0)
                return r;
        r = netlink_open_in(cfd, home, &cnl);
        if (r < 0)
                return r;

        r = lowest_free_eth(cnl, &n);
        if (r < 0)
                return r;
        r = netns_veth_name(id, n, veth);
        if (r < 0)
                return r;
        snprintf(ifname, sizeof ifname, "eth%u", n);

        r = link_create_veth(nl, veth, a->bridge, ifname, cfd, NETNS_MTU);
        if (r == -EEXIST) {
                /* left by a crash between create and configure: start afresh */
                (void) link_delete(nl, veth);
                r = link_create_veth(nl, veth, a->bridge, ifname, cfd, NETNS_MTU);
        }
        if (r < 0)
                return r;

        r = route_add_address(cnl, ifname, a->address, a->prefixlen);
        if (r >= 0)
                r = link_up(cnl, ifname);
        if (r >= 0 && a->gateway != 0)
                r = has_default_route(cnl, &has_default);
        if (r >= 0 && a->gateway != 0 && !has_default)
                r = route_add_default(cnl, ifname, a->gateway);
        if (r < 0) {
                (void) link_delete(nl, veth);
                return r;
        }
        if (ret_ifname)
                memcpy(ret_ifname, ifname, IFNAMSIZ);
        return 0;
}

static int route_dump_cb(const struct nlmsghdr *nlh, void *userdata) {
        const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
        bool *found = userdata;

        if (nlh->nlmsg_type == RTM_NEWROUTE && rtm->rtm_family == AF_INET && rtm->rtm_dst_len == 0 &&
            rtm->rtm_table == RT_TABLE_MAIN && rtm->rtm_type == RTN_UNICAST)
                *found = true;
        return 0;
}

static int has_default_route(Netlink *nl, bool *ret) {
        char buf[NETLINK_BUF_SIZE] __attribute__((aligned(8)));
        bool found = false;
        int r;

        r = netlink_call(nl, nlmsg_get_routes4(buf), route_dump_cb, &found);
        if (r < 0)
                return r;
        *ret = found;
        return 0;
}

int netns_container_disconnect(const char *runtime_dir, const char *id, const char *ifname) {
        _cleanup_netlink_ Netlink *nl = NULL, *cnl = NULL;
        _cleanup_close_ int home = -EBADF, cfd = -EBADF;
        unsigned n;
        char veth[IFNAMSIZ];
        int r;

        r = open_both(runtime_dir, id, &cfd, &home, &nl);
        if (r < 0)
                return r;
        /* ethN's host side is r<id>-N; deleting it takes the pair */
        if (sscanf(ifname, "eth%u", &n) == 1 && netns_veth_name(id, n, veth) >= 0) {
                r = link_delete(nl, veth);
                if (r != -ENODEV)
                        return r;
        }
        /* an interface named otherwise: delete it in the container */
        r = netlink_open_in(cfd, home, &cnl);
        if (r < 0)
                return r;
        if (streq(ifname, "lo"))
                return -EPERM;
        return link_delete(cnl, ifname);
}

int netns_container_destroy(const char *runtime_dir, const char *id) {
        _cleanup_netlink_ Netlink *nl = NULL;
        _cleanup_free_ LinkInfo *links = NULL;
        _cleanup_free_ char *path = NULL;
        LinkChange off = LINK_CHANGE_NULL;
        size_t n = 0;
        int r, ret = 0;

        r = netns_container_path(runtime_dir, id, &path);
        if (r < 0)
                return r;
        r = netlink_open(&nl);
        if (r < 0)
                return r;
        r = link_list(nl, &links, &n);
        if (r < 0)
                return r;

        /* Cut the host-side veths off their bridges now, and let the kernel
         * delete the pairs with the namespace: deleting a veth waits for an
         * RCU grace period (20 ms and more), where this takes well under one.
         * Off the bridge, a pair left behind (a process still in the
         * namespace) cannot clash with the next holder of its address. */
        off.down = true;
        off.nomaster = true;
        for (size_t i = 0; i < n; i++)
                if (veth_number(id, links[i].name) >= 0) {
                        r = link_change(nl, links[i].name, &off);
                        if (r < 0 && r != -ENODEV && ret == 0)
                                ret = r;
                }

        if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT && ret == 0)
                ret = -errno;
        if (unlink(path) < 0 && errno != ENOENT && ret == 0)
                ret = -errno;
        return ret;
}
