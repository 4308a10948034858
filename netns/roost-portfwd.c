/* SPDX-License-Identifier: Apache-2.0 */
/* roost-portfwd: the published ports of one container. Binds the host
 * sockets in the host network namespace, then joins the holder's user and
 * mount namespaces and the container's network namespace, where it makes
 * the sockets that connect to the container. See netns/README.md. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <sys/resource.h>

#include "helper.h"
#include "hostsock.h"
#include "log.h"
#include "ns-util.h"
#include "portfwd.h"
#include "portspec.h"
#include "ready.h"
#include "seccomp-notify.h"

static pid_t arg_holder;
static const char *arg_netns;
static const char *arg_seccomp_listener;
static PortfwdOptions arg_options = { .preserve_source = true };
static bool arg_have_container_ip;
static int arg_ready_fd = -1;
static PortForward *arg_forwards;
static size_t arg_n_forwards;

static void help(void) {
        printf("Usage: roost-portfwd --holder PID --netns PATH --container-ip IP [OPTIONS] SPEC...\n"
               "\n"
               "Publishes ports of a container: SPEC is [hostip:][hostport:]containerport[/tcp|/udp]\n"
               "(docker's -p syntax, ranges allowed). PATH is the container's network\n"
               "namespace as seen in the mount namespace of PID (the namespace holder).\n"
               "\n"
               "  --gateway IP             what clients on host loopback appear as (with source\n"
               "                           preservation; default: the container IP's .1)\n"
               "  --no-preserve-source     connect from the container's own address\n"
               "  --udp-timeout SEC        end idle UDP sessions after SEC seconds (default 60)\n"
               "  --adopt                  a restart for a running container: a TCP host port in\n"
               "                           use is taken to be handed over to it, and left alone\n"
               "  --seccomp-listener PATH  listen there for the runtime's seccomp notification fds\n"
               "                           (OCI linux.seccomp.listenerPath; the container's bind()\n"
               "                           is trapped) and hand published TCP ports over to the\n"
               "                           container's own listening sockets\n"
               "  --ready-fd FD            write PORT/READY/ERROR lines there, not on stdout\n");
}

static int parse_args(int argc, char **argv) {
        enum { ARG_IP = 0x100, ARG_GATEWAY, ARG_NOPRESERVE, ARG_UDP, ARG_READY, ARG_SECCOMP, ARG_ADOPT };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "holder", required_argument, NULL, 'H' },
                { "netns", required_argument, NULL, 'n' },
                { "container-ip", required_argument, NULL, ARG_IP },
                { "gateway", required_argument, NULL, ARG_GATEWAY },
                { "no-preserve-source", no_argument, NULL, ARG_NOPRESERVE },
                { "udp-timeout", required_argument, NULL, ARG_UDP },
                { "ready-fd", required_argument, NULL, ARG_READY },
                { "seccomp-listener", required_argument, NULL, ARG_SECCOMP },
                { "adopt", no_argument, NULL, ARG_ADOPT },
                {}
        };
        bool have_gateway = false;
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
                case 'n':
                        arg_netns = optarg;
                        break;
                case ARG_IP:
                        if (inet_pton(AF_INET, optarg, &arg_options.container_addr) != 1)
                                return log_error_errno(EINVAL, "--container-ip %s: not an IPv4 address.", optarg);
                        arg_have_container_ip = true;
                        break;
                case ARG_GATEWAY:
                        if (inet_pton(AF_INET, optarg, &arg_options.loopback_alias) != 1)
                                return log_error_errno(EINVAL, "--gateway %s: not an IPv4 address.", optarg);
                        have_gateway = true;
                        break;
                case ARG_NOPRESERVE:
                        arg_options.preserve_source = false;
                        break;
                case ARG_UDP:
                        arg_options.udp_idle_sec = (unsigned) atoi(optarg);
                        if (arg_options.udp_idle_sec == 0)
                                return log_error_errno(EINVAL, "--udp-timeout %s: not a positive number of seconds.", optarg);
                        break;
                case ARG_ADOPT:
                        arg_options.adopt = true;
                        break;
                case ARG_SECCOMP:
                        arg_seccomp_listener = optarg;
                        break;
                case ARG_READY:
                        if (helper_parse_fd(optarg, &arg_ready_fd) < 0)
                                return log_error_errno(EBADF, "--ready-fd %s: not an open file descriptor.", optarg);
                        break;
                default:
                        return -EINVAL;
                }
        if (arg_holder <= 0 || !arg_netns || !arg_have_container_ip)
                return log_error_errno(EINVAL, "--holder, --netns and --container-ip are required (see --help).");
        if (optind >= argc)
                return log_error_errno(EINVAL, "No port to publish (see --help).");
        for (int i = optind; i < argc; i++) {
                const char *reason = NULL;
                r = portspec_parse(argv[i], &arg_forwards, &arg_n_forwards, &reason);
                if (r < 0)
                        return log_error_errno(r, "Invalid port spec '%s': %s.", argv[i], reason ?: "bad syntax");
        }
        if (!have_gateway)
                arg_options.loopback_alias.s_addr = htonl((ntohl(arg_options.container_addr.s_addr) & 0xffffff00) | 1);
        return 0;
}

static void raise_fd_limit(void) {
        struct rlimit rl;

        /* every connection takes six fds (two sockets, two pipes) */
        if (getrlimit(RLIMIT_NOFILE, &rl) >= 0 && rl.rlim_cur < rl.rlim_max) {
                rl.rlim_cur = rl.rlim_max;
                (void) setrlimit(RLIMIT_NOFILE, &rl);
        }
}

static int run(void) {
        _cleanup_close_ int sfd = -EBADF, nsfd = -EBADF, seccomp_fd = -EBADF;
        HostSock *hostsock = NULL;
        _cleanup_free_ char *error = NULL;
        const PortForward *bound;
        Portfwd *p = NULL;
        size_t n;
        int r;

        sfd = helper_signal_fd();
        if (sfd < 0)
                return log_error_errno(sfd, "Failed to set up signal handling: %m");
        raise_fd_limit();

        r = portfwd_new(&arg_options, &p);
        if (r < 0)
                return log_error_errno(r, "Failed to set up: %m");

        /* 1. the host sockets, while we are still in the host netns */
        r = portfwd_bind(p, arg_forwards, arg_n_forwards, &error);
        if (r < 0) {
                portfwd_free(p);
                return log_error_errno(r, "%s", error ?: "Binding the host ports failed.");
        }
        if (arg_seccomp_listener) {
                r = bypass_listener_bind(arg_seccomp_listener, &seccomp_fd);
                if (r < 0) {
                        portfwd_free(p);
                        return log_error_errno(r, "Cannot listen on %s: %m", arg_seccomp_listener);
                }
        }

        /* 2. privilege over the container's netns, and the netns itself: from
         * here on every new socket is the container's. No way back to the
         * host netns (it belongs to the initial user namespace), and no need:
         * the listeners and what they accept stay where they were made. */
        r = ns_enter(arg_holder, CLONE_NEWUSER | CLONE_NEWNS);
        if (r < 0) {
                portfwd_free(p);
                return log_error_errno(r, "Cannot join the namespaces of the holder (PID %d): %m", (int) arg_holder);
        }
        /* the thread that stays in the host netns, for the handoff's host sockets */
        if (seccomp_fd >= 0) {
                r = hostsock_start(&hostsock);
                if (r < 0) {
                        portfwd_free(p);
                        return log_error_errno(r, "Cannot start the host socket thread: %m");
                }
                portfwd_enable_handoff(p, hostsock, TAKE_FD(seccomp_fd));
        }
        nsfd = open(arg_netns, O_RDONLY | O_CLOEXEC);
        if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0) {
                r = -errno;
                portfwd_free(p);
                return log_error_errno(r, "Cannot enter the container's network namespace %s: %m", arg_netns);
        }
        nsfd = safe_close(nsfd);

        if (arg_options.preserve_source) {
                r = portfwd_preserve_source_setup();
                if (r < 0) {
                        log_warning_errno(r, "Cannot preserve client addresses, connections will come from the container's own address: %m");
                        arg_options.preserve_source = false;
                        portfwd_set_preserve_source(p, false);
                }
        }

        bound = portfwd_bound(p, &n);
        for (size_t i = 0; i < n; i++) {
                char spec[PORTSPEC_MAX];
                ready_line(arg_ready_fd, "PORT %s", portspec_format(&bound[i], spec));
        }
        ready_send(arg_ready_fd, "READY preserve-source=%s", arg_options.preserve_source ? "yes" : "no");

        r = portfwd_run(p, sfd);
        if (arg_options.preserve_source)
                portfwd_preserve_source_teardown();
        portfwd_free(p);
        if (arg_seccomp_listener)
                (void) unlink(arg_seccomp_listener);
        return r < 0 ? log_error_errno(r, "Forwarding failed: %m") : 0;
}

int main(int argc, char **argv) {
        int r;

        log_setup("roost-portfwd");
        r = parse_args(argc, argv);
        if (r >= 0)
                r = run();
        free(arg_forwards);
        if (r < 0) {
                ready_fail(arg_ready_fd, log_last_error_message());
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}
