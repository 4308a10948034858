/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Content digests ("sha256:<64 hex>") and streaming SHA-256, computed by
 * roost itself (sha256.c: with the CPU's SHA extensions where it has them),
 * never by libcrypto, which could not be unloaded from roostd again. */

#define DIGEST_SHA256_PREFIX "sha256:"
#define DIGEST_HEX_LEN 64
#define DIGEST_STRING_MAX (sizeof(DIGEST_SHA256_PREFIX) - 1 + DIGEST_HEX_LEN + 1)

/* True for "sha256:" followed by exactly 64 lowercase hex digits. Other
 * algorithms are not accepted: roost stores and verifies sha256 only. */
bool digest_is_valid(const char *s);
/* The hex part of a valid digest. */
const char *digest_hex(const char *digest);

typedef struct Sha256 Sha256;
/* NULL only when out of memory */
Sha256 *sha256_new(void);
void sha256_update(Sha256 *h, const void *p, size_t n);
/* Writes "sha256:<hex>" (DIGEST_STRING_MAX bytes) and resets nothing: the
 * context is finished and must be freed. */
void sha256_final(Sha256 *h, char out[static DIGEST_STRING_MAX]);
void sha256_free(Sha256 *h);
static inline void sha256_freep(Sha256 **h) {
        sha256_free(*h);
}
/* One-shot digest of a buffer. */
void sha256_digest(const void *p, size_t n, char out[static DIGEST_STRING_MAX]);
/* Digest of a whole file read from fd (from its current offset). */
int sha256_fd(int fd, char out[static DIGEST_STRING_MAX], uint64_t *ret_size);
