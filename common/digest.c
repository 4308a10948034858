/* SPDX-License-Identifier: Apache-2.0 */
#include <dlfcn.h>
#include <glib.h>
#include <openssl/evp.h>
#include <pthread.h>

#include "digest.h"
#include "dl-table.h"
#include "macro.h"

/* libcrypto is loaded at the first digest, not at start: linked, it costs
 * every roostd and roost process ~1.4 MiB of relocations and symbol tables
 * although most of them never hash anything. Without it (not installed, or
 * another soname) GLib's GChecksum does the same work, slower. */
#ifndef LIBCRYPTO
#define LIBCRYPTO "libcrypto.so.3"
#endif

static struct {
        EVP_MD_CTX *(*ctx_new)(void);
        void (*ctx_free)(EVP_MD_CTX *ctx);
        int (*init)(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl);
        int (*update)(EVP_MD_CTX *ctx, const void *p, size_t n);
        int (*final)(EVP_MD_CTX *ctx, unsigned char *md, unsigned *len);
        const EVP_MD *(*sha256)(void);
} evp;
static bool evp_loaded;
static pthread_once_t evp_once = PTHREAD_ONCE_INIT;

static void evp_load(void) {
        static const DlSymbol table[] = {
                { "EVP_MD_CTX_new", offsetof(typeof(evp), ctx_new) },
                { "EVP_MD_CTX_free", offsetof(typeof(evp), ctx_free) },
                { "EVP_DigestInit_ex", offsetof(typeof(evp), init) },
                { "EVP_DigestUpdate", offsetof(typeof(evp), update) },
                { "EVP_DigestFinal_ex", offsetof(typeof(evp), final) },
                { "EVP_sha256", offsetof(typeof(evp), sha256) },
        };
        const char *missing;

        /* without it (or with one too old), GLib's GChecksum does the work */
        evp_loaded = dl_table_open(LIBCRYPTO, table, ELEMENTSOF(table), &evp, sizeof evp, &missing) != NULL;
}

struct Sha256 {
        EVP_MD_CTX *ctx;   /* with libcrypto */
        GChecksum *gc;     /* without */
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
        (void) pthread_once(&evp_once, evp_load);
        if (!evp_loaded) {
                h->gc = g_checksum_new(G_CHECKSUM_SHA256);
                return h;
        }
        h->ctx = evp.ctx_new();
        if (!h->ctx || evp.init(h->ctx, evp.sha256(), NULL) != 1) {
                sha256_free(h);
                return NULL;
        }
        return h;
}

void sha256_update(Sha256 *h, const void *p, size_t n) {
        if (h->gc)
                g_checksum_update(h->gc, p, (gssize) n);
        else
                (void) evp.update(h->ctx, p, n);
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
        gsize glen = sizeof md;

        if (h->gc)
                g_checksum_get_digest(h->gc, md, &glen);
        else
                (void) evp.final(h->ctx, md, &len);
        to_string(md, out);
}

void sha256_free(Sha256 *h) {
        if (!h)
                return;
        if (h->gc)
                g_checksum_free(h->gc);
        if (h->ctx)
                evp.ctx_free(h->ctx);
        free(h);
}

void sha256_digest(const void *p, size_t n, char out[static DIGEST_STRING_MAX]) {
        _cleanup_(sha256_freep) Sha256 *h = sha256_new();

        if (!h)
                abort(); /* out of memory */
        sha256_update(h, p, n);
        sha256_final(h, out);
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
