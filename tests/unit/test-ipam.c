/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <glib.h>

#include "ipam.h"

static uint32_t A(const char *s) {
        uint32_t a = 0;
        g_assert_cmpint(ipam_parse_address(s, &a), ==, 0);
        return a;
}

static IpamSubnet S(const char *s) {
        IpamSubnet n = {};
        g_assert_cmpint(ipam_parse_subnet(s, &n), ==, 0);
        return n;
}

static void test_parse(void) {
        IpamSubnet s;
        uint32_t a;
        unsigned p;
        char buf[IPAM_SUBNET_MAX];

        g_assert_cmphex(A("10.88.0.1"), ==, 0x0a580001);
        g_assert_cmphex(A("0.0.0.0"), ==, 0);
        g_assert_cmphex(A("255.255.255.255"), ==, 0xffffffff);
        g_assert_cmpint(ipam_parse_address("10.88.0", &a), ==, -EINVAL);
        g_assert_cmpint(ipam_parse_address("10.88.0.1.2", &a), ==, -EINVAL);
        g_assert_cmpint(ipam_parse_address("10.88.0.256", &a), ==, -EINVAL);
        g_assert_cmpint(ipam_parse_address("10.088.0.1", &a), ==, -EINVAL); /* octal to inet_aton */
        g_assert_cmpint(ipam_parse_address("10.88.0.1 ", &a), ==, -EINVAL);
        g_assert_cmpint(ipam_parse_address("-1.0.0.0", &a), ==, -EINVAL);
        g_assert_cmpint(ipam_parse_address("", &a), ==, -EINVAL);
        g_assert_cmpint(ipam_parse_address(NULL, &a), ==, -EINVAL);

        g_assert_cmpint(ipam_parse_cidr("10.88.0.2/16", &a, &p), ==, 0);
        g_assert_cmphex(a, ==, 0x0a580002);
        g_assert_cmpuint(p, ==, 16);
        g_assert_cmpint(ipam_parse_cidr("10.88.0.2/33", &a, &p), ==, -EINVAL);
        g_assert_cmpint(ipam_parse_cidr("10.88.0.2/", &a, &p), ==, -EINVAL);
        g_assert_cmpint(ipam_parse_cidr("10.88.0.2", &a, &p), ==, -EINVAL);
        g_assert_cmpint(ipam_parse_cidr("10.88.0.2/016", &a, &p), ==, -EINVAL);

        s = S("10.88.0.0/16");
        g_assert_cmphex(s.network, ==, 0x0a580000);
        g_assert_cmpuint(s.prefixlen, ==, 16);
        g_assert_cmpstr(ipam_format_subnet(&s, buf), ==, "10.88.0.0/16");
        /* host bits set: refused, with the subnet it should be computable */
        g_assert_cmpint(ipam_parse_subnet("10.88.0.1/16", &s), ==, -EDOM);
        s = ipam_subnet_of(A("10.88.0.1"), 16);
        g_assert_cmpstr(ipam_format_subnet(&s, buf), ==, "10.88.0.0/16");
        g_assert_cmpint(ipam_parse_subnet("10.0.0.0/7", &s), ==, -ERANGE);
        g_assert_cmpint(ipam_parse_subnet("10.0.0.0/31", &s), ==, -ERANGE);
        g_assert_cmpint(ipam_parse_subnet("10.0.0.0/30", &s), ==, 0);
        g_assert_cmpint(ipam_parse_subnet("10.0.0.0/8", &s), ==, 0);
        g_assert_cmpint(ipam_parse_subnet("fd00::/64", &s), ==, -EINVAL);
        g_assert_cmpint(ipam_parse_subnet("roost", &s), ==, -EINVAL);
}

static void test_overlap(void) {
        IpamSubnet def = S("10.88.0.0/16"), a = S("10.88.5.0/24"), b = S("10.89.0.0/24"),
                   big = S("10.0.0.0/8"), c = S("192.168.1.0/24");
        IpamSubnet others[] = { c, b, a };
        size_t idx = 99;

        g_assert_true(ipam_overlaps(&def, &a));
        g_assert_true(ipam_overlaps(&a, &def));
        g_assert_true(ipam_overlaps(&def, &def));
        g_assert_true(ipam_overlaps(&big, &b));
        g_assert_false(ipam_overlaps(&def, &b));
        g_assert_false(ipam_overlaps(&def, &c));

        g_assert_cmpint(ipam_check_overlaps(&def, others, G_N_ELEMENTS(others), &idx), ==, -EADDRINUSE);
        g_assert_cmpuint(idx, ==, 2); /* names the culprit: 10.88.5.0/24 */
        g_assert_cmpint(ipam_check_overlaps(&def, others, 2, &idx), ==, 0);
        g_assert_cmpint(ipam_check_overlaps(&def, NULL, 0, NULL), ==, 0);

        g_assert_true(ipam_contains(&def, A("10.88.255.255")));
        g_assert_false(ipam_contains(&def, A("10.89.0.0")));
}

static void test_gateway_dns(void) {
        IpamSubnet def = S("10.88.0.0/16"), s24 = S("10.89.3.0/24");
        char buf[IPAM_ADDRESS_MAX];

        g_assert_cmpstr(ipam_format_address(ipam_default_gateway(&def), buf), ==, "10.88.0.1");
        g_assert_cmpstr(ipam_format_address(ipam_dns_address(&def, A("10.88.0.1")), buf), ==, "10.88.255.254");
        /* a gateway at the end moves the forwarder one down */
        g_assert_cmpstr(ipam_format_address(ipam_dns_address(&s24, A("10.89.3.254")), buf), ==, "10.89.3.253");
        g_assert_cmpint(ipam_check_gateway(&def, A("10.88.0.1")), ==, 0);
        g_assert_cmpint(ipam_check_gateway(&def, A("10.88.200.7")), ==, 0);
        g_assert_cmpint(ipam_check_gateway(&def, A("10.89.0.1")), ==, -EDOM);
        g_assert_cmpint(ipam_check_gateway(&def, A("10.88.0.0")), ==, -EADDRNOTAVAIL);
        g_assert_cmpint(ipam_check_gateway(&def, A("10.88.255.255")), ==, -EADDRNOTAVAIL);
}

static void test_allocate(void) {
        IpamSubnet def = S("10.88.0.0/16"), tiny = S("10.90.0.0/29");
        uint32_t gw = A("10.88.0.1"), dns = A("10.88.255.254"), a = 0;
        uint32_t taken[] = { A("10.88.0.4"), A("10.88.0.2"), A("10.88.0.2"), A("192.168.0.2") };
        char buf[IPAM_ADDRESS_MAX];

        /* the lowest free, skipping network, gateway and taken */
        g_assert_cmpint(ipam_allocate(&def, gw, dns, NULL, 0, 0, &a), ==, 0);
        g_assert_cmpstr(ipam_format_address(a, buf), ==, "10.88.0.2");
        g_assert_cmpint(ipam_allocate(&def, gw, dns, taken, G_N_ELEMENTS(taken), 0, &a), ==, 0);
        g_assert_cmpstr(ipam_format_address(a, buf), ==, "10.88.0.3");
        /* a gateway elsewhere frees .1 */
        g_assert_cmpint(ipam_allocate(&def, A("10.88.0.3"), dns, taken, 1, 0, &a), ==, 0);
        g_assert_cmpstr(ipam_format_address(a, buf), ==, "10.88.0.1");

        /* --ip */
        g_assert_cmpint(ipam_allocate(&def, gw, dns, taken, G_N_ELEMENTS(taken), A("10.88.7.7"), &a), ==, 0);
        g_assert_cmpstr(ipam_format_address(a, buf), ==, "10.88.7.7");
        g_assert_cmpint(ipam_allocate(&def, gw, dns, taken, G_N_ELEMENTS(taken), A("10.88.0.4"), &a), ==, -EADDRINUSE);
        g_assert_cmpint(ipam_allocate(&def, gw, dns, taken, G_N_ELEMENTS(taken), A("10.89.0.4"), &a), ==, -EDOM);
        g_assert_cmpint(ipam_allocate(&def, gw, dns, NULL, 0, gw, &a), ==, -EADDRNOTAVAIL);
        g_assert_cmpint(ipam_allocate(&def, gw, dns, NULL, 0, dns, &a), ==, -EADDRNOTAVAIL);
        g_assert_cmpint(ipam_allocate(&def, gw, dns, NULL, 0, A("10.88.255.255"), &a), ==, -EADDRNOTAVAIL);
        g_assert_cmpint(ipam_allocate(&def, gw, 0, NULL, 0, A("10.88.255.254"), &a), ==, 0);

        /* a /29 with gateway .1 and DNS .6 has .2 to .5; then it is full */
        {
                uint32_t t[4], tgw = A("10.90.0.1"), tdns = ipam_dns_address(&tiny, tgw);
                g_assert_cmpstr(ipam_format_address(tdns, buf), ==, "10.90.0.6");
                for (size_t i = 0; i < 4; i++) {
                        g_assert_cmpint(ipam_allocate(&tiny, tgw, tdns, t, i, 0, &t[i]), ==, 0);
                        g_assert_cmphex(t[i], ==, A("10.90.0.2") + i);
                }
                g_assert_cmpint(ipam_allocate(&tiny, tgw, tdns, t, 4, 0, &a), ==, -ENOSPC);
                /* a freed lease is the next one handed out */
                t[1] = t[3];
                g_assert_cmpint(ipam_allocate(&tiny, tgw, tdns, t, 3, 0, &a), ==, 0);
                g_assert_cmpstr(ipam_format_address(a, buf), ==, "10.90.0.3");
        }
}

static void test_next_subnet(void) {
        IpamSubnet used[] = { S("10.88.0.0/16"), S("10.89.0.0/24"), S("10.89.1.0/25") }, s;
        IpamSubnet all = S("10.89.0.0/16");
        char buf[IPAM_SUBNET_MAX];

        g_assert_cmpint(ipam_next_subnet(NULL, 0, &s), ==, 0);
        g_assert_cmpstr(ipam_format_subnet(&s, buf), ==, "10.89.0.0/24");
        g_assert_cmpint(ipam_next_subnet(used, G_N_ELEMENTS(used), &s), ==, 0);
        g_assert_cmpstr(ipam_format_subnet(&s, buf), ==, "10.89.2.0/24");
        g_assert_cmpint(ipam_next_subnet(&all, 1, &s), ==, -ENOSPC);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/ipam/parse", test_parse);
        g_test_add_func("/ipam/overlap", test_overlap);
        g_test_add_func("/ipam/gateway-dns", test_gateway_dns);
        g_test_add_func("/ipam/allocate", test_allocate);
        g_test_add_func("/ipam/next-subnet", test_next_subnet);
        return g_test_run();
}
