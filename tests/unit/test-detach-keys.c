/* SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>

#include "detach-keys.h"

static void test_parse(void) {
        DetachKeys d;
        char err[256];

        g_assert_cmpint(detach_keys_parse(NULL, &d, err, sizeof err), ==, 0);
        g_assert_cmpuint(d.n, ==, 2);
        g_assert_cmpint(d.keys[0], ==, 0x10); /* ctrl-p */
        g_assert_cmpint(d.keys[1], ==, 0x11); /* ctrl-q */
        g_assert_cmpint(detach_keys_parse("ctrl-a,x,ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_,ctrl-Z", &d, err, sizeof err), ==, 0);
        g_assert_cmpmem(d.keys, d.n, "\x01x\x00\x1b\x1c\x1d\x1e\x1f\x1a", 9);
        g_assert_cmpint(detach_keys_parse("", &d, err, sizeof err), ==, 0);
        g_assert_cmpuint(d.n, ==, 0);
        g_assert_cmpint(detach_keys_parse(",", &d, err, sizeof err), ==, -EINVAL);
}

static void test_parse_bad(void) {
        static const char *const bad[] = { "ctrl-", "ctrl-1", "ctrl-ab", "xy", "ctrl-p,", "ctrl-p,,ctrl-q", "alt-x" };
        DetachKeys d;
        char err[256];

        for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
                err[0] = 0;
                g_assert_cmpint(detach_keys_parse(bad[i], &d, err, sizeof err), ==, -EINVAL);
                g_assert_cmpstr(err, !=, "");
        }
        g_assert_true(strstr(err, "alt-x") != NULL);
        g_assert_cmpint(detach_keys_parse("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q", &d, err, sizeof err), ==, -E2BIG);
}

static void test_feed(void) {
        DetachKeys d;
        uint8_t out[64];
        size_t n;

        g_assert_cmpint(detach_keys_parse(NULL, &d, NULL, 0), ==, 0);
        /* plain input passes */
        g_assert_false(detach_keys_feed(&d, (const uint8_t *) "ls\n", 3, out, &n));
        g_assert_cmpmem(out, n, "ls\n", 3);
        /* the sequence split over two reads: the first key is held, then detach */
        g_assert_false(detach_keys_feed(&d, (const uint8_t *) "ab\x10", 3, out, &n));
        g_assert_cmpmem(out, n, "ab", 2);
        g_assert_true(detach_keys_feed(&d, (const uint8_t *) "\x11zz", 3, out, &n));
        g_assert_cmpuint(n, ==, 0);
        /* a held key that turns out not to start the sequence is released */
        g_assert_false(detach_keys_feed(&d, (const uint8_t *) "\x10", 1, out, &n));
        g_assert_cmpuint(n, ==, 0);
        g_assert_false(detach_keys_feed(&d, (const uint8_t *) "x", 1, out, &n));
        g_assert_cmpmem(out, n, "\x10x", 2);
        /* ctrl-p ctrl-p ctrl-q: the first is released, the rest detach */
        g_assert_true(detach_keys_feed(&d, (const uint8_t *) "k\x10\x10\x11", 4, out, &n));
        g_assert_cmpmem(out, n, "k\x10", 2);
        /* no keys: everything passes, never a detach */
        g_assert_cmpint(detach_keys_parse("", &d, NULL, 0), ==, 0);
        g_assert_false(detach_keys_feed(&d, (const uint8_t *) "\x10\x11", 2, out, &n));
        g_assert_cmpmem(out, n, "\x10\x11", 2);
        /* a one-key sequence */
        g_assert_cmpint(detach_keys_parse("ctrl-x", &d, NULL, 0), ==, 0);
        g_assert_true(detach_keys_feed(&d, (const uint8_t *) "ab\x18", 3, out, &n));
        g_assert_cmpmem(out, n, "ab", 2);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/detach-keys/parse", test_parse);
        g_test_add_func("/detach-keys/parse-bad", test_parse_bad);
        g_test_add_func("/detach-keys/feed", test_feed);
        return g_test_run();
}
