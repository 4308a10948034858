/* SPDX-License-Identifier: Apache-2.0 */
/* roost-slirp: the uplink of one roost network. Runs in the host network
 * namespace; its tap lives in the detached netns on the network's bridge.
 * See netns/README.md. */
#include <getopt.h>

#include "helper.h"
#include "ipam.h"
#include "log.h"
#include "netns-defs.h"
#include "ready.h"
#include "sandbox.h"
#include "tap.h"
#include "uplink.h"

static pid_t arg_holder;
static const char *arg_bridge;
static UplinkConfig arg_config = { .mtu = NETNS_MTU };
static bool arg_sandbox = true;
static int arg_ready_fd = -1;

static void help(void) {
        printf("Usage: roost-slirp --holder PID --bridge BRIDGE --subnet CIDR [OPTIONS]\n"
               "\n"
               "The libslirp uplink of a roost network: a tap on BRIDGE in the network\n"
               "namespace of PID (the namespace holder), and sockets in this one.\n"
               "\n"
               "  --gateway IP             libslirp's address (default: the subnet's first)\n"
               "  --dns IP                 its DNS forwarder (default: the subnet's last host address)\n"
               "  --mtu N                  default %u\n"
               "  --allow-host-loopback    connections to the gateway reach the host's 127.0.0.1\n"
               "  --ready-fd FD            write READY (or ERROR ...) there, not on stdout\n"
               "  --no-sandbox             skip the seccomp filter (debugging)\n",
               NETNS_MTU);
}

static int parse_args(int argc, char **argv) {
        enum { ARG_GATEWAY = 0x100, ARG_DNS, ARG_MTU, ARG_LOOPBACK, ARG_READY, ARG_NOSANDBOX };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "holder", required_argument, NULL, 'H' },
                { "bridge", required_argument, NULL, 'b' },
                { "subnet", required_argument, NULL, 's' },
                { "gateway", required_argument, NULL, ARG_GATEWAY },
                { "dns", required_argument, NULL, ARG_DNS },
                { "mtu", required_argument, NULL, ARG_MTU },
                { "allow-host-loopback", no_argument, NULL, ARG_LOOPBACK },
                { "ready-fd", required_argument, NULL, ARG_READY },
                { "no-sandbox", no_argument, NULL, ARG_NOSANDBOX },
                {}
        };
        bool have_subnet = false;
        int c, r;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        exit(EXIT_SUCCESS);
                case 'H':
                        if (helper_parse_pid(optarg, &arg_holder) < 0)
                                return log_error_errno(EINVAL, "--holder %s: not a PID.", optarg);
                        break;
                case 'b':
                        arg_bridge = optarg;
                        break;
                case 's':
                        r = ipam_parse_subnet(optarg, &arg_config.subnet);
                        if (r < 0)
                                return log_error_errno(r, "--subnet %s: not an IPv4 subnet with prefix /%d.../%d and no host bits.",
                                                       optarg, IPAM_PREFIX_MIN, IPAM_PREFIX_MAX);
                        have_subnet = true;
                        break;
                case ARG_GATEWAY:
                        if (ipam_parse_address(optarg, &arg_config.gateway) < 0)
                                return log_error_errno(EINVAL, "--gateway %s: not an IPv4 address.", optarg);
                        break;
                case ARG_DNS:
                        if (ipam_parse_address(optarg, &arg_config.dns) < 0)
                                return log_error_errno(EINVAL, "--dns %s: not an IPv4 address.", optarg);
                        break;
                case ARG_MTU:
                        arg_config.mtu = (uint32_t) atoi(optarg);
                        if (arg_config.mtu < 1280 || arg_config.mtu > NETNS_MTU)
                                return log_error_errno(EINVAL, "--mtu %s: not in 1280...%u.", optarg, NETNS_MTU);
                        break;
                case ARG_LOOPBACK:
                        arg_config.allow_host_loopback = true;
                        break;
                case ARG_READY:
                        if (helper_parse_fd(optarg, &arg_ready_fd) < 0)
                                return log_error_errno(EBADF, "--ready-fd %s: not an open file descriptor.", optarg);
                        break;
                case ARG_NOSANDBOX:
                        arg_sandbox = false;
                        break;
                default:
                        return -EINVAL;
                }
        if (optind < argc)
                return log_error_errno(EINVAL, "Unexpected argument '%s'.", argv[optind]);
        if (arg_holder <= 0 || !arg_bridge || !have_subnet)
                return log_error_errno(EINVAL, "--holder, --bridge and --subnet are required (see --help).");
        if (!arg_config.gateway)
                arg_config.gateway = ipam_default_gateway(&arg_config.subnet);
        r = ipam_check_gateway(&arg_config.subnet, arg_config.gateway);
        if (r < 0)
                return log_error_errno(r, "--gateway is not a host address of --subnet.");
        if (!arg_config.dns)
                arg_config.dns = ipam_dns_address(&arg_config.subnet, arg_config.gateway);
        if (arg_config.dns == arg_config.gateway || ipam_check_gateway(&arg_config.subnet, arg_config.dns) < 0)
                return log_error_errno(EINVAL, "--dns must be a host address of --subnet other than the gateway.");
        return 0;
}

static int run(void) {
        _cleanup_close_ int tap = -EBADF, sfd = -EBADF;
        char tap_name[IFNAMSIZ], gw[IPAM_ADDRESS_MAX], dns[IPAM_ADDRESS_MAX];
        Uplink *u = NULL;
        int r;

        sfd = helper_signal_fd();
        if (sfd < 0)
                return log_error_errno(sfd, "Failed to set up signal handling: %m");

        r = tap_create_in_holder(arg_holder, arg_bridge, arg_config.mtu, &tap, tap_name);
        if (r == -ENODEV)
                return log_error_errno(r, "There is no bridge %s in the network namespace of PID %d (create the network first).",
                                       arg_bridge, (int) arg_holder);
        if (r < 0)
                return log_error_errno(r, "Failed to create a tap on %s in the network namespace of PID %d: %m",
                                       arg_bridge, (int) arg_holder);

        r = uplink_new(tap, &arg_config, &u);
        if (r < 0)
                return log_error_errno(r, "libslirp refused the configuration.");
        if (arg_sandbox) {
                r = sandbox_apply_uplink();
                if (r < 0) {
                        uplink_free(u);
                        return log_error_errno(r, "Failed to apply the seccomp filter: %m");
                }
        }
        ready_send(arg_ready_fd, "READY tap=%s gateway=%s dns=%s host-loopback=%s",
                   tap_name, ipam_format_address(arg_config.gateway, gw),
                   ipam_format_address(arg_config.dns, dns), arg_config.allow_host_loopback ? "yes" : "no");
        log_debug("Uplink on %s (%s) ready.", arg_bridge, tap_name);

        r = uplink_run(u, sfd);
        uplink_free(u);
        return r;
}

int main(int argc, char **argv) {
        int r;

        log_setup("roost-slirp");
        r = parse_args(argc, argv);
        if (r >= 0)
                r = run();
        if (r < 0) {
                ready_fail(arg_ready_fd, log_last_error_message());
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}
