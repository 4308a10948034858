/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "digest.h"
#include "macro.h"

/* Content-addressed blobs under $XDG_DATA_HOME/roost:
 *   blobs/sha256/<hex>   verified blobs, immutable
 *   ingest/<random>      partial downloads, hashed while written
 * A blob appears under blobs/ only once its size and digest were checked,
 * by a rename. ingest/ is emptied at every start: nothing half-written
 * survives a crash. */

typedef struct ContentStore {
        char *root;    /* the data directory */
        int blobs_fd;  /* blobs/sha256 */
        int ingest_fd; /* ingest */
} ContentStore;

int content_store_open(const char *data_dir, ContentStore **ret);
void content_store_free(ContentStore *cs);

/* 1 and the size when present, 0 when not. */
int content_store_has(ContentStore *cs, const char *digest, uint64_t *ret_size);
int content_store_open_blob(ContentStore *cs, const char *digest);
/* Reads a blob of at most max bytes and checks its digest again. */
int content_store_read(ContentStore *cs, const char *digest, size_t max, char **ret, size_t *ret_size);
/* Stores a buffer (manifests, configs roost writes itself). */
int content_store_write(ContentStore *cs, const void *p, size_t n, char ret_digest[static DIGEST_STRING_MAX]);
int content_store_remove(ContentStore *cs, const char *digest);
/* Every stored digest. */
int content_store_list(ContentStore *cs, char ***ret);
uint64_t content_store_blob_size(ContentStore *cs, const char *digest);

typedef struct Ingest {
        ContentStore *cs;
        int fd;
        char name[32];
        Sha256 *hash;
        uint64_t size;
        char *expected;          /* digest, or NULL (then any content is accepted) */
        int64_t expected_size;   /* -1: unknown */
} Ingest;

int ingest_start(ContentStore *cs, const char *expected_digest, int64_t expected_size, Ingest **ret);
/* -EFBIG when more than the expected size arrives. */
int ingest_write(Ingest *in, const void *p, size_t n);
/* Checks size and digest and moves the blob into place. On a mismatch
 * returns -EBADMSG (digest) or -EPIPE (size) with a message. Frees in. */
int ingest_commit(Ingest *in, char *ret_digest, char **ret_error); /* ret_digest: NULL or DIGEST_STRING_MAX bytes */
void ingest_abort(Ingest *in);
