/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hosts.h"

static void test_hosts(void) {
        HostsEntry add[] = { { "192.168.1.10", "db.example" }, { "fd00::5", "v6host  other" } };
        HostsEntry peers[] = { { "10.88.0.3", "web" }, { "10.88.0.4", "cache redis" } };
        HostsParams p = {
                .hostname = "c0ffee",
                .name = "app",
                .address = "10.88.0.2",
                .add_hosts = add, .n_add_hosts = G_N_ELEMENTS(add),
                .host_gateway = "10.88.0.1",
                .peers = peers, .n_peers = G_N_ELEMENTS(peers),
        };
        g_autofree char *out = NULL;

        g_assert_cmpint(hosts_render(&p, &out), ==, 0);
        g_assert_cmpstr(out, ==,
                        "127.0.0.1\tlocalhost localhost.localdomain\n"
                        "::1\tlocalhost ip6-localhost ip6-loopback\n"
                        "192.168.1.10\tdb.example\n"
                        "fd00::5\tv6host other\n"
                        "10.88.0.2\tc0ffee app\n"
                        "10.88.0.1\thost.roost.internal\n"
                        "10.88.0.3\tweb\n"
                        "10.88.0.4\tcache redis\n");
}

static void test_hosts_minimal(void) {
        HostsParams p = { .hostname = "box", .name = "box" };
        g_autofree char *out = NULL;

        /* --network none: the hostname still resolves; no host alias without host loopback */
        g_assert_cmpint(hosts_render(&p, &out), ==, 0);
        g_assert_cmpstr(out, ==,
                        "127.0.0.1\tlocalhost localhost.localdomain\n"
                        "::1\tlocalhost ip6-localhost ip6-loopback\n"
                        "127.0.1.1\tbox\n");
}

static void test_hosts_injection(void) {
        HostsEntry bad_name[] = { { "10.0.0.1", "ok\n1.2.3.4 evil" } };
        HostsEntry bad_addr[] = { { "10.0.0.1 evil", "x" } };
        HostsEntry empty[] = { { "10.0.0.1", " " } };
        HostsParams p = { .hostname = "box" };
        char *out = NULL;

        p.peers = bad_name, p.n_peers = 1;
        g_assert_cmpint(hosts_render(&p, &out), ==, -EINVAL);
        p.peers = bad_addr;
        g_assert_cmpint(hosts_render(&p, &out), ==, -EINVAL);
        p.peers = empty;
        g_assert_cmpint(hosts_render(&p, &out), ==, -EINVAL);
        p.n_peers = 0;
        p.hostname = "two words";
        g_assert_cmpint(hosts_render(&p, &out), ==, -EINVAL);
        p.hostname = "box";
        p.address = "10.88.0.256";
        g_assert_cmpint(hosts_render(&p, &out), ==, -EINVAL);
        g_assert_null(out);
}

static void test_add_host(void) {
        g_autofree char *n1 = NULL, *a1 = NULL, *n2 = NULL, *a2 = NULL, *n3 = NULL, *a3 = NULL, *n4 = NULL, *a4 = NULL;
        char *x = NULL, *y = NULL;

        g_assert_cmpint(hosts_parse_add_host("db:192.168.1.10", NULL, &n1, &a1), ==, 0);
        g_assert_cmpstr(n1, ==, "db");
        g_assert_cmpstr(a1, ==, "192.168.1.10");
        g_assert_cmpint(hosts_parse_add_host("v6:fd00::1", NULL, &n2, &a2), ==, 0);
        g_assert_cmpstr(a2, ==, "fd00::1");
        g_assert_cmpint(hosts_parse_add_host("v6b:[fd00::2]", NULL, &n3, &a3), ==, 0);
        g_assert_cmpstr(a3, ==, "fd00::2");
        g_assert_cmpint(hosts_parse_add_host("gw:host-gateway", "10.88.0.1", &n4, &a4), ==, 0);
        g_assert_cmpstr(a4, ==, "10.88.0.1");
        g_assert_cmpint(hosts_parse_add_host("gw:host-gateway", NULL, &x, &y), ==, -EADDRNOTAVAIL);
        g_assert_cmpint(hosts_parse_add_host("nocolon", NULL, &x, &y), ==, -EINVAL);
        g_assert_cmpint(hosts_parse_add_host(":1.2.3.4", NULL, &x, &y), ==, -EINVAL);
        g_assert_cmpint(hosts_parse_add_host("a b:1.2.3.4", NULL, &x, &y), ==, -EINVAL);
        g_assert_cmpint(hosts_parse_add_host("name:example.com", NULL, &x, &y), ==, -EINVAL);
        g_assert_null(x);
}

static void test_resolv(void) {
        const char *ns[] = { "10.88.255.254", NULL };
        const char *ns2[] = { "1.1.1.1", "2606:4700:4700::1111", NULL };
        const char *search[] = { "example.com", "corp", NULL };
        const char *opts[] = { "ndots:2", "edns0", NULL };
        const char *bad[] = { "dns.example", NULL };
        const char *badopt[] = { "ndots:2\nnameserver 6.6.6.6", NULL };
        ResolvParams p = { .nameservers = ns };
        g_autofree char *o1 = NULL, *o2 = NULL;
        char *x = NULL;

        g_assert_cmpint(resolv_render(&p, &o1), ==, 0);
        g_assert_cmpstr(o1, ==, "nameserver 10.88.255.254\n");
        p = (ResolvParams) { .nameservers = ns2, .search = search, .options = opts };
        g_assert_cmpint(resolv_render(&p, &o2), ==, 0);
        g_assert_cmpstr(o2, ==,
                        "nameserver 1.1.1.1\n"
                        "nameserver 2606:4700:4700::1111\n"
                        "search example.com corp\n"
                        "options ndots:2 edns0\n");
        p = (ResolvParams) { .nameservers = bad };
        g_assert_cmpint(resolv_render(&p, &x), ==, -EINVAL);
        p = (ResolvParams) { .nameservers = ns, .options = badopt };
        g_assert_cmpint(resolv_render(&p, &x), ==, -EINVAL);
        g_assert_null(x);
}

static void test_rewrite_in_place(void) {
        g_autofree char *dir = g_dir_make_tmp("roost-hosts-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "hosts", NULL);
        g_autofree char *content = NULL;
        struct stat st1, st2;
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        g_assert_cmpint(dfd, >=, 0);
        g_assert_cmpint(hosts_file_rewrite(dfd, "hosts", "a long first version of the file\n"), ==, 0);
        g_assert_cmpint(stat(path, &st1), ==, 0);
        g_assert_cmpint(st1.st_mode & 07777, ==, 0644);
        g_assert_cmpint(hosts_file_rewrite(dfd, "hosts", "short\n"), ==, 0);
        g_assert_cmpint(stat(path, &st2), ==, 0);
        /* the same inode (a bind mount of it stays valid), the new content only */
        g_assert_cmpuint(st1.st_ino, ==, st2.st_ino);
        g_assert_true(g_file_get_contents(path, &content, NULL, NULL));
        g_assert_cmpstr(content, ==, "short\n");

        /* a symlink is not followed */
        g_assert_cmpint(symlinkat("/etc/passwd", dfd, "link"), ==, 0);
        g_assert_cmpint(hosts_file_rewrite(dfd, "link", "x\n"), ==, -ELOOP);
        g_assert_cmpint(unlinkat(dfd, "link", 0), ==, 0);
        g_assert_cmpint(unlinkat(dfd, "hosts", 0), ==, 0);
        close(dfd);
        g_assert_cmpint(g_rmdir(dir), ==, 0);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/hosts/render", test_hosts);
        g_test_add_func("/hosts/minimal", test_hosts_minimal);
        g_test_add_func("/hosts/injection", test_hosts_injection);
        g_test_add_func("/hosts/add-host", test_add_host);
        g_test_add_func("/hosts/resolv", test_resolv);
        g_test_add_func("/hosts/rewrite-in-place", test_rewrite_in_place);
        return g_test_run();
}
