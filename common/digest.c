/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "macro.h"
#include "sha256.h"

/* roost hashes with its own SHA-256 (sha256.c), not libcrypto: OpenSSL 3
 * cannot be unloaded once loaded and would keep ~3.3 MiB resident in roostd
 * after its first pull. */
struct Sha256 {
        Sha256Ctx ctx;
};

bool digest_is_valid(const char *s) {
        const char *h;

        if (!s || !(h = startswith(s, DIGEST_SHA256_PREFIX)))
                return false;
        for (size_t i = 0; i < DIGEST_HEX_LEN; i++)
                if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
                        return false;
        return h[DIGEST_HEX_LEN] == 0;
}

const char *digest_hex(const char *digest) {
        return startswith(digest, DIGEST_SHA256_PREFIX) ?: digest;
}

Sha256 *sha256_new(void) {
        Sha256 *h = malloc(sizeof *h);

        if (!h)
                return NULL;
        sha256_ctx_init(&h->ctx);
        return h;
}

void sha256_update(Sha256 *h, const void *p, size_t n) {
        sha256_ctx_update(&h->ctx, p, n);
}

static void to_string(const uint8_t md[static SHA256_DIGEST_SIZE], char out[static DIGEST_STRING_MAX]) {
        static const char hex[] = "0123456789abcdef";
        char *o = stpcpy(out, DIGEST_SHA256_PREFIX);

        for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) {
                *o++ = hex[md[i] >> 4];
                *o++ = hex[md[i] & 15];
        }
        *o = 0;
}

void sha256_final(Sha256 *h, char out[static DIGEST_STRING_MAX]) {
        uint8_t md[SHA256_DIGEST_SIZE];

        sha256_ctx_final(&h->ctx, md);
        to_string(md, out);
}

void sha256_free(Sha256 *h) {
        free(h);
}

void sha256_digest(const void *p, size_t n, char out[static DIGEST_STRING_MAX]) {
        uint8_t md[SHA256_DIGEST_SIZE];
        Sha256Ctx ctx;

        sha256_ctx_init(&ctx);
        sha256_ctx_update(&ctx, p, n);
        sha256_ctx_final(&ctx, md);
        to_string(md, out);
}

int sha256_fd(int fd, char out[static DIGEST_STRING_MAX], uint64_t *ret_size) {
        uint8_t md[SHA256_DIGEST_SIZE];
        uint64_t size = 0;
        char buf[64 * 1024];
        Sha256Ctx ctx;

        sha256_ctx_init(&ctx);
        for (;;) {
                ssize_t n = read(fd, buf, sizeof buf);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                sha256_ctx_update(&ctx, buf, (size_t) n);
                size += (uint64_t) n;
        }
        sha256_ctx_final(&ctx, md);
        to_string(md, out);
        if (ret_size)
                *ret_size = size;
        return 0;
}
