/* SPDX-License-Identifier: Apache-2.0 */
/* roost-netns: the network set-up steps of netns/network.h as a command, for
 * roostd to run in the holder's namespaces (or to join them itself with
 * --holder) and for tests. See netns/README.md. */
#include <getopt.h>
#include <sched.h>

#include "helper.h"
#include "ipam.h"
#include "log.h"
#include "netns-defs.h"
#include "network.h"
#include "ns-util.h"
#include "paths.h"

static const char *arg_runtime_dir;
static pid_t arg_holder;

static void help(void) {
        printf("Usage: roost-netns [--holder PID] [--runtime-dir DIR] COMMAND ...\n"
               "\n"
               "Runs in the namespace holder's user, mount and network namespaces;\n"
               "--holder PID joins those of PID first.\n"
               "DIR defaults to $XDG_RUNTIME_DIR/roost.\n"
               "\n"
               "  network-up BRIDGE            create the bridge (idempotent)\n"
               "  network-down BRIDGE          delete the bridge\n"
               "  create ID [--bridge BR --address IP/PREFIX [--gateway IP]]\n"
               "                               new network namespace for container ID, pinned\n"
               "                               at DIR/" NETNS_CONTAINER_DIR "/ID (printed), with eth0 on BR\n"
               "  connect ID --bridge BR --address IP/PREFIX [--gateway IP]\n"
               "                               another interface on BR (its name is printed)\n"
               "  disconnect ID IFNAME         remove the interface\n"
               "  destroy ID                   remove the namespace, its veths and pin\n");
}

static int parse_attach(int argc, char **argv, NetnsAttach *a, bool *ret_any) {
        static const struct option options[] = {
                { "bridge", required_argument, NULL, 'b' },
                { "address", required_argument, NULL, 'a' },
                { "gateway", required_argument, NULL, 'g' },
                {}
        };
        int c;

        *a = (NetnsAttach) {};
        optind = 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 'b':
                        a->bridge = optarg;
                        break;
                case 'a':
                        if (ipam_parse_cidr(optarg, &a->address, &a->prefixlen) < 0 || a->prefixlen > 30)
                                return log_error_errno(EINVAL, "--address %s: not an IPv4 ADDRESS/PREFIX.", optarg);
                        break;
                case 'g':
                        if (ipam_parse_address(optarg, &a->gateway) < 0)
                                return log_error_errno(EINVAL, "--gateway %s: not an IPv4 address.", optarg);
                        break;
                default:
                        return -EINVAL;
                }
        if (optind != argc)
                return log_error_errno(EINVAL, "Unexpected argument '%s'.", argv[optind]);
        *ret_any = a->bridge || a->address;
        if (*ret_any && (!a->bridge || !a->address))
                return log_error_errno(EINVAL, "--bridge and --address go together.");
        if (a->gateway) {
                IpamSubnet s = ipam_subnet_of(a->address, a->prefixlen);
                if (!ipam_contains(&s, a->gateway))
                        return log_error_errno(EINVAL, "The gateway is outside the address's subnet.");
        }
        return 0;
}

static int explain(int r, const char *what, const char *name) {
        switch (r) {
        case -ENODEV:
                return log_error_errno(r, "%s: no bridge or interface %s in the detached network namespace (create the network first).", what, name);
        case -ENOTUNIQ:
                return log_error_errno(r, "%s: %s exists and is not a bridge.", what, name);
        default:
                return log_error_errno(r, "%s %s failed: %m", what, name);
        }
}

static int run(int argc, char **argv) {
        const char *cmd = argv[0];
        NetnsAttach a;
        bool any = false;
        int r;

        if (streq(cmd, "network-up") || streq(cmd, "network-down")) {
                if (argc != 2)
                        return log_error_errno(EINVAL, "%s takes one BRIDGE.", cmd);
                r = streq(cmd, "network-up") ? netns_network_up(argv[1]) : netns_network_down(argv[1]);
                return r < 0 ? explain(r, cmd, argv[1]) : 0;
        }
        if (argc < 2)
                return log_error_errno(EINVAL, "%s needs a container ID.", cmd);
        if (!netns_id_valid(argv[1]))
                return log_error_errno(EINVAL, "'%s' is not a valid container ID.", argv[1]);

        if (streq(cmd, "create") || streq(cmd, "connect")) {
                char ifname[IFNAMSIZ];
                r = parse_attach(argc - 1, argv + 1, &a, &any);
                if (r < 0)
                        return r;
                if (streq(cmd, "create")) {
                        _cleanup_free_ char *path = NULL;
                        r = netns_container_create(arg_runtime_dir, argv[1], any ? &a : NULL);
                        if (r == -EEXIST)
                                return log_error_errno(r, "Container %s already has a network namespace.", argv[1]);
                        if (r < 0)
                                return explain(r, "create", r == -ENODEV && any ? a.bridge : argv[1]);
                        r = netns_container_path(arg_runtime_dir, argv[1], &path);
                        if (r < 0)
                                return r;
                        printf("%s\n", path);
                        return 0;
                }
                if (!any)
                        return log_error_errno(EINVAL, "connect needs --bridge and --address.");
                r = netns_container_connect(arg_runtime_dir, argv[1], &a, ifname);
                if (r == -ENOENT)
                        return log_error_errno(r, "Container %s has no network namespace.", argv[1]);
                if (r < 0)
                        return explain(r, "connect", a.bridge);
                printf("%s\n", ifname);
                return 0;
        }
        if (streq(cmd, "disconnect")) {
                if (argc != 3)
                        return log_error_errno(EINVAL, "disconnect takes ID IFNAME.");
                r = netns_container_disconnect(arg_runtime_dir, argv[1], argv[2]);
                if (r == -ENOENT)
                        return log_error_errno(r, "Container %s has no network namespace.", argv[1]);
                return r < 0 ? explain(r, "disconnect", argv[2]) : 0;
        }
        if (streq(cmd, "destroy")) {
                if (argc != 2)
                        return log_error_errno(EINVAL, "destroy takes one ID.");
                r = netns_container_destroy(arg_runtime_dir, argv[1]);
                return r < 0 ? explain(r, "destroy", argv[1]) : 0;
        }
        return log_error_errno(EINVAL, "Unknown command '%s' (see --help).", cmd);
}

int main(int argc, char **argv) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "holder", required_argument, NULL, 'H' },
                { "runtime-dir", required_argument, NULL, 'R' },
                {}
        };
        _cleanup_free_ char *default_dir = NULL;
        int c, r;

        log_setup("roost-netns");
        while ((c = getopt_long(argc, argv, "+h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case 'H':
                        if (helper_parse_pid(optarg, &arg_holder) < 0) {
                                log_error("--holder %s: not a PID.", optarg);
                                return 2;
                        }
                        break;
                case 'R':
                        arg_runtime_dir = optarg;
                        break;
                default:
                        return 2;
                }
        if (optind >= argc) {
                help();
                return 2;
        }
        if (!arg_runtime_dir) {
                r = roost_runtime_dir(&default_dir);
                if (r < 0)
                        return 1;
                arg_runtime_dir = default_dir;
        }
        if (arg_holder > 0) {
                r = ns_enter(arg_holder, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET);
                if (r < 0) {
                        log_error_errno(r, "Cannot join the namespaces of the holder (PID %d): %m", (int) arg_holder);
                        return 1;
                }
        }
        r = run(argc - optind, argv + optind);
        return r < 0 ? 1 : 0;
}
