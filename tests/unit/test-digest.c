/* SPDX-License-Identifier: Apache-2.0 */
/* sha256 as roost computes it (common/sha256.c), compared with GLib's
 * GChecksum: once with the SHA-NI compression function, once with the
 * portable one. */
#include <glib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "digest.h"
#include "sha256.h"

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

        /* FIPS 180-4's two-block example */
        sha256_digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d);
        g_assert_cmpstr(d, ==, "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

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

static void reference_digest(const void *p, size_t n, uint8_t out[static SHA256_DIGEST_SIZE]) {
        GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
        gsize len = SHA256_DIGEST_SIZE;

        g_checksum_update(c, p, (gssize) n);
        g_checksum_get_digest(c, out, &len);
        g_assert_cmpuint(len, ==, SHA256_DIGEST_SIZE);
        g_checksum_free(c);
}

/* chunk 0: random chunk sizes (some empty, some of many blocks) */
static void check(const uint8_t *p, size_t n, size_t chunk) {
        uint8_t want[SHA256_DIGEST_SIZE], got[SHA256_DIGEST_SIZE];
        Sha256Ctx ctx;

        reference_digest(p, n, want);

        sha256_ctx_init(&ctx);
        size_t off = 0;
        do {
                size_t k = chunk ?: (size_t) g_test_rand_int_range(0, g_test_rand_bit() ? 200 : 5000);

                k = MIN(k, n - off);
                sha256_ctx_update(&ctx, p + off, k);
                off += k;
        } while (off < n);
        sha256_ctx_final(&ctx, got);
        if (memcmp(got, want, sizeof want) != 0)
                g_error("length %zu, chunk %zu (%s): wrong digest", n, chunk, sha256_implementation());

        /* the digest.h API over the same context */
        char d[DIGEST_STRING_MAX];
        g_autofree char *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, p, n);
        sha256_digest(p, n, d);
        g_assert_cmpstr(digest_hex(d), ==, hex);
}

static void test_against_glib(gconstpointer data) {
        bool portable = GPOINTER_TO_INT(data);
        const size_t big = (1 << 20) + 7;
        g_autofree uint8_t *buf = g_malloc(big + 1);

        if (!portable && !sha256_cpu_has_sha_ni()) {
                g_test_skip("this CPU has no SHA extensions (sha_ni)");
                return;
        }
        sha256_set_portable_for_tests(portable);
        g_assert_cmpstr(sha256_implementation(), ==, portable ? "portable" : "sha-ni");

        for (size_t i = 0; i < big + 1; i++)
                buf[i] = (uint8_t) g_test_rand_int();

        for (size_t n = 0; n <= 300; n++) {
                check(buf, n, n ?: 1);
                check(buf + 1, n, 1);   /* unaligned, byte by byte */
                check(buf, n, 0);
        }
        /* around the padding boundaries: 55 still fits the length in its block */
        static const size_t edges[] = { 55, 56, 63, 64, 65, 119, 120 };
        for (size_t i = 0; i < G_N_ELEMENTS(edges); i++)
                for (size_t chunk = 0; chunk <= 65; chunk++)
                        check(buf + (chunk & 3), edges[i], chunk);

        check(buf, big, big);
        check(buf + 1, big, big);
        check(buf, big, 0);
        check(buf, big, 64);
        check(buf, big, 4099);
        check(buf, big, 1);

        sha256_set_portable_for_tests(false);
}

static void test_fd(void) {
        static const char text[] = "abc";
        char d[DIGEST_STRING_MAX];
        uint64_t size = 0;
        int fd = memfd_create("test-digest", MFD_CLOEXEC);

        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpint(write(fd, text, 3), ==, 3);
        g_assert_cmpint(lseek(fd, 0, SEEK_SET), ==, 0);
        g_assert_cmpint(sha256_fd(fd, d, &size), ==, 0);
        g_assert_cmpstr(d, ==, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        g_assert_cmpuint(size, ==, 3);
        close(fd);

        g_assert_cmpint(sha256_fd(-1, d, NULL), ==, -EBADF);
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/digest/vectors", test_vectors);
        g_test_add_func("/digest/valid", test_valid);
        g_test_add_func("/digest/fd", test_fd);
        g_test_add_data_func("/digest/sha-ni", GINT_TO_POINTER(false), test_against_glib);
        g_test_add_data_func("/digest/portable", GINT_TO_POINTER(true), test_against_glib);
        return g_test_run();
}
