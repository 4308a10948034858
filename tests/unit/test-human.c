/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>

#include "human.h"

#define check_order(a, b)                                               \
        do {                                                            \
                g_assert_cmpint(cli_natural_compare(a, b), <, 0);       \
                g_assert_cmpint(cli_natural_compare(b, a), >, 0);       \
        } while (0)

static void test_natural(void) {
        g_assert_cmpint(cli_natural_compare("", ""), ==, 0);
        g_assert_cmpint(cli_natural_compare("net1", "net1"), ==, 0);
        check_order("", "a");
        check_order("net", "net1");
        check_order("net2", "net10");
        check_order("net9-a", "net10-a");
        check_order("a", "b");
        check_order("B", "a");
        check_order("net1a", "net01");
        /* equal numbers: fewer leading zeros first */
        check_order("net1", "net01");
        check_order("net01", "net001");
        /* digits before anything else */
        check_order("1", "a");
        check_order("a1", "a-");
        check_order("80/tcp -> 0.0.0.0:80", "80/tcp -> [::]:80");
        check_order("9/tcp -> 0.0.0.0:1", "10/tcp -> 0.0.0.0:1");
        check_order("99999999999999999999998", "99999999999999999999999");
        check_order("9", "99999999999999999999999");
}

static void test_go_time(void) {
        g_autofree char *whole = cli_go_time(1764368647ULL * G_USEC_PER_SEC);
        g_autofree char *frac = cli_go_time(1764368647ULL * G_USEC_PER_SEC + 123400);
        g_autofree char *rfc = cli_rfc3339(1764368647ULL * G_USEC_PER_SEC + 123400);

        g_assert_cmpstr(whole, ==, "2025-11-28 22:24:07 +0000 UTC");
        g_assert_cmpstr(frac, ==, "2025-11-28 22:24:07.1234 +0000 UTC");
        g_assert_cmpstr(rfc, ==, "2025-11-28T22:24:07.123400Z");
}

int main(int argc, char *argv[]) {
        /* Go's time string is in the local zone: make it UTC */
        g_setenv("TZ", "UTC", TRUE);
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/human/natural-order", test_natural);
        g_test_add_func("/human/go-time", test_go_time);
        return g_test_run();
}
