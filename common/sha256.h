/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SHA-256 (FIPS 180-4), streaming. Two compression functions: one with the
 * x86 SHA extensions (SHA-NI), used when CPUID says the CPU has them, and a
 * portable one. roost computes digests itself rather than with libcrypto:
 * OpenSSL 3 pins itself in memory once loaded, which roostd cannot afford.
 *
 * The names carry "ctx" because digest.h already has sha256_new() and
 * friends, the "sha256:<hex>" API built on this one. */

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE 64

typedef struct Sha256Ctx {
        uint32_t state[8];
        uint64_t length;                  /* bytes hashed so far */
        uint8_t buf[SHA256_BLOCK_SIZE];   /* a partial block */
        size_t buf_len;
        /* compresses n whole blocks into state */
        void (*compress)(uint32_t state[static 8], const uint8_t *p, size_t n);
} Sha256Ctx;

void sha256_ctx_init(Sha256Ctx *ctx);
void sha256_ctx_update(Sha256Ctx *ctx, const void *p, size_t n);
/* Writes the digest; the context is finished (sha256_ctx_init() it again to
 * reuse it). */
void sha256_ctx_final(Sha256Ctx *ctx, uint8_t out[static SHA256_DIGEST_SIZE]);

/* True when the CPU has the SHA extensions (and the SSE4.1 they come with). */
bool sha256_cpu_has_sha_ni(void);
/* "sha-ni" or "portable": what contexts initialized now use. */
const char *sha256_implementation(void);

/* For tests only: with true, contexts initialized afterwards use the portable
 * compression function even on a CPU with SHA-NI. Not thread-safe. */
void sha256_set_portable_for_tests(bool portable);
