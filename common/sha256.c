/* SPDX-License-Identifier: Apache-2.0 */
#include <pthread.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

#include "sha256.h"

/* FIPS 180-4 4.2.2: the first 32 bits of the fractional parts of the cube
 * roots of the first 64 primes. Aligned for the SHA-NI loads. */
static const uint32_t K[64] __attribute__((aligned(16))) = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4 5.3.3: the initial hash value */
static const uint32_t H0[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static inline uint32_t ror32(uint32_t x, unsigned n) {
        return x >> n | x << (32 - n);
}

static inline uint32_t load_be32(const uint8_t *p) {
        return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v) {
        p[0] = (uint8_t) (v >> 24);
        p[1] = (uint8_t) (v >> 16);
        p[2] = (uint8_t) (v >> 8);
        p[3] = (uint8_t) v;
}

/* ---- portable ---- */

#define BSIG0(x) (ror32(x, 2) ^ ror32(x, 13) ^ ror32(x, 22))
#define BSIG1(x) (ror32(x, 6) ^ ror32(x, 11) ^ ror32(x, 25))
#define SSIG0(x) (ror32(x, 7) ^ ror32(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ror32(x, 17) ^ ror32(x, 19) ^ ((x) >> 10))
#define CH(x, y, z) (((x) & ((y) ^ (z))) ^ (z))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))

/* The schedule lives in a ring of 16 words: W[t] replaces W[t - 16]. */
#define W_NEXT(t) (w[(t) & 15] += SSIG1(w[((t) - 2) & 15]) + w[((t) - 7) & 15] + SSIG0(w[((t) - 15) & 15]))

/* One round without moving the eight working variables: the callers rotate
 * the names instead, so d and h are the only ones written. */
#define ROUND(a, b, c, d, e, f, g, h, wt, t)                                          \
        do {                                                                        \
                uint32_t t1 = (h) + BSIG1(e) + CH(e, f, g) + K[t] + (wt);           \
                (d) += t1;                                                          \
                (h) = t1 + BSIG0(a) + MAJ(a, b, c);                                 \
        } while (0)

#define ROUNDS8(W, t)                                                               \
        do {                                                                        \
                ROUND(a, b, c, d, e, f, g, h, W((t) + 0), (t) + 0);                 \
                ROUND(h, a, b, c, d, e, f, g, W((t) + 1), (t) + 1);                 \
                ROUND(g, h, a, b, c, d, e, f, W((t) + 2), (t) + 2);                 \
                ROUND(f, g, h, a, b, c, d, e, W((t) + 3), (t) + 3);                 \
                ROUND(e, f, g, h, a, b, c, d, W((t) + 4), (t) + 4);                 \
                ROUND(d, e, f, g, h, a, b, c, W((t) + 5), (t) + 5);                 \
                ROUND(c, d, e, f, g, h, a, b, W((t) + 6), (t) + 6);                 \
                ROUND(b, c, d, e, f, g, h, a, W((t) + 7), (t) + 7);                 \
        } while (0)

#define W_FIRST(t) (w[(t)])

static void compress_portable(uint32_t state[static 8], const uint8_t *p, size_t n) {
        for (; n > 0; n--, p += SHA256_BLOCK_SIZE) {
                uint32_t a = state[0], b = state[1], c = state[2], d = state[3],
                         e = state[4], f = state[5], g = state[6], h = state[7];
                uint32_t w[16];

                for (unsigned i = 0; i < 16; i++)
                        w[i] = load_be32(p + 4 * i);

                ROUNDS8(W_FIRST, 0);
                ROUNDS8(W_FIRST, 8);
                ROUNDS8(W_NEXT, 16);
                ROUNDS8(W_NEXT, 24);
                ROUNDS8(W_NEXT, 32);
                ROUNDS8(W_NEXT, 40);
                ROUNDS8(W_NEXT, 48);
                ROUNDS8(W_NEXT, 56);

                state[0] += a;
                state[1] += b;
                state[2] += c;
                state[3] += d;
                state[4] += e;
                state[5] += f;
                state[6] += g;
                state[7] += h;
        }
}

/* ---- SHA-NI ---- */

#if defined(__x86_64__)

/* sha256rnds2 does two rounds on the state split in two registers, ABEF and
 * CDGH (A in the top lane), taking W[t] + K[t] for both rounds from the low
 * half of its third operand. Four rounds are two of them, the second on the
 * high half; the new ABEF of the first is the second's CDGH. */
#define SHANI_ROUNDS4(msg, t)                                                       \
        do {                                                                        \
                __m128i wk = _mm_add_epi32(msg, _mm_load_si128((const __m128i *) &K[t])); \
                cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                       \
                abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0e)); \
        } while (0)

/* W[t..t+3] from the four quads before: msg1 adds sigma0 of W[t-15..t-12]
 * to W[t-16..t-13], then W[t-7..t-4] is added and msg2 adds sigma1 of
 * W[t-2..t+1], computing W[t], W[t+1] first for the upper two. */
#define SHANI_SCHEDULE(m0, m1, m2, m3)                                             \
        (m0 = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(m0, m1),      \
                                                 _mm_alignr_epi8(m3, m2, 4)), m3))

__attribute__((target("sha,sse4.1")))
static void compress_sha_ni(uint32_t state[static 8], const uint8_t *p, size_t n) {
        /* byte swap within each 32-bit lane: the message words are big-endian */
        const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
        __m128i abef, cdgh, tmp;

        /* state is a, b, c, d | e, f, g, h (a in lane 0): regroup */
        tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *) &state[0]), 0xb1); /* b a d c */
        cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *) &state[4]), 0x1b); /* h g f e */
        abef = _mm_alignr_epi8(tmp, cdgh, 8);           /* f e b a */
        cdgh = _mm_blend_epi16(cdgh, tmp, 0xf0);        /* h g d c */

        for (; n > 0; n--, p += SHA256_BLOCK_SIZE) {
                const __m128i abef_in = abef, cdgh_in = cdgh;
                __m128i m0, m1, m2, m3;

                m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 0)), bswap);
                SHANI_ROUNDS4(m0, 0);
                m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 16)), bswap);
                SHANI_ROUNDS4(m1, 4);
                m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 32)), bswap);
                SHANI_ROUNDS4(m2, 8);
                m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (p + 48)), bswap);
                SHANI_ROUNDS4(m3, 12);

                for (unsigned t = 16; t < 64; t += 16) {
                        SHANI_SCHEDULE(m0, m1, m2, m3);
                        SHANI_ROUNDS4(m0, t);
                        SHANI_SCHEDULE(m1, m2, m3, m0);
                        SHANI_ROUNDS4(m1, t + 4);
                        SHANI_SCHEDULE(m2, m3, m0, m1);
                        SHANI_ROUNDS4(m2, t + 8);
                        SHANI_SCHEDULE(m3, m0, m1, m2);
                        SHANI_ROUNDS4(m3, t + 12);
                }

                abef = _mm_add_epi32(abef, abef_in);
                cdgh = _mm_add_epi32(cdgh, cdgh_in);
        }

        /* back to a, b, c, d | e, f, g, h */
        tmp = _mm_shuffle_epi32(abef, 0x1b);            /* a b e f */
        cdgh = _mm_shuffle_epi32(cdgh, 0xb1);           /* g h c d */
        _mm_storeu_si128((__m128i *) &state[0], _mm_blend_epi16(tmp, cdgh, 0xf0));
        _mm_storeu_si128((__m128i *) &state[4], _mm_alignr_epi8(cdgh, tmp, 8));
}

bool sha256_cpu_has_sha_ni(void) {
        unsigned a, b, c, d;

        /* SHA: leaf 7 EBX bit 29; the code also needs SSSE3 and SSE4.1
         * (leaf 1 ECX bits 9 and 19), which every such CPU has */
        if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b & (1u << 29)))
                return false;
        if (!__get_cpuid(1, &a, &b, &c, &d))
                return false;
        return (c & (1u << 9)) && (c & (1u << 19));
}

#else

bool sha256_cpu_has_sha_ni(void) {
        return false;
}

#endif

/* ---- choice and streaming ---- */

static void (*compress_best)(uint32_t state[static 8], const uint8_t *p, size_t n) = compress_portable;
static pthread_once_t choose_once = PTHREAD_ONCE_INIT;
static bool force_portable;

static void choose(void) {
#if defined(__x86_64__)
        if (sha256_cpu_has_sha_ni())
                compress_best = compress_sha_ni;
#endif
}

void sha256_set_portable_for_tests(bool portable) {
        force_portable = portable;
}

const char *sha256_implementation(void) {
        (void) pthread_once(&choose_once, choose);
        return force_portable || compress_best == compress_portable ? "portable" : "sha-ni";
}

void sha256_ctx_init(Sha256Ctx *ctx) {
        (void) pthread_once(&choose_once, choose);
        memcpy(ctx->state, H0, sizeof H0);
        ctx->length = 0;
        ctx->buf_len = 0;
        ctx->compress = force_portable ? compress_portable : compress_best;
}

void sha256_ctx_update(Sha256Ctx *ctx, const void *data, size_t n) {
        const uint8_t *p = data;

        ctx->length += n;
        if (ctx->buf_len > 0) {
                size_t k = SHA256_BLOCK_SIZE - ctx->buf_len;

                if (n < k) {
                        if (n > 0) /* p may be NULL with n == 0 */
                                memcpy(ctx->buf + ctx->buf_len, p, n);
                        ctx->buf_len += n;
                        return;
                }
                memcpy(ctx->buf + ctx->buf_len, p, k);
                ctx->compress(ctx->state, ctx->buf, 1);
                ctx->buf_len = 0;
                p += k;
                n -= k;
        }
        /* whole blocks straight from the caller's buffer, in one call so that
         * the state stays in registers */
        if (n >= SHA256_BLOCK_SIZE) {
                ctx->compress(ctx->state, p, n / SHA256_BLOCK_SIZE);
                p += n / SHA256_BLOCK_SIZE * SHA256_BLOCK_SIZE;
                n %= SHA256_BLOCK_SIZE;
        }
        if (n > 0) {
                memcpy(ctx->buf, p, n);
                ctx->buf_len = n;
        }
}

void sha256_ctx_final(Sha256Ctx *ctx, uint8_t out[static SHA256_DIGEST_SIZE]) {
        uint64_t bits = ctx->length * 8;
        size_t i = ctx->buf_len;

        /* 0x80, zeros up to 56 mod 64, the 64-bit big-endian length in bits */
        ctx->buf[i++] = 0x80;
        if (i > SHA256_BLOCK_SIZE - 8) {
                memset(ctx->buf + i, 0, SHA256_BLOCK_SIZE - i);
                ctx->compress(ctx->state, ctx->buf, 1);
                i = 0;
        }
        memset(ctx->buf + i, 0, SHA256_BLOCK_SIZE - 8 - i);
        store_be32(ctx->buf + 56, (uint32_t) (bits >> 32));
        store_be32(ctx->buf + 60, (uint32_t) bits);
        ctx->compress(ctx->state, ctx->buf, 1);

        for (unsigned j = 0; j < 8; j++)
                store_be32(out + 4 * j, ctx->state[j]);
        ctx->buf_len = 0;
}
