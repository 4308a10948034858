/* SPDX-License-Identifier: Apache-2.0 */
#include <openssl/evp.h>

#include "digest.h"
#include "macro.h"

struct Sha256 {
        EVP_MD_CTX *ctx;
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
        Sha256 *h = calloc(1, sizeof *h);

        if (!h)
                return NULL;
        h->ctx = EVP_MD_CTX_new();
        if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
                sha256_free(h);
                return NULL;
        }
        return h;
}

void sha256_update(Sha256 *h, const void *p, size_t n) {
        (void) EVP_DigestUpdate(h->ctx, p, n);
}

static void to_string(const unsigned char *md, char out[static DIGEST_STRING_MAX]) {
        static const char hex[] = "0123456789abcdef";
        char *o = stpcpy(out, DIGEST_SHA256_PREFIX);

        for (size_t i = 0; i < 32; i++) {
                *o++ = hex[md[i] >> 4];
                *o++ = hex[md[i] & 15];
        }
        *o = 0;
}

void sha256_final(Sha256 *h, char out[static DIGEST_STRING_MAX]) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned len = 0;

        (void) EVP_DigestFinal_ex(h->ctx, md, &len);
        to_string(md, out);
}

void sha256_free(Sha256 *h) {
        if (!h)
                return;
        EVP_MD_CTX_free(h->ctx);
        free(h);
}

void sha256_digest(const void *p, size_t n, char out[static DIGEST_STRING_MAX]) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned len = 0;

        (void) EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
        to_string(md, out);
}

int sha256_fd(int fd, char out[static DIGEST_STRING_MAX], uint64_t *ret_size) {
        _cleanup_(sha256_freep) Sha256 *h = sha256_new();
        uint64_t size = 0;
        char buf[64 * 1024];

        if (!h)
                return -ENOMEM;
        for (;;) {
                ssize_t n = read(fd, buf, sizeof buf);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                sha256_update(h, buf, (size_t) n);
                size += (uint64_t) n;
        }
        sha256_final(h, out);
        if (ret_size)
                *ret_size = size;
        return 0;
}
