/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "content-store.h"
#include "daemon.h"
#include "registry.h"

/* roostd's image service: the content store, the registry client, the
 * downloads and unpacks in flight (shared between pulls: a blob is fetched
 * and a layer unpacked once however many pulls want it), leases that keep
 * what a pull has not committed yet from being collected, and collection of
 * what no image holds. */

typedef struct ImageService ImageService;
typedef struct BlobTask BlobTask;
typedef struct LayerTask LayerTask;

int images_init(Daemon *d);
void images_done(Daemon *d);
ContentStore *images_store(Daemon *d);
Registry *images_registry(Daemon *d);

/* Leases: a digest or chain ID in use by an operation in flight. */
void images_lease(Daemon *d, const char *key);
void images_release(Daemon *d, const char *key);
bool images_is_leased(Daemon *d, const char *key);

/* Removes blobs and layers no image holds (and no lease). */
int images_gc(Daemon *d, bool at_start, uint64_t *ret_freed);

/* --- layers in flight ---------------------------------------------------------- */

typedef struct LayerWaiter {
        /* status: "Waiting", "Downloading", "Extracting", "Download complete"...
         * current/total: compressed bytes */
        void (*on_progress)(void *userdata, const char *digest, const char *status, uint64_t current, uint64_t total);
        /* r 0 with the layer committed, or an error with a message naming the layer */
        void (*on_done)(void *userdata, const char *digest, int r, const char *message);
        void *userdata;
} LayerWaiter;

typedef struct LayerSpec {
        const char *chain_id;
        const char *parent_chain_id; /* NULL for the first layer */
        const char *digest;          /* the (compressed) blob */
        const char *diff_id;
        const char *media_type;
        uint64_t size;               /* of the blob */
        RegistryRepo *repo;          /* where to fetch the blob; NULL: it must be in the store */
} LayerSpec;

/* Makes sure layers/<chain> exists, fetching and unpacking as needed, and
 * calls w when it does (or failed). Returns a handle to drop interest with
 * layer_task_unwatch() (the work stops when nobody waits any more), or NULL
 * with *ret_r 0 when the layer is already there (no callback then). */
int layer_task_watch(Daemon *d, const LayerSpec *spec, const LayerWaiter *w, LayerTask **ret);
void layer_task_unwatch(LayerTask *t, void *userdata);

/* --- blobs in flight ------------------------------------------------------------ */

typedef struct BlobWaiter {
        void (*on_progress)(void *userdata, const char *digest, uint64_t current, uint64_t total);
        void (*on_done)(void *userdata, const char *digest, int r, const char *message);
        void *userdata;
} BlobWaiter;

/* Fetches a blob into the content store (once, however many ask). max: the
 * largest size accepted (the descriptor's size must not exceed it). */
int blob_task_watch(Daemon *d, RegistryRepo *repo, const char *digest, uint64_t size, const BlobWaiter *w,
                    BlobTask **ret);
void blob_task_unwatch(BlobTask *t, void *userdata);
