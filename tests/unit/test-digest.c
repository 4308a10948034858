/* SPDX-License-Identifier: Apache-2.0 */
/* sha256 as roost computes it: built twice, once with libcrypto (loaded at
 * the first digest) and once with digest.c told to load a library that does
 * not exist, so that GLib's GChecksum does the work. */
#include <glib.h>

#include "digest.h"

static void test_vectors(void) {
        char d[DIGEST_STRING_MAX];
        g_autofree char *big = g_malloc(1 << 20);

        sha256_digest("", 0, d);
        g_assert_cmpstr(d, ==, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        g_assert_true(digest_is_valid(d));

        Sha256 *h = sha256_new();
        sha256_update(h, "ab", 2);
        sha256_update(h, "c", 1);
        sha256_final(h, d);
        sha256_free(h);
        g_assert_cmpstr(d, ==, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

        /* 1 MiB of 'a' */
        memset(big, 'a', 1 << 20);
        sha256_digest(big, 1 << 20, d);
        g_assert_cmpstr(d, ==, "sha256:9bc1b2a288b26af7257a36277ae3816a7d4f16e89c1e7e77d0a5c48bad62b360");
}

static void test_valid(void) {
        g_assert_false(digest_is_valid("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
        g_assert_false(digest_is_valid("sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        g_assert_false(digest_is_valid("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"));
        g_assert_false(digest_is_valid("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855/"));
        g_assert_false(digest_is_valid(NULL));
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/digest/vectors", test_vectors);
        g_test_add_func("/digest/valid", test_valid);
        return g_test_run();
}
