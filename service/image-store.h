/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "content-store.h"
#include "daemon.h"
#include "manifest.h"
#include "state-db.h"

/* Image records in the state database (migration 3), and the lookup the
 * containers code uses to turn what a user typed into an image. */

typedef struct ImageLayer {
        char *chain_id;
        char *diff_id;
        char *digest;      /* the layer blob */
        char *media_type;
        uint64_t blob_size;
        uint64_t size;     /* uncompressed */
} ImageLayer;

typedef struct Image {
        char *id;                 /* "sha256:<hex>": the config's digest, as docker's image ID */
        char **repo_tags;         /* full names: "docker.io/library/busybox:latest" (never NULL) */
        char **repo_digests;      /* "docker.io/library/busybox@sha256:..." (never NULL) */
        char *manifest_digest;
        char *manifest_media_type;
        char *index_digest;       /* NULL unless pulled through an index */
        char *os, *architecture, *variant;
        int64_t created;          /* from the config, seconds since the epoch (0: unknown) */
        uint64_t size;            /* uncompressed layers */
        int64_t added_at;
        ImageLayer *layers;
        size_t n_layers;
        ImageConfig *config;      /* Entrypoint, Cmd, Env, WorkingDir, User, StopSignal, Labels,
                                   * ExposedPorts, Volumes, diff_ids: parsed from the config blob */
} Image;

void image_free(Image *i);
static inline void image_freep(Image **i) {
        image_free(*i);
}
#define _cleanup_image_ _cleanup_(image_freep)

/* By reference ("busybox", "busybox:1", "host:5000/app@sha256:..."), full
 * ID ("sha256:<hex>" or the 64 hex digits) or unique ID prefix. Returns
 * -ENOENT when there is no such image, -ENOTUNIQ for an ambiguous prefix. */
int image_lookup(Daemon *d, const char *ref_or_id, Image **ret);

/* The same, on the store itself. ret_id: the image ID. */
int image_store_resolve(StateDb *db, const char *ref_or_id, char **ret_id);
int image_store_load(StateDb *db, ContentStore *cs, const char *id, bool with_config, Image **ret);
int image_store_list(StateDb *db, ContentStore *cs, Image ***ret, size_t *ret_n);
void image_list_free(Image **l, size_t n);
unsigned image_store_count(StateDb *db);

/* Writes an image in one transaction: the row (replaced if it exists), its
 * names (taken from any image that had them), its repo digests, blobs
 * (added to those it had) and layers. *ret_untagged (optional) lists the
 * IDs of images that lost their last name to it. */
int image_store_commit(StateDb *db, const Image *img, char *const *blobs);
int image_store_tag(StateDb *db, const char *id, const char *name);
/* Removes a name; -ENOENT when there is none. */
int image_store_untag(StateDb *db, const char *name);
int image_store_delete(StateDb *db, const char *id);
/* Names of the containers using an image (the containers table). */
int image_store_users(StateDb *db, const char *id, char ***ret);
/* Every blob digest and chain ID some image holds. */
int image_store_referenced(StateDb *db, char ***ret_blobs, char ***ret_chains);
/* IDs of images with no name (dangling). */
int image_store_dangling(StateDb *db, char ***ret);
