/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>
#include <signal.h>

#include "container-options.h"

static ContainerOptions *parse_ok(const char *text) {
        g_autoptr(GError) e = NULL;
        g_autoptr(GVariant) v = g_variant_parse(G_VARIANT_TYPE("a{sv}"), text, NULL, NULL, &e);
        ContainerOptions *o = NULL;
        char *err = NULL;

        g_assert_no_error(e);
        if (container_options_parse(v, &o, &err) < 0)
                g_error("unexpected error: %s", err);
        return o;
}

static char *parse_err(const char *text) {
        g_autoptr(GVariant) v = g_variant_parse(G_VARIANT_TYPE("a{sv}"), text, NULL, NULL, NULL);
        ContainerOptions *o = NULL;
        char *err = NULL;

        g_assert_nonnull(v);
        g_assert_cmpint(container_options_parse(v, &o, &err), ==, -EINVAL);
        g_assert_null(o);
        g_assert_nonnull(err);
        return err;
}

static void test_basic(void) {
        g_autoptr(ContainerOptions) o = parse_ok(
                "{'Image': <'busybox'>, 'Name': <'web-1'>, 'Cmd': <['sh', '-c', 'true']>, 'Env': <['A=1', 'B=']>,"
                " 'Tty': <true>, 'RestartPolicy': <'on-failure:3'>, 'Memory': <int64 67108864>,"
                " 'Binds': <['/tmp:/data:ro', 'myvol:/vol', '/a:/b:rro,rslave']>, 'Tmpfs': <['/run:size=1m']>,"
                " 'CapAdd': <['net_admin', 'CAP_SYS_PTRACE']>, 'CapDrop': <['ALL']>, 'Ulimits': <['nofile=10:20']>,"
                " 'LogOpts': <{'max-size': '1m', 'max-file': '3'}>, 'StopSignal': <'SIGKILL'>}");

        g_assert_cmpstr(o->image, ==, "busybox");
        g_assert_cmpstr(o->name, ==, "web-1");
        g_assert_cmpuint(g_strv_length(o->cmd), ==, 3);
        g_assert_true(o->tty);
        g_assert_cmpint(o->restart, ==, RESTART_ON_FAILURE);
        g_assert_cmpint(o->restart_max, ==, 3);
        g_assert_cmpint(o->memory, ==, 64 * 1024 * 1024);
        g_assert_cmpuint(o->n_mounts, ==, 4);
        g_assert_cmpint(o->mounts[0].kind, ==, MOUNT_BIND);
        g_assert_true(o->mounts[0].readonly);
        g_assert_cmpint(o->mounts[1].kind, ==, MOUNT_VOLUME);
        g_assert_cmpstr(o->mounts[1].source, ==, "myvol");
        g_assert_true(o->mounts[2].recursive_ro);
        g_assert_cmpstr(o->mounts[2].options[0], ==, "rslave");
        g_assert_cmpint(o->mounts[3].kind, ==, MOUNT_TMPFS);
        g_assert_cmpstr(o->cap_add[0], ==, "CAP_NET_ADMIN");
        g_assert_cmpstr(o->cap_drop[0], ==, "ALL");
        g_assert_cmpuint(o->ulimits[0].soft, ==, 10);
        g_assert_cmpuint(o->ulimits[0].hard, ==, 20);
        g_assert_cmpuint(o->log_max_size, ==, 1024 * 1024);
        g_assert_cmpuint(o->log_max_files, ==, 3);
        g_assert_cmpstr(o->network_mode, ==, "roost"); /* the default network */
        g_assert_cmpstr(o->log_driver, ==, "k8s-file");
}

static void test_network(void) {
        g_autoptr(ContainerOptions) o = parse_ok(
                "{'Image': <'b'>, 'NetworkMode': <'web'>, 'Publish': <['8080:80', '127.0.0.1::53/udp', '[::1]:9000-9001:90-91']>,"
                " 'PublishAll': <true>, 'Expose': <['7000/udp', '8000-8002']>, 'IPAddress': <'10.89.0.10'>,"
                " 'NetworkAliases': <['db', 'db.local']>, 'Dns': <['1.1.1.1', '2606:4700::1111']>, 'DnsSearch': <['example.com']>,"
                " 'DnsOptions': <['ndots:2']>, 'ExtraHosts': <['reg:10.0.0.1', 'h6:[::2]', 'gw:host-gateway']>}");

        g_assert_cmpstr(o->network_mode, ==, "web");
        g_assert_cmpuint(g_strv_length(o->publish), ==, 3);
        g_assert_true(o->publish_all);
        g_assert_cmpstr(o->expose[1], ==, "8000-8002");
        g_assert_cmpstr(o->ip_address, ==, "10.89.0.10");
        g_assert_cmpstr(o->network_aliases[1], ==, "db.local");
        g_assert_cmpstr(o->dns[1], ==, "2606:4700::1111");
        g_assert_cmpstr(o->extra_hosts[2], ==, "gw:host-gateway");
        g_assert_true(network_mode_is_network(o->network_mode));

        g_autoptr(ContainerOptions) b = parse_ok("{'Image': <'b'>, 'NetworkMode': <'bridge'>}");
        g_assert_cmpstr(b->network_mode, ==, "roost");
        g_autoptr(ContainerOptions) h = parse_ok("{'Image': <'b'>, 'NetworkMode': <'host'>, 'Publish': <['80']>}");
        g_assert_false(network_mode_is_network(h->network_mode));
        g_autoptr(ContainerOptions) c = parse_ok("{'Image': <'b'>, 'NetworkMode': <'container:web'>}");
        g_assert_false(network_mode_is_network(c->network_mode));

        g_assert_true(hostname_valid("a-b.c_d"));
        g_assert_false(hostname_valid("a b"));
        g_assert_false(hostname_valid("-a"));
        g_assert_false(hostname_valid(""));
        g_assert_false(hostname_valid("a\nb"));
}

static void test_errors(void) {
        static const struct {
                const char *input, *expect;
        } cases[] = {
                { "{'Name': <'x'>}", "no image given" },
                { "{'Image': <'b'>, 'Name': <'-bad'>}", "invalid container name \"-bad\"" },
                { "{'Image': <'b'>, 'Bogus': <1>}", "unknown container option \"Bogus\"" },
                { "{'Image': <'b'>, 'Cmd': <'sh'>}", "option Cmd must have D-Bus type as" },
                { "{'Image': <'b'>, 'Env': <['NOEQUALS']>}", "invalid environment variable \"NOEQUALS\"" },
                { "{'Image': <'b'>, 'Binds': <['relative:/x']>}", "" /* a volume name: valid */ },
                { "{'Image': <'b'>, 'Binds': <['/a:rel']>}", "must be an absolute path" },
                { "{'Image': <'b'>, 'Binds': <['/a:/b:bogus']>}", "unknown option \"bogus\"" },
                { "{'Image': <'b'>, 'CapAdd': <['CAP_FLY']>}", "unknown capability \"CAP_FLY\"" },
                { "{'Image': <'b'>, 'RestartPolicy': <'sometimes'>}", "invalid restart policy \"sometimes\"" },
                { "{'Image': <'b'>, 'RestartPolicy': <'always'>, 'AutoRemove': <true>}", "conflicting options" },
                { "{'Image': <'b'>, 'Memory': <int64 100>}", "the minimum is 6m" },
                { "{'Image': <'b'>, 'MemorySwap': <int64 100000000>}", "--memory-swap needs --memory" },
                { "{'Image': <'b'>, 'CpuShares': <int64 1>}", "range is 2 to 262144" },
                { "{'Image': <'b'>, 'Ulimits': <['nofile=20:10']>}", "above the hard limit" },
                { "{'Image': <'b'>, 'Ulimits': <['fly=1']>}", "unknown limit \"fly\"" },
                { "{'Image': <'b'>, 'StopSignal': <'SIGFOO'>}", "invalid stop signal" },
                { "{'Image': <'b'>, 'SecurityOpt': <['apparmor=x']>}", "invalid security option" },
                { "{'Image': <'b'>, 'Userns': <'private'>}", "invalid --userns" },
                { "{'Image': <'b'>, 'LogDriver': <'syslog'>}", "unknown log driver" },
                { "{'Image': <'b'>, 'Mounts': <['type=bind,target=/x']>}", "needs an absolute source" },
                { "{'Image': <'b'>, 'WorkingDir': <'relative'>}", "needs to be an absolute path" },
                { "{'Image': <'b'>, 'Publish': <['80:80:80:80']>}", "invalid -p \"80:80:80:80\"" },
                { "{'Image': <'b'>, 'Publish': <['70000']>}", "invalid -p" },
                { "{'Image': <'b'>, 'Publish': <['80/sctp']>}", "invalid -p" },
                { "{'Image': <'b'>, 'Expose': <['1:2']>}", "invalid --expose" },
                { "{'Image': <'b'>, 'IPAddress': <'10.0.0'>}", "invalid --ip" },
                { "{'Image': <'b'>, 'NetworkAliases': <['a b']>}", "invalid --network-alias" },
                { "{'Image': <'b'>, 'Dns': <['dns.google']>}", "invalid --dns" },
                { "{'Image': <'b'>, 'DnsSearch': <['a b']>}", "invalid --dns-search" },
                { "{'Image': <'b'>, 'ExtraHosts': <['noaddress']>}", "invalid --add-host" },
                { "{'Image': <'b'>, 'ExtraHosts': <['x:not-an-ip']>}", "invalid --add-host" },
                { "{'Image': <'b'>, 'NetworkMode': <'none'>, 'Publish': <['80']>}", "conflicting options: port publishing" },
                { "{'Image': <'b'>, 'NetworkMode': <'host'>, 'IPAddress': <'10.0.0.2'>}", "conflicting options: --ip" },
                { "{'Image': <'b'>, 'NetworkMode': <'container:x'>, 'Dns': <['1.1.1.1']>}", "conflicting options: --dns" },
                { "{'Image': <'b'>, 'NetworkMode': <'container:'>}", "name the container" },
                { "{'Image': <'b'>, 'NetworkMode': <'bad name'>}", "invalid --network" },
                { "{'Image': <'b'>, 'Hostname': <'a;b'>}", "invalid hostname" },
        };
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                if (!*cases[i].expect) {
                        g_autoptr(ContainerOptions) o = parse_ok(cases[i].input);
                        continue;
                }
                g_autofree char *err = parse_err(cases[i].input);
                if (!strstr(err, cases[i].expect))
                        g_error("input %s: error \"%s\" does not contain \"%s\"", cases[i].input, err, cases[i].expect);
        }
}

static void test_helpers(void) {
        int64_t n;

        g_assert_cmpint(signal_from_string("SIGTERM"), ==, SIGTERM);
        g_assert_cmpint(signal_from_string("kill"), ==, SIGKILL);
        g_assert_cmpint(signal_from_string("9"), ==, 9);
        g_assert_cmpint(signal_from_string("RTMIN+3"), ==, SIGRTMIN + 3);
        g_assert_cmpint(signal_from_string("SIGRTMIN+3"), ==, SIGRTMIN + 3);
        g_assert_cmpint(signal_from_string("nope"), <, 0);
        g_assert_cmpint(signal_from_string("0"), <, 0);
        g_assert_cmpint(parse_size("64m", &n), ==, 0);
        g_assert_cmpint(n, ==, 64 * 1024 * 1024);
        g_assert_cmpint(parse_size("1g", &n), ==, 0);
        g_assert_cmpint(n, ==, 1024 * 1024 * 1024);
        g_assert_cmpint(parse_size("512", &n), ==, 0);
        g_assert_cmpint(n, ==, 512);
        g_assert_cmpint(parse_size("10kb", &n), ==, 0);
        g_assert_cmpint(n, ==, 10240);
        g_assert_cmpint(parse_size("x", &n), <, 0);
        g_assert_cmpint(parse_size("10q", &n), <, 0);
        g_assert_cmpint(parse_size("-5", &n), <, 0);
        g_assert_true(container_name_valid("a"));
        g_assert_true(container_name_valid("web_1.x-y"));
        g_assert_false(container_name_valid("_x"));
        g_assert_false(container_name_valid("a b"));
        g_assert_false(container_name_valid(""));
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/container-options/basic", test_basic);
        g_test_add_func("/container-options/errors", test_errors);
        g_test_add_func("/container-options/network", test_network);
        g_test_add_func("/container-options/helpers", test_helpers);
        return g_test_run();
}
